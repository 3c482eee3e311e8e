//! The blocking transport: a Unix-socket connection per request, or one kept from an earlier
//! request ([`crate::keep_alive`]), under one deadline for the whole exchange (a service that
//! trickles bytes cannot stretch it).

use std::hint::spin_loop;
use std::io::{self, ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

use psc_wire::Response;
use psc_wire::header::HEADER_LEN;
use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::io::Errno;
use rustix::net::{RecvFlags, SendFlags, recv, send};

use crate::codec::Exchange;
use crate::error::{ClientError, Error};
use crate::keep_alive::{Answer, Failure, Pool, is_closed};

/// Where and how one request goes, over connections of type `S`.
pub(crate) struct Link<'a, S> {
    /// The service's socket.
    pub(crate) path: &'a Path,
    /// The time allowed for one exchange (the blocking transport does not count the connect).
    pub(crate) timeout: Option<Duration>,
    /// The pool, when the request asks to keep its connection.
    pub(crate) pool: Option<&'a Pool<S>>,
    /// How long the blocking transport busy-polls for an answer before it sleeps (zero: not
    /// at all).
    pub(crate) busy_poll: Duration,
}

/// Sends `frame` and reads the answer `exchange` expects: on a pooled connection when there
/// is one, sent once more on a fresh connection if that one turns out closed (see
/// [`crate::keep_alive`] for why that is safe).
///
/// # Errors
/// Connection, timeout and I/O failures; then whatever the codec finds in the response.
pub(crate) fn round_trip(
    link: &Link<'_, UnixStream>,
    exchange: &Exchange,
    frame: &[u8],
) -> Result<Response, Error> {
    // One deadline for the exchange, a retry included.
    let end = link.timeout.and_then(|t| Instant::now().checked_add(t));
    let attempt = |stream| attempt(Deadline::new(stream, link, end), exchange, frame);
    if let Some(stream) = link.pool.and_then(|pool| pool.take(is_idle)) {
        match attempt(stream) {
            Err(Failure::Unanswered(_)) => {}
            outcome => return settle(link, exchange, outcome),
        }
    }
    let stream = connect(link.path)?;
    settle(link, exchange, attempt(stream))
}

/// Gives the connection back to the pool or closes it, then decodes the answer.
fn settle(
    link: &Link<'_, UnixStream>,
    exchange: &Exchange,
    outcome: Result<Answer<UnixStream>, Failure>,
) -> Result<Response, Error> {
    let answer = outcome.map_err(Failure::into_error)?;
    if let Some(pool) = link.pool {
        pool.settle(answer.stream, &answer.header);
    }
    exchange.finish(&answer.header, &answer.body)
}

/// One exchange on `stream`.
fn attempt(
    mut stream: Deadline,
    exchange: &Exchange,
    frame: &[u8],
) -> Result<Answer<UnixStream>, Failure> {
    // The service may answer and close before reading everything it will refuse (a body
    // over its limit): a write cut short still leaves that answer to read.
    if let Err(error) = stream.write_all(frame)
        && !is_closed(&error)
    {
        return Err(Failure::Failed(stream.io_error(error)));
    }
    let mut head = [0u8; HEADER_LEN];
    read_head(&mut stream, &mut head)?;
    let header = exchange.header(&head).map_err(Failure::Failed)?;
    // The codec checked body_len against the client's limit before this allocation.
    let mut body = vec![0u8; header.body_len as usize];
    stream
        .read_exact(&mut body)
        .map_err(|e| Failure::Failed(stream.io_error(e)))?;
    Ok(Answer {
        stream: stream.stream,
        header,
        body,
    })
}

/// Reads the response header, telling a stream closed before its first byte (the request
/// may be sent again) from one closed later.
fn read_head(stream: &mut Deadline, head: &mut [u8; HEADER_LEN]) -> Result<(), Failure> {
    let mut filled = 0;
    while filled < HEADER_LEN {
        let error = match stream.read(&mut head[filled..]) {
            Ok(0) => io::Error::from(ErrorKind::UnexpectedEof),
            Ok(n) => {
                filled += n;
                continue;
            }
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => error,
        };
        let unanswered = filled == 0 && is_closed(&error);
        let error = stream.io_error(error);
        return Err(if unanswered {
            Failure::Unanswered(error)
        } else {
            Failure::Failed(error)
        });
    }
    Ok(())
}

/// Whether a pooled connection is still open and silent: a peek that may not wait finds
/// nothing to read. End of stream means the service closed it; unexpected bytes make it
/// unusable too.
fn is_idle(stream: &UnixStream) -> bool {
    let mut probe = [0u8; 1];
    let flags = RecvFlags::PEEK | RecvFlags::DONTWAIT;
    matches!(recv(stream, &mut probe, flags), Err(Errno::AGAIN))
}

/// Connects, telling "no service here" apart from other failures.
fn connect(path: &Path) -> Result<UnixStream, Error> {
    UnixStream::connect(path).map_err(|source| connect_error(path, source))
}

/// The client error for a failed connect to `path`.
pub(crate) fn connect_error(path: &Path, source: io::Error) -> Error {
    let path = path.to_path_buf();
    match source.kind() {
        ErrorKind::NotFound | ErrorKind::ConnectionRefused => {
            ClientError::NoService { path, source }.into()
        }
        _ => ClientError::Connect { path, source }.into(),
    }
}

/// The client error for an I/O failure during an exchange allowed `timeout`.
pub(crate) fn io_error(error: io::Error, timeout: Option<Duration>) -> Error {
    match error.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => {
            ClientError::Timeout(timeout.unwrap_or_default()).into()
        }
        _ if is_closed(&error) => ClientError::Closed.into(),
        _ => ClientError::Io(error).into(),
    }
}

/// A stream whose reads and writes share one deadline. The socket stays blocking and keeps
/// no timeout: each call first tries without waiting (a small request fits in the socket's
/// buffer, and an answer may already be there), then waits for readiness until the
/// deadline. A request costs a send and a read or two, not a pair of `setsockopt` per call.
///
/// When the client asks for it ([`crate::Client::set_busy_poll`], off by default), a read
/// busy-polls for up to `busy_poll` before it waits for an answer.
struct Deadline {
    stream: UnixStream,
    timeout: Option<Duration>,
    end: Option<Instant>,
    busy_poll: Duration,
}

impl Deadline {
    /// `stream` with the deadline `end` of an exchange allowed `timeout`.
    fn new(stream: UnixStream, link: &Link<'_, UnixStream>, end: Option<Instant>) -> Deadline {
        Deadline {
            stream,
            timeout: link.timeout,
            end,
            busy_poll: link.busy_poll,
        }
    }

    /// Waits until the socket is ready for `events`; an error once the deadline has passed.
    fn wait(&self, events: PollFlags) -> io::Result<()> {
        let left = match self.end {
            Some(end) => {
                let left = end.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(ErrorKind::TimedOut.into());
                }
                Some(Timespec::try_from(left).map_err(|_| ErrorKind::InvalidInput)?)
            }
            None => None,
        };
        let mut fds = [PollFd::new(&self.stream, events)];
        match poll(&mut fds, left.as_ref()) {
            // Readiness, an error or a hang-up: the next call says which.
            Ok(_) | Err(Errno::INTR) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    /// The client error for an I/O failure during the exchange.
    fn io_error(&self, error: io::Error) -> Error {
        io_error(error, self.timeout)
    }
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // The window never outlasts the exchange's deadline.
        let mut busy_until = Some(self.busy_poll)
            .filter(|window| !window.is_zero())
            .and_then(|window| Instant::now().checked_add(window))
            .map(|until| self.end.map_or(until, |end| until.min(end)));
        loop {
            match recv(&self.stream, &mut *buf, RecvFlags::DONTWAIT) {
                Ok((read, _)) => return Ok(read),
                Err(Errno::AGAIN) => match busy_until {
                    Some(until) if Instant::now() < until => spin_loop(),
                    _ => {
                        busy_until = None;
                        self.wait(PollFlags::IN)?;
                    }
                },
                Err(Errno::INTR) => {}
                Err(error) => return Err(error.into()),
            }
        }
    }
}

impl Write for Deadline {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // NOSIGNAL: a service gone away is an error here, not a SIGPIPE for the application.
        let flags = SendFlags::DONTWAIT | SendFlags::NOSIGNAL;
        loop {
            match send(&self.stream, buf, flags) {
                Ok(written) => return Ok(written),
                Err(Errno::AGAIN) => self.wait(PollFlags::OUT)?,
                Err(Errno::INTR) => {}
                Err(error) => return Err(error.into()),
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
