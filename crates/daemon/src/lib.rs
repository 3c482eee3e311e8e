//! The daemon's library half: the one place that names concrete providers. The `parsec`
//! binary and the test kit both build their services through [`Factory`], so tests run the
//! same provider set the daemon does.

pub mod log_sink;

use std::path::PathBuf;

use psc_provider_api::{OpenError, Provider};
use psc_service::config::ProviderConfig;
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
        let _ = store;
        match config.provider_type.as_str() {
            #[cfg(feature = "software-provider")]
            "MbedCrypto" => software(config, store.empty),
            #[cfg(feature = "pkcs11")]
            "Pkcs11" => psc_provider_pkcs11::Pkcs11Provider::from_options(&config.options)
                .map(|p| Box::new(p) as Box<dyn Provider>),
            #[cfg(feature = "tpm")]
            "Tpm" => psc_provider_tpm::TpmProvider::from_options(&config.options)
                .map(|p| Box::new(p) as Box<dyn Provider>),
            #[cfg(feature = "test-provider")]
            "TestExternal" => psc_test_provider::TestProvider::from_options(&config.options)
                .map(|p| Box::new(p) as Box<dyn Provider>),
            // Only the type is named: the options may hold secrets.
            other => Err(OpenError::Failed(format!(
                "provider_type {other:?} is not compiled into this daemon"
            ))),
        }
    }

    fn secret_files(&self, config: &ProviderConfig) -> Result<Vec<PathBuf>, OpenError> {
        match config.provider_type.as_str() {
            #[cfg(feature = "software-provider")]
            "MbedCrypto" => Ok(software_options(config)?.secret_files()),
            _ => Ok(Vec::new()),
        }
    }
}

/// The software provider's own options, parsed by its crate.
#[cfg(feature = "software-provider")]
fn software_options(
    config: &ProviderConfig,
) -> Result<psc_provider_software::SoftwareOptions, OpenError> {
    psc_provider_software::SoftwareOptions::parse(&config.options, &config.key_store)
        .map_err(|e| OpenError::Failed(e.to_string()))
}

/// The software provider, which may create its master key only for an `empty` store.
#[cfg(feature = "software-provider")]
fn software(config: &ProviderConfig, empty: bool) -> Result<Box<dyn Provider>, OpenError> {
    let options = software_options(config)?;
    psc_provider_software::SoftwareProvider::open_for_store(
        &options.master_key_path,
        empty,
        options.key_cache_size,
    )
    .map(|p| Box::new(p.with_min_rsa_bits(options.min_rsa_bits)) as Box<dyn Provider>)
    .map_err(|e| {
        OpenError::Failed(match e {
            psc_provider_software::OpenError::Missing { .. } => {
                format!("{e} (key store {})", config.key_store.display())
            }
            other => other.to_string(),
        })
    })
}
