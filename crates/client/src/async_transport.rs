//! The async transport (tokio): the blocking transport's steps over a tokio `UnixStream`,
//! with the same pool decisions and retry rule ([`crate::keep_alive`]), under one deadline
//! for the whole exchange, connect included.

use std::io::{self, ErrorKind};

use psc_wire::Response;
use psc_wire::header::HEADER_LEN;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

use crate::codec::Exchange;
use crate::error::{ClientError, Error};
use crate::keep_alive::{Answer, Failure, is_closed};
use crate::transport::{Link, connect_error, io_error};

/// Sends `frame` and reads the answer `exchange` expects, as the blocking
/// `transport::round_trip` does.
///
/// # Errors
/// Connection, timeout and I/O failures; then whatever the codec finds in the response.
pub(crate) async fn round_trip(
    link: &Link<'_, UnixStream>,
    exchange: &Exchange,
    frame: &[u8],
) -> Result<Response, Error> {
    let untimed = exchange_once_or_twice(link, exchange, frame);
    match link.timeout {
        Some(timeout) => tokio::time::timeout(timeout, untimed)
            .await
            .unwrap_or(Err(ClientError::Timeout(timeout).into())),
        None => untimed.await,
    }
}

/// A pooled connection first, then a fresh one if the pooled one turns out closed.
async fn exchange_once_or_twice(
    link: &Link<'_, UnixStream>,
    exchange: &Exchange,
    frame: &[u8],
) -> Result<Response, Error> {
    if let Some(stream) = link.pool.and_then(|pool| pool.take(is_idle)) {
        match attempt(stream, link, exchange, frame).await {
            Err(Failure::Unanswered(_)) => {}
            outcome => return settle(link, exchange, outcome),
        }
    }
    let stream = UnixStream::connect(link.path)
        .await
        .map_err(|source| connect_error(link.path, source))?;
    let outcome = attempt(stream, link, exchange, frame).await;
    settle(link, exchange, outcome)
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
async fn attempt(
    mut stream: UnixStream,
    link: &Link<'_, UnixStream>,
    exchange: &Exchange,
    frame: &[u8],
) -> Result<Answer<UnixStream>, Failure> {
    let failed = |error| Failure::Failed(io_error(error, link.timeout));
    // As in the blocking transport: a write cut short may still leave an answer to read.
    if let Err(error) = stream.write_all(frame).await
        && !is_closed(&error)
    {
        return Err(failed(error));
    }
    let mut head = [0u8; HEADER_LEN];
    read_head(&mut stream, &mut head, link).await?;
    let header = exchange.header(&head).map_err(Failure::Failed)?;
    // The codec checked body_len against the client's limit before this allocation.
    let mut body = vec![0u8; header.body_len as usize];
    stream.read_exact(&mut body).await.map_err(failed)?;
    Ok(Answer {
        stream,
        header,
        body,
    })
}

/// Reads the response header, telling a stream closed before its first byte from one
/// closed later.
async fn read_head(
    stream: &mut UnixStream,
    head: &mut [u8; HEADER_LEN],
    link: &Link<'_, UnixStream>,
) -> Result<(), Failure> {
    let mut filled = 0;
    while filled < HEADER_LEN {
        let error = match stream.read(&mut head[filled..]).await {
            Ok(0) => io::Error::from(ErrorKind::UnexpectedEof),
            Ok(n) => {
                filled += n;
                continue;
            }
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => error,
        };
        let unanswered = filled == 0 && is_closed(&error);
        let error = io_error(error, link.timeout);
        return Err(if unanswered {
            Failure::Unanswered(error)
        } else {
            Failure::Failed(error)
        });
    }
    Ok(())
}

/// Whether a pooled connection is still open and silent: a read attempt would block. End
/// of stream, unexpected bytes, or a stream whose runtime has gone make it unusable.
fn is_idle(stream: &UnixStream) -> bool {
    let mut probe = [0u8; 1];
    matches!(stream.try_read(&mut probe), Err(e) if e.kind() == ErrorKind::WouldBlock)
}
