//! The TPM 2.0 provider: keys bound to the host's TPM through the TSS Enhanced System API
//! (`tss-esapi` 7.7 over tpm2-tss).
//!
//! At start the provider derives a storage primary key in the owner hierarchy from a fixed
//! template (`device.rs`), so the same TPM gives the same key every time; its TPM name is
//! the provider's [root check](psc_provider_api::RootCheck), recorded in the key store and
//! compared at every start: a cleared TPM, a changed owner seed or another TPM refuses the
//! start with a message saying so. Every key is made under it and kept only as its blob in
//! the key store (`blob.rs`: the public area and the TPM-wrapped private area), never
//! persistent in the TPM: keys survive daemon restarts and TPM resets.
//!
//! | family | keys | operations |
//! |---|---|---|
//! | RSA | 2048 (and 3072, 4096 where the TPM has them) generated; key pairs (TPM2_Import) and public keys imported | PKCS#1 v1.5 and PSS signatures, PKCS#1 v1.5 and OAEP encryption, SHA-256/384/512 |
//! | ECC | SECP-R1 P-256, P-384 (P-521 where the TPM has it) generated; key pairs (TPM2_Import) and public keys imported | ECDSA, SHA-256/384/512; raw ECDH (TPM2_ECDH_ZGen) |
//! | random | — | TPM2_GetRandom, in chunks |
//! | attestation | key pairs | ActivateCredential against the TCG default RSA-2048 endorsement key (`attest.rs`) |
//!
//! What the TPM cannot do answers `NotSupported`, and CanDoCrypto answers from what the
//! TPM itself said at start (TPM2_TestParms for key sizes, TPM2_Hash for hashes): RSA-1024,
//! SHA-1 and SHA-224 signatures, deterministic and any-hash ECDSA, raw PKCS#1 v1.5,
//! OAEP labels that do not end in their only zero byte, ECDH with a key derivation, symmetric keys,
//! private-key export.
//!
//! One ESAPI context serves every request, behind a mutex (swtpm and `/dev/tpm0` serve one
//! client), with the last key used left loaded; a lost connection is dropped and the next
//! request connects again. Every operation may wait for the device, so [`Provider::cost`]
//! answers [`Cost::Slow`] for all but reading a public key from its blob.

use psc_provider_api::{
    AsymmetricCrypt, Check, Cost, KeyAttestation, KeyLifecycle, OpenError, Operation, Provider,
    ProviderError, ProviderInfo, ProviderOptions, RandomSource, RawAgreement, RootCheck, SignHash,
    SignMessage,
};
use psc_psa::{Algorithm, Attributes, KeyType};
use uuid::Uuid;

mod attest;
mod blob;
mod device;
mod error;
mod keys;
mod ops;
mod options;

pub use error::TpmError;
pub use options::{DEFAULT_DEVICE, TpmOptions};

use device::{Device, OpenFailure};
use keys::Use;

/// This implementation's UUID in ListProviders: the original TPM provider's, so that
/// clients looking for a TPM find it.
pub const TPM_PROVIDER_UUID: Uuid = Uuid::from_u128(0x1e49_54a4_ff21_46d3_ab0c_661e_eb66_7e1d);

/// The TPM provider.
#[derive(Debug)]
pub struct TpmProvider {
    device: Device,
    check: RootCheck,
}

impl TpmProvider {
    /// The provider for a `[[provider]]` table of `provider_type = "Tpm"`.
    ///
    /// # Errors
    /// [`OpenError::Failed`] for a bad option or a TPM that refuses to start;
    /// [`OpenError::Absent`] when the TPM cannot be reached and `skip_if_no_tpm` is set.
    pub fn from_options(options: &ProviderOptions) -> Result<TpmProvider, OpenError> {
        let options =
            TpmOptions::from_options(options).map_err(|e| OpenError::Failed(e.to_string()))?;
        TpmProvider::open(&options)
    }

    /// The provider on the TPM `options` name.
    ///
    /// # Errors
    /// As [`from_options`](Self::from_options).
    pub fn open(options: &TpmOptions) -> Result<TpmProvider, OpenError> {
        let device = Device::open(options).map_err(|failure| match failure {
            OpenFailure::Unreachable(e) if options.skip_if_no_tpm => {
                OpenError::Absent(format!("no TPM at {}: {e}", options.tcti))
            }
            OpenFailure::Unreachable(e) => OpenError::Failed(format!(
                "no TPM at {}: {e} (set skip_if_no_tpm = true to start without it)",
                options.tcti
            )),
            OpenFailure::Refused(e) => OpenError::Failed(format!(
                "the TPM at {} refused the start: {e}",
                options.tcti
            )),
        })?;
        let check = RootCheck {
            value: device.primary_name.clone(),
            source: format!(
                "the storage primary key of the TPM at {} (derived from its owner hierarchy's \
                 seed: the TPM was cleared, its owner seed changed, or this is another TPM)",
                options.tcti
            ),
        };
        Ok(TpmProvider { device, check })
    }

    /// The storage primary key's TPM name (its name algorithm, then the digest of its
    /// public area).
    pub fn primary_name(&self) -> &[u8] {
        &self.device.primary_name
    }
}

impl Provider for TpmProvider {
    fn info(&self) -> ProviderInfo {
        ProviderInfo {
            uuid: TPM_PROVIDER_UUID,
            description: "TPM 2.0 provider: keys wrapped under a storage primary key of the \
                          host's TPM"
                .into(),
            vendor: "psc".into(),
            version: (0, 1, 0),
        }
    }

    fn key_lifecycle(&self) -> Option<&dyn KeyLifecycle> {
        Some(self)
    }

    fn sign_hash(&self) -> Option<&dyn SignHash> {
        Some(self)
    }

    fn sign_message(&self) -> Option<&dyn SignMessage> {
        Some(self)
    }

    fn asymmetric_crypt(&self) -> Option<&dyn AsymmetricCrypt> {
        Some(self)
    }

    fn key_agreement(&self) -> Option<&dyn RawAgreement> {
        Some(self)
    }

    fn random(&self) -> Option<&dyn RandomSource> {
        Some(self)
    }

    fn key_attestation(&self) -> Option<&dyn KeyAttestation> {
        Some(self)
    }

    fn cost(&self, operation: Operation, key: Option<&Attributes>) -> Cost {
        // ExportPublicKey reads the key's blob, and ExportKey answers NotSupported at once
        // (a TPM releases no key material): neither calls the TPM. Everything else waits
        // for it.
        if matches!(operation, Operation::Export | Operation::ExportPublic) && key.is_some() {
            Cost::Inline
        } else {
            Cost::Slow
        }
    }

    fn can_do(&self, check: Check, attributes: &Attributes) -> Result<(), ProviderError> {
        let caps = &self.device.capabilities;
        let key_type = attributes.key_type;
        let unsupported = || {
            Err(ProviderError::NotSupported(format!(
                "{check:?} {attributes:?} on this TPM"
            )))
        };
        let created = match check {
            Check::Use => true,
            Check::Generate => matches!(key_type, KeyType::RsaKeyPair | KeyType::EccKeyPair { .. }),
            Check::Import => key_type.is_public_key() || key_type.is_key_pair(),
        };
        if !created || !keys::supports_key(caps, key_type, attributes.bits) {
            return unsupported();
        }
        let alg = attributes.policy.permitted_algorithm;
        let ok = match (check, alg) {
            (Check::Generate | Check::Import, Algorithm::None) => true,
            _ => keys::use_of(caps, key_type, alg) != Use::Nothing,
        };
        if ok { Ok(()) } else { unsupported() }
    }

    fn root_check(&self) -> Option<RootCheck> {
        Some(self.check.clone())
    }
}
