//! The daemon's library half: the one place that names concrete providers. The `parsec`
//! binary and the test kit both build their services through [`Factory`], so tests run the
//! same provider set the daemon does.

pub mod log_sink;

use psc_provider_api::Provider;
use psc_service::config::{ProviderConfig, ProviderKind};
use psc_service::{ProviderFactory, StoreState};

/// Builds the providers compiled into this daemon (Cargo features select them).
#[derive(Clone, Copy, Debug, Default)]
pub struct Factory;

impl ProviderFactory for Factory {
    fn build(&self, config: &ProviderConfig) -> Result<Box<dyn Provider>, String> {
        self.build_for_store(config, StoreState::new(true))
    }

    fn build_for_store(
        &self,
        config: &ProviderConfig,
        store: StoreState,
    ) -> Result<Box<dyn Provider>, String> {
        match &config.kind {
            #[cfg(feature = "software-provider")]
            ProviderKind::Software {
                master_key_path,
                key_cache_size,
            } => psc_provider_software::SoftwareProvider::open_for_store(
                master_key_path,
                store.empty,
                *key_cache_size,
            )
            .map(|p| Box::new(p) as Box<dyn Provider>)
            .map_err(|e| match e {
                psc_provider_software::OpenError::Missing { .. } => {
                    format!("{e} (key store {})", config.key_store.display())
                }
                other => other.to_string(),
            }),
            #[allow(unreachable_patterns)] // reachable when a provider's feature is off
            other => Err(format!("{other:?} is not compiled into this daemon")),
        }
    }
}
