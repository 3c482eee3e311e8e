//! Interoperability with the published `parsec-interface` 0.30 crate, in both directions and
//! through whole frames: generated values of every operation cross ours → theirs → ours
//! unchanged, their headers read like ours, and (in `interop/native_*.rs`) values they build
//! decode with ours to the expected typed values and back.

mod support;

#[path = "interop/bridge.rs"]
mod bridge;
#[path = "interop/header.rs"]
mod header;
#[path = "interop/native_lists.rs"]
mod native_lists;
#[path = "interop/native_ops.rs"]
mod native_ops;
#[path = "interop/native_ops_core.rs"]
mod native_ops_core;
#[path = "interop/native_results.rs"]
mod native_results;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;
use std::sync::{Arc, Mutex};

use bridge::{BODY_LIMIT, BoxError, assert_same_request_header, our_status};
use parsec_interface::operations::Convert;
use parsec_interface::operations_protobuf::ProtobufConverter;
use parsec_interface::requests::{
    Request as TheirRequest, Response as TheirResponse, ResponseStatus,
};
use proptest::collection::vec;
use proptest::prelude::*;
use psc_psa::{Attributes, UsageFlags};
use psc_wire::{
    AuthType, Opcode, ProviderId, Request, RequestHeader, Response, ResponseHeader, Status, frame,
};
use support::run_property;

/// Cases per property: 31 operations drawn uniformly, so each is drawn about 32 times.
const CASES: u32 = 1000;
/// The least number of times each opcode must have been exercised.
const MIN_PER_OPCODE: u32 = 5;

type Counts = Arc<Mutex<BTreeMap<Opcode, u32>>>;

fn fail(e: impl Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

fn is_mac(opcode: Opcode) -> bool {
    matches!(opcode, Opcode::PsaMacCompute | Opcode::PsaMacVerify)
}

fn count(counts: &Counts, opcode: Opcode) {
    if let Ok(mut counts) = counts.lock() {
        *counts.entry(opcode).or_default() += 1;
    }
}

/// Asserts every opcode (the 29 parsec-interface knows and the two MAC ones, checked for
/// rejection) was exercised at least [`MIN_PER_OPCODE`] times.
fn assert_all_exercised(counts: &Counts) -> Result<(), BoxError> {
    let counts = counts.lock().map_err(|_| "counts poisoned")?;
    for &opcode in Opcode::ALL {
        let n = counts.get(&opcode).copied().unwrap_or(0);
        assert!(n >= MIN_PER_OPCODE, "{opcode:?} exercised {n} times");
    }
    assert_eq!(counts.len(), 31);
    Ok(())
}

/// psa-crypto 0.13 (under parsec-interface) sets `sign_message` whenever it sets `sign_hash`,
/// and `verify_message` with `verify_hash`: flags with a hash flag but not its message flag
/// do not survive its decoder, so generated flags get the implied message flag.
fn representable_flags(flags: &mut UsageFlags) {
    flags.sign_message |= flags.sign_hash;
    flags.verify_message |= flags.verify_hash;
}

fn representable_attributes(attributes: &mut Attributes) {
    representable_flags(&mut attributes.policy.usage_flags);
}

/// Restricts a generated request to what parsec-interface can represent (see
/// [`representable_flags`]; nothing else needs restricting).
fn representable_request(mut request: Request) -> Request {
    match &mut request {
        Request::PsaGenerateKey(body) => representable_attributes(&mut body.attributes),
        Request::PsaImportKey(body) => representable_attributes(&mut body.attributes),
        Request::CanDoCrypto(body) => representable_attributes(&mut body.attributes),
        _ => {}
    }
    request
}

/// Restricts a generated response to what parsec-interface can represent: key attributes as
/// above, and ListOpcodes results without the MAC opcodes, which its `Opcode` lacks (their
/// decoder fails the whole result with OpcodeDoesNotExist; our service never advertises them).
fn representable_response(mut response: Response) -> Response {
    match &mut response {
        Response::ListKeys(body) => {
            body.keys
                .iter_mut()
                .for_each(|key| representable_attributes(&mut key.attributes));
        }
        Response::ListOpcodes(body) => body.opcodes.retain(|&opcode| !is_mac(opcode)),
        _ => {}
    }
    response
}

fn request_inputs() -> impl Strategy<Value = (Request, ProviderId, AuthType, u64, Vec<u8>)> {
    let request = any::<Request>().prop_map(representable_request);
    (
        request,
        any::<ProviderId>(),
        any::<AuthType>(),
        any::<u64>(),
        vec(any::<u8>(), 0..40),
    )
}

/// One generated request: ours → frame → theirs (header checked) → their converter both ways →
/// their frame → ours gives back the same header, auth and typed body, byte for byte.
fn request_crosses(
    (request, provider, auth_type, session, auth): (Request, ProviderId, AuthType, u64, Vec<u8>),
    counts: &Counts,
) -> Result<(), TestCaseError> {
    let opcode = request.opcode();
    count(counts, opcode);
    let header = RequestHeader {
        session,
        ..RequestHeader::new(provider, auth_type, opcode)
    };
    let body = request.encode();
    let read = bridge::their_request(header, &body, &auth);
    if is_mac(opcode) {
        prop_assert_eq!(read.err(), Some(ResponseStatus::OpcodeDoesNotExist));
        return Ok(());
    }
    let theirs = read.map_err(fail)?;
    assert_same_request_header(&theirs, &header, body.len(), &auth).map_err(fail)?;
    let operation = ProtobufConverter.body_to_operation(theirs.body, theirs.header.opcode);
    let their_body = ProtobufConverter
        .operation_to_body(operation.map_err(fail)?)
        .map_err(fail)?;
    let rewritten = TheirRequest {
        header: theirs.header,
        body: their_body,
        auth: theirs.auth,
    };
    let bytes = bridge::their_request_bytes(rewritten).map_err(fail)?;
    let parsed = frame::decode_request(&bytes, BODY_LIMIT).map_err(|(_, e)| fail(e))?;
    prop_assert_eq!(
        Request::decode(parsed.header.opcode, parsed.body).map_err(fail)?,
        request
    );
    prop_assert_eq!(parsed.auth, &auth[..]);
    let ours = frame::encode_request(header, &body, &auth).map_err(fail)?;
    prop_assert_eq!(bytes, ours, "their frame differs from ours");
    Ok(())
}

/// Generated requests of every operation survive a round trip through parsec-interface
/// (frames, header and protobuf converter); the MAC operations, which it does not know, are
/// refused by it with OpcodeDoesNotExist.
#[test]
fn generated_requests_cross_parsec_interface_unchanged() -> Result<(), BoxError> {
    let counts = Counts::default();
    let shared = Arc::clone(&counts);
    run_property(CASES, request_inputs, move |input| {
        request_crosses(input, &shared)
    })?;
    assert_all_exercised(&counts)
}

fn response_inputs() -> impl Strategy<Value = (Response, ProviderId, u64)> {
    (
        any::<Response>().prop_map(representable_response),
        any::<ProviderId>(),
        any::<u64>(),
    )
}

/// One generated success response: ours → frame → theirs → their converter both ways → their
/// frame → ours gives back the same header and typed body.
fn response_crosses(
    (response, provider, session): (Response, ProviderId, u64),
    counts: &Counts,
) -> Result<(), TestCaseError> {
    let opcode = response.opcode();
    count(counts, opcode);
    let header = ResponseHeader {
        provider,
        session,
        opcode,
        ..ResponseHeader::header_error(None, Status::Success)
    };
    let body = response.encode();
    let read = bridge::their_response(header, &body);
    if is_mac(opcode) {
        prop_assert_eq!(read.err(), Some(ResponseStatus::OpcodeDoesNotExist));
        return Ok(());
    }
    let theirs = read.map_err(fail)?;
    prop_assert_eq!(theirs.header.session, session);
    prop_assert_eq!(theirs.header.status, ResponseStatus::Success);
    prop_assert_eq!(theirs.body.len(), body.len());
    let result = ProtobufConverter.body_to_result(theirs.body, theirs.header.opcode);
    let their_body = ProtobufConverter
        .result_to_body(result.map_err(fail)?)
        .map_err(fail)?;
    let rewritten = TheirResponse {
        header: theirs.header,
        body: their_body,
    };
    let bytes = bridge::their_response_bytes(rewritten).map_err(fail)?;
    let (parsed, parsed_body) = frame::decode_response(&bytes).map_err(fail)?;
    let body_len = u32::try_from(parsed_body.len()).map_err(fail)?;
    prop_assert_eq!(parsed, ResponseHeader { body_len, ..header });
    prop_assert_eq!(
        Response::decode(opcode, parsed_body).map_err(fail)?,
        response
    );
    if opcode != Opcode::ListOpcodes {
        // A ListOpcodes result is a set; parsec-interface writes it in hash order.
        prop_assert_eq!(parsed_body, &body[..], "their body differs from ours");
    }
    Ok(())
}

/// Generated success responses of every operation survive a round trip through
/// parsec-interface; MAC responses are refused by it with OpcodeDoesNotExist.
#[test]
fn generated_responses_cross_parsec_interface_unchanged() -> Result<(), BoxError> {
    let counts = Counts::default();
    let shared = Arc::clone(&counts);
    run_property(CASES, response_inputs, move |input| {
        response_crosses(input, &shared)
    })?;
    assert_all_exercised(&counts)
}

/// parsec-interface refuses request and response frames with opcodes 0x16 and 0x17 (the MAC
/// operations) with OpcodeDoesNotExist, even with an empty body.
#[test]
fn mac_opcodes_are_unknown_to_parsec_interface() {
    for opcode in [Opcode::PsaMacCompute, Opcode::PsaMacVerify] {
        let request = RequestHeader::new(ProviderId::MbedCrypto, AuthType::Direct, opcode);
        let read = bridge::their_request(request, &[], b"app");
        assert_eq!(read.err(), Some(ResponseStatus::OpcodeDoesNotExist));
        let response = ResponseHeader::reply_to(&request, Status::Success);
        let read = bridge::their_response(response, &[]);
        assert_eq!(read.err(), Some(ResponseStatus::OpcodeDoesNotExist));
    }
}

/// Every status our codec can put in a response header is read by parsec-interface as the
/// same code.
#[test]
fn every_status_reads_the_same_in_parsec_interface() -> Result<(), BoxError> {
    for &status in Status::ALL {
        let header = ResponseHeader {
            provider: ProviderId::Tpm,
            session: 7,
            opcode: Opcode::ListKeys,
            ..ResponseHeader::header_error(None, status)
        };
        let theirs = bridge::their_response(header, &[])?;
        assert_eq!(our_status(theirs.header.status)?, status);
        assert_eq!(theirs.header.session, 7);
    }
    Ok(())
}

/// parsec-interface's `Response::from_status(InvalidHeader)` writes the same bytes as our
/// header-level error answer.
#[test]
fn header_error_response_matches_parsec_interface() -> Result<(), BoxError> {
    let theirs =
        bridge::their_response_bytes(TheirResponse::from_status(ResponseStatus::InvalidHeader))?;
    let ours = frame::encode_response(
        ResponseHeader::header_error(None, Status::InvalidHeader),
        &[],
    )?;
    assert_eq!(theirs, ours);
    Ok(())
}

/// Request headers with every provider, auth type and published opcode read the same in
/// parsec-interface: provider, session, auth type, opcode, body and auth lengths.
#[test]
fn request_header_fields_read_the_same_in_parsec_interface() -> Result<(), BoxError> {
    let published = Opcode::ALL.iter().copied().filter(|&op| !is_mac(op));
    for (i, opcode) in published.enumerate() {
        let provider = ProviderId::ALL[i % ProviderId::ALL.len()];
        let auth_type = AuthType::ALL[i % AuthType::ALL.len()];
        let header = RequestHeader {
            session: 1 << i,
            ..RequestHeader::new(provider, auth_type, opcode)
        };
        let body = vec![0u8; i];
        let auth = vec![0xA5; 2 * i];
        let theirs = bridge::their_request(header, &body, &auth)?;
        assert_same_request_header(&theirs, &header, body.len(), &auth)?;
    }
    Ok(())
}

/// Operations hand-built with parsec-interface decode with ours to the expected values, and
/// our re-encoding is byte-identical and decodes with theirs to an equal value.
#[test]
fn parsec_interface_operations_decode_with_ours() -> Result<(), BoxError> {
    let cases = native_ops::cases();
    let opcodes: BTreeSet<Opcode> = cases.iter().map(|(_, request)| request.opcode()).collect();
    assert_eq!(
        (cases.len(), opcodes.len()),
        (29, 29),
        "one case per known operation"
    );
    for (operation, expected) in cases {
        native_ops::check(operation, &expected)?;
    }
    Ok(())
}

/// Results hand-built with parsec-interface decode with ours to the expected values, and our
/// re-encoding decodes with theirs to an equal value.
#[test]
fn parsec_interface_results_decode_with_ours() -> Result<(), BoxError> {
    let cases = native_results::cases()?;
    let opcodes: BTreeSet<Opcode> = cases
        .iter()
        .map(|(_, response)| response.opcode())
        .collect();
    assert_eq!(
        (cases.len(), opcodes.len()),
        (29, 29),
        "one case per known operation"
    );
    for (result, expected) in cases {
        native_results::check(result, &expected)?;
    }
    Ok(())
}
