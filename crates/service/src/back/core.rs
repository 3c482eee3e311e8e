//! The core provider (id 0): discovery and administration, no cryptography. It also derives
//! each provider's operations from its capabilities.

use std::collections::BTreeSet;

use psc_provider_api::Provider;
use psc_wire::ops::list_providers::{ListProvidersResponse, ProviderInfo};
use psc_wire::{Opcode, ProviderId};
use uuid::Uuid;

use super::slots::Slot;

/// The UUID published clients know the core provider by.
const CORE_UUID: Uuid = Uuid::from_u128(0x4704_9873_2a43_4845_9d72_831e_ab66_8784);

/// The operations the dispatcher answers for the core provider.
const CORE_OPCODES: &[Opcode] = &[
    Opcode::Ping,
    Opcode::ListProviders,
    Opcode::ListOpcodes,
    Opcode::ListAuthenticators,
    Opcode::ListKeys,
    Opcode::ListClients,
    Opcode::DeleteClient,
];

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

/// What ListOpcodes answers for the core provider: what it implements and published clients
/// can decode.
pub(crate) fn core_opcodes() -> BTreeSet<Opcode> {
    advertised(CORE_OPCODES.iter().copied())
}

/// The operations a provider implements, from the capabilities it exposes.
pub(crate) fn implemented(provider: &dyn Provider) -> BTreeSet<Opcode> {
    let mut ops = vec![Opcode::CanDoCrypto];
    let mut add = |present: bool, opcodes: &[Opcode]| {
        if present {
            ops.extend_from_slice(opcodes);
        }
    };
    add(
        provider.key_lifecycle().is_some(),
        &[
            Opcode::PsaGenerateKey,
            Opcode::PsaImportKey,
            Opcode::PsaExportPublicKey,
            Opcode::PsaExportKey,
            Opcode::PsaDestroyKey,
        ],
    );
    add(
        provider.sign_hash().is_some(),
        &[Opcode::PsaSignHash, Opcode::PsaVerifyHash],
    );
    add(
        provider.sign_message().is_some(),
        &[Opcode::PsaSignMessage, Opcode::PsaVerifyMessage],
    );
    add(
        provider.asymmetric_crypt().is_some(),
        &[Opcode::PsaAsymmetricEncrypt, Opcode::PsaAsymmetricDecrypt],
    );
    add(
        provider.aead().is_some(),
        &[Opcode::PsaAeadEncrypt, Opcode::PsaAeadDecrypt],
    );
    add(
        provider.cipher().is_some(),
        &[Opcode::PsaCipherEncrypt, Opcode::PsaCipherDecrypt],
    );
    add(
        provider.mac().is_some(),
        &[Opcode::PsaMacCompute, Opcode::PsaMacVerify],
    );
    add(
        provider.hash().is_some(),
        &[Opcode::PsaHashCompute, Opcode::PsaHashCompare],
    );
    add(
        provider.key_agreement().is_some(),
        &[Opcode::PsaRawKeyAgreement],
    );
    add(provider.random().is_some(), &[Opcode::PsaGenerateRandom]);
    ops.into_iter().collect()
}

/// What ListOpcodes answers for a crypto provider.
pub(crate) fn provider_opcodes(provider: &dyn Provider) -> BTreeSet<Opcode> {
    advertised(implemented(provider).into_iter())
}

/// Only opcodes published clients can decode are ever listed: one they do not know makes
/// the Rust client fail the whole ListOpcodes call.
fn advertised(ops: impl Iterator<Item = Opcode>) -> BTreeSet<Opcode> {
    ops.filter(|op| op.spec().published).collect()
}
