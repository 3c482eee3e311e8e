//! The daemon's library half: the one place that names concrete providers. The `parsec`
//! binary and the test kit both build their services through [`Factory`], so tests run the
//! same provider set the daemon does.

pub mod log_sink;

use psc_provider_api::{OpenError, Provider};
use psc_service::config::{ProviderConfig, ProviderKind};
use psc_service::{ProviderFactory, StoreState};

/// Builds the providers compiled into this daemon (Cargo features select them).
#[derive(Clone, Copy, Debug, Default)]
pub struct Factory;

impl ProviderFactory for Factory {
    fn build(&self, config: &ProviderConfig) -> Result<Box<dyn Provider>, OpenError> {
        self.build_for_store(config, StoreState::new(true))
    }

    fn build_for_store(
        &self,
        config: &ProviderConfig,
        store: StoreState,
    ) -> Result<Box<dyn Provider>, OpenError> {
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
            .map_err(|e| {
                OpenError::Failed(match e {
                    psc_provider_software::OpenError::Missing { .. } => {
                        format!("{e} (key store {})", config.key_store.display())
                    }
                    other => other.to_string(),
                })
            }),
            ProviderKind::Own {
                provider_type,
                options,
            } => build_own(provider_type, options),
            // Only the type is named: the options may hold secrets.
            #[allow(unreachable_patterns)] // reachable when a provider's feature is off
            _ => Err(OpenError::Failed(format!(
                "provider_type {:?} is not compiled into this daemon",
                config.id
            ))),
        }
    }
}

/// The providers whose crates parse their own options, by `provider_type`.
fn build_own(
    provider_type: &str,
    options: &psc_provider_api::ProviderOptions,
) -> Result<Box<dyn Provider>, OpenError> {
    let _ = options;
    match provider_type {
        #[cfg(feature = "pkcs11")]
        "Pkcs11" => psc_provider_pkcs11::Pkcs11Provider::from_options(options)
            .map(|p| Box::new(p) as Box<dyn Provider>),
        #[cfg(feature = "test-provider")]
        "TestExternal" => psc_test_provider::TestProvider::from_options(options)
            .map(|p| Box::new(p) as Box<dyn Provider>),
        other => Err(OpenError::Failed(format!(
            "provider_type {other:?} is not compiled into this daemon"
        ))),
    }
}
