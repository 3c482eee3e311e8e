//! What a client is set up with (endpoint, identity, provider, limits, persistence) and the
//! accessors both clients share, written once.

use std::io;
use std::os::unix::fs::FileTypeExt;
use std::time::Duration;

use psc_wire::ProviderId;

use crate::auth::Auth;
use crate::endpoint::Endpoint;
use crate::error::{ClientError, Error};

/// The settings of a client; the blocking and the async client each hold one.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) endpoint: Endpoint,
    pub(crate) auth: Auth,
    pub(crate) provider: ProviderId,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_body_size: usize,
    pub(crate) persistent: bool,
    pub(crate) busy_poll: Duration,
}

impl Settings {
    /// The timeout of a whole exchange unless changed: 60 s, as in the published client.
    pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

    /// The largest response body accepted unless changed: 16 MiB.
    pub(crate) const DEFAULT_MAX_BODY_SIZE: usize = 16 << 20;

    /// How long the blocking client busy-polls for an answer unless changed: not at all.
    pub(crate) const DEFAULT_BUSY_POLL: Duration = Duration::ZERO;

    /// No authentication, the core provider, the default limits, persistent connections.
    pub(crate) fn new(endpoint: Endpoint) -> Settings {
        Settings {
            endpoint,
            auth: Auth::NoAuth,
            provider: ProviderId::Core,
            timeout: Some(Settings::DEFAULT_TIMEOUT),
            max_body_size: Settings::DEFAULT_MAX_BODY_SIZE,
            persistent: true,
            busy_poll: Settings::DEFAULT_BUSY_POLL,
        }
    }

    /// The provider key and crypto operations go to.
    ///
    /// # Errors
    /// [`ClientError::NoProvider`] before a crypto provider is chosen.
    pub(crate) fn crypto_provider(&self) -> Result<ProviderId, Error> {
        if self.provider == ProviderId::Core {
            return Err(ClientError::NoProvider.into());
        }
        Ok(self.provider)
    }

    /// Checks that a socket exists at the endpoint.
    pub(crate) fn check_socket(&self) -> Result<(), Error> {
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
}

/// The accessors of a client type with a `settings: Settings` and a `pool: Arc<Pool<_>>`.
macro_rules! settings_methods {
    ($client:ident) => {
        impl $client {
            /// Where requests go.
            pub fn endpoint(&self) -> &$crate::Endpoint {
                &self.shared.settings.endpoint
            }

            /// The identity requests carry.
            pub fn auth(&self) -> &$crate::Auth {
                &self.shared.settings.auth
            }

            /// Sets the identity the typed methods send.
            pub fn set_auth(&mut self, auth: $crate::Auth) {
                self.shared.settings.auth = auth;
            }

            /// The provider the key and crypto methods address; `ProviderId::Core` until one
            /// is chosen with `set_provider` or `discover`.
            pub fn provider(&self) -> $crate::ProviderId {
                self.shared.settings.provider
            }

            /// Sets the provider the key and crypto methods address.
            pub fn set_provider(&mut self, provider: $crate::ProviderId) {
                self.shared.settings.provider = provider;
            }

            /// The time allowed for one whole exchange; `None` waits forever.
            pub fn timeout(&self) -> Option<std::time::Duration> {
                self.shared.settings.timeout
            }

            /// Sets the time allowed for one whole exchange (connect excepted for the
            /// blocking client); `None` or a zero duration waits forever.
            pub fn set_timeout(&mut self, timeout: Option<std::time::Duration>) {
                self.shared.settings.timeout = timeout.filter(|t| !t.is_zero());
            }

            /// The largest response body accepted, in bytes.
            pub fn max_body_size(&self) -> usize {
                self.shared.settings.max_body_size
            }

            /// Sets the largest response body accepted; a longer one is refused from its
            /// header, before anything is allocated for it.
            pub fn set_max_body_size(&mut self, bytes: usize) {
                self.shared.settings.max_body_size = bytes;
            }

            /// Whether requests ask the service to keep their connection for the next one
            /// (on by default; see the crate documentation, "Persistent connections").
            pub fn persistent(&self) -> bool {
                self.shared.settings.persistent
            }

            /// Turns persistent connections on or off. Off, every request opens its own
            /// connection and sends exactly what the published clients send, and the idle
            /// connections this client (and its clones) kept are closed.
            pub fn set_persistent(&mut self, persistent: bool) {
                self.shared.settings.persistent = persistent;
                if !persistent {
                    self.shared.pool.clear();
                }
            }

            /// Whether the service was found to serve one request per connection, as the
            /// original Parsec does: it answered a request asking to keep the connection
            /// without keeping it. Requests then go one per connection, without asking.
            pub fn peer_is_per_request(&self) -> bool {
                self.shared.pool.per_request()
            }

            /// How many connections wait, open, for this client's (and its clones') next
            /// requests.
            pub fn idle_connections(&self) -> usize {
                self.shared.pool.idle_count()
            }

            /// Checks that a socket exists at the endpoint, as the published client does when
            /// it is built, so a missing service is reported before any work starts.
            ///
            /// # Errors
            /// [`ClientError::NoService`]($crate::ClientError::NoService) when the path does
            /// not exist or is not a socket.
            pub fn check_socket(&self) -> Result<(), $crate::Error> {
                self.shared.settings.check_socket()
            }
        }
    };
}

pub(crate) use settings_methods;
