//! Authenticators: who sent this request?
//!
//! An authenticator turns a request's auth field (and the socket peer's credentials) into an
//! application name. An application identity is the pair (authenticator, name), so two
//! authenticators never share a key namespace: `"1000"` through Direct is not UID 1000.

mod direct;
mod peer;

use std::collections::HashSet;
use std::fmt;

use psc_wire::AuthType;
use psc_wire::ops::list_authenticators::{AuthenticatorInfo, ListAuthenticatorsResponse};

use crate::config::AuthenticatorConfig;

pub use direct::DirectAuthenticator;
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
}

/// One way of authenticating requests.
pub trait Authenticator: Send + Sync + fmt::Debug {
    /// How ListAuthenticators describes it.
    fn info(&self) -> AuthenticatorInfo;

    /// The application name for this auth field and peer.
    ///
    /// # Errors
    /// [`AuthError`] when the request is not authentic.
    fn authenticate(
        &self,
        auth: &[u8],
        peer: Option<&PeerCredentials>,
    ) -> Result<String, AuthError>;
}

/// The configured authenticators, preferred first, with their administrators.
#[derive(Debug)]
pub struct Authenticators {
    entries: Vec<Entry>,
}

#[derive(Debug)]
struct Entry {
    auth_type: AuthType,
    authenticator: Box<dyn Authenticator>,
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
    /// Builds the configured authenticators.
    pub fn new(config: &[AuthenticatorConfig]) -> Authenticators {
        let entries = config
            .iter()
            .map(|c| Entry {
                auth_type: c.auth_type,
                authenticator: match c.auth_type {
                    AuthType::Direct => Box::new(DirectAuthenticator) as Box<dyn Authenticator>,
                    _ => Box::new(UnixPeerAuthenticator),
                },
                admins: c.admins.iter().cloned().collect(),
            })
            .collect();
        Authenticators { entries }
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
