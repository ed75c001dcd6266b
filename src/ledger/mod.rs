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

use crate::digest::Digest;
use crate::keys::SecretKey;
use crate::log::{Leaf, Log, LogError, LogWriter};
use crate::state::limits::{not_ahead, MAX_AHEAD_OF_CLOCK, MAX_TIME};
use crate::state::{
    BlobError, Blobs, Entry, IndexKey, ResolveError, SealStatus, State, StateError, VoidEntry,
    RULE_SIGNATURE, RULE_UNDECODABLE,
};
use crate::statement::{verify_batch, IndexedText, Kind, SignedStatement, StatementError};
use crate::time::rfc3339;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// File name of the derived state/index database inside a ledger directory.
pub const INDEX_FILE: &str = "index.sqlite";
/// Directory (inside the ledger) where `init` keeps the operator key. It is
/// never served or published.
pub const PRIVATE_DIR: &str = "private";
/// How long a writer waits for another writer to finish.
pub const LOCK_WAIT: Duration = Duration::from_secs(30);
/// The shortest id prefix accepted.
pub const MIN_PREFIX: usize = crate::state::MIN_ID_PREFIX;

/// What can go wrong opening, reading or appending to a ledger.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error(transparent)]
    Log(#[from] LogError),
    #[error(transparent)]
    State(#[from] StateError),
    #[error("statement {index} of the batch")]
    Statement {
        index: usize,
        source: StatementError,
    },
    /// A statement of the batch is refused. The message is self-contained
    /// (the refusal, with its position in the batch), so `error` is not
    /// also a source.
    #[error("{}{error}", batch_position(*.index, *.batch, .id))]
    Refused {
        index: usize,
        batch: usize,
        id: String,
        error: Box<StateError>,
    },
    #[error("{0}")]
    NotFound(String),
    /// A time ahead of this machine's clock (or the clock unreadable).
    #[error("{0}")]
    Clock(String),
    #[error("this ledger was opened for reading; open it with Ledger::open_writer to append")]
    ReadOnly,
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error("entry {seq}: {what}")]
    Corrupt { seq: u64, what: String },
    #[error("the index {path} does not match the ledger's log (copied from another ledger, or the log was restored from a backup)")]
    IndexMismatch { path: String },
    #[error("the index {path} fails the writer's check: {what}; nothing was written")]
    IndexTampered { path: String, what: String },
    /// Replaying the log, entry `seq` was refused. `rebuilding`: the
    /// replay was from genesis into an empty index (else it was catching up
    /// an index that may itself be damaged).
    #[error("entry {seq} of the log is refused by the rules: {what}")]
    RefusedEntry {
        seq: u64,
        /// The refusing rule's id (README: "Rule ids").
        rule: &'static str,
        what: String,
        rebuilding: bool,
    },
    #[error("cannot build the index {path}")]
    Index {
        path: String,
        source: std::io::Error,
    },
    /// Both errors are in the message, so neither is also a source.
    #[error("{error}; removing what the failed init had made also failed: {cleanup}")]
    InitCleanup {
        error: Box<LedgerError>,
        cleanup: Box<LedgerError>,
    },
}

/// Names a statement within a batch, unless the batch holds only it.
fn batch_position(index: usize, batch: usize, id: &str) -> String {
    if batch > 1 {
        format!("statement {index} of the batch ({id}): ")
    } else {
        String::new()
    }
}

/// What an append returns for each statement: where it landed.
#[derive(Clone, Debug, Serialize)]
pub struct Receipt {
    /// The statement id (hex).
    pub id: String,
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
    /// Kind name.
    pub kind: String,
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

struct LogBlobs<'a>(&'a Log);

impl Blobs for LogBlobs<'_> {
    fn blob(&self, digest: &Digest) -> Result<Option<Vec<u8>>, BlobError> {
        match self.0.get_blob(digest) {
            Ok(b) => Ok(Some(b)),
            Err(LogError::BlobNotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// The time for new statements and leaves: `SOURCE_DATE_EPOCH` when set (for
/// reproducible ledgers such as the sample), else the system clock. A value
/// past [`MAX_TIME`] (9999-12-31T23:59:59Z) is refused.
pub fn now() -> Result<u64, String> {
    if let Ok(v) = std::env::var("SOURCE_DATE_EPOCH") {
        let t = v.trim();
        let digits = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        return match t.parse::<u64>() {
            Ok(s) if s <= MAX_TIME => Ok(s),
            _ if digits => Err(format!(
                "SOURCE_DATE_EPOCH={t} is after {} (unix time {MAX_TIME}), the latest time a ledger can record; set it to unix seconds, as `date +%s` prints them, or unset it",
                rfc3339(MAX_TIME)
            )),
            _ => Err(format!(
                "SOURCE_DATE_EPOCH='{v}' is not a whole number of seconds"
            )),
        };
    }
    clock()
}

/// This machine's clock, in unix seconds (never `SOURCE_DATE_EPOCH`).
pub fn clock() -> Result<u64, String> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|e| format!("this machine's clock is before 1970: {e}"))
}

/// Refuses a batch whose times are more than [`MAX_AHEAD_OF_CLOCK`] ahead
/// of this machine's clock: one entry logged far in the future would hold
/// every later entry's `logged_at` there, as log times never go back.
fn check_clock(
    verified: &[crate::statement::VerifiedStatement],
    logged_at: u64,
    last_logged_at: u64,
) -> Result<(), LedgerError> {
    let clock = clock().map_err(LedgerError::Clock)?;
    for (i, v) in verified.iter().enumerate() {
        not_ahead("statement time", v.statement().at, clock).map_err(|e| {
            LedgerError::Clock(format!(
                "{}{e}",
                batch_position(i, verified.len(), &v.id().to_hex())
            ))
        })?;
    }
    if last_logged_at > clock.saturating_add(MAX_AHEAD_OF_CLOCK) {
        return not_ahead("the previous entry's logged_at", last_logged_at, clock).map_err(|e| {
            LedgerError::Clock(format!(
                "{e}; entries cannot be logged before it (audit reports it)"
            ))
        });
    }
    not_ahead("logged_at", logged_at, clock).map_err(LedgerError::Clock)
}

impl Ledger {
    /// Where `init` puts the operator key of the ledger in `dir`.
    pub fn default_operator_key_path(dir: &Path) -> PathBuf {
        dir.join(PRIVATE_DIR).join("operator.key")
    }

    /// Whether `dir` already holds a ledger that `init` must not touch: a
    /// checkpoint that is not that of an [unfinished init](Ledger::is_unfinished_init).
    pub fn exists(dir: &Path) -> bool {
        let cp = dir.join(crate::log::CHECKPOINT_FILE);
        std::fs::symlink_metadata(cp).is_ok() && !Ledger::is_unfinished_init(dir)
    }

    /// Whether `dir` holds what an `init` that died part-way leaves: a
    /// readable checkpoint of the empty log (every ledger's first entry is
    /// its genesis, so no finished ledger has one). `init` may replace it.
    pub fn is_unfinished_init(dir: &Path) -> bool {
        matches!(
            crate::log::read_checkpoint(dir),
            Ok(Some(note)) if crate::log::Checkpoint::parse_unverified(&note)
                .is_ok_and(|cp| cp.size == 0)
        )
    }

    /// Signs the genesis statement of a new ledger and checks it against
    /// the rules, touching nothing on disk: `init` calls it before it writes
    /// the operator key, so a refused genesis leaves no key file behind.
    pub fn genesis(
        operator: &SecretKey,
        description: &str,
        quorum: u64,
        now: u64,
    ) -> Result<SignedStatement, LedgerError> {
        use crate::statement::{Body, Genesis, Policy, Statement};
        let genesis = SignedStatement::sign(
            &Statement {
                at: now,
                body: Body::Genesis(Genesis {
                    origin: operator.public().name().to_string(),
                    operator: operator.public().to_note_string(),
                    description: description.to_string(),
                    policy: Policy { quorum },
                }),
            },
            operator,
        )
        .map_err(|source| LedgerError::Statement { index: 0, source })?;
        let mut scratch = State::in_memory()?;
        let verified = genesis
            .clone()
            .verify()
            .map_err(|source| LedgerError::Statement { index: 0, source })?;
        scratch
            .apply(
                &Entry {
                    seq: 0,
                    logged_at: now,
                    statement: &verified,
                },
                &NoBlobs,
            )
            .map_err(|source| LedgerError::Refused {
                index: 0,
                batch: 1,
                id: verified.id().to_hex(),
                error: Box::new(source),
            })?;
        Ok(genesis)
    }

    /// Creates a ledger in `dir` whose genesis is signed by `operator`.
    ///
    /// All or nothing: if anything fails before the genesis is in the log,
    /// every file this call made is removed again (the checkpoint first, so
    /// that what is left is never mistaken for a ledger), and a second
    /// `init` can succeed. What a process killed part-way leaves — a
    /// checkpoint of the empty log ([`Ledger::is_unfinished_init`]) — is
    /// cleared and replaced.
    pub fn init(
        dir: &Path,
        operator: &SecretKey,
        description: &str,
        quorum: u64,
        now: u64,
    ) -> Result<Ledger, LedgerError> {
        Ledger::init_inner(dir, operator, description, quorum, now, None)
    }

    /// [`Ledger::init`], with its genesis append stopped at `point` as if
    /// the process had died there (tests only).
    #[doc(hidden)]
    pub fn init_crashing_at(
        dir: &Path,
        operator: &SecretKey,
        description: &str,
        quorum: u64,
        now: u64,
        point: crate::log::CrashPoint,
    ) -> Result<Ledger, LedgerError> {
        Ledger::init_inner(dir, operator, description, quorum, now, Some(point))
    }

    fn init_inner(
        dir: &Path,
        operator: &SecretKey,
        description: &str,
        quorum: u64,
        now: u64,
        crash: Option<crate::log::CrashPoint>,
    ) -> Result<Ledger, LedgerError> {
        // Check the genesis against the rules before creating anything.
        let genesis = Ledger::genesis(operator, description, quorum, now)?;
        if Ledger::is_unfinished_init(dir) {
            // Under the writer lock, so as not to clear away the empty log
            // of another init that is still at work.
            let held = match Log::open_writer(dir, None) {
                Err(e @ LogError::Locked { .. }) => return Err(e.into()),
                other => other.ok(),
            };
            remove_ledger_files(dir, &[])?;
            drop(held);
        }
        let existed = std::fs::symlink_metadata(dir).is_ok();
        // What was there before and may hold somebody else's files or lock:
        // an undo leaves it. (A `tile/` or `hashes` there was empty, or
        // Log::create would have refused.)
        let keep: Vec<&str> = [crate::log::blobs::BLOBS_DIR, crate::log::LOCK_FILE]
            .into_iter()
            .filter(|f| std::fs::symlink_metadata(dir.join(f)).is_ok())
            .collect();
        let writer = match Log::create(dir, &operator.note_signer()) {
            Ok(w) => w,
            // Somebody's ledger, or another init at work: not ours to undo.
            Err(e @ (LogError::AlreadyExists { .. } | LogError::Locked { .. })) => {
                return Err(e.into())
            }
            Err(e) => return Err(undo_init(dir, existed, &keep, e.into())),
        };
        let built = (|| {
            let mut writer = writer;
            writer.crash_at(crash);
            remove_index(dir)?;
            let state = State::open(&dir.join(INDEX_FILE))?;
            let mut ledger = Ledger {
                dir: dir.to_path_buf(),
                log: Handle::Writer(writer),
                state,
            };
            ledger.append(vec![genesis], operator, now)?;
            if let Handle::Writer(w) = &mut ledger.log {
                w.crash_at(None);
            }
            Ok(ledger)
        })();
        match built {
            Ok(ledger) => Ok(ledger),
            // The genesis made it into the log: the ledger is whole, and the
            // index catches up when it is opened.
            Err(_) if Log::open(dir).is_ok_and(|l| l.size() > 0) => Ledger::open_writer(dir),
            Err(e) => Err(undo_init(dir, existed, &keep, e)),
        }
    }

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

    /// For a reader whose index is behind the log on a full disk, where it
    /// cannot write the entries it lacks, or that it cannot use at all
    /// ([`Ledger::open`]): the state replayed in memory from the whole log
    /// instead, so reads still answer from every entry. The entries the
    /// index applies as nothing (`listed`, from `reindex --skip-refused`)
    /// are applied as nothing here too.
    fn replay_in_memory(
        &mut self,
        listed: std::collections::BTreeSet<u64>,
    ) -> Result<(), LedgerError> {
        let mut state = State::in_memory()?;
        state.begin()?;
        replay_into(
            &mut state,
            &self.log,
            0..self.log.size(),
            &mut |_, _| {},
            &Refusals::Void(listed),
        )?;
        state.commit()?;
        self.state = state;
        Ok(())
    }

    /// Opens the ledger in `dir` for appending: takes the writer lock
    /// (waiting up to [`LOCK_WAIT`]) and repairs a torn tail.
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

    /// Applies log entries the index has not seen yet. If the index does not
    /// match the log (restored from elsewhere, or damaged), it is rebuilt.
    fn catch_up(&mut self) -> Result<(), LedgerError> {
        self.catch_up_with(&mut |_, _| {})
    }

    /// [`Ledger::catch_up`], reporting (entries applied, entries to apply)
    /// as it goes.
    fn catch_up_with(&mut self, progress: &mut dyn FnMut(u64, u64)) -> Result<(), LedgerError> {
        let writer = matches!(self.log, Handle::Writer(_));
        if !writer && self.state.applied()? > self.log.size() {
            // A writer appended (and indexed) after this reader read the
            // checkpoint: read it again rather than doubt the index.
            self.log = Handle::Reader(Log::open(&self.dir)?);
        }
        let size = self.log.size();
        let applied = self.state.applied()?;
        let in_step = applied <= size
            && (applied == 0
                || self.state.last_leaf_hash()? == Some(self.log.leaf_hash(applied - 1)?));
        if !in_step {
            // Only the writer may rebuild: readers may have the index open.
            if !writer {
                return Err(LedgerError::IndexMismatch {
                    path: self.dir.join(INDEX_FILE).display().to_string(),
                });
            }
            let listed = self.state.void_seqs().unwrap_or_default();
            self.rebuild(Refusals::Void(listed), progress)?;
            return Ok(());
        }
        if applied >= size {
            return Ok(());
        }
        // Take the index's write lock, then look again: another process may
        // have caught it up while this one waited.
        self.state.begin()?;
        let applied = self.state.applied()?;
        if applied >= size {
            self.state.rollback()?;
            return Ok(());
        }
        let result = replay_into(
            &mut self.state,
            &self.log,
            applied..size,
            progress,
            &Refusals::Fail,
        )
        .and_then(|()| Ok(self.state.seal()?));
        match result {
            Ok(()) => self.state.commit()?,
            Err(e) => {
                self.state.rollback()?;
                return Err(e);
            }
        }
        Ok(())
    }

    /// Deletes the index and builds it again from the whole log (the caller
    /// holds the writer lock), authenticated if the old state was. Returns
    /// the entries applied as nothing.
    fn rebuild(
        &mut self,
        refusals: Refusals,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Vec<VoidEntry>, LedgerError> {
        let key = self.state.index_key().cloned();
        drop(std::mem::replace(&mut self.state, State::in_memory()?));
        remove_index(&self.dir)?;
        self.state = open_state(&self.dir)?;
        if let Some(key) = key {
            self.state.authenticate(key);
        }
        let size = self.log.size();
        self.state.begin()?;
        let result = replay_into(&mut self.state, &self.log, 0..size, progress, &refusals)
            .and_then(|()| Ok(self.state.seal()?));
        match result {
            Ok(()) => self.state.commit()?,
            Err(e) => {
                self.state.rollback()?;
                return Err(e);
            }
        }
        Ok(self.state.void_entries()?)
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

    /// The current signed checkpoint, as stored.
    pub fn checkpoint_note(&self) -> Vec<u8> {
        self.log.checkpoint_bytes().to_vec()
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

    /// As [`Ledger::append`], with blobs (article texts, evidence) that the
    /// statements refer to. The rules see them as if stored, but they are
    /// written only once every statement has passed, and before the log, so
    /// a refused statement leaves no blob behind and an acknowledged one
    /// never refers to a missing blob.
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
        let verified = verify_batch(statements)
            .into_iter()
            .enumerate()
            .map(|(index, r)| r.map_err(|source| LedgerError::Statement { index, source }))
            .collect::<Result<Vec<_>, _>>()?;
        let last_logged_at = self.state.meta_u64("last_logged_at")?.unwrap_or(0);
        let logged_at = now.max(last_logged_at);
        check_clock(&verified, logged_at, last_logged_at)?;
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
        for (i, v) in verified.iter().enumerate() {
            let entry = Entry {
                seq: start + i as u64,
                logged_at,
                statement: v,
            };
            if let Err(source) = self.state.apply(&entry, &blobs) {
                self.state.rollback()?;
                if let StateError::Tampered(what) = source {
                    return Err(LedgerError::IndexTampered {
                        path: self.dir.join(INDEX_FILE).display().to_string(),
                        what,
                    });
                }
                return Err(LedgerError::Refused {
                    index: i,
                    batch: verified.len(),
                    id: v.id().to_hex(),
                    error: Box::new(source),
                });
            }
        }
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
                id: v.id().to_hex(),
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

    /// Resolves a hex id prefix (at least [`MIN_PREFIX`] digits) to a
    /// statement, optionally only among statements of the given kinds.
    pub fn resolve(&self, prefix: &str, kinds: &[Kind]) -> Result<Resolved, LedgerError> {
        let id = self.state.resolve(prefix, kinds)?;
        let (seq, kind) = self
            .state
            .statement(&id)?
            .ok_or_else(|| LedgerError::NotFound(format!("statement {id} is not in the index")))?;
        Ok(Resolved {
            id,
            seq,
            kind: kind.as_str().to_string(),
        })
    }

    /// Rebuilds the log's `hashes` file, then deletes and rebuilds the
    /// index, from the log's entries, calling `progress` with (entries
    /// done, entries in all) for each pass. Holds the writer lock
    /// meanwhile, so no append lands in an index that is being deleted.
    ///
    /// With `operator` (the key that signs the checkpoints) the new index
    /// is sealed, so the next append need not rebuild it. An entry the
    /// rules refuse fails the rebuild ([`LedgerError::RefusedEntry`]) unless
    /// `skip_refused`, or the old index had already applied it as nothing;
    /// such entries are applied as nothing and returned, in log order. The
    /// old index is never needed: whatever it holds, the rebuild runs.
    pub fn reindex(
        dir: &Path,
        operator: Option<&SecretKey>,
        skip_refused: bool,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<(Ledger, Vec<VoidEntry>), LedgerError> {
        // Refuse a wrong key before anything is written: rebuilding
        // `hashes` renames a new file into place.
        if let Some(op) = operator {
            Log::check_signer_in(dir, &op.note_signer())?;
        }
        let writer = Log::open_writer_rebuilding_hashes(dir, Some(LOCK_WAIT), &mut progress)?;
        if let Some(op) = operator {
            // Again under the lock, against the checkpoint now current.
            check_operator(&writer, op)?;
        }
        let listed = State::void_seqs_in(&dir.join(INDEX_FILE));
        remove_index(dir)?;
        let state = open_state(dir)?;
        let mut ledger = Ledger {
            dir: dir.to_path_buf(),
            log: Handle::Writer(writer),
            state,
        };
        if let Some(op) = operator {
            ledger.state.authenticate(IndexKey::derive(op));
        }
        let refusals = if skip_refused {
            Refusals::VoidAll
        } else {
            Refusals::Void(listed)
        };
        let void = ledger.rebuild(refusals, &mut progress)?;
        Ok((ledger, void))
    }
}

/// Fails unless `operator` is the key that signs the checkpoints of `log`.
fn check_operator(log: &Log, operator: &SecretKey) -> Result<(), LedgerError> {
    Ok(log.check_signer(&operator.note_signer())?)
}

/// What a replay does with an entry the rules refuse (or whose statement
/// cannot be decoded or verified).
enum Refusals {
    /// Fail with [`LedgerError::RefusedEntry`].
    Fail,
    /// Apply the listed entries as nothing if refused; fail on others.
    Void(std::collections::BTreeSet<u64>),
    /// Apply every refused entry as nothing.
    VoidAll,
}

impl Refusals {
    fn voids(&self, seq: u64) -> bool {
        match self {
            Refusals::Fail => false,
            Refusals::Void(listed) => listed.contains(&seq),
            Refusals::VoidAll => true,
        }
    }
}

/// The blobs of an append in progress, seen before they are stored.
struct PendingBlobs<'a> {
    pending: std::collections::HashMap<Digest, &'a [u8]>,
    stored: LogBlobs<'a>,
}

impl Blobs for PendingBlobs<'_> {
    fn blob(&self, digest: &Digest) -> Result<Option<Vec<u8>>, BlobError> {
        match self.pending.get(digest) {
            Some(b) => Ok(Some(b.to_vec())),
            None => self.stored.blob(digest),
        }
    }
}

/// A blob source that has none (genesis needs none).
struct NoBlobs;

impl Blobs for NoBlobs {
    fn blob(&self, _: &Digest) -> Result<Option<Vec<u8>>, BlobError> {
        Ok(None)
    }
}

/// Opens the index for the writer, rebuilding it from scratch when it was
/// made by another schema version (it is derived data; the log is the
/// truth). Readers leave such an index alone ([`Ledger::open`]).
fn open_state(dir: &Path) -> Result<State, LedgerError> {
    match State::open(&dir.join(INDEX_FILE)) {
        Err(StateError::Schema { .. }) => {
            remove_index(dir)?;
            Ok(State::open(&dir.join(INDEX_FILE))?)
        }
        other => Ok(other?),
    }
}

/// Removes what [`Ledger::init`] made after it failed with `e`, and returns
/// `e` (with the reason the clean-up failed, if it did).
fn undo_init(dir: &Path, existed: bool, keep: &[&str], e: LedgerError) -> LedgerError {
    if let Err(cleanup) = remove_ledger_files(dir, keep) {
        return LedgerError::InitCleanup {
            error: Box::new(e),
            cleanup: Box::new(cleanup),
        };
    }
    if !existed {
        // Only if empty: the operator key may be in private/.
        let _ = std::fs::remove_dir(dir);
    }
    e
}

/// Removes every file a ledger's log and index are made of (not `private/`,
/// nor the top-level names in `keep`), the checkpoint first: from then on
/// nothing takes the rest for a ledger.
fn remove_ledger_files(dir: &Path, keep: &[&str]) -> Result<(), LedgerError> {
    use crate::log::{blobs::BLOBS_DIR, CHECKPOINT_FILE, HASHES_FILE, LOCK_FILE, PENDING_FILE};
    let io = |p: &Path| {
        let path = p.to_path_buf();
        move |source| {
            LedgerError::Log(LogError::Io {
                op: "cannot remove",
                path,
                source,
            })
        }
    };
    let files = [
        CHECKPOINT_FILE.to_string(),
        format!("{CHECKPOINT_FILE}.tmp"),
        HASHES_FILE.into(),
        PENDING_FILE.into(),
        format!("{PENDING_FILE}.tmp"),
        LOCK_FILE.into(),
    ];
    for f in files.iter().filter(|f| !keep.contains(&f.as_str())) {
        let f = dir.join(f);
        match std::fs::remove_file(&f) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&f)(e)),
        }
    }
    remove_index(dir)?;
    // remove_dir_all does not follow links out of the tree.
    for d in [crate::log::TILE_DIR, BLOBS_DIR] {
        if keep.contains(&d) {
            continue;
        }
        let d = dir.join(d);
        match std::fs::remove_dir_all(&d) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&d)(e)),
        }
    }
    Ok(())
}

fn remove_index(dir: &Path) -> Result<(), LedgerError> {
    for suffix in ["", "-wal", "-shm"] {
        let p = dir.join(format!("{INDEX_FILE}{suffix}"));
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(LedgerError::Index {
                    path: p.display().to_string(),
                    source,
                })
            }
        }
    }
    Ok(())
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

/// Applies log entries `range` to `state` (inside the caller's transaction)
/// through the one replay ([`crate::replay`]: signatures checked in
/// batches, with the same function append uses, beside the apply). An entry
/// that cannot be applied is handled as `refusals` says.
fn replay_into(
    state: &mut State,
    log: &Log,
    range: std::ops::Range<u64>,
    progress: &mut dyn FnMut(u64, u64),
    refusals: &Refusals,
) -> Result<(), LedgerError> {
    use crate::replay::{pipeline, Checked, Input, Item};
    let blobs = LogBlobs(log);
    let (first, all) = (range.start, range.end - range.start);
    let mut last = None;
    let mut apply = |item: Item| -> Result<(), LedgerError> {
        let seq = item.seq;
        // The entry is refused: applied as nothing, or the replay fails.
        let refused = |state: &State,
                       id: Option<(Digest, Kind)>,
                       rule: &str,
                       what: String,
                       fatal: LedgerError|
         -> Result<(), LedgerError> {
            if !refusals.voids(seq) {
                return Err(fatal);
            }
            Ok(state.record_void(
                seq,
                id.as_ref().map(|(i, _)| i),
                id.map(|(_, k)| k),
                rule,
                &what,
            )?)
        };
        // A statement the rules (or its signature) refuse.
        let by_rule = |rule: &'static str, what: String| LedgerError::RefusedEntry {
            seq,
            rule,
            what,
            rebuilding: first == 0,
        };
        let id_kind = item.checked.id_kind();
        match item.checked {
            Checked::Undecodable(what) => refused(
                state,
                None,
                RULE_UNDECODABLE,
                what.clone(),
                LedgerError::Corrupt { seq, what },
            )?,
            Checked::Unsigned { error, .. } => {
                let what = error.to_string();
                let fatal = by_rule(RULE_SIGNATURE, what.clone());
                refused(state, id_kind, RULE_SIGNATURE, what, fatal)?
            }
            Checked::Verified(v) => {
                let entry = Entry {
                    seq,
                    logged_at: item.logged_at,
                    statement: &v,
                };
                match state.apply(&entry, &blobs) {
                    Ok(()) => {}
                    Err(StateError::Rule(r)) => {
                        let what = r.to_string();
                        let fatal = by_rule(r.rule, what.clone());
                        refused(state, id_kind, r.rule, what, fatal)?
                    }
                    Err(e) => {
                        return Err(LedgerError::Corrupt {
                            seq,
                            what: crate::error::chain(&e),
                        })
                    }
                }
            }
        }
        last = item.leaf_hash;
        progress(seq + 1 - first, all);
        Ok(())
    };
    pipeline(|p| -> Result<(), LedgerError> {
        for read in log.entries(range) {
            let (seq, bytes) = read?;
            for item in p.push(seq, Input::Leaf(bytes)) {
                apply(item)?;
            }
        }
        p.drain().into_iter().try_for_each(&mut apply)
    })?;
    if let Some(h) = last {
        state.set_last_leaf_hash(&h)?;
    }
    Ok(())
}

impl Ledger {
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
