//! `provledger reindex`: rebuild the derived index (and `hashes`) from the log.

use super::output::{print_json, say};
use super::render::{esc, Esc};
use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use provledger::keys;
use provledger::ledger::Ledger;
use provledger::state::VoidEntry;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Rebuild the index and `hashes` from the log (derived data: nothing is lost).
///
/// Deletes LEDGER/index.sqlite and replays the log through the rules.
/// Run it when a command says the index does not match the log (it was
/// copied from another ledger, or the log was restored from a backup), or
/// that the index or the `hashes` file is damaged or was edited: reading
/// commands refuse an index that does not match until it is rebuilt, and an
/// append refuses one that fails the writer's check. It also rebuilds
/// LEDGER/hashes from the entry bundles. Opening a ledger to read only
/// catches up an index that lags behind its log.
#[derive(Args, Debug)]
pub struct ReindexArgs {
    /// Apply every entry the rules admit and record each refused one as
    /// void (listed on stderr and in --json) instead of failing: the way
    /// out when the log holds an entry a replay refuses. Audit goes on
    /// reporting those entries.
    #[arg(long)]
    skip_refused: bool,
    /// The operator key, so that the rebuilt index is sealed and the next
    /// append need not rebuild it again [default:
    /// LEDGER/private/operator.key, if it exists].
    #[arg(long, env = "PROVLEDGER_OPERATOR_KEY")]
    operator_key: Option<PathBuf>,
    /// Print JSON (schemas/reindex.schema.json).
    #[arg(long)]
    json: bool,
}

/// What `reindex --json` prints.
#[derive(Serialize)]
struct Report<'a> {
    ledger: String,
    entries: u64,
    sealed: bool,
    void: &'a [VoidEntry],
}

pub fn run(ledger: &Path, a: ReindexArgs) -> Result<()> {
    let default = Ledger::default_operator_key_path(ledger);
    let operator = match &a.operator_key {
        Some(p) => Some(
            keys::load_secret_key(p).context("loading the operator key that seals the index")?,
        ),
        None if default.exists() => Some(
            keys::load_secret_key(&default)
                .context("loading the operator key that seals the index")?,
        ),
        None => None,
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("indexing {bar:40} {pos}/{len} entries ({per_sec}, {eta})")
            .expect("a valid template"),
    );
    let (l, void) = Ledger::reindex(ledger, operator.as_ref(), a.skip_refused, |done, all| {
        bar.set_length(all);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    for v in &void {
        // The reason quotes the refused entry's own text: escaped.
        say!(
            "void: entry {} ({}) is refused and was applied as nothing: {}",
            v.seq,
            v.kind.map_or("undecodable", |k| k.as_str()),
            esc(&v.reason)
        );
    }
    say!(
        "rebuilt the index of {} from {} entries{}",
        Esc(&ledger.display().to_string()),
        l.size(),
        match void.len() {
            0 => String::new(),
            n => format!(" ({n} refused, applied as nothing; `provledger audit` reports them)"),
        }
    );
    if operator.is_none() {
        say!("note: without the operator key the index is not sealed; the next append rebuilds it");
    }
    if a.json {
        print_json(&Report {
            ledger: ledger.display().to_string(),
            entries: l.size(),
            sealed: operator.is_some(),
            void: &void,
        })?;
    }
    Ok(())
}
