//! The command line: argument parsing and presentation only. Every decision
//! is made by the library (`provledger::*`); a subcommand parses its
//! arguments, calls the library and prints the answer.
//!
//! Exit codes (documented in the README):
//! 0 ok; 1 error; 2 usage (also a malformed id); 3 the answer is "no"
//! (`status --require` not met, `audit` found problems); 4 not found
//! (unknown id or claim); 5 committed, but the receipt could not be printed
//! (`output::Unprinted`).

mod article;
mod audit;
mod checkpoint;
mod claim;
mod claims;
mod completions;
mod history;
mod import;
mod init;
mod key;
mod link;
mod log;
pub mod output;
mod proof;
mod reindex;
pub mod render;
mod show;
mod source;
mod status;
mod verify;

use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// provledger: attributed claims and signed verifications in a verifiable,
/// append-only ledger.
///
/// The ledger is a directory (--ledger, else $PROVLEDGER_DIR, else ./ledger)
/// laid out as a C2SP transparency log. Read commands take --json; their
/// output formats are published as JSON Schemas in schemas/.
#[derive(Parser, Debug)]
#[command(name = "provledger", version, max_term_width = 100)]
struct Cli {
    /// The ledger directory.
    #[arg(long, global = true, env = "PROVLEDGER_DIR", default_value = "ledger")]
    ledger: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    Init(init::InitArgs),
    #[command(subcommand)]
    Key(key::KeyCommand),
    #[command(subcommand)]
    Source(source::SourceCommand),
    #[command(subcommand)]
    Article(article::ArticleCommand),
    #[command(subcommand)]
    Claim(claim::ClaimCommand),
    Claims(claims::ClaimsArgs),
    Verify(verify::VerifyArgs),
    Link(link::LinkArgs),
    Status(status::StatusArgs),
    History(history::HistoryArgs),
    Log(log::LogArgs),
    Show(show::ShowArgs),
    Checkpoint(checkpoint::CheckpointArgs),
    #[command(subcommand)]
    Proof(proof::ProofCommand),
    Audit(audit::AuditArgs),
    Reindex(reindex::ReindexArgs),
    Completions(completions::CompletionsArgs),
    Man(completions::ManArgs),
}

/// A failure that maps to a specific exit code.
#[derive(Debug, thiserror::Error)]
pub enum Fail {
    /// The question was answered, and the answer is no (exit 3).
    #[error("{0}")]
    No(String),
    /// The thing asked about does not exist (exit 4).
    #[error("{0}")]
    NotFound(String),
    /// The command line is incomplete or inconsistent in a way clap's
    /// declarations cannot express (exit 2, as clap's own usage errors).
    #[error("{0}")]
    Usage(String),
}

/// Parses the command line and runs the command.
pub fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    output::say_lock_waits();
    let ledger = cli.ledger;
    let ran = match cli.command {
        Command::Init(a) => init::run(&ledger, a),
        Command::Key(c) => key::run(&ledger, c),
        Command::Source(c) => source::run(&ledger, c),
        Command::Article(c) => article::run(&ledger, c),
        Command::Claim(c) => claim::run(&ledger, c),
        Command::Claims(a) => claims::run(&ledger, a),
        Command::Verify(a) => verify::run(&ledger, a),
        Command::Link(a) => link::run(&ledger, a),
        Command::Status(a) => status::run(&ledger, a),
        Command::History(a) => history::run(&ledger, a),
        Command::Log(a) => log::run(&ledger, a),
        Command::Show(a) => show::run(&ledger, a),
        Command::Checkpoint(a) => checkpoint::run(&ledger, a),
        Command::Proof(c) => proof::run(&ledger, c),
        Command::Audit(a) => audit::run(&ledger, a),
        Command::Reindex(a) => reindex::run(&ledger, a),
        Command::Completions(a) => completions::completions(Cli::command(), a),
        Command::Man(a) => completions::man(Cli::command(), a),
    };
    ran.map_err(|e| output::name_disk_full(e, &ledger))?;
    Ok(ExitCode::SUCCESS)
}

/// The exit code for an error (see the module docs).
pub fn exit_code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(f) = cause.downcast_ref::<Fail>() {
            return match f {
                Fail::No(_) => 3,
                Fail::NotFound(_) => 4,
                Fail::Usage(_) => 2,
            };
        }
        use provledger::ledger::LedgerError;
        use provledger::state::ResolveError;
        // A malformed id is a usage error, whatever the ledger holds.
        if let Some(ResolveError::BadPrefix(_) | ResolveError::NotHex(_)) = cause
            .downcast_ref::<ResolveError>()
            .or(match cause.downcast_ref::<LedgerError>() {
                Some(LedgerError::Resolve(e)) => Some(e),
                _ => None,
            })
        {
            return 2;
        }
        match cause.downcast_ref::<LedgerError>() {
            Some(LedgerError::NotFound(_))
            | Some(LedgerError::Resolve(
                ResolveError::NotFound { .. } | ResolveError::WrongKind { .. },
            )) => return 4,
            _ => {}
        }
        // An id of another kind than the one asked for names no such thing.
        if let Some(ResolveError::NotFound { .. } | ResolveError::WrongKind { .. }) =
            cause.downcast_ref::<ResolveError>()
        {
            return 4;
        }
    }
    1
}

/// A hint that tells the user what to do next, for errors that have one.
pub fn hint(err: &anyhow::Error) -> Option<String> {
    use provledger::ledger::LedgerError;
    use provledger::state::ResolveError;
    err.chain().find_map(|c| match c.downcast_ref::<LedgerError>() {
        Some(LedgerError::Resolve(ResolveError::BadPrefix(_) | ResolveError::NotHex(_))) => Some(
            "an id is 64 hex digits (0-9, a-f), as `provledger claims` and `provledger log` print them; any unique prefix of 6 or more digits will do"
                .into(),
        ),
        Some(e) => e.hint(),
        None => None,
    })
}

/// The current time for new statements and leaves: `SOURCE_DATE_EPOCH` when
/// set (reproducible builds of the sample ledger), else the clock.
pub fn now() -> Result<u64> {
    provledger::ledger::now().map_err(anyhow::Error::msg)
}
