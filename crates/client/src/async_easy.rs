//! The conveniences of [`crate::easy`] for [`AsyncClient`]: the same decisions (shared
//! functions of `easy.rs`), sent asynchronously. Each behaves as the `Client` method of the
//! same name.

use psc_psa::{Attributes, SecretBytes};

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
        let (attributes, kept) = self.signing_key(name).await?;
        let result = self.sign_planned(name, message, attributes).await;
        match self.refreshed(name, kept, &result).await? {
            Some(fresh) => self.sign_planned(name, message, fresh).await,
            None => result,
        }
    }

    async fn sign_planned(
        &self,
        name: &str,
        message: &[u8],
        attributes: Option<Attributes>,
    ) -> Result<Vec<u8>, Error> {
        match SignPlan::new(name, attributes, message, Purpose::Sign)? {
            SignPlan::Hash { alg, hash } => self.sign_hash(name, alg, &hash).await,
            SignPlan::Message { alg } => self.sign_message(name, alg, message).await,
        }
    }

    /// As [`Client::verify`](crate::Client::verify).
    ///
    /// # Errors
    /// As [`Client::verify`](crate::Client::verify).
    pub async fn verify(&self, name: &str, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        let (attributes, kept) = self.signing_key(name).await?;
        let result = self
            .verify_planned(name, message, signature, attributes)
            .await;
        match self.refreshed(name, kept, &result).await? {
            Some(fresh) => self.verify_planned(name, message, signature, fresh).await,
            None => result,
        }
    }

    async fn verify_planned(
        &self,
        name: &str,
        message: &[u8],
        signature: &[u8],
        attributes: Option<Attributes>,
    ) -> Result<(), Error> {
        match SignPlan::new(name, attributes, message, Purpose::Verify)? {
            SignPlan::Hash { alg, hash } => self.verify_hash(name, alg, &hash, signature).await,
            SignPlan::Message { alg } => self.verify_message(name, alg, message, signature).await,
        }
    }

    /// As the blocking client's: the key's attributes, and whether they were kept.
    async fn signing_key(&self, name: &str) -> Result<(Option<Attributes>, bool), Error> {
        let scope = self.key_scope();
        if let Some(kept) = self.key_policies().get(&scope, name) {
            return Ok((Some(kept), true));
        }
        let fresh = self.key_info(name).await?.map(|key| key.attributes);
        self.key_policies().learn(&scope, name, fresh);
        Ok((fresh, false))
    }

    /// As the blocking client's: after a failure that says kept attributes may be stale, the
    /// attributes looked up again, if they changed.
    async fn refreshed<T>(
        &self,
        name: &str,
        kept: bool,
        result: &Result<T, Error>,
    ) -> Result<Option<Option<Attributes>>, Error> {
        let scope = self.key_scope();
        let Err(error) = result else { return Ok(None) };
        if !kept || !self.key_policies().stale_after(&scope, name, error) {
            return Ok(None);
        }
        let before = self.key_policies().get(&scope, name);
        let fresh = self.key_info(name).await?.map(|key| key.attributes);
        self.key_policies().learn(&scope, name, fresh);
        Ok((fresh != before).then_some(fresh))
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
