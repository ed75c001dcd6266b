//! `provledger log`: list entries, oldest first.

use super::output::json_text;
use super::render::Esc;
use anyhow::Result;
use clap::Args;
use provledger::ledger::Ledger;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// List the ledger's entries, oldest first (newest last).
#[derive(Args, Debug)]
pub struct LogArgs {
    /// Start at this entry index.
    #[arg(long, default_value_t = 0)]
    from: u64,
    /// Show at most this many entries.
    #[arg(long)]
    limit: Option<u64>,
    /// Print JSON (schemas/log.schema.json).
    #[arg(long)]
    json: bool,
}

/// One line of `log` output.
#[derive(Serialize)]
struct EntryView {
    seq: u64,
    id: provledger::digest::Digest,
    kind: provledger::statement::Kind,
    signer: String,
    signer_name: Option<String>,
    at: u64,
    logged_at: u64,
    leaf_hash: provledger::digest::Digest,
}

pub fn run(ledger: &Path, a: LogArgs) -> Result<()> {
    let l = Ledger::open(ledger)?;
    let end = match a.limit {
        Some(n) => a.from.saturating_add(n).min(l.size()),
        None => l.size(),
    };
    let start = a.from.min(end);
    let mut out = std::io::stdout().lock();
    // --json streams the array, so a large ledger is never held in memory.
    let mut first = true;
    if a.json {
        write!(out, "[")?;
    }
    for item in l.log().entries(start..end) {
        let (seq, bytes) = item?;
        let e = provledger::ledger::decode_entry(seq, &bytes)?;
        let signer = e.statement.signer().to_bytes();
        let signer_name = l.signer_name(&signer)?;
        let v = EntryView {
            seq,
            id: e.statement.id(),
            kind: e.statement.statement().body.kind(),
            signer: hex::encode(signer),
            signer_name,
            at: e.statement.statement().at,
            logged_at: e.leaf.logged_at,
            leaf_hash: e.leaf_hash,
        };
        if a.json {
            write!(out, "{}\n  ", if first { "" } else { "," })?;
            first = false;
            let item = json_text(&v)?;
            write!(out, "{}", item.replace('\n', "\n  "))?;
        } else {
            writeln!(
                out,
                "{:>6}  {}  {:<22} {:<20} {}",
                v.seq,
                super::render::short(&v.id),
                v.kind.as_str(),
                Esc(v.signer_name.as_deref().unwrap_or(&v.signer[..12])),
                super::output::time(v.logged_at)
            )?;
        }
    }
    if a.json {
        writeln!(out, "{}]", if first { "" } else { "\n" })?;
    }
    Ok(())
}
