//! Authentication of the index by the ledger's writer.
//!
//! `index.sqlite` is a file any tool can edit, yet the rules read it when
//! deciding what to append. The writer holds the operator key (it signs the
//! checkpoint), so it authenticates what the rules rely on with HMAC-SHA256
//! under a key derived from the operator key's seed, which readers and
//! other tools do not have:
//!
//! - **the seal**: one MAC over the whole `meta` table (applied count, last
//!   leaf hash, operator, quorum, genesis, times), the whole `keys` table
//!   (grants, roles, revocations) and the whole `void` table, refreshed at the
//!   end of every batch the writer applies. Because it covers the applied
//!   count and the last leaf hash, an older sealed state (a key row from
//!   before its revocation, a deleted revocation) does not verify against
//!   the current position;
//! - **row MACs** on `statements` rows (id → seq, kind, signer, times, bound
//!   to the ledger's genesis id) and `revisions` rows (id → claim, text),
//!   which never change once written, so a row cannot be rolled back to
//!   another value; checked whenever a rule reads one.
//!
//! The README ("The index is authenticated") says what this does and does
//! not cover.

use super::StateError;
use crate::digest::Digest;
use crate::keys::SecretKey;
use hmac::{Hmac, Mac};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use sha2::{Digest as _, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// The meta keys the seal itself lives in (not covered by it).
pub(super) const SEAL_META: [&str; 2] = ["seal", "sealed_at"];

/// The tables the seal covers, whole, in a fixed order. All are small: one
/// row per key, per meta value, per refused entry.
const SEALED: [(&str, &str); 3] = [
    ("meta", "SELECT k, v FROM meta WHERE k <> 'seal' ORDER BY k"),
    ("keys", "SELECT * FROM keys ORDER BY pubkey"),
    ("void", "SELECT * FROM void ORDER BY seq"),
];

/// The key that authenticates the index: SHA-256 of a label and the
/// operator key's seed. Only a holder of the operator key can compute it;
/// the label keeps it apart from every other use of the seed.
#[derive(Clone)]
pub struct IndexKey([u8; 32]);

impl std::fmt::Debug for IndexKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IndexKey(..)")
    }
}

impl IndexKey {
    /// The index key of the ledger whose operator key is `operator`.
    pub fn derive(operator: &SecretKey) -> IndexKey {
        let mut h = Sha256::new();
        h.update(b"provledger index mac v1");
        h.update(operator.signing_key().to_bytes());
        IndexKey(h.finalize().into())
    }

    fn mac(&self, domain: &[u8]) -> HmacSha256 {
        let mut m =
            <HmacSha256 as Mac>::new_from_slice(&self.0).expect("HMAC accepts keys of any length");
        bytes(&mut m, domain);
        m
    }
}

/// Whether the seal matches the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealStatus {
    /// The seal verifies at the index's current position.
    Current,
    /// No seal, or one made at another position: entries were applied by a
    /// process without the operator key (a reader catching up after a crash,
    /// `reindex` without the key). The writer rebuilds such an index.
    Stale,
    /// The seal does not verify: the sealed tables were changed by
    /// something other than the writer.
    Forged(String),
}

/// Feeds a length-prefixed byte string, so fields cannot run into each other.
fn bytes(m: &mut HmacSha256, b: &[u8]) {
    m.update(&(b.len() as u64).to_be_bytes());
    m.update(b);
}

/// Feeds one SQLite value with its type, so 1 and '1' differ.
fn value(m: &mut HmacSha256, v: ValueRef) {
    match v {
        ValueRef::Null => m.update(&[0]),
        ValueRef::Integer(i) => {
            m.update(&[1]);
            m.update(&i.to_be_bytes());
        }
        ValueRef::Real(f) => {
            m.update(&[2]);
            m.update(&f.to_bits().to_be_bytes());
        }
        ValueRef::Text(t) => {
            m.update(&[3]);
            bytes(m, t);
        }
        ValueRef::Blob(b) => {
            m.update(&[4]);
            bytes(m, b);
        }
    }
}

/// The seal's MAC over the sealed tables as they are now.
fn seal_mac(conn: &Connection, key: &IndexKey) -> Result<HmacSha256, StateError> {
    let mut m = key.mac(b"provledger index seal v1");
    for (table, sql) in SEALED {
        bytes(&mut m, table.as_bytes());
        let mut stmt = conn.prepare_cached(sql)?;
        let n = stmt.column_count();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            m.update(&[1]);
            for i in 0..n {
                value(&mut m, r.get_ref(i)?);
            }
        }
        m.update(&[0]);
    }
    Ok(m)
}

/// Seals the index at its current position (inside the batch's
/// transaction, after everything else of the batch is recorded).
pub(super) fn seal(conn: &Connection, key: &IndexKey, applied: u64) -> Result<(), StateError> {
    set(
        conn,
        "sealed_at",
        rusqlite::types::Value::Integer(applied as i64),
    )?;
    let mac = seal_mac(conn, key)?.finalize().into_bytes();
    set(conn, "seal", rusqlite::types::Value::Blob(mac.to_vec()))
}

fn set(conn: &Connection, k: &str, v: rusqlite::types::Value) -> Result<(), StateError> {
    conn.prepare_cached(
        "INSERT INTO meta (k, v) VALUES (?1, ?2) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
    )?
    .execute(rusqlite::params![k, v])?;
    Ok(())
}

/// Checks the seal against the index at position `applied`.
pub(super) fn status(
    conn: &Connection,
    key: &IndexKey,
    applied: u64,
) -> Result<SealStatus, StateError> {
    let get = |k: &str| -> Result<Option<rusqlite::types::Value>, StateError> {
        use rusqlite::OptionalExtension;
        Ok(conn
            .prepare_cached("SELECT v FROM meta WHERE k = ?1")?
            .query_row([k], |r| r.get(0))
            .optional()?)
    };
    use rusqlite::types::Value;
    let (Some(Value::Blob(mac)), Some(Value::Integer(at))) = (get("seal")?, get("sealed_at")?)
    else {
        return Ok(SealStatus::Stale);
    };
    if at != applied as i64 {
        return Ok(SealStatus::Stale);
    }
    Ok(match seal_mac(conn, key)?.verify_slice(&mac) {
        Ok(()) => SealStatus::Current,
        Err(_) => SealStatus::Forged(format!(
            "its keys, meta or void table is not what the writer sealed after entry {} (edited, or restored from an older copy)",
            applied.saturating_sub(1)
        )),
    })
}

/// The columns of a `statements` row that a MAC covers.
pub(super) struct StatementRow<'a> {
    pub id: &'a Digest,
    pub seq: u64,
    pub kind: &'a str,
    pub signer: &'a [u8],
    pub at: u64,
    pub logged_at: u64,
}

fn row_mac(key: &IndexKey, genesis: &[u8], row: &StatementRow) -> HmacSha256 {
    let mut m = key.mac(b"provledger statement row v1");
    bytes(&mut m, genesis);
    bytes(&mut m, &row.id.0);
    m.update(&row.seq.to_be_bytes());
    bytes(&mut m, row.kind.as_bytes());
    bytes(&mut m, row.signer);
    m.update(&row.at.to_be_bytes());
    m.update(&row.logged_at.to_be_bytes());
    m
}

/// The MAC of a `statements` row of the ledger whose genesis is `genesis`.
pub(super) fn statement_mac(key: &IndexKey, genesis: &[u8], row: &StatementRow) -> Vec<u8> {
    row_mac(key, genesis, row).finalize().into_bytes().to_vec()
}

/// The MAC of a row of `table` with `fields` (the columns the rules read),
/// for immutable rows other than `statements`.
pub(super) fn fields_mac(
    key: &IndexKey,
    genesis: &[u8],
    table: &str,
    fields: &[ValueRef],
) -> HmacSha256 {
    let mut m = key.mac(b"provledger index row v1");
    bytes(&mut m, genesis);
    bytes(&mut m, table.as_bytes());
    for f in fields {
        value(&mut m, *f);
    }
    m
}

/// Whether `mac` authenticates `row`.
pub(super) fn statement_ok(
    key: &IndexKey,
    genesis: &[u8],
    row: &StatementRow,
    mac: Option<&[u8]>,
) -> bool {
    mac.is_some_and(|mac| row_mac(key, genesis, row).verify_slice(mac).is_ok())
}
