//! Provider slots: each configured provider with its key store, built at start (or reload),
//! with the operations a crash interrupted finished before any request is served.

use std::path::PathBuf;
use std::sync::Arc;

use psc_provider_api::{OpenError, Provider};
use psc_wire::ProviderId;

use crate::auth::Application;
use crate::config::ProviderConfig;
use crate::error::Error;
use crate::keystore::{KeyRecord, KeyStore, Pending, StoreError};

/// Builds the provider a configuration entry describes. The daemon implements it, naming the
/// back ends compiled in; the service itself never names a concrete provider.
pub trait ProviderFactory {
    /// The provider for `config`.
    ///
    /// # Errors
    /// [`OpenError::Failed`] saying why the provider cannot start (bad option, device
    /// failure, …), never quoting a secret; [`OpenError::Absent`] when its device is absent
    /// and its configuration says to start without it.
    fn build(&self, config: &ProviderConfig) -> Result<Box<dyn Provider>, OpenError>;
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// A key store could not be opened.
    #[error("key store {path}: {source}")]
    Store {
        /// Its file.
        path: PathBuf,
        /// The cause.
        source: StoreError,
    },
    /// A key store or the socket's directory has permissions that refuse the start.
    #[error(transparent)]
    Permissions(#[from] crate::permissions::PermissionError),
    /// A provider could not be built.
    #[error("provider {name:?}: {reason}")]
    Provider {
        /// Its configured name.
        name: String,
        /// The cause.
        reason: String,
    },
}

/// A configured provider and the store of its keys.
#[derive(Debug)]
pub(crate) struct Slot {
    pub(crate) id: ProviderId,
    pub(crate) name: String,
    /// Shared with the next service generation when a reload leaves its configuration
    /// unchanged (`build`); dropped once the last generation using it is.
    pub(crate) provider: Arc<dyn Provider>,
    pub(crate) store: Arc<KeyStore>,
    /// The configuration the provider was built from, to decide whether a reload keeps it.
    config: ProviderConfig,
}

impl Slot {
    /// The caller's key of that name in this provider.
    pub(crate) fn key(&self, app: &Application, name: &str) -> Result<Arc<KeyRecord>, Error> {
        let record = self.store.get(app, name)?;
        // A key held by another provider sharing the store is not this provider's key.
        if record.provider != self.id {
            return Err(StoreError::DoesNotExist.into());
        }
        Ok(record)
    }
}

/// Builds the providers and opens their stores, then finishes what a crash interrupted.
/// Stores already open in `previous` (a reload) are shared rather than opened twice, so both
/// generations of the service see one index. A provider whose configuration entry is the
/// same as in `previous` is shared too, not built again (a token is initialised once per
/// process; a TPM is exclusive); a changed entry builds a new provider, and the old one is
/// dropped with the old generation, once its in-flight requests are done.
pub(crate) fn build(
    configs: &[ProviderConfig],
    factory: &dyn ProviderFactory,
    previous: &[Slot],
) -> Result<Vec<Slot>, StartError> {
    let mut slots: Vec<Slot> = Vec::new();
    let mut pending: Vec<(Arc<KeyStore>, Pending)> = Vec::new();
    for config in configs {
        let provider = match provider(config, factory, previous) {
            Ok(provider) => provider,
            Err(Absent(reason)) => {
                tracing::warn!(
                    provider = %config.name,
                    "the provider's device is absent ({reason}); starting without it, as its \
                     configuration asks (a reload tries again)"
                );
                continue;
            }
            Err(Failed(error)) => return Err(error),
        };
        let shared = slots
            .iter()
            .chain(previous)
            .find(|s| s.store.path() == Some(&config.key_store));
        let store = match shared {
            Some(slot) => Arc::clone(&slot.store),
            None => {
                let fail = |source| StartError::Store {
                    path: config.key_store.clone(),
                    source,
                };
                let (store, interrupted) = KeyStore::open(&config.key_store).map_err(fail)?;
                let store = Arc::new(store);
                pending.extend(interrupted.into_iter().map(|p| (Arc::clone(&store), p)));
                store
            }
        };
        slots.push(Slot {
            id: config.id,
            name: config.name.clone(),
            provider,
            store,
            config: config.clone(),
        });
    }
    for (store, interrupted) in pending {
        let provider = slots
            .iter()
            .find(|s| s.id == interrupted.record.provider)
            .map(|s| s.provider.as_ref());
        super::recovery::finish(&store, provider, interrupted);
    }
    Ok(slots)
}

/// Why [`provider`] gave none.
enum NoProvider {
    /// Absent, to be started without.
    Absent(String),
    /// Failed: the start is refused.
    Failed(StartError),
}
use NoProvider::{Absent, Failed};

/// The provider of `previous` built from the same configuration entry, or a new one.
fn provider(
    config: &ProviderConfig,
    factory: &dyn ProviderFactory,
    previous: &[Slot],
) -> Result<Arc<dyn Provider>, NoProvider> {
    if let Some(slot) = previous.iter().find(|s| s.config == *config) {
        tracing::debug!(provider = %config.name, "provider unchanged by the reload, kept");
        return Ok(Arc::clone(&slot.provider));
    }
    match factory.build(config) {
        Ok(provider) => Ok(Arc::from(provider)),
        Err(OpenError::Absent(reason)) => Err(Absent(reason)),
        Err(error) => Err(Failed(StartError::Provider {
            name: config.name.clone(),
            reason: error.to_string(),
        })),
    }
}
