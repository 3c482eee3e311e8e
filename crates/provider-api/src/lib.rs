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

use psc_psa::{Attributes, Status};
use uuid::Uuid;

mod attestation;
mod capabilities;
mod cost;
pub mod digest;
mod open;
mod options;
mod secret;

pub use attestation::{CredentialChallenge, KeyAttestation};
pub use capabilities::{
    AeadCrypt, AsymmetricCrypt, CipherCrypt, HashCompute, KeyLifecycle, MacCompute, RandomSource,
    RawAgreement, SignHash, SignMessage,
};
pub use cost::{Cost, Operation};
pub use open::OpenError;
pub use options::{COMMON_KEYS, OptionsError, ProviderOptions};
pub use secret::Secret;

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

/// A crypto back end. Every capability is optional; the service derives the operations a
/// provider supports (and ListOpcodes) from the accessors that answer `Some`.
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

    /// Signing and verifying messages.
    fn sign_message(&self) -> Option<&dyn SignMessage> {
        None
    }

    /// Asymmetric encryption and decryption.
    fn asymmetric_crypt(&self) -> Option<&dyn AsymmetricCrypt> {
        None
    }

    /// Authenticated encryption.
    fn aead(&self) -> Option<&dyn AeadCrypt> {
        None
    }

    /// Unauthenticated ciphers.
    fn cipher(&self) -> Option<&dyn CipherCrypt> {
        None
    }

    /// MACs.
    fn mac(&self) -> Option<&dyn MacCompute> {
        None
    }

    /// Hashes (no key involved).
    fn hash(&self) -> Option<&dyn HashCompute> {
        None
    }

    /// Raw key agreement.
    fn key_agreement(&self) -> Option<&dyn RawAgreement> {
        None
    }

    /// Random bytes.
    fn random(&self) -> Option<&dyn RandomSource> {
        None
    }

    /// Key attestation (PrepareKeyAttestation and AttestKey), for devices that can prove a
    /// key lives in them (a TPM).
    fn key_attestation(&self) -> Option<&dyn KeyAttestation> {
        None
    }

    /// How long `operation` on a key like `key` (`None`: no key involved) may take, which
    /// decides where the service runs it: [`Cost::Inline`] on its async workers, next to
    /// the discovery operations; [`Cost::Device`] off them, on threads at normal priority;
    /// [`Cost::Slow`] off them, on a few threads below the rest of the service. Both are
    /// shared fairly between applications. A back end whose calls may wait for a device
    /// answers `Slow` (the default), or `Device` for what the device answers quickly; one
    /// that computes in process answers `Inline` for what takes at most about a
    /// millisecond.
    fn cost(&self, operation: Operation, key: Option<&Attributes>) -> Cost {
        let _ = (operation, key);
        Cost::Slow
    }

    /// Whether a key like `attributes` can be created (`Generate`, `Import`) or used with
    /// its permitted algorithm (`Use`). Must agree with what the capabilities actually do.
    ///
    /// # Errors
    /// `NotSupported` when it cannot; `InvalidArgument` for attributes that make no sense.
    fn can_do(&self, check: Check, attributes: &Attributes) -> Result<(), ProviderError> {
        let _ = (check, attributes);
        Err(ProviderError::NotSupported("CanDoCrypto".into()))
    }

    /// A value identifying the root secret the provider's keys depend on (a master key, say),
    /// which the service records in the key store and compares at every start and reload, so
    /// that keys are never served under another root. `None` for a provider without one.
    fn root_check(&self) -> Option<RootCheck> {
        None
    }
}

/// The key check value of a provider's root secret, and where that secret lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RootCheck {
    /// A one-way function of the secret (e.g. a MAC of a constant under it): equal for the
    /// same secret, different for any other, and revealing nothing of it.
    pub value: Vec<u8>,
    /// Where the secret lives, for messages: "master key file /var/lib/...".
    pub source: String,
}

/// The question CanDoCrypto asks.
///
/// The service answers the common part of every CanDoCrypto itself, the same way for every
/// provider, before it asks the provider's `can_do`; every refusal is
/// `PsaErrorNotSupported`, as in the original:
///
/// | check | refused by the service when | then the provider decides |
/// |---|---|---|
/// | Derive (on the wire) | always | — |
/// | `Use` | the permitted algorithm is None, or the usage flags allow none of encrypt, decrypt, sign or verify (hash or message) | whether it runs the algorithm on such a key |
/// | any | the algorithm does not fit the key's type and size (an RSA key with ECDSA, a 256-bit RSA key with any RSA algorithm, an AEAD tag length its construction lacks) | |
/// | `Generate`, `Import` | the size is not one the key type allows (0: any) | whether it keeps such keys, and runs the algorithm on them |
/// | `Generate` | a public key type; a deprecated primitive without `allow_deprecated` | |
///
/// A provider's `can_do` answers from the same predicates its operations use, so a `Use`
/// that succeeds means the operation will run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Check {
    /// Can an existing key of this type and size (0 = any) run its permitted algorithm?
    Use,
    /// Can such a key be generated?
    Generate,
    /// Can such a key be imported?
    Import,
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
    /// A back-end failure that keeps its cause (for PKCS#11: the function and its `CKR_`
    /// value; for a TPM: the command and its response code), answered with `status`. Its
    /// `Display` is `context` alone; the service logs the whole chain once, where the
    /// failure becomes a wire status.
    #[error("{context}")]
    Caused {
        /// The status the protocol answers.
        status: Status,
        /// What was being done.
        context: String,
        /// The back end's own error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
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
            ProviderError::Caused { status, .. } => *status,
        }
    }

    /// A failure answered with `status` that keeps `source` as its cause.
    pub fn caused(
        status: Status,
        context: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> ProviderError {
        ProviderError::Caused {
            status,
            context: context.into(),
            source: Box::new(source),
        }
    }
}
