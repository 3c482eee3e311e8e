//! How a request identifies the application: the header's auth type and the auth field.

use std::fmt;
use std::io::Read;
use std::path::PathBuf;

use psc_wire::AuthType;

use crate::error::ClientError;

/// The environment variable holding a JWT-SVID itself.
pub const JWT_SVID_ENV: &str = "PARSEC_JWT_SVID";

/// The environment variable naming a file that holds a JWT-SVID (as `spiffe-helper` writes
/// it), re-read for every request so a rotated token is used at once.
pub const JWT_SVID_FILE_ENV: &str = "PARSEC_JWT_SVID_FILE";

/// The largest token file read, in bytes (the service takes tokens of at most 8 KiB).
const MAX_TOKEN_FILE_LEN: u64 = 64 * 1024;

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
    /// The application is the SPIFFE ID in a JWT-SVID (audience `parsec`), which the
    /// service verifies against its trust bundle. The token bytes are the auth field, as the
    /// published client sends them.
    JwtSvid(JwtSvid),
}

/// Where a JWT-SVID comes from.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtSvid {
    /// The token itself (JWS compact form).
    Token(String),
    /// A file holding it, re-read for every request: a token rotated in the file is sent
    /// from the next request on.
    File(PathBuf),
}

impl JwtSvid {
    /// The token from the environment: [`JWT_SVID_ENV`] (the token) if set and not empty,
    /// else [`JWT_SVID_FILE_ENV`] (a file holding it); `None` when neither is set.
    pub fn from_env() -> Option<JwtSvid> {
        let token = std::env::var_os(JWT_SVID_ENV)
            .map(|token| token.to_string_lossy().trim().to_owned())
            .filter(|token| !token.is_empty());
        if let Some(token) = token {
            return Some(JwtSvid::Token(token));
        }
        std::env::var_os(JWT_SVID_FILE_ENV)
            .filter(|path| !path.is_empty())
            .map(|path| JwtSvid::File(path.into()))
    }

    /// The token's bytes, read from the file if it comes from one, surrounding whitespace
    /// removed.
    ///
    /// # Errors
    /// [`ClientError::JwtSvid`] when the file cannot be read, is empty or too large.
    pub fn token(&self) -> Result<Vec<u8>, ClientError> {
        match self {
            JwtSvid::Token(token) => Ok(token.as_bytes().to_vec()),
            JwtSvid::File(path) => read_token(path).map_err(|source| ClientError::JwtSvid {
                path: path.clone(),
                source,
            }),
        }
    }
}

fn read_token(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    let mut text = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_TOKEN_FILE_LEN + 1)
        .read_to_end(&mut text)?;
    if text.len() as u64 > MAX_TOKEN_FILE_LEN {
        return Err(std::io::Error::other(format!(
            "it is larger than {MAX_TOKEN_FILE_LEN} bytes"
        )));
    }
    let token = text.trim_ascii();
    if token.is_empty() {
        return Err(std::io::Error::other("it is empty"));
    }
    Ok(token.to_vec())
}

/// A bearer token is a credential: never printed.
impl fmt::Debug for JwtSvid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwtSvid::Token(_) => f.write_str("JwtSvid::Token(<redacted>)"),
            JwtSvid::File(path) => f.debug_tuple("JwtSvid::File").field(path).finish(),
        }
    }
}

impl Auth {
    /// The auth type byte sent in the header.
    pub fn auth_type(&self) -> AuthType {
        match self {
            Auth::NoAuth => AuthType::NoAuth,
            Auth::Direct(_) => AuthType::Direct,
            Auth::UnixPeerCredentials => AuthType::UnixPeerCredentials,
            Auth::JwtSvid(_) => AuthType::JwtSvid,
        }
    }

    /// The auth field: empty, the UTF-8 name, the real uid as u32 little-endian, or the
    /// JWT-SVID's bytes.
    ///
    /// # Errors
    /// [`ClientError::JwtSvid`] when a token file cannot be read.
    pub(crate) fn field(&self) -> Result<Vec<u8>, ClientError> {
        Ok(match self {
            Auth::NoAuth => Vec::new(),
            Auth::Direct(name) => name.as_bytes().to_vec(),
            Auth::UnixPeerCredentials => rustix::process::getuid().as_raw().to_le_bytes().to_vec(),
            Auth::JwtSvid(svid) => svid.token()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_the_wire_contract() {
        assert_eq!(Auth::NoAuth.field().unwrap(), b"");
        assert_eq!(
            Auth::Direct("parsec-tool".into()).field().unwrap(),
            b"parsec-tool"
        );
        let uid = rustix::process::getuid().as_raw();
        assert_eq!(
            Auth::UnixPeerCredentials.field().unwrap(),
            uid.to_le_bytes()
        );
        assert_eq!(
            Auth::UnixPeerCredentials.auth_type(),
            AuthType::UnixPeerCredentials
        );
        let svid = Auth::JwtSvid(JwtSvid::Token("a.b.c".into()));
        assert_eq!(svid.auth_type(), AuthType::JwtSvid);
        assert_eq!(svid.field().unwrap(), b"a.b.c");
        assert!(!format!("{svid:?}").contains("a.b.c"));
    }

    #[test]
    fn a_token_file_is_read_for_every_request() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jwt_svid.token");
        let svid = Auth::JwtSvid(JwtSvid::File(path.clone()));
        assert!(matches!(svid.field(), Err(ClientError::JwtSvid { .. })));
        std::fs::write(&path, "one.two.three\n").unwrap();
        assert_eq!(svid.field().unwrap(), b"one.two.three");
        std::fs::write(&path, "four.five.six").unwrap();
        assert_eq!(svid.field().unwrap(), b"four.five.six");
        std::fs::write(&path, "\n").unwrap();
        assert!(matches!(svid.field(), Err(ClientError::JwtSvid { .. })));
    }
}
