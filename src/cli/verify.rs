//! `provledger verify`: sign a verdict on a claim, or withdraw one.

use super::output::Signing;
use anyhow::Result;
use clap::{Args, Subcommand};
use provledger::digest::Digest;
use provledger::statement::{Body, Evidence, Kind, Verdict, Verification, VerificationWithdraw};
use std::path::Path;

/// Sign a verdict on a claim (as a checker), or withdraw one of yours.
///
/// A verdict is bound to the claim's current revision: if the claim's
/// proposition, passage or attribution is revised later, the verdict is
/// kept but marked stale and no longer counts towards the claim's status.
/// Verdicts: true, mostly_true, mixed, misleading, mostly_false, false,
/// unverifiable. Evidence: repeat --evidence for each URL; the n-th
/// --evidence-sha256 and --evidence-note belong to the n-th --evidence
/// (use "-" to skip one).
#[derive(Args, Debug)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    subcommand_help_heading = "Withdraw a verdict",
    override_usage = "provledger verify [OPTIONS] --verdict <VERDICT> --key <NAME.key> <CLAIM>\n       \
                      provledger verify withdraw [OPTIONS] --reason <REASON> --key <NAME.key> <VERIFICATION>"
)]
pub struct VerifyArgs {
    #[command(subcommand)]
    withdraw: Option<VerifyCommand>,
    /// The claim: its id (prefix).
    #[arg(required = true)]
    claim: Option<String>,
    /// The verdict.
    #[arg(long, required = true)]
    verdict: Option<Verdict>,
    /// A URL of evidence the verdict rests on (repeatable).
    #[arg(long = "evidence", value_name = "URL")]
    evidence: Vec<String>,
    /// SHA-256 (hex) of the captured evidence, for the --evidence in the
    /// same position ("-" for none).
    #[arg(long = "evidence-sha256", value_name = "HEX")]
    evidence_sha256: Vec<String>,
    /// What the evidence in the same position shows ("-" for none).
    #[arg(long = "evidence-note", value_name = "TEXT")]
    evidence_note: Vec<String>,
    /// Your explanation of the verdict.
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    signing: Signing,
}

#[derive(Subcommand, Debug)]
pub enum VerifyCommand {
    /// Withdraw one of your own verdicts (it stops counting; your previous
    /// verdict on the claim, if any and not withdrawn, counts again).
    Withdraw(WithdrawArgs),
}

#[derive(Args, Debug)]
pub struct WithdrawArgs {
    /// The verification: its id (prefix), as `status` and `history` list it.
    verification: String,
    /// Why you withdraw it.
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    signing: Signing,
}

pub fn run(ledger: &Path, a: VerifyArgs) -> Result<()> {
    if let Some(VerifyCommand::Withdraw(w)) = a.withdraw {
        return withdraw(ledger, w);
    }
    let (Some(claim), Some(verdict)) = (a.claim, a.verdict) else {
        return Err(super::Fail::Usage(
            "verify needs a CLAIM and --verdict (or: verify withdraw VERIFICATION)".into(),
        )
        .into());
    };
    // Before the work below: a verdict never defaults to the operator key.
    a.signing.require_key_for(Kind::Verification)?;
    if a.evidence_sha256.len() > a.evidence.len() || a.evidence_note.len() > a.evidence.len() {
        return Err(super::Fail::Usage(format!(
            "{} --evidence-sha256 and {} --evidence-note for {} --evidence: each belongs to the --evidence in the same position",
            a.evidence_sha256.len(),
            a.evidence_note.len(),
            a.evidence.len()
        ))
        .into());
    }
    let given = |v: Option<&String>| v.filter(|s| s.as_str() != "-").cloned();
    let mut evidence = Vec::with_capacity(a.evidence.len());
    for (i, url) in a.evidence.iter().enumerate() {
        let sha256 = match given(a.evidence_sha256.get(i)) {
            Some(h) => Some(
                Digest::from_hex(&h)
                    .map_err(|e| anyhow::anyhow!("--evidence-sha256 '{h}' (for {url}): {e}"))?,
            ),
            None => None,
        };
        evidence.push(Evidence {
            url: url.clone(),
            sha256,
            note: given(a.evidence_note.get(i)),
        });
    }
    // Resolved and appended on one writer handle: the verdict is bound to
    // the revision that is current when it lands.
    let mut w = a.signing.open(ledger, &[Kind::Verification])?;
    let claim = w.ledger.resolve(&claim, &[Kind::ClaimRecord])?.id;
    let revision = w.ledger.verdict_revision(&claim)?;
    w.append_one(Body::Verification(Verification {
        claim,
        revision,
        verdict,
        evidence,
        note: a.note,
    }))
}

fn withdraw(ledger: &Path, w: WithdrawArgs) -> Result<()> {
    w.signing.require_key_for(Kind::VerificationWithdraw)?;
    let mut writer = w.signing.open(ledger, &[Kind::VerificationWithdraw])?;
    let verification = writer
        .ledger
        .resolve(&w.verification, &[Kind::Verification])?
        .id;
    writer.append_one(Body::VerificationWithdraw(VerificationWithdraw {
        verification,
        reason: w.reason,
    }))
}
