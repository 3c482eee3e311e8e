//! Key attestation (PrepareKeyAttestation and AttestKey): proving to a verifier that a key
//! lives in this provider's device. The protocol's one mechanism today is TPM 2.0
//! ActivateCredential: the verifier makes a credential (TPM2_MakeCredential) that only the
//! device holding both the attested key and the attesting key (by default the TPM's
//! endorsement key) can recover, and the provider recovers it (TPM2_ActivateCredential).
//!
//! The service resolves both keys among the caller's keys in this provider and hands them
//! over as [`KeyRef`]s, each with its [`Binding`] (a provider that seals or authorizes its
//! keys with their owner, as the TPM provider does, needs it to use them); `attesting` is
//! `None` when the request names no attesting key, for the provider's default.

use psc_psa::SecretBytes;

use crate::{Binding, KeyRef, ProviderError};

/// What a verifier needs to make an ActivateCredential challenge (PrepareKeyAttestation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialChallenge {
    /// The attested key's name in the device (a TPM2B_NAME).
    pub name: Vec<u8>,
    /// The attested key's public area (a TPM2B_PUBLIC).
    pub public: Vec<u8>,
    /// The attesting key's public key, in PSA export format.
    pub attesting_key_pub: Vec<u8>,
}

/// Key attestation with ActivateCredential.
pub trait KeyAttestation: Send + Sync {
    /// PrepareKeyAttestation: what a verifier needs to make a credential for `attested`
    /// (bound to `binding`),
    /// to be recovered with `attesting` (`None`: the provider's default attesting key).
    ///
    /// # Errors
    /// [`ProviderError`]: `NotSupported` for keys the device cannot attest, `InvalidArgument`
    /// for an attesting key that cannot attest, or the back end's failure.
    fn prepare_activate_credential(
        &self,
        attested: KeyRef<'_>,
        binding: Binding<'_>,
        attesting: Option<(KeyRef<'_>, Binding<'_>)>,
    ) -> Result<CredentialChallenge, ProviderError>;

    /// AttestKey: recovers the credential a verifier made for `attested` (its
    /// `credential_blob`, a TPM2B_ID_OBJECT's `credential`, and `secret`, a
    /// TPM2B_ENCRYPTED_SECRET's `secret`) with `attesting` (`None`: the provider's default
    /// attesting key). Only the device holding both keys can.
    ///
    /// # Errors
    /// [`ProviderError`]: `InvalidArgument` when the credential was not made for these keys,
    /// or the back end's failure.
    fn activate_credential(
        &self,
        attested: KeyRef<'_>,
        binding: Binding<'_>,
        attesting: Option<(KeyRef<'_>, Binding<'_>)>,
        credential_blob: &[u8],
        secret: &[u8],
    ) -> Result<SecretBytes, ProviderError>;
}
