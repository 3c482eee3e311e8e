//! The byte vectors of WIRE.md §7 and /work/shared/docs/wire-vectors.txt, copied into
//! `tests/vectors/wire-vectors.txt`: every vector is decoded (header and typed body) to a value
//! written out here by hand, then re-encoded byte for byte.

use std::collections::BTreeMap;
use std::error::Error as StdError;

use psc_psa::{
    Aead, AeadAlg, Algorithm, AsymmetricEncryption, AsymmetricSignature, Attributes, EccFamily,
    Hash, KeyType, Policy, SecretBytes, SignHash, UsageFlags,
};
use psc_wire::ops::list_authenticators::AuthenticatorInfo;
use psc_wire::ops::list_providers::ProviderInfo;
use psc_wire::ops::{
    AsymmetricEncryptRequest, GenerateKeyRequest, GenerateKeyResponse, ImportKeyRequest,
    ListAuthenticatorsResponse, ListOpcodesRequest, ListProvidersRequest, ListProvidersResponse,
    PingRequest, PingResponse, SignHashRequest,
};
use psc_wire::{
    AuthType, Opcode, ProviderId, Request, RequestHeader, Response, ResponseHeader, Status, frame,
};
use uuid::Uuid;

type TestResult = Result<(), Box<dyn StdError>>;

const DATA: &str = include_str!("vectors/wire-vectors.txt");
const BODY_LIMIT: u32 = 1 << 20;
/// UnixPeerCredentials auth field: uid 1000 as u32 LE.
const UID_1000: &[u8] = &[0xe8, 0x03, 0x00, 0x00];

/// One `### title` block of the data file.
#[derive(Debug, Default)]
struct Vector {
    body: Option<Vec<u8>>,
    header: Option<Vec<u8>>,
    full: Vec<u8>,
}

/// What a vector must decode to.
enum Expect {
    /// A request frame: its header (lengths included), typed body and auth bytes.
    Request(RequestHeader, Request, &'static [u8]),
    /// A response frame: its header and, for a success, the typed body.
    Response(ResponseHeader, Option<Response>),
    /// The answer to a frame whose header could not be interpreted.
    HeaderError(Status),
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

fn request_header(
    provider: ProviderId,
    auth_type: AuthType,
    opcode: Opcode,
    body_len: u32,
    auth_len: u16,
) -> RequestHeader {
    RequestHeader {
        body_len,
        auth_len,
        ..RequestHeader::new(provider, auth_type, opcode)
    }
}

fn response_header(
    provider: ProviderId,
    opcode: Opcode,
    status: Status,
    body_len: u32,
) -> ResponseHeader {
    ResponseHeader {
        provider,
        session: 0,
        opcode,
        status,
        body_len,
    }
}

/// The four flags parsec-tool sets on signing keys (sign/verify, hash and message).
fn signing_flags() -> UsageFlags {
    UsageFlags {
        sign_message: true,
        verify_message: true,
        sign_hash: true,
        verify_hash: true,
        ..UsageFlags::default()
    }
}

fn ecdsa_sha256() -> AsymmetricSignature {
    AsymmetricSignature::Ecdsa {
        hash: SignHash::Specific(Hash::Sha256),
    }
}

fn discovery_vectors() -> Result<Vec<(&'static str, Expect)>, Box<dyn StdError>> {
    use ProviderId::{Core, MbedCrypto};
    let mbed = ProviderInfo {
        uuid: Uuid::parse_str("1c1139dc-ad7c-47dc-ad6b-db6fdb466552")?,
        description: "X".into(),
        vendor: "Arm".into(),
        version_maj: 0,
        version_min: 1,
        version_rev: 0,
        id: MbedCrypto,
    };
    let core = ProviderInfo {
        uuid: Uuid::parse_str("47049873-2a43-4845-9d72-831eab668784")?,
        description: "Y".into(),
        vendor: String::new(),
        version_maj: 1,
        version_min: 5,
        version_rev: 0,
        id: Core,
    };
    let unix = AuthenticatorInfo {
        description: "U".into(),
        version_maj: 0,
        version_min: 1,
        version_rev: 0,
        id: AuthType::UnixPeerCredentials,
    };
    Ok(vec![
        (
            "Ping request (NoAuth, provider 0)",
            Expect::Request(
                request_header(Core, AuthType::NoAuth, Opcode::Ping, 0, 0),
                Request::Ping(PingRequest),
                b"",
            ),
        ),
        (
            "Ping response 1.0",
            Expect::Response(
                response_header(Core, Opcode::Ping, Status::Success, 2),
                Some(Response::Ping(PingResponse { major: 1, minor: 0 })),
            ),
        ),
        (
            "ListProviders request",
            Expect::Request(
                request_header(Core, AuthType::NoAuth, Opcode::ListProviders, 0, 0),
                Request::ListProviders(ListProvidersRequest),
                b"",
            ),
        ),
        (
            "ListProviders response (mbed-crypto then core)",
            Expect::Response(
                response_header(Core, Opcode::ListProviders, Status::Success, 99),
                Some(Response::ListProviders(ListProvidersResponse {
                    providers: vec![mbed, core],
                })),
            ),
        ),
        (
            "ListAuthenticators response (UnixPeerCredentials)",
            Expect::Response(
                response_header(Core, Opcode::ListAuthenticators, Status::Success, 9),
                Some(Response::ListAuthenticators(ListAuthenticatorsResponse {
                    authenticators: vec![unix],
                })),
            ),
        ),
        (
            "ListOpcodes request for provider 1 (Direct auth 'app')",
            Expect::Request(
                request_header(Core, AuthType::Direct, Opcode::ListOpcodes, 2, 3),
                Request::ListOpcodes(ListOpcodesRequest {
                    provider_id: MbedCrypto,
                }),
                b"app",
            ),
        ),
    ])
}

fn key_vectors() -> Vec<(&'static str, Expect)> {
    use ProviderId::MbedCrypto;
    let ecc = Attributes {
        key_type: KeyType::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        },
        bits: 256,
        policy: Policy {
            usage_flags: signing_flags(),
            permitted_algorithm: Algorithm::AsymmetricSignature(ecdsa_sha256()),
        },
    };
    let rsa = Attributes {
        key_type: KeyType::RsaKeyPair,
        bits: 2048,
        policy: Policy {
            usage_flags: signing_flags(),
            permitted_algorithm: Algorithm::AsymmetricSignature(
                AsymmetricSignature::RsaPkcs1v15Sign {
                    hash: SignHash::Any,
                },
            ),
        },
    };
    vec![
        (
            "PsaGenerateKey 'k' ECC P-256 ECDSA-SHA256 (parsec-tool template), provider 1, \
             UnixPeerCredentials uid 1000",
            Expect::Request(
                request_header(
                    MbedCrypto,
                    AuthType::UnixPeerCredentials,
                    Opcode::PsaGenerateKey,
                    36,
                    4,
                ),
                Request::PsaGenerateKey(GenerateKeyRequest {
                    key_name: "k".into(),
                    attributes: ecc,
                }),
                UID_1000,
            ),
        ),
        (
            "PsaGenerateKey 'r' RSA-2048 PKCS1v15 any-hash, Direct 'app'",
            Expect::Request(
                request_header(MbedCrypto, AuthType::Direct, Opcode::PsaGenerateKey, 34, 3),
                Request::PsaGenerateKey(GenerateKeyRequest {
                    key_name: "r".into(),
                    attributes: rsa,
                }),
                b"app",
            ),
        ),
        (
            "PsaGenerateKey success response",
            Expect::Response(
                response_header(MbedCrypto, Opcode::PsaGenerateKey, Status::Success, 0),
                Some(Response::PsaGenerateKey(GenerateKeyResponse)),
            ),
        ),
    ]
}

fn crypto_vectors() -> Vec<(&'static str, Expect)> {
    use ProviderId::{Core, MbedCrypto};
    let aes_gcm = Attributes {
        key_type: KeyType::Aes,
        bits: 0,
        policy: Policy {
            usage_flags: UsageFlags {
                encrypt: true,
                ..UsageFlags::default()
            },
            permitted_algorithm: Algorithm::Aead(Aead::DefaultTag(AeadAlg::Gcm)),
        },
    };
    vec![
        (
            "PsaSignHash 'k' ECDSA-SHA256 over 32 x 0xAA",
            Expect::Request(
                request_header(MbedCrypto, AuthType::Direct, Opcode::PsaSignHash, 45, 3),
                Request::PsaSignHash(SignHashRequest {
                    key_name: "k".into(),
                    alg: ecdsa_sha256(),
                    hash: vec![0xAA; 32],
                }),
                b"app",
            ),
        ),
        (
            "PsaImportKey 'a' AES bits=0 GCM, data 16x00",
            Expect::Request(
                request_header(MbedCrypto, AuthType::Direct, Opcode::PsaImportKey, 39, 3),
                Request::PsaImportKey(ImportKeyRequest {
                    key_name: "a".into(),
                    attributes: aes_gcm,
                    data: SecretBytes::new(vec![0; 16]),
                }),
                b"app",
            ),
        ),
        (
            "PsaAsymmetricEncrypt 'r' OAEP-SHA256 pt=0x01 no salt",
            Expect::Request(
                request_header(
                    MbedCrypto,
                    AuthType::Direct,
                    Opcode::PsaAsymmetricEncrypt,
                    12,
                    3,
                ),
                Request::PsaAsymmetricEncrypt(AsymmetricEncryptRequest {
                    key_name: "r".into(),
                    alg: AsymmetricEncryption::RsaOaep { hash: Hash::Sha256 },
                    plaintext: SecretBytes::new(vec![0x01]),
                    salt: Vec::new(),
                }),
                b"app",
            ),
        ),
        (
            "Error response AdminOperation for ListClients",
            Expect::Response(
                response_header(Core, Opcode::ListClients, Status::AdminOperation, 0),
                None,
            ),
        ),
        (
            "Response::from_status(InvalidHeader) (header-level failure)",
            Expect::HeaderError(Status::InvalidHeader),
        ),
    ]
}

fn expectations() -> Result<Vec<(&'static str, Expect)>, Box<dyn StdError>> {
    let mut all = discovery_vectors()?;
    all.extend(key_vectors());
    all.extend(crypto_vectors());
    Ok(all)
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

/// The ECC generate-key body decodes field by field as WIRE.md §7 annotates it.
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
