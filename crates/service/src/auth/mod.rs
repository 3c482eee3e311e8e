//! Authenticators: who sent this request?
//!
//! An authenticator turns a request's auth field (and the socket peer's credentials) into an
//! application name. An application identity is the pair (authenticator, name), so two
//! authenticators never share a key namespace: `"1000"` through Direct is not UID 1000.
//!
//! Building them is exhaustive and fallible ([`build`]): every `auth_type` is either built by
//! its own module, from its own options parsed strictly, or refused with a [`BuildError`]
//! naming it. Nothing falls back to another authenticator.
//!
//! [`Authenticator::authenticate`] runs on the async workers for every request, so it is pure
//! CPU work against what the authenticator holds in memory. Slow work (reading a trust bundle,
//! asking a workload API) goes in [`Authenticator::refresh`], which the service runs on the
//! blocking pool: once when the authenticator is built, then every
//! [`Authenticator::refresh_every`]. docs/ARCHITECTURE.md, "Authenticators", says why.

mod direct;
mod jwt_svid;
mod peer;

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Weak};
use std::time::Duration;

use psc_wire::AuthType;
use psc_wire::ops::list_authenticators::{AuthenticatorInfo, ListAuthenticatorsResponse};
use serde::de::DeserializeOwned;

use crate::config::AuthenticatorConfig;

pub use direct::DirectAuthenticator;
pub use jwt_svid::JwtSvidAuthenticator;
pub(crate) use jwt_svid::SpiffeId;
pub use peer::UnixPeerAuthenticator;

/// The credentials the kernel reports for the socket peer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeerCredentials {
    /// The peer's user id.
    pub uid: u32,
    /// The peer's group id.
    pub gid: u32,
}

/// An authenticated application.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Application {
    /// The authenticator that vouched for it.
    pub auth: AuthType,
    /// Its name under that authenticator.
    pub name: String,
}

impl fmt::Display for Application {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}:{}", self.auth, self.name)
    }
}

/// Why an authenticator rejected a request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The auth field is empty.
    #[error("the auth field is empty")]
    Empty,
    /// The auth field is not UTF-8.
    #[error("the auth field is not UTF-8")]
    NotUtf8,
    /// The auth field has the wrong length.
    #[error("the auth field has {0} bytes, expected 4")]
    WrongLength(usize),
    /// The declared UID is not the socket peer's.
    #[error("declared UID {declared} is not the peer's UID {peer}")]
    UidMismatch {
        /// UID in the auth field.
        declared: u32,
        /// UID from the kernel.
        peer: u32,
    },
    /// The kernel gave no peer credentials for this connection.
    #[error("no peer credentials for this connection")]
    NoPeerCredentials,
    /// A reason of the authenticator's own (an expired token, a signature that does not
    /// verify, a trust bundle that could not be refreshed, …).
    #[error("{0}")]
    Refused(String),
}

/// The `auth_type` names of the authenticators this build has, for messages.
pub const SUPPORTED: &str = "Direct, UnixPeerCredentials and JwtSvid";

/// Why an authenticator could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// An `auth_type` name no Parsec service defines.
    #[error("authenticator.auth_type {0:?} is unknown: this build supports {SUPPORTED}")]
    Unknown(String),
    /// An authenticator Parsec defines that this build does not have.
    #[error(
        "authenticator.auth_type \"{0:?}\" is not supported in this build: it supports \
         {SUPPORTED}"
    )]
    NotSupported(AuthType),
    /// The authenticator refused its options.
    #[error("authenticator {auth_type:?}: {message}")]
    Options {
        /// The authenticator.
        auth_type: AuthType,
        /// What is wrong, naming the option.
        message: String,
    },
    /// The authenticator's start (its first [`Authenticator::refresh`]) failed.
    #[error("authenticator {auth_type:?} could not start: {source}")]
    Start {
        /// The authenticator.
        auth_type: AuthType,
        /// The cause.
        source: AuthError,
    },
}

/// The `auth_type` a configuration names: the original's names (`Direct`,
/// `UnixPeerCredentials`, `JwtSvid`). Whether this build has it is [`build`]'s to answer.
///
/// # Errors
/// [`BuildError::Unknown`] for any other name.
pub fn auth_type_named(name: &str) -> Result<AuthType, BuildError> {
    match name {
        "Direct" => Ok(AuthType::Direct),
        "UnixPeerCredentials" => Ok(AuthType::UnixPeerCredentials),
        "JwtSvid" => Ok(AuthType::JwtSvid),
        other => Err(BuildError::Unknown(other.to_owned())),
    }
}

/// An authenticator's own options: its `[authenticator]` table without `auth_type` and
/// `admins`, which the service reads. Each authenticator parses them strictly.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AuthOptions(toml::Table);

// TOML values compare as `PartialEq` only because of NaN floats; a NaN option is not equal
// to itself, which only makes a reload rebuild the authenticator.
impl Eq for AuthOptions {}

impl AuthOptions {
    /// Options from a table.
    pub fn new(table: toml::Table) -> AuthOptions {
        AuthOptions(table)
    }

    /// The options as `T`; make `T` strict (`#[serde(deny_unknown_fields)]`).
    ///
    /// # Errors
    /// [`BuildError::Options`] naming the option at fault.
    pub fn parse<T: DeserializeOwned>(&self, auth_type: AuthType) -> Result<T, BuildError> {
        toml::Value::Table(self.0.clone())
            .try_into()
            .map_err(|e: toml::de::Error| BuildError::Options {
                auth_type,
                message: format!("option: {}", e.message()),
            })
    }
}

/// Builds one authenticator from its configuration: every `auth_type` is answered here,
/// either built or refused naming it. Pure: no I/O (that is [`Authenticator::refresh`]'s).
///
/// # Errors
/// [`BuildError`] naming the authenticator and, for options, the option.
pub fn build(config: &AuthenticatorConfig) -> Result<Arc<dyn Authenticator>, BuildError> {
    let options = &config.options;
    Ok(match config.auth_type {
        AuthType::Direct => Arc::new(DirectAuthenticator::from_options(options)?),
        AuthType::UnixPeerCredentials => Arc::new(UnixPeerAuthenticator::from_options(options)?),
        AuthType::JwtSvid => Arc::new(JwtSvidAuthenticator::from_options(options)?),
        other => return Err(BuildError::NotSupported(other)),
    })
}

/// One way of authenticating requests.
pub trait Authenticator: Send + Sync + fmt::Debug {
    /// How ListAuthenticators describes it.
    fn info(&self) -> AuthenticatorInfo;

    /// The application name for this auth field and peer.
    ///
    /// Runs on the async workers for every request: pure CPU work against what the
    /// authenticator holds in memory (for one that refreshes, the last snapshot
    /// [`refresh`](Authenticator::refresh) swapped in). It never does I/O, sleeps or waits
    /// for a lock held during slow work.
    ///
    /// # Errors
    /// [`AuthError`] when the request is not authentic.
    fn authenticate(
        &self,
        auth: &[u8],
        peer: Option<&PeerCredentials>,
    ) -> Result<String, AuthError>;

    /// How often [`refresh`](Authenticator::refresh) runs after the first time; `None` (the
    /// default): only once, when the authenticator is built.
    fn refresh_every(&self) -> Option<Duration> {
        None
    }

    /// The slow work the authenticator needs (reading a trust bundle file, asking a
    /// workload API): it prepares a new snapshot and swaps it in (an `Arc` behind a lock held
    /// only for the swap), so requests in flight finish on the old one. The service runs it
    /// off the async workers: when the service starts (a failure refuses the start, naming the
    /// authenticator), then every [`refresh_every`](Authenticator::refresh_every) on the
    /// blocking pool (a failure is logged and the last snapshot keeps serving).
    ///
    /// # Errors
    /// [`AuthError`] when no new snapshot could be made.
    fn refresh(&self) -> Result<(), AuthError> {
        Ok(())
    }
}

/// The configured authenticators, preferred first, with their administrators.
#[derive(Debug)]
pub struct Authenticators {
    entries: Vec<Entry>,
}

#[derive(Debug)]
struct Entry {
    auth_type: AuthType,
    authenticator: Arc<dyn Authenticator>,
    admins: HashSet<String>,
}

/// The outcome of authenticating a request's auth field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// NoAuth: no identity.
    Anonymous,
    /// An authenticated application.
    App {
        /// Who.
        app: Application,
        /// Whether it is an administrator.
        admin: bool,
    },
}

impl Caller {
    /// The application, if authenticated.
    pub fn app(&self) -> Option<&Application> {
        match self {
            Caller::Anonymous => None,
            Caller::App { app, .. } => Some(app),
        }
    }
}

/// Why a request's identity could not be established.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallerError {
    /// The auth type is defined but not configured here.
    #[error("authenticator {0:?} is not configured")]
    NotRegistered(AuthType),
    /// The authenticator rejected the request.
    #[error("authentication failed: {0}")]
    Rejected(#[from] AuthError),
}

impl Authenticators {
    /// Builds the configured authenticators ([`build`]), runs each one's first
    /// [`refresh`](Authenticator::refresh) on this thread (a start-up thread, or the blocking
    /// pool on a reload), and, inside a Tokio runtime, starts the periodic refresh of those
    /// that ask for it. Those tasks end when the authenticators are dropped.
    ///
    /// # Errors
    /// [`BuildError`] naming the first authenticator that could not be built or started.
    pub fn new(config: &[AuthenticatorConfig]) -> Result<Authenticators, BuildError> {
        let built = config
            .iter()
            .map(|c| Ok((c, build(c)?)))
            .collect::<Result<Vec<_>, BuildError>>()?;
        Authenticators::start(
            built
                .into_iter()
                .map(|(c, authenticator)| Entry {
                    auth_type: c.auth_type,
                    authenticator,
                    admins: c.admins.iter().cloned().collect(),
                })
                .collect(),
        )
    }

    fn start(entries: Vec<Entry>) -> Result<Authenticators, BuildError> {
        for entry in &entries {
            entry
                .authenticator
                .refresh()
                .map_err(|source| BuildError::Start {
                    auth_type: entry.auth_type,
                    source,
                })?;
            if let Some(every) = entry.authenticator.refresh_every() {
                spawn_refresh(entry.auth_type, Arc::downgrade(&entry.authenticator), every);
            }
        }
        Ok(Authenticators { entries })
    }

    /// Establishes who sent a request.
    ///
    /// # Errors
    /// [`CallerError`] when the auth type is not configured or the authenticator rejects it.
    pub fn caller(
        &self,
        auth_type: AuthType,
        auth: &[u8],
        peer: Option<&PeerCredentials>,
    ) -> Result<Caller, CallerError> {
        if auth_type == AuthType::NoAuth {
            return Ok(Caller::Anonymous);
        }
        let entry = self
            .entries
            .iter()
            .find(|e| e.auth_type == auth_type)
            .ok_or(CallerError::NotRegistered(auth_type))?;
        let name = entry.authenticator.authenticate(auth, peer)?;
        let admin = entry.admins.contains(&name);
        Ok(Caller::App {
            app: Application {
                auth: auth_type,
                name,
            },
            admin,
        })
    }

    /// What ListAuthenticators answers: every configured authenticator, preferred first.
    pub fn list(&self) -> ListAuthenticatorsResponse {
        let authenticators = self
            .entries
            .iter()
            .map(|e| e.authenticator.info())
            .collect();
        ListAuthenticatorsResponse { authenticators }
    }
}

/// Refreshes `authenticator` every `every` on the blocking pool, until it is dropped.
fn spawn_refresh(auth_type: AuthType, authenticator: Weak<dyn Authenticator>, every: Duration) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        tracing::warn!(
            authenticator = ?auth_type,
            "no runtime to refresh the authenticator on: it keeps its first snapshot"
        );
        return;
    };
    runtime.spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            let Some(authenticator) = authenticator.upgrade() else {
                break;
            };
            match tokio::task::spawn_blocking(move || authenticator.refresh()).await {
                Ok(Ok(())) => tracing::debug!(authenticator = ?auth_type, "refreshed"),
                Ok(Err(error)) => tracing::warn!(
                    authenticator = ?auth_type,
                    "refresh failed, the last snapshot keeps serving: {error}"
                ),
                Err(join) => tracing::error!(
                    authenticator = ?auth_type,
                    "refresh failed, the last snapshot keeps serving: {join}"
                ),
            }
        }
    });
}

#[cfg(test)]
mod tests;
