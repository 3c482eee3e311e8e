//! The client's side of the keep-alive extension (`docs/wire-protocol.md`): idle connections
//! kept for the next request, the fallback to one request per connection, and the rule for
//! retrying a request on a kept connection the service closed meanwhile. The blocking and
//! the async transport move bytes; the decisions are made here, once.
//!
//! # Protocol
//!
//! A request asking to keep the connection sets [`FLAG_KEEP_ALIVE`]. Our service answers
//! with the same bit and waits (up to 30 s) for the next request on that connection; the
//! original Parsec ignores the bit, answers without it and closes. So:
//!
//! - an answer carrying the bit gives its connection back to the [`Pool`];
//! - a *successful* answer without it shows a service that serves one request per
//!   connection: the pool remembers it, and later requests are sent without the bit, byte
//!   for byte what the published clients send. A refusal without the bit proves nothing (our
//!   service closes after refusing a malformed header too), so it is not remembered.
//!
//! # When a request is sent again
//!
//! A kept connection may have been closed by the service while it sat in the pool: after
//! the idle timeout, or because the service stopped or restarted. Before reuse, a pooled
//! connection is checked ([`Pool::take`]): one at end of stream (or older than
//! [`MAX_IDLE_TIME`]) is dropped without sending anything. A close can still cross the
//! request, so a request on a *reused* connection is sent once more, on a fresh connection,
//! when nothing of its answer arrived: the write failed, or the stream ended (or was reset)
//! before the first byte of the response ([`Failure::Unanswered`]). That is safe because
//!
//! - the service acts only on a complete request, and a request cut short by a failed write
//!   is never complete;
//! - the service closes a kept connection only while it waits for the next request (idle
//!   timeout, shutdown), never between reading a request and answering it: every request it
//!   reads is answered, a refused one included, and shutdown lets in-flight requests finish.
//!
//! The one case left is a service that dies between reading a request and answering it; a
//! retry then reaches the restarted service (or finds none), as an application's own retry
//! after that crash would. Nothing else is retried: not a timeout (the service may still be
//! working on the request), not an answer cut short, and nothing on a fresh connection.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use psc_psa::Status;
use psc_wire::ResponseHeader;
use psc_wire::header::FLAG_KEEP_ALIVE;
use rustix::process::Pid;

use crate::error::Error;

/// At most this many idle connections are kept; more are closed.
const MAX_IDLE: usize = 8;

/// A pooled connection idle for longer is closed rather than reused: the service closes
/// kept connections after 30 s without a request, so reusing one this old would often
/// cross that close.
pub(crate) const MAX_IDLE_TIME: Duration = Duration::from_secs(25);

/// Idle connections to one service, and what was learnt about it; shared by a client and
/// its clones.
pub(crate) struct Pool<S> {
    idle: Mutex<IdleList<S>>,
    per_request: AtomicBool,
}

/// The idle connections, and the process they belong to: a child made by `fork` shares the
/// parent's sockets, so it must never reuse them.
struct IdleList<S> {
    process: Pid,
    streams: Vec<Idle<S>>,
}

/// A connection waiting in the pool since `since`.
struct Idle<S> {
    stream: S,
    since: Instant,
}

impl<S> Pool<S> {
    /// An empty pool, for a service not yet known to be per-request.
    pub(crate) fn new() -> Pool<S> {
        Pool {
            idle: Mutex::new(IdleList {
                process: rustix::process::getpid(),
                streams: Vec::new(),
            }),
            per_request: AtomicBool::new(false),
        }
    }

    /// Whether the service answered a successful request without keeping the connection:
    /// then every request goes on its own connection, without the keep-alive flag.
    pub(crate) fn per_request(&self) -> bool {
        self.per_request.load(Ordering::Relaxed)
    }

    /// The most recently returned connection that is still usable (`usable` checks that the
    /// service has not closed it), closing the unusable ones on the way.
    pub(crate) fn take(&self, usable: impl Fn(&S) -> bool) -> Option<S> {
        loop {
            let idle = self.lock().pop()?;
            if idle.since.elapsed() < MAX_IDLE_TIME && usable(&idle.stream) {
                return Some(idle.stream);
            }
        }
    }

    /// Decides what becomes of the connection that carried a keep-alive request, from the
    /// answer's header: back to the pool, or closed (see the module documentation).
    pub(crate) fn settle(&self, stream: S, header: &ResponseHeader) {
        if header.flags & FLAG_KEEP_ALIVE != 0 {
            let mut idle = self.lock();
            if idle.len() < MAX_IDLE {
                idle.push(Idle {
                    stream,
                    since: Instant::now(),
                });
            }
        } else if header.status == Status::Success {
            self.per_request.store(true, Ordering::Relaxed);
        }
    }

    /// How many connections wait in the pool.
    pub(crate) fn idle_count(&self) -> usize {
        self.lock().len()
    }

    /// Closes every idle connection.
    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    /// The idle connections of this process; in a child made by `fork`, the parent's are
    /// forgotten (closing the child's copies leaves the parent's open). A panic while the
    /// lock was held cannot leave the list inconsistent (every change is one `push`, `pop`
    /// or `clear`), so a poisoned lock is taken over.
    fn lock(&self) -> MappedIdle<'_, S> {
        let mut list = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let process = rustix::process::getpid();
        if list.process != process {
            list.streams.clear();
            list.process = process;
        }
        MappedIdle(list)
    }
}

/// The locked idle list, seen as its connections.
struct MappedIdle<'a, S>(MutexGuard<'a, IdleList<S>>);

impl<S> Deref for MappedIdle<'_, S> {
    type Target = Vec<Idle<S>>;

    fn deref(&self) -> &Vec<Idle<S>> {
        &self.0.streams
    }
}

impl<S> DerefMut for MappedIdle<'_, S> {
    fn deref_mut(&mut self) -> &mut Vec<Idle<S>> {
        &mut self.0.streams
    }
}

impl<S> fmt::Debug for Pool<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("idle", &self.idle_count())
            .field("per_request", &self.per_request())
            .finish()
    }
}

/// A complete response header and body, and the connection that carried them.
pub(crate) struct Answer<S> {
    pub(crate) stream: S,
    pub(crate) header: ResponseHeader,
    pub(crate) body: Vec<u8>,
}

/// Why an exchange produced no answer.
pub(crate) enum Failure {
    /// Nothing of the answer arrived: the write failed or the stream ended before the first
    /// response byte. On a reused connection the request may be sent again.
    Unanswered(Error),
    /// Anything else: never sent again.
    Failed(Error),
}

impl Failure {
    /// The error to report.
    pub(crate) fn into_error(self) -> Error {
        match self {
            Failure::Unanswered(error) | Failure::Failed(error) => error,
        }
    }
}

/// Whether an I/O error means the peer closed the connection.
pub(crate) fn is_closed(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        error.kind(),
        ErrorKind::UnexpectedEof | ErrorKind::BrokenPipe | ErrorKind::ConnectionReset
    )
}

#[cfg(test)]
mod tests {
    use psc_wire::{AuthType, Opcode, ProviderId, RequestHeader};

    use super::*;

    fn answer(flags: u16, status: Status) -> ResponseHeader {
        let request = RequestHeader::new(ProviderId::Core, AuthType::NoAuth, Opcode::Ping);
        ResponseHeader {
            flags,
            ..ResponseHeader::reply_to(&request, status)
        }
    }

    #[test]
    fn an_echoed_flag_keeps_the_connection() {
        let pool = Pool::new();
        pool.settle(1, &answer(FLAG_KEEP_ALIVE, Status::Success));
        assert_eq!(pool.idle_count(), 1);
        assert!(!pool.per_request());
        assert_eq!(pool.take(|_| true), Some(1));
        assert_eq!(pool.take(|_| true), None);
    }

    #[test]
    fn a_success_without_the_flag_marks_a_per_request_service() {
        let pool = Pool::new();
        pool.settle(1, &answer(0, Status::Success));
        assert_eq!(pool.idle_count(), 0);
        assert!(pool.per_request());
    }

    #[test]
    fn a_refusal_without_the_flag_proves_nothing() {
        let pool = Pool::new();
        pool.settle(1, &answer(0, Status::InvalidHeader));
        assert_eq!(pool.idle_count(), 0);
        assert!(!pool.per_request());
    }

    #[test]
    fn unusable_connections_are_dropped_and_the_pool_is_bounded() {
        let pool = Pool::new();
        for stream in 0..MAX_IDLE + 3 {
            pool.settle(stream, &answer(FLAG_KEEP_ALIVE, Status::Success));
        }
        assert_eq!(pool.idle_count(), MAX_IDLE);
        assert_eq!(pool.take(|s| *s % 2 == 0), Some(MAX_IDLE - 2));
        assert_eq!(pool.idle_count(), MAX_IDLE - 2);
    }
}
