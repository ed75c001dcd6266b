//! A ledger: the transparency log ([`crate::log`]) and the state derived from
//! it ([`crate::state`]), kept in step.
//!
//! Appending goes: take the writer lock (repairing a torn tail), bring the
//! state up to the log, check every signature, run every statement through
//! [`State::apply`] inside one database transaction, and only if all pass
//! write the batch to the log (one round of fsyncs, then the new signed
//! checkpoint) and commit the transaction. The log is the truth: if the
//! process dies between the checkpoint and the commit, the state catches up
//! on the next open.
//!
//! This file opens a ledger, appends to it and reads from it; beside it,
//! `init.rs` makes a ledger (genesis, all-or-nothing init and its
//! clean-up), `replay.rs` keeps the index in step with the log (catch-up,
//! rebuild, [`Ledger::reindex`]), `blobs.rs` gives the rules the blobs they
//! read, and `error.rs` holds [`LedgerError`]; `batch.rs` decodes the body
//! of a batch submission.

pub mod batch;
mod blobs;
mod error;
mod group;
mod init;
mod replay;
pub mod sequencer;
mod verify;

pub use error::{ClockError, LedgerError};
pub use group::{Committed, Outcome, Placed, Submission, RULE_CLOCK_AHEAD};

use crate::digest::Digest;
use crate::keys::SecretKey;
use crate::log::{Leaf, Log, LogWriter};
use crate::state::limits::{not_ahead, MAX_AHEAD_OF_CLOCK, MAX_TIME};
use crate::state::{Entry, IndexKey, SealStatus, State, StateError};
use crate::statement::{IndexedText, Kind, SignedStatement};
use blobs::{LogBlobs, PendingBlobs};
use error::batch_position;
use init::remove_index;
use replay::Refusals;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// File name of the derived state/index database inside a ledger directory.
pub const INDEX_FILE: &str = "index.sqlite";
/// Directory (inside the ledger) where `init` keeps the operator key. It is
/// never served or published.
pub(crate) const PRIVATE_DIR: &str = "private";
/// How long a writer waits for another writer to finish.
pub(crate) const LOCK_WAIT: Duration = Duration::from_secs(30);

/// What an append returns for each statement: where it landed.
#[derive(Clone, Debug, Serialize)]
pub struct Receipt {
    /// The statement id (hex in JSON).
    pub id: Digest,
    /// Its kind.
    pub kind: Kind,
    /// Its index in the log.
    pub seq: u64,
    /// The log's size after the append.
    pub tree_size: u64,
    /// The new signed checkpoint.
    pub checkpoint: String,
}

/// A statement read back from the log with its leaf.
#[derive(Clone, Debug)]
pub struct Logged {
    /// The leaf that holds it.
    pub leaf: Leaf,
    /// The RFC 6962 leaf hash.
    pub leaf_hash: Digest,
    /// The decoded statement.
    pub statement: SignedStatement,
}

/// An id resolved from a prefix.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The full id.
    pub id: Digest,
    /// Log index.
    pub seq: u64,
    /// Its kind.
    pub kind: Kind,
}

/// A ledger opened for reading, or (with [`Ledger::open_writer`]) for appending.
pub struct Ledger {
    dir: PathBuf,
    log: Handle,
    state: State,
}

/// The log, as a reader's fixed view or the writer's always-current one.
enum Handle {
    Reader(Log),
    Writer(LogWriter),
}

impl std::ops::Deref for Handle {
    type Target = Log;
    fn deref(&self) -> &Log {
        match self {
            Handle::Reader(l) => l,
            Handle::Writer(w) => w,
        }
    }
}

/// The time for new statements and leaves: `SOURCE_DATE_EPOCH` when set (for
/// reproducible ledgers such as the sample), else the system clock. A value
/// past [`MAX_TIME`] (9999-12-31T23:59:59Z) is refused.
pub fn now() -> Result<u64, ClockError> {
    if let Ok(v) = std::env::var("SOURCE_DATE_EPOCH") {
        let t = v.trim();
        let digits = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        return match t.parse::<u64>() {
            Ok(s) if s <= MAX_TIME => Ok(s),
            _ if digits => Err(ClockError::EpochTooLate { value: t.into() }),
            _ => Err(ClockError::EpochMalformed { value: v }),
        };
    }
    clock()
}

/// This machine's clock, in unix seconds (never `SOURCE_DATE_EPOCH`).
pub fn clock() -> Result<u64, ClockError> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|e| ClockError::BeforeEpoch(e.to_string()))
}

/// Refuses a batch whose times are more than [`MAX_AHEAD_OF_CLOCK`] ahead
/// of this machine's clock: one entry logged far in the future would hold
/// every later entry's `logged_at` there, as log times never go back.
fn check_clock(
    verified: &[SignedStatement],
    logged_at: u64,
    last_logged_at: u64,
) -> Result<(), LedgerError> {
    let clock = clock()?;
    for (i, v) in verified.iter().enumerate() {
        not_ahead("statement time", v.statement().at, clock).map_err(|e| {
            ClockError::Ahead(format!(
                "{}{e}",
                batch_position(i, verified.len(), &v.id().to_hex())
            ))
        })?;
    }
    if last_logged_at > clock.saturating_add(MAX_AHEAD_OF_CLOCK) {
        return not_ahead("the previous entry's logged_at", last_logged_at, clock).map_err(|e| {
            ClockError::Ahead(format!(
                "{e}; entries cannot be logged before it (audit reports it)"
            ))
            .into()
        });
    }
    Ok(not_ahead("logged_at", logged_at, clock).map_err(ClockError::Ahead)?)
}

impl Ledger {
    /// Opens the ledger in `dir` for reading, bringing its index up to date.
    ///
    /// A reader never deletes or rebuilds the index (other readers may have
    /// it open). One built by another schema version (which the next writer
    /// rebuilds), or that SQLite cannot read as a database (which
    /// `provledger reindex` rebuilds), is left as it is, and this reader
    /// answers from the log replayed in memory.
    pub fn open(dir: &Path) -> Result<Ledger, LedgerError> {
        let log = Log::open(dir)?;
        let index = dir.join(INDEX_FILE);
        let (state, from_log) = match State::open(&index) {
            Err(e) if matches!(e, StateError::Schema { .. }) || crate::state::is_unreadable(&e) => {
                (State::in_memory()?, true)
            }
            other => (other?, false),
        };
        let mut ledger = Ledger {
            dir: dir.to_path_buf(),
            log: Handle::Reader(log),
            state,
        };
        if from_log {
            ledger.replay_in_memory(State::void_seqs_in(&index))?;
            return Ok(ledger);
        }
        match ledger.catch_up() {
            Err(LedgerError::State(e)) if crate::state::is_disk_full(&e) => {
                let listed = ledger.state.void_seqs()?;
                ledger.replay_in_memory(listed)?
            }
            other => other?,
        }
        Ok(ledger)
    }

    /// Moves a reader to the ledger's current checkpoint, keeping its index
    /// connection (and the statements prepared on it): what a long-lived
    /// reader, such as the server's pool, does instead of opening the
    /// ledger again. The index is checked against the log (and caught up)
    /// as [`Ledger::open`] does. A writer is left as it is: it is always
    /// at its own checkpoint.
    pub fn refresh(&mut self) -> Result<(), LedgerError> {
        if matches!(self.log, Handle::Writer(_)) {
            return Ok(());
        }
        self.log = Handle::Reader(Log::open(&self.dir)?);
        self.catch_up()
    }

    /// Opens the ledger in `dir` for appending: takes the writer lock
    /// (waiting up to 30 seconds) and repairs a torn tail.
    pub fn open_writer(dir: &Path) -> Result<Ledger, LedgerError> {
        let writer = Log::open_writer(dir, Some(LOCK_WAIT))?;
        let state = open_state(dir)?;
        let mut ledger = Ledger {
            dir: dir.to_path_buf(),
            log: Handle::Writer(writer),
            state,
        };
        ledger.catch_up()?;
        Ok(ledger)
    }

    /// The writer's check before it applies anything: the index's seal
    /// must verify under the key derived from `operator`. An index last
    /// brought up to date by a process without the key (a reader catching
    /// up after a crash, `reindex` without the key) is rebuilt from the log;
    /// one whose sealed tables were changed is refused.
    fn authenticate(&mut self, operator: &SecretKey) -> Result<(), LedgerError> {
        check_operator(&self.log, operator)?;
        let key = IndexKey::derive(operator);
        match self.state.seal_status(&key)? {
            SealStatus::Current => self.state.authenticate(key),
            SealStatus::Stale => {
                let listed = self.state.void_seqs().unwrap_or_default();
                self.state.authenticate(key);
                self.rebuild(Refusals::Void(listed), &mut |_, _| {})?;
            }
            SealStatus::Forged(what) => {
                return Err(LedgerError::IndexTampered {
                    path: self.dir.join(INDEX_FILE).display().to_string(),
                    what,
                })
            }
        }
        Ok(())
    }

    /// The seal check of [`Ledger::authenticate`], inside the caller's
    /// write transaction (which no other writer can change under it). The
    /// index was made current by `authenticate`; anything but a current
    /// seal now was changed since, and is refused.
    fn check_seal_in_transaction(&self, operator: &SecretKey) -> Result<(), LedgerError> {
        let tampered = |what: String| LedgerError::IndexTampered {
            path: self.dir.join(INDEX_FILE).display().to_string(),
            what,
        };
        match self.state.seal_status(&IndexKey::derive(operator))? {
            SealStatus::Current => Ok(()),
            SealStatus::Stale => Err(tampered(
                "its seal is missing or does not cover the entries it has applied".into(),
            )),
            SealStatus::Forged(what) => Err(tampered(what)),
        }
    }

    /// The ledger directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The log.
    pub fn log(&self) -> &Log {
        &self.log
    }

    /// The derived state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Number of entries.
    pub fn size(&self) -> u64 {
        self.log.size()
    }

    /// Stores a blob (article text, evidence), returning its digest.
    pub fn put_blob(&self, bytes: &[u8]) -> Result<Digest, LedgerError> {
        Ok(self.log.put_blob(bytes)?)
    }

    /// Reads a blob, checking its digest.
    pub fn get_blob(&self, digest: &Digest) -> Result<Vec<u8>, LedgerError> {
        Ok(self.log.get_blob(digest)?)
    }

    /// The exact text of the article version `article`, read as the rules
    /// read it: from the blob store, checked against the version's digest,
    /// UTF-8, with its offset tables (see [`IndexedText`]).
    pub fn article_text(
        &self,
        article: &Digest,
    ) -> Result<std::sync::Arc<IndexedText<'static>>, LedgerError> {
        let row = crate::state::articles::row(&self.state, article)?.ok_or_else(|| {
            LedgerError::NotFound(format!(
                "article {} is not in the index",
                crate::state::short(article)
            ))
        })?;
        crate::state::articles::text(&self.state, &LogBlobs(&self.log), &row).map_err(|e| match e {
            // The text the version names is missing or not its text: say
            // why, as the rule that reads it would.
            crate::state::Check::Refused(r) => LedgerError::NotFound(r.reason),
            crate::state::Check::Failed(e) => LedgerError::State(e),
        })
    }

    /// The name to show for the signing key `signer`: its granted name, or
    /// the log's origin for the operator key; `None` for a key the ledger
    /// does not know.
    pub fn signer_name(&self, signer: &[u8; 32]) -> Result<Option<String>, LedgerError> {
        if let Some(k) = self.state.key(signer)? {
            return Ok(Some(k.name));
        }
        Ok((self.state.operator_key()?.as_ref() == Some(signer))
            .then(|| self.log.origin().to_string()))
    }

    /// The claim `claim` as the index has it now.
    pub fn claim(&self, claim: &Digest) -> Result<crate::state::ClaimSummary, LedgerError> {
        self.state.claim(claim)?.ok_or_else(|| {
            LedgerError::NotFound(format!(
                "claim {} is not in the index",
                crate::state::short(claim)
            ))
        })
    }

    /// The revision of `claim` that a verdict signed now is bound to: its
    /// current one (on a writer handle, still current when the verdict
    /// lands).
    pub fn verdict_revision(&self, claim: &Digest) -> Result<Digest, LedgerError> {
        Ok(self.claim(claim)?.revision)
    }

    /// The article version a revision of `claim` reads when none is named:
    /// the newest version of the claim's article.
    pub fn revise_default_version(
        &self,
        claim: &crate::state::ClaimSummary,
    ) -> Result<crate::state::ArticleInfo, LedgerError> {
        let chain = self
            .state
            .article_chain(&claim.article.id)?
            .ok_or_else(|| {
                LedgerError::NotFound("the claim's article is not in the index".into())
            })?;
        Ok(chain.latest().clone())
    }

    /// Runs the index's WAL checkpoints on a thread of their own from now
    /// on, not inside the commits of this writer (`State::checkpoint_beside`):
    /// for a long-lived writer that commits often, `provledger serve`'s
    /// sequencer.
    pub fn checkpoint_index_beside(&mut self) -> Result<(), LedgerError> {
        if !matches!(self.log, Handle::Writer(_)) {
            return Err(LedgerError::ReadOnly);
        }
        Ok(self.state.checkpoint_beside(&self.dir.join(INDEX_FILE))?)
    }

    /// Whether the index's checkpoints run beside this writer
    /// ([`Ledger::checkpoint_index_beside`]); a rebuild keeps it so.
    pub fn checkpoints_index_beside(&self) -> bool {
        self.state.checkpoints_beside()
    }

    /// Appends `statements` as one batch, with the checkpoint signed by
    /// `operator`. All are checked (signatures and every rule) before
    /// anything is written; if one fails, nothing is written and the error
    /// names it.
    pub fn append(
        &mut self,
        statements: Vec<SignedStatement>,
        operator: &SecretKey,
        now: u64,
    ) -> Result<Vec<Receipt>, LedgerError> {
        self.append_with_blobs(statements, &[], operator, now)
    }

    /// Appends one statement that records something anew (an article's
    /// first version, a claim) as [`Ledger::append_with_blobs`] does, but
    /// first refuses it ([`LedgerError::Repeat`], nothing written) when the
    /// ledger already records it ([`State::refuse_repeat`]). The entry
    /// point of `article add` and `claim add`; `claim import` checks its
    /// whole batch the same way in its plan.
    pub fn add(
        &mut self,
        statement: SignedStatement,
        blobs: &[Vec<u8>],
        operator: &SecretKey,
        now: u64,
    ) -> Result<Receipt, LedgerError> {
        self.state.refuse_repeat(&statement.statement().body)?;
        let mut receipts = self.append_with_blobs(vec![statement], blobs, operator, now)?;
        Ok(receipts.remove(0))
    }

    /// As [`Ledger::append`], with blobs (article texts, evidence) that the
    /// statements refer to. The rules see them as if stored, but they are
    /// written only once every statement has passed, and before the log, so
    /// a refused statement leaves no blob behind and an acknowledged one
    /// never refers to a missing blob.
    ///
    /// The checks, in the order their failure is reported: the statement
    /// times against this machine's clock ([`LedgerError::Clock`]), the
    /// index's seal, then the signatures and the rules together (verified
    /// beside the apply, `verify.rs`: a bad signature anywhere in the
    /// batch is reported rather than a rule's refusal of an earlier
    /// statement).
    pub fn append_with_blobs(
        &mut self,
        statements: Vec<SignedStatement>,
        new_blobs: &[Vec<u8>],
        operator: &SecretKey,
        now: u64,
    ) -> Result<Vec<Receipt>, LedgerError> {
        if !matches!(self.log, Handle::Writer(_)) {
            return Err(LedgerError::ReadOnly);
        }
        self.authenticate(operator)?;
        let start = self.log.size();
        let last_logged_at = self.state.meta_u64("last_logged_at")?.unwrap_or(0);
        let logged_at = now.max(last_logged_at);
        check_clock(&statements, logged_at, last_logged_at)?;
        #[cfg(test)]
        test_hook::before_seal_check(&self.dir);
        self.state.begin()?;
        // The seal again, inside the transaction: `keys` edited after
        // `authenticate` above is caught here, before the rules read it.
        if let Err(e) = self.check_seal_in_transaction(operator) {
            self.state.rollback()?;
            return Err(e);
        }
        let blobs = PendingBlobs {
            pending: new_blobs
                .iter()
                .map(|b| (Digest::of(b), b.as_slice()))
                .collect(),
            stored: LogBlobs(&self.log),
        };
        let batch = statements.len();
        let state = &mut self.state;
        // The signatures are checked beside the apply (verify.rs).
        let applied = verify::verify_beside(statements, |i, v| {
            let entry = Entry {
                seq: start + i as u64,
                logged_at,
                statement: v,
            };
            state
                .apply(&entry, &blobs)
                .map_err(|e| Box::new((i, v.id(), e)))
        });
        let verified = match applied {
            Ok(v) => v,
            Err(stopped) => {
                self.state.rollback()?;
                return Err(match stopped {
                    verify::Stopped::Signature(index, source) => {
                        LedgerError::Statement { index, source }
                    }
                    verify::Stopped::Apply(failed) => match *failed {
                        (index, id, StateError::Rule(error)) => LedgerError::Refused {
                            index,
                            batch,
                            id: id.to_hex(),
                            error,
                        },
                        (_, _, StateError::Tampered(what)) => LedgerError::IndexTampered {
                            path: self.dir.join(INDEX_FILE).display().to_string(),
                            what,
                        },
                        // The index or the blob store failed: the cause is kept.
                        (_, _, other) => LedgerError::State(other),
                    },
                });
            }
        };
        for b in new_blobs {
            if let Err(e) = self.log.put_blob(b) {
                self.state.rollback()?;
                return Err(e.into());
            }
        }
        let bytes: Vec<Vec<u8>> = verified.iter().map(|v| v.bytes().to_vec()).collect();
        let Handle::Writer(writer) = &mut self.log else {
            unreachable!("checked at the start of the append");
        };
        let appended = writer.append(&bytes, logged_at, &operator.note_signer());
        let seqs = match appended {
            Ok(s) => s,
            Err(e) => {
                self.state.rollback()?;
                return Err(e.into());
            }
        };
        // The new checkpoint is durable: the append has happened, whatever
        // becomes of the index. If recording it there fails, the next open
        // catches the index up from the log; reporting failure now would
        // make the user sign and append the same thing again.
        let indexed = seqs
            .last()
            .map_or(Ok(()), |last| {
                let h = self.log.leaf_hash(*last)?;
                self.state.set_last_leaf_hash(&h).map_err(LedgerError::from)
            })
            .and_then(|()| self.state.seal().map_err(LedgerError::from))
            .and_then(|()| self.state.commit().map_err(LedgerError::from));
        if indexed.is_err() {
            let _ = self.state.rollback();
        }
        let checkpoint = String::from_utf8_lossy(self.log.checkpoint_bytes()).into_owned();
        Ok(verified
            .iter()
            .zip(seqs)
            .map(|(v, seq)| Receipt {
                id: v.id(),
                kind: v.statement().body.kind(),
                seq,
                tree_size: self.log.size(),
                checkpoint: checkpoint.clone(),
            })
            .collect())
    }

    /// Reads entry `seq` and decodes its statement.
    pub fn entry(&self, seq: u64) -> Result<Logged, LedgerError> {
        let bytes = self.log.entry(seq)?;
        decode_entry(seq, &bytes)
    }

    /// Resolves a hex id prefix (at least
    /// [`MIN_ID_PREFIX`](crate::state::MIN_ID_PREFIX) digits) to a
    /// statement, optionally only among statements of the given kinds.
    pub fn resolve(&self, prefix: &str, kinds: &[Kind]) -> Result<Resolved, LedgerError> {
        let id = self.state.resolve(prefix, kinds)?;
        let (seq, kind) = self
            .state
            .statement(&id)?
            .ok_or_else(|| LedgerError::NotFound(format!("statement {id} is not in the index")))?;
        Ok(Resolved { id, seq, kind })
    }

    /// An offline inclusion proof (c2sp.org/tlog-proof, with the leaf as
    /// extra data) for entry `seq` under the current checkpoint.
    pub fn inclusion_proof(&self, seq: u64) -> Result<crate::proof::TlogProof, LedgerError> {
        let size = self.log.size();
        Ok(crate::proof::TlogProof {
            extra: Some(self.log.entry(seq)?),
            index: seq,
            hashes: self.log.inclusion_proof(seq, size)?,
            checkpoint: self.log.checkpoint_bytes().to_vec(),
        })
    }
}

/// Fails unless `operator` is the key that signs the checkpoints of `log`.
fn check_operator(log: &Log, operator: &SecretKey) -> Result<(), LedgerError> {
    Ok(log.check_signer(&operator.note_signer())?)
}

/// Opens the index for the writer, rebuilding it from scratch when it was
/// made by another schema version (it is derived data; the log is the
/// truth). Readers leave such an index alone ([`Ledger::open`]). One that
/// SQLite cannot read as a database is named
/// ([`LedgerError::IndexUnreadable`]), for `reindex` to rebuild.
/// The writer's state (`open_writer`, `rebuild`, `reindex`).
fn open_state(dir: &Path) -> Result<State, LedgerError> {
    let state = open_state_file(dir)?;
    state.tune_for_writer()?;
    Ok(state)
}

fn open_state_file(dir: &Path) -> Result<State, LedgerError> {
    let path = dir.join(INDEX_FILE);
    match State::open(&path) {
        Err(StateError::Schema { .. }) => {
            remove_index(dir)?;
            Ok(State::open(&path)?)
        }
        Err(e) if crate::state::is_unreadable(&e) => match e {
            StateError::Open { source, .. } | StateError::Sql(source) => {
                Err(LedgerError::IndexUnreadable {
                    path: path.display().to_string(),
                    source,
                })
            }
            other => Err(other.into()),
        },
        other => Ok(other?),
    }
}

/// Decodes a stored leaf and its statement.
pub fn decode_entry(seq: u64, bytes: &[u8]) -> Result<Logged, LedgerError> {
    let corrupt = |what: String| LedgerError::Corrupt { seq, what };
    let leaf = Leaf::decode(bytes).map_err(|e| corrupt(e.to_string()))?;
    let statement = SignedStatement::decode(&leaf.statement).map_err(|e| corrupt(e.to_string()))?;
    Ok(Logged {
        leaf_hash: Leaf::hash_bytes(bytes),
        leaf,
        statement,
    })
}

/// A point inside [`Ledger::append_with_blobs`] where a unit test can
/// change the index, as another process could between the first seal
/// check and the batch's transaction.
#[cfg(test)]
mod test_hook {
    use std::cell::RefCell;
    use std::path::Path;

    /// What a test runs there: given the ledger directory.
    pub type Hook = Box<dyn FnMut(&Path)>;

    thread_local! {
        pub static HOOK: RefCell<Option<Hook>> = RefCell::new(None);
    }

    /// Runs the hook set for this thread, if any (once).
    pub fn before_seal_check(dir: &Path) {
        if let Some(mut f) = HOOK.with(|h| h.borrow_mut().take()) {
            f(dir)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SecretKey;

    /// The seal is checked inside the batch's transaction: an edit of
    /// `keys` made after `authenticate` checked it (by another process,
    /// before this one began its transaction) is refused, not read by the
    /// rules and sealed.
    #[test]
    fn an_index_edited_between_the_seal_check_and_the_transaction_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("ledger");
        let operator = SecretKey::generate("example.org/log").unwrap();
        let now = 1_700_000_000;
        drop(Ledger::init(&dir, &operator, "test", 1, now).unwrap());
        let mut ledger = Ledger::open_writer(&dir).unwrap();
        let before = std::fs::read(dir.join(crate::log::CHECKPOINT_FILE)).unwrap();
        test_hook::HOOK.with(|h| {
            *h.borrow_mut() = Some(Box::new(|dir: &Path| {
                let conn = rusqlite::Connection::open(dir.join(INDEX_FILE)).unwrap();
                conn.execute_batch(
                    "INSERT INTO keys (pubkey, note, name, display_name, roles, granted_seq, granted_at)
                     VALUES (randomblob(32), 'planted', 'planted', 'Planted', 'editor', 0, 0)",
                )
                .unwrap();
            }))
        });
        let st = Ledger::genesis(&operator, "again", 1, now).unwrap();
        let e = ledger
            .append(vec![st], &operator, now)
            .expect_err("an append on an index edited meanwhile");
        assert!(
            matches!(&e, LedgerError::IndexTampered { what, .. }
                if what.starts_with("its keys, meta or void table is not what the writer sealed")),
            "{e}"
        );
        assert_eq!(ledger.size(), 1);
        assert_eq!(
            std::fs::read(dir.join(crate::log::CHECKPOINT_FILE)).unwrap(),
            before,
            "nothing was appended"
        );
    }

    /// A rebuild of the server's index (after a crash left it stale, the
    /// first group commit rebuilds it) keeps its checkpoints beside the
    /// writer.
    #[test]
    fn a_rebuild_keeps_the_checkpoint_thread() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("ledger");
        let operator = SecretKey::generate("example.org/log").unwrap();
        drop(Ledger::init(&dir, &operator, "test", 1, 1_700_000_000).unwrap());
        let mut ledger = Ledger::open_writer(&dir).unwrap();
        assert!(!ledger.checkpoints_index_beside());
        ledger.checkpoint_index_beside().unwrap();
        ledger
            .rebuild(replay::Refusals::Fail, &mut |_, _| {})
            .unwrap();
        assert!(
            ledger.checkpoints_index_beside(),
            "the rebuilt index lost its checkpoint thread"
        );
        drop(ledger);
        let mut reader = Ledger::open(&dir).unwrap();
        assert!(
            matches!(reader.checkpoint_index_beside(), Err(LedgerError::ReadOnly)),
            "a reader has no checkpoints to run"
        );
    }

    /// A reader on a full disk replays the log in memory: the entries the
    /// index applies as nothing (`reindex --skip-refused`) are applied as
    /// nothing there too, not a failure of every read.
    #[test]
    fn the_in_memory_replay_of_a_full_disk_voids_what_the_index_voids() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("ledger");
        let operator = SecretKey::generate("example.org/log").unwrap();
        let now = 1_700_000_000;
        drop(Ledger::init(&dir, &operator, "test", 1, now).unwrap());
        let mut w = Log::open_writer(&dir, None).unwrap();
        w.append(
            &[b"not a COSE_Sign1".to_vec()],
            now,
            &operator.note_signer(),
        )
        .unwrap();
        drop(w);
        let (ledger, void) = Ledger::reindex(&dir, Some(&operator), true, |_, _| {}).unwrap();
        assert_eq!(void.iter().map(|v| v.seq).collect::<Vec<_>>(), [1]);
        drop(ledger);
        let mut reader = Ledger::open(&dir).unwrap();
        let listed = reader.state().void_seqs().unwrap();
        reader.replay_in_memory(listed).unwrap();
        assert_eq!(reader.state().applied().unwrap(), 2);
        assert_eq!(
            reader
                .state()
                .void_seqs()
                .unwrap()
                .into_iter()
                .collect::<Vec<_>>(),
            [1]
        );
    }
}
