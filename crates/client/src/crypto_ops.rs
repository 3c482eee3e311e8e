//! The cryptographic operations of the contract, one method each, addressed to the client's
//! crypto provider. Algorithms are always explicit here; `crate::easy` chooses them for the
//! common cases.

use psc_psa::{
    Aead, AsymmetricEncryption, AsymmetricSignature, Cipher, Hash, Mac, RawKeyAgreement,
    SecretBytes,
};
use psc_wire::ops::{
    AeadDecryptRequest, AeadEncryptRequest, AsymmetricDecryptRequest, AsymmetricEncryptRequest,
    CipherDecryptRequest, CipherEncryptRequest, GenerateRandomRequest, HashCompareRequest,
    HashComputeRequest, MacComputeRequest, MacVerifyRequest, RawKeyAgreementRequest,
    SignHashRequest, SignMessageRequest, VerifyHashRequest, VerifyMessageRequest,
};

use crate::typed::typed_methods;

typed_methods! {
    /// Signs a precomputed `hash` with the key `name` and `alg`. ECDSA signatures are the raw
    /// `r || s`, each padded to the curve size.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `PsaErrorNotPermitted` when the key's
    /// policy does not allow `alg` for signing, `PsaErrorInvalidArgument` for a hash of the
    /// wrong length; otherwise see [`Client::call`](crate::Client::call).
    pub fn sign_hash(&self, name: &str, alg: AsymmetricSignature, hash: &[u8]) -> Vec<u8> {
        crypto(SignHashRequest {
            key_name: name.to_owned(),
            alg,
            hash: hash.to_vec(),
        }) => |response| response.signature
    }

    /// Checks `signature` over a precomputed `hash`: `Ok(())` when it is valid.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `PsaErrorInvalidSignature` when it is
    /// not; otherwise as [`Client::sign_hash`](crate::Client::sign_hash).
    pub fn verify_hash(
        &self,
        name: &str,
        alg: AsymmetricSignature,
        hash: &[u8],
        signature: &[u8],
    ) -> () {
        crypto(VerifyHashRequest {
            key_name: name.to_owned(),
            alg,
            hash: hash.to_vec(),
            signature: signature.to_vec(),
        }) => |_| ()
    }

    /// Hashes and signs `message` in the service.
    ///
    /// # Errors
    /// As [`Client::sign_hash`](crate::Client::sign_hash).
    pub fn sign_message(&self, name: &str, alg: AsymmetricSignature, message: &[u8]) -> Vec<u8> {
        crypto(SignMessageRequest {
            key_name: name.to_owned(),
            alg,
            message: message.to_vec(),
        }) => |response| response.signature
    }

    /// Checks `signature` over `message`: `Ok(())` when it is valid.
    ///
    /// # Errors
    /// As [`Client::verify_hash`](crate::Client::verify_hash).
    pub fn verify_message(
        &self,
        name: &str,
        alg: AsymmetricSignature,
        message: &[u8],
        signature: &[u8],
    ) -> () {
        crypto(VerifyMessageRequest {
            key_name: name.to_owned(),
            alg,
            message: message.to_vec(),
            signature: signature.to_vec(),
        }) => |_| ()
    }

    /// Encrypts `plaintext` with the public part of the key `name`; `label` is the OAEP label
    /// (the contract's "salt"), ignored by PKCS#1 v1.5.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `PsaErrorInvalidArgument` for a
    /// plaintext too long for the key; otherwise as
    /// [`Client::sign_hash`](crate::Client::sign_hash).
    pub fn asymmetric_encrypt(
        &self,
        name: &str,
        alg: AsymmetricEncryption,
        plaintext: &[u8],
        label: Option<&[u8]>,
    ) -> Vec<u8> {
        crypto(AsymmetricEncryptRequest {
            key_name: name.to_owned(),
            alg,
            plaintext: SecretBytes::from(plaintext),
            salt: label.unwrap_or_default().to_vec(),
        }) => |response| response.ciphertext
    }

    /// Decrypts `ciphertext` with the private key `name`.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `PsaErrorInvalidPadding` for a
    /// ciphertext that does not decrypt; otherwise as
    /// [`Client::asymmetric_encrypt`](crate::Client::asymmetric_encrypt).
    pub fn asymmetric_decrypt(
        &self,
        name: &str,
        alg: AsymmetricEncryption,
        ciphertext: &[u8],
        label: Option<&[u8]>,
    ) -> SecretBytes {
        crypto(AsymmetricDecryptRequest {
            key_name: name.to_owned(),
            alg,
            ciphertext: ciphertext.to_vec(),
            salt: label.unwrap_or_default().to_vec(),
        }) => |response| response.plaintext
    }

    /// Encrypts and authenticates `plaintext`, and authenticates `additional_data`: the
    /// answer is the ciphertext followed by the tag. The caller owns the nonce and must never
    /// reuse one with the same key; [`Client::seal`](crate::Client::seal) picks a fresh one.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `PsaErrorInvalidArgument` for a nonce
    /// of the wrong length; otherwise as [`Client::sign_hash`](crate::Client::sign_hash).
    pub fn aead_encrypt(
        &self,
        name: &str,
        alg: Aead,
        nonce: &[u8],
        additional_data: &[u8],
        plaintext: &[u8],
    ) -> Vec<u8> {
        crypto(AeadEncryptRequest {
            key_name: name.to_owned(),
            alg,
            nonce: nonce.to_vec(),
            additional_data: additional_data.to_vec(),
            plaintext: SecretBytes::from(plaintext),
        }) => |response| response.ciphertext
    }

    /// Checks and decrypts the output of [`Client::aead_encrypt`](crate::Client::aead_encrypt).
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `PsaErrorInvalidSignature` when the
    /// ciphertext, tag, nonce or additional data were altered; otherwise as
    /// [`Client::aead_encrypt`](crate::Client::aead_encrypt).
    pub fn aead_decrypt(
        &self,
        name: &str,
        alg: Aead,
        nonce: &[u8],
        additional_data: &[u8],
        ciphertext: &[u8],
    ) -> SecretBytes {
        crypto(AeadDecryptRequest {
            key_name: name.to_owned(),
            alg,
            nonce: nonce.to_vec(),
            additional_data: additional_data.to_vec(),
            ciphertext: ciphertext.to_vec(),
        }) => |response| response.plaintext
    }

    /// Encrypts with an unauthenticated cipher; the service picks the IV and the answer
    /// starts with it. Prefer AEAD unless a protocol requires this.
    ///
    /// # Errors
    /// As [`Client::sign_hash`](crate::Client::sign_hash).
    pub fn cipher_encrypt(&self, name: &str, alg: Cipher, plaintext: &[u8]) -> Vec<u8> {
        crypto(CipherEncryptRequest {
            key_name: name.to_owned(),
            alg,
            plaintext: SecretBytes::from(plaintext),
        }) => |response| response.ciphertext
    }

    /// Decrypts the output of [`Client::cipher_encrypt`](crate::Client::cipher_encrypt) (IV
    /// first).
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `PsaErrorInvalidPadding` for bad
    /// padding; otherwise as [`Client::sign_hash`](crate::Client::sign_hash).
    pub fn cipher_decrypt(&self, name: &str, alg: Cipher, ciphertext: &[u8]) -> SecretBytes {
        crypto(CipherDecryptRequest {
            key_name: name.to_owned(),
            alg,
            ciphertext: ciphertext.to_vec(),
        }) => |response| response.plaintext
    }

    /// Computes the MAC of `input` with the key `name`.
    ///
    /// Our service answers this operation; the original Parsec answers
    /// `OpcodeDoesNotExist`.
    ///
    /// # Errors
    /// As [`Client::sign_hash`](crate::Client::sign_hash).
    pub fn mac_compute(&self, name: &str, alg: Mac, input: &[u8]) -> Vec<u8> {
        crypto(MacComputeRequest {
            key_name: name.to_owned(),
            alg,
            input: input.to_vec(),
        }) => |response| response.mac
    }

    /// Checks `mac` over `input`, in constant time in the service: `Ok(())` when it matches.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `PsaErrorInvalidSignature` when it does
    /// not; otherwise as [`Client::mac_compute`](crate::Client::mac_compute).
    pub fn mac_verify(&self, name: &str, alg: Mac, input: &[u8], mac: &[u8]) -> () {
        crypto(MacVerifyRequest {
            key_name: name.to_owned(),
            alg,
            input: input.to_vec(),
            mac: mac.to_vec(),
        }) => |_| ()
    }

    /// The hash of `input`.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `PsaErrorNotSupported` for a hash the
    /// provider lacks; otherwise see [`Client::call`](crate::Client::call).
    pub fn hash_compute(&self, alg: Hash, input: &[u8]) -> Vec<u8> {
        crypto(HashComputeRequest { alg, input: input.to_vec() }) => |response| response.hash
    }

    /// Checks that `hash` is the hash of `input`: `Ok(())` when it is.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `PsaErrorInvalidSignature` when it is
    /// not; otherwise as [`Client::hash_compute`](crate::Client::hash_compute).
    pub fn hash_compare(&self, alg: Hash, input: &[u8], hash: &[u8]) -> () {
        crypto(HashCompareRequest {
            alg,
            input: input.to_vec(),
            hash: hash.to_vec(),
        }) => |_| ()
    }

    /// The raw shared secret of the private key `name` and the peer's public key (in the PSA
    /// export format). Feed it to a key derivation function before using it as a key.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `PsaErrorInvalidArgument` for a peer
    /// key not on the curve; otherwise as [`Client::sign_hash`](crate::Client::sign_hash).
    pub fn raw_key_agreement(
        &self,
        alg: RawKeyAgreement,
        name: &str,
        peer_key: &[u8],
    ) -> SecretBytes {
        crypto(RawKeyAgreementRequest {
            alg,
            private_key_name: name.to_owned(),
            peer_key: peer_key.to_vec(),
        }) => |response| response.shared_secret
    }

    /// `size` bytes from the provider's random generator.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `ResponseTooLarge` beyond the service's
    /// buffer limit; otherwise see [`Client::call`](crate::Client::call).
    pub fn generate_random(&self, size: usize) -> SecretBytes {
        crypto(GenerateRandomRequest { size: size as u64 }) => |response| response.random_bytes
    }
}
