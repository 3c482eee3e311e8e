//! Whole frames in memory: `header ‖ body ‖ auth` for requests, `header ‖ body` for
//! responses. Clients, tests and fuzzers use these; the service reads frames in stages
//! (see [`crate::header`]) so it can answer before reading what it will refuse.

use crate::error::Error;
use crate::header::{
    HEADER_LEN, HEADER_SIZE, PREFIX_LEN, RawHeader, RequestHeader, ResponseHeader, decode_prefix,
};

/// A request frame split into its parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestFrame<'a> {
    /// The validated header.
    pub header: RequestHeader,
    /// The body bytes (not yet decoded: that needs the opcode's type).
    pub body: &'a [u8],
    /// The auth bytes.
    pub auth: &'a [u8],
}

/// Encodes a request frame; the header's lengths are set from `body` and `auth`.
///
/// # Errors
/// [`Error::TooLong`] when the body or the auth field does not fit its length field.
pub fn encode_request(
    mut header: RequestHeader,
    body: &[u8],
    auth: &[u8],
) -> Result<Vec<u8>, Error> {
    header.body_len = fit(body.len(), "body")?;
    header.auth_len = fit(auth.len(), "auth")?;
    let mut frame = Vec::with_capacity(HEADER_LEN + body.len() + auth.len());
    frame.extend_from_slice(&header.to_raw().encode());
    frame.extend_from_slice(body);
    frame.extend_from_slice(auth);
    Ok(frame)
}

/// Encodes a response frame; the header's body length is set from `body`.
///
/// # Errors
/// [`Error::TooLong`] when the body does not fit its length field.
pub fn encode_response(mut header: ResponseHeader, body: &[u8]) -> Result<Vec<u8>, Error> {
    header.body_len = fit(body.len(), "body")?;
    let mut frame = Vec::with_capacity(HEADER_LEN + body.len());
    frame.extend_from_slice(&header.to_raw().encode());
    frame.extend_from_slice(body);
    Ok(frame)
}

/// Decodes a whole request frame with the service's validation order.
///
/// # Errors
/// The first failing check, with the raw header when it was read (for the error response).
pub fn decode_request(
    bytes: &[u8],
    body_limit: u32,
) -> Result<RequestFrame<'_>, (Option<RawHeader>, Error)> {
    let (raw, rest) = split_header(bytes).map_err(|e| (None, e))?;
    let with_raw = |e| (Some(raw), e);
    raw.check_framing(body_limit).map_err(with_raw)?;
    let (body, rest) = take(rest, raw.body_len as usize).map_err(with_raw)?;
    let (auth, _) = take(rest, raw.auth_len.into()).map_err(with_raw)?;
    let header = raw.into_request().map_err(with_raw)?;
    Ok(RequestFrame { header, body, auth })
}

/// Decodes a whole response frame, checking the header as published clients do.
///
/// # Errors
/// The first failing check.
pub fn decode_response(bytes: &[u8]) -> Result<(ResponseHeader, &[u8]), Error> {
    let (raw, rest) = split_header(bytes)?;
    if (raw.version_major, raw.version_minor) != (1, 0) {
        return Err(Error::Version {
            major: raw.version_major,
            minor: raw.version_minor,
        });
    }
    if raw.reserved1 != 0 || raw.reserved2 != 0 {
        return Err(Error::ReservedNotZero);
    }
    // Like the published client: the whole frame is read before its fields are interpreted.
    let (body, _) = take(rest, raw.body_len as usize)?;
    let header = raw.into_response()?;
    Ok((header, body))
}

fn split_header(bytes: &[u8]) -> Result<(RawHeader, &[u8]), Error> {
    let (prefix, rest) = take(bytes, PREFIX_LEN)?;
    let size = decode_prefix(
        prefix
            .try_into()
            .map_err(|_| Error::Truncated { missing: 0 })?,
    )?;
    if size != HEADER_SIZE {
        return Err(Error::HeaderSize(size));
    }
    let (fields, rest) = take(rest, HEADER_SIZE.into())?;
    let fields = fields
        .try_into()
        .map_err(|_| Error::Truncated { missing: 0 })?;
    Ok((RawHeader::decode(fields), rest))
}

fn take(bytes: &[u8], len: usize) -> Result<(&[u8], &[u8]), Error> {
    if bytes.len() < len {
        return Err(Error::Truncated {
            missing: len - bytes.len(),
        });
    }
    Ok(bytes.split_at(len))
}

fn fit<T: TryFrom<usize>>(len: usize, field: &'static str) -> Result<T, Error> {
    T::try_from(len).map_err(|_| Error::TooLong { field, len })
}
