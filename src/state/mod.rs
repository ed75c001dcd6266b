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
//! Each kind's rules live beside the tables they read and write, as a
//! `check` (reads only, returns a plan or a refusal) and a `record` (writes
//! the plan):
//!
//! - `keys.rs`: `ledger.genesis`, `key.grant`, `key.revoke` (retired or
//!   compromised, with its since point), `key.update`;
//! - `sources.rs`: `source.record`, `source.identity`, `source.relate`,
//!   `source.merge` (and each source's origin class);
//! - `articles.rs`: `article.record` and version chains;
//! - `claims.rs`: `claim.record`, `claim.revise`, `claim.retract`;
//! - `links.rs`: `claim.link`, `claim.link.withdraw` (and which links count);
//! - `verifications.rs`: `verification`, `verification.withdraw`;
//!
//! with the field limits in [`limits`]. The status the index caches for
//! each claim (which verdicts count) is decided in `standing.rs`.
//!
//! The read side: `query.rs` answers the CLI's listings and lookups with
//! the views of `views.rs`, `resolve.rs` turns id prefixes into ids, and
//! `rows.rs` gives `crate::status` and `crate::history` the typed rows they
//! compute from (they run no SQL of their own). The writer authenticates
//! what the rules read from the on-disk copy (`seal.rs`); audit compares
//! that copy with its replay (`compare.rs`). Rules that concern every
//! statement (entry order, clock, signer and role, no statement twice) are
//! in [`State::apply`] itself.

pub(crate) mod articles;
mod captures;
mod checkpoint;
pub(crate) mod claims;
pub(crate) mod compare;
mod existing;
mod keys;
pub mod limits;
pub(crate) mod links;
mod query;
mod resolve;
pub(crate) mod rows;
mod savepoint;
mod schema;
mod seal;
mod search;
mod sources;
mod sparse;
pub(crate) mod standing;
mod verifications;
pub(crate) mod views;
mod worklist;

pub use existing::{claim_identity, Repeat};
pub use keys::KeyRecord;
pub use resolve::{ResolveError, MIN_ID_PREFIX};
pub use rows::IdentityRow;
pub use savepoint::Savepoint;
pub use schema::SCHEMA_VERSION;
pub use seal::{IndexKey, SealStatus};
pub use views::{
    ArticleChain, ArticleInfo, ArticleRef, AttributionView, ClaimFilter, ClaimSummary, Signer,
    SourceInfo, SourceRef,
};
pub use worklist::KeyRefError;

use crate::digest::Digest;
use crate::statement::{Body, Kind, Role, VerifiedStatement};
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
    fn blob(&self, digest: &Digest) -> Result<Option<Vec<u8>>, BlobError>;
}

/// Why a blob could not be read (a failure of the store, not a refusal:
/// a blob the store does not hold is `Ok(None)`).
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// The stored file does not hash to the digest it is stored under.
    #[error("blob {} does not match its digest", .path.display())]
    Mismatch {
        /// The stored file.
        path: std::path::PathBuf,
    },
    /// The stored file cannot be read.
    #[error("cannot read {}", .path.display())]
    Read {
        /// The stored file.
        path: std::path::PathBuf,
        /// What reading it failed with.
        source: std::io::Error,
    },
    /// The log's blob store failed.
    #[error(transparent)]
    Log(#[from] crate::log::LogError),
}

/// Why a statement may not enter the ledger.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} refused: {reason}")]
pub struct RuleError {
    /// The kind of the refused statement.
    pub kind: Kind,
    /// The rule it breaks: a stable dotted id (README: "Rule ids") that
    /// tools match instead of the reason's English.
    pub rule: &'static str,
    /// What rule it breaks, for a person to read.
    pub reason: String,
}

/// Whether the operator key may sign a statement of `kind` after the
/// genesis: only key grants and revocations (any other statement it signs
/// is refused, rule `signer.operator-only` or `signer.not-granted`).
pub fn operator_may_sign(kind: Kind) -> bool {
    matches!(kind, Kind::KeyGrant | Kind::KeyRevoke | Kind::KeyUpdate)
}

/// Errors from the state database itself (not rule violations).
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The index database cannot be opened.
    #[error("index database {path}")]
    Open {
        /// The database file.
        path: String,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// A query of the index database failed.
    #[error("index database")]
    Sql(#[from] rusqlite::Error),
    /// The statement is refused by a rule.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// The index was built by another schema version.
    #[error(
        "index database was built by another provledger version (schema {found}, want {want})"
    )]
    Schema {
        /// The schema version the index holds.
        found: i64,
        /// The schema version this build uses ([`SCHEMA_VERSION`]).
        want: i64,
    },
    /// The blob store failed.
    #[error("blob store")]
    Blob(#[from] BlobError),
    /// A stored value does not decode.
    #[error("index database holds a value it cannot decode: {0}")]
    Corrupt(String),
    /// A link or special file where an index file belongs.
    #[error("{0}")]
    Refused(String),
    /// A fact the rules rely on fails its authentication (see `seal.rs`).
    #[error("{0}")]
    Tampered(String),
}

/// The files SQLite keeps beside the index at `path`, and `path` itself.
pub fn index_files(path: &Path) -> [std::path::PathBuf; 4] {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    ["", "-wal", "-shm", "-journal"].map(|s| path.with_file_name(format!("{name}{s}")))
}

/// Refuses a symlink, FIFO, device, socket or directory at the index
/// `path` or at any file SQLite keeps beside it, before anything opens
/// them: SQLite would follow a link and write pages wherever it points.
/// The message is the one every other ledger file gets.
pub fn check_index_files(path: &Path) -> Result<(), StateError> {
    for p in index_files(path) {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.is_file() => {}
            Ok(m) => {
                let why = match crate::log::special_kind(&m) {
                    Some(kind) => crate::log::Refusal::Special(kind),
                    None => crate::log::Refusal::Directory,
                };
                return Err(StateError::Refused(
                    crate::log::RefusedPath { path: p, why }.to_string(),
                ));
            }
            Err(_) => {}
        }
    }
    Ok(())
}

/// Whether SQLite failed for want of disk space: SQLITE_FULL, or a
/// shared-memory file it could not grow (SQLITE_IOERR_SHMSIZE, which on a
/// full disk is ENOSPC).
pub fn is_disk_full(e: &StateError) -> bool {
    match e {
        StateError::Open { source, .. } | StateError::Sql(source) => sqlite_disk_full(source),
        _ => false,
    }
}

/// Whether the index file cannot be read as a database at all (it is not
/// one, or SQLite finds it malformed): derived data that only a rebuild
/// from the log mends.
pub(crate) fn is_unreadable(e: &StateError) -> bool {
    match e {
        StateError::Open { source, .. } | StateError::Sql(source) => matches!(
            source,
            rusqlite::Error::SqliteFailure(f, _)
                if matches!(f.code, rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
        ),
        _ => false,
    }
}

/// [`is_disk_full`] for a SQLite error.
pub fn sqlite_disk_full(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.code == rusqlite::ErrorCode::DiskFull
            || f.extended_code == rusqlite::ffi::SQLITE_IOERR_SHMSIZE)
}

/// `path` for a `file:` URI: percent-encoded but for unreserved characters
/// and slashes.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The outcome of a rule check that did not pass: the statement breaks a
/// rule, or the check itself could not run (database or blob store failure,
/// which must not be reported as a refusal).
pub(crate) enum Check {
    Refused(Refusal),
    Failed(StateError),
}

/// A statement refused by one rule: the rule's stable id and, for a person,
/// why.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub rule: &'static str,
    pub reason: String,
}

impl From<StateError> for Check {
    fn from(e: StateError) -> Check {
        Check::Failed(e)
    }
}

impl From<rusqlite::Error> for Check {
    fn from(e: rusqlite::Error) -> Check {
        Check::Failed(StateError::Sql(e))
    }
}

impl From<Refusal> for Check {
    fn from(r: Refusal) -> Check {
        Check::Refused(r)
    }
}

/// Returns from a check with a refusal by rule `$rule` (a stable dotted id,
/// listed in the README's "Rule ids"), its reason built like `format!`.
macro_rules! refuse {
    ($rule:literal, $($arg:tt)*) => {
        return Err($crate::state::Check::Refused($crate::state::Refusal {
            rule: $rule,
            reason: format!($($arg)*),
        }))
    };
}
pub(crate) use refuse;

/// The short form of an id used in messages: its first 12 hex digits.
pub(crate) fn short(id: &Digest) -> String {
    id.to_hex()[..12].to_string()
}

/// The indefinite article for a word ("an article.record", "a claim.record").
pub(crate) fn a(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// What a check decided to record (lives for one apply, so its size does
/// not matter).
#[allow(clippy::large_enum_variant)]
enum Plan {
    Keys(keys::Effect),
    Source,
    SourceRelation(sources::Plan),
    LinkWithdraw(links::Withdraw),
    Article(articles::Plan),
    Claim(claims::Plan),
    Link,
    Verification(verifications::Plan),
}

/// A statement an id refers to, as the rules need it.
#[derive(Clone, Debug)]
pub(crate) struct Referenced {
    pub seq: u64,
    pub kind: Kind,
    pub at: u64,
    pub signer: [u8; 32],
}

/// A log entry the rules refused, applied as nothing (see
/// [`State::record_void`]).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct VoidEntry {
    /// The entry's index in the log.
    pub seq: u64,
    /// The statement's id (hex), if it could be decoded.
    pub id: Option<String>,
    /// The statement's kind, if it could be decoded.
    pub kind: Option<Kind>,
    /// The id of the rule that refuses it (README: "Rule ids").
    pub rule: String,
    /// Why the rules refuse it.
    pub reason: String,
}

/// The rule id of a log entry whose leaf or statement cannot be decoded.
pub const RULE_UNDECODABLE: &str = "entry.undecodable";
/// The rule id of a logged statement whose signature does not verify.
pub const RULE_SIGNATURE: &str = "entry.signature";

/// The ledger's state: every statement applied so far, queryable.
pub struct State {
    conn: Connection,
    /// Set when the disk was too full to open the index for writing and it
    /// was opened read-only instead: the path, for the error any write gets.
    full: Option<String>,
    /// Set by the writer, which holds the operator key: rows it writes are
    /// authenticated, and rows the rules read are checked.
    auth: Option<IndexKey>,
    /// Article texts verified in this batch (see `articles::TextCache`).
    texts: std::cell::RefCell<articles::TextCache>,
    /// Whether applied statements are also added to the search index
    /// (`search.rs`); audit's replay leaves it out.
    search: bool,
    /// Claims whose cached status a statement of this batch may have
    /// changed, recomputed once each before anything reads the column
    /// ([`State::flush_status`]): at commit, at the end of an apply outside
    /// a batch, and before a query, a comparison or a fingerprint. No rule
    /// reads the cached column.
    dirty: std::cell::RefCell<std::collections::BTreeSet<Digest>>,
    /// Meta values every apply reads or writes, kept here (see [`MetaCache`]).
    meta: std::cell::RefCell<MetaCache>,
    /// The thread that runs this writer's WAL checkpoints, when it has one
    /// ([`State::checkpoint_beside`]); dropped after `conn`.
    checkpointer: Option<checkpoint::Checkpointer>,
}

/// The `meta` values that every apply reads or writes, kept beside the
/// table so that an apply inside a batch does not query and update it for
/// each statement: the position (`applied`, `last_logged_at`), written to
/// the table once before anything reads it by SQL (at commit, before a
/// seal, a comparison or a status query: [`State::flush_status`]), and the
/// genesis values that never change once recorded (`operator`,
/// `genesis_id`). A rollback forgets all of them.
#[derive(Clone, Default)]
pub(crate) struct MetaCache {
    /// `applied` and `last_logged_at` as the open batch's last apply set
    /// them, not yet in the table.
    pending: Option<(u64, u64)>,
    /// The operator key, once the genesis has recorded it.
    operator: Option<[u8; 32]>,
    /// The genesis statement's id, once recorded.
    genesis_id: Option<Vec<u8>>,
}

impl State {
    /// Opens (creating if needed) the state database at `path`.
    ///
    /// On a full disk, where SQLite cannot grow the WAL's shared-memory
    /// file (`-shm`) that every connection maps, the index is opened
    /// read-only with a read-only `-shm` instead, so reads still work; any
    /// write then fails with SQLITE_FULL ("disk full") before changing
    /// anything.
    ///
    /// The index and its companions (`-wal`, `-shm`, `-journal`) must be
    /// regular files or missing: a symlink there would have SQLite write
    /// its pages wherever it points, so one is refused, as a ledger
    /// refuses a link anywhere ([`check_index_files`]), and the files are
    /// opened without following links.
    pub fn open(path: &Path) -> Result<State, StateError> {
        check_index_files(path)?;
        match State::open_read_write(path) {
            Err(e) if is_disk_full(&e) => State::open_read_only(path).map_err(|_| e),
            other => other,
        }
    }

    fn open_read_only(path: &Path) -> Result<State, StateError> {
        // SQLite opens a read-only `-shm` only if it exists; creating an
        // empty file takes no space.
        let shm = path.with_file_name(format!(
            "{}-shm",
            path.file_name().unwrap_or_default().to_string_lossy()
        ));
        let mut create = std::fs::OpenOptions::new();
        create.write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            // Never through a link (checked, but it may have been planted
            // since), and never blocking on a FIFO.
            create.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
            if let Ok(meta) = std::fs::symlink_metadata(path) {
                // As SQLite makes it: with the database's permissions.
                create.mode(meta.permissions().mode() & 0o777);
            }
        }
        let _ = create.open(&shm);
        let uri = format!("file:{}?mode=ro&readonly_shm=1", uri_path(path));
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
            | rusqlite::OpenFlags::SQLITE_OPEN_URI
            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX
            | rusqlite::OpenFlags::SQLITE_OPEN_NOFOLLOW;
        let conn = Connection::open_with_flags(uri, flags).map_err(|source| StateError::Open {
            path: path.display().to_string(),
            source,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let mut state = State::init(conn)?;
        state.full = Some(path.display().to_string());
        Ok(state)
    }

    fn open_read_write(path: &Path) -> Result<State, StateError> {
        // `Connection::open`'s flags, and never through a link.
        let flags = rusqlite::OpenFlags::default() | rusqlite::OpenFlags::SQLITE_OPEN_NOFOLLOW;
        let conn = Connection::open_with_flags(path, flags).map_err(|source| StateError::Open {
            path: path.display().to_string(),
            source,
        })?;
        // Another schema version is refused before the journal mode below
        // (a write): a reader leaves such an index as it is.
        schema::check(&conn)?;
        // WAL lets readers run while a writer applies a batch.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        State::init(conn)
    }

    /// Settings for the ledger's one writer (not for its many readers):
    /// a page cache of up to 32 MiB instead of SQLite's 2 MiB (the rules'
    /// lookups by random 32-byte ids touch pages all over each B-tree,
    /// and a page not in the cache is a read(2): in the server's sequencer
    /// under load, 10,000 a second), and the WAL cut back to 16 MiB once
    /// a checkpoint has emptied it.
    pub(crate) fn tune_for_writer(&self) -> Result<(), StateError> {
        self.conn.pragma_update(None, "cache_size", -32_768)?;
        self.conn
            .pragma_update(None, "journal_size_limit", 16 * 1024 * 1024)?;
        Ok(())
    }

    /// A fresh state in memory.
    pub fn in_memory() -> Result<State, StateError> {
        State::init(Connection::open_in_memory()?)
    }

    /// A fresh state in memory that keeps only what the validity function
    /// decides by, without the query-only search index (`search.rs`): what
    /// audit replays into.
    ///
    /// It is a scratch copy, filled in one transaction and never rolled
    /// back (audit commits what it replayed, refusals write nothing): no
    /// rollback journal, temporary tables in memory, and without the
    /// indexes only queries use (`claims --status`, `--source`), which
    /// audit's comparison, reading tables in key order, does not need.
    pub fn in_memory_validity() -> Result<State, StateError> {
        let mut state = State::in_memory()?;
        state.search = false;
        state.conn.execute_batch(
            "PRAGMA journal_mode = OFF;
             PRAGMA temp_store = MEMORY;
             DROP INDEX claims_status;
             DROP INDEX claims_source;
             DROP INDEX claims_relayed_by;",
        )?;
        Ok(state)
    }

    fn init(conn: Connection) -> Result<State, StateError> {
        // Every rule and query is a cached prepared statement; rusqlite's
        // default cache of 16 is smaller than the set one append uses, and a
        // re-parse costs more than most of the queries.
        conn.set_prepared_statement_cache_capacity(128);
        schema::migrate(&conn)?;
        Ok(State {
            conn,
            full: None,
            auth: None,
            texts: Default::default(),
            search: true,
            dirty: Default::default(),
            meta: Default::default(),
            checkpointer: None,
        })
    }

    /// Checks the index's seal with `key` (the writer's index key).
    pub fn seal_status(&self, key: &IndexKey) -> Result<SealStatus, StateError> {
        self.flush_meta()?;
        seal::status(&self.conn, key, self.applied()?)
    }

    /// From now on, authenticates what is recorded and checks what the
    /// rules read with `key`. The writer calls it once the seal is current
    /// (or on a fresh index it is about to build).
    pub fn authenticate(&mut self, key: IndexKey) {
        self.auth = Some(key);
    }

    /// The key set by [`State::authenticate`], if any.
    pub fn index_key(&self) -> Option<&IndexKey> {
        self.auth.as_ref()
    }

    /// Hands `text`, the verified text of the article version whose
    /// content digest is `content` (as [`crate::ledger::Ledger::article_text`]
    /// reads it), to the next batch, which then neither reads nor indexes
    /// it again (see `articles::TextCache`).
    pub(crate) fn keep_text_for_next_batch(
        &self,
        content: Digest,
        text: std::sync::Arc<crate::statement::IndexedText<'static>>,
    ) {
        self.texts.borrow_mut().keep_for_next_batch(content, text);
    }

    /// Seals the index at its current position (inside the batch's
    /// transaction, last). Does nothing unless authenticated.
    pub fn seal(&self) -> Result<(), StateError> {
        // The seal covers the meta table: the position goes there first.
        self.flush_meta()?;
        match &self.auth {
            Some(key) => seal::seal(&self.conn, key, self.applied()?),
            None => Ok(()),
        }
    }

    /// Applies log entry `seq` as nothing: records that the rules refuse it
    /// (`reason`) and moves on, so the entries after it can be applied.
    /// Used by `reindex --skip-refused` and by audit's replay, which both
    /// list such entries; append never admits one.
    pub fn record_void(
        &self,
        seq: u64,
        id: Option<&Digest>,
        kind: Option<Kind>,
        rule: &str,
        reason: &str,
    ) -> Result<(), StateError> {
        let applied = self.applied()?;
        if seq != applied {
            return Err(StateError::Corrupt(format!(
                "entry {seq} offered to a state that has applied {applied} entries"
            )));
        }
        self.conn
            .prepare_cached(
                "INSERT INTO void (seq, id, kind, rule, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                seq as i64,
                id.map(|d| d.0.to_vec()),
                kind.map(|k| k.as_str()),
                rule,
                reason
            ])?;
        self.set_meta("applied", seq + 1)
    }

    /// The entries applied as nothing, in log order.
    pub fn void_entries(&self) -> Result<Vec<VoidEntry>, StateError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq, id, kind, rule, reason FROM void ORDER BY seq")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                VoidEntry {
                    seq: r.get::<_, i64>(0)? as u64,
                    id: r.get::<_, Option<Vec<u8>>>(1)?.map(hex::encode),
                    kind: None,
                    rule: r.get(3)?,
                    reason: r.get(4)?,
                },
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        rows.map(|row| {
            let (mut v, kind) = row?;
            v.kind = kind
                .map(|k| Kind::parse(&k))
                .transpose()
                .map_err(StateError::Corrupt)?;
            Ok(v)
        })
        .collect()
    }

    /// The log indexes of the entries applied as nothing.
    pub fn void_seqs(&self) -> Result<std::collections::BTreeSet<u64>, StateError> {
        Ok(self.void_entries()?.into_iter().map(|v| v.seq).collect())
    }

    /// [`State::void_seqs`] of the index at `path`, read without writing
    /// anything; empty if there is no such index or it cannot be read (it
    /// is about to be rebuilt, and a void list can only let an entry the
    /// rules refuse be applied as nothing, never admit one).
    pub fn void_seqs_in(path: &Path) -> std::collections::BTreeSet<u64> {
        use rusqlite::OpenFlags;
        let read = || -> rusqlite::Result<std::collections::BTreeSet<u64>> {
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NOFOLLOW,
            )?;
            let mut stmt = conn.prepare("SELECT seq FROM void")?;
            let rows = stmt.query_map([], |r| r.get::<_, i64>(0))?;
            rows.map(|r| r.map(|v| v as u64)).collect()
        };
        if !path.exists() || check_index_files(path).is_err() {
            return Default::default();
        }
        read().unwrap_or_default()
    }

    /// The MAC of an immutable row of `table` whose authenticated columns
    /// are `fields`, when authenticated (else `None`, stored as NULL).
    pub(crate) fn row_mac(
        &self,
        table: &str,
        fields: &[rusqlite::types::ValueRef],
    ) -> Result<Option<Vec<u8>>, StateError> {
        use hmac::Mac;
        let Some(key) = &self.auth else {
            return Ok(None);
        };
        let genesis = self.genesis_id()?.unwrap_or_default();
        Ok(Some(
            seal::fields_mac(key, &genesis, table, fields)
                .finalize()
                .into_bytes()
                .to_vec(),
        ))
    }

    /// Checks a row read by a rule against its MAC, when authenticated;
    /// `what` names the row in the refusal.
    pub(crate) fn check_row(
        &self,
        table: &str,
        what: &str,
        fields: &[rusqlite::types::ValueRef],
        mac: Option<&[u8]>,
    ) -> Result<(), StateError> {
        use hmac::Mac;
        let Some(key) = &self.auth else {
            return Ok(());
        };
        let genesis = self.genesis_id()?.unwrap_or_default();
        let ok = mac.is_some_and(|mac| {
            seal::fields_mac(key, &genesis, table, fields)
                .verify_slice(mac)
                .is_ok()
        });
        if !ok {
            return Err(StateError::Tampered(format!(
                "its {table} row {what} is not what the writer recorded (edited, or copied from elsewhere)"
            )));
        }
        Ok(())
    }

    /// The id of entry 0, once genesis is applied.
    fn genesis_id(&self) -> Result<Option<Vec<u8>>, StateError> {
        if let Some(id) = &self.meta.borrow().genesis_id {
            return Ok(Some(id.clone()));
        }
        let id: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT v FROM meta WHERE k = 'genesis_id'")?
            .query_row([], |r| r.get(0))
            .optional()?;
        self.meta.borrow_mut().genesis_id.clone_from(&id);
        Ok(id)
    }

    /// How many log entries have been applied.
    pub fn applied(&self) -> Result<u64, StateError> {
        Ok(self.meta_u64("applied")?.unwrap_or(0))
    }

    /// Starts a batch: everything applied until [`State::commit`] is undone by
    /// [`State::rollback`].
    pub fn begin(&mut self) -> Result<(), StateError> {
        if let Some(path) = &self.full {
            return Err(StateError::Sql(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
                Some(format!(
                    "{path} was opened read-only because its disk is full; it cannot be written"
                )),
            )));
        }
        self.texts.get_mut().start_batch();
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    /// Makes the batch permanent. If the statuses it changed cannot be
    /// written, the batch is undone and the error returned: the state is
    /// never left with a transaction open or a stale status committed.
    pub fn commit(&mut self) -> Result<(), StateError> {
        self.texts.get_mut().clear();
        if let Err(e) = self.flush_status() {
            let _ = self.rollback();
            return Err(e);
        }
        self.conn.execute_batch("COMMIT")?;
        if let Some(c) = &self.checkpointer {
            c.committed();
        }
        Ok(())
    }

    /// Undoes the batch.
    pub fn rollback(&mut self) -> Result<(), StateError> {
        self.texts.get_mut().clear();
        self.dirty.get_mut().clear();
        *self.meta.get_mut() = MetaCache::default();
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("ROLLBACK")?;
        }
        Ok(())
    }

    /// Recomputes the cached status of every claim marked since the last
    /// flush (`claims::refresh_status`), once each.
    pub(crate) fn flush_status(&self) -> Result<(), StateError> {
        self.flush_meta()?;
        if self.dirty.borrow().is_empty() {
            return Ok(());
        }
        // A claim leaves the set only once its status is written, so a
        // failure part way leaves the rest marked for the next flush.
        let dirty: Vec<_> = self.dirty.borrow().iter().copied().collect();
        for claim in &dirty {
            claims::write_status(self, claim)?;
            self.dirty.borrow_mut().remove(claim);
        }
        Ok(())
    }

    /// Writes the position kept in [`MetaCache`] to the meta table.
    fn flush_meta(&self) -> Result<(), StateError> {
        let Some((applied, last_logged_at)) = self.meta.borrow().pending else {
            return Ok(());
        };
        self.write_meta("applied", applied)?;
        self.write_meta("last_logged_at", last_logged_at)?;
        self.meta.borrow_mut().pending = None;
        Ok(())
    }

    /// The validity function: checks every rule for `entry` against the
    /// current state and, only if all hold, records it.
    ///
    /// Checks run before any write, so a refused statement leaves the state
    /// as it was.
    pub fn apply(&mut self, entry: &Entry, blobs: &dyn Blobs) -> Result<(), StateError> {
        let applied = self.check_and_record(entry, blobs);
        if self.conn.is_autocommit() {
            // Applied outside a batch, it was a batch of its own: the texts
            // it read are not kept (see `articles::TextCache`), and the
            // statuses it changed are written now.
            self.texts.get_mut().clear();
            if applied.is_ok() {
                self.flush_status()?;
            } else {
                // Nothing of a refused or failed statement stands.
                self.dirty.get_mut().clear();
                *self.meta.get_mut() = MetaCache::default();
            }
        }
        applied
    }

    fn check_and_record(&mut self, entry: &Entry, blobs: &dyn Blobs) -> Result<(), StateError> {
        let kind = entry.statement.statement().body.kind();
        let plan = match self.check(entry, blobs) {
            Ok(plan) => plan,
            Err(Check::Refused(Refusal { rule, reason })) => {
                return Err(RuleError { kind, rule, reason }.into())
            }
            Err(Check::Failed(e)) => return Err(e),
        };
        // No savepoint around the writes: it would make SQLite's full-text
        // index flush on every statement (most of the cost of a replay). A
        // database failure half-way through `record` is not a refusal; the
        // callers roll back the whole batch (append, catch-up) or stop
        // checking rules (audit).
        self.record(entry, plan)?;
        if self.search {
            search::project(self, entry)?;
        }
        Ok(())
    }

    /// Every rule, without writing anything.
    fn check(&self, entry: &Entry, blobs: &dyn Blobs) -> Result<Plan, Check> {
        let applied = self.applied()?;
        let st = entry.statement.statement();
        let kind = st.body.kind();
        if entry.seq != applied {
            refuse!(
                "entry.sequence",
                "entry {} offered to a state that has applied {applied} entries",
                entry.seq
            );
        }
        if (entry.seq == 0) != (kind == Kind::Genesis) {
            refuse!(
                "ledger.genesis-position",
                "{}",
                if entry.seq == 0 {
                    "the first entry of a ledger must be its ledger.genesis"
                } else {
                    "a ledger has exactly one ledger.genesis, at entry 0"
                }
            );
        }
        let last_logged = self.meta_u64("last_logged_at")?.unwrap_or(0);
        if entry.logged_at < last_logged {
            refuse!(
                "time.log-order",
                "logged_at {} is before the previous entry's {}",
                crate::time::rfc3339(entry.logged_at),
                crate::time::rfc3339(last_logged)
            );
        }
        if entry.logged_at > limits::MAX_TIME {
            refuse!(
                "time.log-max",
                "logged_at {} is after {}, the latest time a ledger can record",
                entry.logged_at,
                crate::time::rfc3339(limits::MAX_TIME)
            );
        }
        if st.at > entry.logged_at.saturating_add(MAX_CLOCK_SKEW) {
            refuse!("time.statement-after-log",
                "statement time {} is after the time it was logged ({}): statements may not come from the future",
                crate::time::rfc3339(st.at),
                crate::time::rfc3339(entry.logged_at)
            );
        }
        // Signing is deterministic, so the same statement twice has the same
        // id; the second copy adds nothing and would be counted twice.
        if let Some(seen) = self.referenced(&entry.statement.id())? {
            refuse!(
                "statement.duplicate",
                "statement {} is already in the ledger (entry {})",
                short(&entry.statement.id()),
                seen.seq
            );
        }
        if kind != Kind::Genesis {
            self.check_signer(entry, kind)?;
        }
        Ok(match &st.body {
            Body::Genesis(_) | Body::KeyGrant(_) | Body::KeyRevoke(_) | Body::KeyUpdate(_) => {
                Plan::Keys(keys::check(self, entry)?)
            }
            Body::SourceRecord(s) => {
                sources::check(s)?;
                Plan::Source
            }
            Body::ArticleRecord(a) => Plan::Article(articles::check(self, entry, a, blobs)?),
            Body::ClaimRecord(c) => Plan::Claim(claims::check_record(self, entry, c, blobs)?),
            Body::ClaimRevise(r) => Plan::Claim(claims::check_revise(self, entry, r, blobs)?),
            Body::ClaimRetract(r) => Plan::Claim(claims::check_retract(self, entry, r)?),
            Body::ClaimLink(l) => {
                links::check(self, entry, l)?;
                Plan::Link
            }
            Body::Verification(v) => Plan::Verification(verifications::check(self, entry, v)?),
            Body::VerificationWithdraw(w) => {
                Plan::Verification(verifications::check_withdraw(self, entry, w)?)
            }
            Body::ClaimLinkWithdraw(w) => {
                Plan::LinkWithdraw(links::check_withdraw(self, entry, w)?)
            }
            Body::SourceIdentity(i) => {
                Plan::SourceRelation(sources::check_identity(self, entry, i)?)
            }
            Body::SourceRelate(r) => Plan::SourceRelation(sources::check_relate(self, entry, r)?),
            Body::SourceMerge(m) => Plan::SourceRelation(sources::check_merge(self, entry, m)?),
        })
    }

    /// Writes what `check` planned.
    fn record(&self, entry: &Entry, plan: Plan) -> Result<(), StateError> {
        self.record_statement(entry)?;
        let st = entry.statement.statement();
        match (plan, &st.body) {
            (Plan::Keys(effect), _) => keys::record(self, entry, effect)?,
            (Plan::Source, Body::SourceRecord(s)) => sources::record(self, entry, s)?,
            (Plan::Article(p), Body::ArticleRecord(a)) => articles::record(self, entry, a, p)?,
            (Plan::Claim(p), _) => claims::record(self, entry, p)?,
            (Plan::Link, Body::ClaimLink(l)) => links::record(self, entry, l)?,
            (Plan::LinkWithdraw(w), Body::ClaimLinkWithdraw(b)) => {
                links::record_withdraw(self, entry, w, b)?
            }
            (Plan::SourceRelation(p), _) => sources::record_relation(self, entry, p)?,
            (Plan::Verification(p), _) => verifications::record(self, entry, p)?,
            _ => unreachable!("check plans match the statement's body"),
        }
        if self.conn.is_autocommit() {
            self.set_meta("applied", entry.seq + 1)?;
            self.set_meta("last_logged_at", entry.logged_at)?;
        } else {
            // Inside a batch: written once, before anything reads it by SQL.
            self.meta.borrow_mut().pending = Some((entry.seq + 1, entry.logged_at));
        }
        Ok(())
    }

    /// The signer must hold a current grant with a role that may sign `kind`;
    /// revocations are signed by the operator or the revoked key itself.
    fn check_signer(&self, entry: &Entry, kind: Kind) -> Result<(), Check> {
        let signer = entry.statement.signer().to_bytes();
        let operator = self.operator_key()?;
        let is_operator = operator.as_ref() == Some(&signer);
        if operator_may_sign(kind) {
            // key.revoke by the key itself is checked in keys::check.
            if is_operator || kind == Kind::KeyRevoke {
                return Ok(());
            }
            refuse!(
                "signer.operator-only",
                "only the operator key may sign {kind}; signer {} is not the operator",
                self.signer_label(&signer)?
            );
        }
        let Some(rec) = self.key(&signer)? else {
            refuse!(
                "signer.not-granted",
                "signer {} is not a granted key of this ledger",
                self.signer_label(&signer)?
            );
        };
        if let Some(seq) = rec.revoked_seq {
            refuse!(
                "signer.revoked",
                "signer {} was revoked at entry {seq}",
                self.signer_label(&signer)?
            );
        }
        let allowed = allowed_roles(kind);
        if !rec.roles.iter().any(|r| allowed.contains(r)) {
            let names: Vec<&str> = allowed.iter().map(|r| r.as_str()).collect();
            refuse!(
                "signer.role",
                "signer {} has no role that may sign {kind} (needs {})",
                self.signer_label(&signer)?,
                names.join(" or ")
            );
        }
        Ok(())
    }

    /// A signer as refusals name it: "display name (key name, kid
    /// prefix)", "the operator (origin, kid prefix)", or for a key this
    /// ledger never granted "an ungranted key (kid prefix)". The kid is the
    /// statement's COSE kid, the raw public key, as hex.
    fn signer_label(&self, signer: &[u8; 32]) -> Result<String, StateError> {
        let kid = &hex::encode(signer)[..12];
        if let Some(rec) = self.key(signer)? {
            return Ok(format!("{} ({}, kid {kid})", rec.display_name, rec.name));
        }
        if self.operator_key()?.as_ref() == Some(signer) {
            let origin = self.origin()?.unwrap_or_default();
            return Ok(format!("the operator ({origin}, kid {kid})"));
        }
        Ok(format!("an ungranted key (kid {kid})"))
    }

    fn record_statement(&self, entry: &Entry) -> Result<(), StateError> {
        let s = entry.statement;
        let id = s.id();
        let kind = s.statement().body.kind().as_str();
        let mac = match &self.auth {
            Some(key) => {
                let genesis = match entry.seq {
                    0 => id.0.to_vec(),
                    _ => self.genesis_id()?.unwrap_or_default(),
                };
                Some(seal::statement_mac(
                    key,
                    &genesis,
                    &seal::StatementRow {
                        id: &id,
                        seq: entry.seq,
                        kind,
                        signer: s.signer().as_bytes(),
                        at: s.statement().at,
                        logged_at: entry.logged_at,
                    },
                ))
            }
            None => None,
        };
        self.conn
            .prepare_cached(
                "INSERT INTO statements (id, id_hex, seq, kind, signer, at, logged_at, mac)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                id.0.as_slice(),
                id.to_hex(),
                entry.seq as i64,
                kind,
                s.signer().as_bytes().as_slice(),
                s.statement().at as i64,
                entry.logged_at as i64,
                mac
            ])?;
        Ok(())
    }

    /// A statement by full id, with what the rules need of it.
    pub(crate) fn referenced(&self, id: &Digest) -> Result<Option<Referenced>, StateError> {
        type Row = (i64, String, i64, Vec<u8>, i64, Option<Vec<u8>>);
        let row: Option<Row> = self
            .conn
            .prepare_cached(
                "SELECT seq, kind, at, signer, logged_at, mac FROM statements WHERE id = ?1",
            )?
            .query_row([id.0.as_slice()], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .optional()?;
        let Some((seq, kind, at, signer, logged_at, mac)) = row else {
            return Ok(None);
        };
        if let Some(key) = &self.auth {
            let genesis = match seq {
                0 => id.0.to_vec(),
                _ => self.genesis_id()?.unwrap_or_default(),
            };
            let row = seal::StatementRow {
                id,
                seq: seq as u64,
                kind: &kind,
                signer: &signer,
                at: at as u64,
                logged_at: logged_at as u64,
            };
            if !seal::statement_ok(key, &genesis, &row, mac.as_deref()) {
                return Err(StateError::Tampered(format!(
                    "its statements row {} is not what the writer recorded (edited, or copied from elsewhere)",
                    short(id)
                )));
            }
        }
        Ok(Some(Referenced {
            seq: seq as u64,
            kind: Kind::parse(&kind).map_err(StateError::Corrupt)?,
            at: at as u64,
            signer: signer
                .try_into()
                .map_err(|_| StateError::Corrupt("a signer key is not 32 bytes".into()))?,
        }))
    }

    /// The statement `id` named by `field` of a statement made at `at`: it
    /// must exist, be one of `kinds`, and not be dated after `at`.
    pub(crate) fn reference(
        &self,
        field: &str,
        id: &Digest,
        kinds: &[Kind],
        at: u64,
    ) -> Result<Referenced, Check> {
        let Some(r) = self.referenced(id)? else {
            refuse!("ref.missing", "{field} {} is not in the ledger", short(id));
        };
        if !kinds.contains(&r.kind) {
            let want: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            let want = want.join(" or ");
            refuse!(
                "ref.kind",
                "{field} {} is {} {}, not {} {want}",
                short(id),
                a(r.kind.as_str()),
                r.kind,
                a(&want)
            );
        }
        keys::not_before(at, r.at, &format!("{field} {}", short(id)))?;
        Ok(r)
    }

    /// The operator's public key bytes, once genesis is applied.
    pub fn operator_key(&self) -> Result<Option<[u8; 32]>, StateError> {
        if let Some(k) = self.meta.borrow().operator {
            return Ok(Some(k));
        }
        let v: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT v FROM meta WHERE k = 'operator'")?
            .query_row([], |r| r.get(0))
            .optional()?;
        let key: Option<[u8; 32]> = v.and_then(|b| b.try_into().ok());
        self.meta.borrow_mut().operator = key;
        Ok(key)
    }

    /// The ledger's origin, once genesis is applied.
    pub fn origin(&self) -> Result<Option<String>, StateError> {
        Ok(self
            .conn
            .prepare_cached("SELECT v FROM meta WHERE k = 'origin'")?
            .query_row([], |r| r.get(0))
            .optional()?)
    }

    /// The verdict quorum from the genesis policy (1 before genesis).
    pub fn quorum(&self) -> Result<u64, StateError> {
        Ok(self.meta_u64("quorum")?.unwrap_or(1))
    }

    /// Whether the genesis policy lets a verdict by a key that recorded or
    /// revised the claim count (false before genesis).
    pub fn allow_self_review(&self) -> Result<bool, StateError> {
        Ok(self.meta_u64("allow_self_review")? == Some(1))
    }

    /// Looks up a statement by full id: its log index and kind.
    pub fn statement(&self, id: &Digest) -> Result<Option<(u64, Kind)>, StateError> {
        Ok(self.referenced(id)?.map(|r| (r.seq, r.kind)))
    }

    /// A key's grant record, if it was ever granted.
    pub fn key(&self, pubkey: &[u8; 32]) -> Result<Option<KeyRecord>, StateError> {
        keys::lookup(self, pubkey)
    }

    /// Every key ever granted, in grant order.
    pub fn keys(&self) -> Result<Vec<KeyRecord>, StateError> {
        keys::list(self)
    }

    /// The leaf hash of the last entry applied, which the ledger compares
    /// with its log to notice an index that belongs to another log.
    pub fn last_leaf_hash(&self) -> Result<Option<Digest>, StateError> {
        let v: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT v FROM meta WHERE k = 'last_leaf_hash'")?
            .query_row([], |r| r.get(0))
            .optional()?;
        Ok(v.and_then(|b| Digest::from_slice(&b)))
    }

    /// Records the leaf hash of the last entry applied.
    pub fn set_last_leaf_hash(&self, h: &Digest) -> Result<(), StateError> {
        self.set_meta("last_leaf_hash", h.0.to_vec())
    }

    /// A number kept in the state's meta table (`applied`, `last_logged_at`, ...).
    pub fn meta_u64(&self, k: &str) -> Result<Option<u64>, StateError> {
        if let Some((applied, last_logged_at)) = self.meta.borrow().pending {
            match k {
                "applied" => return Ok(Some(applied)),
                "last_logged_at" => return Ok(Some(last_logged_at)),
                _ => {}
            }
        }
        let v: Option<i64> = self
            .conn
            .prepare_cached("SELECT v FROM meta WHERE k = ?1")?
            .query_row([k], |r| r.get(0))
            .optional()?;
        Ok(v.map(|v| v as u64))
    }

    pub(crate) fn set_meta<V: rusqlite::ToSql>(&self, k: &str, v: V) -> Result<(), StateError> {
        // The position kept aside goes first, so that this write (of it,
        // say) is not overwritten by it later.
        self.flush_meta()?;
        self.write_meta(k, v)
    }

    fn write_meta<V: rusqlite::ToSql>(&self, k: &str, v: V) -> Result<(), StateError> {
        self.conn
            .prepare_cached(
                "INSERT INTO meta (k, v) VALUES (?1, ?2) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
            )?
            .execute(params![k, v])?;
        Ok(())
    }
}

/// The roles whose holders may sign a statement of `kind` (operator-only
/// kinds have none). A `verification.withdraw` must moreover be signed by
/// the key that signed the verification, and a checker withdraws only its
/// own `claim.link` (an editor any).
pub fn allowed_roles(kind: Kind) -> &'static [Role] {
    match kind {
        Kind::Genesis | Kind::KeyGrant | Kind::KeyRevoke | Kind::KeyUpdate => &[],
        Kind::SourceIdentity | Kind::SourceRelate | Kind::SourceMerge => &[Role::Editor],
        Kind::SourceRecord
        | Kind::ArticleRecord
        | Kind::ClaimRecord
        | Kind::ClaimRevise
        | Kind::ClaimRetract => &[Role::Editor],
        Kind::ClaimLink | Kind::ClaimLinkWithdraw => &[Role::Editor, Role::Checker],
        Kind::Verification | Kind::VerificationWithdraw => &[Role::Checker],
    }
}
