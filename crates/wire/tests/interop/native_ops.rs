//! One operation of every kind parsec-interface knows, built with its types, and the request
//! our codec must decode it to.

use parsec_interface::operations::psa_algorithm as t;
use parsec_interface::operations::psa_key_attributes::{
    Attributes as TAttributes, EccFamily as TEccFamily, Lifetime, Policy as TPolicy, Type as TType,
    UsageFlags as TUsageFlags,
};
use parsec_interface::operations::{
    Convert, NativeOperation as Op, psa_aead_decrypt, psa_aead_encrypt, psa_asymmetric_decrypt,
    psa_asymmetric_encrypt, psa_destroy_key, psa_export_key, psa_export_public_key,
    psa_generate_key, psa_import_key, psa_sign_hash, psa_sign_message, psa_verify_hash,
    psa_verify_message,
};
use parsec_interface::operations_protobuf::ProtobufConverter;
use parsec_interface::secrecy::Secret;
use psc_psa::{
    Aead, AeadAlg, Algorithm, AsymmetricEncryption, AsymmetricSignature, Attributes, EccFamily,
    FullLengthMac, Hash, KeyAgreement, KeyDerivation, KeyType, Mac, Policy, RawKeyAgreement,
    SecretBytes, SignHash, UsageFlags,
};
use psc_wire::ops::{
    AeadDecryptRequest, AeadEncryptRequest, AsymmetricDecryptRequest, AsymmetricEncryptRequest,
    DestroyKeyRequest, ExportKeyRequest, ExportPublicKeyRequest, GenerateKeyRequest,
    ImportKeyRequest, SignHashRequest, SignMessageRequest, VerifyHashRequest, VerifyMessageRequest,
};
use psc_wire::{AuthType, ProviderId, Request, RequestHeader};

use crate::bridge::{BoxError, our_opcode, their_operation};
use crate::native_ops_core;

pub(crate) type Case = (Op, Request);

/// Their attributes: persistent (the only lifetime the wire carries).
pub(crate) fn their_attributes(
    key_type: TType,
    bits: usize,
    flags: TUsageFlags,
    alg: t::Algorithm,
) -> TAttributes {
    TAttributes {
        lifetime: Lifetime::Persistent,
        key_type,
        bits,
        policy: TPolicy {
            usage_flags: flags,
            permitted_algorithms: alg,
        },
    }
}

pub(crate) fn our_attributes(
    key_type: KeyType,
    bits: u32,
    flags: UsageFlags,
    alg: Algorithm,
) -> Attributes {
    Attributes {
        key_type,
        bits,
        policy: Policy {
            usage_flags: flags,
            permitted_algorithm: alg,
        },
    }
}

type Case4 = [Case; 4];

fn generate_key() -> Case {
    let mut flags = TUsageFlags::default();
    let _ = flags.set_sign_hash().set_derive();
    let ecdh_hkdf = t::KeyAgreement::WithKeyDerivation {
        ka_alg: t::RawKeyAgreement::Ecdh,
        kdf_alg: t::KeyDerivation::Hkdf {
            hash_alg: t::Hash::Sha384,
        },
    };
    let key_type = TType::EccKeyPair {
        curve_family: TEccFamily::SecpK1,
    };
    let attributes = their_attributes(key_type, 256, flags, t::Algorithm::KeyAgreement(ecdh_hkdf));
    let operation = psa_generate_key::Operation {
        key_name: "gen-ecc".into(),
        attributes,
    };
    // psa-crypto's `set_sign_hash` also sets `sign_message`.
    let flags = UsageFlags {
        sign_hash: true,
        sign_message: true,
        derive: true,
        ..UsageFlags::default()
    };
    let ecdh_hkdf = KeyAgreement::WithKeyDerivation {
        agreement: RawKeyAgreement::Ecdh,
        derivation: KeyDerivation::Hkdf { hash: Hash::Sha384 },
    };
    let key_type = KeyType::EccKeyPair {
        curve_family: EccFamily::SecpK1,
    };
    let attributes = our_attributes(key_type, 256, flags, Algorithm::KeyAgreement(ecdh_hkdf));
    let request = GenerateKeyRequest {
        key_name: "gen-ecc".into(),
        attributes,
    };
    (
        Op::PsaGenerateKey(operation),
        Request::PsaGenerateKey(request),
    )
}

fn import_key() -> Case {
    let mut flags = TUsageFlags::default();
    let _ = flags.set_sign_message().set_verify_message().set_export();
    let hmac = t::FullLengthMac::Hmac {
        hash_alg: t::Hash::Sha256,
    };
    let mac = t::Algorithm::Mac(t::Mac::Truncated {
        mac_alg: hmac,
        mac_length: 20,
    });
    let attributes = their_attributes(TType::Hmac, 256, flags, mac);
    let data = Secret::new(vec![0x5A; 32]);
    let operation = psa_import_key::Operation {
        key_name: "hmac".into(),
        attributes,
        data,
    };
    let flags = UsageFlags {
        sign_message: true,
        verify_message: true,
        export: true,
        ..UsageFlags::default()
    };
    let hmac = FullLengthMac::Hmac { hash: Hash::Sha256 };
    let mac = Algorithm::Mac(Mac::Truncated {
        mac: hmac,
        length: 20,
    });
    let attributes = our_attributes(KeyType::Hmac, 256, flags, mac);
    let data = SecretBytes::new(vec![0x5A; 32]);
    let request = ImportKeyRequest {
        key_name: "hmac".into(),
        attributes,
        data,
    };
    (Op::PsaImportKey(operation), Request::PsaImportKey(request))
}

/// The operations that carry only a key name.
fn key_names() -> [Case; 3] {
    let name = |n: &str| n.to_owned();
    [
        (
            Op::PsaDestroyKey(psa_destroy_key::Operation {
                key_name: name("old"),
            }),
            Request::PsaDestroyKey(DestroyKeyRequest {
                key_name: name("old"),
            }),
        ),
        (
            Op::PsaExportPublicKey(psa_export_public_key::Operation {
                key_name: name("pub"),
            }),
            Request::PsaExportPublicKey(ExportPublicKeyRequest {
                key_name: name("pub"),
            }),
        ),
        (
            Op::PsaExportKey(psa_export_key::Operation {
                key_name: name("secret"),
            }),
            Request::PsaExportKey(ExportKeyRequest {
                key_name: name("secret"),
            }),
        ),
    ]
}

fn signatures() -> Case4 {
    let pss = t::AsymmetricSignature::RsaPss {
        hash_alg: t::SignHash::Specific(t::Hash::Sha512),
    };
    let det = t::AsymmetricSignature::DeterministicEcdsa {
        hash_alg: t::SignHash::Specific(t::Hash::Sha3_256),
    };
    [
        (
            Op::PsaSignHash(psa_sign_hash::Operation {
                key_name: "rsa".into(),
                alg: pss,
                hash: vec![7; 64].into(),
            }),
            Request::PsaSignHash(SignHashRequest {
                key_name: "rsa".into(),
                alg: AsymmetricSignature::RsaPss {
                    hash: SignHash::Specific(Hash::Sha512),
                },
                hash: vec![7; 64],
            }),
        ),
        (
            Op::PsaVerifyHash(psa_verify_hash::Operation {
                key_name: "ec".into(),
                alg: det,
                hash: vec![1; 32].into(),
                signature: vec![2; 64].into(),
            }),
            Request::PsaVerifyHash(VerifyHashRequest {
                key_name: "ec".into(),
                alg: AsymmetricSignature::DeterministicEcdsa {
                    hash: SignHash::Specific(Hash::Sha3_256),
                },
                hash: vec![1; 32],
                signature: vec![2; 64],
            }),
        ),
        (
            Op::PsaSignMessage(psa_sign_message::Operation {
                key_name: "raw".into(),
                alg: t::AsymmetricSignature::RsaPkcs1v15SignRaw,
                message: b"message".to_vec().into(),
            }),
            Request::PsaSignMessage(SignMessageRequest {
                key_name: "raw".into(),
                alg: AsymmetricSignature::RsaPkcs1v15SignRaw,
                message: b"message".to_vec(),
            }),
        ),
        (
            Op::PsaVerifyMessage(psa_verify_message::Operation {
                key_name: "any".into(),
                alg: t::AsymmetricSignature::EcdsaAny,
                message: b"m".to_vec().into(),
                signature: vec![3; 96].into(),
            }),
            Request::PsaVerifyMessage(VerifyMessageRequest {
                key_name: "any".into(),
                alg: AsymmetricSignature::EcdsaAny,
                message: b"m".to_vec(),
                signature: vec![3; 96],
            }),
        ),
    ]
}

#[allow(
    deprecated,
    reason = "SHA-1 is still a contract value; its encoding is under test"
)]
fn asymmetric_and_aead() -> Case4 {
    let shortened = t::Aead::AeadWithShortenedTag {
        aead_alg: t::AeadWithDefaultLengthTag::Ccm,
        tag_length: 8,
    };
    let chacha = t::Aead::AeadWithDefaultLengthTag(t::AeadWithDefaultLengthTag::Chacha20Poly1305);
    [
        (
            Op::PsaAsymmetricEncrypt(psa_asymmetric_encrypt::Operation {
                key_name: "r".into(),
                alg: t::AsymmetricEncryption::RsaPkcs1v15Crypt,
                plaintext: vec![9; 5].into(),
                salt: None,
            }),
            Request::PsaAsymmetricEncrypt(AsymmetricEncryptRequest {
                key_name: "r".into(),
                alg: AsymmetricEncryption::RsaPkcs1v15Crypt,
                plaintext: SecretBytes::new(vec![9; 5]),
                salt: Vec::new(),
            }),
        ),
        (
            Op::PsaAsymmetricDecrypt(psa_asymmetric_decrypt::Operation {
                key_name: "r".into(),
                alg: t::AsymmetricEncryption::RsaOaep {
                    hash_alg: t::Hash::Sha1,
                },
                ciphertext: vec![8; 256].into(),
                salt: Some(b"label".to_vec().into()),
            }),
            Request::PsaAsymmetricDecrypt(AsymmetricDecryptRequest {
                key_name: "r".into(),
                alg: AsymmetricEncryption::RsaOaep { hash: Hash::Sha1 },
                ciphertext: vec![8; 256],
                salt: b"label".to_vec(),
            }),
        ),
        (
            Op::PsaAeadEncrypt(psa_aead_encrypt::Operation {
                key_name: "aes".into(),
                alg: shortened,
                nonce: vec![1; 12].into(),
                additional_data: b"ad".to_vec().into(),
                plaintext: b"pt".to_vec().into(),
            }),
            Request::PsaAeadEncrypt(AeadEncryptRequest {
                key_name: "aes".into(),
                alg: Aead::ShortenedTag {
                    aead: AeadAlg::Ccm,
                    tag_length: 8,
                },
                nonce: vec![1; 12],
                additional_data: b"ad".to_vec(),
                plaintext: SecretBytes::new(b"pt".to_vec()),
            }),
        ),
        (
            Op::PsaAeadDecrypt(psa_aead_decrypt::Operation {
                key_name: "cc".into(),
                alg: chacha,
                nonce: vec![2; 12].into(),
                additional_data: Vec::new().into(),
                ciphertext: vec![3; 18].into(),
            }),
            Request::PsaAeadDecrypt(AeadDecryptRequest {
                key_name: "cc".into(),
                alg: Aead::DefaultTag(AeadAlg::Chacha20Poly1305),
                nonce: vec![2; 12],
                additional_data: Vec::new(),
                ciphertext: vec![3; 18],
            }),
        ),
    ]
}

/// The 29 operations parsec-interface knows, each with the request it must decode to.
pub(crate) fn cases() -> Vec<Case> {
    let mut all = Vec::new();
    all.push(generate_key());
    all.push(import_key());
    all.extend(key_names());
    all.extend(signatures());
    all.extend(asymmetric_and_aead());
    all.extend(native_ops_core::symmetric());
    all.extend(native_ops_core::core());
    all.extend(native_ops_core::attestation());
    all.push(native_ops_core::can_do_crypto_case());
    all
}

/// Their body decodes with ours to `expected`; our re-encoding is the same bytes and decodes
/// with theirs to a value that encodes to those bytes again.
pub(crate) fn check(operation: Op, expected: &Request) -> Result<(), BoxError> {
    let opcode = our_opcode(operation.opcode())?;
    assert_eq!(opcode, expected.opcode());
    let their_bytes = ProtobufConverter
        .operation_to_body(operation)?
        .bytes()
        .to_vec();
    let decoded = Request::decode(opcode, &their_bytes)?;
    assert_eq!(&decoded, expected, "{opcode:?}");
    let ours = decoded.encode();
    assert_eq!(
        ours, their_bytes,
        "{opcode:?}: our encoding differs from theirs"
    );
    let header = RequestHeader::new(ProviderId::Core, AuthType::NoAuth, opcode);
    let again = ProtobufConverter.operation_to_body(their_operation(header, &ours)?)?;
    assert_eq!(
        again.bytes(),
        &their_bytes[..],
        "{opcode:?}: their re-decoding differs"
    );
    Ok(())
}
