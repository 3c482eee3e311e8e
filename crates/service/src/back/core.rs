//! The core provider (id 0): discovery and administration, no cryptography.

use psc_wire::Opcode;
use psc_wire::ProviderId;
use psc_wire::ops::list_providers::{ListProvidersResponse, ProviderInfo};
use uuid::Uuid;

/// The core provider's description of itself.
#[derive(Debug)]
pub(crate) struct CoreProvider {
    info: ProviderInfo,
}

/// The UUID published clients know the core provider by.
const CORE_UUID: Uuid = Uuid::from_u128(0x4704_9873_2a43_4845_9d72_831e_ab66_8784);

impl CoreProvider {
    /// The operations the dispatcher answers for the core provider.
    pub(crate) const IMPLEMENTS: &'static [Opcode] = &[
        Opcode::Ping,
        Opcode::ListProviders,
        Opcode::ListOpcodes,
        Opcode::ListAuthenticators,
    ];

    pub(crate) fn new() -> CoreProvider {
        let version = |part: &str| part.parse().unwrap_or(0);
        CoreProvider {
            info: ProviderInfo {
                uuid: CORE_UUID,
                description: "Core provider: discovery and administration, no cryptography".into(),
                vendor: "psc".into(),
                version_maj: version(env!("CARGO_PKG_VERSION_MAJOR")),
                version_min: version(env!("CARGO_PKG_VERSION_MINOR")),
                version_rev: version(env!("CARGO_PKG_VERSION_PATCH")),
                id: ProviderId::Core,
            },
        }
    }

    /// The providers, in priority order, the core provider last.
    pub(crate) fn list_providers(&self) -> ListProvidersResponse {
        ListProvidersResponse {
            providers: vec![self.info.clone()],
        }
    }
}
