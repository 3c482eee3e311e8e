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

    /// The provider for `config`, told what its key store holds: a provider with a root
    /// secret (a master key) may create a missing one only for a store holding none of its
    /// keys. The service calls this one; the default ignores `store`.
    ///
    /// # Errors
    /// As [`build`](Self::build).
    fn build_for_store(
        &self,
        config: &ProviderConfig,
        store: StoreState,
    ) -> Result<Box<dyn Provider>, OpenError> {
        let _ = store;
        self.build(config)
    }

    /// The files holding the root secret of the provider `config` describes (the software
    /// provider's master key): the service checks their owner and their directory's mode
    /// ([`check_secret_file`](crate::permissions::check_secret_file)) at every start and
    /// reload, before the provider is built. The default: none.
    ///
    /// # Errors
    /// [`OpenError::Failed`] when the provider's options do not parse.
    fn secret_files(&self, config: &ProviderConfig) -> Result<Vec<PathBuf>, OpenError> {
        let _ = config;
        Ok(Vec::new())
    }
}

/// What a provider's key store holds, as [`ProviderFactory::build_for_store`] is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreState {
    /// No key of this provider is in the store (usable or being created or deleted): a
    /// missing root secret may be created afresh.
    pub empty: bool,
}

impl StoreState {
    /// The state of a store that is `empty` or not.
    pub fn new(empty: bool) -> StoreState {
        StoreState { empty }
    }
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
    /// A provider's root secret (its master key) is not the one its keys in the store were
    /// made under: the check value recorded in the store differs.
    #[error(
        "provider {name:?}: {root} is not the root secret the keys of key store {} were \
         made under (the check value recorded in the store differs): restore it, or point the \
         configuration at the right one",
        .store.display()
    )]
    WrongRoot {
        /// The provider's configured name.
        name: String,
        /// Where its root secret was read from.
        root: String,
        /// The key store.
        store: PathBuf,
    },
    /// An authenticator could not be built or started.
    #[error(transparent)]
    Authenticator(#[from] crate::auth::BuildError),
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
        let secrets = factory
            .secret_files(config)
            .map_err(|error| StartError::Provider {
                name: config.name.clone(),
                reason: error.to_string(),
            })?;
        for file in secrets {
            crate::permissions::check_secret_file(&file)?;
        }
        let fail = |source| StartError::Store {
            path: config.key_store.clone(),
            source,
        };
        let shared = slots
            .iter()
            .chain(previous)
            .find(|s| s.store.path() == Some(&config.key_store));
        let store = match shared {
            Some(slot) => Arc::clone(&slot.store),
            None => {
                let (store, interrupted) = KeyStore::open(&config.key_store).map_err(fail)?;
                let store = Arc::new(store);
                pending.extend(interrupted.into_iter().map(|p| (Arc::clone(&store), p)));
                store
            }
        };
        let empty = !store.has_keys_of(config.id).map_err(fail)?;
        let provider = match provider(config, factory, previous, StoreState { empty }) {
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
        check_root(config, &store, provider.as_ref(), empty)?;
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

/// Compares the provider's root check value with the one the store recorded, and records it
/// when the store has none (or holds none of the provider's keys, so nothing depends on it).
fn check_root(
    config: &ProviderConfig,
    store: &KeyStore,
    provider: &dyn Provider,
    empty: bool,
) -> Result<(), StartError> {
    let Some(check) = provider.root_check() else {
        return Ok(());
    };
    let fail = |source| StartError::Store {
        path: config.key_store.clone(),
        source,
    };
    match store.root_check(config.id).map_err(fail)? {
        Some(recorded) if recorded == check.value => Ok(()),
        Some(_) if !empty => Err(StartError::WrongRoot {
            name: config.name.clone(),
            root: check.source,
            store: config.key_store.clone(),
        }),
        _ => store.set_root_check(config.id, &check.value).map_err(fail),
    }
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
    store: StoreState,
) -> Result<Arc<dyn Provider>, NoProvider> {
    if let Some(slot) = previous.iter().find(|s| s.config == *config) {
        tracing::debug!(provider = %config.name, "provider unchanged by the reload, kept");
        return Ok(Arc::clone(&slot.provider));
    }
    match factory.build_for_store(config, store) {
        Ok(provider) => Ok(Arc::from(provider)),
        Err(OpenError::Absent(reason)) => Err(Absent(reason)),
        Err(error) => Err(Failed(StartError::Provider {
            name: config.name.clone(),
            reason: error.to_string(),
        })),
    }
}
