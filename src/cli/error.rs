//! How a command fails, as the command line says it (README: "Exit codes").
//!
//! A command returns `Ok(ExitCode)` when it answered, including when the
//! answer is no ([`no`]: exit 3). Anything else is a [`CommandError`]: a
//! kind, which picks the exit code, the error with its chain of causes, said
//! once each, and hints. Hints that name commands, flags or environment
//! variables live here: the library's errors carry typed facts (which
//! variant, which rule, whether a rebuild was running), and [`hints`] turns
//! them into advice for this command line.

use super::render::esc_lines;
use provledger::import::ImportError;
use provledger::ledger::{ClockError, LedgerError};
use provledger::log::{LogError, Mend};
use provledger::state::{ResolveError, StateError};
use std::process::ExitCode;

/// The exit code of an answered question whose answer is no.
pub const NO_EXIT: u8 = 3;

/// What kind of failure a [`CommandError`] is: it picks the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command could not do its work (exit 1).
    Failed,
    /// The command line is incomplete, inconsistent or malformed (exit 2,
    /// as clap's own usage errors); a malformed id is one.
    Usage,
    /// The thing asked about does not exist (exit 4).
    NotFound,
}

impl ErrorKind {
    /// The process exit code for this kind.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Failed => 1,
            ErrorKind::Usage => 2,
            ErrorKind::NotFound => 4,
        }
    }
}

/// A failure that a command marks with its kind, where the library's error
/// types do not already say it (see [`CommandError::from`]).
#[derive(Debug, thiserror::Error)]
pub enum Fail {
    /// The thing asked about does not exist (exit 4).
    #[error("{0}")]
    NotFound(String),
    /// The command line is incomplete or inconsistent in a way clap's
    /// declarations cannot express (exit 2).
    #[error("{0}")]
    Usage(String),
}

/// A command's failure: its kind, the error and what the user can do.
#[derive(Debug)]
pub struct CommandError {
    /// Picks the exit code.
    pub kind: ErrorKind,
    /// The error and its causes.
    pub error: anyhow::Error,
    /// What to do about it, one line each.
    pub hints: Vec<String>,
}

impl From<anyhow::Error> for CommandError {
    /// Classifies `error` by the typed errors in its chain.
    fn from(error: anyhow::Error) -> CommandError {
        CommandError {
            kind: kind(&error),
            hints: hints(&error),
            error,
        }
    }
}

impl CommandError {
    /// The error and its causes, each said once, joined by ": ".
    pub fn message(&self) -> String {
        message(&self.error)
    }

    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }
}

/// Says on stderr that the answer is no (`status --require` not met, audit
/// found problems, a proof that does not check out) and returns exit 3. Not
/// an error: the command ran and answered.
pub fn no(msg: &str) -> ExitCode {
    super::output::say!("provledger: {}", esc_lines(msg));
    ExitCode::from(NO_EXIT)
}

/// An error's message followed by each of its causes, once each
/// ([`provledger::error::chain`]).
pub fn message(err: &anyhow::Error) -> String {
    provledger::error::chain(err.as_ref())
}

/// The resolve error in `cause`, alone or inside a [`LedgerError`].
fn resolve_error<'a>(cause: &'a (dyn std::error::Error + 'static)) -> Option<&'a ResolveError> {
    cause
        .downcast_ref::<ResolveError>()
        .or(match cause.downcast_ref::<LedgerError>() {
            Some(LedgerError::Resolve(e)) => Some(e),
            _ => None,
        })
}

/// The kind of `err` (see the module docs).
fn kind(err: &anyhow::Error) -> ErrorKind {
    for cause in err.chain() {
        match cause.downcast_ref::<Fail>() {
            Some(Fail::NotFound(_)) => return ErrorKind::NotFound,
            Some(Fail::Usage(_)) => return ErrorKind::Usage,
            None => {}
        }
        match resolve_error(cause) {
            // A malformed id is a usage error, whatever the ledger holds.
            Some(ResolveError::BadPrefix(_) | ResolveError::NotHex(_)) => return ErrorKind::Usage,
            // An id of another kind than the one asked for names no such
            // thing.
            Some(ResolveError::NotFound { .. } | ResolveError::WrongKind { .. }) => {
                return ErrorKind::NotFound
            }
            _ => {}
        }
        if let Some(LedgerError::NotFound(_)) = cause.downcast_ref::<LedgerError>() {
            return ErrorKind::NotFound;
        }
    }
    ErrorKind::Failed
}

/// What the user can do about `err`, from the typed facts in its chain.
fn hints(err: &anyhow::Error) -> Vec<String> {
    const REINDEX: &str = "run `provledger reindex` to rebuild it from the log (nothing is lost)";
    let mut out: Vec<String> = Vec::new();
    for cause in err.chain() {
        let remote_rule = match cause.downcast_ref() {
            Some(provledger::remote::submit::SubmitError::Refused { url, rule, .. }) => {
                Some((url, rule))
            }
            _ => cause
                .downcast_ref::<super::output::RefusedRemotely>()
                .map(|r| (&r.url, &r.rule)),
        };
        if let Some((url, rule)) = remote_rule {
            out.push(format!(
                "the server {url} refused it under rule {rule} (README \"Rule ids\"); nothing was added"
            ));
            break;
        }
        if let Some(ResolveError::BadPrefix(_) | ResolveError::NotHex(_)) = resolve_error(cause) {
            out.push(format!(
                "an id is 64 hex digits (0-9, a-f), as `provledger claims` and `provledger log` print them; any unique prefix of {} or more digits will do",
                provledger::state::MIN_ID_PREFIX
            ));
            break;
        }
        let clock = cause
            .downcast_ref::<ClockError>()
            .or(match cause.downcast_ref::<LedgerError>() {
                Some(LedgerError::Clock(e)) => Some(e),
                _ => None,
            })
            .or(match cause.downcast_ref::<ImportError>() {
                Some(ImportError::Clock(e)) => Some(e),
                _ => None,
            });
        match clock {
            Some(ClockError::EpochTooLate { .. } | ClockError::EpochMalformed { .. }) => {
                out.push(
                    "set SOURCE_DATE_EPOCH to unix seconds, as `date +%s` prints them, or unset it"
                        .into(),
                );
                break;
            }
            Some(ClockError::Ahead(_)) => {
                out.push("check this machine's clock, or SOURCE_DATE_EPOCH if it is set".into());
                break;
            }
            _ => {}
        }
        if let Some(ResolveError::Ambiguous { .. }) = resolve_error(cause) {
            out.push("give more hex digits of the id".into());
            break;
        }
        let state =
            cause
                .downcast_ref::<StateError>()
                .or(match cause.downcast_ref::<LedgerError>() {
                    Some(LedgerError::State(e)) => Some(e),
                    _ => None,
                });
        if let Some(StateError::Schema { .. }) = state {
            out.push("run `provledger reindex`".into());
            break;
        }
        let log = cause
            .downcast_ref::<LogError>()
            .or(match cause.downcast_ref::<LedgerError>() {
                Some(LedgerError::Log(e)) => Some(e),
                _ => None,
            });
        match log {
            Some(LogError::NotALedger { .. }) => {
                out.push("create one with `provledger init`, or point at one with --ledger DIR or PROVLEDGER_DIR".into());
                break;
            }
            Some(LogError::Derived { .. }) => {
                out.push("run `provledger reindex` to rebuild it from the entry bundles (nothing is lost)".into());
                break;
            }
            Some(LogError::Altered { mend, .. }) => {
                out.push(match mend {
                    Mend::RemoveJournal => "run `provledger audit`, and remove the journal only once the audit is clean",
                    Mend::RestoreFromCopy => "run `provledger audit` to find the entry at fault, and restore the ledger from a copy",
                }.into());
                break;
            }
            Some(LogError::WrongSigner { .. }) => {
                out.push("pass the ledger's operator key with --operator-key (init created LEDGER/private/operator.key)".into());
                break;
            }
            _ => {}
        }
        match cause.downcast_ref::<LedgerError>() {
            Some(
                LedgerError::IndexMismatch { .. }
                | LedgerError::IndexTampered { .. }
                | LedgerError::IndexUnreadable { .. },
            ) => {
                out.push(REINDEX.into());
                break;
            }
            Some(LedgerError::Corrupt { .. }) => {
                out.push("run `provledger audit` to see everything that is wrong".into());
                break;
            }
            Some(LedgerError::RefusedEntry {
                rebuilding: false, ..
            }) => {
                out.push(
                    "the index may be damaged: run `provledger reindex` to rebuild it from the log (nothing is lost); if the rebuild refuses the entry too, `provledger reindex --skip-refused` applies every other entry and lists each refused one (see README, \"A refused entry in the log\")"
                        .into(),
                );
                break;
            }
            Some(LedgerError::RefusedEntry { .. }) => {
                out.push(
                    "the log holds an entry that a replay refuses; `provledger reindex --skip-refused` rebuilds the index applying every other entry and lists each refused one (see README, \"A refused entry in the log\"); `provledger audit` names them all"
                        .into(),
                );
                break;
            }
            _ => {}
        }
    }
    out
}

/// Says `err` on stderr: the message, escaped but for the line breaks of a
/// message that lists several problems, then each hint.
pub fn say_error(err: &CommandError) {
    super::output::say!("provledger: error: {}", esc_lines(&err.message()));
    for hint in &err.hints {
        super::output::say!("hint: {}", esc_lines(hint));
    }
}
