//! Id prefixes resolved to the one statement of the wanted kind they name.

use super::articles::digest;
use super::{short, State, StateError};
use crate::digest::Digest;
use crate::statement::Kind;
use rusqlite::params;

/// The fewest hex digits [`State::resolve`] accepts as an id prefix.
pub const MIN_ID_PREFIX: usize = 6;

/// Why an id prefix does not name exactly one statement of the wanted kind.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// Fewer than [`MIN_ID_PREFIX`] or more than 64 digits.
    #[error("'{0}' is not an id prefix: use {MIN_ID_PREFIX} to 64 hex digits of a statement id")]
    BadPrefix(String),
    /// Not hex digits.
    #[error("'{0}' is not an id prefix: ids are hex digits (0-9, a-f)")]
    NotHex(String),
    /// No statement of the wanted kinds has an id starting with it.
    #[error("no {want} has an id starting with {prefix}")]
    NotFound {
        /// The prefix, lowercased.
        prefix: String,
        /// The wanted kinds, for people ("article.record or claim.record").
        want: String,
    },
    /// The one statement with that prefix is of another kind.
    #[error("{prefix} is {} {found}, not {} {want}", super::a(found.as_str()), super::a(want))]
    WrongKind {
        /// The prefix, lowercased.
        prefix: String,
        /// The kind of the statement it names.
        found: Kind,
        /// The wanted kinds, for people.
        want: String,
    },
    /// More than one statement of the wanted kinds has an id starting with it.
    #[error("id prefix {prefix} is ambiguous; it matches {}", candidates.iter().map(|(d, k)| format!("{} ({k})", short(d))).collect::<Vec<_>>().join(", "))]
    Ambiguous {
        /// The prefix, lowercased.
        prefix: String,
        /// The statements it matches (at most 50), in id order.
        candidates: Vec<(Digest, Kind)>,
    },
    /// The index could not be read.
    #[error(transparent)]
    State(#[from] StateError),
}

impl From<rusqlite::Error> for ResolveError {
    fn from(e: rusqlite::Error) -> ResolveError {
        ResolveError::State(StateError::Sql(e))
    }
}

fn kinds_text(kinds: &[Kind]) -> String {
    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    names.join(" or ")
}

impl State {
    /// The one statement of one of `kinds` whose id starts with `prefix`
    /// (at least [`MIN_ID_PREFIX`] hex digits, any case).
    pub fn resolve(&self, prefix: &str, kinds: &[Kind]) -> Result<Digest, ResolveError> {
        let p = prefix.trim().to_ascii_lowercase();
        if !p.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ResolveError::NotHex(prefix.to_string()));
        }
        if p.len() < MIN_ID_PREFIX || p.len() > 64 {
            return Err(ResolveError::BadPrefix(prefix.to_string()));
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, kind FROM statements WHERE id_hex >= ?1 AND id_hex < ?2
             ORDER BY id_hex LIMIT 50",
        )?;
        let upper = format!("{p}g");
        let all: Vec<(Digest, Kind)> = stmt
            .query_map(params![p, upper], |r| {
                Ok((digest(r.get(0)?)?, r.get::<_, String>(1)?))
            })?
            .map(|row| {
                let (d, k) = row?;
                Ok((d, Kind::parse(&k).map_err(StateError::Corrupt)?))
            })
            .collect::<Result<_, StateError>>()?;
        let want = if kinds.is_empty() {
            "statement".to_string()
        } else {
            kinds_text(kinds)
        };
        let matching: Vec<(Digest, Kind)> = all
            .iter()
            .copied()
            .filter(|(_, k)| kinds.is_empty() || kinds.contains(k))
            .collect();
        match (matching.as_slice(), all.as_slice()) {
            ([(d, _)], _) => Ok(*d),
            ([], [(_, found)]) if !kinds.is_empty() => Err(ResolveError::WrongKind {
                prefix: p,
                found: *found,
                want,
            }),
            ([], _) => Err(ResolveError::NotFound { prefix: p, want }),
            (many, _) => Err(ResolveError::Ambiguous {
                prefix: p,
                candidates: many.to_vec(),
            }),
        }
    }
}
