//! A minimal persistent-connection sender: our wire codec over one Unix stream kept open
//! with `FLAG_KEEP_ALIVE`.
//!
//! Kept apart and tiny on purpose: when `psc-client` gets persistent connections, this file
//! is replaced by it, and nothing else in the bench changes (`Sender::call` has the shape of
//! `psc_client::Client::call`). If the service answers without the flag (the original
//! Parsec does), the connection is closed and the next call reconnects.

use std::fmt;
use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use psc_wire::header::{FLAG_KEEP_ALIVE, HEADER_LEN, HEADER_SIZE, PREFIX_LEN, RawHeader};
use psc_wire::ops::{Access, Scope};
use psc_wire::{AuthType, ProviderId, Request, RequestHeader, Response, Status, frame};

/// The read and write timeout of the stream.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The largest response body accepted (the service's default body limit).
const MAX_BODY: usize = 1 << 20;

/// Why a call failed.
#[derive(Debug)]
pub(crate) enum SendError {
    /// The connection failed or timed out.
    Io(io::Error),
    /// The request could not be encoded or the response decoded.
    Wire(psc_wire::Error),
    /// The service answered this status.
    Status(Status),
    /// The response is for another operation, or announces an oversized body.
    Malformed(&'static str),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Io(error) => write!(f, "connection: {error}"),
            SendError::Wire(error) => write!(f, "wire: {error}"),
            SendError::Status(status) => write!(f, "service: {status:?}"),
            SendError::Malformed(what) => write!(f, "malformed response: {what}"),
        }
    }
}

impl From<io::Error> for SendError {
    fn from(error: io::Error) -> SendError {
        SendError::Io(error)
    }
}

impl From<psc_wire::Error> for SendError {
    fn from(error: psc_wire::Error) -> SendError {
        SendError::Wire(error)
    }
}

/// One client connection, reopened only when the service closes it.
#[derive(Debug)]
pub(crate) struct Sender {
    path: PathBuf,
    stream: Option<UnixStream>,
    /// The auth field for Unix peer credentials: our uid, little-endian.
    uid: [u8; 4],
}

impl Sender {
    /// Connects to the service on `path`.
    ///
    /// # Errors
    /// When the socket cannot be reached.
    pub(crate) fn connect(path: &Path) -> io::Result<Sender> {
        let mut sender = Sender {
            path: path.to_owned(),
            stream: None,
            uid: rustix::process::getuid().as_raw().to_le_bytes(),
        };
        sender.stream()?;
        Ok(sender)
    }

    /// Whether the connection is open (the service kept it after the last call).
    pub(crate) fn is_open(&self) -> bool {
        self.stream.is_some()
    }

    /// Sends `request` to `provider` (open core operations without authentication, as the
    /// published client does; others with Unix peer credentials) and decodes the answer.
    ///
    /// # Errors
    /// [`SendError::Status`] for a non-success status; the others for failures on the way.
    pub(crate) fn call(
        &mut self,
        provider: ProviderId,
        request: &Request,
    ) -> Result<Response, SendError> {
        let opcode = request.opcode();
        let spec = opcode.spec();
        let (auth_type, auth) = match (spec.scope, spec.access) {
            (Scope::Core, Access::Open) => (AuthType::NoAuth, &[][..]),
            _ => (AuthType::UnixPeerCredentials, &self.uid[..]),
        };
        let mut header = RequestHeader::new(provider, auth_type, opcode);
        header.flags = FLAG_KEEP_ALIVE;
        let request = frame::encode_request(header, &request.encode(), auth)?;
        let reply = self.exchange(&request);
        let reply = reply.inspect_err(|_| self.stream = None)?;
        let (header, body) = frame::decode_response(&reply)?;
        if header.flags & FLAG_KEEP_ALIVE == 0 {
            self.stream = None;
        }
        if header.status != Status::Success {
            return Err(SendError::Status(header.status));
        }
        if header.opcode != opcode {
            return Err(SendError::Malformed(
                "the opcode differs from the request's",
            ));
        }
        Ok(Response::decode(opcode, body)?)
    }

    /// Writes a request frame and reads exactly one response frame.
    fn exchange(&mut self, request: &[u8]) -> Result<Vec<u8>, SendError> {
        let stream = self.stream()?;
        stream.write_all(request)?;
        let mut reply = vec![0u8; HEADER_LEN];
        stream.read_exact(&mut reply)?;
        let mut fields = [0u8; HEADER_SIZE as usize];
        fields.copy_from_slice(&reply[PREFIX_LEN..]);
        let body_len = RawHeader::decode(&fields).body_len as usize;
        if body_len > MAX_BODY {
            return Err(SendError::Malformed("the body is larger than 1 MiB"));
        }
        reply.resize(HEADER_LEN + body_len, 0);
        stream.read_exact(&mut reply[HEADER_LEN..])?;
        Ok(reply)
    }

    /// The open stream, connecting first if there is none.
    fn stream(&mut self) -> io::Result<&mut UnixStream> {
        let stream = match self.stream.take() {
            Some(stream) => stream,
            None => {
                let stream = UnixStream::connect(&self.path)?;
                stream.set_read_timeout(Some(TIMEOUT))?;
                stream.set_write_timeout(Some(TIMEOUT))?;
                stream
            }
        };
        Ok(self.stream.insert(stream))
    }
}
