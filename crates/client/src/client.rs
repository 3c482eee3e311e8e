//! [`Client`]: the blocking client, its connection pool, and the generic request call.

use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

use psc_wire::{ProviderId, Request, Response};

use crate::auth::Auth;
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::key_policies::{KeyPolicies, Scope};
use crate::operation::{Operation, answer};
use crate::settings::{Settings, settings_methods};
use crate::shared::Shared;
use crate::transport;

/// A blocking client of one Parsec service.
///
/// Requests ask the service to keep their connection open, and kept connections wait in a
/// small pool for the next request; against a service that serves one request per
/// connection (the original Parsec) the client falls back to a connection per request by
/// itself. A `Client` can be shared between threads, and its clones share its pool.
#[derive(Clone, Debug)]
pub struct Client {
    shared: Shared<UnixStream>,
}

impl Client {
    /// The timeout of a whole exchange unless changed: 60 s, as in the published client.
    pub const DEFAULT_TIMEOUT: Duration = Settings::DEFAULT_TIMEOUT;

    /// The largest response body accepted unless changed: 16 MiB.
    pub const DEFAULT_MAX_BODY_SIZE: usize = Settings::DEFAULT_MAX_BODY_SIZE;

    /// How long a request busy-polls for its answer unless changed: zero, never.
    pub const DEFAULT_BUSY_POLL: Duration = Settings::DEFAULT_BUSY_POLL;

    /// A client of the service listening on the socket at `path`, without authentication.
    pub fn new(path: impl Into<PathBuf>) -> Client {
        Client::with_endpoint(Endpoint::unix(path))
    }

    /// A client of the service at `endpoint`, without authentication.
    pub fn with_endpoint(endpoint: Endpoint) -> Client {
        Client {
            shared: Shared::new(endpoint),
        }
    }

    /// A client of the service named by `PARSEC_SERVICE_ENDPOINT` (default
    /// `unix:/run/parsec/parsec.sock`), without authentication.
    ///
    /// # Errors
    /// [`ClientError::Endpoint`] when the variable holds an unusable URI.
    pub fn from_env() -> Result<Client, Error> {
        Ok(Client::with_endpoint(Shared::<UnixStream>::env_endpoint()?))
    }

    /// Sends `request` to `provider` with the identity `auth`, and returns the decoded
    /// answer, which is always the response to the same operation.
    ///
    /// # Errors
    /// [`Error::Service`] when the service answers a non-success status; [`Error::Client`]
    /// for a failure on this side: endpoint, connection, timeout, or a malformed response.
    pub fn call(
        &self,
        provider: ProviderId,
        auth: &Auth,
        request: Request,
    ) -> Result<Response, Error> {
        let busy_poll = self.shared.settings.busy_poll;
        let (exchange, frame, link) = self.shared.prepare(provider, auth, &request, busy_poll)?;
        transport::round_trip(&link, &exchange, &frame)
    }

    /// How long a request busy-polls for its answer before the thread sleeps.
    pub fn busy_poll(&self) -> Duration {
        self.shared.settings.busy_poll
    }

    /// Sets how long a request busy-polls for its answer before the thread sleeps; zero
    /// (the default) never busy-polls.
    ///
    /// A sleeping thread is woken by the answer, and on a virtual machine without guest
    /// halt polling waking a halted CPU takes tens of microseconds: more than the service
    /// takes to sign. With a window, each request of this client (and its clones) first
    /// polls its socket without sleeping, for at most that long and never past the
    /// exchange's timeout, then sleeps as without. It is off by default because it spends
    /// the application's CPU time: an operation slower than the window costs the whole
    /// window, every thread waiting spins on its own, and on a machine of one CPU it only
    /// delays the service. Measured at one thread on such a VM (docs/BENCHMARKS.md, 100 µs):
    /// a ping about 1.35 times as fast, an ECDSA signature about a fifth faster. The async
    /// client never spins.
    pub fn set_busy_poll(&mut self, window: Duration) {
        self.shared.settings.busy_poll = window;
    }

    /// The settings, for an async client made from this one.
    #[cfg(feature = "async")]
    pub(crate) fn settings(&self) -> &Settings {
        &self.shared.settings
    }

    /// The namespace key names are looked up in: the identity and the provider.
    pub(crate) fn key_scope(&self) -> Scope {
        self.shared.key_scope()
    }

    /// The attributes of the keys used so far, shared with the clones.
    pub(crate) fn key_policies(&self) -> &KeyPolicies {
        &self.shared.policies
    }

    /// Sends one typed operation with the client's identity and returns its typed answer.
    pub(crate) fn send<O: Operation>(
        &self,
        provider: ProviderId,
        op: O,
    ) -> Result<O::Answer, Error> {
        let request = op.into();
        let response = self.call(provider, &self.shared.settings.auth, request)?;
        answer::<O>(response)
    }

    /// Sends one typed operation to the client's crypto provider.
    ///
    /// # Errors
    /// [`ClientError::NoProvider`] before a crypto provider is chosen; otherwise see
    /// [`Client::call`].
    pub(crate) fn send_crypto<O: Operation>(&self, op: O) -> Result<O::Answer, Error> {
        self.send(self.shared.settings.crypto_provider()?, op)
    }
}

settings_methods!(Client);
