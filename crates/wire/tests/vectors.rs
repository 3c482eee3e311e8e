//! The byte vectors of `tests/vectors/wire-vectors.txt` (docs/protocol.md §6): every vector is
//! decoded (header and typed body) to a value written out here by hand, then re-encoded byte
//! for byte.

#[path = "vectors/expected.rs"]
mod expected;

use std::collections::BTreeMap;
use std::error::Error as StdError;

use psc_psa::{Algorithm, EccFamily, KeyType};
use psc_wire::{
    Opcode, ProviderId, Request, RequestHeader, Response, ResponseHeader, Status, frame,
};

use expected::{Expect, ecdsa_sha256, expectations, response_header, signing_flags};

type TestResult = Result<(), Box<dyn StdError>>;

const DATA: &str = include_str!("vectors/wire-vectors.txt");
const BODY_LIMIT: u32 = 1 << 20;

/// One `### title` block of the data file.
#[derive(Debug, Default)]
struct Vector {
    body: Option<Vec<u8>>,
    header: Option<Vec<u8>>,
    full: Vec<u8>,
}

fn parse_vectors() -> Result<BTreeMap<String, Vector>, Box<dyn StdError>> {
    let mut vectors = BTreeMap::new();
    for block in DATA.split("### ").skip(1) {
        let mut lines = block.lines();
        let title = lines.next().ok_or("empty block")?.trim().to_owned();
        let mut vector = Vector::default();
        for line in lines.filter(|l| !l.trim().is_empty()) {
            let (key, value) = line.split_once(':').ok_or("line without ':'")?;
            let bytes = hex::decode(value.trim())?;
            match key.trim() {
                "body" => vector.body = Some(bytes),
                "header" => vector.header = Some(bytes),
                "full" => vector.full = bytes,
                other => return Err(format!("unknown key {other}").into()),
            }
        }
        vectors.insert(title, vector);
    }
    Ok(vectors)
}

fn check_request(v: &Vector, header: &RequestHeader, body: &Request, auth: &[u8]) -> TestResult {
    let parsed = frame::decode_request(&v.full, BODY_LIMIT).map_err(|(_, e)| e)?;
    assert_eq!(parsed.header, *header);
    assert_eq!(parsed.header.opcode, body.opcode());
    assert_eq!(parsed.auth, auth);
    assert_eq!(Request::decode(parsed.header.opcode, parsed.body)?, *body);
    if let Some(expected_body) = &v.body {
        assert_eq!(parsed.body, &expected_body[..]);
    }
    let encoded = frame::encode_request(*header, &body.encode(), auth)?;
    assert_eq!(hex::encode(&encoded), hex::encode(&v.full));
    let short = frame::decode_request(&v.full[..v.full.len() - 1], BODY_LIMIT);
    assert_eq!(
        short.map_err(|(_, e)| e.status()).err(),
        Some(Status::ConnectionError)
    );
    Ok(())
}

fn check_response(v: &Vector, header: &ResponseHeader, body: Option<&Response>) -> TestResult {
    let (parsed, parsed_body) = frame::decode_response(&v.full)?;
    assert_eq!(parsed, *header);
    if let Some(expected_body) = &v.body {
        assert_eq!(parsed_body, &expected_body[..]);
    }
    let body_bytes = match body {
        Some(body) => {
            assert_eq!(body.opcode(), header.opcode);
            assert_eq!(Response::decode(parsed.opcode, parsed_body)?, *body);
            body.encode()
        }
        None => {
            assert!(parsed_body.is_empty(), "error responses carry no body");
            Vec::new()
        }
    };
    let encoded = frame::encode_response(*header, &body_bytes)?;
    assert_eq!(hex::encode(&encoded), hex::encode(&v.full));
    let short = frame::decode_response(&v.full[..v.full.len() - 1]);
    assert_eq!(
        short.map_err(|e| e.status()).err(),
        Some(Status::ConnectionError)
    );
    Ok(())
}

fn check_header_error(v: &Vector, status: Status) -> TestResult {
    let header = ResponseHeader::header_error(None, status);
    assert_eq!(
        header,
        response_header(ProviderId::Core, Opcode::Ping, status, 0)
    );
    let encoded = frame::encode_response(header, &[])?;
    assert_eq!(hex::encode(&encoded), hex::encode(&v.full));
    let (parsed, body) = frame::decode_response(&v.full)?;
    assert_eq!((parsed, body), (header, &[][..]));
    Ok(())
}

/// Runs `check` on every vector whose expectation it accepts; returns how many it checked.
fn for_each_vector(
    check: impl Fn(&Vector, &Expect) -> Option<TestResult>,
) -> Result<usize, Box<dyn StdError>> {
    let vectors = parse_vectors()?;
    let mut checked = 0;
    for (title, expect) in expectations()? {
        let v = vectors
            .get(title)
            .ok_or_else(|| format!("missing vector {title}"))?;
        if let Some(header) = &v.header {
            assert_eq!(
                header[..],
                v.full[..36],
                "{title}: header line is the frame's prefix"
            );
        }
        if let Some(outcome) = check(v, &expect) {
            outcome.map_err(|e| format!("{title}: {e}"))?;
            checked += 1;
        }
    }
    Ok(checked)
}

/// The data file and the hand-written expectations list exactly the same vectors.
#[test]
fn every_vector_of_the_data_file_has_an_expectation() -> TestResult {
    let file: Vec<String> = parse_vectors()?.into_keys().collect();
    let mut expected: Vec<String> = expectations()?
        .into_iter()
        .map(|(t, _)| t.to_owned())
        .collect();
    expected.sort_unstable();
    assert_eq!(file, expected);
    assert_eq!(file.len(), 14);
    Ok(())
}

/// Request vectors: header fields, typed body and auth as written; re-encoding is
/// byte-identical; the frame missing its last byte is a ConnectionError.
#[test]
fn request_vectors_decode_and_reencode_identically() -> TestResult {
    let checked = for_each_vector(|v, expect| match expect {
        Expect::Request(header, body, auth) => Some(check_request(v, header, body, auth)),
        _ => None,
    })?;
    assert_eq!(checked, 8);
    Ok(())
}

/// Response vectors: header fields and typed body as written; re-encoding is byte-identical.
#[test]
fn response_vectors_decode_and_reencode_identically() -> TestResult {
    let checked = for_each_vector(|v, expect| match expect {
        Expect::Response(header, body) => Some(check_response(v, header, body.as_ref())),
        _ => None,
    })?;
    assert_eq!(checked, 5);
    Ok(())
}

/// The header-level failure answer (provider 0, opcode Ping, status InvalidHeader) is the
/// vector's bytes.
#[test]
fn header_error_vector_is_header_error_invalid_header() -> TestResult {
    let checked = for_each_vector(|v, expect| match expect {
        Expect::HeaderError(status) => Some(check_header_error(v, *status)),
        _ => None,
    })?;
    assert_eq!(checked, 1);
    Ok(())
}

/// The ECC generate-key body decodes field by field as the Parsec book's wire format describes it.
#[test]
fn generate_key_body_annotation_of_wire_md() -> TestResult {
    let body =
        hex::decode("0a016b121f0a045a0208021080021a140a0830013801400148011208320622040a021007")?;
    let Request::PsaGenerateKey(request) = Request::decode(Opcode::PsaGenerateKey, &body)? else {
        return Err("not a generate-key request".into());
    };
    assert_eq!(request.key_name, "k");
    assert_eq!(
        request.attributes.key_type,
        KeyType::EccKeyPair {
            curve_family: EccFamily::SecpR1
        }
    );
    assert_eq!(request.attributes.bits, 256);
    assert_eq!(request.attributes.policy.usage_flags, signing_flags());
    assert_eq!(
        request.attributes.policy.permitted_algorithm,
        Algorithm::AsymmetricSignature(ecdsa_sha256())
    );
    Ok(())
}
