//! The interface between the service and a crypto back end.
//!
//! A [`Provider`] describes itself and exposes capabilities: small traits of one to four
//! methods, each returned by an accessor that answers `None` when the back end lacks it. The
//! service derives the operations a provider supports from these accessors, so there is no
//! hand-kept opcode list to drift out of date.
//!
//! Providers never see applications or key names. The service resolves a request's key name
//! to a [`KeyRef`] (the attributes and the provider's own blob) and has checked the key's
//! policy before any capability method runs. A provider's only duty is the cryptography.

use std::fmt;

use psc_psa::{AsymmetricSignature, Attributes, Status};
use uuid::Uuid;

/// How a provider describes itself in ListProviders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderInfo {
    /// The implementation's UUID.
    pub uuid: Uuid,
    /// Free text.
    pub description: String,
    /// Free text.
    pub vendor: String,
    /// Version: major, minor, revision.
    pub version: (u32, u32, u32),
}

/// A crypto back end.
pub trait Provider: Send + Sync + fmt::Debug {
    /// How ListProviders describes it.
    fn info(&self) -> ProviderInfo;

    /// Creating, importing, exporting and destroying keys.
    fn key_lifecycle(&self) -> Option<&dyn KeyLifecycle> {
        None
    }

    /// Signing and verifying hashes.
    fn sign_hash(&self) -> Option<&dyn SignHash> {
        None
    }
}

/// A key as the service hands it to its provider: already found, owned by the caller, and
/// allowed by its policy for the operation at hand.
#[derive(Clone, Copy, Debug)]
pub struct KeyRef<'a> {
    /// The key's attributes.
    pub attributes: &'a Attributes,
    /// What the provider returned when the key was created (a sealed key, a token object id…).
    pub blob: &'a [u8],
}

/// What a provider keeps about a new key, persisted by the service with the key's mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewKey {
    /// The provider's reference to the key; opaque to the service.
    pub blob: Vec<u8>,
    /// The attributes with the actual size filled in (imports may declare 0 bits).
    pub attributes: Attributes,
}

/// Opaque bytes naming a key's owner and name, chosen by the service. A provider that seals
/// key material binds the seal to them (e.g. as AEAD associated data), so a sealed key copied
/// to another owner's entry fails to open. Providers must not interpret them.
#[derive(Clone, Copy, Debug)]
pub struct Binding<'a>(pub &'a [u8]);

/// Key lifecycle.
pub trait KeyLifecycle: Send + Sync {
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
    /// [`ProviderError`], e.g. `NotSupported` for a symmetric key.
    fn export_public(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
    ) -> Result<Vec<u8>, ProviderError>;

    /// Whether keys have state outside their blob (a token object, a file). The service then
    /// records its intent before creating or destroying a key, so that a crash in between
    /// leaves no orphan; keys that live only in their blob are created and destroyed by one
    /// atomic write of the key store.
    fn keeps_external_state(&self) -> bool {
        false
    }

    /// Destroys what the provider holds for the key. Keys that live only in their blob have
    /// nothing to destroy.
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

/// Why a provider failed. Each variant maps to one PSA status.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProviderError {
    /// The back end does not support this algorithm, type or size.
    #[error("not supported: {0}")]
    NotSupported(String),
    /// An argument is malformed or out of range.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A signature, MAC or tag does not verify.
    #[error("invalid signature")]
    InvalidSignature,
    /// Decryption found bad padding.
    #[error("invalid padding")]
    InvalidPadding,
    /// A stored key failed its integrity check (tampered, or sealed for another identity).
    #[error("stored key is corrupt: {0}")]
    CorruptKey(String),
    /// The back end's storage failed.
    #[error("storage failure: {0}")]
    Storage(String),
    /// The device failed or is unreachable.
    #[error("hardware failure: {0}")]
    Hardware(String),
    /// Anything else.
    #[error("provider failure: {0}")]
    Other(String),
}

impl ProviderError {
    /// The status the protocol answers for this failure.
    pub fn status(&self) -> Status {
        match self {
            ProviderError::NotSupported(_) => Status::PsaErrorNotSupported,
            ProviderError::InvalidArgument(_) => Status::PsaErrorInvalidArgument,
            ProviderError::InvalidSignature => Status::PsaErrorInvalidSignature,
            ProviderError::InvalidPadding => Status::PsaErrorInvalidPadding,
            ProviderError::CorruptKey(_) => Status::PsaErrorDataCorrupt,
            ProviderError::Storage(_) => Status::PsaErrorStorageFailure,
            ProviderError::Hardware(_) => Status::PsaErrorHardwareFailure,
            ProviderError::Other(_) => Status::PsaErrorGenericError,
        }
    }
}
