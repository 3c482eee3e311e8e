//! Rows that cannot be read back (an owner, provider or attributes that do not decode) are
//! moved, whole, to the `psc_quarantine` table when the store is opened, and logged once,
//! naming the row's owner and key name (never its blob): every other key keeps working, and
//! the row is kept for an administrator to inspect.

use rusqlite::Connection;

use super::StoreError;

const TABLE: &str = "CREATE TABLE IF NOT EXISTS psc_quarantine (
    auth, app, name, provider, attributes, blob, state,
    reason TEXT NOT NULL,
    quarantined_at INTEGER NOT NULL
)";

/// The columns a loading query must select after `psc_keys`' own seven, for [`Corrupt::of`]:
/// the primary key as raw bytes, whatever was stored there (even text that is not UTF-8).
pub(super) const KEY_BYTES: &str = "CAST(auth AS BLOB), CAST(app AS BLOB), CAST(name AS BLOB)";

/// A row that failed to decode: its primary key as stored, and why.
#[derive(Debug)]
pub(super) struct Corrupt {
    auth: Vec<u8>,
    app: Vec<u8>,
    name: Vec<u8>,
    reason: String,
}

impl Corrupt {
    /// The row's primary key, from the [`KEY_BYTES`] columns starting at column `first`.
    pub(super) fn of(
        row: &rusqlite::Row<'_>,
        first: usize,
        reason: String,
    ) -> Result<Corrupt, StoreError> {
        Ok(Corrupt {
            auth: row.get(first)?,
            app: row.get(first + 1)?,
            name: row.get(first + 2)?,
            reason,
        })
    }
}

/// Moves the rows to the quarantine table, in one transaction, and logs each.
pub(super) fn quarantine(conn: &Connection, rows: &[Corrupt]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let tx = conn.unchecked_transaction()?;
    tx.execute(TABLE, [])?;
    for row in rows {
        tx.execute(
            "INSERT INTO psc_quarantine SELECT auth, app, name, provider, attributes, blob, \
             state, ?4, unixepoch() FROM psc_keys WHERE CAST(auth AS BLOB) = ?1 AND CAST(app AS BLOB) = ?2 \
             AND CAST(name AS BLOB) = ?3",
            rusqlite::params![row.auth, row.app, row.name, row.reason],
        )?;
        tx.execute(
            "DELETE FROM psc_keys WHERE CAST(auth AS BLOB) = ?1 AND CAST(app AS BLOB) = ?2 \
             AND CAST(name AS BLOB) = ?3",
            rusqlite::params![row.auth, row.app, row.name],
        )?;
    }
    tx.commit()?;
    for row in rows {
        tracing::error!(
            auth = %shown(&row.auth),
            app = %shown(&row.app),
            key = %shown(&row.name),
            reason = %row.reason,
            "key store row is corrupt: moved to the psc_quarantine table, the other keys keep working"
        );
    }
    Ok(())
}

/// Stored bytes for a log line: as text, escaped (no control character reaches the log).
fn shown(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}
