//! Direct authentication: the auth field is the application's name, taken on trust. Only for
//! deployments where every client that can reach the socket is trusted.

use psc_wire::AuthType;
use psc_wire::ops::list_authenticators::AuthenticatorInfo;

use serde::Deserialize;

use super::{AuthError, AuthOptions, Authenticator, BuildError, PeerCredentials};

/// Trusts the name the client sends.
#[derive(Clone, Copy, Debug, Default)]
pub struct DirectAuthenticator;

/// Its options: none, so any key is refused, named.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {}

impl DirectAuthenticator {
    /// The authenticator for its `[authenticator]` options (it takes none).
    ///
    /// # Errors
    /// [`BuildError::Options`] naming an option given.
    pub fn from_options(options: &AuthOptions) -> Result<DirectAuthenticator, BuildError> {
        let Options {} = options.parse(AuthType::Direct)?;
        Ok(DirectAuthenticator)
    }
}

impl Authenticator for DirectAuthenticator {
    fn info(&self) -> AuthenticatorInfo {
        AuthenticatorInfo {
            description: "Direct authentication: the client states its application name; only \
                          for mutually trusted clients"
                .into(),
            version_maj: 0,
            version_min: 1,
            version_rev: 0,
            id: AuthType::Direct,
        }
    }

    fn authenticate(&self, auth: &[u8], _: Option<&PeerCredentials>) -> Result<String, AuthError> {
        if auth.is_empty() {
            return Err(AuthError::Empty);
        }
        let name = std::str::from_utf8(auth).map_err(|_| AuthError::NotUtf8)?;
        Ok(name.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_is_the_identity_and_must_be_non_empty_utf8() {
        assert_eq!(
            DirectAuthenticator.authenticate(b"app", None),
            Ok("app".to_owned())
        );
        assert_eq!(
            DirectAuthenticator.authenticate(b"", None),
            Err(AuthError::Empty)
        );
        assert_eq!(
            DirectAuthenticator.authenticate(&[0xff, 0xfe], None),
            Err(AuthError::NotUtf8)
        );
    }
}
