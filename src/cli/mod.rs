//! The command line: argument parsing and presentation only. Every decision
//! is made by the library (`provledger::*`); a subcommand parses its
//! arguments, calls the library and prints the answer.
//!
//! Exit codes (documented in the README):
//! 0 ok; 1 error; 2 usage (also a malformed id); 3 the answer is "no"
//! (`status --require` not met, `audit` found problems, a proof that does
//! not check out: an `Ok(ExitCode)`, see `error::no`); 4 not found (unknown
//! id or claim); 5 committed, but the receipt could not be printed
//! (`output::Unprinted`). Failures are `error::CommandError`s, whose kind
//! picks 1, 2 or 4 and whose hints are built from the library's typed
//! errors.

mod article;
mod audit;
mod capture;
mod checkpoint;
mod claim;
mod claims;
mod completions;
mod drift;
pub mod error;
mod export;
mod extract;
mod history;
mod import;
mod init;
mod key;
mod link;
mod log;
mod mirror;
pub mod output;
mod proof;
mod publish;
mod reindex;
pub mod render;
mod report;
mod serve;
mod show;
mod source;
mod status;
mod verify;
mod watch;

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

    /// Use a remote ledger instead: its base URL. It is pulled first into
    /// a verified cache mirror ($PROVLEDGER_CACHE, else
    /// ~/.cache/provledger). Reads (status, history, claims, proof) and
    /// audit answer from the mirror; write commands (source add, vouch,
    /// relate, merge; article add, fetch, update; claim add, import,
    /// revise, retract; verify; link; key revoke of your own key) sign
    /// with your --key here and submit to the server (`provledger serve
    /// --write`), checking its answer; your private key is never sent, and
    /// statements only the operator key signs (key grant, key update) are
    /// refused before anything is sent.
    #[arg(long, global = true, env = "PROVLEDGER_REMOTE", value_name = "URL")]
    remote: Option<String>,

    /// The remote's operator public key (.pub), needed on the first use of
    /// a remote; later uses check against the key pinned then.
    #[arg(
        long,
        global = true,
        env = "PROVLEDGER_REMOTE_OPERATOR",
        value_name = "KEY.pub"
    )]
    remote_operator: Option<PathBuf>,

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
    #[command(subcommand)]
    Watch(watch::WatchCommand),
    Completions(completions::CompletionsArgs),
    Man(completions::ManArgs),
    Extract(extract::ExtractArgs),
    Report(report::ReportArgs),
    Mirror(mirror::MirrorArgs),
    Serve(serve::ServeArgs),
    Export(export::ExportArgs),
    Publish(publish::PublishArgs),
}

pub use error::Fail;

impl Command {
    /// Whether the command signs statements and appends them: with
    /// `--remote`, it submits them to the server.
    fn submits(&self) -> bool {
        use article::ArticleCommand as A;
        use claim::ClaimCommand as C;
        use key::KeyCommand as K;
        use source::SourceCommand as S;
        matches!(
            self,
            Command::Verify(_)
                | Command::Link(_)
                | Command::Source(S::Add(_) | S::Vouch(_) | S::Relate(_) | S::Merge(_))
                | Command::Article(A::Add(_) | A::Fetch(_) | A::Update(_))
                | Command::Claim(C::Add(_) | C::Import(_) | C::Revise(_) | C::Retract(_))
                | Command::Key(K::Grant(_) | K::Revoke(_) | K::Update(_))
        )
    }

    /// The subcommand's name, for messages.
    fn name(&self) -> &'static str {
        match self {
            Command::Init(_) => "init",
            Command::Key(_) => "key",
            Command::Source(_) => "source",
            Command::Article(_) => "article",
            Command::Claim(_) => "claim",
            Command::Verify(_) => "verify",
            Command::Link(_) => "link",
            Command::Log(_) => "log",
            Command::Show(_) => "show",
            Command::Checkpoint(_) => "checkpoint",
            Command::Reindex(_) => "reindex",
            Command::Watch(_) => "watch",
            Command::Extract(_) => "extract",
            Command::Report(_) => "report",
            Command::Export(_) => "export",
            Command::Serve(_) => "serve",
            Command::Claims(_) => "claims",
            Command::Status(_) => "status",
            Command::History(_) => "history",
            Command::Proof(_) => "proof",
            Command::Audit(_) => "audit",
            Command::Completions(_) => "completions",
            Command::Man(_) => "man",
            Command::Mirror(_) => "mirror",
            Command::Publish(_) => "publish",
        }
    }
}

/// Tells the lock file which subcommand runs: the arguments that name
/// subcommands in clap's tree (`source vouch`), walked from the top, and
/// nothing else of the command line — no value, path or text.
fn name_subcommand() {
    let mut cmd = Cli::command();
    let mut words: Vec<String> = Vec::new();
    for arg in std::env::args().skip(1) {
        let Some(sub) = cmd.find_subcommand(&arg).cloned() else {
            continue;
        };
        words.push(sub.get_name().to_string());
        if sub.get_subcommands().next().is_none() {
            break;
        }
        cmd = sub;
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    provledger::lockwait::name_command(&words);
}

/// Parses the command line and runs the command.
pub fn run() -> Result<ExitCode, error::CommandError> {
    let cli = Cli::parse();
    name_subcommand();
    output::say_lock_waits();
    let ledger = match &cli.command {
        Command::Status(_)
        | Command::History(_)
        | Command::Claims(_)
        | Command::Proof(_)
        | Command::Audit(_) => mirror::ledger_for(
            &cli.ledger,
            cli.remote.as_deref(),
            match &cli.command {
                Command::Audit(a) => a.operator().or(cli.remote_operator.as_deref()),
                _ => cli.remote_operator.as_deref(),
            },
        )?,
        Command::Mirror(_) => cli.ledger,
        c if c.submits() && cli.remote.is_some() => {
            output::submit_to(output::RemoteWrite {
                url: cli.remote.clone().unwrap_or_default(),
                operator: cli.remote_operator.clone(),
            });
            cli.ledger
        }
        other if cli.remote.is_some() => {
            return Err(anyhow::Error::from(Fail::Usage(format!(
                "--remote is not supported by `{}`: reads (status, history, claims, proof), audit and the write commands that sign statements are",
                other.name()
            )))
            .into())
        }
        _ => cli.ledger,
    };
    let ran = match cli.command {
        Command::Init(a) => init::run(&ledger, a).map(done),
        Command::Key(c) => key::run(&ledger, c).map(done),
        Command::Source(c) => source::run(&ledger, c),
        Command::Article(c) => article::run(&ledger, c),
        Command::Claim(c) => claim::run(&ledger, c),
        Command::Claims(a) => claims::run(&ledger, a).map(done),
        Command::Verify(a) => verify::run(&ledger, a).map(done),
        Command::Link(a) => link::run(&ledger, a).map(done),
        Command::Status(a) => status::run(&ledger, a),
        Command::History(a) => history::run(&ledger, a).map(done),
        Command::Log(a) => log::run(&ledger, a).map(done),
        Command::Show(a) => show::run(&ledger, a).map(done),
        Command::Checkpoint(a) => checkpoint::run(&ledger, a).map(done),
        Command::Proof(c) => proof::run(&ledger, c),
        Command::Audit(a) => audit::run(&ledger, a),
        Command::Reindex(a) => reindex::run(&ledger, a).map(done),
        Command::Watch(c) => watch::run(&ledger, c),
        Command::Completions(a) => completions::completions(Cli::command(), a).map(done),
        Command::Man(a) => completions::man(Cli::command(), a).map(done),
        Command::Extract(a) => extract::run(&ledger, a).map(done),
        Command::Report(a) => report::run(&ledger, a).map(done),
        Command::Mirror(a) => mirror::run(a).map(done),
        Command::Serve(a) => serve::run(&ledger, a).map(done),
        Command::Export(a) => export::run(&ledger, a).map(done),
        Command::Publish(a) => publish::run(&ledger, a).map(done),
    };
    Ok(ran.map_err(|e| output::name_disk_full(e, &ledger))?)
}

/// The exit code of a command that did its work.
fn done(_: ()) -> ExitCode {
    ExitCode::SUCCESS
}

/// The current time for new statements and leaves: `SOURCE_DATE_EPOCH` when
/// set (reproducible builds of the sample ledger), else the clock.
pub fn now() -> Result<u64> {
    Ok(provledger::ledger::now()?)
}
