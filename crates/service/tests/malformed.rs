//! Malformed frames get the status docs/protocol.md §2.1/§2.2 specifies, the connection is closed, and
//! the service keeps serving: after every bad frame a good request still succeeds.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::Shutdown;

use psc_testkit::TestDaemon;
use psc_wire::header::RawHeader;
use psc_wire::ops::ListOpcodesRequest;
use psc_wire::{AuthType, Body, Opcode, ProviderId, ResponseHeader, Status, frame};

/// A well-formed request header for `opcode` to `provider`, NoAuth, no body.
fn header(opcode: Opcode, provider: ProviderId) -> RawHeader {
    RawHeader {
        version_major: 1,
        provider: provider.code(),
        opcode: opcode.code(),
        ..RawHeader::default()
    }
}

fn ping() -> RawHeader {
    header(Opcode::Ping, ProviderId::Core)
}

/// Sends a frame, returns the decoded response header and body.
fn send(
    daemon: &TestDaemon,
    raw: &RawHeader,
    body: &[u8],
    auth: &[u8],
) -> (ResponseHeader, Vec<u8>) {
    let mut bytes = raw.encode().to_vec();
    bytes.extend_from_slice(body);
    bytes.extend_from_slice(auth);
    let reply = daemon.exchange(&bytes);
    let (header, body) = frame::decode_response(&reply).expect("a well-formed response");
    (header, body.to_vec())
}

/// Asserts that a good ping is still answered.
fn assert_still_serving(daemon: &TestDaemon) {
    let (header, body) = send(daemon, &ping(), &[], &[]);
    assert_eq!(header.status, Status::Success);
    assert_eq!(body, [0x08, 0x01]);
}

/// One header-level case: what is sent, and what the reply must say.
struct HeaderCase {
    name: &'static str,
    raw: RawHeader,
    status: Status,
    opcode: Opcode,
}

/// Header-level failures, one per row (kept on one line each: a table reads best that way).
#[rustfmt::skip]
fn header_cases() -> Vec<HeaderCase> {
    let lo = header(Opcode::ListOpcodes, ProviderId::Core);
    let case = |name, raw, status, opcode| HeaderCase { name, raw, status, opcode };
    vec![
        case("version 2.0", RawHeader { version_major: 2, ..lo }, Status::WireProtocolVersionNotSupported, Opcode::ListOpcodes),
        case("version 1.1", RawHeader { version_minor: 1, ..ping() }, Status::WireProtocolVersionNotSupported, Opcode::Ping),
        case("reserved1", RawHeader { reserved1: 1, ..lo }, Status::InvalidHeader, Opcode::ListOpcodes),
        case("reserved2", RawHeader { reserved2: 0xff, ..ping() }, Status::InvalidHeader, Opcode::Ping),
        case("content type", RawHeader { content_type: 1, ..lo }, Status::ContentTypeNotSupported, Opcode::ListOpcodes),
        case("accept type", RawHeader { accept_type: 1, ..ping() }, Status::AcceptTypeNotSupported, Opcode::Ping),
        case("auth type 5", RawHeader { auth_type: 5, ..lo }, Status::AuthenticatorDoesNotExist, Opcode::ListOpcodes),
        case("opcode 0x1D", RawHeader { opcode: 0x1d, ..ping() }, Status::OpcodeDoesNotExist, Opcode::Ping),
        case("opcode 0", RawHeader { opcode: 0, ..ping() }, Status::OpcodeDoesNotExist, Opcode::Ping),
        case("opcode 0x21", RawHeader { opcode: 0x21, ..ping() }, Status::OpcodeDoesNotExist, Opcode::Ping),
        case("provider 6", RawHeader { provider: 6, ..lo }, Status::ProviderDoesNotExist, Opcode::ListOpcodes),
        case("provider 255", RawHeader { provider: 255, ..ping() }, Status::ProviderDoesNotExist, Opcode::Ping),
    ]
}

/// Header-level failures get their status; the reply echoes the opcode when it is defined, and
/// names the core provider (every case here has a core or undefined provider).
#[test]
fn header_level_failures_get_the_specified_status() {
    let daemon = TestDaemon::start();
    for HeaderCase {
        name,
        raw,
        status,
        opcode,
    } in header_cases()
    {
        let (reply, body) = send(&daemon, &raw, &[], &[]);
        assert_eq!(reply.status, status, "{name}");
        assert_eq!(
            (reply.provider, reply.opcode, reply.session),
            (ProviderId::Core, opcode, 0),
            "{name}"
        );
        assert!(body.is_empty(), "{name}: error responses have no body");
        assert_still_serving(&daemon);
    }
}

/// The reference's response to an unreadable header, byte for byte (docs/protocol.md §2.2).
#[test]
fn bad_magic_and_header_size_get_the_reference_bytes() {
    let daemon = TestDaemon::start();
    let expected = hex("10a7c05e1e00010000000000000000000000000000000000000000000100000011000000");
    let mut bad_magic = ping().encode();
    bad_magic[0] = 0x11;
    assert_eq!(daemon.exchange(&bad_magic), expected);
    assert_still_serving(&daemon);
    for size in [29u16, 31, 0, u16::MAX] {
        let mut frame = ping().encode().to_vec();
        frame[4..6].copy_from_slice(&size.to_le_bytes());
        assert_eq!(daemon.exchange(&frame), expected, "header size {size}");
        assert_still_serving(&daemon);
    }
}

/// A body over the limit is refused from the header alone: nothing is read or allocated.
#[test]
fn a_body_over_the_limit_is_refused_before_it_is_sent() {
    let daemon = TestDaemon::start_with(|config| config.limits.body_len_limit = 64);
    for declared in [65u32, u32::MAX] {
        let raw = RawHeader {
            body_len: declared,
            ..header(Opcode::ListOpcodes, ProviderId::Core)
        };
        let mut stream = daemon.connect();
        stream.write_all(&raw.encode()).unwrap();
        // No body follows: the answer must come anyway.
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply).unwrap();
        let (header, _) = frame::decode_response(&reply).unwrap();
        assert_eq!(header.status, Status::BodySizeExceedsLimit);
        assert_still_serving(&daemon);
    }
    // At the limit, the body is read and decoded.
    let body = ListOpcodesRequest {
        provider_id: ProviderId::Core,
    }
    .encode();
    let padded = [body.clone(), [0x20, 0x00].repeat((64 - body.len()) / 2)].concat();
    assert_eq!(padded.len(), 64);
    let raw = header(Opcode::ListOpcodes, ProviderId::Core);
    let (reply, _) = send(
        &daemon,
        &RawHeader {
            body_len: 64,
            ..raw
        },
        &padded,
        &[],
    );
    assert_eq!(reply.status, Status::Success);
}

/// A body shorter than declared is a connection error, whether the client closes or stalls.
#[test]
fn a_truncated_body_is_a_connection_error() {
    let daemon = TestDaemon::start();
    let raw = RawHeader {
        body_len: 10,
        ..header(Opcode::ListOpcodes, ProviderId::Core)
    };
    for close_early in [true, false] {
        let mut stream = daemon.connect();
        stream.write_all(&raw.encode()).unwrap();
        stream.write_all(&[0x08, 0x00, 0x08]).unwrap();
        if close_early {
            stream.shutdown(Shutdown::Write).unwrap();
        }
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply).unwrap();
        let (header, _) = frame::decode_response(&reply).unwrap();
        assert_eq!(
            header.status,
            Status::ConnectionError,
            "closed early: {close_early}"
        );
        assert_still_serving(&daemon);
    }
}

/// One request-level case.
struct RequestCase {
    name: &'static str,
    raw: RawHeader,
    body: Vec<u8>,
    auth: Vec<u8>,
    status: Status,
}

/// Failures after the header is parsed, one per row.
#[rustfmt::skip]
fn request_cases() -> Vec<RequestCase> {
    let lo = header(Opcode::ListOpcodes, ProviderId::Core);
    let clients = header(Opcode::ListClients, ProviderId::Core);
    let direct = |raw: RawHeader| RawHeader { auth_type: AuthType::Direct.code(), ..raw };
    let peer = |raw: RawHeader| RawHeader { auth_type: AuthType::UnixPeerCredentials.code(), ..raw };
    let tpm = ListOpcodesRequest { provider_id: ProviderId::Tpm }.encode();
    let case = |name, raw, body: &[u8], auth: &[u8], status| RequestCase { name, raw, body: body.to_vec(), auth: auth.to_vec(), status };
    vec![
        case("provider not configured", header(Opcode::Ping, ProviderId::Tpm), &[], &[], Status::ProviderNotRegistered),
        case("JWT is not configured", RawHeader { auth_type: AuthType::Jwt.code(), ..ping() }, &[], b"token", Status::AuthenticatorNotRegistered),
        case("empty Direct name", direct(ping()), &[], &[], Status::AuthenticationError),
        case("Direct name not UTF-8", direct(ping()), &[], &[0xff], Status::AuthenticationError),
        case("peer UID is not ours", peer(ping()), &[], &u32::MAX.to_le_bytes(), Status::AuthenticationError),
        case("peer UID too short", peer(ping()), &[], &[0, 0], Status::AuthenticationError),
        case("crypto opcode to core", header(Opcode::PsaGenerateRandom, ProviderId::Core), &[], &[], Status::PsaErrorNotSupported),
        case("invalid protobuf", lo, &[0x08], &[], Status::DeserializingBodyFailed),
        case("ListOpcodes of provider 7", lo, &[0x08, 0x07], &[], Status::ProviderDoesNotExist),
        case("ListOpcodes of an absent provider", lo, &tpm, &[], Status::ProviderNotRegistered),
        case("admin operation, no identity", clients, &[], &[], Status::NotAuthenticated),
        case("admin operation, not an admin", direct(clients), &[], b"app", Status::AdminOperation),
        case("ListKeys without identity", header(Opcode::ListKeys, ProviderId::Core), &[], &[], Status::NotAuthenticated),
    ]
}

/// Failures after the header is parsed echo provider, session and opcode.
#[test]
fn request_level_failures_echo_the_header() {
    let daemon = TestDaemon::start();
    for RequestCase {
        name,
        mut raw,
        body,
        auth,
        status,
    } in request_cases()
    {
        raw.session = 0x0102_0304_0506_0708;
        raw.body_len = u32::try_from(body.len()).unwrap();
        raw.auth_len = u16::try_from(auth.len()).unwrap();
        let (reply, reply_body) = send(&daemon, &raw, &body, &auth);
        assert_eq!(reply.status, status, "{name}");
        assert_eq!(reply.provider.code(), raw.provider, "{name}");
        assert_eq!(reply.opcode.code(), raw.opcode, "{name}");
        assert_eq!(reply.session, raw.session, "{name}");
        assert!(reply_body.is_empty(), "{name}");
        assert_still_serving(&daemon);
    }
}

/// Flags and status are not checked in requests; auth bytes with NoAuth are read and ignored.
#[test]
fn ignored_fields_do_not_matter() {
    let daemon = TestDaemon::start();
    let raw = RawHeader {
        flags: 0x8000,
        status: 77,
        auth_len: 3,
        ..ping()
    };
    let (reply, body) = send(&daemon, &raw, &[], b"xyz");
    assert_eq!(reply.status, Status::Success);
    assert_eq!(body, [0x08, 0x01]);
}

/// A client that connects and sends nothing is dropped after the timeout; others are served
/// meanwhile.
#[test]
fn a_silent_client_times_out_without_blocking_others() {
    let daemon = TestDaemon::start();
    let mut silent = daemon.connect();
    assert_still_serving(&daemon);
    let mut reply = Vec::new();
    silent.read_to_end(&mut reply).unwrap();
    let (header, _) = frame::decode_response(&reply).unwrap();
    assert_eq!(header.status, Status::ConnectionError);
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}
