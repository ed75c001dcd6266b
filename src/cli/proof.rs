//! `provledger proof`: inclusion and consistency proofs, and checking an
//! offline proof file.

use super::output::print_json;
use anyhow::{Context, Result};
use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use clap::{Args, Subcommand};
use provledger::keys;
use provledger::ledger::Ledger;
use provledger::proof::status::StatusProof;
use provledger::proof::TlogProof;
use provledger::statement::Kind;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Merkle proofs that tools can check offline.
#[derive(Subcommand, Debug)]
pub enum ProofCommand {
    /// Prove that a statement is in the ledger, under the current checkpoint.
    ///
    /// Any statement: a claim's record or one of its revisions, a verdict
    /// or its withdrawal, a link, a source, an article version, a key grant
    /// or revocation, the genesis.
    ///
    /// Prints a c2sp.org/tlog-proof (the leaf as extra data, the inclusion
    /// proof and the signed checkpoint), which `proof verify` or any
    /// tlog-proof reader checks with the operator's public key alone.
    Inclusion(InclusionArgs),
    /// Prove that the ledger at OLD_SIZE entries is a prefix of the ledger at
    /// NEW_SIZE (default: the current size): nothing was rewritten.
    Consistency(ConsistencyArgs),
    /// Prove a claim's status offline: every statement its status is
    /// derived from, each with its inclusion proof under the current
    /// checkpoint (schemas/status-proof.schema.json).
    ///
    /// The file holds the claim's record and revisions, its verdicts and
    /// their withdrawals, every key grant and revocation, the genesis
    /// policy, the links from or to the claim, the linked claims with what
    /// their origins are decided from, and the article texts the rules
    /// read. `proof verify FILE --operator KEY.pub` recomputes the status
    /// from the file alone. It proves what the file holds, not that
    /// nothing was left out (README "Status proof").
    Status(StatusProofArgs),
    /// Check an offline proof file with the operator's public key: a
    /// tlog-proof, or a status proof (`proof status`), whose status it
    /// recomputes and prints.
    Verify(VerifyArgs),
}

#[derive(Args, Debug)]
pub struct StatusProofArgs {
    /// The claim: its id (prefix, 6+ hex digits).
    claim: String,
    /// Write the proof to this file (conventionally *.status-proof.json)
    /// instead of stdout; a summary is then said on stderr.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct InclusionArgs {
    /// The statement id or a unique prefix (at least 6 hex digits), of any
    /// kind.
    id: String,
    /// Print JSON (schemas/inclusion-proof.schema.json) instead of the
    /// tlog-proof text.
    #[arg(long)]
    json: bool,
    /// Also write the tlog-proof to this file (conventionally *.tlog-proof).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ConsistencyArgs {
    /// The older tree size.
    old_size: u64,
    /// The newer tree size (default: the current size).
    new_size: Option<u64>,
    /// Print JSON (schemas/consistency-proof.schema.json).
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The tlog-proof file.
    file: PathBuf,
    /// The operator's public key file (its .pub).
    #[arg(long)]
    operator: PathBuf,
    /// Print JSON (schemas/proof-verify.schema.json; for a status proof,
    /// schemas/status-proof-verify.schema.json).
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct InclusionView {
    id: provledger::digest::Digest,
    index: u64,
    tree_size: u64,
    leaf_hash: provledger::digest::Digest,
    root: String,
    proof: Vec<String>,
    checkpoint: String,
    leaf: String,
}

#[derive(Serialize)]
struct ConsistencyView {
    old_size: u64,
    new_size: u64,
    old_root: String,
    new_root: String,
    proof: Vec<String>,
}

#[derive(Serialize)]
struct VerifiedView {
    ok: bool,
    origin: String,
    tree_size: u64,
    index: u64,
    id: provledger::digest::Digest,
    kind: provledger::statement::Kind,
    statement: serde_json::Value,
}

pub fn run(ledger: &Path, cmd: ProofCommand) -> Result<ExitCode> {
    match cmd {
        ProofCommand::Inclusion(a) => inclusion(ledger, &a),
        ProofCommand::Consistency(a) => consistency(ledger, &a),
        ProofCommand::Status(a) => status(ledger, &a),
        ProofCommand::Verify(a) => verify(&a),
    }
}

/// `proof status`.
fn status(ledger: &Path, a: &StatusProofArgs) -> Result<ExitCode> {
    let l = Ledger::open(ledger)?;
    let id = l.resolve(&a.claim, &[Kind::ClaimRecord])?.id;
    let proof = provledger::proof::status::collect(&l, &id)?;
    let bytes = proof.to_bytes();
    match &a.out {
        Some(file) => {
            std::fs::write(file, &bytes)
                .with_context(|| format!("cannot write {}", file.display()))?;
            super::output::say!(
                "wrote {}: {} statements and {} article texts under the checkpoint of tree size {}",
                file.display(),
                proof.entries.len(),
                proof.blobs.len(),
                l.size()
            );
        }
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// What `proof verify --json` prints for a status proof.
#[derive(Serialize)]
struct StatusVerifiedView<'a> {
    ok: bool,
    origin: &'a str,
    tree_size: u64,
    statements: usize,
    /// What the check cannot establish.
    complete: &'static str,
    status: &'a provledger::status::ClaimStatus,
}

/// Says what a checked status proof does not prove.
const NOT_COMPLETE: &str = "not proven: that the file leaves out no later statement (verdict, withdrawal, revocation, revision, retraction or link) of the log at that checkpoint";

/// `proof verify` of a status proof: exit 3 when it does not check out.
fn verify_status(a: &VerifyArgs, operator: &keys::PublicKey, bytes: &[u8]) -> Result<ExitCode> {
    let proven = match StatusProof::parse(bytes).and_then(|p| p.verify(operator)) {
        Ok(p) => p,
        Err(e) => {
            return Ok(super::error::no(&format!(
                "status proof {} does not check out: {e}",
                a.file.display()
            )))
        }
    };
    if a.json {
        print_json(&StatusVerifiedView {
            ok: true,
            origin: &proven.origin,
            tree_size: proven.tree_size,
            statements: proven.statements,
            complete: NOT_COMPLETE,
            status: &proven.status,
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "ok: status of claim {} recomputed from {} statements of {} (tree size {})",
            proven.status.claim.id,
            proven.statements,
            super::render::Esc(&proven.origin),
            proven.tree_size
        )?;
        writeln!(out, "{NOT_COMPLETE}")?;
        writeln!(out)?;
    }
    super::status::print_status(&proven.status, super::render::Style::detect())?;
    Ok(ExitCode::SUCCESS)
}

/// `proof inclusion`.
fn inclusion(ledger: &Path, a: &InclusionArgs) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let l = Ledger::open(ledger)?;
    let r = l.resolve(&a.id, &[])?;
    let p = l.inclusion_proof(r.seq)?;
    if let Some(file) = &a.out {
        std::fs::write(file, p.to_text())
            .with_context(|| format!("cannot write {}", file.display()))?;
    }
    if a.json {
        let leaf = p.extra.clone().unwrap_or_default();
        print_json(&InclusionView {
            id: r.id,
            index: p.index,
            tree_size: l.size(),
            leaf_hash: provledger::log::Leaf::hash_bytes(&leaf),
            root: BASE64.encode(l.log().root().0),
            proof: p.hashes.iter().map(|h| BASE64.encode(h.0)).collect(),
            checkpoint: String::from_utf8_lossy(&p.checkpoint).into_owned(),
            leaf: BASE64.encode(&leaf),
        })?;
    } else {
        write!(out, "{}", p.to_text())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `proof consistency`.
fn consistency(ledger: &Path, a: &ConsistencyArgs) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let l = Ledger::open(ledger)?;
    let new = a.new_size.unwrap_or(l.size());
    let proof = l.log().consistency_proof(a.old_size, new)?;
    let view = ConsistencyView {
        old_size: a.old_size,
        new_size: new,
        old_root: BASE64.encode(l.log().root_at(a.old_size)?.0),
        new_root: BASE64.encode(l.log().root_at(new)?.0),
        proof: proof.iter().map(|h| BASE64.encode(h.0)).collect(),
    };
    if a.json {
        print_json(&view)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "old {} {}", view.old_size, view.old_root)?;
    writeln!(out, "new {} {}", view.new_size, view.new_root)?;
    for h in view.proof {
        writeln!(out, "{h}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `proof verify`: exit 3 when the proof does not check out.
fn verify(a: &VerifyArgs) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let operator = keys::load_public_key(&a.operator)?;
    let text = provledger::log::read_bounded(
        &a.file,
        provledger::proof::status::MAX_STATUS_PROOF_BYTES,
        "the proof file",
    )?;
    // A status proof is JSON; a tlog-proof starts with its header line.
    if text.first() == Some(&b'{') {
        return verify_status(a, &operator, &text);
    }
    let max = provledger::proof::MAX_PROOF_BYTES;
    if text.len() > max {
        anyhow::bail!(
            "the proof file {} is larger than {max} bytes, the most it may hold",
            a.file.display()
        );
    }
    // A proof that does not check out is an answer ("no", exit 3),
    // not a failure to run (exit 1).
    let proven = match TlogProof::parse(&text).and_then(|p| p.verify(&operator)) {
        Ok(proven) => proven,
        Err(e) => {
            return Ok(super::error::no(&format!(
                "proof {} does not check out: {e}",
                a.file.display()
            )))
        }
    };
    let st = proven.statement.statement();
    let view = VerifiedView {
        ok: true,
        origin: proven.checkpoint.origin.clone(),
        tree_size: proven.checkpoint.size,
        index: proven.leaf.seq,
        id: proven.statement.id(),
        kind: st.body.kind(),
        statement: st.to_json(),
    };
    if a.json {
        print_json(&view)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "ok: {} {} is entry {} of {} (tree size {})",
        view.kind,
        view.id,
        view.index,
        super::render::Esc(&view.origin),
        view.tree_size
    )?;
    Ok(ExitCode::SUCCESS)
}
