//! What the fuzz targets run: each target in `fuzz_targets/` hands libFuzzer's bytes to one
//! function here, so every target is one line and a crash replays from an ordinary test.
//!
//! None of these may panic on any input; `roundtrip` also asserts that what decodes
//! re-encodes to the same value.

use std::path::Path;
use std::sync::OnceLock;

use psc_service::Service;
use psc_service::auth::PeerCredentials;
use psc_wire::header::{HEADER_SIZE, PREFIX_LEN, RawHeader};
use psc_wire::{Opcode, Request, Response, frame};

/// The service's default body limit.
const BODY_LIMIT: u32 = 1 << 20;

/// What the kernel would report for the socket peer: lets UnixPeerCredentials succeed when
/// the auth field declares UID 1000.
const PEER: PeerCredentials = PeerCredentials {
    uid: 1000,
    gid: 1000,
};

/// A request frame through the service's header checks, then the body decoder its opcode
/// selects.
pub fn decode_request(data: &[u8]) {
    if let Ok(parsed) = frame::decode_request(data, BODY_LIMIT) {
        let _ = Request::decode(parsed.header.opcode, parsed.body);
    }
}

/// Decode, re-encode, decode again: the value must survive and its encoding be stable.
/// The first byte selects an opcode and the rest is a body, decoded as that operation's
/// request and response; the first 30 bytes also go through the raw header; and if the
/// whole input is a request frame, its parts survive re-framing.
pub fn roundtrip(data: &[u8]) {
    if let Some((&code, body)) = data.split_first()
        && let Some(opcode) = Opcode::from_code(code.into())
    {
        if let Ok(request) = Request::decode(opcode, body) {
            let bytes = request.encode();
            let again = Request::decode(opcode, &bytes).expect("a re-encoded request decodes");
            assert_eq!(again, request);
            assert_eq!(again.encode(), bytes);
        }
        if let Ok(response) = Response::decode(opcode, body) {
            let bytes = response.encode();
            let again = Response::decode(opcode, &bytes).expect("a re-encoded response decodes");
            assert_eq!(again, response);
            assert_eq!(again.encode(), bytes);
        }
    }
    if let Some(fields) = data.first_chunk::<{ HEADER_SIZE as usize }>() {
        assert_eq!(&RawHeader::decode(fields).encode()[PREFIX_LEN..], fields);
    }
    if let Ok(parsed) = frame::decode_request(data, BODY_LIMIT) {
        let bytes = frame::encode_request(parsed.header, parsed.body, parsed.auth)
            .expect("a decoded frame re-encodes");
        let again = frame::decode_request(&bytes, BODY_LIMIT).expect("a re-encoded frame decodes");
        assert_eq!(again, parsed);
    }
}

/// The service, built once as the daemon builds it (same provider factory) with its key
/// store and master key in a temporary directory: in /dev/shm when it exists, so SQLite's
/// syncs cost nothing. Keys that fuzz inputs create accumulate during a run. A static is never
/// dropped, so the directory (`psc-fuzz-serve-*`) outlives the run: docs/FUZZING.md says how
/// to clean up.
fn service() -> &'static Service {
    static SERVICE: OnceLock<(tempfile::TempDir, Service)> = OnceLock::new();
    let (_, service) = SERVICE.get_or_init(|| {
        let mut builder = tempfile::Builder::new();
        builder.prefix("psc-fuzz-serve-");
        let dir = builder
            .tempdir_in("/dev/shm")
            .or_else(|_| builder.tempdir())
            .expect("a temporary directory");
        let config = psc_testkit::test_config(dir.path());
        let service =
            Service::start(config, &psc_daemon::Factory, None).expect("the service starts");
        (dir, service)
    });
    service
}

/// A whole request through the service, sans I/O: header checks, authentication (Direct,
/// or peer credentials with [`PEER`]), routing, access checks, decoding, the operation, and
/// the response's encoding.
pub fn serve_request(data: &[u8]) {
    let service = service();
    let limit = service.config().limits.body_len_limit;
    if let Ok(parsed) = frame::decode_request(data, limit) {
        let served = service.serve(&parsed.header, parsed.body, parsed.auth, Some(&PEER));
        let _ = served.map(|response| response.encode());
    }
}

/// Configuration text through the strict parser and validation.
pub fn config(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = psc_service::Config::parse(text, Path::new("fuzz.toml"));
    }
}
