//! One connection: read a request in stages, answer it, and close, unless the client asked
//! to keep the connection (our extension, see `FLAG_KEEP_ALIVE`).
//!
//! Reading is staged so that a malformed header is answered before anything else is read,
//! and no buffer is allocated from a length that has not been checked against its limit.

use std::sync::Arc;
use std::time::{Duration, Instant};

use psc_psa::Status;
use psc_wire::header::{FLAG_KEEP_ALIVE, HEADER_SIZE, PREFIX_LEN, RawHeader, decode_prefix};
use psc_wire::ops::{Access, Scope};
use psc_wire::{RequestHeader, ResponseHeader, frame};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;
use tokio::sync::{Semaphore, watch};
use zeroize::Zeroizing;

use super::status_of;
use crate::auth::PeerCredentials;
use crate::back::Service;
use crate::error::Error;

/// How long a kept-open connection may wait for its next request.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// What every connection shares: the current service and the worker permits.
#[derive(Clone, Debug)]
pub(crate) struct Shared {
    pub(crate) services: watch::Receiver<Arc<Service>>,
    pub(crate) workers: Arc<Semaphore>,
    /// Turns true at shutdown: idle kept-open connections close at once.
    pub(crate) stopping: watch::Receiver<bool>,
}

/// A request read off the socket, header validated.
struct Incoming {
    header: RequestHeader,
    body: Zeroizing<Vec<u8>>,
    auth: Zeroizing<Vec<u8>>,
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
    let mut first = true;
    loop {
        // Each request sees the configuration current when it arrives (reloads included).
        let service = Arc::clone(&shared.services.borrow());
        if !first && !wait_readable(&stream, shared.stopping.clone()).await {
            return;
        }
        first = false;
        let keep = match next_request(&mut stream, &service).await {
            Some(incoming) => answer(&mut stream, &service, &shared, peer, incoming).await,
            None => false,
        };
        if !keep {
            let _ = stream.shutdown().await;
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
async fn next_request(stream: &mut UnixStream, service: &Service) -> Option<Incoming> {
    let limit = service.config().limits.body_len_limit;
    let read = tokio::time::timeout(service.config().timeout, read_request(stream, limit)).await;
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
    let (status, body) = match serve(service, shared, peer, incoming, span.clone()).await {
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
    write_response(stream, service, reply, &body).await && keep
}

/// Runs the request: discovery operations inline, everything that may touch a key store or
/// a provider on the blocking pool, bounded by the worker permits.
async fn serve(
    service: &Arc<Service>,
    shared: &Shared,
    peer: Option<PeerCredentials>,
    incoming: Incoming,
    span: tracing::Span,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let spec = incoming.header.opcode.spec();
    let run = move |service: &Service| {
        let _entered = span.enter();
        let Incoming { header, body, auth } = incoming;
        service
            .serve(&header, &body, &auth, peer.as_ref())
            .map(|response| Zeroizing::new(response.encode()))
    };
    if spec.scope == Scope::Core && spec.access == Access::Open {
        return run(service);
    }
    let Ok(_permit) = shared.workers.acquire().await else {
        return Err(Error::Io(std::io::Error::other(
            "the worker pool is closed",
        )));
    };
    let service = Arc::clone(service);
    tokio::task::spawn_blocking(move || run(&service))
        .await
        .unwrap_or_else(|join| Err(Error::Io(std::io::Error::other(join.to_string()))))
}

/// Reads a whole request, validating the header in the reference order.
async fn read_request(stream: &mut UnixStream, body_limit: u32) -> Result<Incoming, Refused> {
    let mut prefix = [0u8; PREFIX_LEN];
    stream.read_exact(&mut prefix).await?;
    let size = decode_prefix(&prefix)?;
    if size != HEADER_SIZE {
        return Err(psc_wire::Error::HeaderSize(size).into());
    }
    let mut fields = [0u8; HEADER_SIZE as usize];
    stream.read_exact(&mut fields).await?;
    let raw = RawHeader::decode(&fields);
    let with_raw = |error: Error| Refused {
        raw: Some(raw),
        error,
    };
    raw.check_framing(body_limit)
        .map_err(|e| with_raw(e.into()))?;
    // Both lengths are bounded now: the body by the configured limit, auth by its u16 field.
    let mut body = Zeroizing::new(vec![0u8; raw.body_len as usize]);
    stream
        .read_exact(&mut body)
        .await
        .map_err(|e| with_raw(e.into()))?;
    let mut auth = Zeroizing::new(vec![0u8; raw.auth_len.into()]);
    stream
        .read_exact(&mut auth)
        .await
        .map_err(|e| with_raw(e.into()))?;
    let header = raw.into_request().map_err(|e| with_raw(e.into()))?;
    Ok(Incoming { header, body, auth })
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
