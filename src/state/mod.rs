//! The ledger's state and the one validity function.
//!
//! [`State::apply`] decides what may enter the ledger: applying a verified
//! statement to the current state either records it or fails with a
//! [`RuleError`] that says why. Append calls it before anything is written to
//! the log; audit replays the whole log through the very same function into a
//! fresh in-memory state. Nothing is admitted that a replay would reject.
//!
//! The state lives in an embedded SQLite database. It is derived data: the
//! on-disk copy (`index.sqlite` in the ledger directory) records how many log
//! entries it has applied and catches up on open, and deleting it loses
//! nothing. Keeping the state in a database is what makes append and status
//! lookups independent of the ledger's size: a rule asks the database, it
//! never replays the log.
//!
//! Each kind's rules live beside the tables they read and write: `keys.rs`
//! for the ledger genesis and key grants/revocations.

mod keys;
mod schema;

pub use keys::KeyRecord;

use crate::digest::Digest;
use crate::statement::{Kind, Role, VerifiedStatement};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

/// How far ahead of the log's `logged_at` a statement's own time may be, in
/// seconds: allows for clocks that disagree a little, not for backdating
/// into the future.
pub const MAX_CLOCK_SKEW: u64 = 300;

/// A log entry offered to the validity function.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    /// The entry's index in the log.
    pub seq: u64,
    /// When the log sequenced it (unix seconds).
    pub logged_at: u64,
    /// The statement, signature already checked.
    pub statement: &'a VerifiedStatement,
}

/// Read access to the ledger's content-addressed blobs (article texts,
/// evidence), which some rules check statements against.
pub trait Blobs {
    /// The blob with this digest, or `None` if the ledger does not hold it.
    fn blob(&self, digest: &Digest) -> Result<Option<Vec<u8>>, String>;
}

/// Why a statement may not enter the ledger.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} refused: {reason}")]
pub struct RuleError {
    /// The kind of the refused statement.
    pub kind: Kind,
    /// What rule it breaks, for a person to read.
    pub reason: String,
}

/// Errors from the state database itself (not rule violations).
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("index database {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("index database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(transparent)]
    Rule(#[from] RuleError),
    #[error("index database was built by another provledger version (schema {found}, want {want}); run `provledger reindex`")]
    Schema { found: i64, want: i64 },
}

/// The ledger's state: every statement applied so far, queryable.
pub struct State {
    conn: Connection,
}

impl State {
    /// Opens (creating if needed) the state database at `path`.
    pub fn open(path: &Path) -> Result<State, StateError> {
        let conn = Connection::open(path).map_err(|source| StateError::Open {
            path: path.display().to_string(),
            source,
        })?;
        // WAL lets readers run while a writer applies a batch.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        State::init(conn)
    }

    /// A fresh state in memory, as audit uses.
    pub fn in_memory() -> Result<State, StateError> {
        State::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<State, StateError> {
        schema::migrate(&conn)?;
        Ok(State { conn })
    }

    /// The database connection, for the read queries of other modules.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// How many log entries have been applied.
    pub fn applied(&self) -> Result<u64, StateError> {
        Ok(self.meta_u64("applied")?.unwrap_or(0))
    }

    /// Starts a batch: everything applied until [`State::commit`] is undone by
    /// [`State::rollback`].
    pub fn begin(&mut self) -> Result<(), StateError> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    /// Makes the batch permanent.
    pub fn commit(&mut self) -> Result<(), StateError> {
        self.conn.execute_batch("COMMIT")?;
        Ok(())
    }

    /// Undoes the batch.
    pub fn rollback(&mut self) -> Result<(), StateError> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("ROLLBACK")?;
        }
        Ok(())
    }

    /// The validity function: checks every rule for `entry` against the
    /// current state and, only if all hold, records it.
    ///
    /// Checks run before any write, so a refused statement leaves the state
    /// as it was.
    pub fn apply(&mut self, entry: &Entry, blobs: &dyn Blobs) -> Result<(), StateError> {
        let applied = self.applied()?;
        let st = entry.statement.statement();
        let kind = st.body.kind();
        let refuse = |reason: String| StateError::Rule(RuleError { kind, reason });
        if entry.seq != applied {
            return Err(refuse(format!(
                "entry {} offered to a state that has applied {applied} entries",
                entry.seq
            )));
        }
        if (entry.seq == 0) != (kind == Kind::Genesis) {
            return Err(refuse(if entry.seq == 0 {
                "the first entry of a ledger must be its ledger.genesis".into()
            } else {
                "a ledger has exactly one ledger.genesis, at entry 0".into()
            }));
        }
        let last_logged = self.meta_u64("last_logged_at")?.unwrap_or(0);
        if entry.logged_at < last_logged {
            return Err(refuse(format!(
                "logged_at {} is before the previous entry's {last_logged}",
                entry.logged_at
            )));
        }
        if st.at > entry.logged_at + MAX_CLOCK_SKEW {
            return Err(refuse(format!(
                "statement time {} is after the time it was logged ({}): statements may not come from the future",
                st.at, entry.logged_at
            )));
        }
        if kind != Kind::Genesis {
            self.check_signer(entry, kind)?;
        }

        let _ = blobs;
        let effect = keys::check(self, entry).map_err(refuse)?;

        // All checks passed: record.
        self.record_statement(entry)?;
        keys::record(self, entry, effect)?;
        self.set_meta("applied", entry.seq + 1)?;
        self.set_meta("last_logged_at", entry.logged_at)?;
        Ok(())
    }

    /// The signer must hold a current grant with a role that may sign `kind`;
    /// revocations are signed by the operator or the revoked key itself.
    fn check_signer(&self, entry: &Entry, kind: Kind) -> Result<(), StateError> {
        let refuse = |reason: String| StateError::Rule(RuleError { kind, reason });
        let signer = entry.statement.signer().to_bytes();
        let operator = self.operator_key()?;
        let is_operator = operator.as_ref() == Some(&signer);
        if matches!(kind, Kind::KeyGrant | Kind::KeyRevoke) {
            // key.revoke by the key itself is checked in keys::check.
            if is_operator || kind == Kind::KeyRevoke {
                return Ok(());
            }
            return Err(refuse(format!(
                "only the operator key may sign {kind}; signer {} is not the operator",
                hex::encode(signer)
            )));
        }
        let Some(rec) = self.key(&signer)? else {
            return Err(refuse(format!(
                "signer {} is not a granted key of this ledger",
                hex::encode(signer)
            )));
        };
        if let Some(seq) = rec.revoked_seq {
            return Err(refuse(format!(
                "signer {} ({}) was revoked at entry {seq}",
                rec.name, rec.display_name
            )));
        }
        let allowed = allowed_roles(kind);
        if !rec.roles.iter().any(|r| allowed.contains(r)) {
            let names: Vec<&str> = allowed.iter().map(|r| r.as_str()).collect();
            return Err(refuse(format!(
                "signer {} ({}) has no role that may sign {kind} (needs {})",
                rec.name,
                rec.display_name,
                names.join(" or ")
            )));
        }
        Ok(())
    }

    fn record_statement(&self, entry: &Entry) -> Result<(), StateError> {
        let s = entry.statement;
        self.conn.execute(
            "INSERT INTO statements (id, id_hex, seq, kind, signer, at, logged_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                s.id().0.as_slice(),
                s.id().to_hex(),
                entry.seq as i64,
                s.statement().body.kind().as_str(),
                s.signer().as_bytes().as_slice(),
                s.statement().at as i64,
                entry.logged_at as i64
            ],
        )?;
        Ok(())
    }

    /// The operator's public key bytes, once genesis is applied.
    pub fn operator_key(&self) -> Result<Option<[u8; 32]>, StateError> {
        let v: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT v FROM meta WHERE k = 'operator'", [], |r| r.get(0))
            .optional()?;
        Ok(v.and_then(|b| b.try_into().ok()))
    }

    /// The ledger's origin, once genesis is applied.
    pub fn origin(&self) -> Result<Option<String>, StateError> {
        Ok(self
            .conn
            .query_row("SELECT v FROM meta WHERE k = 'origin'", [], |r| r.get(0))
            .optional()?)
    }

    /// The verdict quorum from the genesis policy (1 before genesis).
    pub fn quorum(&self) -> Result<u64, StateError> {
        Ok(self.meta_u64("quorum")?.unwrap_or(1))
    }

    /// Looks up a statement by full id: its log index and kind.
    pub fn statement(&self, id: &Digest) -> Result<Option<(u64, Kind)>, StateError> {
        let row: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT seq, kind FROM statements WHERE id = ?1",
                [id.0.as_slice()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.and_then(|(seq, k)| Kind::parse(&k).ok().map(|k| (seq as u64, k))))
    }

    /// The ids (with log index and kind) whose hex starts with `prefix`, at
    /// most `limit` of them.
    pub fn ids_with_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<(Digest, u64, String)>, StateError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, seq, kind FROM statements WHERE id_hex >= ?1 AND id_hex < ?2
             ORDER BY id_hex LIMIT ?3",
        )?;
        let upper = format!("{prefix}g");
        let rows = stmt.query_map(params![prefix, upper, limit as i64], |r| {
            let id: Vec<u8> = r.get(0)?;
            Ok((
                Digest::from_slice(&id).unwrap_or_default(),
                r.get::<_, i64>(1)? as u64,
                r.get::<_, String>(2)?,
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A key's grant record, if it was ever granted.
    pub fn key(&self, pubkey: &[u8; 32]) -> Result<Option<KeyRecord>, StateError> {
        keys::lookup(self, pubkey)
    }

    /// Every key ever granted, in grant order.
    pub fn keys(&self) -> Result<Vec<KeyRecord>, StateError> {
        keys::list(self)
    }

    pub(crate) fn meta_u64(&self, k: &str) -> Result<Option<u64>, StateError> {
        let v: Option<i64> = self
            .conn
            .query_row("SELECT v FROM meta WHERE k = ?1", [k], |r| r.get(0))
            .optional()?;
        Ok(v.map(|v| v as u64))
    }

    pub(crate) fn set_meta<V: rusqlite::ToSql>(&self, k: &str, v: V) -> Result<(), StateError> {
        self.conn.execute(
            "INSERT INTO meta (k, v) VALUES (?1, ?2) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
            params![k, v],
        )?;
        Ok(())
    }
}

/// The roles whose holders may sign a statement of `kind` (operator-only
/// kinds have none).
pub fn allowed_roles(kind: Kind) -> &'static [Role] {
    match kind {
        Kind::Genesis | Kind::KeyGrant | Kind::KeyRevoke => &[],
    }
}
