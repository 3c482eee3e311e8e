//! [`Client`]: the settings of a connection to the service, and the generic request call.

use std::io;
use std::os::unix::fs::FileTypeExt;
use std::path::PathBuf;
use std::time::Duration;

use psc_wire::{ProviderId, Request, Response};

use crate::auth::Auth;
use crate::codec::Exchange;
use crate::endpoint::Endpoint;
use crate::error::{ClientError, Error};
use crate::operation::Operation;
use crate::transport;

/// A blocking client of one Parsec service.
///
/// Each request opens a new connection, sends one frame and reads one answer, as the
/// protocol requires, so a `Client` holds no connection and can be shared between threads.
#[derive(Clone, Debug)]
pub struct Client {
    endpoint: Endpoint,
    auth: Auth,
    provider: ProviderId,
    timeout: Option<Duration>,
    max_body_size: usize,
}

impl Client {
    /// The timeout of a whole exchange unless changed: 60 s, as in the published client.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

    /// The largest response body accepted unless changed: 16 MiB.
    pub const DEFAULT_MAX_BODY_SIZE: usize = 16 << 20;

    /// A client of the service listening on the socket at `path`, without authentication.
    pub fn new(path: impl Into<PathBuf>) -> Client {
        Client::with_endpoint(Endpoint::unix(path))
    }

    /// A client of the service at `endpoint`, without authentication.
    pub fn with_endpoint(endpoint: Endpoint) -> Client {
        Client {
            endpoint,
            auth: Auth::NoAuth,
            provider: ProviderId::Core,
            timeout: Some(Client::DEFAULT_TIMEOUT),
            max_body_size: Client::DEFAULT_MAX_BODY_SIZE,
        }
    }

    /// A client of the service named by `PARSEC_SERVICE_ENDPOINT` (default
    /// `unix:/run/parsec/parsec.sock`), without authentication.
    ///
    /// # Errors
    /// [`ClientError::Endpoint`] when the variable holds an unusable URI.
    pub fn from_env() -> Result<Client, Error> {
        let endpoint = Endpoint::from_env()
            .map_err(|(uri, problem)| ClientError::Endpoint { uri, problem })?;
        Ok(Client::with_endpoint(endpoint))
    }

    /// Where requests go.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The identity requests carry.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// Sets the identity the typed methods send.
    pub fn set_auth(&mut self, auth: Auth) {
        self.auth = auth;
    }

    /// The provider the key and crypto methods address; [`ProviderId::Core`] until one is
    /// chosen with [`Client::set_provider`] or [`Client::discover`].
    pub fn provider(&self) -> ProviderId {
        self.provider
    }

    /// Sets the provider the key and crypto methods address.
    pub fn set_provider(&mut self, provider: ProviderId) {
        self.provider = provider;
    }

    /// The time allowed for one whole exchange; `None` waits forever.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Sets the time allowed for one whole exchange (connect excepted); `None` or a zero
    /// duration waits forever.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout.filter(|t| !t.is_zero());
    }

    /// The largest response body accepted, in bytes.
    pub fn max_body_size(&self) -> usize {
        self.max_body_size
    }

    /// Sets the largest response body accepted; a longer one is refused from its header,
    /// before anything is allocated for it.
    pub fn set_max_body_size(&mut self, bytes: usize) {
        self.max_body_size = bytes;
    }

    /// Checks that a socket exists at the endpoint, as the published client does when it is
    /// built, so a missing service is reported before any work starts.
    ///
    /// # Errors
    /// [`ClientError::NoService`] when the path does not exist or is not a socket.
    pub fn check_socket(&self) -> Result<(), Error> {
        let path = self.endpoint.socket_path();
        let no_service = |source| ClientError::NoService {
            path: path.to_path_buf(),
            source,
        };
        let metadata = std::fs::metadata(path).map_err(no_service)?;
        if !metadata.file_type().is_socket() {
            return Err(no_service(io::Error::other("not a socket")).into());
        }
        Ok(())
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
        let (exchange, frame) = Exchange::start(provider, auth, &request, self.max_body_size)?;
        transport::round_trip(self.endpoint.socket_path(), self.timeout, &exchange, &frame)
    }

    /// Sends one typed operation with the client's identity and returns its typed answer.
    pub(crate) fn send<O: Operation>(
        &self,
        provider: ProviderId,
        op: O,
    ) -> Result<O::Output, Error> {
        let request = op.into();
        let expected = request.opcode();
        let response = self.call(provider, &self.auth, request)?;
        let got = response.opcode();
        O::output(response).ok_or_else(|| ClientError::OpcodeMismatch { expected, got }.into())
    }

    /// Sends one typed operation to the client's crypto provider.
    ///
    /// # Errors
    /// [`ClientError::NoProvider`] before a crypto provider is chosen; otherwise see
    /// [`Client::call`].
    pub(crate) fn send_crypto<O: Operation>(&self, op: O) -> Result<O::Output, Error> {
        if self.provider == ProviderId::Core {
            return Err(ClientError::NoProvider.into());
        }
        self.send(self.provider, op)
    }
}
