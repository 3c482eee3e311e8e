//! docs/protocol.md §2.1: the request header checks, their statuses, and their order.

use psc_wire::header::{HEADER_LEN, RawHeader};
use psc_wire::{AuthType, Error, Opcode, ProviderId, RequestHeader, ResponseHeader, Status, frame};

const LIMIT: u32 = 1024;

/// A valid frame: GenerateRandom to provider 1, Direct "app", 2-byte body.
fn valid_frame() -> Vec<u8> {
    let header = RequestHeader::new(
        ProviderId::MbedCrypto,
        AuthType::Direct,
        Opcode::PsaGenerateRandom,
    );
    frame::encode_request(header, &[0x08, 0x20], b"app").unwrap_or_default()
}

fn decode(bytes: &[u8]) -> Result<RequestHeader, Error> {
    frame::decode_request(bytes, LIMIT)
        .map(|f| f.header)
        .map_err(|(_, e)| e)
}

fn status_of(bytes: &[u8]) -> Option<Status> {
    decode(bytes).err().map(|e| e.status())
}

fn set_u32(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

type Mutation = fn(&mut Vec<u8>);
/// A named mutation of a valid frame and the outcome it must have.
type Row<'a, T> = (&'a str, &'a dyn Fn(&mut Vec<u8>), T);

/// One bad field per check, in the order of docs/protocol.md §2.1, with the status it must produce.
const CHECKS: [(&str, Mutation, Status); 11] = [
    ("magic", |b| b[0] ^= 0xFF, Status::InvalidHeader),
    ("header size 31", |b| b[4] = 31, Status::InvalidHeader),
    (
        "version 2.0",
        |b| b[6] = 2,
        Status::WireProtocolVersionNotSupported,
    ),
    ("reserved1", |b| b[34] = 1, Status::InvalidHeader),
    (
        "body over the limit",
        |b| set_u32(b, 22, LIMIT + 1),
        Status::BodySizeExceedsLimit,
    ),
    (
        "auth truncated",
        |b| b.truncate(b.len() - 1),
        Status::ConnectionError,
    ),
    (
        "content type 1",
        |b| b[19] = 1,
        Status::ContentTypeNotSupported,
    ),
    (
        "accept type 1",
        |b| b[20] = 1,
        Status::AcceptTypeNotSupported,
    ),
    (
        "auth type 5",
        |b| b[21] = 5,
        Status::AuthenticatorDoesNotExist,
    ),
    (
        "opcode 0x1D",
        |b| set_u32(b, 28, 0x1D),
        Status::OpcodeDoesNotExist,
    ),
    ("provider 6", |b| b[10] = 6, Status::ProviderDoesNotExist),
];

/// Each bad field alone gives its status; the unmodified frame is accepted.
#[test]
fn each_check_gives_its_status() {
    assert_eq!(status_of(&valid_frame()), None);
    for (name, mutate, status) in CHECKS {
        let mut bytes = valid_frame();
        mutate(&mut bytes);
        assert_eq!(status_of(&bytes), Some(status), "{name}");
    }
}

/// With any two bad fields, the check that comes first in §1.3 decides the status (e.g. bad
/// version + bad reserved → version; bad content type + unknown opcode → content type).
#[test]
fn the_earlier_check_wins_for_every_pair() {
    for (i, (first, mutate_first, status)) in CHECKS.iter().enumerate() {
        for (later, mutate_later, _) in &CHECKS[i + 1..] {
            let mut bytes = valid_frame();
            mutate_later(&mut bytes);
            mutate_first(&mut bytes);
            assert_eq!(status_of(&bytes), Some(*status), "{first} + {later}");
        }
    }
}

/// The three InvalidHeader checks report distinct errors, and the other faults named in §1.3
/// (size 29, version 1.1 and 0.0, reserved2, a body cut short, opcodes 0 and 0x21, auth type
/// 255, provider 255) are refused with their status.
#[test]
fn more_bad_header_values() {
    let mutated = |mutate: &dyn Fn(&mut Vec<u8>)| {
        let mut bytes = valid_frame();
        mutate(&mut bytes);
        bytes
    };
    assert!(matches!(
        decode(&mutated(&|b| b[3] = 0)),
        Err(Error::BadMagic(0x00C0_A710))
    ));
    assert!(matches!(
        decode(&mutated(&|b| b[4] = 29)),
        Err(Error::HeaderSize(29))
    ));
    assert!(matches!(
        decode(&mutated(&|b| b[35] = 1)),
        Err(Error::ReservedNotZero)
    ));
    assert!(matches!(
        decode(&mutated(&|b| b[7] = 1)),
        Err(Error::Version { major: 1, minor: 1 })
    ));
    assert!(matches!(
        decode(&mutated(&|b| b[6] = 0)),
        Err(Error::Version { major: 0, minor: 0 })
    ));
    let cases: [Row<'_, Status>; 6] = [
        (
            "body truncated",
            &|b| b.truncate(HEADER_LEN + 1),
            Status::ConnectionError,
        ),
        (
            "opcode 0",
            &|b| set_u32(b, 28, 0),
            Status::OpcodeDoesNotExist,
        ),
        (
            "opcode 0x21",
            &|b| set_u32(b, 28, 0x21),
            Status::OpcodeDoesNotExist,
        ),
        (
            "opcode u32::MAX",
            &|b| set_u32(b, 28, u32::MAX),
            Status::OpcodeDoesNotExist,
        ),
        (
            "auth type 255",
            &|b| b[21] = 255,
            Status::AuthenticatorDoesNotExist,
        ),
        (
            "provider 255",
            &|b| b[10] = 255,
            Status::ProviderDoesNotExist,
        ),
    ];
    for (name, mutate, status) in cases {
        assert_eq!(status_of(&mutated(mutate)), Some(status), "{name}");
    }
}

/// The body limit is decided from the header alone: a 36-byte header declaring limit + 1
/// bytes is BodySizeExceedsLimit, while one declaring exactly the limit (inclusive) and not
/// followed by it is a ConnectionError.
#[test]
fn body_limit_is_decided_from_the_header_alone() {
    let header = RequestHeader::new(ProviderId::Core, AuthType::NoAuth, Opcode::Ping);
    let mut over = header.to_raw();
    over.body_len = LIMIT + 1;
    assert_eq!(
        status_of(&over.encode()),
        Some(Status::BodySizeExceedsLimit)
    );
    let mut at_limit = header.to_raw();
    at_limit.body_len = LIMIT;
    assert_eq!(status_of(&at_limit.encode()), Some(Status::ConnectionError));
}

/// Flags and status are not checked in requests (flags are kept), and auth bytes sent with
/// NoAuth are accepted and handed back.
#[test]
fn flags_status_and_noauth_auth_bytes_are_accepted() -> Result<(), Error> {
    let mut raw = RawHeader {
        version_major: 1,
        flags: 0xFFFF,
        status: 0xFFFF,
        opcode: Opcode::ListProviders.code(),
        auth_len: 3,
        ..RawHeader::default()
    };
    let mut bytes = raw.encode().to_vec();
    bytes.extend_from_slice(b"xyz");
    let parsed = frame::decode_request(&bytes, LIMIT).map_err(|(_, e)| e)?;
    assert_eq!(parsed.header.flags, 0xFFFF);
    assert_eq!(parsed.header.auth_type, AuthType::NoAuth);
    assert_eq!(parsed.auth, b"xyz");
    raw.flags = 0;
    assert_eq!(raw.into_request()?.flags, 0);
    Ok(())
}

/// Once the raw header is read, it comes back with the error, and the header-level answer
/// echoes its provider and opcode only when they are defined (else Core / Ping), with session
/// 0 and an empty body.
#[test]
fn header_errors_keep_the_raw_header_for_the_answer() {
    let mut bytes = valid_frame();
    set_u32(&mut bytes, 11, 0xDEAD);
    bytes[19] = 1;
    let Err((Some(raw), error)) = frame::decode_request(&bytes, LIMIT) else {
        unreachable!("a content type of 1 is refused after the header is read");
    };
    let answer = ResponseHeader::header_error(Some(&raw), error.status());
    assert_eq!(
        (answer.provider, answer.opcode),
        (ProviderId::MbedCrypto, Opcode::PsaGenerateRandom)
    );
    assert_eq!(
        (answer.session, answer.status, answer.body_len),
        (0, Status::ContentTypeNotSupported, 0)
    );

    bytes[10] = 6;
    set_u32(&mut bytes, 28, 0x1D);
    let Err((Some(raw), _)) = frame::decode_request(&bytes, LIMIT) else {
        unreachable!("still refused after the header is read");
    };
    let answer = ResponseHeader::header_error(Some(&raw), Status::ContentTypeNotSupported);
    assert_eq!(
        (answer.provider, answer.opcode),
        (ProviderId::Core, Opcode::Ping)
    );

    bytes[0] = 0;
    assert!(matches!(
        frame::decode_request(&bytes, LIMIT),
        Err((None, Error::BadMagic(_)))
    ));
}

/// Response headers are checked as the published Rust client does: an undefined status is
/// InvalidEncoding, an undefined provider ProviderDoesNotExist, an undefined opcode
/// OpcodeDoesNotExist, a content type other than 0 ContentTypeNotSupported; flags, accept
/// type and auth type are ignored.
#[test]
fn response_header_checks() {
    let reply = ResponseHeader {
        provider: ProviderId::Tpm,
        session: 1,
        opcode: Opcode::AttestKey,
        ..ResponseHeader::header_error(None, Status::Success)
    };
    let valid = frame::encode_response(reply, &[]).unwrap_or_default();
    let cases: [Row<'_, Option<Status>>; 6] = [
        (
            "status 1144",
            &|b| b[32..34].copy_from_slice(&1144u16.to_le_bytes()),
            Some(Status::InvalidEncoding),
        ),
        (
            "provider 6",
            &|b| b[10] = 6,
            Some(Status::ProviderDoesNotExist),
        ),
        (
            "opcode 0x1D",
            &|b| set_u32(b, 28, 0x1D),
            Some(Status::OpcodeDoesNotExist),
        ),
        (
            "content type 1",
            &|b| b[19] = 1,
            Some(Status::ContentTypeNotSupported),
        ),
        ("reserved2", &|b| b[35] = 1, Some(Status::InvalidHeader)),
        (
            "flags, accept type, auth type",
            &|b| (b[8], b[20], b[21]) = (1, 1, 9),
            None,
        ),
    ];
    for (name, mutate, status) in cases {
        let mut bytes = valid.clone();
        mutate(&mut bytes);
        let outcome = frame::decode_response(&bytes).map_err(|e| e.status());
        assert_eq!(outcome.err(), status, "{name}");
    }
}
