//! [`AsyncClient`]: the tokio client. It has every typed method of [`Client`] (generated from
//! the same table, see `typed.rs`), the same conveniences, settings and connection pool
//! rules; only the transport differs.

use std::path::PathBuf;
use std::time::Duration;

use psc_wire::{ProviderId, Request, Response};
use tokio::net::UnixStream;

use crate::async_transport;
use crate::auth::Auth;
use crate::client::Client;
use crate::discovery::choose;
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::key_policies::{KeyPolicies, Scope};
use crate::operation::{Operation, answer};
use crate::settings::settings_methods;
use crate::shared::Shared;

/// An async client of one Parsec service, for tokio applications (feature `async`).
///
/// Every method of [`Client`] that talks to the service is here as an `async fn` of the same
/// name, arguments and result. It needs a tokio runtime with I/O and time enabled. Clones
/// share the pool of idle connections.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), psc_client::Error> {
/// # let daemon = psc_testkit::TestDaemon::start();
/// # let mut client = psc_client::AsyncClient::new(daemon.socket_path());
/// # client.discover(Some("my-app")).await?;
/// # /*
/// let client = psc_client::AsyncClient::connect("my-app").await?;
/// # */
/// client.generate_signing_key("async-signing").await?;
/// let signature = client.sign("async-signing", b"hello").await?;
/// client.verify("async-signing", b"hello", &signature).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct AsyncClient {
    shared: Shared<UnixStream>,
}

impl AsyncClient {
    /// A client of the service listening on the socket at `path`, without authentication.
    pub fn new(path: impl Into<PathBuf>) -> AsyncClient {
        AsyncClient::with_endpoint(Endpoint::unix(path))
    }

    /// A client of the service at `endpoint`, without authentication.
    pub fn with_endpoint(endpoint: Endpoint) -> AsyncClient {
        AsyncClient {
            shared: Shared::new(endpoint),
        }
    }

    /// A client of the service named by `PARSEC_SERVICE_ENDPOINT`, as [`Client::from_env`].
    ///
    /// # Errors
    /// [`ClientError::Endpoint`] when the variable holds an unusable URI.
    pub fn from_env() -> Result<AsyncClient, Error> {
        Ok(AsyncClient::with_endpoint(
            Shared::<UnixStream>::env_endpoint()?,
        ))
    }

    /// The client [`Client::connect`] makes: the service named by `PARSEC_SERVICE_ENDPOINT`,
    /// its default provider, the first authenticator it accepts that this client supports.
    ///
    /// # Errors
    /// As [`Client::connect`].
    pub async fn connect(app_name: &str) -> Result<AsyncClient, Error> {
        let mut client = AsyncClient::from_env()?;
        client.check_socket()?;
        client.discover(Some(app_name)).await?;
        Ok(client)
    }

    /// Chooses the provider and identity from what the service offers, as
    /// [`Client::discover`].
    ///
    /// # Errors
    /// As [`Client::discover`].
    pub async fn discover(&mut self, app_name: Option<&str>) -> Result<(), Error> {
        let providers = self.list_providers().await?;
        let authenticators = self.list_authenticators().await?;
        let (provider, auth) = choose(providers, authenticators, app_name)?;
        self.set_provider(provider);
        self.set_auth(auth);
        Ok(())
    }

    /// Sends any request, as [`Client::call`].
    ///
    /// # Errors
    /// As [`Client::call`].
    pub async fn call(
        &self,
        provider: ProviderId,
        auth: &Auth,
        request: Request,
    ) -> Result<Response, Error> {
        // Waiting is tokio's: a task never spins.
        let (exchange, frame, link) =
            self.shared
                .prepare(provider, auth, &request, Duration::ZERO)?;
        async_transport::round_trip(&link, &exchange, &frame).await
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
    pub(crate) async fn send<O: Operation>(
        &self,
        provider: ProviderId,
        op: O,
    ) -> Result<O::Answer, Error> {
        let request = op.into();
        let response = self
            .call(provider, &self.shared.settings.auth, request)
            .await?;
        answer::<O>(response)
    }

    /// Sends one typed operation to the client's crypto provider.
    pub(crate) async fn send_crypto<O: Operation>(&self, op: O) -> Result<O::Answer, Error> {
        self.send(self.shared.settings.crypto_provider()?, op).await
    }
}

/// The same settings (endpoint, identity, provider, limits, persistence), with a pool of
/// its own.
impl From<Client> for AsyncClient {
    fn from(client: Client) -> AsyncClient {
        AsyncClient {
            shared: Shared::with_settings(client.settings().clone()),
        }
    }
}

settings_methods!(AsyncClient);
