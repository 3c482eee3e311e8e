//! The providers' root check values (see `psc_provider_api::RootCheck`), one per provider, in
//! their own table of the store: written when a provider's root secret is first used with the
//! store, compared at every start and reload.

use psc_wire::ProviderId;
use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

const TABLE: &str = "CREATE TABLE IF NOT EXISTS psc_root_check (
    provider INTEGER PRIMARY KEY,
    value BLOB NOT NULL
)";

/// The recorded check value of `provider`, if any.
pub(super) fn get(conn: &Connection, provider: ProviderId) -> Result<Option<Vec<u8>>, StoreError> {
    conn.execute(TABLE, [])?;
    Ok(conn
        .query_row(
            "SELECT value FROM psc_root_check WHERE provider = ?1",
            params![provider.code()],
            |row| row.get(0),
        )
        .optional()?)
}

/// Records (or replaces) the check value of `provider`.
pub(super) fn set(conn: &Connection, provider: ProviderId, value: &[u8]) -> Result<(), StoreError> {
    conn.execute(TABLE, [])?;
    conn.execute(
        "INSERT INTO psc_root_check (provider, value) VALUES (?1, ?2) \
         ON CONFLICT (provider) DO UPDATE SET value = excluded.value",
        params![provider.code(), value],
    )?;
    Ok(())
}

/// Whether any row of `provider` is in the store, whatever its state.
pub(super) fn has_keys(conn: &Connection, provider: ProviderId) -> Result<bool, StoreError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM psc_keys WHERE provider = ?1 LIMIT 1",
            params![provider.code()],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}
