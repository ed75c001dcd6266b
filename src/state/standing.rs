//! The status the index caches for each claim: rules 1 and 2 of
//! `crate::status` (which verdicts count, and the status they give), as
//! pure functions over verdict rows ([`VerdictRow`]).
//!
//! They live with the state because the state caches their answer (the
//! `claims.status` column that `claims --status` filters on) and refreshes
//! it whenever a verdict, a revision, a retraction or a revocation changes
//! it. `crate::status` builds its views on the same functions and
//! re-exports the types, so there is one definition of "counts".

use super::rows::VerdictRow;
use super::{State, StateError};
use crate::digest::Digest;
use crate::statement::Verdict;
use rusqlite::OptionalExtension;
use serde::Serialize;
use std::collections::HashMap;
use std::str::FromStr;

/// A claim's derived status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A `claim.retract` exists.
    Retracted,
    /// At least `quorum` counted verdicts support it, none refutes it.
    Verified,
    /// At least `quorum` counted verdicts refute it, none supports it.
    Refuted,
    /// Counted verdicts on both sides.
    Disputed,
    /// At least `quorum` counted verdicts, all `unverifiable`.
    Unverifiable,
    /// Some counted verdicts, none of the above.
    InReview,
    /// No counted verdict.
    Unreviewed,
}

impl Status {
    /// Every status, in the order README "Status" lists them.
    pub const ALL: &'static [Status] = &[
        Status::Retracted,
        Status::Verified,
        Status::Refuted,
        Status::Disputed,
        Status::Unverifiable,
        Status::InReview,
        Status::Unreviewed,
    ];

    /// The status's name (`in_review`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Retracted => "retracted",
            Status::Verified => "verified",
            Status::Refuted => "refuted",
            Status::Disputed => "disputed",
            Status::Unverifiable => "unverifiable",
            Status::InReview => "in_review",
            Status::Unreviewed => "unreviewed",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Status, String> {
        Status::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                let all: Vec<&str> = Status::ALL.iter().map(|v| v.as_str()).collect();
                format!("unknown status '{s}' (one of: {})", all.join(", "))
            })
    }
}

/// Decides the status from whether the claim is retracted, the quorum and
/// the verdicts that count (rule 2 of `crate::status`).
pub fn decide(retracted: bool, quorum: u64, counted: &[Verdict]) -> Status {
    if retracted {
        return Status::Retracted;
    }
    let n = |f: fn(&Verdict) -> bool| counted.iter().filter(|v| f(v)).count() as u64;
    let supporting = n(|v| v.supports());
    let refuting = n(|v| v.refutes());
    let unverifiable = n(|v| *v == Verdict::Unverifiable);
    let total = counted.len() as u64;
    if supporting > 0 && refuting > 0 {
        Status::Disputed
    } else if supporting >= quorum && refuting == 0 {
        Status::Verified
    } else if refuting >= quorum && supporting == 0 {
        Status::Refuted
    } else if total >= quorum && total > 0 && unverifiable == total {
        Status::Unverifiable
    } else if total > 0 {
        Status::InReview
    } else {
        Status::Unreviewed
    }
}

/// Where a verdict stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Its checker's latest, on the current text, by a key in good standing: counted.
    Current,
    /// Its checker's latest, but the text or attribution changed since: not counted.
    Stale,
    /// Its checker's latest, but signed by a key revoked as compromised at
    /// or before it: not counted.
    RevokedKey,
    /// Its checker's latest, but its key recorded or revised the claim
    /// (and the genesis policy does not allow self-review): not counted.
    SelfReview,
    /// Its checker signed a later verdict on the claim.
    Superseded,
    /// Its checker withdrew it.
    Withdrawn,
}

/// What a verdict's standing depends on (rule 1 of `crate::status`).
pub(crate) struct StandingInput<'a> {
    /// The checker's raw public key.
    pub key: &'a [u8],
    pub withdrawn: bool,
    /// Signed at or after its key's compromise point.
    pub key_void: bool,
    /// Its key recorded or revised the claim, and self-review does not count.
    pub self_review: bool,
    /// The substance of the revision it judged (none for a removal).
    pub substance: Option<&'a Digest>,
}

/// The standing of each of `verdicts` (one claim's verdict rows, in log
/// order) when the claim's current text has substance `current` (rule 1
/// of `crate::status`): each checker's latest verdict it has not
/// withdrawn stands, unless its key was compromised when it signed, it is
/// a self-review (and `allow_self_review` is false), or it judged other text.
pub(crate) fn standings(
    verdicts: &[VerdictRow],
    current: &Digest,
    allow_self_review: bool,
) -> Vec<Standing> {
    let inputs: Vec<StandingInput> = verdicts
        .iter()
        .map(|v| StandingInput {
            key: &v.key,
            withdrawn: v.withdrawal.is_some(),
            key_void: v.key_void,
            self_review: v.self_review && !allow_self_review,
            substance: v.substance.as_ref(),
        })
        .collect();
    standings_of(&inputs, current)
}

/// [`standings`] over just what they depend on.
pub(crate) fn standings_of(verdicts: &[StandingInput], current: &Digest) -> Vec<Standing> {
    let mut latest: HashMap<&[u8], usize> = HashMap::new();
    for (i, v) in verdicts.iter().enumerate() {
        if !v.withdrawn {
            latest.insert(v.key, i);
        }
    }
    verdicts
        .iter()
        .enumerate()
        .map(|(i, v)| {
            if v.withdrawn {
                Standing::Withdrawn
            } else if latest.get(v.key) != Some(&i) {
                Standing::Superseded
            } else if v.key_void {
                Standing::RevokedKey
            } else if v.self_review {
                Standing::SelfReview
            } else if v.substance != Some(current) {
                Standing::Stale
            } else {
                Standing::Current
            }
        })
        .collect()
}

/// The verdicts of `verdicts` whose standing is [`Standing::Current`].
pub(crate) fn counted<'a>(
    verdicts: impl IntoIterator<Item = (Verdict, &'a Standing)>,
) -> Vec<Verdict> {
    verdicts
        .into_iter()
        .filter(|(_, s)| **s == Standing::Current)
        .map(|(v, _)| v)
        .collect()
}

/// The SQL (over verification `v` and its signer's `keys` row `k`) of
/// whether the verdict was signed at or after its key's compromise point.
pub(crate) const KEY_VOID: &str = "(k.void_from_seq IS NOT NULL AND v.seq >= k.void_from_seq)";

/// The SQL (over verification `v`) of whether its signer recorded or
/// revised the claim it judges.
pub(crate) const SELF_REVIEW: &str =
    "EXISTS (SELECT 1 FROM revisions sr WHERE sr.claim = v.claim AND sr.signer = v.signer)";

/// The status of `claim` (a recorded claim) alone: what the index caches.
/// Reads only what the status depends on (one indexed query for the
/// claim, one for its verdicts), not the verdict rows `crate::status`
/// shows.
pub(crate) fn derive(state: &State, claim: &Digest) -> Result<Status, StateError> {
    let (substance, retracted): (Vec<u8>, bool) = state
        .conn
        .prepare_cached("SELECT substance, retraction IS NOT NULL FROM claims WHERE id = ?1")?
        .query_row([claim.0.as_slice()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| StateError::Corrupt(format!("claim {claim} has no row")))?;
    let substance = super::articles::digest(substance)?;
    type Row = (Vec<u8>, String, Option<Vec<u8>>, bool, bool, bool);
    let rows: Vec<Row> = state
        .conn
        .prepare_cached(&format!(
            "SELECT v.signer, v.verdict, r.substance, v.withdrawal IS NOT NULL, {KEY_VOID}, {SELF_REVIEW}
             FROM verifications v
             JOIN revisions r ON r.id = v.revision
             LEFT JOIN keys k ON k.pubkey = v.signer
             WHERE v.claim = ?1
             ORDER BY v.seq"
        ))?
        .query_map([claim.0.as_slice()], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let allow_self_review = state.allow_self_review()?;
    let mut verdicts = Vec::with_capacity(rows.len());
    let mut substances = Vec::with_capacity(rows.len());
    for (_, verdict, s, _, _, _) in &rows {
        verdicts.push(verdict.parse::<Verdict>().map_err(StateError::Corrupt)?);
        substances.push(s.clone().map(super::articles::digest).transpose()?);
    }
    let inputs: Vec<StandingInput> = rows
        .iter()
        .zip(&substances)
        .map(
            |((key, _, _, withdrawn, key_void, self_review), s)| StandingInput {
                key,
                withdrawn: *withdrawn,
                key_void: *key_void,
                self_review: *self_review && !allow_self_review,
                substance: s.as_ref(),
            },
        )
        .collect();
    let standings = standings_of(&inputs, &substance);
    let counted = counted(verdicts.into_iter().zip(&standings));
    Ok(decide(retracted, state.quorum()?, &counted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::rows::WithdrawalRow;

    fn d(b: u8) -> Digest {
        Digest([b; 32])
    }

    fn row(key: u8, verdict: Verdict, substance: u8) -> VerdictRow {
        VerdictRow {
            id: d(100 + key),
            key: vec![key; 32],
            checker: crate::state::Signer {
                key: format!("k{key}"),
                display_name: format!("checker {key}"),
                pubkey: hex::encode([key; 32]),
            },
            verdict,
            revision: d(substance),
            revision_number: 0,
            substance: Some(d(substance)),
            evidence: Vec::new(),
            note: None,
            seq: key as u64,
            at: 0,
            withdrawal: None,
            key_void: false,
            key_mode: None,
            self_review: false,
        }
    }

    #[test]
    fn each_checkers_latest_verdict_not_withdrawn_stands() {
        let mut rows = vec![
            row(1, Verdict::False, 7),
            row(2, Verdict::True, 7),
            row(1, Verdict::True, 7),
            row(3, Verdict::True, 8),
            row(4, Verdict::True, 7),
            row(4, Verdict::False, 7),
        ];
        rows[4].key_void = true;
        rows[5].key_void = true;
        rows[5].withdrawal = Some(WithdrawalRow {
            id: d(9),
            seq: 9,
            at: 0,
            reason: "typo".into(),
        });
        let s = standings(&rows, &d(7), false);
        assert_eq!(
            s,
            [
                Standing::Superseded,
                Standing::Current,
                Standing::Current,
                Standing::Stale,
                Standing::RevokedKey,
                Standing::Withdrawn,
            ]
        );
        let counted = counted(rows.iter().map(|v| v.verdict).zip(&s));
        assert_eq!(counted, [Verdict::True, Verdict::True]);
        assert_eq!(decide(false, 2, &counted), Status::Verified);
        assert_eq!(decide(false, 3, &counted), Status::InReview);
        assert_eq!(decide(true, 1, &counted), Status::Retracted);
    }
}
