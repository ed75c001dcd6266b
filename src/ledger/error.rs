//! [`LedgerError`]: what can go wrong opening, reading or appending to a
//! ledger.

use crate::log::LogError;
use crate::state::{Repeat, ResolveError, RuleError, StateError};
use crate::statement::StatementError;

/// What can go wrong opening, reading or appending to a ledger.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The log failed (its files, lock or checkpoint).
    #[error(transparent)]
    Log(#[from] LogError),
    /// The state database failed, or (outside a batch) a rule refused.
    #[error(transparent)]
    State(#[from] StateError),
    /// A statement of the batch cannot be encoded, or its signature does
    /// not verify.
    #[error("statement {index} of the batch")]
    Statement {
        /// Its position in the batch (from 0).
        index: usize,
        /// What is wrong with it.
        source: StatementError,
    },
    /// A statement of the batch is refused by a rule. The message is
    /// self-contained (the refusal, with its position in the batch), so
    /// `error` is not also a source. A failure of the index or the blob
    /// store while applying it is [`LedgerError::State`], with its cause.
    #[error("{}{error}", batch_position(*.index, *.batch, .id))]
    Refused {
        /// Its position in the batch (from 0).
        index: usize,
        /// How many statements the batch holds.
        batch: usize,
        /// The refused statement's id (hex).
        id: String,
        /// The refusal (its rule id in `error.rule`).
        error: RuleError,
    },
    /// [`Ledger::add`](super::Ledger::add) of what the ledger already
    /// records; nothing was written.
    #[error(transparent)]
    Repeat(#[from] Repeat),
    /// A key file cannot be written (it names the file).
    #[error(transparent)]
    Key(#[from] crate::keys::KeyError),
    /// What was asked for is not in the ledger (the message says what).
    #[error("{0}")]
    NotFound(String),
    /// A time ahead of this machine's clock, or no time to give new
    /// statements.
    #[error(transparent)]
    Clock(#[from] ClockError),
    /// An append on a ledger opened with [`Ledger::open`](super::Ledger::open).
    #[error("this ledger was opened for reading; open it with Ledger::open_writer to append")]
    ReadOnly,
    /// An id prefix that names no statement, or more than one.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// A log entry that cannot be decoded, or that the index cannot apply.
    #[error("entry {seq}: {what}")]
    Corrupt {
        /// The entry's index in the log.
        seq: u64,
        /// What is wrong with it.
        what: String,
    },
    /// A reader found an index that is not this log's (only a writer may
    /// rebuild it).
    #[error("the index {path} does not match the ledger's log (copied from another ledger, or the log was restored from a backup)")]
    IndexMismatch {
        /// The index file.
        path: String,
    },
    /// A writer found an index file that SQLite cannot read as a database
    /// (not one, or malformed). It is derived data that a rebuild from the
    /// log mends; the writer does not rebuild it unasked.
    #[error("the index {path} cannot be read as a database")]
    IndexUnreadable {
        /// The index file.
        path: String,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The index's seal does not verify: a table the rules read was
    /// changed outside provledger.
    #[error("the index {path} fails the writer's check: {what}; nothing was written")]
    IndexTampered {
        /// The index file.
        path: String,
        /// What fails the check.
        what: String,
    },
    /// Replaying the log, entry `seq` was refused. `rebuilding`: the
    /// replay was from genesis into an empty index (else it was catching up
    /// an index that may itself be damaged).
    #[error("entry {seq} of the log is refused by the rules: {what}")]
    RefusedEntry {
        /// The entry's index in the log.
        seq: u64,
        /// The refusing rule's id (README: "Rule ids").
        rule: &'static str,
        /// The refusal, for a person to read.
        what: String,
        /// Whether the replay was a rebuild from genesis.
        rebuilding: bool,
    },
    /// A file of the index cannot be removed to build it again.
    #[error("cannot build the index {path}")]
    Index {
        /// The file.
        path: String,
        /// What removing it failed with.
        source: std::io::Error,
    },
    /// Both errors are in the message, so neither is also a source.
    #[error("{error}; removing what the failed init had made also failed: {cleanup}")]
    InitCleanup {
        /// Why the init failed.
        error: Box<LedgerError>,
        /// Why removing what it had made failed.
        cleanup: Box<LedgerError>,
    },
}

/// What is wrong with the time of new statements and leaves
/// ([`now`](super::now), [`clock`](super::clock), an append's check).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// `SOURCE_DATE_EPOCH` is set to a time past
    /// [`MAX_TIME`](crate::state::limits::MAX_TIME).
    #[error(
        "SOURCE_DATE_EPOCH={value} is after {} (unix time {}), the latest time a ledger can record",
        crate::time::rfc3339(crate::state::limits::MAX_TIME),
        crate::state::limits::MAX_TIME
    )]
    EpochTooLate {
        /// The variable's value.
        value: String,
    },
    /// `SOURCE_DATE_EPOCH` is set to something else than unix seconds.
    #[error("SOURCE_DATE_EPOCH='{value}' is not a whole number of seconds")]
    EpochMalformed {
        /// The variable's value.
        value: String,
    },
    /// This machine's clock reads a time before 1970.
    #[error("this machine's clock is before 1970: {0}")]
    BeforeEpoch(String),
    /// A time of the batch, or the log's last, is too far ahead of this
    /// machine's clock (the message says which and by how much).
    #[error("{0}")]
    Ahead(String),
}

/// Names a statement within a batch, unless the batch holds only it.
pub(super) fn batch_position(index: usize, batch: usize, id: &str) -> String {
    if batch > 1 {
        format!("statement {index} of the batch ({id}): ")
    } else {
        String::new()
    }
}
