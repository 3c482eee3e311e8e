//! How a request identifies the application: the header's auth type and the auth field.

use psc_wire::AuthType;

/// The identity a request carries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// No identity: enough for Ping and the listing operations.
    #[default]
    NoAuth,
    /// The application states its name (the service must trust its clients).
    Direct(String),
    /// The application is this process's Unix user id, which the service checks against the
    /// kernel's record of the socket peer.
    UnixPeerCredentials,
}

impl Auth {
    /// The auth type byte sent in the header.
    pub fn auth_type(&self) -> AuthType {
        match self {
            Auth::NoAuth => AuthType::NoAuth,
            Auth::Direct(_) => AuthType::Direct,
            Auth::UnixPeerCredentials => AuthType::UnixPeerCredentials,
        }
    }

    /// The auth field: empty, the UTF-8 name, or the real uid as u32 little-endian.
    pub(crate) fn field(&self) -> Vec<u8> {
        match self {
            Auth::NoAuth => Vec::new(),
            Auth::Direct(name) => name.as_bytes().to_vec(),
            Auth::UnixPeerCredentials => rustix::process::getuid().as_raw().to_le_bytes().to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_the_wire_contract() {
        assert_eq!(Auth::NoAuth.field(), b"");
        assert_eq!(Auth::Direct("parsec-tool".into()).field(), b"parsec-tool");
        let uid = rustix::process::getuid().as_raw();
        assert_eq!(Auth::UnixPeerCredentials.field(), uid.to_le_bytes());
        assert_eq!(
            Auth::UnixPeerCredentials.auth_type(),
            AuthType::UnixPeerCredentials
        );
    }
}
