//! The key store: which keys exist, who owns them, where they live.
//!
//! A key's identity is (authenticator, application, key name); its record says which provider
//! holds it, the provider's blob, and its attributes. Records are persisted in SQLite and
//! mirrored in memory, so the request path never reads the database. Creating and deleting
//! go through short reservations in the index, so two requests racing for one name cannot
//! both win, and a name being deleted is not reused before the deletion is durable. Writes
//! of concurrent requests share a commit (`journal.rs`): each is acknowledged only once it
//! is durable, with one fsync for all of them.

mod interrupted;
mod journal;
mod lock;
mod quarantine;
mod root_check;
mod sqlite;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use psc_psa::Attributes;
use psc_wire::ProviderId;

use crate::auth::Application;

use journal::Journal;
use sqlite::{Fields, RowKey, State, Write};

pub use sqlite::Pending;

/// What the store knows about one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRecord {
    /// The provider slot holding the key.
    pub provider: ProviderId,
    /// The key's attributes (with its actual size).
    pub attributes: Attributes,
    /// The provider's reference to the key.
    pub blob: Vec<u8>,
}

/// Why the key store refused or failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A key of that name exists (or is being created).
    #[error("a key with this name already exists")]
    AlreadyExists,
    /// No such key for this application.
    #[error("no such key")]
    DoesNotExist,
    /// The database failed.
    #[error("key store database: {0}")]
    Database(#[from] rusqlite::Error),
    /// The database was written by a newer version of this service.
    #[error("key store schema version {found} is newer than this service's {supported}")]
    SchemaTooNew {
        /// Version in the file.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// The application holds `core_settings.max_keys_per_application` keys already.
    #[error("the application holds {0} keys, its quota (core_settings.max_keys_per_application)")]
    QuotaReached(usize),
    /// A listing would be larger than the bound asked for.
    #[error("the listing exceeds {0} bytes")]
    ListingTooLarge(usize),
    /// A row could not be read back.
    #[error("key store row is corrupt: {0}")]
    Corrupt(String),
    /// Another instance (or another open in this process) holds the store's lock file.
    #[error(
        "key store is in use by another instance{}: its lock file {} is locked; stop that \
         instance first, or give this one another key store",
        .holder.map(|pid| format!(" (PID {pid})")).unwrap_or_default(),
        .path.display()
    )]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// The PID its holder wrote in it, if readable.
        holder: Option<u32>,
    },
    /// The file or its directory could not be prepared.
    #[error("key store file: {0}")]
    Io(#[from] std::io::Error),
    /// The commit that carried this write failed (the cause is that of the whole commit).
    #[error("key store commit: {0}")]
    Commit(String),
    /// The database rolled back the transaction carrying this write after an earlier
    /// write in it failed hard (disk full, I/O error).
    #[error("key store transaction rolled back by an earlier failure")]
    RolledBack,
    /// An internal lock was poisoned by a panic in another thread.
    #[error("key store lock poisoned")]
    Poisoned,
    /// A path that cannot be taken was taken: a bug.
    #[error("key store internal error: {0}")]
    Unreachable(&'static str),
}

/// One index entry: a usable key, or a name held by an operation in progress.
#[derive(Clone, Debug)]
enum Entry {
    Ready(Arc<KeyRecord>),
    Busy,
}

type Index = HashMap<Application, HashMap<String, Entry>>;

/// The key store.
#[derive(Debug)]
pub struct KeyStore {
    path: Option<PathBuf>,
    journal: Journal,
    index: RwLock<Index>,
    /// Interrupted operations that could not be finished yet (`interrupted.rs`).
    parked: interrupted::Parked,
}

impl KeyStore {
    /// Opens (creating if needed) the store at `path`, and returns it with the operations
    /// a crash interrupted, for the service to finish.
    ///
    /// # Errors
    /// [`StoreError`] when the file cannot be opened, migrated or read.
    pub fn open(path: &Path) -> Result<(KeyStore, Vec<Pending>), StoreError> {
        let (mut store, pending) = KeyStore::from_database(sqlite::Database::open(path)?)?;
        store.path = Some(path.to_owned());
        Ok((store, pending))
    }

    /// The file, for a store opened from one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// A store in memory, for tests and fuzzing.
    ///
    /// # Errors
    /// [`StoreError`] if SQLite cannot create it.
    pub fn in_memory() -> Result<KeyStore, StoreError> {
        Ok(KeyStore::from_database(sqlite::Database::in_memory()?)?.0)
    }

    fn from_database(db: sqlite::Database) -> Result<(KeyStore, Vec<Pending>), StoreError> {
        let (rows, pending) = db.load()?;
        let mut index = Index::new();
        for (app, name, record) in rows {
            index
                .entry(app)
                .or_default()
                .insert(name, Entry::Ready(Arc::new(record)));
        }
        for p in &pending {
            index
                .entry(p.app.clone())
                .or_default()
                .insert(p.name.clone(), Entry::Busy);
        }
        let store = KeyStore {
            path: None,
            journal: Journal::new(db),
            index: RwLock::new(index),
            parked: interrupted::Parked::default(),
        };
        Ok((store, pending))
    }

    /// Whether the store holds any row of `provider` (usable, or being created or deleted).
    ///
    /// # Errors
    /// [`StoreError::Database`] if the query fails.
    pub fn has_keys_of(&self, provider: ProviderId) -> Result<bool, StoreError> {
        self.journal.with_db(|db| db.has_keys_of(provider))
    }

    /// The root check value recorded for `provider` (see `psc_provider_api::RootCheck`).
    ///
    /// # Errors
    /// [`StoreError::Database`] if the query fails.
    pub fn root_check(&self, provider: ProviderId) -> Result<Option<Vec<u8>>, StoreError> {
        self.journal.with_db(|db| db.root_check(provider))
    }

    /// Records the root check value of `provider`, durably.
    ///
    /// # Errors
    /// [`StoreError::Database`] if the write fails.
    pub fn set_root_check(&self, provider: ProviderId, value: &[u8]) -> Result<(), StoreError> {
        self.journal
            .with_db(|db| db.set_root_check(provider, value))
    }

    /// The caller's key of that name, if it exists and is not being created or deleted.
    ///
    /// # Errors
    /// [`StoreError::DoesNotExist`] otherwise.
    pub fn get(&self, app: &Application, name: &str) -> Result<Arc<KeyRecord>, StoreError> {
        let index = self.index.read().map_err(|_| StoreError::Poisoned)?;
        match index.get(app).and_then(|keys| keys.get(name)) {
            Some(Entry::Ready(record)) => Ok(Arc::clone(record)),
            Some(Entry::Busy) | None => Err(StoreError::DoesNotExist),
        }
    }

    /// Holds `name` for a key being created. In-memory only: nothing is written yet.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] if the name is taken or held.
    pub fn reserve(&self, app: &Application, name: &str) -> Result<(), StoreError> {
        self.reserve_within(app, name, usize::MAX)
    }

    /// Holds `name` for a key being created, if the application holds (or is creating)
    /// fewer than `quota` keys.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] if the name is taken or held;
    /// [`StoreError::QuotaReached`] if the application is at its quota.
    pub fn reserve_within(
        &self,
        app: &Application,
        name: &str,
        quota: usize,
    ) -> Result<(), StoreError> {
        let mut index = self.index.write().map_err(|_| StoreError::Poisoned)?;
        let keys = index.entry(app.clone()).or_default();
        if keys.contains_key(name) {
            return Err(StoreError::AlreadyExists);
        }
        if keys.len() >= quota {
            return Err(StoreError::QuotaReached(quota));
        }
        keys.insert(name.to_owned(), Entry::Busy);
        Ok(())
    }

    /// Records, durably, that a reserved name's key is about to be created by a provider
    /// with external state, so a crash before [`commit`](Self::commit) can be cleaned up.
    ///
    /// # Errors
    /// [`StoreError::Database`] if the write fails (the reservation stays held).
    pub fn record_intent(
        &self,
        app: &Application,
        name: &str,
        record: &KeyRecord,
    ) -> Result<(), StoreError> {
        let fields = Fields::new(app, name, record, State::Creating);
        self.journal.write(vec![Write::Insert(fields)])
    }

    /// Makes a reserved key durable and usable. Once this returns, the key survives a crash.
    ///
    /// # Errors
    /// [`StoreError::Database`] if the write fails; the reservation is then still held and
    /// the caller must [`release`](Self::release) it.
    pub fn commit(
        &self,
        app: &Application,
        name: &str,
        record: KeyRecord,
    ) -> Result<(), StoreError> {
        let fields = Fields::new(app, name, &record, State::Ready);
        self.journal.write(vec![Write::PutReady(fields)])?;
        self.set_entry(app, name, Some(Entry::Ready(Arc::new(record))))
    }

    /// Adds usable keys in bulk, in one transaction: for provisioning a store (the benchmark
    /// fills one with 100,000 keys this way). Either every key is added, durably, or none.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] if a name is taken (or given twice);
    /// [`StoreError::Database`] if the write fails.
    pub fn insert_ready(
        &self,
        keys: Vec<(Application, String, KeyRecord)>,
    ) -> Result<(), StoreError> {
        self.reserve_all(&keys)?;
        let writes = keys
            .iter()
            .map(|(app, name, record)| {
                Write::PutReady(Fields::new(app, name, record, State::Ready))
            })
            .collect();
        if let Err(error) = self.journal.write(writes) {
            self.release_all(&keys)?;
            return Err(error);
        }
        let mut index = self.index.write().map_err(|_| StoreError::Poisoned)?;
        for (app, name, record) in keys {
            index
                .entry(app)
                .or_default()
                .insert(name, Entry::Ready(Arc::new(record)));
        }
        Ok(())
    }

    /// Holds every name of `keys`, or none.
    fn reserve_all(&self, keys: &[(Application, String, KeyRecord)]) -> Result<(), StoreError> {
        let mut index = self.index.write().map_err(|_| StoreError::Poisoned)?;
        for (held, (app, name, _)) in keys.iter().enumerate() {
            let names = index.entry(app.clone()).or_default();
            if names.contains_key(name) {
                drop(index);
                return self
                    .release_all(&keys[..held])
                    .and(Err(StoreError::AlreadyExists));
            }
            names.insert(name.clone(), Entry::Busy);
        }
        Ok(())
    }

    fn release_all(&self, keys: &[(Application, String, KeyRecord)]) -> Result<(), StoreError> {
        keys.iter()
            .try_for_each(|(app, name, _)| self.set_entry(app, name, None))
    }

    /// Gives up a reservation (the creation failed), removing any intent written for it.
    ///
    /// # Errors
    /// [`StoreError::Database`] if the intent cannot be removed (the name stays held).
    pub fn release(&self, app: &Application, name: &str) -> Result<(), StoreError> {
        self.journal
            .write(vec![Write::Delete(RowKey::new(app, name))])?;
        self.set_entry(app, name, None)
    }

    /// Takes a key out of use for deletion and returns its record. With `durable_intent`
    /// the deletion is first recorded, for providers whose key outlives its row.
    ///
    /// # Errors
    /// [`StoreError::DoesNotExist`] if there is no such usable key.
    pub fn begin_delete(
        &self,
        app: &Application,
        name: &str,
        durable_intent: bool,
    ) -> Result<Arc<KeyRecord>, StoreError> {
        let record = {
            let mut index = self.index.write().map_err(|_| StoreError::Poisoned)?;
            let entry = index.get_mut(app).and_then(|keys| keys.get_mut(name));
            match entry {
                Some(entry @ Entry::Ready(_)) => match std::mem::replace(entry, Entry::Busy) {
                    Entry::Ready(record) => record,
                    Entry::Busy => return Err(StoreError::DoesNotExist),
                },
                _ => return Err(StoreError::DoesNotExist),
            }
        };
        let mark = || {
            self.journal
                .write(vec![Write::MarkDeleting(RowKey::new(app, name))])
        };
        if durable_intent && let Err(error) = mark() {
            self.set_entry(app, name, Some(Entry::Ready(Arc::clone(&record))))?;
            return Err(error);
        }
        Ok(record)
    }

    /// Removes a key's row for good. For blob-only keys this single write is the deletion.
    ///
    /// # Errors
    /// [`StoreError::Database`] if the write fails; the row is then still there and the
    /// name stays held (not usable, not reusable) until the caller puts the key back
    /// ([`cancel_delete`](Self::cancel_delete)) or a restart finishes the deletion.
    pub fn finish_delete(&self, app: &Application, name: &str) -> Result<(), StoreError> {
        self.journal
            .write(vec![Write::Delete(RowKey::new(app, name))])?;
        self.set_entry(app, name, None)
    }

    /// Puts back a key whose deletion failed before its row was removed.
    ///
    /// # Errors
    /// [`StoreError::Poisoned`] only.
    pub fn cancel_delete(
        &self,
        app: &Application,
        name: &str,
        record: Arc<KeyRecord>,
    ) -> Result<(), StoreError> {
        self.set_entry(app, name, Some(Entry::Ready(record)))
    }

    /// The application's usable keys, by name.
    ///
    /// # Errors
    /// [`StoreError::Poisoned`] only.
    pub fn list(&self, app: &Application) -> Result<Vec<(String, Arc<KeyRecord>)>, StoreError> {
        self.list_within(app, usize::MAX, 0)
    }

    /// The application's usable keys, by name, if their names plus `per_key` bytes each
    /// come to at most `max_bytes`: the bound is checked before anything is copied.
    ///
    /// # Errors
    /// [`StoreError::ListingTooLarge`] beyond the bound; [`StoreError::Poisoned`].
    pub fn list_within(
        &self,
        app: &Application,
        max_bytes: usize,
        per_key: usize,
    ) -> Result<Vec<(String, Arc<KeyRecord>)>, StoreError> {
        let index = self.index.read().map_err(|_| StoreError::Poisoned)?;
        let Some(keys) = index.get(app) else {
            return Ok(Vec::new());
        };
        let ready = || {
            keys.iter().filter_map(|(name, entry)| match entry {
                Entry::Ready(record) => Some((name, record)),
                Entry::Busy => None,
            })
        };
        let size = ready().fold(0usize, |sum, (name, _)| {
            sum.saturating_add(name.len()).saturating_add(per_key)
        });
        if size > max_bytes {
            return Err(StoreError::ListingTooLarge(max_bytes));
        }
        let mut list: Vec<_> = ready()
            .map(|(name, record)| (name.clone(), Arc::clone(record)))
            .collect();
        list.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(list)
    }

    /// The applications owning at least one usable key.
    ///
    /// # Errors
    /// [`StoreError::Poisoned`] only.
    pub fn applications(&self) -> Result<Vec<Application>, StoreError> {
        let index = self.index.read().map_err(|_| StoreError::Poisoned)?;
        Ok(index
            .iter()
            .filter(|(_, keys)| keys.values().any(|entry| matches!(entry, Entry::Ready(_))))
            .map(|(app, _)| app.clone())
            .collect())
    }

    fn set_entry(
        &self,
        app: &Application,
        name: &str,
        entry: Option<Entry>,
    ) -> Result<(), StoreError> {
        let mut index = self.index.write().map_err(|_| StoreError::Poisoned)?;
        match entry {
            Some(entry) => {
                index
                    .entry(app.clone())
                    .or_default()
                    .insert(name.to_owned(), entry);
            }
            None => {
                if let Some(keys) = index.get_mut(app) {
                    keys.remove(name);
                    if keys.is_empty() {
                        index.remove(app);
                    }
                }
            }
        }
        Ok(())
    }
}

/// The bytes naming a key's owner and name that a provider binds a sealed key to, so that a
/// blob copied to another row is refused there. Lengths are explicit so no two identities
/// share an encoding. Public for provisioning: a key made outside the service (see
/// [`KeyStore::insert_ready`]) must be bound to the identity it is stored under.
pub fn binding(app: &Application, name: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + app.name.len() + name.len());
    out.extend_from_slice(b"psc-key-owner-v1");
    out.push(app.auth.code());
    for part in [app.name.as_bytes(), name.as_bytes()] {
        out.extend_from_slice(&u32::try_from(part.len()).unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(part);
    }
    out
}

#[cfg(test)]
mod tests;
