//! `provledger claim import`: many sources and claims from one JSON file,
//! appended as one batch. The flow is the library's
//! (`provledger::import`): this reads the file
//! ([`ImportFile::read_bounded`]), checks, signs and appends the plan on one
//! writer handle, and prints what was imported.

use super::output::{print_committed, say, write_json, Signing};
use super::render::{short, Esc};
use anyhow::{anyhow, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use provledger::import::{AppendFailed, ImportError, ImportFile, ImportPlan};
use provledger::remote::submit::SubmitError;
use provledger::statement::Kind;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Imports with at least this many statements show a progress bar.
const PROGRESS_FROM: usize = 100;

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The JSON file (format: schemas/claim-import.schema.json).
    file: PathBuf,
    /// The article version the claims are in: its id (prefix).
    #[arg(long)]
    article: String,
    #[command(flatten)]
    signing: Signing,
}

/// An import error, naming the file.
fn failed(file: &Path, e: ImportError) -> anyhow::Error {
    match e {
        ImportError::Problems(p) => anyhow!("{} {p}", file.display()),
        ImportError::Refused(p) => anyhow!("{}: {p}; nothing was written", file.display()),
        e @ ImportError::Clock(_) => anyhow::Error::new(e).context(file.display().to_string()),
        ImportError::Sign(e) => e.into(),
        ImportError::Ledger(e) => e.into(),
        ImportError::Other(e) => match e.downcast::<SubmitError>() {
            Ok(e) => super::output::submit_error(*e),
            Err(e) => anyhow::Error::from_boxed(e),
        },
    }
}

pub fn run(ledger: &Path, a: ImportArgs) -> Result<()> {
    let file = ImportFile::read_bounded(&a.file)?;
    let total = file.sources.len() + file.claims.len();
    let bar = if total >= PROGRESS_FROM {
        ProgressBar::new(total as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} {bar:40} {pos}/{len}").expect("a valid template"),
    );

    // Resolved, checked and appended on one writer handle: no other append
    // lands between the check and the append.
    let mut w = a.signing.open_import(ledger)?;
    let article = w.ledger.resolve(&a.article, &[Kind::ArticleRecord])?.id;
    bar.set_message("checking");
    let plan = ImportPlan::check(&w.ledger, &article, file, &mut || bar.inc(1))
        .map_err(|e| failed(&a.file, e))?;
    bar.set_position(0);
    bar.set_message("signing");
    let at = super::now()?;
    let signed = plan.sign(&w.signer, at, &mut || bar.inc(1))?;
    bar.set_message("appending");
    // One all-or-nothing batch, local or submitted (`--remote`).
    let mut refused_by = None;
    signed.keep_text(&w.ledger);
    let imported = signed
        .append_with(|statements| {
            w.append_signed(statements, at).map_err(|e| match e {
                SubmitError::Ledger(e) => AppendFailed::Ledger(e),
                SubmitError::Refused { url, rule, error } => {
                    refused_by = Some((url, rule));
                    AppendFailed::Ledger(*error)
                }
                other => AppendFailed::Other(Box::new(other)),
            })
        })
        .map_err(|e| {
            let e = failed(&a.file, e);
            match refused_by.take() {
                Some((url, rule)) => super::output::RefusedRemotely {
                    message: super::error::message(&e),
                    url,
                    rule,
                }
                .into(),
                None => e,
            }
        })?;
    bar.finish_and_clear();

    let receipts = &imported.receipts;
    print_committed(receipts, |out| {
        if a.signing.json {
            return write_json(out, receipts);
        }
        for (e, r) in imported.entries.iter().zip(receipts) {
            let what = if e.kind == Kind::SourceRecord {
                "source"
            } else {
                "claim"
            };
            writeln!(
                out,
                "{what:<6}  {:<28}  {}  entry {}",
                Esc(&e.reference),
                short(&e.id),
                r.seq
            )?;
        }
        Ok(())
    })?;
    say!(
        "imported {} sources and {} claims into article {} (version {}); tree size {}",
        imported.sources,
        imported.entries.len() - imported.sources,
        short(&imported.article.id),
        imported.article.version,
        receipts.last().map_or(0, |r| r.tree_size)
    );
    Ok(())
}
