//! `provledger show`: one statement, decoded.

use super::output::print_json;
use anyhow::Result;
use clap::Args;
use provledger::ledger::Ledger;
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
    let signer_name = super::output::signer_name(&l, &signer)?;
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
    println!("{} {}", st.body.kind(), e.statement.id());
    println!("entry      {}", r.seq);
    println!(
        "signed by  {} ({})",
        signer_name
            .as_deref()
            .unwrap_or("a key this ledger never granted"),
        hex::encode(signer)
    );
    println!("made       {}", super::output::time(st.at));
    println!("logged     {}", super::output::time(e.leaf.logged_at));
    println!("leaf hash  {}", e.leaf_hash);
    println!("{}", serde_json::to_string_pretty(&v["body"])?);
    Ok(())
}
