//! Enum and range rules (docs/protocol.md §4): NONE (0) values, values outside the contract, undefined
//! provider/authenticator ids and opcodes, invalid protobuf, and what the rules still allow.

use std::collections::BTreeSet;

use prost::Message;
use psc_psa::{Algorithm as PsaAlgorithm, Attributes, DhFamily, KeyType as PsaKeyType, Policy};
use psc_wire::Opcode::{self, ListAuthenticators, ListKeys, ListOpcodes, ListProviders, Ping};
use psc_wire::ops::{
    GenerateKeyRequest, GenerateRandomRequest, ListOpcodesResponse, list_authenticators, list_keys,
    list_opcodes, list_providers, ping,
};
use psc_wire::proto::algorithm::{
    AeadVariant, AeadWithShortenedTag, AgreementVariant, DerivationVariant, EncryptionVariant,
    HashAlg, MacVariant, SignHashVariant, Variant,
};
use psc_wire::proto::key_attributes::{Family, KeyTypeVariant};
use psc_wire::{Request, Response, Status};

use crate::{
    Case, aead, agreement, assert_refused, can_do, derivation, ecdsa, encryption, hex, hmac, key,
    mac_body, req, resp, valid_attributes, with_alg, with_type,
};

/// Request bodies whose plain enum `alg` (or `check_type`) is absent or explicitly 0.
const NONE_IN_REQUESTS: [(Opcode, &str, &str); 6] = [
    (Opcode::PsaHashCompute, "HashCompute.alg absent", "12016b"),
    (Opcode::PsaHashCompare, "HashCompare.alg = 0", "0800"),
    (
        Opcode::PsaCipherEncrypt,
        "CipherEncrypt.alg absent",
        "0a016b1a0101",
    ),
    (
        Opcode::PsaCipherDecrypt,
        "CipherDecrypt.alg = 0",
        "0a016b1000",
    ),
    (
        Opcode::PsaRawKeyAgreement,
        "RawKeyAgreement.alg absent",
        "12016b",
    ),
    (Opcode::CanDoCrypto, "CanDoCrypto.check_type absent", "1200"),
];

/// Enum fields carrying their NONE (0) value, or absent (the same bytes), are InvalidEncoding:
/// Hash, Cipher, AeadWithDefaultLengthTag, KeyAgreement.Raw, EccFamily, CheckType.
#[test]
fn enum_none_values_are_invalid_encoding() {
    let shortened = AeadWithShortenedTag {
        aead_alg: 0,
        tag_length: 8,
    };
    let oaep = EncryptionVariant::RsaOaep(HashAlg { hash_alg: 0 });
    let hkdf = DerivationVariant::Hkdf(HashAlg { hash_alg: 0 });
    let mut cases: Vec<Case> = NONE_IN_REQUESTS
        .iter()
        .map(|&(opcode, name, body)| req(opcode, name, hex(body)))
        .collect();
    cases.extend([
        req(
            Opcode::CanDoCrypto,
            "CanDoCrypto.check_type = 0",
            can_do(0, valid_attributes()),
        ),
        key("Algorithm.hash", with_alg(Variant::Hash(0))),
        key("Algorithm.cipher", with_alg(Variant::Cipher(0))),
        key(
            "Aead default tag",
            with_alg(aead(Some(AeadVariant::AeadWithDefaultLengthTag(0)))),
        ),
        key(
            "Aead shortened tag",
            with_alg(aead(Some(AeadVariant::AeadWithShortenedTag(shortened)))),
        ),
        key(
            "KeyAgreement.raw",
            with_alg(agreement(Some(AgreementVariant::Raw(0)))),
        ),
        key(
            "SignHash.specific",
            with_alg(ecdsa(Some(SignHashVariant::Specific(0)))),
        ),
        key("RsaOaep.hash_alg", with_alg(encryption(Some(oaep)))),
        key("Hkdf.hash_alg", with_alg(derivation(Some(hkdf)))),
        key(
            "EccKeyPair.curve_family",
            with_type(KeyTypeVariant::EccKeyPair(Family { family: 0 })),
        ),
        key(
            "EccPublicKey.curve_family",
            with_type(KeyTypeVariant::EccPublicKey(Family::default())),
        ),
        req(
            Opcode::PsaMacCompute,
            "Hmac.hash_alg",
            mac_body(Some(MacVariant::FullLength(hmac(0)))),
        ),
    ]);
    assert_refused(&cases);
}

/// Enum values outside the contract are InvalidEncoding: Hash 16 (and -1), Cipher 9,
/// EccFamily 10, AEAD 4, raw key agreement 3, CheckType 5, DhFamily 1.
#[test]
fn enum_values_out_of_range_are_invalid_encoding() {
    let prf = DerivationVariant::Tls12Prf(HashAlg { hash_alg: 16 });
    assert_refused(&[
        req(Opcode::PsaHashCompute, "Hash 16", hex("0810")),
        req(
            Opcode::PsaHashCompute,
            "Hash -1",
            hex("08ffffffffffffffffff01"),
        ),
        req(Opcode::PsaCipherEncrypt, "Cipher 9", hex("0a016b1009")),
        req(
            Opcode::PsaRawKeyAgreement,
            "raw key agreement 3",
            hex("0803"),
        ),
        req(
            Opcode::CanDoCrypto,
            "CheckType 5",
            can_do(5, valid_attributes()),
        ),
        key("Algorithm.hash 16", with_alg(Variant::Hash(16))),
        key("Algorithm.cipher 9", with_alg(Variant::Cipher(9))),
        key(
            "AEAD 4",
            with_alg(aead(Some(AeadVariant::AeadWithDefaultLengthTag(4)))),
        ),
        key(
            "raw key agreement 3 (policy)",
            with_alg(agreement(Some(AgreementVariant::Raw(3)))),
        ),
        key(
            "EccFamily 10",
            with_type(KeyTypeVariant::EccKeyPair(Family { family: 10 })),
        ),
        key(
            "DhFamily 1",
            with_type(KeyTypeVariant::DhKeyPair(Family { family: 1 })),
        ),
        key("Tls12Prf hash 16", with_alg(derivation(Some(prf)))),
    ]);
}

/// Undefined ids: ProviderDoesNotExist for ListOpcodes' provider_id 6 and 300, KeyInfo and
/// ProviderInfo ids; AuthenticatorDoesNotExist for AuthenticatorInfo ids 5 and 300.
#[test]
fn undefined_ids_are_does_not_exist() {
    let opcodes = |provider_id| list_opcodes::RequestMessage { provider_id }.encode_to_vec();
    let attributes = valid_attributes();
    let info = list_keys::KeyInfoMessage {
        provider_id: 6,
        name: "k".into(),
        attributes,
    };
    let keys = list_keys::ResponseMessage { keys: vec![info] }.encode_to_vec();
    let uuid = "47049873-2a43-4845-9d72-831eab668784".to_owned();
    let provider = list_providers::ProviderInfoMessage {
        uuid,
        id: 6,
        ..Default::default()
    };
    let providers = list_providers::ResponseMessage {
        providers: vec![provider],
    }
    .encode_to_vec();
    let authenticators = |id| {
        let info = list_authenticators::AuthenticatorInfoMessage {
            id,
            ..Default::default()
        };
        list_authenticators::ResponseMessage {
            authenticators: vec![info],
        }
        .encode_to_vec()
    };
    let (no_provider, no_authenticator) = (
        Status::ProviderDoesNotExist,
        Status::AuthenticatorDoesNotExist,
    );
    assert_refused(&[
        req(ListOpcodes, "ListOpcodes provider 6", opcodes(6)).status(no_provider),
        req(ListOpcodes, "ListOpcodes provider 300", opcodes(300)).status(no_provider),
        resp(ListKeys, "KeyInfo provider 6", keys).status(no_provider),
        resp(ListProviders, "ProviderInfo id 6", providers).status(no_provider),
        resp(ListAuthenticators, "AuthenticatorInfo 5", authenticators(5)).status(no_authenticator),
        resp(
            ListAuthenticators,
            "AuthenticatorInfo 300",
            authenticators(300),
        )
        .status(no_authenticator),
    ]);
}

/// Bodies that are not valid protobuf: truncated varint, missing value, length beyond the
/// body, invalid wire type, non-UTF-8 string, truncated nested message.
const NOT_PROTOBUF: [(Opcode, &str, &str); 6] = [
    (Opcode::PsaGenerateRandom, "truncated varint", "0880"),
    (Opcode::PsaGenerateRandom, "tag without value", "08"),
    (Opcode::PsaDestroyKey, "length beyond the body", "0a0561"),
    (Opcode::PsaDestroyKey, "invalid wire type 7", "0f"),
    (Opcode::PsaDestroyKey, "key name not UTF-8", "0a01ff"),
    (
        Opcode::PsaGenerateKey,
        "truncated nested message",
        "0a016b12050a02",
    ),
];

/// Invalid protobuf is DeserializingBodyFailed; a Ping version above 255 is InvalidEncoding;
/// an unknown opcode (0x1D, 0, 0x21) in a ListOpcodes result is OpcodeDoesNotExist.
#[test]
fn malformed_bodies_and_out_of_range_results() {
    let version = |maj, min| {
        let result = ping::ResponseMessage {
            wire_protocol_version_maj: maj,
            wire_protocol_version_min: min,
        };
        result.encode_to_vec()
    };
    let listed = |opcodes: Vec<u32>| list_opcodes::ResponseMessage { opcodes }.encode_to_vec();
    let failed = Status::DeserializingBodyFailed;
    let mut cases: Vec<Case> = NOT_PROTOBUF
        .iter()
        .map(|&(opcode, name, body)| req(opcode, name, hex(body)).status(failed))
        .collect();
    cases.extend([
        resp(Ping, "Ping major 256", version(256, 0)),
        resp(Ping, "Ping minor 256", version(1, 256)),
        resp(ListOpcodes, "opcode 0x1D", listed(vec![1, 0x1D])).status(Status::OpcodeDoesNotExist),
        resp(ListOpcodes, "opcode 0", listed(vec![0])).status(Status::OpcodeDoesNotExist),
        resp(ListOpcodes, "opcode 0x21", listed(vec![0x21, 2])).status(Status::OpcodeDoesNotExist),
    ]);
    assert_refused(&cases);
}

/// What the rules allow: DhFamily's zero value (RFC 7919) is the valid default, repeated
/// opcodes decode packed and unpacked, and unknown fields are skipped.
#[test]
fn zero_dh_family_unpacked_repeats_and_unknown_fields_are_accepted() -> Result<(), psc_wire::Error>
{
    let dh = with_type(KeyTypeVariant::DhKeyPair(Family { family: 0 }));
    let expected = GenerateKeyRequest {
        key_name: "k".into(),
        attributes: Attributes {
            key_type: PsaKeyType::DhKeyPair {
                group_family: DhFamily::Rfc7919,
            },
            bits: 0,
            policy: Policy {
                usage_flags: Default::default(),
                permitted_algorithm: PsaAlgorithm::None,
            },
        },
    };
    assert_eq!(
        Request::decode(Opcode::PsaGenerateKey, &dh)?,
        Request::PsaGenerateKey(expected)
    );
    let both = BTreeSet::from([Ping, ListProviders]);
    for body in ["08010808", "0a020108"] {
        let decoded = Response::decode(ListOpcodes, &hex(body))?;
        let expected = ListOpcodesResponse {
            opcodes: both.clone(),
        };
        assert_eq!(decoded, Response::ListOpcodes(expected), "{body}");
    }
    let extra = Request::decode(Opcode::PsaGenerateRandom, &hex("0805f80107"))?;
    assert_eq!(
        extra,
        Request::PsaGenerateRandom(GenerateRandomRequest { size: 5 })
    );
    assert_eq!(Request::decode(Ping, &hex("f80107"))?.opcode(), Ping);
    Ok(())
}
