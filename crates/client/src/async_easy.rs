//! The conveniences of [`crate::easy`] for [`AsyncClient`]: the same decisions (shared
//! functions of `easy.rs`), sent asynchronously. Each behaves as the `Client` method of the
//! same name.

use psc_psa::SecretBytes;

use crate::async_client::AsyncClient;
use crate::easy::{
    DEFAULT_HASH, Purpose, SEAL_AEAD, SignPlan, encryption_attributes, fresh_nonce, sealed,
    signing_attributes, unseal,
};
use crate::error::Error;

impl AsyncClient {
    /// As [`Client::generate_signing_key`](crate::Client::generate_signing_key).
    ///
    /// # Errors
    /// As [`Client::generate_signing_key`](crate::Client::generate_signing_key).
    pub async fn generate_signing_key(&self, name: &str) -> Result<(), Error> {
        self.generate_key(name, signing_attributes()).await
    }

    /// As [`Client::sign`](crate::Client::sign).
    ///
    /// # Errors
    /// As [`Client::sign`](crate::Client::sign).
    pub async fn sign(&self, name: &str, message: &[u8]) -> Result<Vec<u8>, Error> {
        let key = self.key_info(name).await?;
        match SignPlan::new(name, key, message, Purpose::Sign)? {
            SignPlan::Hash { alg, hash } => self.sign_hash(name, alg, &hash).await,
            SignPlan::Message { alg } => self.sign_message(name, alg, message).await,
        }
    }

    /// As [`Client::verify`](crate::Client::verify).
    ///
    /// # Errors
    /// As [`Client::verify`](crate::Client::verify).
    pub async fn verify(&self, name: &str, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        let key = self.key_info(name).await?;
        match SignPlan::new(name, key, message, Purpose::Verify)? {
            SignPlan::Hash { alg, hash } => self.verify_hash(name, alg, &hash, signature).await,
            SignPlan::Message { alg } => self.verify_message(name, alg, message, signature).await,
        }
    }

    /// As [`Client::generate_encryption_key`](crate::Client::generate_encryption_key).
    ///
    /// # Errors
    /// As [`Client::generate_encryption_key`](crate::Client::generate_encryption_key).
    pub async fn generate_encryption_key(&self, name: &str) -> Result<(), Error> {
        self.generate_key(name, encryption_attributes()).await
    }

    /// As [`Client::seal`](crate::Client::seal), in the same format.
    ///
    /// # Errors
    /// As [`Client::seal`](crate::Client::seal).
    pub async fn seal(
        &self,
        name: &str,
        plaintext: &[u8],
        additional_data: &[u8],
    ) -> Result<Vec<u8>, Error> {
        let nonce = fresh_nonce()?;
        let ciphertext = self
            .aead_encrypt(name, SEAL_AEAD, &nonce, additional_data, plaintext)
            .await?;
        Ok(sealed(&nonce, &ciphertext))
    }

    /// As [`Client::open`](crate::Client::open).
    ///
    /// # Errors
    /// As [`Client::open`](crate::Client::open).
    pub async fn open(
        &self,
        name: &str,
        sealed: &[u8],
        additional_data: &[u8],
    ) -> Result<SecretBytes, Error> {
        let (nonce, ciphertext) = unseal(sealed)?;
        self.aead_decrypt(name, SEAL_AEAD, nonce, additional_data, ciphertext)
            .await
    }

    /// As [`Client::hash`](crate::Client::hash).
    ///
    /// # Errors
    /// As [`Client::hash`](crate::Client::hash).
    pub async fn hash(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        self.hash_compute(DEFAULT_HASH, message).await
    }
}
