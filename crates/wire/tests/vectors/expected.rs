//! The hand-written value every vector of `wire-vectors.txt` must decode to.

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
    AuthType, Opcode, ProviderId, Request, RequestHeader, Response, ResponseHeader, Status,
};
use uuid::Uuid;

/// UnixPeerCredentials auth field: uid 1000 as u32 LE.
const UID_1000: &[u8] = &[0xe8, 0x03, 0x00, 0x00];

/// What a vector must decode to.
pub(crate) enum Expect {
    /// A request frame: its header (lengths included), typed body and auth bytes.
    Request(RequestHeader, Request, &'static [u8]),
    /// A response frame: its header and, for a success, the typed body.
    Response(ResponseHeader, Option<Response>),
    /// The answer to a frame whose header could not be interpreted.
    HeaderError(Status),
}

pub(crate) fn request_header(
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

pub(crate) fn response_header(
    provider: ProviderId,
    opcode: Opcode,
    status: Status,
    body_len: u32,
) -> ResponseHeader {
    ResponseHeader {
        provider,
        opcode,
        body_len,
        ..ResponseHeader::header_error(None, status)
    }
}

/// The four flags parsec-tool sets on signing keys (sign/verify, hash and message).
pub(crate) fn signing_flags() -> UsageFlags {
    UsageFlags {
        sign_message: true,
        verify_message: true,
        sign_hash: true,
        verify_hash: true,
        ..UsageFlags::default()
    }
}

pub(crate) fn ecdsa_sha256() -> AsymmetricSignature {
    AsymmetricSignature::Ecdsa {
        hash: SignHash::Specific(Hash::Sha256),
    }
}

pub(crate) fn discovery_vectors() -> Result<Vec<(&'static str, Expect)>, Box<dyn StdError>> {
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

pub(crate) fn key_vectors() -> Vec<(&'static str, Expect)> {
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

pub(crate) fn crypto_vectors() -> Vec<(&'static str, Expect)> {
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

pub(crate) fn expectations() -> Result<Vec<(&'static str, Expect)>, Box<dyn StdError>> {
    let mut all = discovery_vectors()?;
    all.extend(key_vectors());
    all.extend(crypto_vectors());
    Ok(all)
}
