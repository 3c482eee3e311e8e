//! One operation of every kind parsec-interface knows, built with its types, and the request
//! our codec must decode it to.

use parsec_interface::operations::psa_algorithm as t;
use parsec_interface::operations::psa_key_attributes::{
    Attributes as TAttributes, DhFamily as TDhFamily, EccFamily as TEccFamily, Lifetime,
    Policy as TPolicy, Type as TType, UsageFlags as TUsageFlags,
};
use parsec_interface::operations::{
    Convert, NativeOperation as Op, attest_key, can_do_crypto, delete_client, list_authenticators,
    list_clients, list_keys, list_opcodes, list_providers, ping, prepare_key_attestation,
    psa_aead_decrypt, psa_aead_encrypt, psa_asymmetric_decrypt, psa_asymmetric_encrypt,
    psa_cipher_decrypt, psa_cipher_encrypt, psa_destroy_key, psa_export_key, psa_export_public_key,
    psa_generate_key, psa_generate_random, psa_hash_compare, psa_hash_compute, psa_import_key,
    psa_raw_key_agreement, psa_sign_hash, psa_sign_message, psa_verify_hash, psa_verify_message,
};
use parsec_interface::operations_protobuf::ProtobufConverter;
use parsec_interface::requests::ProviderId as TProviderId;
use parsec_interface::secrecy::Secret;
use psc_psa::{
    Aead, AeadAlg, Algorithm, AsymmetricEncryption, AsymmetricSignature, Attributes, Cipher,
    DhFamily, EccFamily, FullLengthMac, Hash, KeyAgreement, KeyDerivation, KeyType, Mac, Policy,
    RawKeyAgreement, SecretBytes, SignHash, UsageFlags,
};
use psc_wire::ops::attest_key::AttestationParams;
use psc_wire::ops::can_do_crypto::CheckType;
use psc_wire::ops::prepare_key_attestation::PrepareParams;
use psc_wire::ops::{
    AeadDecryptRequest, AeadEncryptRequest, AsymmetricDecryptRequest, AsymmetricEncryptRequest,
    AttestKeyRequest, CanDoCryptoRequest, CipherDecryptRequest, CipherEncryptRequest,
    DeleteClientRequest, DestroyKeyRequest, ExportKeyRequest, ExportPublicKeyRequest,
    GenerateKeyRequest, GenerateRandomRequest, HashCompareRequest, HashComputeRequest,
    ImportKeyRequest, ListAuthenticatorsRequest, ListClientsRequest, ListKeysRequest,
    ListOpcodesRequest, ListProvidersRequest, PingRequest, PrepareKeyAttestationRequest,
    RawKeyAgreementRequest, SignHashRequest, SignMessageRequest, VerifyHashRequest,
    VerifyMessageRequest,
};
use psc_wire::{AuthType, ProviderId, Request, RequestHeader};

use crate::bridge::{BoxError, our_opcode, their_operation};

type Case = (Op, Request);

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

fn key_management() -> Case4 {
    let mut gen_flags = TUsageFlags::default();
    let _ = gen_flags.set_sign_hash().set_derive();
    let their_kdf = t::KeyAgreement::WithKeyDerivation {
        ka_alg: t::RawKeyAgreement::Ecdh,
        kdf_alg: t::KeyDerivation::Hkdf {
            hash_alg: t::Hash::Sha384,
        },
    };
    let our_kdf = KeyAgreement::WithKeyDerivation {
        agreement: RawKeyAgreement::Ecdh,
        derivation: KeyDerivation::Hkdf { hash: Hash::Sha384 },
    };
    let mut import_flags = TUsageFlags::default();
    let _ = import_flags
        .set_sign_message()
        .set_verify_message()
        .set_export();
    let their_mac = t::Mac::Truncated {
        mac_alg: t::FullLengthMac::Hmac {
            hash_alg: t::Hash::Sha256,
        },
        mac_length: 20,
    };
    let our_mac = Mac::Truncated {
        mac: FullLengthMac::Hmac { hash: Hash::Sha256 },
        length: 20,
    };
    let generate = psa_generate_key::Operation {
        key_name: "gen-ecc".into(),
        attributes: their_attributes(
            TType::EccKeyPair {
                curve_family: TEccFamily::SecpK1,
            },
            256,
            gen_flags,
            t::Algorithm::KeyAgreement(their_kdf),
        ),
    };
    let import = psa_import_key::Operation {
        key_name: "hmac".into(),
        attributes: their_attributes(TType::Hmac, 256, import_flags, t::Algorithm::Mac(their_mac)),
        data: Secret::new(vec![0x5A; 32]),
    };
    let gen_ours = UsageFlags {
        sign_hash: true,
        sign_message: true,
        derive: true,
        ..UsageFlags::default()
    };
    let import_ours = UsageFlags {
        sign_message: true,
        verify_message: true,
        export: true,
        ..UsageFlags::default()
    };
    [
        (
            Op::PsaGenerateKey(generate),
            Request::PsaGenerateKey(GenerateKeyRequest {
                key_name: "gen-ecc".into(),
                attributes: our_attributes(
                    KeyType::EccKeyPair {
                        curve_family: EccFamily::SecpK1,
                    },
                    256,
                    gen_ours,
                    Algorithm::KeyAgreement(our_kdf),
                ),
            }),
        ),
        (
            Op::PsaImportKey(import),
            Request::PsaImportKey(ImportKeyRequest {
                key_name: "hmac".into(),
                attributes: our_attributes(
                    KeyType::Hmac,
                    256,
                    import_ours,
                    Algorithm::Mac(our_mac),
                ),
                data: SecretBytes::new(vec![0x5A; 32]),
            }),
        ),
        (
            Op::PsaDestroyKey(psa_destroy_key::Operation {
                key_name: "old".into(),
            }),
            Request::PsaDestroyKey(DestroyKeyRequest {
                key_name: "old".into(),
            }),
        ),
        (
            Op::PsaExportPublicKey(psa_export_public_key::Operation {
                key_name: "pub".into(),
            }),
            Request::PsaExportPublicKey(ExportPublicKeyRequest {
                key_name: "pub".into(),
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

fn symmetric() -> [Case; 7] {
    [
        (
            Op::PsaCipherEncrypt(psa_cipher_encrypt::Operation {
                key_name: "c".into(),
                alg: t::Cipher::CbcPkcs7,
                plaintext: b"abc".to_vec().into(),
            }),
            Request::PsaCipherEncrypt(CipherEncryptRequest {
                key_name: "c".into(),
                alg: Cipher::CbcPkcs7,
                plaintext: SecretBytes::new(b"abc".to_vec()),
            }),
        ),
        (
            Op::PsaCipherDecrypt(psa_cipher_decrypt::Operation {
                key_name: "x".into(),
                alg: t::Cipher::Xts,
                ciphertext: vec![4; 32].into(),
            }),
            Request::PsaCipherDecrypt(CipherDecryptRequest {
                key_name: "x".into(),
                alg: Cipher::Xts,
                ciphertext: vec![4; 32],
            }),
        ),
        (
            Op::PsaHashCompute(psa_hash_compute::Operation {
                alg: t::Hash::Sha512_256,
                input: b"in".to_vec().into(),
            }),
            Request::PsaHashCompute(HashComputeRequest {
                alg: Hash::Sha512_256,
                input: b"in".to_vec(),
            }),
        ),
        (
            Op::PsaHashCompare(psa_hash_compare::Operation {
                alg: t::Hash::Ripemd160,
                input: b"in".to_vec().into(),
                hash: vec![5; 20].into(),
            }),
            Request::PsaHashCompare(HashCompareRequest {
                alg: Hash::Ripemd160,
                input: b"in".to_vec(),
                hash: vec![5; 20],
            }),
        ),
        (
            Op::PsaRawKeyAgreement(psa_raw_key_agreement::Operation {
                alg: t::RawKeyAgreement::Ffdh,
                private_key_name: "dh".into(),
                peer_key: vec![6; 256].into(),
            }),
            Request::PsaRawKeyAgreement(RawKeyAgreementRequest {
                alg: RawKeyAgreement::Ffdh,
                private_key_name: "dh".into(),
                peer_key: vec![6; 256],
            }),
        ),
        (
            Op::PsaGenerateRandom(psa_generate_random::Operation { size: 32 }),
            Request::PsaGenerateRandom(GenerateRandomRequest { size: 32 }),
        ),
        (
            Op::PsaExportKey(psa_export_key::Operation {
                key_name: "secret".into(),
            }),
            Request::PsaExportKey(ExportKeyRequest {
                key_name: "secret".into(),
            }),
        ),
    ]
}

fn core_and_experimental() -> [Case; 10] {
    let mut derive = TUsageFlags::default();
    let _ = derive.set_derive();
    let ffdh = t::Algorithm::KeyAgreement(t::KeyAgreement::Raw(t::RawKeyAgreement::Ffdh));
    let dh = TType::DhKeyPair {
        group_family: TDhFamily::Rfc7919,
    };
    let our_dh = our_attributes(
        KeyType::DhKeyPair {
            group_family: DhFamily::Rfc7919,
        },
        2048,
        UsageFlags {
            derive: true,
            ..UsageFlags::default()
        },
        Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ffdh)),
    );
    [
        (Op::Ping(ping::Operation), Request::Ping(PingRequest)),
        (
            Op::ListProviders(list_providers::Operation),
            Request::ListProviders(ListProvidersRequest),
        ),
        (
            Op::ListOpcodes(list_opcodes::Operation {
                provider_id: TProviderId::Tpm,
            }),
            Request::ListOpcodes(ListOpcodesRequest {
                provider_id: ProviderId::Tpm,
            }),
        ),
        (
            Op::ListAuthenticators(list_authenticators::Operation),
            Request::ListAuthenticators(ListAuthenticatorsRequest),
        ),
        (
            Op::ListKeys(list_keys::Operation),
            Request::ListKeys(ListKeysRequest),
        ),
        (
            Op::ListClients(list_clients::Operation),
            Request::ListClients(ListClientsRequest),
        ),
        (
            Op::DeleteClient(delete_client::Operation {
                client: "alice".into(),
            }),
            Request::DeleteClient(DeleteClientRequest {
                client: "alice".into(),
            }),
        ),
        (
            Op::AttestKey(attest_key::Operation::ActivateCredential {
                attested_key_name: "k".into(),
                credential_blob: vec![1, 2].into(),
                secret: vec![3, 4].into(),
                attesting_key_name: Some("ek".into()),
            }),
            Request::AttestKey(AttestKeyRequest {
                attested_key_name: "k".into(),
                parameters: AttestationParams::ActivateCredential {
                    credential_blob: vec![1, 2],
                    secret: vec![3, 4],
                },
                attesting_key_name: "ek".into(),
            }),
        ),
        (
            Op::PrepareKeyAttestation(prepare_key_attestation::Operation::ActivateCredential {
                attested_key_name: "k".into(),
                attesting_key_name: None,
            }),
            Request::PrepareKeyAttestation(PrepareKeyAttestationRequest {
                parameters: PrepareParams::ActivateCredential {
                    attested_key_name: "k".into(),
                    attesting_key_name: String::new(),
                },
            }),
        ),
        (
            Op::CanDoCrypto(can_do_crypto::Operation {
                check_type: can_do_crypto::CheckType::Generate,
                attributes: their_attributes(dh, 2048, derive, ffdh),
            }),
            Request::CanDoCrypto(CanDoCryptoRequest {
                check_type: CheckType::Generate,
                attributes: our_dh,
            }),
        ),
    ]
}

/// The 29 operations parsec-interface knows, each with the request it must decode to.
pub(crate) fn cases() -> Vec<Case> {
    let mut all = Vec::new();
    all.extend(key_management());
    all.extend(signatures());
    all.extend(asymmetric_and_aead());
    all.extend(symmetric());
    all.extend(core_and_experimental());
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
