//! Shared presentation helpers: JSON output, stdout that reports its
//! errors instead of panicking, and the signing options of commands that
//! append.
//!
//! Nothing here uses `println!`: it panics when stdout is a closed pipe
//! (`provledger key list | head -1`). Printers write to a locked stdout with
//! `writeln!` and return the io error; `main` ends quietly (exit 0) on a
//! broken pipe, whatever the command was printing.

use super::render::{json_safe, Esc};
use anyhow::{Context, Result};
use clap::Args;
use provledger::keys::{self, SecretKey};
use provledger::ledger::{Ledger, LedgerError, Receipt};
use provledger::remote::submit::{self, Appended, Sink, SubmitError, SubmitOptions, Submitter};
use provledger::statement::{Body, Kind, SignedStatement, Statement};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A note on stderr (progress, hints, what was written). Unlike
/// `eprintln!` it never panics: a note that cannot be written is dropped.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}
pub(crate) use say;

/// `value` as pretty JSON, safe on a terminal ([`json_safe`]).
pub fn json_text<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let text = serde_json::to_string_pretty(value)?;
    Ok(json_safe(&text).into_owned())
}

/// Writes `value` as pretty JSON and a newline to `out`, flushing it so a
/// failing stdout is reported here and not lost at exit.
pub fn write_json<T: Serialize + ?Sized>(out: &mut impl Write, value: &T) -> Result<()> {
    let text = json_text(value)?;
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(())
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    write_json(&mut std::io::stdout().lock(), value)
}

/// A committed append whose receipt could not be printed (stdout closed,
/// full or failing). The statements are in the ledger: `main` says so on
/// stderr, naming each, and exits 0 for a closed pipe and
/// [`UNPRINTED_EXIT`] otherwise, never 1, so that a script does not retry
/// and append a duplicate.
#[derive(Debug)]
pub struct Unprinted {
    /// What was committed.
    pub receipts: Vec<Receipt>,
    /// Why the receipt could not be printed.
    pub cause: std::io::Error,
}

/// The exit code of a committed append whose receipt could not be printed
/// for another reason than a closed pipe (README: "Exit codes").
pub const UNPRINTED_EXIT: u8 = 5;

impl std::fmt::Display for Unprinted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let receipt = |r: &Receipt| format!("{} {} at entry {}", r.kind, r.id, r.seq);
        match self.receipts.as_slice() {
            [r] => write!(
                f,
                "committed: {}, but the receipt could not be printed: {}",
                receipt(r),
                self.cause
            ),
            rs => {
                write!(
                    f,
                    "committed: {} statements, but the receipts could not be printed: {}",
                    rs.len(),
                    self.cause
                )?;
                for r in rs {
                    write!(f, "\ncommitted: {}", receipt(r))?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Unprinted {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}

/// The io error behind a failed print, if that is what failed.
fn io_cause(err: anyhow::Error) -> std::io::Error {
    match err.downcast::<std::io::Error>() {
        Ok(io) => io,
        Err(other) => match other.downcast::<serde_json::Error>() {
            Ok(json) => json.into(),
            Err(other) => std::io::Error::other(other.to_string()),
        },
    }
}

/// Prints the receipts of a committed append with `print`; if that fails,
/// the error is an [`Unprinted`] that names what was committed.
pub fn print_committed(
    receipts: &[Receipt],
    print: impl FnOnce(&mut std::io::StdoutLock<'static>) -> Result<()>,
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    print(&mut out)
        .and_then(|()| Ok(out.flush()?))
        .map_err(|e| {
            Unprinted {
                receipts: receipts.to_vec(),
                cause: io_cause(e),
            }
            .into()
        })
}

/// Where a write submits to with `--remote URL`: set once by `run` for the
/// commands that sign and submit ([`Signing::open`] reads it).
#[derive(Debug)]
pub struct RemoteWrite {
    /// The server's base URL.
    pub url: String,
    /// `--remote-operator KEY.pub`, needed on the first use of the remote.
    pub operator: Option<PathBuf>,
}

static REMOTE_WRITE: std::sync::OnceLock<RemoteWrite> = std::sync::OnceLock::new();

/// Makes every [`Signing::open`] of this process submit to `remote`
/// instead of appending to the local ledger.
pub fn submit_to(remote: RemoteWrite) {
    let _ = REMOTE_WRITE.set(remote);
}

/// A write's failure as the command line says it: the local ledger's and
/// the remote reads' errors keep their types (exit codes and hints read
/// them).
pub fn submit_error(e: SubmitError) -> anyhow::Error {
    match e {
        SubmitError::Ledger(l) => l.into(),
        SubmitError::Remote(r) => r.into(),
        other => other.into(),
    }
}

/// A refusal by a remote server's rules, said as the command says the
/// local one (`message`), with the server and the rule's id for the hint.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct RefusedRemotely {
    /// The refusal as the command says it.
    pub message: String,
    /// The server.
    pub url: String,
    /// The rule's id.
    pub rule: String,
}

/// Options of every command that signs and appends a statement.
///
/// Statements are signed with the signer's own key (`--key` or
/// `PROVLEDGER_KEY`): the operator key may sign only key grants and
/// revocations, so only `key grant` and `key revoke` default to it (their
/// `--key` help says so, through [`OPERATOR_DEFAULT_HELP`]).
#[derive(Args, Debug)]
pub struct Signing {
    /// Private key that signs the statement (NAME.key). No default: the
    /// operator key signs only key grants and revocations.
    #[arg(long, env = "PROVLEDGER_KEY", value_name = "NAME.key")]
    pub key: Option<PathBuf>,
    /// The operator key that signs the ledger's new checkpoint [default:
    /// LEDGER/private/operator.key]; not with --remote, where the server
    /// signs.
    #[arg(long, env = "PROVLEDGER_OPERATOR_KEY")]
    pub operator_key: Option<PathBuf>,
    /// Print the receipt as JSON (schemas/receipt.schema.json).
    #[arg(long)]
    pub json: bool,
}

/// The `--key` help of `key grant` and `key revoke`, whose statements the
/// operator signs (a key may also revoke itself). Those two do not read
/// `PROVLEDGER_KEY`: an editor's or checker's key set there for everyday
/// writes would otherwise sign, and be refused for, every grant.
pub const OPERATOR_DEFAULT_HELP: &str = "Private key that signs the statement (NAME.key) \
[default: the operator key that `init` created, LEDGER/private/operator.key]";

/// The error for a write that needs a key and was given none: which flag
/// to pass, and whose key it is (`what` and the roles that may sign it).
fn no_key(what: &str, roles: &[provledger::statement::Role]) -> anyhow::Error {
    let whose: Vec<String> = roles
        .iter()
        .map(|r| {
            let r = r.as_str();
            let a = if r.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{a} {r}'s")
        })
        .collect();
    let whose = match whose.as_slice() {
        [] => "your own granted key".to_string(),
        ws => format!("{} own key", ws.join(" or ")),
    };
    super::Fail::Usage(format!(
        "{what} is signed with {whose}: pass --key NAME.key (or set PROVLEDGER_KEY); the operator key signs only key grants and revocations"
    ))
    .into()
}

/// [`no_key`] for a statement of `kind`.
fn no_key_for(kind: Kind) -> anyhow::Error {
    no_key(&format!("a {kind}"), provledger::state::allowed_roles(kind))
}

impl Signing {
    /// Refuses, before any work, a write whose statement needs `--key` and
    /// has none (see [`Signing::signer_for`]).
    pub fn require_key_for(&self, kind: Kind) -> Result<()> {
        if self.key.is_none() && !provledger::state::operator_may_sign(kind) {
            return Err(no_key_for(kind));
        }
        Ok(())
    }

    /// Loads the operator key that signs checkpoints.
    pub fn operator(&self, ledger: &Path) -> Result<SecretKey> {
        let path = self
            .operator_key
            .clone()
            .unwrap_or_else(|| Ledger::default_operator_key_path(ledger));
        keys::load_secret_key(&path).context("loading the operator key that signs checkpoints")
    }

    /// Loads the key that signs statements of `kinds` (see
    /// [`Signing::signer_for`]) and the operator key, then opens the
    /// ledger for writing: the command resolves its ids and appends on
    /// this one handle, so no other append lands in between.
    ///
    /// With `--remote URL` ([`submit_to`]) the statements are submitted to
    /// that server instead: statements only the operator may sign are
    /// refused before anything is sent, and the ledger is the remote's
    /// cache mirror, pulled up to date first.
    pub fn open(&self, ledger: &Path, kinds: &[Kind]) -> Result<Writer<'_>> {
        if let Some(remote) = REMOTE_WRITE.get() {
            submit::refuse_operator_only(kinds, self.key.is_some()).map_err(submit_error)?;
            let signer = self.signer_for(ledger, kinds)?;
            return self.open_remote(remote, signer);
        }
        let signer = self.signer_for(ledger, kinds)?;
        self.open_signed_by(ledger, signer)
    }

    /// [`Signing::open`] for `claim import`, whose statements (sources and
    /// claims) an editor signs with `--key`.
    pub fn open_import(&self, ledger: &Path) -> Result<Writer<'_>> {
        let needed = || no_key("a claim import", &[provledger::statement::Role::Editor]);
        let signer = self.signer_or(ledger, Some(needed))?;
        if let Some(remote) = REMOTE_WRITE.get() {
            return self.open_remote(remote, signer);
        }
        self.open_signed_by(ledger, signer)
    }

    /// A writer that submits to `remote`, signing with `signer`.
    fn open_remote(&self, remote: &RemoteWrite, signer: SecretKey) -> Result<Writer<'_>> {
        let operator = remote
            .operator
            .as_deref()
            .map(keys::load_public_key)
            .transpose()?;
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "checking {bar:40} {pos}/{len} remote entries ({per_sec}, {eta})",
            )
            .expect("a valid template"),
        );
        let mut progress = |done, all| {
            bar.set_length(all);
            bar.set_position(done);
        };
        let opened = Submitter::open(
            &remote.url,
            operator,
            SubmitOptions::default(),
            &mut progress,
        );
        bar.finish_and_clear();
        let (submitter, ledger) = opened.map_err(submit_error)?;
        Ok(Writer {
            ledger,
            signer,
            sink: Sink::Remote(Box::new(submitter)),
            signing: self,
        })
    }

    fn open_signed_by(&self, ledger: &Path, signer: SecretKey) -> Result<Writer<'_>> {
        let operator = self.operator(ledger)?;
        Ok(Writer {
            ledger: Ledger::open_writer(ledger)?,
            signer,
            sink: Sink::Local { operator },
            signing: self,
        })
    }

    /// Loads the key that signs statements of `kinds`: `--key`, else the
    /// operator key for key grants and revocations; other statements need
    /// `--key`.
    pub fn signer_for(&self, ledger: &Path, kinds: &[Kind]) -> Result<SecretKey> {
        let needs_key = kinds
            .iter()
            .copied()
            .find(|k| !provledger::state::operator_may_sign(*k));
        self.signer_or(ledger, needs_key.map(|kind| move || no_key_for(kind)))
    }

    /// Loads `--key`; without it, the operator key when `needed` is `None`,
    /// else fails with the error `needed` makes (which flag to pass).
    fn signer_or(
        &self,
        ledger: &Path,
        needed: Option<impl FnOnce() -> anyhow::Error>,
    ) -> Result<SecretKey> {
        let path = match (&self.key, needed) {
            (Some(path), _) => path.clone(),
            (None, Some(needed)) => return Err(needed()),
            (None, None) => Ledger::default_operator_key_path(ledger),
        };
        Ok(keys::load_secret_key(&path)?)
    }

    /// Signs `bodies` with the signer key and appends them as one batch.
    pub fn append(&self, ledger: &Path, bodies: Vec<Body>) -> Result<Vec<Receipt>> {
        self.append_with_blobs(ledger, bodies, &[])
    }

    /// As [`Signing::append`], storing `blobs` (which the bodies refer to)
    /// only if every statement is admitted.
    pub fn append_with_blobs(
        &self,
        ledger: &Path,
        bodies: Vec<Body>,
        blobs: &[Vec<u8>],
    ) -> Result<Vec<Receipt>> {
        let kinds: Vec<Kind> = bodies.iter().map(Body::kind).collect();
        self.open(ledger, &kinds)?.append_with_blobs(bodies, blobs)
    }

    /// Signs and appends one statement, printing its receipt.
    pub fn append_one(&self, ledger: &Path, body: Body) -> Result<()> {
        let receipts = self.append(ledger, vec![body])?;
        self.print_receipts(&receipts)
    }

    /// Prints receipts as text or JSON (see [`print_committed`] for when
    /// that fails).
    pub fn print_receipts(&self, receipts: &[Receipt]) -> Result<()> {
        print_committed(receipts, |out| {
            if self.json {
                return write_json(out, receipts);
            }
            for r in receipts {
                writeln!(out, "{} {} at entry {}", r.kind, r.id, r.seq)?;
            }
            Ok(())
        })
    }
}

/// A ledger open for writing, with the keys that sign: made by
/// [`Signing::open`]. Resolve ids through `ledger` and append through the
/// same handle; with `--remote`, `ledger` is the remote's cache mirror and
/// the append submits to the server ([`Sink`]).
pub struct Writer<'a> {
    /// The ledger, open for writing (holding the writer lock), or the
    /// remote's cache mirror.
    pub ledger: Ledger,
    /// The key that signs the statements.
    pub signer: SecretKey,
    /// Where the statements go: the local ledger with the operator key
    /// that signs its checkpoints, or a remote server.
    pub sink: Sink,
    signing: &'a Signing,
}

impl Writer<'_> {
    /// Signs `bodies` with the signer key, at the time for new statements.
    fn sign(&self, bodies: Vec<Body>) -> Result<(u64, Vec<SignedStatement>)> {
        let at = super::now()?;
        let statements = bodies
            .into_iter()
            .map(|body| SignedStatement::sign(&Statement { at, body }, &self.signer))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((at, statements))
    }

    /// `e` from an append, with the key file named when a rule refused a
    /// key the ledger does not know (it can name only keys it knows).
    fn explain(&self, e: SubmitError) -> anyhow::Error {
        let refused = matches!(
            e,
            SubmitError::Ledger(LedgerError::Refused { .. }) | SubmitError::Refused { .. }
        );
        let l = &self.ledger;
        let known = l.signer_name(&self.signer.public().bytes()).ok().flatten();
        let e = submit_error(e);
        if refused && known.is_none() {
            let path = self
                .signing
                .key
                .clone()
                .unwrap_or_else(|| Ledger::default_operator_key_path(l.dir()));
            e.context(format!(
                "signed with key {} from {}",
                self.signer.public().name(),
                path.display()
            ))
        } else {
            e
        }
    }

    /// Signs `bodies` with the signer key and appends them as one batch,
    /// storing `blobs` (which the bodies refer to) only if every statement
    /// is admitted.
    pub fn append_with_blobs(
        &mut self,
        bodies: Vec<Body>,
        blobs: &[Vec<u8>],
    ) -> Result<Vec<Receipt>> {
        let (at, statements) = self.sign(bodies)?;
        let appended = self.sink.append(&mut self.ledger, statements, blobs, at);
        let appended = appended.map_err(|e| self.explain(e))?;
        Ok(self.landed(appended))
    }

    /// Appends already signed `statements` (a `claim import`'s plan) as one
    /// batch, as [`Writer::append_with_blobs`] does.
    pub fn append_signed(
        &mut self,
        statements: Vec<SignedStatement>,
        at: u64,
    ) -> std::result::Result<Vec<Receipt>, SubmitError> {
        let appended = self.sink.append(&mut self.ledger, statements, &[], at)?;
        Ok(self.landed(appended))
    }

    /// Says what a remote write's answer adds to its receipts (the server
    /// had them already; the cache could not follow), and returns them.
    fn landed(&self, appended: Appended) -> Vec<Receipt> {
        let url = match &self.sink {
            Sink::Remote(s) => s.url().to_string(),
            Sink::Local { .. } => String::new(),
        };
        if appended.duplicate {
            for r in &appended.receipts {
                say!(
                    "already in the log: {} has {} {} at entry {}; nothing was added",
                    Esc(&url),
                    r.kind,
                    r.id,
                    r.seq
                );
            }
        }
        if let Some(why) = &appended.cache_behind {
            say!(
                "note: submitted to {}, but its cache mirror could not be updated ({}); the next command pulls it",
                Esc(&url),
                Esc(why)
            );
        }
        appended.receipts
    }

    /// Signs and adds one statement that records something anew
    /// ([`Ledger::add`]: refused if the ledger records it already), storing
    /// `blobs`, and prints its receipt.
    pub fn add(&mut self, body: Body, blobs: &[Vec<u8>]) -> Result<()> {
        let (at, mut statements) = self.sign(vec![body])?;
        let added = self
            .sink
            .add(&mut self.ledger, statements.remove(0), blobs, at);
        let added = added.map_err(|e| self.explain(e))?;
        let receipts = self.landed(added);
        self.signing.print_receipts(&receipts)
    }

    /// Signs and appends one statement, printing its receipt.
    pub fn append_one(&mut self, body: Body) -> Result<()> {
        let receipts = self.append_with_blobs(vec![body], &[])?;
        self.signing.print_receipts(&receipts)
    }
}

/// `err` said as "disk full: ..." naming the file, when it comes from a
/// full disk: ENOSPC (whose message names its file: the library and the
/// commands say which file they were writing), or SQLite's SQLITE_FULL or
/// shared-memory failure (SQLITE_IOERR_SHMSIZE) on the index of the
/// ledger `ledger`, which SQLite's message does not name. Only a failed
/// print gives a bare io error, so that one is said to be stdout's.
pub fn name_disk_full(err: anyhow::Error, ledger: &Path) -> anyhow::Error {
    if err.chain().any(|e| e.is::<Unprinted>()) {
        return err;
    }
    let index = ledger.join(provledger::ledger::INDEX_FILE);
    // Some(file SQLite failed on) or Some(None) for ENOSPC, which names
    // its own file.
    let full: Option<Option<String>> = err.chain().find_map(|e| {
        if let Some(s) = e.downcast_ref::<rusqlite::Error>() {
            return provledger::state::sqlite_disk_full(s).then(|| match s {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.extended_code == rusqlite::ffi::SQLITE_IOERR_SHMSIZE =>
                {
                    Some(format!("{}-shm", index.display()))
                }
                _ => Some(index.display().to_string()),
            });
        }
        let io = e.downcast_ref::<std::io::Error>()?;
        (io.kind() == std::io::ErrorKind::StorageFull || io.raw_os_error() == Some(28))
            .then_some(None)
    });
    let Some(file) = full else {
        return err;
    };
    if err.chain().count() == 1 && err.is::<std::io::Error>() {
        return err.context("writing to stdout");
    }
    // The index errors whose message names the file already.
    let named = err.chain().any(|e| {
        use provledger::ledger::LedgerError;
        use provledger::state::StateError;
        matches!(
            e.downcast_ref::<StateError>(),
            Some(StateError::Open { .. })
        ) || matches!(
            e.downcast_ref::<LedgerError>(),
            Some(LedgerError::State(StateError::Open { .. }) | LedgerError::IndexUnreadable { .. })
        )
    });
    let msg = super::error::message(&err);
    match file {
        Some(file) if !named => anyhow::anyhow!("disk full: {file}: {msg}"),
        _ => anyhow::anyhow!("disk full: {msg}"),
    }
}

/// Makes a writer that waits for another's lock say so on stderr: who
/// holds it (pid, command) and since when.
pub fn say_lock_waits() {
    provledger::lockwait::on_lock_wait(|w| {
        let dir = w.dir.display().to_string();
        match &w.holder {
            Some(h) => say!(
                "provledger: waiting for the writer lock of {}: held by pid {} ({}) since {}",
                Esc(&dir),
                h.pid,
                Esc(&h.command),
                time(h.since)
            ),
            None => say!(
                "provledger: waiting for the writer lock of {}: another process holds it",
                Esc(&dir)
            ),
        }
    });
}

/// Formats unix seconds as an RFC 3339 UTC time.
pub fn time(secs: u64) -> String {
    provledger::time::rfc3339(secs)
}

/// Parses an RFC 3339 time (`2025-11-06T09:00:00Z`) into unix seconds.
pub fn parse_time(s: &str) -> Result<u64> {
    let t: jiff::Timestamp = s
        .parse()
        .with_context(|| format!("'{s}' is not an RFC 3339 time such as 2025-11-06T09:00:00Z"))?;
    u64::try_from(t.as_second()).with_context(|| format!("'{s}' is before 1970"))
}
