//! The state database's tables.

use super::StateError;
use rusqlite::Connection;

/// Bumped whenever a table changes; an index of another version is rebuilt.
pub const SCHEMA_VERSION: i64 = 1;

const TABLES: &str = "
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS statements (
    id BLOB PRIMARY KEY,
    id_hex TEXT NOT NULL UNIQUE,
    seq INTEGER NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    signer BLOB NOT NULL,
    at INTEGER NOT NULL,
    logged_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS keys (
    pubkey BLOB PRIMARY KEY,
    note TEXT NOT NULL,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    roles TEXT NOT NULL,
    granted_seq INTEGER NOT NULL,
    granted_at INTEGER NOT NULL,
    revoked_seq INTEGER,
    revoked_at INTEGER,
    revoke_reason TEXT
);
";

/// Creates the tables, or checks an existing database is of this version.
pub fn migrate(conn: &Connection) -> Result<(), StateError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found != 0 && found != SCHEMA_VERSION {
        return Err(StateError::Schema {
            found,
            want: SCHEMA_VERSION,
        });
    }
    conn.execute_batch(TABLES)?;
    conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    Ok(())
}
