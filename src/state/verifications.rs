//! Rules and table for `verification` and `verification.withdraw`.
//!
//! A verdict is bound to the revision it judged. That revision must belong
//! to the claim and say what the claim says now (the same proposition,
//! anchored text and attribution as its latest revision with text): a
//! verdict is never stale when it is signed. A removed or retracted claim
//! takes no new verdicts. A verdict is withdrawn once, by the key that
//! signed it.

use super::articles::digest;
use super::claims;
use super::limits::{opt_text, url, MAX_EVIDENCE, MAX_NOTE_CHARS};
use super::{refuse, short, Check, Entry, State, StateError};
use crate::digest::Digest;
use crate::statement::{Kind, Verification, VerificationWithdraw};
use rusqlite::{params, OptionalExtension};

/// What a checked verification statement will record.
pub(super) enum Plan {
    Verdict { claim: Digest },
    Withdraw { verification: Digest, claim: Digest },
}

/// Checks a `verification`.
pub(super) fn check(state: &State, entry: &Entry, v: &Verification) -> Result<Plan, Check> {
    let at = entry.statement.statement().at;
    let claim = claims::referenced(state, "claim", &v.claim, at)?;
    claims::not_retracted(&claim, "judged")?;
    if claim.removed {
        refuse!("verification.claim-removed",
            "claim {} was removed from its article (revision {}); there is no current text to judge",
            short(&claim.id),
            short(&claim.revision)
        );
    }
    state.reference(
        "revision",
        &v.revision,
        &[Kind::ClaimRecord, Kind::ClaimRevise],
        at,
    )?;
    let rev = claims::revision(state, &v.revision)?.ok_or_else(|| {
        StateError::Corrupt(format!("revision {} has no row", short(&v.revision)))
    })?;
    if rev.claim != claim.id {
        refuse!(
            "verification.revision-other-claim",
            "revision {} is not a revision of claim {} (it revises claim {})",
            short(&v.revision),
            short(&claim.id),
            short(&rev.claim)
        );
    }
    match rev.substance {
        None => refuse!("verification.revision-removed",
            "revision {} removed claim {}; judge a revision that has text",
            short(&v.revision),
            short(&claim.id)
        ),
        Some(s) if s != claim.substance => refuse!("verification.revision-outdated",
            "revision {} is out of date: claim {}'s text or attribution changed in revision {}; judge the current revision",
            short(&v.revision),
            short(&claim.id),
            short(&claim.content_revision)
        ),
        Some(_) => {}
    }
    if v.evidence.len() > MAX_EVIDENCE {
        refuse!(
            "verification.evidence-count",
            "evidence has {} items; at most {MAX_EVIDENCE} are allowed",
            v.evidence.len()
        );
    }
    for (i, e) in v.evidence.iter().enumerate() {
        url(&format!("evidence[{i}].url"), &e.url)?;
        opt_text(&format!("evidence[{i}].note"), &e.note, MAX_NOTE_CHARS)?;
    }
    opt_text("note", &v.note, MAX_NOTE_CHARS)?;
    Ok(Plan::Verdict { claim: claim.id })
}

/// Checks a `verification.withdraw`.
pub(super) fn check_withdraw(
    state: &State,
    entry: &Entry,
    w: &VerificationWithdraw,
) -> Result<Plan, Check> {
    let at = entry.statement.statement().at;
    let v = state.reference("verification", &w.verification, &[Kind::Verification], at)?;
    let signer = entry.statement.signer().to_bytes();
    if v.signer != signer {
        let who = match state.key(&v.signer)? {
            Some(k) => format!("{} ({})", k.name, k.display_name),
            None => hex::encode(v.signer),
        };
        refuse!(
            "verification.withdraw-signer",
            "verification {} was signed by {who}; only its own signer may withdraw it",
            short(&w.verification)
        );
    }
    let (claim, withdrawal): (Vec<u8>, Option<Vec<u8>>) = state
        .conn
        .prepare_cached("SELECT claim, withdrawal FROM verifications WHERE id = ?1")?
        .query_row([w.verification.0.as_slice()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .ok_or_else(|| {
            StateError::Corrupt(format!(
                "verification {} has no row",
                short(&w.verification)
            ))
        })?;
    if let Some(by) = withdrawal {
        refuse!(
            "verification.already-withdrawn",
            "verification {} is already withdrawn (by {})",
            short(&w.verification),
            short(&digest(by)?)
        );
    }
    super::limits::text("reason", &w.reason, MAX_NOTE_CHARS)?;
    Ok(Plan::Withdraw {
        verification: w.verification,
        claim: digest(claim)?,
    })
}

/// Records a checked verification statement.
pub(super) fn record(state: &State, entry: &Entry, plan: Plan) -> Result<(), StateError> {
    let st = entry.statement;
    let id = st.id();
    let at = st.statement().at as i64;
    let claim = match (plan, &st.statement().body) {
        (Plan::Verdict { claim }, crate::statement::Body::Verification(v)) => {
            let evidence =
                crate::cbor::to_vec(&v.evidence).map_err(|e| StateError::Corrupt(e.to_string()))?;
            state
                .conn
                .prepare_cached(
                    "INSERT INTO verifications (id, claim, revision, verdict, evidence, note, seq, at, signer)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?
                .execute(params![
                    id.0.as_slice(),
                    claim.0.as_slice(),
                    v.revision.0.as_slice(),
                    v.verdict.as_str(),
                    evidence,
                    v.note,
                    entry.seq as i64,
                    at,
                    st.signer().as_bytes().as_slice(),
                ])?;
            claim
        }
        (
            Plan::Withdraw {
                verification,
                claim,
            },
            crate::statement::Body::VerificationWithdraw(w),
        ) => {
            state
                .conn
                .prepare_cached(
                    "UPDATE verifications SET withdrawal = ?2, withdrawn_seq = ?3, withdrawn_at = ?4,
                            withdraw_reason = ?5
                     WHERE id = ?1",
                )?
                .execute(params![
                    verification.0.as_slice(),
                    id.0.as_slice(),
                    entry.seq as i64,
                    at,
                    w.reason
                ])?;
            claim
        }
        _ => unreachable!("verification plans match their statement's body"),
    };
    claims::refresh_status(state, &claim)
}
