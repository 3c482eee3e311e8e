//! The daemon's library half: the one place that names concrete providers. The `parsec`
//! binary and the test kit both build their services through [`Factory`], so tests run the
//! same provider set the daemon does.

use psc_provider_api::Provider;
use psc_service::ProviderFactory;
use psc_service::config::{ProviderConfig, ProviderKind};

/// Builds the providers compiled into this daemon (Cargo features select them).
#[derive(Clone, Copy, Debug, Default)]
pub struct Factory;

impl ProviderFactory for Factory {
    fn build(&self, config: &ProviderConfig) -> Result<Box<dyn Provider>, String> {
        match &config.kind {
            #[cfg(feature = "software-provider")]
            ProviderKind::Software { master_key_path } => {
                psc_provider_software::SoftwareProvider::open(master_key_path)
                    .map(|p| Box::new(p) as Box<dyn Provider>)
                    .map_err(|e| e.to_string())
            }
            #[cfg(feature = "test-provider")]
            ProviderKind::TestExternal { objects_dir } => {
                psc_test_provider::TestProvider::open(objects_dir)
                    .map(|p| Box::new(p) as Box<dyn Provider>)
            }
            #[allow(unreachable_patterns)] // reachable when a provider's feature is off
            other => Err(format!("{other:?} is not compiled into this daemon")),
        }
    }
}
