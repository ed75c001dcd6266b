//! Checkers' worklists: which claims `claims --stale`, `--unjudged-by KEY`
//! and `--checker KEY` list (README "Fact-checker"), and the one way a
//! command names a granted key ([`State::resolve_key`]).
//!
//! Whether a verdict is stale is rule 1 of `crate::status`; the lists
//! decide it with the same function ([`standings`]) over the same rows, so
//! "stale" means here what it means in `status`. The SQL of
//! `query.rs` narrows the candidates first (a claim without a verdict on
//! other text than its own cannot have a stale one).

use super::keys::KeyRecord;
use super::standing::{standings, Standing};
use super::{State, StateError};
use crate::digest::Digest;
use std::path::Path;

/// Why a key could not be named.
#[derive(Debug, thiserror::Error)]
pub enum KeyRefError {
    /// No granted key has that name, key file or kid prefix.
    #[error(
        "no granted key is named '{0}' or has a kid starting with it, and no key file '{0}' exists"
    )]
    NotFound(String),
    /// A key file that this ledger never granted.
    #[error("the key in {file} ({kid}) is not a granted key of this ledger")]
    NotGranted {
        /// The file.
        file: String,
        /// Its kid (hex public key), shortened.
        kid: String,
    },
    /// More than one key matches.
    #[error("'{text}' names more than one key: {}", .matches.join(", "))]
    Ambiguous {
        /// What was given.
        text: String,
        /// The keys it matches, as "name (kid prefix)".
        matches: Vec<String>,
    },
    /// The key file cannot be read.
    #[error(transparent)]
    File(#[from] crate::keys::KeyError),
    /// The index could not be read.
    #[error(transparent)]
    State(#[from] StateError),
}

/// What the worklist filters of [`super::ClaimFilter`] ask for.
pub(crate) struct Worklist<'a> {
    pub stale: bool,
    pub unjudged_by: Option<&'a [u8; 32]>,
    /// With `stale`: only a stale verdict of this key counts.
    pub checker: Option<&'a [u8; 32]>,
}

impl Worklist<'_> {
    /// Some filter needs the verdicts' standings.
    pub fn active(&self) -> bool {
        self.stale || self.unjudged_by.is_some()
    }
}

impl State {
    /// The granted key that `text` names: a public key file (`.pub`), a
    /// key name as `key list` shows it, or a prefix (6+ hex digits) of its
    /// kid, the hex public key.
    pub fn resolve_key(&self, text: &str) -> Result<KeyRecord, KeyRefError> {
        let path = Path::new(text);
        if path.is_file() {
            let key = crate::keys::load_public_key(path)?;
            let raw = key.bytes();
            return self.key(&raw)?.ok_or_else(|| KeyRefError::NotGranted {
                file: path.display().to_string(),
                kid: hex::encode(raw)[..12].to_string(),
            });
        }
        let all = self.keys()?;
        let by_name: Vec<&KeyRecord> = all.iter().filter(|k| k.name == text).collect();
        let lower = text.to_ascii_lowercase();
        let by_kid: Vec<&KeyRecord> = if lower.len() >= super::MIN_ID_PREFIX
            && lower.bytes().all(|b| b.is_ascii_hexdigit())
        {
            all.iter()
                .filter(|k| hex::encode(k.pubkey).starts_with(&lower))
                .collect()
        } else {
            Vec::new()
        };
        let found = if by_name.is_empty() { by_kid } else { by_name };
        match found.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(KeyRefError::NotFound(text.to_string())),
            many => Err(KeyRefError::Ambiguous {
                text: text.to_string(),
                matches: many
                    .iter()
                    .map(|k| format!("{} ({})", k.name, &hex::encode(k.pubkey)[..12]))
                    .collect(),
            }),
        }
    }

    /// Whether claim `id` stays on the worklist `w`: it has a stale verdict
    /// (`stale`; with `checker`, a stale verdict of that key), and it is not retracted and `unjudged_by` has no verdict
    /// in force on its current text (never judged, every verdict
    /// withdrawn, or the latest stale).
    pub(crate) fn on_worklist(&self, id: &Digest, w: &Worklist) -> Result<bool, StateError> {
        let row = self
            .claim_row(id)?
            .ok_or_else(|| StateError::Corrupt(format!("claim {id} has no row")))?;
        let rows = self.verdict_rows(id)?;
        let s = standings(&rows, &row.substance, self.allow_self_review()?);
        let stale = rows
            .iter()
            .zip(&s)
            .any(|(v, s)| *s == Standing::Stale && w.checker.is_none_or(|k| v.key == k.as_slice()));
        if w.stale && !stale {
            return Ok(false);
        }
        if let Some(key) = w.unjudged_by {
            if row.retraction.is_some() {
                return Ok(false);
            }
            let in_force = rows.iter().zip(&s).any(|(v, s)| {
                v.key == key.as_slice()
                    && !matches!(
                        s,
                        Standing::Stale | Standing::Superseded | Standing::Withdrawn
                    )
            });
            if in_force {
                return Ok(false);
            }
        }
        Ok(true)
    }
}
