//! Provider slots: each configured provider with its key store, built at start (or reload),
//! with the operations a crash interrupted finished before any request is served.

use std::path::PathBuf;
use std::sync::Arc;

use psc_provider_api::{KeyRef, Provider};
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
    /// A message saying why the provider cannot start (device missing, bad option, …).
    fn build(&self, config: &ProviderConfig) -> Result<Box<dyn Provider>, String>;

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
    ) -> Result<Box<dyn Provider>, String> {
        let _ = store;
        self.build(config)
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
        "provider {name:?}: {root} is not the master key the keys of key store {} were \
         sealed under (the check value recorded in the store differs): restore the right file \
         or point the configuration at it",
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
    pub(crate) provider: Box<dyn Provider>,
    pub(crate) store: Arc<KeyStore>,
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
/// generations of the service see one index.
pub(crate) fn build(
    configs: &[ProviderConfig],
    factory: &dyn ProviderFactory,
    previous: &[Slot],
) -> Result<Vec<Slot>, StartError> {
    let mut slots: Vec<Slot> = Vec::new();
    let mut pending: Vec<(Arc<KeyStore>, Pending)> = Vec::new();
    for config in configs {
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
        let provider = factory
            .build_for_store(config, StoreState { empty })
            .map_err(|reason| StartError::Provider {
                name: config.name.clone(),
                reason,
            })?;
        check_root(config, &store, provider.as_ref(), empty)?;
        slots.push(Slot {
            id: config.id,
            name: config.name.clone(),
            provider,
            store,
        });
    }
    for (store, interrupted) in pending {
        finish(&store, &slots, interrupted).map_err(|source| StartError::Store {
            path: store.path().map(Into::into).unwrap_or_default(),
            source,
        })?;
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

/// Finishes an operation a crash interrupted: an interrupted creation is undone, an
/// interrupted deletion completed. Either way the provider's object goes first, then the row.
/// A row whose provider is no longer configured is left for when it comes back.
fn finish(store: &KeyStore, slots: &[Slot], pending: Pending) -> Result<(), StoreError> {
    let Some(slot) = slots.iter().find(|s| s.id == pending.record.provider) else {
        tracing::warn!(provider = ?pending.record.provider, "an interrupted operation waits for its provider");
        return Ok(());
    };
    if let Some(lifecycle) = slot.provider.key_lifecycle() {
        let key = KeyRef {
            attributes: &pending.record.attributes,
            blob: &pending.record.blob,
        };
        if let Err(error) = lifecycle.destroy(key) {
            tracing::warn!(%error, deleting = pending.deleting, "could not destroy an interrupted key");
        }
    }
    tracing::info!(
        deleting = pending.deleting,
        "finished an operation interrupted by a crash"
    );
    store.finish_delete(&pending.app, &pending.name)
}
