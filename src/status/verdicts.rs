//! Verdicts as shown: each with its standing (rule 1), and the tally of
//! those that stand. Pure functions over the state's verdict rows.

use crate::digest::Digest;
use crate::state::rows::VerdictRow;
use crate::state::standing::{self, Standing};
use crate::state::Signer;
use crate::statement::Verdict;
use serde::Serialize;

/// One piece of evidence, as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EvidenceView {
    /// Where the evidence is.
    pub url: String,
    /// SHA-256 of the captured evidence, hex.
    pub sha256: Option<Digest>,
    /// What it shows.
    pub note: Option<String>,
}

/// A withdrawal of a verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Withdrawal {
    /// The `verification.withdraw` id.
    pub id: Digest,
    /// Log index of the withdrawal.
    pub seq: u64,
    /// Statement time of the withdrawal.
    pub at: u64,
    /// Why it was withdrawn.
    pub reason: String,
}

/// Where a verdict's signing key stands now (a mark beside the verdict;
/// whether the verdict counts is its [`Standing`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyState {
    /// Granted and not revoked.
    Active,
    /// Revoked as retired: its verdicts keep counting.
    Retired,
    /// Revoked as compromised: its verdicts from the compromise on do not
    /// count (standing `revoked_key`); earlier ones do.
    Compromised,
}

/// A verdict on a claim and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Judgement {
    /// The `verification` id.
    pub id: Digest,
    /// Who signed it.
    pub checker: Signer,
    /// What it says.
    pub verdict: Verdict,
    /// The ClaimReview rating (5 true … 1 false; none for unverifiable).
    pub rating: Option<u8>,
    /// The revision it judged.
    pub revision: Digest,
    /// The judged revision's number (0 = as first recorded).
    pub revision_number: u64,
    /// The judged revision's text or attribution differs from the claim's current one.
    pub stale: bool,
    /// Whether it counts, and if not why.
    pub standing: Standing,
    /// Where its key stands now: active, retired or compromised.
    pub key_state: KeyState,
    /// The evidence it cites.
    pub evidence: Vec<EvidenceView>,
    /// The checker's note.
    pub note: Option<String>,
    /// Log index of the verdict.
    pub seq: u64,
    /// Statement time of the verdict.
    pub at: u64,
    /// Set when withdrawn.
    pub withdrawal: Option<Withdrawal>,
}

/// How many counted verdicts fall where.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// true, mostly_true.
    pub supporting: u64,
    /// false, mostly_false, misleading.
    pub refuting: u64,
    /// mixed.
    pub mixed: u64,
    /// unverifiable.
    pub unverifiable: u64,
    /// Latest verdicts not counted because stale.
    pub stale: u64,
    /// Latest verdicts not counted because their key was compromised when
    /// they were signed.
    pub revoked_key: u64,
    /// Latest verdicts not counted because their checker recorded or
    /// revised the claim.
    pub self_review: u64,
}

impl Tally {
    /// The tally of `verdicts` (each checker's latest, as
    /// [`super::ClaimStatus::verdicts`] lists them).
    pub(crate) fn of(verdicts: &[Judgement]) -> Tally {
        let mut tally = Tally::default();
        for j in verdicts {
            match j.standing {
                Standing::Stale => tally.stale += 1,
                Standing::RevokedKey => tally.revoked_key += 1,
                Standing::SelfReview => tally.self_review += 1,
                _ if j.verdict.supports() => tally.supporting += 1,
                _ if j.verdict.refutes() => tally.refuting += 1,
                _ if j.verdict == Verdict::Mixed => tally.mixed += 1,
                _ => tally.unverifiable += 1,
            }
        }
        tally
    }
}

/// `rows` (every verdict on a claim, in log order) as shown, each with its
/// standing when the claim's current text has substance `current`
/// (self-reviews counting only if `allow_self_review`).
pub(crate) fn judgements(
    rows: Vec<VerdictRow>,
    current: &Digest,
    allow_self_review: bool,
) -> Vec<Judgement> {
    let standings = standing::standings(&rows, current, allow_self_review);
    rows.into_iter()
        .zip(standings)
        .map(|(r, standing)| Judgement {
            id: r.id,
            stale: r.stale(current),
            checker: r.checker,
            rating: r.verdict.rating(),
            verdict: r.verdict,
            revision: r.revision,
            revision_number: r.revision_number,
            standing,
            key_state: match r.key_mode {
                None => KeyState::Active,
                Some(crate::statement::RevokeMode::Retired) => KeyState::Retired,
                Some(crate::statement::RevokeMode::Compromised) => KeyState::Compromised,
            },
            evidence: r
                .evidence
                .into_iter()
                .map(|e| EvidenceView {
                    url: e.url,
                    sha256: e.sha256,
                    note: e.note,
                })
                .collect(),
            note: r.note,
            seq: r.seq,
            at: r.at,
            withdrawal: r.withdrawal.map(|w| Withdrawal {
                id: w.id,
                seq: w.seq,
                at: w.at,
                reason: w.reason,
            }),
        })
        .collect()
}

/// The verdicts of `js` that count.
pub(crate) fn counted(js: &[Judgement]) -> Vec<Verdict> {
    standing::counted(js.iter().map(|j| (j.verdict, &j.standing)))
}
