//! One result of every kind parsec-interface knows, built with its types, and the response our
//! codec must decode it to.

use std::collections::BTreeSet;

use parsec_interface::operations::{
    Convert, NativeResult as Res, attest_key, can_do_crypto, delete_client, list_clients,
    prepare_key_attestation, psa_aead_decrypt, psa_aead_encrypt, psa_asymmetric_decrypt,
    psa_asymmetric_encrypt, psa_cipher_decrypt, psa_cipher_encrypt, psa_destroy_key,
    psa_export_key, psa_export_public_key, psa_generate_key, psa_generate_random, psa_hash_compare,
    psa_hash_compute, psa_import_key, psa_raw_key_agreement, psa_sign_hash, psa_sign_message,
    psa_verify_hash, psa_verify_message,
};
use parsec_interface::operations_protobuf::ProtobufConverter;
use parsec_interface::secrecy::Secret;
use psc_psa::SecretBytes;
use psc_wire::ops::attest_key::AttestationOutput;
use psc_wire::ops::prepare_key_attestation::PrepareOutput;
use psc_wire::ops::{
    AeadDecryptResponse, AeadEncryptResponse, AsymmetricDecryptResponse, AsymmetricEncryptResponse,
    AttestKeyResponse, CanDoCryptoResponse, CipherDecryptResponse, CipherEncryptResponse,
    DeleteClientResponse, DestroyKeyResponse, ExportKeyResponse, ExportPublicKeyResponse,
    GenerateKeyResponse, GenerateRandomResponse, HashCompareResponse, HashComputeResponse,
    ImportKeyResponse, ListClientsResponse, PrepareKeyAttestationResponse, RawKeyAgreementResponse,
    SignHashResponse, SignMessageResponse, VerifyHashResponse, VerifyMessageResponse,
};
use psc_wire::{Response, ResponseHeader, Status};

use crate::bridge::{BoxError, our_opcode, their_result};
use crate::native_lists;

pub(crate) type Case = (Res, Response);

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

/// Results carrying one byte string: exports and signatures.
fn key_outputs() -> [Case; 6] {
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
    ]
}

/// Results carrying one byte string: encryption, hashing, randomness, agreement.
fn data_outputs() -> [Case; 7] {
    let b = |n: u8| vec![n; usize::from(n)];
    let s = |n: u8| SecretBytes::new(vec![n; usize::from(n)]);
    [
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
    let mut all = Vec::from(native_lists::discovery()?);
    all.push(native_lists::list_keys());
    all.extend(empty_results());
    all.extend(key_outputs());
    all.extend(data_outputs());
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
        opcode,
        ..ResponseHeader::header_error(None, Status::Success)
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
