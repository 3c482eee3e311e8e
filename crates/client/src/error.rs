//! The client's errors: the service's refusals ([`Error::Service`]) kept apart from what went
//! wrong on this side of the socket ([`ClientError`]), as the published client does.

use std::ffi::OsString;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use psc_psa::Status;
use psc_wire::Opcode;

use crate::endpoint::EndpointProblem;
use crate::explain::explain;

/// Why a request did not produce a response value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with a status other than Success.
    #[error("the Parsec service answered {0}: {hint}", hint = explain(*.0))]
    Service(Status),
    /// The request failed on the client's side: endpoint, connection or a bad response.
    #[error(transparent)]
    Client(#[from] ClientError),
}

impl Error {
    /// The service's status, when the service refused the request.
    pub fn status(&self) -> Option<Status> {
        match self {
            Error::Service(status) => Some(*status),
            Error::Client(_) => None,
        }
    }
}

/// A failure on the client's side of the socket.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The endpoint URI is unusable.
    #[error(
        "the Parsec endpoint `{}` is invalid: {problem}; set PARSEC_SERVICE_ENDPOINT to a URI \
         such as unix:/run/parsec/parsec.sock",
        .uri.to_string_lossy()
    )]
    Endpoint {
        /// The URI as given.
        uri: OsString,
        /// What is wrong with it.
        problem: EndpointProblem,
    },
    /// No service listens at the socket path (no such file, not a socket, or nobody
    /// accepting).
    #[error(
        "no Parsec service at {}: {source}; start the service, or set \
         PARSEC_SERVICE_ENDPOINT to the socket it listens on (unix:/path/to/parsec.sock)",
        .path.display()
    )]
    NoService {
        /// The socket path.
        path: PathBuf,
        /// The underlying failure.
        source: io::Error,
    },
    /// The socket exists but could not be connected to, for example for lack of permission.
    #[error(
        "cannot connect to the Parsec service at {}: {source}; check that this user may use \
         the socket",
        .path.display()
    )]
    Connect {
        /// The socket path.
        path: PathBuf,
        /// The underlying failure.
        source: io::Error,
    },
    /// The exchange did not complete within the configured timeout.
    #[error(
        "the Parsec service did not answer within {} s: it may be overloaded or stuck; retry, \
         or allow a longer timeout",
        .0.as_secs_f32()
    )]
    Timeout(Duration),
    /// The service closed the connection before sending a whole response.
    #[error(
        "the Parsec service closed the connection without a complete answer: check the \
         service's log"
    )]
    Closed,
    /// Reading or writing the socket failed.
    #[error("I/O error talking to the Parsec service ({0}): retry, or check the service's log")]
    Io(#[source] io::Error),
    /// The response is not a valid wire protocol 1.0 response.
    #[error(
        "the Parsec service sent a malformed response ({0}): check that the endpoint is a \
         Parsec service speaking wire protocol 1.0"
    )]
    Malformed(#[source] psc_wire::Error),
    /// A successful response answers another operation than the one requested.
    #[error(
        "the Parsec service answered a {got:?} request instead of {expected:?}: check that \
         the endpoint is a Parsec service"
    )]
    OpcodeMismatch {
        /// The operation requested.
        expected: Opcode,
        /// The operation the response is for.
        got: Opcode,
    },
    /// The response body is longer than this client accepts.
    #[error(
        "the Parsec service's response body of {len} bytes exceeds this client's limit of \
         {limit} bytes: raise the limit with `Client::set_max_body_size`"
    )]
    BodyTooLarge {
        /// The length the response header declares.
        len: u32,
        /// The client's limit.
        limit: u32,
    },
    /// A key or crypto operation was asked for before a crypto provider was chosen.
    #[error(
        "no crypto provider chosen: call `Client::discover` (or use `Client::connect`) to \
         take the service's default, or `Client::set_provider`"
    )]
    NoProvider,
    /// The service offers no crypto provider.
    #[error("the Parsec service has no crypto provider configured: check its configuration")]
    NoCryptoProvider,
    /// The service accepts no authentication this client can provide.
    #[error(
        "the Parsec service accepts none of the authenticators this client supports (Direct \
         with an application name, Unix peer credentials, JWT-SVID when PARSEC_JWT_SVID or \
         PARSEC_JWT_SVID_FILE is set): check the service's [[authenticator]] configuration"
    )]
    NoAuthenticator,
    /// A convenience method was given a key whose policy does not suit it.
    #[error(
        "the key `{name}` cannot be used here: {reason}; create one with \
         Client::generate_signing_key, or call the explicit method with an algorithm"
    )]
    UnsuitableKey {
        /// The key's name.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Bytes given to `Client::open` are not in the format `Client::seal` writes.
    #[error(
        "the sealed data is not in the format Client::seal writes ({0}): pass the exact bytes \
         seal returned"
    )]
    NotSealed(&'static str),
    /// The operating system's random generator failed.
    #[error("the operating system's random generator failed ({0}): retry; check the kernel's log")]
    Random(#[source] io::Error),
    /// The JWT-SVID file could not be read.
    #[error(
        "cannot read the JWT-SVID at {}: {source}; check {} (or set {} to the token itself)",
        .path.display(), crate::auth::JWT_SVID_FILE_ENV, crate::auth::JWT_SVID_ENV
    )]
    JwtSvid {
        /// The file.
        path: PathBuf,
        /// The underlying failure.
        source: io::Error,
    },
    /// The request does not fit the wire format (a field longer than its length field).
    #[error("the request cannot be encoded ({0}): shorten the oversized field")]
    Encode(#[source] psc_wire::Error),
}
