//! One connection: read a request in stages, answer it, and close, unless the client asked
//! to keep the connection (our extension, see `FLAG_KEEP_ALIVE`).
//!
//! Reading is staged so that a malformed header is answered before the rest of its request
//! is waited for, and no buffer is sized from a length that has not been checked against its
//! limit. Each read takes whatever the socket holds (a whole small request is one read), into
//! a buffer the connection keeps from one request to the next.
//!
//! Short operations run on the connection's task; those that wait for the disk go to the
//! blocking pool, and device and slow ones (as their provider says) wait for their
//! application's turn on the threads for that work (see [`serve`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use psc_psa::Status;
use psc_wire::header::{
    FLAG_KEEP_ALIVE, HEADER_LEN, HEADER_SIZE, PREFIX_LEN, RawHeader, decode_prefix,
};
use psc_wire::{RequestHeader, ResponseHeader};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;
use tokio::sync::{Semaphore, watch};
use zeroize::{Zeroize, Zeroizing};

use super::budget::{self, Budget, Held};
use super::deadline::{self, Watch};
use super::device::Device;
use super::idle_poll::Activity;
use super::idle_set::IdleSet;
use super::slow::Slow;
use super::status_of;
use crate::auth::PeerCredentials;
use crate::back::{Placement, Prepared, Service};
use crate::error::Error;

/// How much one read may take beyond what the request in progress is known to need: enough
/// for a whole small request (or the next one of a client that pipelines).
const READ_AHEAD: usize = 4096;

/// What every connection shares: the current service and the worker permits.
#[derive(Clone, Debug)]
pub(crate) struct Shared {
    pub(crate) services: watch::Receiver<Arc<Service>>,
    pub(crate) workers: Arc<Semaphore>,
    /// The capacity for slow work, shared in turn between applications.
    pub(crate) slow: Arc<Slow>,
    /// The threads for short device work, shared in turn between applications.
    pub(crate) device: Arc<Device>,
    /// Turns true at shutdown: idle kept-open connections close at once.
    pub(crate) stopping: watch::Receiver<bool>,
    /// Told of every response written (idle polling).
    pub(crate) activity: Activity,
    /// Bytes held in requests and answers (`core_settings.memory_budget_bytes`).
    pub(crate) budget: Budget,
    /// The kept-open connections waiting for a request, closed first at the cap.
    pub(crate) idle: IdleSet,
}

/// A request read off the socket, header validated: its body and authentication field are
/// the ranges `HEADER_LEN..auth_at` and `auth_at..end` of the connection's buffer.
#[derive(Clone, Copy)]
struct Incoming {
    header: RequestHeader,
    auth_at: usize,
    end: usize,
}

/// What was read off the connection and not yet served. Zeroed when dropped: requests may
/// carry key material.
#[derive(Default)]
struct Inbox {
    bytes: Zeroizing<Vec<u8>>,
}

impl Inbox {
    /// Reads until at least `need` bytes are buffered, taking up to [`READ_AHEAD`] more if
    /// the socket has them. `need` is a checked length. The buffer grows as bytes arrive
    /// (at most doubling what is there), never at once to a declared length: a header
    /// declaring a large body costs only what its sender actually sends.
    async fn fill(&mut self, stream: &mut UnixStream, need: usize) -> std::io::Result<()> {
        while self.bytes.len() < need {
            let filled = self.bytes.len();
            let most = need.max(filled + READ_AHEAD);
            let target = (filled + READ_AHEAD.max(filled)).min(most);
            if target > self.bytes.capacity() {
                // Grown by hand so that the old allocation is zeroed (on drop), not just freed.
                let mut grown = Zeroizing::new(Vec::with_capacity(target));
                grown.extend_from_slice(&self.bytes);
                self.bytes = grown;
            }
            self.bytes.resize(target, 0);
            let read = stream.read(&mut self.bytes[filled..]).await;
            let n = read.as_ref().map_or(0, |n| *n);
            self.bytes.truncate(filled + n);
            if read? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
        }
        Ok(())
    }

    /// Drops the first `len` bytes (a served request), keeping what follows, and zeroes the
    /// bytes vacated: the next read fills only its read-ahead, so the tail of a larger
    /// request would otherwise stay in the buffer's spare capacity while the connection is
    /// kept open. A buffer grown for a large request is given back once it is empty, so an
    /// idle connection holds little.
    fn consume(&mut self, len: usize) {
        let len = len.min(self.bytes.len());
        self.bytes.copy_within(len.., 0);
        let left = self.bytes.len() - len;
        self.bytes[left..].zeroize();
        self.bytes.truncate(left);
        if self.bytes.capacity() > 4 * READ_AHEAD {
            // What follows is at most a read-ahead: keep it in a small buffer.
            self.bytes = Zeroizing::new(self.bytes.to_vec());
        }
    }
}

/// A request refused before its header was interpreted, with the raw header if it was read.
struct Refused {
    raw: Option<RawHeader>,
    error: Error,
}

impl<E: Into<Error>> From<E> for Refused {
    fn from(error: E) -> Refused {
        Refused {
            raw: None,
            error: error.into(),
        }
    }
}

/// Serves one connection: one request, or several if the client asks to keep it open.
pub(crate) async fn handle(mut stream: UnixStream, shared: Shared) {
    let peer = stream.peer_cred().ok().map(|c| PeerCredentials {
        uid: c.uid(),
        gid: c.gid(),
    });
    let mut inbox = Inbox::default();
    let mut first = true;
    loop {
        let waiting = !first && inbox.bytes.is_empty();
        let keep_alive = shared.services.borrow().config().keep_alive_timeout;
        if waiting && !wait_readable(&stream, &shared, keep_alive).await {
            return;
        }
        first = false;
        // Each request sees the configuration current when it arrives (reloads included):
        // taken after the wait, not before it, or a kept-open connection would serve its
        // next request under the configuration of the previous one.
        let service = Arc::clone(&shared.services.borrow());
        let keep = match next_request(&mut stream, &mut inbox, &service, &shared.budget).await {
            Some((incoming, held)) => {
                // Served under the configuration current once the whole request is in, even
                // if a reload came while it was being read (the first one included).
                let current = Arc::clone(&shared.services.borrow());
                let keep = answer(&mut stream, &current, &shared, peer, &inbox, incoming).await;
                inbox.consume(incoming.end);
                drop(held);
                keep
            }
            None => false,
        };
        if !keep {
            return;
        }
    }
}

/// Waits up to `listener.keep_alive_timeout` for the next request on a kept-open
/// connection; gives up at once when the service stops, or when the accept loop closes the
/// connection to make room for a new one.
async fn wait_readable(stream: &UnixStream, shared: &Shared, idle_timeout: Duration) -> bool {
    let mut stopping = shared.stopping.clone();
    let mut idling = shared.idle.enter();
    tokio::select! {
        ready = tokio::time::timeout(idle_timeout, stream.readable()) => matches!(ready, Ok(Ok(()))),
        _ = stopping.wait_for(|stop| *stop) => false,
        () = idling.closed() => {
            tracing::debug!("idle kept-open connection closed to make room at the connection cap");
            false
        }
    }
}

/// Reads the next request, all of it within `listener.timeout` (one deadline for the whole
/// request, not one per read), with the budget it holds; a refused one is answered here and
/// ends the connection.
async fn next_request(
    stream: &mut UnixStream,
    inbox: &mut Inbox,
    service: &Service,
    budget: &Budget,
) -> Option<(Incoming, Held)> {
    let limit = service.config().limits.body_len_limit;
    let reading = read_request(stream, inbox, limit, budget);
    let read = tokio::time::timeout(service.config().timeout, reading).await;
    let refused = match read {
        Ok(Ok(incoming)) => return Some(incoming),
        Ok(Err(refused)) => refused,
        Err(_) => Refused {
            raw: None,
            error: Error::TimedOut,
        },
    };
    refuse(stream, service, refused).await;
    None
}

/// Serves a request and writes the answer; returns whether to keep the connection.
async fn answer(
    stream: &mut UnixStream,
    service: &Arc<Service>,
    shared: &Shared,
    peer: Option<PeerCredentials>,
    inbox: &Inbox,
    incoming: Incoming,
) -> bool {
    let started = Instant::now();
    let header = incoming.header;
    // One span per request: the dispatcher records the application once authenticated.
    let span = tracing::debug_span!(
        "request",
        uid = peer.map(|p| p.uid),
        app = tracing::field::Empty,
        opcode = ?header.opcode,
        provider = ?header.provider,
    );
    let request = Request {
        header,
        body: &inbox.bytes[HEADER_LEN..incoming.auth_at],
        auth: &inbox.bytes[incoming.auth_at..incoming.end],
    };
    let served = serve(service, shared, peer, request, span.clone()).await;
    // The answer takes its size from the budget now, or is dropped (see `budget.rs`).
    let (served, held) = match served {
        Ok(body) => match shared.budget.try_take(HEADER_LEN + body.len()) {
            Some(held) => (Ok(body), held),
            None => (Err(Error::MemoryBudget), Held::default()),
        },
        Err(error) => (Err(error), Held::default()),
    };
    let (status, body) = match served {
        Ok(body) => (Status::Success, body),
        Err(error) => {
            let status = status_of(&error);
            span.in_scope(|| tracing::warn!(%error, %status, "request refused"));
            (status, Zeroizing::default())
        }
    };
    let micros = started.elapsed().as_micros();
    span.in_scope(|| tracing::debug!(%status, micros, "served"));
    let keep = header.flags & FLAG_KEEP_ALIVE != 0;
    let mut reply = ResponseHeader::reply_to(&header, status);
    if keep {
        reply.flags = FLAG_KEEP_ALIVE;
    }
    let written = write_response(stream, service, reply, &body).await;
    drop((body, held));
    shared.activity.touch();
    written && keep
}

/// A request to serve, borrowed from the connection's buffer.
struct Request<'a> {
    header: RequestHeader,
    body: &'a [u8],
    auth: &'a [u8],
}

/// Prepares the request on this task (authentication, checks, decoding: short), then runs
/// it where its [`Placement`] says: on this task, on the blocking pool bounded by the worker
/// permits, or in its application's turn on the device threads or the capacity for slow
/// work.
async fn serve(
    service: &Arc<Service>,
    shared: &Shared,
    peer: Option<PeerCredentials>,
    request: Request<'_>,
    span: tracing::Span,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    // A request served off this task is decoded into a copy, which takes its size from the
    // budget too.
    let copied = request.body.len() + request.auth.len();
    let prepared = span
        .in_scope(|| service.prepare(&request.header, request.body, request.auth, peer.as_ref()))?;
    let take_copy = || shared.budget.try_take(copied).ok_or(Error::MemoryBudget);
    let run = move |service: &Service, prepared: Prepared| {
        let _entered = span.enter();
        service
            .run(prepared)
            .map(|response| Zeroizing::new(response.encode()))
    };
    let service = Arc::clone(service);
    match prepared.placement() {
        Placement::Inline => run(&service, prepared),
        Placement::Blocking => {
            let copy = take_copy()?;
            let Ok(permit) = Arc::clone(&shared.workers).acquire_owned().await else {
                return Err(Error::Io(std::io::Error::other(
                    "the worker pool is closed",
                )));
            };
            off_the_workers(move || {
                let (_permit, _copy) = (permit, copy);
                run(&service, prepared)
            })
            .await
        }
        placement @ (Placement::Device | Placement::Slow) => {
            let watch = Watch {
                provider: prepared.provider(),
                opcode: prepared.opcode(),
                deadline: service.config().device_timeout,
            };
            if shared.slow.stalls().is_stalled(watch.provider) {
                return Err(deadline::stalled(watch));
            }
            let copy = take_copy()?;
            let tenant = prepared.tenant().cloned();
            let job = move || {
                let _copy = copy;
                run(&service, prepared)
            };
            let answer = if placement == Placement::Device {
                shared.device.run(tenant, watch, job).await
            } else {
                shared.slow.run(tenant, watch, job).await
            };
            answer.unwrap_or_else(|unfinished| Err(deadline::error(unfinished, watch)))
        }
    }
}

/// Runs `work` on the blocking pool, where it cannot hold up the async workers.
async fn off_the_workers(
    work: impl FnOnce() -> Result<Zeroizing<Vec<u8>>, Error> + Send + 'static,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|join| Err(Error::Io(std::io::Error::other(join.to_string()))))
}

/// Reads a whole request, validating the header in the reference order, and takes its size
/// from the budget before reading its body.
async fn read_request(
    stream: &mut UnixStream,
    inbox: &mut Inbox,
    body_limit: u32,
    budget: &Budget,
) -> Result<(Incoming, Held), Refused> {
    inbox.fill(stream, PREFIX_LEN).await?;
    let mut prefix = [0u8; PREFIX_LEN];
    prefix.copy_from_slice(&inbox.bytes[..PREFIX_LEN]);
    let size = decode_prefix(&prefix)?;
    if size != HEADER_SIZE {
        return Err(psc_wire::Error::HeaderSize(size).into());
    }
    inbox.fill(stream, HEADER_LEN).await?;
    let mut fields = [0u8; HEADER_SIZE as usize];
    fields.copy_from_slice(&inbox.bytes[PREFIX_LEN..HEADER_LEN]);
    let raw = RawHeader::decode(&fields);
    let with_raw = |error: Error| Refused {
        raw: Some(raw),
        error,
    };
    raw.check_framing(body_limit)
        .map_err(|e| with_raw(e.into()))?;
    // Both lengths are bounded now: the body by the configured limit, auth by its u16 field.
    let auth_at = HEADER_LEN + raw.body_len as usize;
    let end = auth_at + usize::from(raw.auth_len);
    // Waits for the bytes, within the request's deadline (the caller's timeout): a request
    // that cannot get them is answered ConnectionError then.
    let held = budget.take(end).await;
    inbox
        .fill(stream, end)
        .await
        .map_err(|e| with_raw(e.into()))?;
    let header = raw.into_request().map_err(|e| with_raw(e.into()))?;
    let incoming = Incoming {
        header,
        auth_at,
        end,
    };
    Ok((incoming, held))
}

/// Answers a request refused at the header level.
async fn refuse(stream: &mut UnixStream, service: &Service, refused: Refused) {
    let status = status_of(&refused.error);
    tracing::warn!(error = %refused.error, %status, "malformed request");
    let reply = ResponseHeader::header_error(refused.raw.as_ref(), status);
    write_response(stream, service, reply, &[]).await;
    if !matches!(refused.error, Error::Io(_) | Error::TimedOut) {
        drain(stream, service).await;
    }
}

/// Discards what the client is still sending after a refusal, up to one maximal request,
/// stopping at the first pause and in any case at `listener.timeout` (a client dripping a
/// byte at a time cannot keep the connection). Closing a Unix socket with unread input makes
/// the peer's next read fail with ECONNRESET, which clients that read to end of stream (the
/// Go client) report as an error instead of our answer.
async fn drain(stream: &mut UnixStream, service: &Service) {
    const PAUSE: Duration = Duration::from_millis(20);
    let limits = service.config().limits;
    let mut budget = limits.body_len_limit as usize + psc_wire::header::MAX_AUTH_LEN + 64;
    let mut scratch = [0u8; 4096];
    let draining = async {
        while budget > 0 {
            match tokio::time::timeout(PAUSE, stream.read(&mut scratch)).await {
                Ok(Ok(n)) if n > 0 => budget = budget.saturating_sub(n),
                _ => break,
            }
        }
    };
    let _ = tokio::time::timeout(service.config().timeout, draining).await;
}

/// Writes a response within the timeout; returns whether it was written.
async fn write_response(
    stream: &mut UnixStream,
    service: &Service,
    header: ResponseHeader,
    body: &[u8],
) -> bool {
    // Only a body over 4 GiB has no length to put in the header; then the status alone is
    // sent.
    let (header, body) = match u32::try_from(body.len()) {
        Ok(body_len) => (ResponseHeader { body_len, ..header }, body),
        Err(_) => (
            ResponseHeader {
                status: Status::SerializingBodyFailed,
                body_len: 0,
                ..header
            },
            &[][..],
        ),
    };
    // A small answer goes in one write; a large one is written from where it was encoded,
    // after its header, so it is never held twice.
    let (bytes, rest) = if body.len() <= budget::ALLOWANCE {
        let mut bytes = Zeroizing::new(Vec::with_capacity(HEADER_LEN + body.len()));
        bytes.extend_from_slice(&header.to_raw().encode());
        bytes.extend_from_slice(body);
        (bytes, &[][..])
    } else {
        (Zeroizing::new(header.to_raw().encode().to_vec()), body)
    };
    let writing = async {
        stream.write_all(&bytes).await?;
        stream.write_all(rest).await
    };
    match tokio::time::timeout(service.config().timeout, writing).await {
        Ok(Ok(())) => true,
        Ok(Err(error)) => {
            tracing::debug!(%error, "writing the response failed");
            false
        }
        Err(_) => {
            tracing::debug!("writing the response timed out");
            false
        }
    }
}
