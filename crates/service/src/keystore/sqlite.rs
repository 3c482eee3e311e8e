//! The key store's SQLite file: schema, migrations and the few statements the store needs.

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

use psc_wire::proto::key_attributes;
use psc_wire::{AuthType, ProviderId};
use rusqlite::{Connection, OptionalExtension, params};

use super::{KeyRecord, StoreError};
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
}

type Row = (Application, String, KeyRecord);

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
        // Create the file ourselves so it is private from its first byte.
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)?;
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        Database::prepare(conn)
    }

    pub(super) fn in_memory() -> Result<Database, StoreError> {
        Database::prepare(Connection::open_in_memory()?)
    }

    fn prepare(mut conn: Connection) -> Result<Database, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(Database { conn })
    }

    /// Every row: the usable ones, and the interrupted operations.
    pub(super) fn load(&self) -> Result<(Vec<Row>, Vec<Pending>), StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT auth, app, name, provider, attributes, blob, state FROM psc_keys")?;
        let mut rows = statement.query([])?;
        let (mut ready, mut pending) = (Vec::new(), Vec::new());
        while let Some(row) = rows.next()? {
            let (app, name, record) = decode_row(row)?;
            let state = row.get::<_, i64>(6)?;
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
        Ok((ready, pending))
    }

    pub(super) fn insert(
        &self,
        app: &Application,
        name: &str,
        record: &KeyRecord,
        state: State,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO psc_keys (auth, app, name, provider, attributes, blob, state) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                app.auth.code(),
                app.name,
                name,
                record.provider.code(),
                key_attributes::encode(&record.attributes),
                record.blob,
                state as i64
            ],
        )?;
        Ok(())
    }

    pub(super) fn upsert_ready(
        &self,
        app: &Application,
        name: &str,
        record: &KeyRecord,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO psc_keys (auth, app, name, provider, attributes, blob, state) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
             ON CONFLICT (auth, app, name) DO UPDATE SET \
             provider = excluded.provider, attributes = excluded.attributes, \
             blob = excluded.blob, state = excluded.state",
            params![
                app.auth.code(),
                app.name,
                name,
                record.provider.code(),
                key_attributes::encode(&record.attributes),
                record.blob,
                State::Ready as i64
            ],
        )?;
        Ok(())
    }

    pub(super) fn mark_deleting(&self, app: &Application, name: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE psc_keys SET state = ?4 WHERE auth = ?1 AND app = ?2 AND name = ?3",
            params![app.auth.code(), app.name, name, State::Deleting as i64],
        )?;
        Ok(())
    }

    pub(super) fn delete(&self, app: &Application, name: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM psc_keys WHERE auth = ?1 AND app = ?2 AND name = ?3",
            params![app.auth.code(), app.name, name],
        )?;
        Ok(())
    }
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
