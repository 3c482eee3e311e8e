//! Unix peer credentials: the client declares its UID, and the kernel confirms it.

use psc_wire::AuthType;
use psc_wire::ops::list_authenticators::AuthenticatorInfo;

use serde::Deserialize;

use super::{AuthError, AuthOptions, Authenticator, BuildError, PeerCredentials};

/// Identifies the application by the UID of the socket peer.
#[derive(Clone, Copy, Debug, Default)]
pub struct UnixPeerAuthenticator;

/// Its options: none, so any key is refused, named.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {}

impl UnixPeerAuthenticator {
    /// The authenticator for its `[authenticator]` options (it takes none).
    ///
    /// # Errors
    /// [`BuildError::Options`] naming an option given.
    pub fn from_options(options: &AuthOptions) -> Result<UnixPeerAuthenticator, BuildError> {
        let Options {} = options.parse(AuthType::UnixPeerCredentials)?;
        Ok(UnixPeerAuthenticator)
    }
}

impl Authenticator for UnixPeerAuthenticator {
    fn info(&self) -> AuthenticatorInfo {
        AuthenticatorInfo {
            description: "Unix peer credentials: the application is the UID the kernel reports \
                          for the socket peer"
                .into(),
            version_maj: 0,
            version_min: 1,
            version_rev: 0,
            id: AuthType::UnixPeerCredentials,
        }
    }

    fn authenticate(
        &self,
        auth: &[u8],
        peer: Option<&PeerCredentials>,
    ) -> Result<String, AuthError> {
        let declared: [u8; 4] = auth
            .try_into()
            .map_err(|_| AuthError::WrongLength(auth.len()))?;
        let declared = u32::from_le_bytes(declared);
        let peer = peer.ok_or(AuthError::NoPeerCredentials)?;
        if declared != peer.uid {
            return Err(AuthError::UidMismatch {
                declared,
                peer: peer.uid,
            });
        }
        Ok(declared.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEER: PeerCredentials = PeerCredentials {
        uid: 1000,
        gid: 1000,
    };

    #[test]
    fn the_declared_uid_must_be_the_peers() {
        let auth = UnixPeerAuthenticator;
        assert_eq!(
            auth.authenticate(&1000u32.to_le_bytes(), Some(&PEER)),
            Ok("1000".to_owned())
        );
        assert_eq!(
            auth.authenticate(&0u32.to_le_bytes(), Some(&PEER)),
            Err(AuthError::UidMismatch {
                declared: 0,
                peer: 1000
            })
        );
        assert_eq!(
            auth.authenticate(b"1000", Some(&PEER)),
            Err(AuthError::UidMismatch {
                declared: u32::from_le_bytes(*b"1000"),
                peer: 1000
            })
        );
        assert_eq!(
            auth.authenticate(&[1, 2, 3], Some(&PEER)),
            Err(AuthError::WrongLength(3))
        );
        assert_eq!(
            auth.authenticate(&1000u32.to_le_bytes(), None),
            Err(AuthError::NoPeerCredentials)
        );
    }
}
