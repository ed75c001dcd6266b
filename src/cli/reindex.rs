//! `provledger reindex`: rebuild the derived index from the log.

use anyhow::Result;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use provledger::ledger::Ledger;
use std::path::Path;

/// Rebuild the index from the log (it is derived data: nothing is lost).
///
/// Deletes LEDGER/index.sqlite and replays the log through the rules.
/// Run it when a command says the index does not match the log (it was
/// copied from another ledger, or the log was restored from a backup) or
/// the index is damaged: reading commands refuse such an index until it is
/// rebuilt (a command that appends rebuilds it first). Opening a ledger to
/// read only catches up an index that lags behind its log.
#[derive(Args, Debug)]
pub struct ReindexArgs {}

pub fn run(ledger: &Path, _a: ReindexArgs) -> Result<()> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("indexing {bar:40} {pos}/{len} entries ({per_sec}, {eta})")
            .expect("a valid template"),
    );
    let l = Ledger::reindex_with_progress(ledger, |done, all| {
        bar.set_length(all);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    eprintln!(
        "rebuilt the index of {} from {} entries",
        ledger.display(),
        l.size()
    );
    Ok(())
}
