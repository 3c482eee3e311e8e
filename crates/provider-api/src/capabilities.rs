//! The capability traits. Each takes keys as [`KeyRef`]s already resolved and checked by the
//! service (owner, usage flags, permitted algorithm, fit to the key), plus the key's
//! [`Binding`] for providers that seal keys. Providers still validate what only they can
//! (key material, lengths the algorithm fixes) and never panic on bad input.

use psc_psa::{
    Aead, AsymmetricEncryption, AsymmetricSignature, Attributes, Cipher, Hash, Mac,
    RawKeyAgreement, SecretBytes,
};

use crate::{Binding, KeyRef, NewKey, ProviderError, digest};

/// Key lifecycle.
pub trait KeyLifecycle: Send + Sync {
    /// Whether keys have state outside their blob (a token object, a file). The service then
    /// records its intent before creating or destroying a key, so that a crash in between
    /// leaves no orphan; keys that live only in their blob are created and destroyed by one
    /// atomic write of the key store.
    fn keeps_external_state(&self) -> bool {
        false
    }

    /// For a provider that [keeps external state](Self::keeps_external_state): names the
    /// object a creation will make, before making it, and returns the blob that names it
    /// (e.g. the CKA_ID the token object will carry). The service records this blob durably
    /// as an intent, then calls [`generate_planned`](Self::generate_planned) or
    /// [`import_planned`](Self::import_planned). After a crash the service calls
    /// [`destroy`](Self::destroy) with this blob, so it must be enough to find and delete
    /// the object if it was made (and `destroy` must succeed when it was not).
    ///
    /// # Errors
    /// [`ProviderError`]; the default answers `NotSupported` (blob-only providers never
    /// plan).
    fn plan(&self, attributes: &Attributes) -> Result<Vec<u8>, ProviderError> {
        let _ = attributes;
        Err(ProviderError::NotSupported(
            "planning a key creation".into(),
        ))
    }

    /// Creates the key [`plan`](Self::plan) named. The default ignores the plan and
    /// [generates](Self::generate). The returned blob may differ from the plan (e.g. carry
    /// the public key too), but the plan alone must still be enough to destroy the object.
    ///
    /// # Errors
    /// As [`generate`](Self::generate).
    fn generate_planned(
        &self,
        plan: &[u8],
        attributes: &Attributes,
        binding: Binding<'_>,
    ) -> Result<NewKey, ProviderError> {
        let _ = plan;
        self.generate(attributes, binding)
    }

    /// Imports into the object [`plan`](Self::plan) named; the default ignores the plan and
    /// [imports](Self::import).
    ///
    /// # Errors
    /// As [`import`](Self::import).
    fn import_planned(
        &self,
        plan: &[u8],
        attributes: &Attributes,
        data: &[u8],
        binding: Binding<'_>,
    ) -> Result<NewKey, ProviderError> {
        let _ = plan;
        self.import(attributes, data, binding)
    }

    /// Creates a key with these attributes (type, size and policy already validated).
    ///
    /// # Errors
    /// [`ProviderError`], e.g. `NotSupported` for a type or size this back end cannot create.
    fn generate(
        &self,
        attributes: &Attributes,
        binding: Binding<'_>,
    ) -> Result<NewKey, ProviderError>;

    /// Imports key material in the PSA format of its type.
    ///
    /// # Errors
    /// [`ProviderError`], e.g. `InvalidArgument` for malformed data or a size mismatch.
    fn import(
        &self,
        attributes: &Attributes,
        data: &[u8],
        binding: Binding<'_>,
    ) -> Result<NewKey, ProviderError>;

    /// The public key in PSA format.
    ///
    /// # Errors
    /// [`ProviderError`], e.g. `InvalidArgument` for a symmetric key.
    fn export_public(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
    ) -> Result<Vec<u8>, ProviderError>;

    /// The key material in PSA format. The service has checked the export usage flag.
    ///
    /// # Errors
    /// [`ProviderError`]; `NotSupported` when the back end cannot release key material.
    fn export(&self, key: KeyRef<'_>, binding: Binding<'_>) -> Result<SecretBytes, ProviderError> {
        let _ = (key, binding);
        Err(ProviderError::NotSupported("exporting key material".into()))
    }

    /// Destroys what the provider holds for the key. Keys that live only in their blob have
    /// nothing to destroy. Destroying an object that is already gone (or was never made:
    /// the blob may be a [plan](Self::plan)) succeeds; an error means the object may still
    /// exist, and the service then keeps its row until a later attempt succeeds.
    ///
    /// # Errors
    /// [`ProviderError`] when the back end fails.
    fn destroy(&self, key: KeyRef<'_>) -> Result<(), ProviderError>;
}

/// Signatures over a hash.
pub trait SignHash: Send + Sync {
    /// Signs `hash` (its length already checked against the algorithm).
    ///
    /// # Errors
    /// [`ProviderError`], e.g. `NotSupported` for an algorithm this back end lacks.
    fn sign_hash(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricSignature,
        hash: &[u8],
    ) -> Result<Vec<u8>, ProviderError>;

    /// Verifies `signature` over `hash`.
    ///
    /// # Errors
    /// [`ProviderError::InvalidSignature`] when it does not verify.
    fn verify_hash(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricSignature,
        hash: &[u8],
        signature: &[u8],
    ) -> Result<(), ProviderError>;
}

/// Signatures over a message. The default hashes the message with the algorithm's hash
/// ([`digest::for_message`]) and signs the digest, which is what every provider here does:
/// a provider implements this trait with an empty body unless its device hashes and signs
/// in one step.
pub trait SignMessage: SignHash {
    /// Signs `message`.
    ///
    /// # Errors
    /// [`ProviderError`], e.g. `InvalidArgument` for an algorithm without a hash.
    fn sign_message(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricSignature,
        message: &[u8],
    ) -> Result<Vec<u8>, ProviderError> {
        let hash = digest::for_message(alg, message)?;
        SignHash::sign_hash(self, key, binding, alg, &hash)
    }

    /// Verifies `signature` over `message`.
    ///
    /// # Errors
    /// [`ProviderError::InvalidSignature`] when it does not verify.
    fn verify_message(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricSignature,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), ProviderError> {
        let hash = digest::for_message(alg, message)?;
        SignHash::verify_hash(self, key, binding, alg, &hash, signature)
    }
}

/// Asymmetric encryption. `salt` is the OAEP label (empty: none).
pub trait AsymmetricCrypt: Send + Sync {
    /// Encrypts with the public key.
    ///
    /// # Errors
    /// [`ProviderError`], e.g. `InvalidArgument` for a message too long for the key.
    fn encrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricEncryption,
        plaintext: &[u8],
        salt: &[u8],
    ) -> Result<Vec<u8>, ProviderError>;

    /// Decrypts with the private key, in constant time.
    ///
    /// # Errors
    /// [`ProviderError::InvalidPadding`] for a ciphertext that does not decrypt.
    fn decrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricEncryption,
        ciphertext: &[u8],
        salt: &[u8],
    ) -> Result<SecretBytes, ProviderError>;
}

/// Authenticated encryption: the output is `ciphertext ‖ tag`.
pub trait AeadCrypt: Send + Sync {
    /// Encrypts and authenticates.
    ///
    /// # Errors
    /// [`ProviderError`], e.g. `InvalidArgument` for a nonce of the wrong length.
    fn encrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Aead,
        nonce: &[u8],
        additional_data: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, ProviderError>;

    /// Checks the tag and decrypts.
    ///
    /// # Errors
    /// [`ProviderError::InvalidSignature`] when the tag does not match.
    fn decrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Aead,
        nonce: &[u8],
        additional_data: &[u8],
        ciphertext: &[u8],
    ) -> Result<SecretBytes, ProviderError>;
}

/// Unauthenticated ciphers: encryption picks a random IV and returns `IV ‖ ciphertext`.
pub trait CipherCrypt: Send + Sync {
    /// Encrypts.
    ///
    /// # Errors
    /// [`ProviderError`], e.g. `InvalidArgument` for a length the mode refuses.
    fn encrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Cipher,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, ProviderError>;

    /// Decrypts `IV ‖ ciphertext`.
    ///
    /// # Errors
    /// [`ProviderError::InvalidPadding`] for bad PKCS#7 padding.
    fn decrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Cipher,
        input: &[u8],
    ) -> Result<SecretBytes, ProviderError>;
}

/// MACs.
pub trait MacCompute: Send + Sync {
    /// Computes the MAC of `input`.
    ///
    /// # Errors
    /// [`ProviderError`], e.g. `NotSupported` for a MAC this back end lacks.
    fn compute(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Mac,
        input: &[u8],
    ) -> Result<Vec<u8>, ProviderError>;

    /// Checks `mac` over `input`, in constant time.
    ///
    /// # Errors
    /// [`ProviderError::InvalidSignature`] when it does not match.
    fn verify(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Mac,
        input: &[u8],
        mac: &[u8],
    ) -> Result<(), ProviderError>;
}

/// Hashes.
pub trait HashCompute: Send + Sync {
    /// The digest of `input`.
    ///
    /// # Errors
    /// `NotSupported` for a hash this back end lacks.
    fn compute(&self, alg: Hash, input: &[u8]) -> Result<Vec<u8>, ProviderError>;

    /// Checks, in constant time, that `input` hashes to `hash`.
    ///
    /// # Errors
    /// [`ProviderError::InvalidSignature`] on a mismatch; `InvalidArgument` when `hash` has
    /// the wrong length.
    fn compare(&self, alg: Hash, input: &[u8], hash: &[u8]) -> Result<(), ProviderError>;
}

/// Raw key agreement.
pub trait RawAgreement: Send + Sync {
    /// The raw shared secret of `key` (a key pair) and `peer_key` (a public key in PSA export
    /// format).
    ///
    /// # Errors
    /// `InvalidArgument` for a malformed peer key.
    fn raw_agreement(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: RawKeyAgreement,
        peer_key: &[u8],
    ) -> Result<SecretBytes, ProviderError>;
}

/// Random bytes.
pub trait RandomSource: Send + Sync {
    /// Fills `out` with random bytes.
    ///
    /// # Errors
    /// `InsufficientEntropy`-like failures as [`ProviderError::Other`].
    fn fill(&self, out: &mut [u8]) -> Result<(), ProviderError>;
}
