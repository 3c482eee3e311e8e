//! The key store's SQLite file: schema, migrations and the few statements the store needs.

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

use psc_wire::proto::key_attributes;
use psc_wire::{AuthType, ProviderId};
use rusqlite::{Connection, OptionalExtension, params};

use super::lock::StoreLock;
use super::quarantine::{self, Corrupt};
use super::{KeyRecord, StoreError, root_check};
use crate::auth::Application;

/// The schema, one migration per version: entry `i` brings version `i` to `i + 1`.
/// Tables are prefixed so the file can also hold the original Parsec's tables, untouched.
const MIGRATIONS: &[&str] = &["
    CREATE TABLE psc_keys (
        auth INTEGER NOT NULL,
        app TEXT NOT NULL,
        name TEXT NOT NULL,
        provider INTEGER NOT NULL,
        attributes BLOB NOT NULL,
        blob BLOB NOT NULL,
        state INTEGER NOT NULL,
        PRIMARY KEY (auth, app, name)
    ) WITHOUT ROWID;
"];

/// A row's lifecycle state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum State {
    /// Usable.
    Ready = 0,
    /// Being created by a provider with external state.
    Creating = 1,
    /// Being deleted by a provider with external state.
    Deleting = 2,
}

/// An operation a crash interrupted, found when the store was opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    /// Owner.
    pub app: Application,
    /// Key name.
    pub name: String,
    /// The record as written with the intent.
    pub record: KeyRecord,
    /// True for an interrupted deletion, false for an interrupted creation.
    pub deleting: bool,
}

/// The database connection.
#[derive(Debug)]
pub(super) struct Database {
    conn: Connection,
    /// Held for as long as the database is open (none in memory).
    _lock: Option<StoreLock>,
}

type Row = (Application, String, KeyRecord);

/// What a load read: the usable rows, the interrupted operations, the corrupt rows.
type Loaded = (Vec<Row>, Vec<Pending>, Vec<Corrupt>);

impl Database {
    pub(super) fn open(path: &Path) -> Result<Database, StoreError> {
        if let Some(dir) = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty() && !d.exists())
        {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
        }
        let lock = StoreLock::acquire(path)?;
        // Create the file ourselves so it is private from its first byte.
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)?;
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let db = Database::prepare(conn, Some(lock))?;
        // Whatever a crash left in the WAL goes into the file, and the WAL is emptied.
        db.checkpoint()?;
        Ok(db)
    }

    pub(super) fn in_memory() -> Result<Database, StoreError> {
        Database::prepare(Connection::open_in_memory()?, None)
    }

    fn prepare(mut conn: Connection, lock: Option<StoreLock>) -> Result<Database, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Deleted rows (a destroyed key's sealed blob) are overwritten with zeros, not just
        // unlinked from the b-tree.
        conn.pragma_update(None, "secure_delete", "ON")?;
        migrate(&mut conn)?;
        Ok(Database { conn, _lock: lock })
    }

    /// Copies the WAL into the database file and truncates it to nothing, so that no old
    /// page image (one holding a since-deleted row) stays in the WAL.
    fn checkpoint(&self) -> Result<(), StoreError> {
        let (busy, _, _): (i64, i64, i64) =
            self.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
        if busy != 0 {
            return Err(StoreError::Commit(
                "the WAL checkpoint could not complete".into(),
            ));
        }
        Ok(())
    }

    /// The recorded root check value of `provider`.
    pub(super) fn root_check(&self, provider: ProviderId) -> Result<Option<Vec<u8>>, StoreError> {
        root_check::get(&self.conn, provider)
    }

    /// Records the root check value of `provider`.
    pub(super) fn set_root_check(
        &self,
        provider: ProviderId,
        value: &[u8],
    ) -> Result<(), StoreError> {
        root_check::set(&self.conn, provider, value)
    }

    /// Whether the store holds a row of `provider`, in any state.
    pub(super) fn has_keys_of(&self, provider: ProviderId) -> Result<bool, StoreError> {
        root_check::has_keys(&self.conn, provider)
    }

    /// Every row: the usable ones, and the interrupted operations. A row that does not
    /// decode is moved to the quarantine table (and logged) rather than failing the load.
    pub(super) fn load(&self) -> Result<(Vec<Row>, Vec<Pending>), StoreError> {
        let (ready, pending, corrupt) = self.read_rows()?;
        quarantine::quarantine(&self.conn, &corrupt)?;
        Ok((ready, pending))
    }

    fn read_rows(&self) -> Result<Loaded, StoreError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT auth, app, name, provider, attributes, blob, state, {} FROM psc_keys",
            quarantine::KEY_BYTES
        ))?;
        let mut rows = statement.query([])?;
        let (mut ready, mut pending, mut corrupt) = (Vec::new(), Vec::new(), Vec::new());
        while let Some(row) = rows.next()? {
            let decoded = decode_row(row).and_then(|decoded| Ok((decoded, decode_state(row)?)));
            let ((app, name, record), state) = match decoded {
                Ok(decoded) => decoded,
                Err(error) => {
                    corrupt.push(Corrupt::of(row, 7, error.to_string())?);
                    continue;
                }
            };
            if state == State::Ready as i64 {
                ready.push((app, name, record));
            } else {
                pending.push(Pending {
                    app,
                    name,
                    record,
                    deleting: state == State::Deleting as i64,
                });
            }
        }
        Ok((ready, pending, corrupt))
    }

    /// Applies the batches in one transaction with one commit (one fsync), each batch
    /// atomic on its own: a batch that fails is rolled back alone and the others still
    /// commit. Returns one outcome per batch, in order; when the commit itself fails, every
    /// batch fails with it.
    pub(super) fn apply(&mut self, batches: &[Vec<Write>]) -> Vec<Result<(), StoreError>> {
        let mut outcomes = Vec::with_capacity(batches.len());
        let tx = match self.conn.transaction() {
            Ok(tx) => tx,
            Err(error) => return failed_all(batches.len(), &error),
        };
        for batch in batches {
            if tx.is_autocommit() {
                // SQLite rolled the transaction back after a hard error (disk full, I/O):
                // nothing more may be written as if it were part of it.
                outcomes.push(Err(StoreError::RolledBack));
                continue;
            }
            outcomes.push(apply_atomically(&tx, batch));
        }
        if let Err(error) = tx.commit() {
            return failed_all(batches.len(), &error);
        }
        let deleted = batches
            .iter()
            .flatten()
            .any(|write| matches!(write, Write::Delete(_)));
        // The deletion is durable already; the checkpoint only scrubs the WAL's old copies
        // of the row, and is tried again at the next deletion and at the next start.
        if deleted && let Err(error) = self.checkpoint() {
            tracing::warn!(%error, "key store: WAL checkpoint after a deletion failed");
        }
        outcomes
    }
}

/// One write to the `psc_keys` table, owned, so that another thread can apply it.
#[derive(Debug)]
pub(super) enum Write {
    /// A new row; fails if the name has one.
    Insert(Fields),
    /// A usable key, replacing its intent row if there is one.
    PutReady(Fields),
    /// Marks a key's row as being deleted.
    MarkDeleting(RowKey),
    /// Removes a key's row.
    Delete(RowKey),
}

/// Which row: the key's identity.
#[derive(Debug)]
pub(super) struct RowKey {
    auth: u8,
    app: String,
    name: String,
}

impl RowKey {
    pub(super) fn new(app: &Application, name: &str) -> RowKey {
        RowKey {
            auth: app.auth.code(),
            app: app.name.clone(),
            name: name.to_owned(),
        }
    }
}

/// A whole row, encoded.
#[derive(Debug)]
pub(super) struct Fields {
    key: RowKey,
    provider: u8,
    attributes: Vec<u8>,
    blob: Vec<u8>,
    state: State,
}

impl Fields {
    pub(super) fn new(app: &Application, name: &str, record: &KeyRecord, state: State) -> Fields {
        Fields {
            key: RowKey::new(app, name),
            provider: record.provider.code(),
            attributes: key_attributes::encode(&record.attributes),
            blob: record.blob.clone(),
            state,
        }
    }
}

/// The statements of one batch, under a savepoint so that they land together or not at all.
fn apply_atomically(conn: &Connection, batch: &[Write]) -> Result<(), StoreError> {
    conn.execute_batch("SAVEPOINT batch")?;
    let outcome = batch.iter().try_for_each(|write| execute(conn, write));
    if outcome.is_err() && !conn.is_autocommit() {
        conn.execute_batch("ROLLBACK TO batch")?;
    }
    if !conn.is_autocommit() {
        conn.execute_batch("RELEASE batch")?;
    }
    outcome
}

fn execute(conn: &Connection, write: &Write) -> Result<(), StoreError> {
    const INSERT: &str = "INSERT INTO psc_keys (auth, app, name, provider, attributes, blob, \
                          state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    const UPSERT: &str = "INSERT INTO psc_keys (auth, app, name, provider, attributes, blob, \
                          state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
                          ON CONFLICT (auth, app, name) DO UPDATE SET \
                          provider = excluded.provider, attributes = excluded.attributes, \
                          blob = excluded.blob, state = excluded.state";
    const MARK: &str = "UPDATE psc_keys SET state = ?4 WHERE auth = ?1 AND app = ?2 AND name = ?3";
    const DELETE: &str = "DELETE FROM psc_keys WHERE auth = ?1 AND app = ?2 AND name = ?3";
    let row = |sql: &str, f: &Fields| {
        conn.prepare_cached(sql)?.execute(params![
            f.key.auth,
            f.key.app,
            f.key.name,
            f.provider,
            f.attributes,
            f.blob,
            f.state as i64
        ])
    };
    match write {
        Write::Insert(fields) => row(INSERT, fields),
        Write::PutReady(fields) => row(UPSERT, fields),
        Write::MarkDeleting(k) => conn.prepare_cached(MARK)?.execute(params![
            k.auth,
            k.app,
            k.name,
            State::Deleting as i64
        ]),
        Write::Delete(k) => conn
            .prepare_cached(DELETE)?
            .execute(params![k.auth, k.app, k.name]),
    }?;
    Ok(())
}

/// The outcome of every batch when the transaction as a whole failed.
fn failed_all(count: usize, error: &rusqlite::Error) -> Vec<Result<(), StoreError>> {
    (0..count)
        .map(|_| Err(StoreError::Commit(error.to_string())))
        .collect()
}

/// A row's state column, one of [`State`]'s values.
fn decode_state(row: &rusqlite::Row<'_>) -> Result<i64, StoreError> {
    let state = row.get::<_, i64>(6)?;
    [State::Ready, State::Creating, State::Deleting]
        .iter()
        .any(|s| *s as i64 == state)
        .then_some(state)
        .ok_or_else(|| StoreError::Corrupt(format!("state {state}")))
}

fn decode_row(row: &rusqlite::Row<'_>) -> Result<Row, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(what.to_owned());
    let auth = u8::try_from(row.get::<_, i64>(0)?).map_err(|_| corrupt("auth"))?;
    let auth = AuthType::from_code(auth).map_err(|_| corrupt("auth"))?;
    let provider = u8::try_from(row.get::<_, i64>(3)?).map_err(|_| corrupt("provider"))?;
    let provider = ProviderId::from_code(provider).map_err(|_| corrupt("provider"))?;
    let attributes: Vec<u8> = row.get(4)?;
    let attributes = key_attributes::decode(&attributes).map_err(|e| corrupt(&e.to_string()))?;
    let app = Application {
        auth,
        name: row.get(1)?,
    };
    Ok((
        app,
        row.get(2)?,
        KeyRecord {
            provider,
            attributes,
            blob: row.get(5)?,
        },
    ))
}

/// Brings the schema to the newest version, one transaction per step.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute(
        "CREATE TABLE IF NOT EXISTS psc_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
        [],
    )?;
    let supported = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
    loop {
        let version: i64 = conn
            .query_row(
                "SELECT value FROM psc_meta WHERE name = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        if version > supported {
            return Err(StoreError::SchemaTooNew {
                found: version,
                supported,
            });
        }
        let Some(step) = usize::try_from(version)
            .ok()
            .and_then(|v| MIGRATIONS.get(v))
        else {
            return Ok(());
        };
        let tx = conn.transaction()?;
        tx.execute_batch(step)?;
        tx.execute(
            "INSERT INTO psc_meta (name, value) VALUES ('schema_version', ?1) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            params![version + 1],
        )?;
        tx.commit()?;
    }
}
