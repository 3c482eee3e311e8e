//! Whole-frame bridges between our codec and parsec-interface 0.30: its body types cannot be
//! built from bytes outside the crate, so every crossing goes through a frame that one side
//! writes and the other reads.

use std::error::Error as StdError;

use parsec_interface::operations::{Convert, NativeOperation, NativeResult};
use parsec_interface::operations_protobuf::ProtobufConverter;
use parsec_interface::requests::{
    Opcode as TheirOpcode, Request as TheirRequest, Response as TheirResponse, ResponseStatus,
};
use parsec_interface::secrecy::ExposeSecret;
use psc_wire::{Opcode, ProviderId, RequestHeader, ResponseHeader, Status, frame};

pub(crate) type BoxError = Box<dyn StdError + Send + Sync>;

/// The request body limit both sides are given.
pub(crate) const BODY_LIMIT: u32 = 1 << 20;

/// parsec-interface's reading of a request frame our codec wrote.
pub(crate) fn their_request(
    header: RequestHeader,
    body: &[u8],
    auth: &[u8],
) -> Result<TheirRequest, ResponseStatus> {
    let bytes =
        frame::encode_request(header, body, auth).map_err(|_| ResponseStatus::InvalidEncoding)?;
    TheirRequest::read_from_stream(&mut &bytes[..], usize::MAX)
}

/// The frame parsec-interface writes for a request.
pub(crate) fn their_request_bytes(request: TheirRequest) -> Result<Vec<u8>, BoxError> {
    let mut bytes = Vec::new();
    request.write_to_stream(&mut bytes)?;
    Ok(bytes)
}

/// parsec-interface's reading of a response frame our codec wrote.
pub(crate) fn their_response(
    header: ResponseHeader,
    body: &[u8],
) -> Result<TheirResponse, ResponseStatus> {
    let bytes =
        frame::encode_response(header, body).map_err(|_| ResponseStatus::InvalidEncoding)?;
    TheirResponse::read_from_stream(&mut &bytes[..], usize::MAX)
}

/// The frame parsec-interface writes for a response.
pub(crate) fn their_response_bytes(response: TheirResponse) -> Result<Vec<u8>, BoxError> {
    let mut bytes = Vec::new();
    response.write_to_stream(&mut bytes)?;
    Ok(bytes)
}

/// Our opcode for theirs (theirs is a subset of ours).
pub(crate) fn our_opcode(opcode: TheirOpcode) -> Result<Opcode, BoxError> {
    Opcode::from_code(opcode as u32).ok_or_else(|| "opcode unknown to us".into())
}

/// Our provider for theirs.
pub(crate) fn our_provider(
    provider: parsec_interface::requests::ProviderId,
) -> Result<ProviderId, BoxError> {
    Ok(ProviderId::from_code(provider as u8)?)
}

/// Our status for theirs.
pub(crate) fn our_status(status: ResponseStatus) -> Result<Status, BoxError> {
    Status::from_code(status as u16).ok_or_else(|| "status unknown to us".into())
}

/// Checks that parsec-interface read the request header fields we wrote.
pub(crate) fn assert_same_request_header(
    theirs: &TheirRequest,
    ours: &RequestHeader,
    body_len: usize,
    auth: &[u8],
) -> Result<(), BoxError> {
    assert_eq!(our_provider(theirs.header.provider)?, ours.provider);
    assert_eq!(theirs.header.session, ours.session);
    assert_eq!(theirs.header.auth_type as u8, ours.auth_type.code());
    assert_eq!(our_opcode(theirs.header.opcode)?, ours.opcode);
    assert_eq!(theirs.body.len(), body_len);
    assert_eq!(theirs.auth.buffer.expose_secret().as_slice(), auth);
    Ok(())
}

/// Their typed operation for a request body we encoded, through a whole frame.
pub(crate) fn their_operation(
    header: RequestHeader,
    body: &[u8],
) -> Result<NativeOperation, BoxError> {
    let request = their_request(header, body, &[])?;
    Ok(ProtobufConverter.body_to_operation(request.body, request.header.opcode)?)
}

/// Their typed result for a response body we encoded, through a whole frame.
pub(crate) fn their_result(header: ResponseHeader, body: &[u8]) -> Result<NativeResult, BoxError> {
    let response = their_response(header, body)?;
    Ok(ProtobufConverter.body_to_result(response.body, response.header.opcode)?)
}
