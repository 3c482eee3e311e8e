//! The semantic rules (docs/protocol.md §4) of body decoding, as tables of hand-built bodies and the status
//! each must be refused with. Enum rules are in `semantics/enums.rs`, the §1.3 header order in
//! `semantics/header.rs`, the opcode table in `semantics/opcodes.rs`.

#[path = "semantics/enums.rs"]
mod enums;
#[path = "semantics/header.rs"]
mod header;
#[path = "semantics/opcodes.rs"]
mod opcodes;

use prost::Message;
use psc_wire::ops::{
    aead_encrypt, attest_key, can_do_crypto, generate_key, list_keys, mac_compute,
    prepare_key_attestation,
};
use psc_wire::proto::Empty;
use psc_wire::proto::algorithm::{
    Aead, AeadVariant, AgreementVariant, Algorithm, AsymmetricEncryption, AsymmetricSignature,
    DerivationVariant, EncryptionVariant, FullLength, FullLengthVariant, HashAlg, HashAndSign,
    KeyAgreement, KeyDerivation, Mac, MacVariant, SignHash, SignHashVariant, SignatureVariant,
    Truncated, Variant, WithKeyDerivation,
};
use psc_wire::proto::key_attributes::{
    Family, KeyAttributes, KeyPolicy, KeyType, KeyTypeVariant, UsageFlags,
};
use psc_wire::{Opcode, Request, Response, Status};

/// A body and the status decoding it must fail with.
struct Case {
    name: String,
    opcode: Opcode,
    response: bool,
    body: Vec<u8>,
    status: Status,
}

impl Case {
    fn status(self, status: Status) -> Case {
        Case { status, ..self }
    }
}

/// A request body that must be refused with InvalidEncoding (see [`Case::status`]).
fn req(opcode: Opcode, name: &str, body: Vec<u8>) -> Case {
    let (name, status) = (name.to_owned(), Status::InvalidEncoding);
    Case {
        name,
        opcode,
        response: false,
        body,
        status,
    }
}

/// A response body that must be refused with InvalidEncoding (see [`Case::status`]).
fn resp(opcode: Opcode, name: &str, body: Vec<u8>) -> Case {
    Case {
        response: true,
        ..req(opcode, name, body)
    }
}

/// A PsaGenerateKey body that must be refused with InvalidEncoding.
fn key(name: &str, body: Vec<u8>) -> Case {
    req(Opcode::PsaGenerateKey, name, body)
}

fn hex(text: &str) -> Vec<u8> {
    hex::decode(text).unwrap_or_else(|_| vec![0xFF; 3])
}

/// Decodes every case and asserts its status, naming every case that disagrees.
fn assert_refused(cases: &[Case]) {
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let outcome = if case.response {
                Response::decode(case.opcode, &case.body).map(|_| ())
            } else {
                Request::decode(case.opcode, &case.body).map(|_| ())
            };
            let status = outcome.err().map(|e| e.status());
            (status != Some(case.status))
                .then(|| format!("{}: got {status:?}, want {:?}", case.name, case.status))
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

// ---- valid building blocks; each bad case changes exactly one thing -------------------------

fn alg(variant: Variant) -> Option<Algorithm> {
    Some(Algorithm {
        variant: Some(variant),
    })
}

fn no_alg() -> Option<Algorithm> {
    alg(Variant::None(Empty {}))
}

fn raw_data() -> Option<KeyType> {
    Some(KeyType {
        variant: Some(KeyTypeVariant::RawData(Empty {})),
    })
}

fn policy(key_algorithm: Option<Algorithm>) -> Option<KeyPolicy> {
    let key_usage_flags = Some(UsageFlags::default());
    Some(KeyPolicy {
        key_usage_flags,
        key_algorithm,
    })
}

fn attributes(key_type: Option<KeyType>, key_policy: Option<KeyPolicy>) -> Option<KeyAttributes> {
    Some(KeyAttributes {
        key_type,
        key_bits: 0,
        key_policy,
    })
}

fn valid_attributes() -> Option<KeyAttributes> {
    attributes(raw_data(), policy(no_alg()))
}

/// A PsaGenerateKey body with these attributes.
fn generate(attributes: Option<KeyAttributes>) -> Vec<u8> {
    generate_key::RequestMessage {
        key_name: "k".into(),
        attributes,
    }
    .encode_to_vec()
}

/// A PsaGenerateKey body whose policy permits this algorithm.
fn with_alg(variant: Variant) -> Vec<u8> {
    generate(attributes(raw_data(), policy(alg(variant))))
}

/// A PsaGenerateKey body with this key type.
fn with_type(variant: KeyTypeVariant) -> Vec<u8> {
    generate(attributes(
        Some(KeyType {
            variant: Some(variant),
        }),
        policy(no_alg()),
    ))
}

fn signature(variant: Option<SignatureVariant>) -> Variant {
    Variant::AsymmetricSignature(AsymmetricSignature { variant })
}

/// ECDSA with this SignHash variant.
fn ecdsa(variant: Option<SignHashVariant>) -> Variant {
    let hash_alg = Some(SignHash { variant });
    signature(Some(SignatureVariant::Ecdsa(HashAndSign { hash_alg })))
}

fn aead(variant: Option<AeadVariant>) -> Variant {
    Variant::Aead(Aead { variant })
}

fn encryption(variant: Option<EncryptionVariant>) -> Variant {
    Variant::AsymmetricEncryption(AsymmetricEncryption { variant })
}

fn agreement(variant: Option<AgreementVariant>) -> Variant {
    Variant::KeyAgreement(KeyAgreement { variant })
}

fn derivation(variant: Option<DerivationVariant>) -> Variant {
    Variant::KeyDerivation(KeyDerivation { variant })
}

fn hmac(hash_alg: i64) -> FullLength {
    FullLength {
        variant: Some(FullLengthVariant::Hmac(HashAlg { hash_alg })),
    }
}

/// A PsaMacCompute body with this MAC.
fn mac_body(variant: Option<MacVariant>) -> Vec<u8> {
    let alg = Some(Mac { variant });
    mac_compute::RequestMessage {
        key_name: "m".into(),
        alg,
        input: vec![1],
    }
    .encode_to_vec()
}

fn can_do(check_type: i64, attributes: Option<KeyAttributes>) -> Vec<u8> {
    can_do_crypto::RequestMessage {
        check_type,
        attributes,
    }
    .encode_to_vec()
}

/// The building blocks are valid on their own, so each refusal below is due to its one change.
#[test]
fn baselines_decode() {
    let ok: Vec<(Opcode, Vec<u8>)> = vec![
        (Opcode::PsaGenerateKey, generate(valid_attributes())),
        (
            Opcode::PsaGenerateKey,
            with_alg(ecdsa(Some(SignHashVariant::Any(Empty {})))),
        ),
        (
            Opcode::PsaGenerateKey,
            with_alg(agreement(Some(AgreementVariant::Raw(2)))),
        ),
        (
            Opcode::PsaGenerateKey,
            with_type(KeyTypeVariant::EccKeyPair(Family { family: 2 })),
        ),
        (
            Opcode::PsaMacCompute,
            mac_body(Some(MacVariant::FullLength(hmac(7)))),
        ),
        (Opcode::CanDoCrypto, can_do(1, valid_attributes())),
    ];
    for (opcode, body) in ok {
        assert!(
            Request::decode(opcode, &body).is_ok(),
            "{opcode:?} {}",
            hex::encode(&body)
        );
    }
}

/// Absent mandatory key-attribute messages are InvalidEncoding: `attributes` (GenerateKey,
/// ImportKey, CanDoCrypto), `key_type`, `key_policy`, `key_usage_flags`, `key_algorithm`.
#[test]
fn absent_attribute_fields_are_invalid_encoding() {
    let no_flags = Some(KeyPolicy {
        key_usage_flags: None,
        key_algorithm: no_alg(),
    });
    assert_refused(&[
        key("GenerateKey.attributes", generate(None)),
        req(
            Opcode::PsaImportKey,
            "ImportKey.attributes",
            hex("0a016b1a0101"),
        ),
        req(
            Opcode::CanDoCrypto,
            "CanDoCrypto.attributes",
            can_do(1, None),
        ),
        key("key_type", generate(attributes(None, policy(no_alg())))),
        key("key_policy", generate(attributes(raw_data(), None))),
        key(
            "key_usage_flags",
            generate(attributes(raw_data(), no_flags)),
        ),
        key(
            "key_algorithm",
            generate(attributes(raw_data(), policy(None))),
        ),
    ]);
}

/// Absent mandatory algorithm messages are InvalidEncoding: the `alg` of every operation whose
/// alg is a message, SignHash `hash_alg`, `Mac.Truncated.mac_alg`, `WithKeyDerivation.kdf_alg`.
#[test]
fn absent_algorithm_fields_are_invalid_encoding() {
    let no_hash = HashAndSign { hash_alg: None };
    let no_mac = Truncated {
        mac_alg: None,
        mac_length: 8,
    };
    let no_kdf = WithKeyDerivation {
        ka_alg: 2,
        kdf_alg: None,
    };
    let mut cases = vec![
        key(
            "Ecdsa.hash_alg",
            with_alg(signature(Some(SignatureVariant::Ecdsa(no_hash.clone())))),
        ),
        key(
            "RsaPss.hash_alg",
            with_alg(signature(Some(SignatureVariant::RsaPss(no_hash)))),
        ),
        req(
            Opcode::PsaMacCompute,
            "mac_alg",
            mac_body(Some(MacVariant::Truncated(no_mac))),
        ),
        key(
            "kdf_alg",
            with_alg(agreement(Some(AgreementVariant::WithKeyDerivation(no_kdf)))),
        ),
    ];
    // A body holding only the key name.
    for opcode in [
        Opcode::PsaSignHash,
        Opcode::PsaVerifyHash,
        Opcode::PsaSignMessage,
        Opcode::PsaVerifyMessage,
        Opcode::PsaAsymmetricEncrypt,
        Opcode::PsaAsymmetricDecrypt,
        Opcode::PsaAeadEncrypt,
        Opcode::PsaAeadDecrypt,
        Opcode::PsaMacCompute,
        Opcode::PsaMacVerify,
    ] {
        cases.push(req(opcode, &format!("{opcode:?}.alg"), hex("0a016b")));
    }
    assert_refused(&cases);
}

/// Absent mandatory fields of results and attestation messages are InvalidEncoding: KeyInfo
/// `attributes`, attestation `parameters`/`output` and their `mechanism` oneof.
#[test]
fn absent_result_and_attestation_fields_are_invalid_encoding() {
    use Opcode::{AttestKey, ListKeys, PrepareKeyAttestation as Prepare};
    let info = list_keys::KeyInfoMessage {
        provider_id: 1,
        name: "k".into(),
        attributes: None,
    };
    let keys = list_keys::ResponseMessage { keys: vec![info] }.encode_to_vec();
    let attest = |parameters| {
        let name = "k".to_owned();
        let op = attest_key::RequestMessage {
            attested_key_name: name,
            parameters,
            ..Default::default()
        };
        op.encode_to_vec()
    };
    let no_mechanism = Some(attest_key::ParamsMessage { mechanism: None });
    let prepare =
        |parameters| prepare_key_attestation::RequestMessage { parameters }.encode_to_vec();
    let no_prepare_mechanism = Some(prepare_key_attestation::ParamsMessage { mechanism: None });
    let attested = |output| attest_key::ResponseMessage { output }.encode_to_vec();
    let no_output_mechanism = Some(attest_key::OutputMessage { mechanism: None });
    let prepared = |output| prepare_key_attestation::ResponseMessage { output }.encode_to_vec();
    let no_prepared_mechanism = Some(prepare_key_attestation::OutputMessage { mechanism: None });
    assert_refused(&[
        resp(ListKeys, "KeyInfo.attributes", keys),
        req(AttestKey, "AttestKey.parameters", attest(None)),
        req(
            AttestKey,
            "AttestKey.parameters.mechanism",
            attest(no_mechanism),
        ),
        req(Prepare, "PrepareKeyAttestation.parameters", prepare(None)),
        req(
            Prepare,
            "PrepareKeyAttestation.mechanism",
            prepare(no_prepare_mechanism),
        ),
        resp(AttestKey, "AttestKey.output", attested(None)),
        resp(
            AttestKey,
            "AttestKey.output.mechanism",
            attested(no_output_mechanism),
        ),
        resp(Prepare, "PrepareKeyAttestation.output", prepared(None)),
        resp(
            Prepare,
            "PrepareKeyAttestation.output.mechanism",
            prepared(no_prepared_mechanism),
        ),
    ]);
}

/// Every `oneof variant` left unset is InvalidEncoding: Algorithm, KeyType, Mac, FullLength,
/// Aead, AsymmetricSignature, SignHash, AsymmetricEncryption, KeyAgreement, KeyDerivation.
#[test]
fn empty_oneofs_are_invalid_encoding() {
    let no_type = Some(KeyType { variant: None });
    let empty_full = Some(MacVariant::FullLength(FullLength { variant: None }));
    let aead_op = |variant| {
        let alg = Some(Aead { variant });
        let op = aead_encrypt::RequestMessage {
            key_name: "a".into(),
            alg,
            ..Default::default()
        };
        op.encode_to_vec()
    };
    assert_refused(&[
        key(
            "Algorithm",
            generate(attributes(
                raw_data(),
                policy(Some(Algorithm { variant: None })),
            )),
        ),
        key("KeyType", generate(attributes(no_type, policy(no_alg())))),
        req(Opcode::PsaMacCompute, "Mac", mac_body(None)),
        req(
            Opcode::PsaMacCompute,
            "Mac.FullLength",
            mac_body(empty_full),
        ),
        req(Opcode::PsaAeadEncrypt, "Aead (operation)", aead_op(None)),
        key("Aead (policy)", with_alg(aead(None))),
        key("AsymmetricSignature", with_alg(signature(None))),
        key("SignHash", with_alg(ecdsa(None))),
        key("AsymmetricEncryption", with_alg(encryption(None))),
        key("KeyAgreement", with_alg(agreement(None))),
        key("KeyDerivation", with_alg(derivation(None))),
    ]);
}
