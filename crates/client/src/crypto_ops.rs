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

use crate::client::Client;
use crate::error::Error;

impl Client {
    /// Signs a precomputed `hash` with the key `name` and `alg`. ECDSA signatures are the raw
    /// `r || s`, each padded to the curve size.
    ///
    /// # Errors
    /// [`Error::Service`] with `PsaErrorNotPermitted` when the key's policy does not allow
    /// `alg` for signing, `PsaErrorInvalidArgument` for a hash of the wrong length; otherwise
    /// see [`Client::call`].
    pub fn sign_hash(
        &self,
        name: &str,
        alg: AsymmetricSignature,
        hash: &[u8],
    ) -> Result<Vec<u8>, Error> {
        let request = SignHashRequest {
            key_name: name.to_owned(),
            alg,
            hash: hash.to_vec(),
        };
        Ok(self.send_crypto(request)?.signature)
    }

    /// Checks `signature` over a precomputed `hash`: `Ok(())` when it is valid.
    ///
    /// # Errors
    /// [`Error::Service`] with `PsaErrorInvalidSignature` when it is not; otherwise as
    /// [`Client::sign_hash`].
    pub fn verify_hash(
        &self,
        name: &str,
        alg: AsymmetricSignature,
        hash: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        let request = VerifyHashRequest {
            key_name: name.to_owned(),
            alg,
            hash: hash.to_vec(),
            signature: signature.to_vec(),
        };
        self.send_crypto(request).map(drop)
    }

    /// Hashes and signs `message` in the service.
    ///
    /// # Errors
    /// As [`Client::sign_hash`].
    pub fn sign_message(
        &self,
        name: &str,
        alg: AsymmetricSignature,
        message: &[u8],
    ) -> Result<Vec<u8>, Error> {
        let request = SignMessageRequest {
            key_name: name.to_owned(),
            alg,
            message: message.to_vec(),
        };
        Ok(self.send_crypto(request)?.signature)
    }

    /// Checks `signature` over `message`: `Ok(())` when it is valid.
    ///
    /// # Errors
    /// As [`Client::verify_hash`].
    pub fn verify_message(
        &self,
        name: &str,
        alg: AsymmetricSignature,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        let request = VerifyMessageRequest {
            key_name: name.to_owned(),
            alg,
            message: message.to_vec(),
            signature: signature.to_vec(),
        };
        self.send_crypto(request).map(drop)
    }

    /// Encrypts `plaintext` with the public part of the key `name`; `label` is the OAEP label
    /// (the contract's "salt"), ignored by PKCS#1 v1.5.
    ///
    /// # Errors
    /// [`Error::Service`] with `PsaErrorInvalidArgument` for a plaintext too long for the key;
    /// otherwise as [`Client::sign_hash`].
    pub fn asymmetric_encrypt(
        &self,
        name: &str,
        alg: AsymmetricEncryption,
        plaintext: &[u8],
        label: Option<&[u8]>,
    ) -> Result<Vec<u8>, Error> {
        let request = AsymmetricEncryptRequest {
            key_name: name.to_owned(),
            alg,
            plaintext: SecretBytes::from(plaintext),
            salt: label.unwrap_or_default().to_vec(),
        };
        Ok(self.send_crypto(request)?.ciphertext)
    }

    /// Decrypts `ciphertext` with the private key `name`.
    ///
    /// # Errors
    /// [`Error::Service`] with `PsaErrorInvalidPadding` for a ciphertext that does not
    /// decrypt; otherwise as [`Client::asymmetric_encrypt`].
    pub fn asymmetric_decrypt(
        &self,
        name: &str,
        alg: AsymmetricEncryption,
        ciphertext: &[u8],
        label: Option<&[u8]>,
    ) -> Result<SecretBytes, Error> {
        let request = AsymmetricDecryptRequest {
            key_name: name.to_owned(),
            alg,
            ciphertext: ciphertext.to_vec(),
            salt: label.unwrap_or_default().to_vec(),
        };
        Ok(self.send_crypto(request)?.plaintext)
    }

    /// Encrypts and authenticates `plaintext`, and authenticates `additional_data`: the
    /// answer is the ciphertext followed by the tag. The caller owns the nonce and must never
    /// reuse one with the same key; `Client::seal` picks a fresh one.
    ///
    /// # Errors
    /// [`Error::Service`] with `PsaErrorInvalidArgument` for a nonce of the wrong length;
    /// otherwise as [`Client::sign_hash`].
    pub fn aead_encrypt(
        &self,
        name: &str,
        alg: Aead,
        nonce: &[u8],
        additional_data: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, Error> {
        let request = AeadEncryptRequest {
            key_name: name.to_owned(),
            alg,
            nonce: nonce.to_vec(),
            additional_data: additional_data.to_vec(),
            plaintext: SecretBytes::from(plaintext),
        };
        Ok(self.send_crypto(request)?.ciphertext)
    }

    /// Checks and decrypts the output of [`Client::aead_encrypt`].
    ///
    /// # Errors
    /// [`Error::Service`] with `PsaErrorInvalidSignature` when the ciphertext, tag, nonce or
    /// additional data were altered; otherwise as [`Client::aead_encrypt`].
    pub fn aead_decrypt(
        &self,
        name: &str,
        alg: Aead,
        nonce: &[u8],
        additional_data: &[u8],
        ciphertext: &[u8],
    ) -> Result<SecretBytes, Error> {
        let request = AeadDecryptRequest {
            key_name: name.to_owned(),
            alg,
            nonce: nonce.to_vec(),
            additional_data: additional_data.to_vec(),
            ciphertext: ciphertext.to_vec(),
        };
        Ok(self.send_crypto(request)?.plaintext)
    }

    /// Encrypts with an unauthenticated cipher; the service picks the IV and the answer
    /// starts with it. Prefer AEAD unless a protocol requires this.
    ///
    /// # Errors
    /// As [`Client::sign_hash`].
    pub fn cipher_encrypt(
        &self,
        name: &str,
        alg: Cipher,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, Error> {
        let request = CipherEncryptRequest {
            key_name: name.to_owned(),
            alg,
            plaintext: SecretBytes::from(plaintext),
        };
        Ok(self.send_crypto(request)?.ciphertext)
    }

    /// Decrypts the output of [`Client::cipher_encrypt`] (IV first).
    ///
    /// # Errors
    /// [`Error::Service`] with `PsaErrorInvalidPadding` for bad padding; otherwise as
    /// [`Client::sign_hash`].
    pub fn cipher_decrypt(
        &self,
        name: &str,
        alg: Cipher,
        ciphertext: &[u8],
    ) -> Result<SecretBytes, Error> {
        let request = CipherDecryptRequest {
            key_name: name.to_owned(),
            alg,
            ciphertext: ciphertext.to_vec(),
        };
        Ok(self.send_crypto(request)?.plaintext)
    }

    /// Computes the MAC of `input` with the key `name`.
    ///
    /// Our service answers this operation; the original Parsec answers
    /// `OpcodeDoesNotExist`.
    ///
    /// # Errors
    /// As [`Client::sign_hash`].
    pub fn mac_compute(&self, name: &str, alg: Mac, input: &[u8]) -> Result<Vec<u8>, Error> {
        let request = MacComputeRequest {
            key_name: name.to_owned(),
            alg,
            input: input.to_vec(),
        };
        Ok(self.send_crypto(request)?.mac)
    }

    /// Checks `mac` over `input`, in constant time in the service: `Ok(())` when it matches.
    ///
    /// # Errors
    /// [`Error::Service`] with `PsaErrorInvalidSignature` when it does not; otherwise as
    /// [`Client::mac_compute`].
    pub fn mac_verify(&self, name: &str, alg: Mac, input: &[u8], mac: &[u8]) -> Result<(), Error> {
        let request = MacVerifyRequest {
            key_name: name.to_owned(),
            alg,
            input: input.to_vec(),
            mac: mac.to_vec(),
        };
        self.send_crypto(request).map(drop)
    }

    /// The hash of `input`.
    ///
    /// # Errors
    /// [`Error::Service`] with `PsaErrorNotSupported` for a hash the provider lacks; otherwise
    /// see [`Client::call`].
    pub fn hash_compute(&self, alg: Hash, input: &[u8]) -> Result<Vec<u8>, Error> {
        let request = HashComputeRequest {
            alg,
            input: input.to_vec(),
        };
        Ok(self.send_crypto(request)?.hash)
    }

    /// Checks that `hash` is the hash of `input`: `Ok(())` when it is.
    ///
    /// # Errors
    /// [`Error::Service`] with `PsaErrorInvalidSignature` when it is not; otherwise as
    /// [`Client::hash_compute`].
    pub fn hash_compare(&self, alg: Hash, input: &[u8], hash: &[u8]) -> Result<(), Error> {
        let request = HashCompareRequest {
            alg,
            input: input.to_vec(),
            hash: hash.to_vec(),
        };
        self.send_crypto(request).map(drop)
    }

    /// The raw shared secret of the private key `name` and the peer's public key (in the PSA
    /// export format). Feed it to a key derivation function before using it as a key.
    ///
    /// # Errors
    /// [`Error::Service`] with `PsaErrorInvalidArgument` for a peer key not on the curve;
    /// otherwise as [`Client::sign_hash`].
    pub fn raw_key_agreement(
        &self,
        alg: RawKeyAgreement,
        name: &str,
        peer_key: &[u8],
    ) -> Result<SecretBytes, Error> {
        let request = RawKeyAgreementRequest {
            alg,
            private_key_name: name.to_owned(),
            peer_key: peer_key.to_vec(),
        };
        Ok(self.send_crypto(request)?.shared_secret)
    }

    /// `size` bytes from the provider's random generator.
    ///
    /// # Errors
    /// [`Error::Service`] with `ResponseTooLarge` beyond the service's buffer limit; otherwise
    /// see [`Client::call`].
    pub fn generate_random(&self, size: usize) -> Result<SecretBytes, Error> {
        let request = GenerateRandomRequest { size: size as u64 };
        Ok(self.send_crypto(request)?.random_bytes)
    }
}
