//! JSON Lines of every statement in the log, decoded, one object a line
//! (schemas/export-jsonl.schema.json), oldest first: its id, log index,
//! kind, statement time, when the log sequenced it, leaf hash, signer (raw
//! public key and the name the ledger knows it by) and body, byte strings
//! as lowercase hex, as `provledger show --json` shows one statement. The
//! log is streamed: a large ledger is never held in memory.

use super::{ExportError, Progress};
use crate::ledger::{decode_entry, Ledger};
use serde_json::json;
use std::collections::HashMap;
use std::io::Write;

/// Writes every statement of `ledger` to `out`, one JSON object a line.
pub fn write(
    ledger: &Ledger,
    out: &mut dyn Write,
    progress: &dyn Fn(Progress),
) -> Result<(), ExportError> {
    let size = ledger.size();
    progress(Progress::Total(size));
    let io = |source| ExportError::Write {
        path: "output".into(),
        source,
    };
    let mut names: HashMap<[u8; 32], Option<String>> = HashMap::new();
    for item in ledger.log().entries(0..size) {
        let (seq, bytes) = item.map_err(crate::ledger::LedgerError::from)?;
        let e = decode_entry(seq, &bytes)?;
        let signer = e.statement.signer().to_bytes();
        let name = match names.get(&signer) {
            Some(n) => n.clone(),
            None => {
                let n = ledger.signer_name(&signer)?;
                names.insert(signer, n.clone());
                n
            }
        };
        let st = e.statement.statement().to_json();
        let line = json!({
            "id": e.statement.id().to_hex(),
            "index": seq,
            "kind": st["kind"],
            "at": st["at"],
            "logged_at": e.leaf.logged_at,
            "leaf_hash": e.leaf_hash.to_hex(),
            "signer": {"key": hex::encode(signer), "name": name},
            "body": st["body"],
        });
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n").map_err(io)?;
        progress(Progress::Done);
    }
    Ok(())
}
