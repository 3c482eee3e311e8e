//! The core, symmetric and experimental operations of the parsec-interface cases (see
//! `native_ops.rs`).

use parsec_interface::operations::psa_algorithm as t;
use parsec_interface::operations::psa_key_attributes::{
    DhFamily as TDhFamily, Type as TType, UsageFlags as TUsageFlags,
};
use parsec_interface::operations::{
    NativeOperation as Op, attest_key, can_do_crypto, delete_client, list_authenticators,
    list_clients, list_keys, list_opcodes, list_providers, ping, prepare_key_attestation,
    psa_cipher_decrypt, psa_cipher_encrypt, psa_generate_random, psa_hash_compare,
    psa_hash_compute, psa_raw_key_agreement,
};
use parsec_interface::requests::ProviderId as TProviderId;
use psc_psa::{
    Algorithm, Cipher, DhFamily, Hash, KeyAgreement, KeyType, RawKeyAgreement, SecretBytes,
    UsageFlags,
};
use psc_wire::ops::attest_key::AttestationParams;
use psc_wire::ops::can_do_crypto::CheckType;
use psc_wire::ops::prepare_key_attestation::PrepareParams;
use psc_wire::ops::{
    AttestKeyRequest, CanDoCryptoRequest, CipherDecryptRequest, CipherEncryptRequest,
    DeleteClientRequest, GenerateRandomRequest, HashCompareRequest, HashComputeRequest,
    ListAuthenticatorsRequest, ListClientsRequest, ListKeysRequest, ListOpcodesRequest,
    ListProvidersRequest, PingRequest, PrepareKeyAttestationRequest, RawKeyAgreementRequest,
};
use psc_wire::{ProviderId, Request};

use crate::native_ops::{Case, our_attributes, their_attributes};

pub(crate) fn symmetric() -> [Case; 6] {
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
    ]
}

pub(crate) fn core() -> [Case; 7] {
    let client = || "alice".to_owned();
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
            Op::DeleteClient(delete_client::Operation { client: client() }),
            Request::DeleteClient(DeleteClientRequest { client: client() }),
        ),
    ]
}

pub(crate) fn attestation() -> [Case; 2] {
    let name = || "k".to_owned();
    let attest = attest_key::Operation::ActivateCredential {
        attested_key_name: name(),
        credential_blob: vec![1, 2].into(),
        secret: vec![3, 4].into(),
        attesting_key_name: Some("ek".into()),
    };
    let parameters = AttestationParams::ActivateCredential {
        credential_blob: vec![1, 2],
        secret: vec![3, 4],
    };
    let attested_key_name = name();
    let prepare = prepare_key_attestation::Operation::ActivateCredential {
        attested_key_name: name(),
        attesting_key_name: None,
    };
    // No attesting key name is the empty string on the wire.
    let prepared = PrepareParams::ActivateCredential {
        attested_key_name: name(),
        attesting_key_name: String::new(),
    };
    [
        (
            Op::AttestKey(attest),
            Request::AttestKey(AttestKeyRequest {
                attested_key_name,
                parameters,
                attesting_key_name: "ek".into(),
            }),
        ),
        (
            Op::PrepareKeyAttestation(prepare),
            Request::PrepareKeyAttestation(PrepareKeyAttestationRequest {
                parameters: prepared,
            }),
        ),
    ]
}

pub(crate) fn can_do_crypto_case() -> Case {
    let mut derive = TUsageFlags::default();
    let _ = derive.set_derive();
    let ffdh = t::Algorithm::KeyAgreement(t::KeyAgreement::Raw(t::RawKeyAgreement::Ffdh));
    let dh = TType::DhKeyPair {
        group_family: TDhFamily::Rfc7919,
    };
    let check_type = can_do_crypto::CheckType::Generate;
    let operation = can_do_crypto::Operation {
        check_type,
        attributes: their_attributes(dh, 2048, derive, ffdh),
    };
    let derive = UsageFlags {
        derive: true,
        ..UsageFlags::default()
    };
    let ffdh = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ffdh));
    let dh = KeyType::DhKeyPair {
        group_family: DhFamily::Rfc7919,
    };
    let attributes = our_attributes(dh, 2048, derive, ffdh);
    let request = CanDoCryptoRequest {
        check_type: CheckType::Generate,
        attributes,
    };
    (Op::CanDoCrypto(operation), Request::CanDoCrypto(request))
}
