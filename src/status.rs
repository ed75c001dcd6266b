//! A claim's derived status and corroboration (README "Status").
//!
//! Status is computed from the state, never stored as truth (the index
//! caches it for filtering and recomputes it whenever an input changes).
//! Anyone can recompute it from the ledger with these rules:
//!
//! 1. **Verdicts that count.** For each checker (signing key), take its
//!    latest verdict on the claim that it has not withdrawn (withdrawing the
//!    latest brings back the one before, if that was not withdrawn). Of
//!    these, a verdict does not count when (first match)
//!    - its key was revoked as compromised at or before it: from the
//!      revocation's `since_entry`, or the first entry logged at or after
//!      its `since_at`, or (no since, or a revocation without a mode) the
//!      key's first statement (listed as `revoked_key`). A retired key's
//!      verdicts count ([`KeyState`] marks them);
//!    - its key signed the claim's `claim.record` or a `claim.revise` of it,
//!      unless the genesis policy sets `allow_self_review` (listed as
//!      `self_review`);
//!    - it is **stale**: the revision it judged differs from the claim's
//!      current text in proposition, anchored text or attribution (listed
//!      as `stale`). Only those three matter: a revision that merely moves
//!      the claim to a newer article version (new positions, same words)
//!      leaves verdicts current. When the current revision removed the
//!      claim, the "current text" is that of the last revision with text,
//!      so a removed claim keeps the standing it had when it was dropped
//!      (and [`ClaimSummary::removed`] says so).
//! 2. **Status**, with `quorum` from the genesis policy, first match wins:
//!    - `retracted`: a `claim.retract` exists;
//!    - `disputed`: counted verdicts on both sides (some in {true,
//!      mostly_true}, some in {false, mostly_false, misleading});
//!    - `verified`: at least `quorum` counted verdicts in {true, mostly_true};
//!    - `refuted`: at least `quorum` counted verdicts in {false,
//!      mostly_false, misleading};
//!    - `unverifiable`: at least `quorum` counted verdicts, all `unverifiable`;
//!    - `in_review`: some counted verdicts;
//!    - `unreviewed`: none.
//!
//!    (`verified` and `refuted` require the other side to be empty, so the
//!    order of the first three does not matter.)
//! 3. **Corroboration.** Only links that count are read: not withdrawn
//!    (`claim.link.withdraw`), and not signed by a key revoked as
//!    compromised at or before them. The claims linked to this one by
//!    `corroborates` or `contradicts` (either direction) are grouped by
//!    **origin**: follow the claim's `cites` links to the end of the chain
//!    (a claim cites at most one claim; at most [`MAX_CITES_HOPS`] links are
//!    followed); the origin is that claim's attribution source, else its
//!    `relayed_by` source, else the outlet (publisher) itself. Sources
//!    joined by a `source.merge` or a same-person `source.relate` are one
//!    origin ([`Origin::same_as`]). Claims with the same origin, or joined
//!    directly by a `same_origin` link, form one group. A group is
//!    **independent** unless it shares the claim's own origin, and is
//!    counted when independent and holding a claim that is not retracted; a
//!    group is anonymous when all its origins are anonymous sources. Two
//!    reports that relay the same spokesperson (the same `source.record`)
//!    are one origin.
//!
//! A lookup is a fixed handful of indexed queries plus a few per linked
//! claim: it never scans the log or the claims.
//!
//! Rules 1 and 2 are pure functions over the state's verdict rows
//! (`state/standing.rs`, which the index's cached status uses too); rule 3
//! is in `status/corroboration.rs`, the verdict views in
//! `status/verdicts.rs`. The rows come from `state/rows.rs`: nothing here
//! reads the database itself.
//!
//! [`MAX_CITES_HOPS`]: crate::state::limits::MAX_CITES_HOPS

mod corroboration;
pub mod inputs;
mod require;
mod verdicts;

pub use crate::state::standing::{decide, Standing, Status};
pub use corroboration::{Corroboration, LinkedClaim, Origin, OriginGroup, OriginKind, Side};
pub use require::Requirement;
pub(crate) use verdicts::judgements;
pub use verdicts::{EvidenceView, Judgement, KeyState, Tally, Withdrawal};

use crate::digest::Digest;
use crate::state::{ClaimSummary, State, StateError};
use serde::Serialize;

/// Everything a newsroom tool asks about a claim.
#[derive(Clone, Debug, Serialize)]
pub struct ClaimStatus {
    /// The claim's status.
    pub status: Status,
    /// The verdict quorum from the genesis policy.
    pub quorum: u64,
    /// The claim as it stands now.
    pub claim: ClaimSummary,
    /// How its verdicts count.
    pub tally: Tally,
    /// Each checker's latest non-withdrawn verdict (standing current, stale,
    /// revoked_key or self_review), in log order.
    pub verdicts: Vec<Judgement>,
    /// The claims that corroborate or contradict it.
    pub corroboration: Corroboration,
}

/// The status, verdicts and corroboration of `claim` (a `claim.record`
/// id), or `None` if there is no such claim.
pub fn claim_status(state: &State, claim: &Digest) -> Result<Option<ClaimStatus>, StateError> {
    let Some(mut summary) = state.claim(claim)? else {
        return Ok(None);
    };
    let row = state
        .claim_row(claim)?
        .ok_or_else(|| StateError::Corrupt(format!("claim {claim} has no row")))?;
    let quorum = state.quorum()?;
    let verdicts: Vec<Judgement> = judgements(
        state.verdict_rows(claim)?,
        &row.substance,
        state.allow_self_review()?,
    )
    .into_iter()
    .filter(|j| {
        matches!(
            j.standing,
            Standing::Current | Standing::Stale | Standing::RevokedKey | Standing::SelfReview
        )
    })
    .collect();
    let tally = Tally::of(&verdicts);
    let status = decide(
        row.retraction.is_some(),
        quorum,
        &verdicts::counted(&verdicts),
    );
    summary.status = status;
    Ok(Some(ClaimStatus {
        status,
        quorum,
        claim: summary,
        tally,
        verdicts,
        corroboration: corroboration::corroboration(state, claim)?,
    }))
}
