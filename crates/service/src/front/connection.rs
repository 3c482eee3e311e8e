//! One connection: read a request in stages, answer it, and close, unless the client asked
//! to keep the connection (our extension, see `FLAG_KEEP_ALIVE`).
//!
//! Reading is staged so that a malformed header is answered before the rest of its request
//! is waited for, and no buffer is sized from a length that has not been checked against its
//! limit. Each read takes whatever the socket holds (a whole small request is one read), into
//! a buffer the connection keeps from one request to the next.
//!
//! Short operations run on the connection's task; those that wait for the disk go to the
//! blocking pool, and slow ones (as their provider says) wait for their application's turn
//! on the capacity for slow work (see [`serve`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use psc_psa::Status;
use psc_wire::header::{
    FLAG_KEEP_ALIVE, HEADER_LEN, HEADER_SIZE, PREFIX_LEN, RawHeader, decode_prefix,
};
use psc_wire::{RequestHeader, ResponseHeader, frame};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;
use tokio::sync::{Semaphore, watch};
use zeroize::{Zeroize, Zeroizing};

use super::idle_poll::Activity;
use super::slow::Slow;
use super::status_of;
use crate::auth::PeerCredentials;
use crate::back::{Placement, Prepared, Service};
use crate::error::Error;

/// How long a kept-open connection may wait for its next request.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
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
    /// Turns true at shutdown: idle kept-open connections close at once.
    pub(crate) stopping: watch::Receiver<bool>,
    /// Told of every response written (idle polling).
    pub(crate) activity: Activity,
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
    /// the socket has them. `need` is a checked length.
    async fn fill(&mut self, stream: &mut UnixStream, need: usize) -> std::io::Result<()> {
        while self.bytes.len() < need {
            let filled = self.bytes.len();
            let target = need.max(filled + READ_AHEAD);
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
        if left == 0 && self.bytes.capacity() > 4 * READ_AHEAD {
            self.bytes = Zeroizing::default();
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
        // Each request sees the configuration current when it arrives (reloads included).
        let service = Arc::clone(&shared.services.borrow());
        let waiting = !first && inbox.bytes.is_empty();
        if waiting && !wait_readable(&stream, shared.stopping.clone()).await {
            return;
        }
        first = false;
        let keep = match next_request(&mut stream, &mut inbox, &service).await {
            Some(incoming) => {
                let keep = answer(&mut stream, &service, &shared, peer, &inbox, incoming).await;
                inbox.consume(incoming.end);
                keep
            }
            None => false,
        };
        if !keep {
            return;
        }
    }
}

/// Waits up to the idle timeout for the next request on a kept-open connection; gives up at
/// once when the service stops.
async fn wait_readable(stream: &UnixStream, mut stopping: watch::Receiver<bool>) -> bool {
    tokio::select! {
        ready = tokio::time::timeout(IDLE_TIMEOUT, stream.readable()) => matches!(ready, Ok(Ok(()))),
        _ = stopping.wait_for(|stop| *stop) => false,
    }
}

/// Reads the next request; a refused one is answered here and ends the connection.
async fn next_request(
    stream: &mut UnixStream,
    inbox: &mut Inbox,
    service: &Service,
) -> Option<Incoming> {
    let limit = service.config().limits.body_len_limit;
    let reading = read_request(stream, inbox, limit);
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
    let (status, body) = match serve(service, shared, peer, request, span.clone()).await {
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
/// permits, or in its application's turn on the capacity for slow work.
async fn serve(
    service: &Arc<Service>,
    shared: &Shared,
    peer: Option<PeerCredentials>,
    request: Request<'_>,
    span: tracing::Span,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let prepared = span
        .in_scope(|| service.prepare(&request.header, request.body, request.auth, peer.as_ref()))?;
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
            let Ok(permit) = Arc::clone(&shared.workers).acquire_owned().await else {
                return Err(Error::Io(std::io::Error::other(
                    "the worker pool is closed",
                )));
            };
            off_the_workers(move || {
                let _permit = permit;
                run(&service, prepared)
            })
            .await
        }
        Placement::Slow => {
            let tenant = prepared.tenant().cloned();
            shared
                .slow
                .run(tenant, move || run(&service, prepared))
                .await
                .unwrap_or_else(|| Err(Error::Io(std::io::Error::other("slow work failed"))))
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

/// Reads a whole request, validating the header in the reference order.
async fn read_request(
    stream: &mut UnixStream,
    inbox: &mut Inbox,
    body_limit: u32,
) -> Result<Incoming, Refused> {
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
    inbox
        .fill(stream, end)
        .await
        .map_err(|e| with_raw(e.into()))?;
    let header = raw.into_request().map_err(|e| with_raw(e.into()))?;
    Ok(Incoming {
        header,
        auth_at,
        end,
    })
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
/// stopping at the first pause. Closing a Unix socket with unread input makes the peer's next
/// read fail with ECONNRESET, which clients that read to end of stream (the Go client) report
/// as an error instead of our answer.
async fn drain(stream: &mut UnixStream, service: &Service) {
    const PAUSE: Duration = Duration::from_millis(20);
    let limits = service.config().limits;
    let mut budget = limits.body_len_limit as usize + psc_wire::header::MAX_AUTH_LEN + 64;
    let mut scratch = [0u8; 4096];
    while budget > 0 {
        match tokio::time::timeout(PAUSE, stream.read(&mut scratch)).await {
            Ok(Ok(n)) if n > 0 => budget = budget.saturating_sub(n),
            _ => break,
        }
    }
}

/// Writes a response within the timeout; returns whether it was written.
async fn write_response(
    stream: &mut UnixStream,
    service: &Service,
    header: ResponseHeader,
    body: &[u8],
) -> bool {
    // Only a body over 4 GiB could fail to encode; then the status alone is sent.
    let fallback = ResponseHeader {
        status: Status::SerializingBodyFailed,
        ..header
    };
    let encoded =
        frame::encode_response(header, body).or_else(|_| frame::encode_response(fallback, &[]));
    let Ok(bytes) = encoded.map(Zeroizing::new) else {
        return false;
    };
    match tokio::time::timeout(service.config().timeout, stream.write_all(&bytes)).await {
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
