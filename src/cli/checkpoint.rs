//! `provledger checkpoint`: print the current signed checkpoint.

use anyhow::Result;
use clap::Args;
use provledger::ledger::Ledger;
use std::io::Write;
use std::path::Path;

/// Print the ledger's current signed checkpoint (c2sp.org/tlog-checkpoint in
/// a c2sp.org/signed-note), exactly as stored.
#[derive(Args, Debug)]
pub struct CheckpointArgs {}

pub fn run(ledger: &Path, _a: CheckpointArgs) -> Result<()> {
    let l = Ledger::open(ledger)?;
    std::io::stdout().lock().write_all(&l.checkpoint_note())?;
    Ok(())
}
