//! The blocking transport: one Unix-socket connection per request, under one deadline for the
//! whole exchange (a service that trickles bytes cannot stretch it).

use std::io::{self, ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

use psc_wire::Response;
use psc_wire::header::HEADER_LEN;

use crate::codec::Exchange;
use crate::error::{ClientError, Error};

/// Sends `frame` to the socket at `path` and reads the answer `exchange` expects.
///
/// # Errors
/// Connection, timeout and I/O failures; then whatever the codec finds in the response.
pub(crate) fn round_trip(
    path: &Path,
    timeout: Option<Duration>,
    exchange: &Exchange,
    frame: &[u8],
) -> Result<Response, Error> {
    let stream = connect(path)?;
    let mut stream = Deadline::new(stream, timeout);
    // The service may answer and close before reading everything it will refuse (a body
    // over its limit): a write cut short still leaves that answer to read.
    if let Err(error) = stream.write_all(frame)
        && !matches!(
            error.kind(),
            ErrorKind::BrokenPipe | ErrorKind::ConnectionReset
        )
    {
        return Err(stream.io_error(error));
    }
    let mut head = [0u8; HEADER_LEN];
    stream
        .read_exact(&mut head)
        .map_err(|e| stream.io_error(e))?;
    let header = exchange.header(&head)?;
    // The codec checked body_len against the client's limit before this allocation.
    let mut body = vec![0u8; header.body_len as usize];
    stream
        .read_exact(&mut body)
        .map_err(|e| stream.io_error(e))?;
    exchange.finish(&header, &body)
}

/// Connects, telling "no service here" apart from other failures.
fn connect(path: &Path) -> Result<UnixStream, Error> {
    UnixStream::connect(path).map_err(|source| {
        let path = path.to_path_buf();
        match source.kind() {
            ErrorKind::NotFound | ErrorKind::ConnectionRefused => {
                ClientError::NoService { path, source }.into()
            }
            _ => ClientError::Connect { path, source }.into(),
        }
    })
}

/// A stream whose reads and writes share one deadline: before each call the socket timeout
/// is set to the time left.
struct Deadline {
    stream: UnixStream,
    timeout: Option<Duration>,
    end: Option<Instant>,
}

impl Deadline {
    fn new(stream: UnixStream, timeout: Option<Duration>) -> Deadline {
        let end = timeout.and_then(|t| Instant::now().checked_add(t));
        Deadline {
            stream,
            timeout,
            end,
        }
    }

    /// The time left, as a socket timeout; an error once the deadline has passed.
    fn arm(&self) -> io::Result<()> {
        let Some(end) = self.end else { return Ok(()) };
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        self.stream.set_write_timeout(Some(left))
    }

    /// The client error for an I/O failure during the exchange.
    fn io_error(&self, error: io::Error) -> Error {
        let timeout = self.timeout.unwrap_or_default();
        match error.kind() {
            ErrorKind::WouldBlock | ErrorKind::TimedOut => ClientError::Timeout(timeout).into(),
            ErrorKind::UnexpectedEof | ErrorKind::ConnectionReset | ErrorKind::BrokenPipe => {
                ClientError::Closed.into()
            }
            _ => ClientError::Io(error).into(),
        }
    }
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.arm()?;
        self.stream.read(buf)
    }
}

impl Write for Deadline {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.arm()?;
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}
