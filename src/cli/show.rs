//! `provledger show`: one statement, decoded.

use super::output::{json_text, print_json};
use super::render::Esc;
use anyhow::Result;
use clap::Args;
use provledger::ledger::Ledger;
use std::io::Write;
use std::path::Path;

/// Show one statement, decoded, with where it sits in the log.
#[derive(Args, Debug)]
pub struct ShowArgs {
    /// The statement id, or a unique prefix of it (at least 6 hex digits).
    id: String,
    /// Print JSON (schemas/statement.schema.json).
    #[arg(long)]
    json: bool,
}

pub fn run(ledger: &Path, a: ShowArgs) -> Result<()> {
    let l = Ledger::open(ledger)?;
    let r = l.resolve(&a.id, &[])?;
    let e = l.entry(r.seq)?;
    let st = e.statement.statement();
    let signer = e.statement.signer().to_bytes();
    let signer_name = l.signer_name(&signer)?;
    let mut v = st.to_json();
    let obj = v.as_object_mut().expect("to_json gives an object");
    obj.insert("id".into(), e.statement.id().to_hex().into());
    obj.insert("seq".into(), r.seq.into());
    obj.insert("logged_at".into(), e.leaf.logged_at.into());
    obj.insert("leaf_hash".into(), e.leaf_hash.to_hex().into());
    obj.insert("signer".into(), hex::encode(signer).into());
    obj.insert("signer_name".into(), signer_name.clone().into());
    if a.json {
        return print_json(&v);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} {}", st.body.kind(), e.statement.id())?;
    writeln!(out, "entry      {}", r.seq)?;
    writeln!(
        out,
        "signed by  {} ({})",
        Esc(signer_name
            .as_deref()
            .unwrap_or("a key this ledger never granted")),
        hex::encode(signer)
    )?;
    writeln!(out, "made       {}", super::output::time(st.at))?;
    writeln!(out, "logged     {}", super::output::time(e.leaf.logged_at))?;
    writeln!(out, "leaf hash  {}", e.leaf_hash)?;
    writeln!(out, "{}", json_text(&v["body"])?)?;
    Ok(())
}
