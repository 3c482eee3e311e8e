//! Where the service listens: the `PARSEC_SERVICE_ENDPOINT` URI every Parsec client reads.
//!
//! Only the `unix:` scheme exists. Like the published clients, the URI path is taken as the
//! socket path verbatim (no percent-decoding), so `unix:/run/parsec/parsec.sock` and
//! `unix:///run/parsec/parsec.sock` name the same socket.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// The environment variable clients read the endpoint from.
pub const ENDPOINT_ENV: &str = "PARSEC_SERVICE_ENDPOINT";

/// The endpoint when [`ENDPOINT_ENV`] is not set: the service's default socket.
pub const DEFAULT_ENDPOINT: &str = "unix:/run/parsec/parsec.sock";

/// The address of a Parsec service: a Unix socket path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    socket: PathBuf,
}

/// Why an endpoint URI was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointProblem {
    /// The URI does not start with `unix:` (the only transport Parsec defines).
    Scheme,
    /// The URI has no socket path.
    EmptyPath,
    /// `unix://host/...`: a Unix socket is local, so only an empty authority is meaningful.
    Authority,
    /// The URI has a `?query` or `#fragment`, which no Parsec client gives a meaning.
    QueryOrFragment,
}

impl Endpoint {
    /// The endpoint of the socket at `path`.
    pub fn unix(path: impl Into<PathBuf>) -> Endpoint {
        Endpoint {
            socket: path.into(),
        }
    }

    /// Parses a `unix:` URI such as `unix:/run/parsec/parsec.sock` or `unix:///tmp/p.sock`.
    ///
    /// # Errors
    /// The [`EndpointProblem`] that makes the URI unusable.
    pub fn parse(uri: impl AsRef<OsStr>) -> Result<Endpoint, EndpointProblem> {
        let bytes = uri.as_ref().as_bytes();
        let rest = strip_scheme(bytes).ok_or(EndpointProblem::Scheme)?;
        let path = match rest.strip_prefix(b"//") {
            Some(after) => authority_path(after)?,
            None => rest,
        };
        if path.contains(&b'?') || path.contains(&b'#') {
            return Err(EndpointProblem::QueryOrFragment);
        }
        if path.is_empty() {
            return Err(EndpointProblem::EmptyPath);
        }
        Ok(Endpoint::unix(OsStr::from_bytes(path)))
    }

    /// The endpoint named by `PARSEC_SERVICE_ENDPOINT`, or [`DEFAULT_ENDPOINT`] when it is
    /// unset. Returns the URI read alongside, for error messages.
    ///
    /// # Errors
    /// The URI and its [`EndpointProblem`] when the variable is set to an unusable URI.
    pub fn from_env() -> Result<Endpoint, (OsString, EndpointProblem)> {
        let uri = std::env::var_os(ENDPOINT_ENV).unwrap_or_else(|| DEFAULT_ENDPOINT.into());
        Endpoint::parse(&uri).map_err(|problem| (uri, problem))
    }

    /// The socket path.
    pub fn socket_path(&self) -> &Path {
        &self.socket
    }
}

impl fmt::Display for Endpoint {
    /// The URI form, as `PARSEC_SERVICE_ENDPOINT` takes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unix:{}", self.socket.display())
    }
}

impl fmt::Display for EndpointProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EndpointProblem::Scheme => "only the `unix:` scheme is supported",
            EndpointProblem::EmptyPath => "the socket path is empty",
            EndpointProblem::Authority => "a Unix socket URI cannot name a host",
            EndpointProblem::QueryOrFragment => "a query or fragment is not allowed",
        })
    }
}

/// The bytes after a case-insensitive `unix:` scheme.
fn strip_scheme(uri: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = uri.split_at_checked(5)?;
    scheme.eq_ignore_ascii_case(b"unix:").then_some(rest)
}

/// The path after an empty (or `localhost`) authority: `unix:///path`.
fn authority_path(after_slashes: &[u8]) -> Result<&[u8], EndpointProblem> {
    let end = after_slashes
        .iter()
        .position(|&b| b == b'/')
        .unwrap_or(after_slashes.len());
    let (host, path) = after_slashes.split_at(end);
    if host.is_empty() || host.eq_ignore_ascii_case(b"localhost") {
        Ok(path)
    } else {
        Err(EndpointProblem::Authority)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_uris_give_their_path() -> Result<(), EndpointProblem> {
        for (uri, path) in [
            ("unix:/run/parsec/parsec.sock", "/run/parsec/parsec.sock"),
            ("unix:///tmp/p.sock", "/tmp/p.sock"),
            ("unix://localhost/tmp/p.sock", "/tmp/p.sock"),
            ("UNIX:/tmp/p.sock", "/tmp/p.sock"),
            ("unix:relative.sock", "relative.sock"),
            ("unix:/tmp/with%20percent", "/tmp/with%20percent"),
        ] {
            assert_eq!(
                Endpoint::parse(uri)?.socket_path(),
                Path::new(path),
                "{uri}"
            );
        }
        Ok(())
    }

    #[test]
    fn the_default_is_the_services_default_socket() -> Result<(), EndpointProblem> {
        let endpoint = Endpoint::parse(DEFAULT_ENDPOINT)?;
        assert_eq!(endpoint.socket_path(), Path::new("/run/parsec/parsec.sock"));
        assert_eq!(endpoint.to_string(), DEFAULT_ENDPOINT);
        Ok(())
    }

    #[test]
    fn other_schemes_are_refused() {
        for uri in [
            "tcp://127.0.0.1:1234",
            "/run/parsec/parsec.sock",
            "unx:/x",
            "",
            "unix",
        ] {
            assert_eq!(Endpoint::parse(uri), Err(EndpointProblem::Scheme), "{uri}");
        }
    }

    #[test]
    fn malformed_unix_uris_are_refused() {
        for (uri, problem) in [
            ("unix:", EndpointProblem::EmptyPath),
            ("unix://", EndpointProblem::EmptyPath),
            ("unix://host/tmp/p.sock", EndpointProblem::Authority),
            ("unix:/tmp/p.sock?x=1", EndpointProblem::QueryOrFragment),
            ("unix:/tmp/p.sock#frag", EndpointProblem::QueryOrFragment),
        ] {
            assert_eq!(Endpoint::parse(uri), Err(problem), "{uri}");
        }
    }

    #[test]
    fn non_utf8_paths_are_kept() -> Result<(), EndpointProblem> {
        let uri = OsStr::from_bytes(b"unix:/tmp/\xff.sock");
        let endpoint = Endpoint::parse(uri)?;
        assert_eq!(
            endpoint.socket_path().as_os_str().as_bytes(),
            b"/tmp/\xff.sock"
        );
        Ok(())
    }
}
