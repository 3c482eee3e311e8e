//! Key attestation with TPM2_ActivateCredential, against the TPM's endorsement key.
//!
//! PrepareKeyAttestation answers what a verifier needs for TPM2_MakeCredential: the key's
//! TPM name, its public area (hashed with the name's algorithm it gives the name, so the
//! verifier can check what it attests), and the endorsement key's public key. AttestKey
//! loads the key beside the endorsement key and recovers the verifier's credential: only
//! the TPM holding both can.
//!
//! The endorsement key is the TCG EK Credential Profile's default RSA-2048 key (template
//! "L-1"), derived again from the endorsement hierarchy's seed each time (TPM2_CreatePrimary)
//! and flushed after use: the same key `swtpm_setup --createek` or `tpm2_createek` make,
//! whose certificate a manufacturer signs. Its use needs a policy session with
//! TPM2_PolicySecret on the endorsement hierarchy (`endorsement_hierarchy_auth`). As the
//! original, only this default key attests: a named attesting key is not supported.

use psc_provider_api::{Binding, CredentialChallenge, KeyAttestation, KeyRef, ProviderError};
use psc_psa::SecretBytes;
use tss_esapi::Context;
use tss_esapi::abstraction::ek;
use tss_esapi::constants::SessionType;
use tss_esapi::constants::response_code::Tss2ResponseCodeKind as Kind;
use tss_esapi::handles::{AuthHandle, KeyHandle, SessionHandle};
use tss_esapi::interface_types::algorithm::{AsymmetricAlgorithm, HashingAlgorithm};
use tss_esapi::interface_types::resource_handles::Hierarchy;
use tss_esapi::interface_types::session_handles::{AuthSession, PolicySession};
use tss_esapi::structures::{EncryptedSecret, IdObject, Public, SymmetricDefinition};
use tss_esapi::traits::Marshall;

use crate::TpmProvider;
use crate::blob::{Blob, Kind as BlobKind};
use crate::device::Inner;
use crate::error::{Command, TpmError};
use crate::keys;

/// The key pair `attested`, with the provider's default attesting key only.
fn attested_pair(
    provider: &TpmProvider,
    attested: KeyRef<'_>,
    binding: Binding<'_>,
    attesting: Option<(KeyRef<'_>, Binding<'_>)>,
) -> Result<Blob, ProviderError> {
    if attesting.is_some() {
        return Err(ProviderError::NotSupported(
            "an attesting key other than the TPM's endorsement key".into(),
        ));
    }
    let blob = provider.open_key(attested, binding)?;
    if blob.kind != BlobKind::Pair {
        return Err(ProviderError::NotSupported(
            "attesting a public key: only key pairs live in the TPM".into(),
        ));
    }
    Ok(blob)
}

/// Derives the endorsement key (a transient primary), to be flushed by the caller.
fn endorsement_key(ctx: &mut Context) -> Result<(KeyHandle, Public), TpmError> {
    let template = ek::create_ek_public_from_default_template(AsymmetricAlgorithm::Rsa, None)
        .command("the TCG default EK template")?;
    let created = ctx
        .create_primary(Hierarchy::Endorsement, template, None, None, None, None)
        .command("TPM2_CreatePrimary (endorsement key)")?;
    Ok((created.key_handle, created.out_public))
}

/// The endorsement key's public area, derived once per connection.
fn endorsement_public(inner: &mut Inner) -> Result<Public, TpmError> {
    if let Some(public) = &inner.ek_public {
        return Ok(public.clone());
    }
    let (handle, public) = endorsement_key(&mut inner.ctx)?;
    inner.flush(handle.into());
    inner.ek_public = Some(public.clone());
    Ok(public)
}

/// A policy session satisfying the endorsement key's policy (PolicySecret on the
/// endorsement hierarchy, authorized by the provider's HMAC session).
fn endorsement_policy(ctx: &mut Context) -> Result<AuthSession, TpmError> {
    let session = ctx
        .start_auth_session(
            None,
            None,
            None,
            SessionType::Policy,
            SymmetricDefinition::AES_128_CFB,
            HashingAlgorithm::Sha256,
        )
        .command("TPM2_StartAuthSession (policy)")?
        .ok_or(TpmError {
            command: "TPM2_StartAuthSession (policy)",
            error: tss_esapi::Error::WrapperError(tss_esapi::WrapperErrorKind::WrongValueFromTpm),
        })?;
    let policy = PolicySession::try_from(session).command("policy session")?;
    let secret = ctx
        .policy_secret(
            policy,
            AuthHandle::Endorsement,
            Default::default(),
            Default::default(),
            Default::default(),
            None,
        )
        .command("TPM2_PolicySecret (endorsement)");
    if let Err(e) = secret {
        let _ = ctx.flush_context(SessionHandle::from(session).into());
        return Err(e);
    }
    Ok(session)
}

impl KeyAttestation for TpmProvider {
    fn prepare_activate_credential(
        &self,
        attested: KeyRef<'_>,
        binding: Binding<'_>,
        attesting: Option<(KeyRef<'_>, Binding<'_>)>,
    ) -> Result<CredentialChallenge, ProviderError> {
        let blob = attested_pair(self, attested, binding, attesting)?;
        let auth = blob.auth(binding, attested.attributes);
        let public = blob
            .public
            .marshall()
            .map_err(|e| ProviderError::Other(format!("cannot marshal TPMT_PUBLIC: {e}")))?;
        let (name, ek) = self.device.with(|inner| {
            // Loading the key proves the TPM holds it; the TPM names it.
            let name = inner.with_key(&blob.public, &blob.private, &auth, |ctx, handle| {
                ctx.tr_get_name(handle.into()).command("Esys_TR_GetName")
            })?;
            Ok((name.value().to_vec(), endorsement_public(inner)?))
        })?;
        Ok(CredentialChallenge {
            name,
            public,
            attesting_key_pub: keys::export_public(&ek)?,
        })
    }

    fn activate_credential(
        &self,
        attested: KeyRef<'_>,
        binding: Binding<'_>,
        attesting: Option<(KeyRef<'_>, Binding<'_>)>,
        credential_blob: &[u8],
        secret: &[u8],
    ) -> Result<SecretBytes, ProviderError> {
        let blob = attested_pair(self, attested, binding, attesting)?;
        let auth = blob.auth(binding, attested.attributes);
        let credential_blob = IdObject::try_from(credential_blob.to_vec()).map_err(|_| {
            ProviderError::InvalidArgument("the credential blob is over a TPM2B_ID_OBJECT".into())
        })?;
        let secret = EncryptedSecret::try_from(secret.to_vec()).map_err(|_| {
            ProviderError::InvalidArgument("the secret is over a TPM2B_ENCRYPTED_SECRET".into())
        })?;
        let recovered = self.device.with(|inner| {
            // Three transient objects: the storage primary, the key, the EK.
            inner.evict();
            let policy = endorsement_policy(&mut inner.ctx)?;
            let result = endorsement_key(&mut inner.ctx).and_then(|(ek, _)| {
                let result = inner.with_key(&blob.public, &blob.private, &auth, |ctx, key| {
                    let (hmac, _, _) = ctx.sessions();
                    ctx.execute_with_sessions((hmac, Some(policy), None), |ctx| {
                        ctx.activate_credential(key, ek, credential_blob, secret)
                    })
                    .command("TPM2_ActivateCredential")
                });
                inner.flush(ek.into());
                result
            });
            inner.flush(SessionHandle::from(policy).into());
            result
        });
        match recovered {
            Ok(credential) => Ok(SecretBytes::from(credential.value())),
            // A credential made for another key or another TPM fails its integrity check;
            // swtpm answers TPM_RC_FAILURE for a secret the EK cannot decrypt.
            Err(e)
                if e.command == "TPM2_ActivateCredential"
                    && matches!(
                        e.kind(),
                        Some(
                            Kind::Integrity
                                | Kind::Value
                                | Kind::Size
                                | Kind::Failure
                                | Kind::EccPoint
                                | Kind::Scheme
                        )
                    ) =>
            {
                Err(ProviderError::InvalidArgument(format!(
                    "the credential was not made for this key and this TPM's endorsement key: {e}"
                )))
            }
            Err(e) => Err(e.into()),
        }
    }
}
