//! The full-text search index (the FTS5 table `claim_text`): a projection
//! of the applied claims for `claims --text` queries, which no rule reads.
//!
//! [`State::apply`] adds to it after the validity function has recorded a
//! statement, and only in a state that keeps it (the on-disk index, and a
//! reader's in-memory replay). Audit replays into a state without it
//! ([`State::in_memory_validity`]): it replays only what decides validity,
//! and compares the index's `claim_text` rows with the ones the replayed
//! `claims` rows imply ([`expected`]), so an edited search row is still
//! found.

use super::{Entry, State, StateError};
use crate::statement::{Body, Change, ClaimContent};
use rusqlite::params;
use rusqlite::types::Value;

/// Adds what `entry`, just applied, changes in the search index.
pub(crate) fn project(state: &State, entry: &Entry) -> Result<(), StateError> {
    let st = entry.statement;
    let (claim, content) = match &st.statement().body {
        Body::ClaimRecord(c) => (st.id(), c.content()),
        Body::ClaimRevise(r) => match &r.change {
            Change::Content(c) => (r.claim, c.clone()),
            // A removal keeps the claim's last text searchable.
            Change::Removed => return Ok(()),
        },
        _ => return Ok(()),
    };
    let [proposition, quote, exact] = row(&content);
    let n: i64 = state
        .conn
        .prepare_cached("SELECT n FROM claims WHERE id = ?1")?
        .query_row([claim.0.as_slice()], |r| r.get(0))?;
    state
        .conn
        .prepare_cached("DELETE FROM claim_text WHERE rowid = ?1")?
        .execute([n])?;
    state
        .conn
        .prepare_cached(
            "INSERT INTO claim_text (rowid, proposition, quote, exact) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![n, proposition, quote, exact])?;
    Ok(())
}

/// The search columns (proposition, quote, exact) of a claim's content.
fn row(c: &ClaimContent) -> [Value; 3] {
    [
        Value::Text(c.proposition.clone()),
        Value::Text(c.attribution.quote.clone().unwrap_or_default()),
        Value::Text(c.anchor.exact.clone()),
    ]
}

/// The table whose rows [`expected`] derives.
pub(crate) const TABLE: &str = "claim_text";

/// The `claim_text` rows (rowid, proposition, quote, exact) that the
/// `claims` rows of `replayed` imply, in rowid order, for comparing with an
/// index on disk.
pub(crate) fn expected<'a>(
    stmt: &'a mut rusqlite::Statement<'_>,
) -> rusqlite::Result<impl Iterator<Item = rusqlite::Result<Vec<Value>>> + 'a> {
    stmt.query_map([], |r| {
        let n: i64 = r.get(0)?;
        let bytes: Vec<u8> = r.get(1)?;
        let content = super::query::content(&bytes).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Blob, Box::new(e))
        })?;
        let mut out = vec![Value::Integer(n)];
        out.extend(row(&content));
        Ok(out)
    })
}

/// The query [`expected`] runs on the replayed state.
pub(crate) const EXPECTED_SQL: &str = "SELECT n, content FROM claims ORDER BY n";
