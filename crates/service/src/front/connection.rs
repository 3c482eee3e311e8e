//! One connection: read a request in stages, answer it, close.
//!
//! Reading is staged so that a malformed header is answered before anything else is read,
//! and no buffer is allocated from a length that has not been checked against its limit.

use std::time::Instant;

use psc_psa::Status;
use psc_wire::header::{HEADER_SIZE, PREFIX_LEN, RawHeader, decode_prefix};
use psc_wire::{RequestHeader, ResponseHeader, frame};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;
use zeroize::Zeroizing;

use super::status_of;
use crate::auth::PeerCredentials;
use crate::back::Service;
use crate::error::Error;

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

/// Serves one connection.
pub(crate) async fn handle(mut stream: UnixStream, service: &Service) {
    let started = Instant::now();
    let peer = stream.peer_cred().ok().map(|c| PeerCredentials {
        uid: c.uid(),
        gid: c.gid(),
    });
    let timeout = service.config().timeout;
    let limit = service.config().limits.body_len_limit;
    let read = tokio::time::timeout(timeout, read_request(&mut stream, limit)).await;
    let incoming = match read {
        Ok(Ok(incoming)) => incoming,
        Ok(Err(refused)) => return refuse(&mut stream, service, refused).await,
        Err(_) => {
            let refused = Refused {
                raw: None,
                error: Error::TimedOut,
            };
            return refuse(&mut stream, service, refused).await;
        }
    };
    let Incoming { header, body, auth } = incoming;
    let result = service.serve(&header, &body, &auth, peer.as_ref());
    let (status, body) = match &result {
        Ok(response) => (Status::Success, Zeroizing::new(response.encode())),
        Err(error) => (status_of(error), Zeroizing::default()),
    };
    tracing::debug!(
        uid = peer.map(|p| p.uid),
        opcode = ?header.opcode,
        provider = ?header.provider,
        %status,
        micros = started.elapsed().as_micros(),
        "request"
    );
    if let Err(error) = &result {
        tracing::warn!(%error, opcode = ?header.opcode, "request refused");
    }
    let reply = ResponseHeader::reply_to(&header, status);
    write_response(&mut stream, service, reply, &body).await;
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

/// Answers a request refused at the header level, then closes.
async fn refuse(stream: &mut UnixStream, service: &Service, refused: Refused) {
    let status = status_of(&refused.error);
    tracing::warn!(error = %refused.error, %status, "malformed request");
    let reply = ResponseHeader::header_error(refused.raw.as_ref(), status);
    write_response(stream, service, reply, &[]).await;
    if !matches!(refused.error, Error::Io(_) | Error::TimedOut) {
        drain(stream, service).await;
    }
}

/// Discards what the client still sends after a refusal, up to one maximal request and the
/// configured timeout. Closing a Unix socket with unread input makes the peer's next read fail
/// with ECONNRESET, which clients that read to end of stream (the Go client) report as an
/// error instead of our answer.
async fn drain(stream: &mut UnixStream, service: &Service) {
    let limits = service.config().limits;
    let mut budget = limits.body_len_limit as usize + psc_wire::header::MAX_AUTH_LEN + 64;
    let mut scratch = [0u8; 4096];
    let discard = async {
        while budget > 0 {
            match stream.read(&mut scratch).await {
                Ok(0) | Err(_) => break,
                Ok(n) => budget = budget.saturating_sub(n),
            }
        }
    };
    let _ = tokio::time::timeout(service.config().timeout, discard).await;
}

async fn write_response(
    stream: &mut UnixStream,
    service: &Service,
    header: ResponseHeader,
    body: &[u8],
) {
    // Only a body over 4 GiB could fail to encode; then the status alone is sent.
    let fallback = ResponseHeader {
        status: Status::SerializingBodyFailed,
        ..header
    };
    let encoded =
        frame::encode_response(header, body).or_else(|_| frame::encode_response(fallback, &[]));
    let Ok(bytes) = encoded.map(Zeroizing::new) else {
        return;
    };
    let write = async {
        stream.write_all(&bytes).await?;
        stream.shutdown().await
    };
    match tokio::time::timeout(service.config().timeout, write).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::debug!(%error, "writing the response failed"),
        Err(_) => tracing::debug!("writing the response timed out"),
    }
}
