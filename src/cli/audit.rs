//! `provledger audit`: replay the whole ledger and prove nothing was rewritten.

use super::output::{print_json, say};
use super::render::Esc;
use anyhow::Result;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use provledger::audit::OperatorKeySource;
use provledger::keys;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Replay the ledger from genesis and check everything: canonical encoding
/// of every leaf, the prev chain, every statement signature, every rule
/// (signers granted and not revoked at that point, references, times), tree
/// root = checkpoint root, the checkpoint signature, and blob digests. With
/// --since-checkpoint, also that the trusted checkpoint's signature
/// verifies and that the root of the ledger's first entries (as many as it
/// has), recomputed from them, is its root: the ledger extends it.
///
/// Exits 0 when all holds, 3 when problems were found (each named with its
/// entry index), 1 when the audit could not run.
#[derive(Args, Debug)]
pub struct AuditArgs {
    /// A checkpoint trusted earlier (e.g. saved from `provledger
    /// checkpoint`): its signature must verify and the ledger's first
    /// entries must have its root (recomputed from them).
    #[arg(long, value_name = "FILE")]
    since_checkpoint: Option<PathBuf>,
    /// The operator's public key (.pub). Default: the key the genesis
    /// statement names (trust on first use).
    #[arg(long, value_name = "KEY.pub")]
    operator: Option<PathBuf>,
    /// Print JSON (schemas/audit-report.schema.json).
    #[arg(long)]
    json: bool,
}

impl AuditArgs {
    /// The --operator key file, if given.
    pub fn operator(&self) -> Option<&Path> {
        self.operator.as_deref()
    }
}

pub fn run(ledger: &Path, a: AuditArgs) -> Result<ExitCode> {
    let operator = a
        .operator
        .as_deref()
        .map(keys::load_public_key)
        .transpose()?;
    let trusted = a
        .since_checkpoint
        .as_deref()
        .map(|p| {
            provledger::log::read_bounded(
                p,
                provledger::log::MAX_CHECKPOINT_BYTES,
                "the --since-checkpoint file",
            )
        })
        .transpose()?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("auditing {bar:40} {pos}/{len} entries ({per_sec}, {eta})")
            .expect("a valid template"),
    );
    let report = provledger::audit::audit(ledger, operator, trusted.as_deref(), |done, all| {
        bar.set_length(all);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    if report.operator_key_source == OperatorKeySource::Genesis {
        say!(
            "note: the operator key was read from the ledger's own genesis (trust on first use); \
             a ledger re-signed end to end with another key would pass. Pin the key with --operator KEY.pub."
        );
    }
    if a.json {
        print_json(&report)?;
    } else {
        let mut out = std::io::stdout().lock();
        writeln!(out, "ledger     {}", report.ledger)?;
        writeln!(
            out,
            "operator   {} ({})",
            report.operator_key,
            if report.operator_key_source == OperatorKeySource::Given {
                "given"
            } else {
                "from the genesis; pass --operator to pin it"
            }
        )?;
        writeln!(
            out,
            "checked    {} entries, {} signatures, {} blobs; tree size {}, root {}",
            report.entries_checked,
            report.signatures_checked,
            report.blobs_checked,
            report.size,
            report.root.as_deref().unwrap_or("unreadable")
        )?;
        if let (true, Some(t)) = (report.ok, &report.trusted_checkpoint) {
            writeln!(
                out,
                "trusted    checkpoint of {} entries, root {}: its signature verifies and the first {} entries have that root, so the ledger extends it",
                t.size, t.root, t.size
            )?;
        }
        for (kind, n) in &report.counts {
            writeln!(out, "  {n:>8}  {kind}")?;
        }
        for p in &report.problems {
            let advice = p.advice.map(advice).unwrap_or_default();
            match p.entry {
                Some(e) => writeln!(out, "PROBLEM at entry {e}: {}{advice}", Esc(&p.what))?,
                None => writeln!(out, "PROBLEM: {}{advice}", Esc(&p.what))?,
            }
        }
        if report.omitted > 0 {
            writeln!(out, "... and {} more problems", report.omitted)?;
        }
        writeln!(
            out,
            "{}",
            if report.ok {
                "audit ok"
            } else {
                "audit FAILED"
            }
        )?;
    }
    if !report.ok {
        let first = report
            .first_entry_at_fault
            .map(|e| format!(", first at entry {e}"))
            .unwrap_or_default();
        let n = report.problems.len() as u64 + report.omitted;
        return Ok(super::error::no(&format!(
            "audit found {n} problem{}{first}",
            if n == 1 { "" } else { "s" }
        )));
    }
    Ok(ExitCode::SUCCESS)
}

/// What mends a problem, said with this command line's words.
fn advice(a: provledger::log::Advice) -> &'static str {
    match a {
        provledger::log::Advice::Reindex => {
            "; run `provledger reindex` to rebuild it from the log (nothing is lost)"
        }
        provledger::log::Advice::GiveOperatorKey => "; pass --operator KEY.pub",
    }
}
