//! The core provider (id 0): discovery and administration, no cryptography. It also derives
//! each provider's operations from its capabilities.

use std::collections::BTreeSet;

use psc_provider_api::Provider;
use psc_wire::ops::Capability;
use psc_wire::ops::list_providers::{ListProvidersResponse, ProviderInfo};
use psc_wire::{Opcode, ProviderId};
use uuid::Uuid;

use super::slots::Slot;

/// The UUID published clients know the core provider by.
const CORE_UUID: Uuid = Uuid::from_u128(0x4704_9873_2a43_4845_9d72_831e_ab66_8784);

/// The core provider's own entry in ListProviders.
fn core_info() -> ProviderInfo {
    let version = |part: &str| part.parse().unwrap_or(0);
    ProviderInfo {
        uuid: CORE_UUID,
        description: "Core provider: discovery and administration, no cryptography".into(),
        vendor: "psc".into(),
        version_maj: version(env!("CARGO_PKG_VERSION_MAJOR")),
        version_min: version(env!("CARGO_PKG_VERSION_MINOR")),
        version_rev: version(env!("CARGO_PKG_VERSION_PATCH")),
        id: ProviderId::Core,
    }
}

/// The providers in priority order, the core provider last (clients take the first entry as
/// their default provider).
pub(crate) fn list_providers(slots: &[Slot]) -> ListProvidersResponse {
    let mut providers: Vec<ProviderInfo> = slots
        .iter()
        .map(|slot| {
            let info = slot.provider.info();
            ProviderInfo {
                uuid: info.uuid,
                description: info.description,
                vendor: info.vendor,
                version_maj: info.version.0,
                version_min: info.version.1,
                version_rev: info.version.2,
                id: slot.id,
            }
        })
        .collect();
    providers.push(core_info());
    ListProvidersResponse { providers }
}

/// What ListOpcodes answers for the core provider: the table's core operations that
/// published clients can decode.
pub(crate) fn core_opcodes() -> BTreeSet<Opcode> {
    advertised(with(|capability| capability == Capability::Core))
}

/// The operations a provider implements: the table's operations of the capabilities it
/// exposes.
pub(crate) fn implemented(provider: &dyn Provider) -> BTreeSet<Opcode> {
    with(|capability| offers(provider, capability))
}

/// The table's operations whose capability passes `test`.
fn with(test: impl Fn(Capability) -> bool) -> BTreeSet<Opcode> {
    Opcode::ALL
        .iter()
        .copied()
        .filter(|op| test(op.spec().capability))
        .collect()
}

/// Whether `provider` exposes `capability`. One arm per capability, none per operation; the
/// match is exhaustive, so a new capability cannot be forgotten here.
fn offers(provider: &dyn Provider, capability: Capability) -> bool {
    match capability {
        Capability::Core => false,
        Capability::Every => true,
        Capability::KeyLifecycle => provider.key_lifecycle().is_some(),
        Capability::SignHash => provider.sign_hash().is_some(),
        Capability::SignMessage => provider.sign_message().is_some(),
        Capability::AsymmetricCrypt => provider.asymmetric_crypt().is_some(),
        Capability::Aead => provider.aead().is_some(),
        Capability::Cipher => provider.cipher().is_some(),
        Capability::Mac => provider.mac().is_some(),
        Capability::Hash => provider.hash().is_some(),
        Capability::KeyAgreement => provider.key_agreement().is_some(),
        Capability::Random => provider.random().is_some(),
        Capability::KeyAttestation => provider.key_attestation().is_some(),
    }
}

/// What ListOpcodes answers for a crypto provider.
pub(crate) fn provider_opcodes(provider: &dyn Provider) -> BTreeSet<Opcode> {
    advertised(implemented(provider))
}

/// Only opcodes published clients can decode are ever listed: one they do not know makes
/// the Rust client fail the whole ListOpcodes call.
fn advertised(ops: BTreeSet<Opcode>) -> BTreeSet<Opcode> {
    ops.into_iter().filter(|op| op.spec().published).collect()
}
