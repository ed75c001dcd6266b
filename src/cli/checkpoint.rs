//! `provledger checkpoint`: print the current signed checkpoint.

use super::output::print_json;
use anyhow::Result;
use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use clap::Args;
use provledger::log::Log;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// Print the ledger's current signed checkpoint (c2sp.org/tlog-checkpoint in
/// a c2sp.org/signed-note), exactly as stored. Save it to audit later with
/// `audit --since-checkpoint FILE`.
#[derive(Args, Debug)]
pub struct CheckpointArgs {
    /// Print JSON (schemas/checkpoint.schema.json): origin, size, root and
    /// the signed note.
    #[arg(long)]
    json: bool,
}

/// `checkpoint --json`.
#[derive(Serialize)]
struct CheckpointView {
    origin: String,
    size: u64,
    /// Base64, as in the checkpoint text.
    root: String,
    note: String,
}

pub fn run(ledger: &Path, a: CheckpointArgs) -> Result<()> {
    // The log alone: printing the checkpoint needs no index.
    let log = Log::open(ledger).map_err(provledger::ledger::LedgerError::from)?;
    if a.json {
        return print_json(&CheckpointView {
            origin: log.origin().to_string(),
            size: log.size(),
            root: BASE64.encode(log.root().0),
            note: String::from_utf8_lossy(log.checkpoint_bytes()).into_owned(),
        });
    }
    std::io::stdout().lock().write_all(log.checkpoint_bytes())?;
    Ok(())
}
