//! One result of every kind parsec-interface knows, built with its types, and the response our
//! codec must decode it to.

use std::collections::{BTreeSet, HashSet};

use parsec_interface::operations::list_authenticators::AuthenticatorInfo as TAuthenticatorInfo;
use parsec_interface::operations::list_keys::KeyInfo as TKeyInfo;
use parsec_interface::operations::list_providers::ProviderInfo as TProviderInfo;
use parsec_interface::operations::psa_algorithm as t;
use parsec_interface::operations::psa_key_attributes::{
    DhFamily as TDhFamily, EccFamily as TEccFamily, Type as TType, UsageFlags as TUsageFlags,
};
use parsec_interface::operations::{
    Convert, NativeResult as Res, attest_key, can_do_crypto, delete_client, list_authenticators,
    list_clients, list_keys, list_opcodes, list_providers, ping, prepare_key_attestation,
    psa_aead_decrypt, psa_aead_encrypt, psa_asymmetric_decrypt, psa_asymmetric_encrypt,
    psa_cipher_decrypt, psa_cipher_encrypt, psa_destroy_key, psa_export_key, psa_export_public_key,
    psa_generate_key, psa_generate_random, psa_hash_compare, psa_hash_compute, psa_import_key,
    psa_raw_key_agreement, psa_sign_hash, psa_sign_message, psa_verify_hash, psa_verify_message,
};
use parsec_interface::operations_protobuf::ProtobufConverter;
use parsec_interface::requests::{
    AuthType as TAuthType, Opcode as TOpcode, ProviderId as TProviderId,
};
use parsec_interface::secrecy::Secret;
use psc_psa::{
    Algorithm, Cipher, DhFamily, EccFamily, FullLengthMac, Hash, KeyDerivation, KeyType, Mac,
    SecretBytes, UsageFlags,
};
use psc_wire::ops::attest_key::AttestationOutput;
use psc_wire::ops::list_authenticators::AuthenticatorInfo;
use psc_wire::ops::list_keys::KeyInfo;
use psc_wire::ops::list_providers::ProviderInfo;
use psc_wire::ops::prepare_key_attestation::PrepareOutput;
use psc_wire::ops::{
    AeadDecryptResponse, AeadEncryptResponse, AsymmetricDecryptResponse, AsymmetricEncryptResponse,
    AttestKeyResponse, CanDoCryptoResponse, CipherDecryptResponse, CipherEncryptResponse,
    DeleteClientResponse, DestroyKeyResponse, ExportKeyResponse, ExportPublicKeyResponse,
    GenerateKeyResponse, GenerateRandomResponse, HashCompareResponse, HashComputeResponse,
    ImportKeyResponse, ListAuthenticatorsResponse, ListClientsResponse, ListKeysResponse,
    ListOpcodesResponse, ListProvidersResponse, PingResponse, PrepareKeyAttestationResponse,
    RawKeyAgreementResponse, SignHashResponse, SignMessageResponse, VerifyHashResponse,
    VerifyMessageResponse,
};
use psc_wire::{AuthType, Opcode, ProviderId, Response, ResponseHeader, Status};
use uuid::Uuid;

use crate::bridge::{BoxError, our_opcode, their_result};
use crate::native_ops::{our_attributes, their_attributes};

type Case = (Res, Response);

const MBED_UUID: &str = "1c1139dc-ad7c-47dc-ad6b-db6fdb466552";

fn discovery() -> Result<[Case; 4], BoxError> {
    let provider = TProviderInfo {
        uuid: MBED_UUID.parse()?,
        description: "software".into(),
        vendor: "Arm".into(),
        version_maj: 0,
        version_min: 1,
        version_rev: 2,
        id: TProviderId::MbedCrypto,
    };
    let authenticator = TAuthenticatorInfo {
        description: "direct".into(),
        version_maj: 1,
        version_min: 2,
        version_rev: 3,
        id: TAuthType::Direct,
    };
    let opcodes: HashSet<TOpcode> = [TOpcode::Ping, TOpcode::ListKeys, TOpcode::CanDoCrypto].into();
    Ok([
        (
            Res::Ping(ping::Result {
                wire_protocol_version_maj: 1,
                wire_protocol_version_min: 0,
            }),
            Response::Ping(PingResponse { major: 1, minor: 0 }),
        ),
        (
            Res::ListProviders(list_providers::Result {
                providers: vec![provider],
            }),
            Response::ListProviders(ListProvidersResponse {
                providers: vec![ProviderInfo {
                    uuid: Uuid::parse_str(MBED_UUID)?,
                    description: "software".into(),
                    vendor: "Arm".into(),
                    version_maj: 0,
                    version_min: 1,
                    version_rev: 2,
                    id: ProviderId::MbedCrypto,
                }],
            }),
        ),
        (
            Res::ListAuthenticators(list_authenticators::Result {
                authenticators: vec![authenticator],
            }),
            Response::ListAuthenticators(ListAuthenticatorsResponse {
                authenticators: vec![AuthenticatorInfo {
                    description: "direct".into(),
                    version_maj: 1,
                    version_min: 2,
                    version_rev: 3,
                    id: AuthType::Direct,
                }],
            }),
        ),
        (
            Res::ListOpcodes(list_opcodes::Result { opcodes }),
            Response::ListOpcodes(ListOpcodesResponse {
                opcodes: BTreeSet::from([Opcode::Ping, Opcode::ListKeys, Opcode::CanDoCrypto]),
            }),
        ),
    ])
}

/// Keys whose policies use the algorithm and key-type variants the operation cases do not.
#[allow(
    deprecated,
    reason = "MD5 is still a contract value; its encoding is under test"
)]
fn list_keys() -> Case {
    let mut export = TUsageFlags::default();
    let _ = export
        .set_export()
        .set_copy()
        .set_cache()
        .set_encrypt()
        .set_decrypt();
    let their = [
        (TType::RawData, 0, t::Algorithm::None),
        (
            TType::Des,
            64,
            t::Algorithm::Mac(t::Mac::FullLength(t::FullLengthMac::CbcMac)),
        ),
        (
            TType::Camellia,
            128,
            t::Algorithm::Mac(t::Mac::FullLength(t::FullLengthMac::Cmac)),
        ),
        (
            TType::Arc4,
            40,
            t::Algorithm::Cipher(t::Cipher::StreamCipher),
        ),
        (TType::Chacha20, 256, t::Algorithm::Hash(t::Hash::Sha3_512)),
        (
            TType::Derive,
            128,
            t::Algorithm::KeyDerivation(t::KeyDerivation::Tls12Prf {
                hash_alg: t::Hash::Md5,
            }),
        ),
        (
            TType::EccPublicKey {
                curve_family: TEccFamily::Montgomery,
            },
            255,
            t::Algorithm::KeyDerivation(t::KeyDerivation::Tls12PskToMs {
                hash_alg: t::Hash::Sha224,
            }),
        ),
        (
            TType::DhPublicKey {
                group_family: TDhFamily::Rfc7919,
            },
            3072,
            t::Algorithm::None,
        ),
        (
            TType::RsaPublicKey,
            1024,
            t::Algorithm::Cipher(t::Cipher::Ctr),
        ),
    ];
    let ours = [
        (KeyType::RawData, 0, Algorithm::None),
        (
            KeyType::Des,
            64,
            Algorithm::Mac(Mac::FullLength(FullLengthMac::CbcMac)),
        ),
        (
            KeyType::Camellia,
            128,
            Algorithm::Mac(Mac::FullLength(FullLengthMac::Cmac)),
        ),
        (KeyType::Arc4, 40, Algorithm::Cipher(Cipher::StreamCipher)),
        (KeyType::Chacha20, 256, Algorithm::Hash(Hash::Sha3_512)),
        (
            KeyType::Derive,
            128,
            Algorithm::KeyDerivation(KeyDerivation::Tls12Prf { hash: Hash::Md5 }),
        ),
        (
            KeyType::EccPublicKey {
                curve_family: EccFamily::Montgomery,
            },
            255,
            Algorithm::KeyDerivation(KeyDerivation::Tls12PskToMs { hash: Hash::Sha224 }),
        ),
        (
            KeyType::DhPublicKey {
                group_family: DhFamily::Rfc7919,
            },
            3072,
            Algorithm::None,
        ),
        (KeyType::RsaPublicKey, 1024, Algorithm::Cipher(Cipher::Ctr)),
    ];
    let our_flags = UsageFlags {
        export: true,
        copy: true,
        cache: true,
        encrypt: true,
        decrypt: true,
        ..UsageFlags::default()
    };
    let providers = [
        TProviderId::MbedCrypto,
        TProviderId::Pkcs11,
        TProviderId::CryptoAuthLib,
    ];
    let our_providers = [
        ProviderId::MbedCrypto,
        ProviderId::Pkcs11,
        ProviderId::CryptoAuthLib,
    ];
    let keys = their
        .into_iter()
        .enumerate()
        .map(|(i, (key_type, bits, alg))| TKeyInfo {
            provider_id: providers[i % 3],
            name: format!("key-{i}"),
            attributes: their_attributes(key_type, bits, export, alg),
        });
    let expected = ours
        .into_iter()
        .enumerate()
        .map(|(i, (key_type, bits, alg))| KeyInfo {
            provider_id: our_providers[i % 3],
            name: format!("key-{i}"),
            attributes: our_attributes(key_type, bits, our_flags, alg),
        });
    (
        Res::ListKeys(list_keys::Result {
            keys: keys.collect(),
        }),
        Response::ListKeys(ListKeysResponse {
            keys: expected.collect(),
        }),
    )
}

fn empty_results() -> [Case; 9] {
    [
        (
            Res::PsaGenerateKey(psa_generate_key::Result),
            Response::PsaGenerateKey(GenerateKeyResponse),
        ),
        (
            Res::PsaDestroyKey(psa_destroy_key::Result),
            Response::PsaDestroyKey(DestroyKeyResponse),
        ),
        (
            Res::PsaImportKey(psa_import_key::Result),
            Response::PsaImportKey(ImportKeyResponse),
        ),
        (
            Res::PsaVerifyHash(psa_verify_hash::Result),
            Response::PsaVerifyHash(VerifyHashResponse),
        ),
        (
            Res::PsaVerifyMessage(psa_verify_message::Result),
            Response::PsaVerifyMessage(VerifyMessageResponse),
        ),
        (
            Res::PsaHashCompare(psa_hash_compare::Result),
            Response::PsaHashCompare(HashCompareResponse),
        ),
        (
            Res::DeleteClient(delete_client::Result),
            Response::DeleteClient(DeleteClientResponse),
        ),
        (
            Res::CanDoCrypto(can_do_crypto::Result),
            Response::CanDoCrypto(CanDoCryptoResponse),
        ),
        (
            Res::ListClients(list_clients::Result {
                clients: vec!["1000".into(), "alice".into()],
            }),
            Response::ListClients(ListClientsResponse {
                clients: vec!["1000".into(), "alice".into()],
            }),
        ),
    ]
}

fn byte_results() -> [Case; 13] {
    let b = |n: u8| vec![n; usize::from(n)];
    let s = |n: u8| SecretBytes::new(vec![n; usize::from(n)]);
    [
        (
            Res::PsaExportPublicKey(psa_export_public_key::Result { data: b(65).into() }),
            Response::PsaExportPublicKey(ExportPublicKeyResponse { data: b(65) }),
        ),
        (
            Res::PsaExportKey(psa_export_key::Result {
                data: Secret::new(b(32)),
            }),
            Response::PsaExportKey(ExportKeyResponse { data: s(32) }),
        ),
        (
            Res::PsaSignHash(psa_sign_hash::Result {
                signature: b(64).into(),
            }),
            Response::PsaSignHash(SignHashResponse { signature: b(64) }),
        ),
        (
            Res::PsaSignMessage(psa_sign_message::Result {
                signature: b(96).into(),
            }),
            Response::PsaSignMessage(SignMessageResponse { signature: b(96) }),
        ),
        (
            Res::PsaAsymmetricEncrypt(psa_asymmetric_encrypt::Result {
                ciphertext: b(128).into(),
            }),
            Response::PsaAsymmetricEncrypt(AsymmetricEncryptResponse { ciphertext: b(128) }),
        ),
        (
            Res::PsaAsymmetricDecrypt(psa_asymmetric_decrypt::Result {
                plaintext: b(3).into(),
            }),
            Response::PsaAsymmetricDecrypt(AsymmetricDecryptResponse { plaintext: s(3) }),
        ),
        (
            Res::PsaAeadEncrypt(psa_aead_encrypt::Result {
                ciphertext: b(18).into(),
            }),
            Response::PsaAeadEncrypt(AeadEncryptResponse { ciphertext: b(18) }),
        ),
        (
            Res::PsaAeadDecrypt(psa_aead_decrypt::Result {
                plaintext: b(2).into(),
            }),
            Response::PsaAeadDecrypt(AeadDecryptResponse { plaintext: s(2) }),
        ),
        (
            Res::PsaCipherEncrypt(psa_cipher_encrypt::Result {
                ciphertext: b(16).into(),
            }),
            Response::PsaCipherEncrypt(CipherEncryptResponse { ciphertext: b(16) }),
        ),
        (
            Res::PsaCipherDecrypt(psa_cipher_decrypt::Result {
                plaintext: b(4).into(),
            }),
            Response::PsaCipherDecrypt(CipherDecryptResponse { plaintext: s(4) }),
        ),
        (
            Res::PsaGenerateRandom(psa_generate_random::Result {
                random_bytes: b(10).into(),
            }),
            Response::PsaGenerateRandom(GenerateRandomResponse {
                random_bytes: s(10),
            }),
        ),
        (
            Res::PsaHashCompute(psa_hash_compute::Result { hash: b(48).into() }),
            Response::PsaHashCompute(HashComputeResponse { hash: b(48) }),
        ),
        (
            Res::PsaRawKeyAgreement(psa_raw_key_agreement::Result {
                shared_secret: Secret::new(b(33)),
            }),
            Response::PsaRawKeyAgreement(RawKeyAgreementResponse {
                shared_secret: s(33),
            }),
        ),
    ]
}

fn attestation() -> [Case; 2] {
    [
        (
            Res::AttestKey(attest_key::Result::ActivateCredential {
                credential: vec![7; 32].into(),
            }),
            Response::AttestKey(AttestKeyResponse {
                output: AttestationOutput::ActivateCredential {
                    credential: SecretBytes::new(vec![7; 32]),
                },
            }),
        ),
        (
            Res::PrepareKeyAttestation(prepare_key_attestation::Result::ActivateCredential {
                name: vec![1; 34].into(),
                public: vec![2; 90].into(),
                attesting_key_pub: vec![3; 65].into(),
            }),
            Response::PrepareKeyAttestation(PrepareKeyAttestationResponse {
                output: PrepareOutput::ActivateCredential {
                    name: vec![1; 34],
                    public: vec![2; 90],
                    attesting_key_pub: vec![3; 65],
                },
            }),
        ),
    ]
}

/// The 29 results parsec-interface knows, each with the response it must decode to.
pub(crate) fn cases() -> Result<Vec<Case>, BoxError> {
    let mut all = Vec::from(discovery()?);
    all.push(list_keys());
    all.extend(empty_results());
    all.extend(byte_results());
    all.extend(attestation());
    Ok(all)
}

/// Their body decodes with ours to `expected`; our re-encoding decodes with theirs to a value
/// equal to the one they started from (compared through their encoding, or as opcode sets for
/// ListOpcodes, whose encoding follows hash order).
pub(crate) fn check(result: Res, expected: &Response) -> Result<(), BoxError> {
    let opcode = our_opcode(result.opcode())?;
    assert_eq!(opcode, expected.opcode());
    let their_bytes = ProtobufConverter.result_to_body(result)?.bytes().to_vec();
    let decoded = Response::decode(opcode, &their_bytes)?;
    assert_eq!(&decoded, expected, "{opcode:?}");
    let ours = decoded.encode();
    let header = ResponseHeader {
        provider: ProviderId::Core,
        session: 0,
        opcode,
        status: Status::Success,
        body_len: 0,
    };
    match (their_result(header, &ours)?, expected) {
        (Res::ListOpcodes(again), Response::ListOpcodes(expected)) => {
            let again = again
                .opcodes
                .into_iter()
                .map(our_opcode)
                .collect::<Result<BTreeSet<_>, _>>()?;
            assert_eq!(&again, &expected.opcodes);
        }
        (again, _) => {
            assert_eq!(
                ours, their_bytes,
                "{opcode:?}: our encoding differs from theirs"
            );
            let again = ProtobufConverter.result_to_body(again)?;
            assert_eq!(
                again.bytes(),
                &their_bytes[..],
                "{opcode:?}: their re-decoding differs"
            );
        }
    }
    Ok(())
}
