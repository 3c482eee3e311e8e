//! Key attestation: PrepareKeyAttestation and AttestKey, served by a provider's
//! [`KeyAttestation`] capability. A provider without it answers NotSupported before any key
//! is looked up; otherwise both keys are resolved among the caller's keys in this provider
//! (an empty attesting key name asks for the provider's default) and handed over as
//! [`KeyRef`]s. Attestation reveals no key material and uses no algorithm of the key's
//! policy, so no usage flag is checked.

use psc_provider_api::{Binding, KeyAttestation, KeyRef};
use psc_wire::Opcode;
use psc_wire::ops::attest_key::{AttestationOutput, AttestationParams};
use psc_wire::ops::prepare_key_attestation::{PrepareOutput, PrepareParams};
use psc_wire::ops::{
    AttestKeyRequest, AttestKeyResponse, PrepareKeyAttestationRequest,
    PrepareKeyAttestationResponse,
};

use super::slots::Slot;
use crate::auth::Application;
use crate::error::Error;
use crate::keystore::{KeyRecord, binding};

/// The slot's attestation capability, or NotSupported.
fn capability(slot: &Slot, opcode: Opcode) -> Result<&dyn KeyAttestation, Error> {
    slot.provider.key_attestation().ok_or(Error::NotSupported {
        opcode,
        provider: slot.id,
    })
}

/// A key as resolved for the provider: its record and its binding.
type Bound = (std::sync::Arc<KeyRecord>, Vec<u8>);

/// The attesting key and its binding, or `None` (the provider's default) for an empty name.
fn attesting(slot: &Slot, app: &Application, name: &str) -> Result<Option<Bound>, Error> {
    if name.is_empty() {
        Ok(None)
    } else {
        Ok(Some((slot.key(app, name)?, binding(app, name))))
    }
}

/// The attesting key as the provider takes it.
fn attesting_ref(attesting: Option<&Bound>) -> Option<(KeyRef<'_>, Binding<'_>)> {
    attesting.map(|(record, owner)| (key_ref(record), Binding(owner)))
}

fn key_ref(record: &KeyRecord) -> KeyRef<'_> {
    KeyRef {
        attributes: &record.attributes,
        blob: &record.blob,
    }
}

fn provider_error(slot: &Slot) -> impl FnOnce(psc_provider_api::ProviderError) -> Error {
    let provider = slot.id;
    move |source| Error::Provider { provider, source }
}

pub(crate) fn prepare(
    slot: &Slot,
    app: &Application,
    r: &PrepareKeyAttestationRequest,
) -> Result<PrepareKeyAttestationResponse, Error> {
    let attestation = capability(slot, Opcode::PrepareKeyAttestation)?;
    let PrepareParams::ActivateCredential {
        attested_key_name,
        attesting_key_name,
    } = &r.parameters;
    let attested = slot.key(app, attested_key_name)?;
    let owner = binding(app, attested_key_name);
    let attesting = attesting(slot, app, attesting_key_name)?;
    let challenge = attestation
        .prepare_activate_credential(
            key_ref(&attested),
            Binding(&owner),
            attesting_ref(attesting.as_ref()),
        )
        .map_err(provider_error(slot))?;
    Ok(PrepareKeyAttestationResponse {
        output: PrepareOutput::ActivateCredential {
            name: challenge.name,
            public: challenge.public,
            attesting_key_pub: challenge.attesting_key_pub,
        },
    })
}

pub(crate) fn attest(
    slot: &Slot,
    app: &Application,
    r: &AttestKeyRequest,
) -> Result<AttestKeyResponse, Error> {
    let attestation = capability(slot, Opcode::AttestKey)?;
    let AttestationParams::ActivateCredential {
        credential_blob,
        secret,
    } = &r.parameters;
    let attested = slot.key(app, &r.attested_key_name)?;
    let owner = binding(app, &r.attested_key_name);
    let attesting = attesting(slot, app, &r.attesting_key_name)?;
    let credential = attestation
        .activate_credential(
            key_ref(&attested),
            Binding(&owner),
            attesting_ref(attesting.as_ref()),
            credential_blob,
            secret,
        )
        .map_err(provider_error(slot))?;
    Ok(AttestKeyResponse {
        output: AttestationOutput::ActivateCredential { credential },
    })
}
