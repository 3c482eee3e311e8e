//! Property tests of the codec against itself: every generated body and frame decodes back to
//! the value it was encoded from, and truncated frames are refused.

mod support;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use psc_wire::header::HEADER_LEN;
use psc_wire::{
    AuthType, Opcode, ProviderId, Request, RequestHeader, Response, ResponseHeader, Status, frame,
};
use support::run_property;

/// A request header as a client could send it, lengths left to the encoder.
fn request_header() -> impl Strategy<Value = RequestHeader> {
    (
        any::<u16>(),
        any::<ProviderId>(),
        any::<u64>(),
        any::<AuthType>(),
        any::<Opcode>(),
    )
        .prop_map(
            |(flags, provider, session, auth_type, opcode)| RequestHeader {
                flags,
                session,
                ..RequestHeader::new(provider, auth_type, opcode)
            },
        )
}

/// A response header with any defined status.
fn response_header() -> impl Strategy<Value = ResponseHeader> {
    (
        any::<ProviderId>(),
        any::<u64>(),
        any::<Opcode>(),
        any::<Status>(),
    )
        .prop_map(|(provider, session, opcode, status)| ResponseHeader {
            provider,
            session,
            opcode,
            ..ResponseHeader::header_error(None, status)
        })
}

const CASES: u32 = 512;

/// Every request body of every operation decodes back to itself.
#[test]
fn request_body_roundtrip() -> Result<(), String> {
    run_property(CASES, any::<Request>, |request| {
        let decoded = Request::decode(request.opcode(), &request.encode());
        prop_assert_eq!(decoded.ok(), Some(request));
        Ok(())
    })
}

/// Every response body of every operation decodes back to itself.
#[test]
fn response_body_roundtrip() -> Result<(), String> {
    run_property(CASES, any::<Response>, |response| {
        let decoded = Response::decode(response.opcode(), &response.encode());
        prop_assert_eq!(decoded.ok(), Some(response));
        Ok(())
    })
}

/// Re-encoding a decoded request body gives the same bytes (the encoding is canonical).
#[test]
fn request_encoding_is_canonical() -> Result<(), String> {
    run_property(CASES, any::<Request>, |request| {
        let bytes = request.encode();
        let again = Request::decode(request.opcode(), &bytes).map(|r| r.encode());
        prop_assert_eq!(again.ok(), Some(bytes));
        Ok(())
    })
}

/// A whole request frame gives back its header fields (with the lengths the encoder set), its
/// body and its auth bytes; the typed body decodes from the frame's body.
#[test]
fn request_frame_roundtrip() -> Result<(), String> {
    let inputs = || (request_header(), any::<Request>(), vec(any::<u8>(), 0..80));
    run_property(CASES, inputs, |(header, body, auth)| {
        let header = RequestHeader {
            opcode: body.opcode(),
            ..header
        };
        let body_bytes = body.encode();
        let bytes = frame::encode_request(header, &body_bytes, &auth).unwrap_or_default();
        prop_assert_eq!(bytes.len(), HEADER_LEN + body_bytes.len() + auth.len());
        let parsed = frame::decode_request(&bytes, u32::MAX);
        prop_assert!(parsed.is_ok());
        if let Ok(parsed) = parsed {
            let expected = RequestHeader {
                body_len: u32::try_from(body_bytes.len()).unwrap_or(u32::MAX),
                auth_len: u16::try_from(auth.len()).unwrap_or(u16::MAX),
                ..header
            };
            prop_assert_eq!(parsed.header, expected);
            prop_assert_eq!(parsed.body, &body_bytes[..]);
            prop_assert_eq!(parsed.auth, &auth[..]);
            prop_assert_eq!(
                Request::decode(parsed.header.opcode, parsed.body).ok(),
                Some(body)
            );
        }
        Ok(())
    })
}

/// A whole response frame, with any status, gives back its header and body.
#[test]
fn response_frame_roundtrip() -> Result<(), String> {
    run_property(
        CASES,
        || (response_header(), any::<Response>()),
        |(header, body)| {
            let header = ResponseHeader {
                opcode: body.opcode(),
                ..header
            };
            let body_bytes = body.encode();
            let bytes = frame::encode_response(header, &body_bytes).unwrap_or_default();
            prop_assert_eq!(bytes.len(), HEADER_LEN + body_bytes.len());
            let body_len = u32::try_from(body_bytes.len()).unwrap_or(u32::MAX);
            let expected = ResponseHeader { body_len, ..header };
            prop_assert_eq!(
                frame::decode_response(&bytes).ok(),
                Some((expected, &body_bytes[..]))
            );
            prop_assert_eq!(
                Response::decode(header.opcode, &body_bytes).ok(),
                Some(body)
            );
            Ok(())
        },
    )
}

/// Every strict prefix of a request frame is refused as a ConnectionError (truncation).
#[test]
fn truncated_request_frames_are_connection_errors() -> Result<(), String> {
    let inputs = || {
        (
            request_header(),
            vec(any::<u8>(), 0..40),
            vec(any::<u8>(), 0..20),
            any::<Index>(),
        )
    };
    run_property(CASES, inputs, |(header, body, auth, cut)| {
        let bytes = frame::encode_request(header, &body, &auth).unwrap_or_default();
        let short = &bytes[..cut.index(bytes.len())];
        let status = frame::decode_request(short, u32::MAX).map_err(|(_, e)| e.status());
        prop_assert_eq!(status.err(), Some(Status::ConnectionError));
        Ok(())
    })
}

/// Every strict prefix of a response frame is refused as a ConnectionError (truncation).
#[test]
fn truncated_response_frames_are_connection_errors() -> Result<(), String> {
    let inputs = || (response_header(), vec(any::<u8>(), 0..40), any::<Index>());
    run_property(CASES, inputs, |(header, body, cut)| {
        let bytes = frame::encode_response(header, &body).unwrap_or_default();
        let short = &bytes[..cut.index(bytes.len())];
        let status = frame::decode_response(short).map_err(|e| e.status());
        prop_assert_eq!(status.err(), Some(Status::ConnectionError));
        Ok(())
    })
}

/// Every defined status survives a response frame, for every provider and a spread of
/// opcodes (the property above samples statuses; this covers each one deterministically).
#[test]
fn every_status_survives_a_response_frame() -> Result<(), psc_wire::Error> {
    assert_eq!(Status::ALL.len(), 44);
    for (i, &status) in Status::ALL.iter().enumerate() {
        let provider = ProviderId::ALL[i % ProviderId::ALL.len()];
        let opcode = Opcode::ALL[i % Opcode::ALL.len()];
        let header = ResponseHeader {
            provider,
            session: i as u64,
            opcode,
            ..ResponseHeader::header_error(None, status)
        };
        let bytes = frame::encode_response(header, &[0x08, 0x01])?;
        assert_eq!(u16::from_le_bytes([bytes[32], bytes[33]]), status.code());
        let (parsed, body) = frame::decode_response(&bytes)?;
        assert_eq!(
            parsed,
            ResponseHeader {
                body_len: 2,
                ..header
            }
        );
        assert_eq!(body, [0x08, 0x01]);
    }
    Ok(())
}

/// Every operation's frame carries its opcode code at bytes 28..32 and decodes back to it.
#[test]
fn every_opcode_survives_a_request_frame() -> Result<(), psc_wire::Error> {
    for &opcode in Opcode::ALL {
        let header = RequestHeader::new(ProviderId::MbedCrypto, AuthType::Direct, opcode);
        let bytes = frame::encode_request(header, &[], b"app")?;
        assert_eq!(
            u32::from_le_bytes([bytes[28], bytes[29], bytes[30], bytes[31]]),
            opcode.code()
        );
        let parsed = frame::decode_request(&bytes, 0).map_err(|(_, e)| e)?;
        assert_eq!(parsed.header.opcode, opcode);
        assert_eq!(parsed.auth, b"app");
    }
    Ok(())
}
