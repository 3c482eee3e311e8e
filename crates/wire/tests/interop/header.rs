//! Differential test of request-header validation (docs/protocol.md §2.1) against parsec-interface.

use parsec_interface::requests::{
    Request as TheirRequest, Response as TheirResponse, ResponseStatus,
};
use proptest::collection::vec;
use proptest::prelude::*;
use psc_wire::header::{HEADER_LEN, RawHeader};
use psc_wire::{Status, frame};

use crate::bridge::{BODY_LIMIT, BoxError, assert_same_request_header, our_status};
use crate::fail;
use crate::support::run_property;

/// A frame with every header field drawn from a small domain around its valid values (the
/// status from `statuses`), and body/auth lengths that are exact, short by one, or above the
/// limit.
fn noisy_frame(statuses: BoxedStrategy<u16>) -> impl Strategy<Value = Vec<u8>> {
    let mostly = |good: u8, bad: u8| prop_oneof![8 => Just(good), 1 => Just(bad)];
    let version = (mostly(1, 2), mostly(0, 1));
    let types = (
        mostly(0, 1),
        mostly(0, 1),
        0u8..=6,
        mostly(0, 1),
        mostly(0, 1),
    );
    let routing = (0u8..=7, 0u32..=0x22, any::<u16>(), statuses, any::<u64>());
    let payload = (
        vec(any::<u8>(), 0..8),
        vec(any::<u8>(), 0..6),
        0u8..=9,
        mostly(30, 31),
    );
    (prop::bool::weighted(0.1), version, types, routing, payload).prop_map(
        |(bad_magic, (major, minor), types, routing, payload)| {
            let (content_type, accept_type, auth_type, reserved1, reserved2) = types;
            let (provider, opcode, flags, status, session) = routing;
            let (body, auth, length_noise, size) = payload;
            // Mostly exact lengths; sometimes one byte short, or a body above the limit.
            let body_len = match length_noise {
                8 => body.len() + 1,
                9 => BODY_LIMIT as usize + 1,
                _ => body.len(),
            };
            let auth_len = auth.len() + usize::from(length_noise == 7);
            let raw = RawHeader {
                version_major: major,
                version_minor: minor,
                flags,
                provider,
                session,
                content_type,
                accept_type,
                auth_type,
                body_len: u32::try_from(body_len).unwrap_or(u32::MAX),
                auth_len: u16::try_from(auth_len).unwrap_or(u16::MAX),
                opcode,
                status,
                reserved1,
                reserved2,
            };
            let mut bytes = raw.encode().to_vec();
            bytes[0] ^= u8::from(bad_magic);
            bytes[4] = size;
            bytes.extend_from_slice(&body);
            bytes.extend_from_slice(&auth);
            bytes.resize(bytes.len() + usize::from(size - 30), 0);
            bytes
        },
    )
}

/// Our request-frame validation gives the same status as parsec-interface's
/// `Request::read_from_stream` for frames with any mix of bad header fields (the §1.3 order),
/// except that we know the MAC opcodes it lacks; accepted frames read the same.
#[test]
fn request_header_validation_agrees_with_parsec_interface() -> Result<(), BoxError> {
    let limit = usize::try_from(BODY_LIMIT)?;
    run_property(
        2000,
        || noisy_frame(any::<u16>().boxed()),
        move |bytes| {
            let ours = frame::decode_request(&bytes, BODY_LIMIT);
            let theirs = TheirRequest::read_from_stream(&mut &bytes[..], limit);
            let ours_failed = ours.as_ref().err().map(|(_, e)| e.status());
            // We know 0x16/0x17 and check the provider after the opcode; they stop at the opcode.
            let mac = matches!(
                u32::from_le_bytes([bytes[28], bytes[29], bytes[30], bytes[31]]),
                0x16 | 0x17
            );
            if mac && matches!(ours_failed, None | Some(Status::ProviderDoesNotExist)) {
                prop_assert_eq!(theirs.err(), Some(ResponseStatus::OpcodeDoesNotExist));
                return Ok(());
            }
            match (ours, theirs) {
                (Ok(ours), Ok(theirs)) => {
                    assert_same_request_header(&theirs, &ours.header, ours.body.len(), ours.auth)
                        .map_err(fail)?;
                }
                (ours, theirs) => {
                    let theirs = theirs.map(|_| ()).map_err(|e| our_status(e).ok());
                    prop_assert_eq!(ours.map(|_| ()).map_err(|(_, e)| Some(e.status())), theirs);
                }
            }
            Ok(())
        },
    )?;
    Ok(())
}

/// Whether the frame ends before the body its header declares.
fn body_truncated(bytes: &[u8]) -> bool {
    let body_len = u32::from_le_bytes([bytes[22], bytes[23], bytes[24], bytes[25]]);
    bytes.len() < HEADER_LEN + body_len as usize
}

/// Our response-frame validation (client side) gives the same status as parsec-interface's
/// `Response::read_from_stream` for frames with any mix of bad header fields (the same
/// precedence), except that we know the MAC opcodes it lacks; accepted frames read the same.
#[test]
fn response_header_validation_agrees_with_parsec_interface() -> Result<(), BoxError> {
    let statuses = || {
        let mostly_valid = prop_oneof![6 => Just(0u16), 1 => Just(1144), 1 => Just(1153)];
        prop_oneof![3 => mostly_valid, 1 => any::<u16>()].boxed()
    };
    run_property(
        2000,
        move || noisy_frame(statuses()),
        |bytes| {
            let ours = frame::decode_response(&bytes);
            let theirs = TheirResponse::read_from_stream(&mut &bytes[..], usize::MAX);
            let ours_failed = ours.as_ref().err().map(psc_wire::Error::status);
            let mac = matches!(
                u32::from_le_bytes([bytes[28], bytes[29], bytes[30], bytes[31]]),
                0x16 | 0x17
            );
            // They refuse 0x16/0x17 once the body is read; we accept them.
            let complete = !body_truncated(&bytes);
            if mac && complete && matches!(ours_failed, None | Some(Status::InvalidEncoding)) {
                prop_assert_eq!(theirs.err(), Some(ResponseStatus::OpcodeDoesNotExist));
                return Ok(());
            }
            match (ours, theirs) {
                (Ok((header, body)), Ok(theirs)) => {
                    prop_assert_eq!(
                        our_status(theirs.header.status).map_err(fail)?,
                        header.status
                    );
                    prop_assert_eq!(theirs.header.session, header.session);
                    prop_assert_eq!(theirs.body.bytes(), body);
                }
                (ours, theirs) => {
                    let theirs = theirs.map(|_| ()).map_err(|e| our_status(e).ok());
                    prop_assert_eq!(ours.map(|_| ()).map_err(|e| Some(e.status())), theirs);
                }
            }
            Ok(())
        },
    )?;
    Ok(())
}
