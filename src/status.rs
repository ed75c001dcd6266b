//! A claim's derived status and corroboration (DESIGN.md §3).
//!
//! Status is computed from the state, never stored as truth (the index
//! caches it for filtering and recomputes it whenever an input changes).
//! Anyone can recompute it from the ledger with these rules:
//!
//! 1. **Verdicts that count.** For each checker (signing key), take its
//!    latest verdict on the claim that it has not withdrawn (withdrawing the
//!    latest brings back the one before, if that was not withdrawn). Of
//!    these, a verdict does not count when
//!    - its checker's key has been revoked, at any time: a revocation says
//!      the key can no longer be trusted, and we cannot tell which of its
//!      verdicts were made before a compromise (listed as `revoked_key`);
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
//! 3. **Corroboration.** The claims linked to this one by `corroborates` or
//!    `contradicts` (either direction) are grouped by **origin**: follow
//!    the claim's `cites` links to the end of the chain (a claim cites at
//!    most one claim; at most [`MAX_CITES_HOPS`] links are followed); the
//!    origin is that claim's attribution source, else its `relayed_by`
//!    source, else the outlet (publisher) itself. Claims with the same
//!    origin, or joined directly by a `same_origin` link, form one group.
//!    A group is **independent** unless it shares the claim's own origin,
//!    and is counted when independent and holding a claim that is not
//!    retracted; a group is anonymous when all its origins are anonymous
//!    sources. Two reports that relay the same spokesperson (the same
//!    `source.record`) are one origin.
//!
//! A lookup is a fixed handful of indexed queries plus a few per linked
//! claim: it never scans the log or the claims.

use crate::digest::Digest;
use crate::state::claims::{self, ClaimRow};
use crate::state::limits::MAX_CITES_HOPS;
use crate::state::query::{content, hex, hex_opt, signer};
use crate::state::{links, ClaimSummary, Signer, SourceRef, State, StateError};
use crate::statement::{Evidence, Relation, Verdict};
use rusqlite::OptionalExtension;
use serde::Serialize;
use std::collections::HashMap;
use std::str::FromStr;

/// A claim's derived status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Retracted,
    Verified,
    Refuted,
    Disputed,
    Unverifiable,
    InReview,
    Unreviewed,
}

impl Status {
    /// Every status, in the order DESIGN.md §3 lists them.
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
/// the verdicts that count (rule 2 above).
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
    /// Its checker's latest, but the key was revoked: not counted.
    RevokedKey,
    /// Its checker signed a later verdict on the claim.
    Superseded,
    /// Its checker withdrew it.
    Withdrawn,
}

/// One piece of evidence, as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EvidenceView {
    pub url: String,
    /// SHA-256 of the captured evidence, hex.
    #[serde(serialize_with = "hex_opt")]
    pub sha256: Option<Digest>,
    pub note: Option<String>,
}

/// A withdrawal of a verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Withdrawal {
    /// The `verification.withdraw` id.
    #[serde(serialize_with = "hex")]
    pub id: Digest,
    pub seq: u64,
    pub at: u64,
    pub reason: String,
}

/// A verdict on a claim and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Judgement {
    /// The `verification` id.
    #[serde(serialize_with = "hex")]
    pub id: Digest,
    /// Who signed it.
    pub checker: Signer,
    pub verdict: Verdict,
    /// The ClaimReview rating (5 true … 1 false; none for unverifiable).
    pub rating: Option<u8>,
    /// The revision it judged.
    #[serde(serialize_with = "hex")]
    pub revision: Digest,
    /// The judged revision's number (0 = as first recorded).
    pub revision_number: u64,
    /// The judged revision's text or attribution differs from the claim's current one.
    pub stale: bool,
    pub standing: Standing,
    pub evidence: Vec<EvidenceView>,
    pub note: Option<String>,
    pub seq: u64,
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
    pub mixed: u64,
    pub unverifiable: u64,
    /// Latest verdicts not counted because stale.
    pub stale: u64,
    /// Latest verdicts not counted because their key was revoked.
    pub revoked_key: u64,
}

/// What kind of thing an origin is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OriginKind {
    /// A recorded source.
    Source,
    /// The outlet's own assertion.
    Outlet,
}

/// Where a claim ultimately comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub kind: OriginKind,
    /// The source, for kind `source`.
    pub source: Option<SourceRef>,
    /// The publisher, for kind `outlet`.
    pub outlet: Option<String>,
    /// An anonymous source (anonymous_person or anonymous_group).
    pub anonymous: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum OriginKey {
    Source(Digest),
    Outlet(String),
}

impl Origin {
    fn key(&self) -> OriginKey {
        match (&self.source, &self.outlet) {
            (Some(s), _) => OriginKey::Source(s.id),
            (None, o) => OriginKey::Outlet(o.as_deref().unwrap_or("").trim().to_lowercase()),
        }
    }

    /// A short description for people ("Zabihullah Mujahid", "diplomatic
    /// sources", "The Sunday Guardian (own reporting)").
    pub fn label(&self) -> String {
        match (&self.source, &self.outlet) {
            (Some(s), _) => s.name.clone().unwrap_or_else(|| s.label.clone()),
            (None, o) => format!("{} (own reporting)", o.as_deref().unwrap_or("the outlet")),
        }
    }
}

/// A claim linked to the one looked up.
#[derive(Clone, Debug, Serialize)]
pub struct LinkedClaim {
    #[serde(serialize_with = "hex")]
    pub claim: Digest,
    /// The `claim.link` id.
    #[serde(serialize_with = "hex")]
    pub link: Digest,
    pub relation: Relation,
    pub proposition: String,
    pub publisher: String,
    /// The linked claim's own origin.
    pub origin: Origin,
    pub retracted: bool,
    pub removed: bool,
}

/// Linked claims that share an origin (or are joined by `same_origin`).
#[derive(Clone, Debug, Serialize)]
pub struct OriginGroup {
    /// The distinct origins of the group's claims (more than one only when
    /// `same_origin` links join them).
    pub origins: Vec<Origin>,
    /// Not the claim's own origin.
    pub independent: bool,
    /// Every origin in the group is an anonymous source.
    pub anonymous: bool,
    /// Counted: independent, with a claim that is not retracted.
    pub counted: bool,
    pub claims: Vec<LinkedClaim>,
}

/// The linked claims on one side, grouped by origin.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Side {
    /// Counted groups.
    pub independent_origins: u64,
    /// Counted groups with a named origin.
    pub named: u64,
    /// Counted groups whose origins are all anonymous.
    pub anonymous: u64,
    pub groups: Vec<OriginGroup>,
}

/// The claims that corroborate or contradict a claim, by independent origin.
#[derive(Clone, Debug, Serialize)]
pub struct Corroboration {
    /// The claim's own origin.
    pub origin: Origin,
    pub corroborating: Side,
    pub contradicting: Side,
}

/// Everything a newsroom tool asks about a claim.
#[derive(Clone, Debug, Serialize)]
pub struct ClaimStatus {
    pub status: Status,
    /// The verdict quorum from the genesis policy.
    pub quorum: u64,
    pub claim: ClaimSummary,
    pub tally: Tally,
    /// Each checker's latest non-withdrawn verdict (standing current, stale
    /// or revoked_key), in log order.
    pub verdicts: Vec<Judgement>,
    pub corroboration: Corroboration,
}

/// Every verdict on the claim in log order, with its standing.
pub(crate) fn judgements(state: &State, claim: &ClaimRow) -> Result<Vec<Judgement>, StateError> {
    let mut stmt = state.conn().prepare_cached(
        "SELECT v.id, v.signer, v.verdict, v.revision, r.number, r.substance, v.evidence, v.note,
                v.seq, v.at, v.withdrawal, v.withdrawn_seq, v.withdrawn_at, v.withdraw_reason,
                k.revoked_seq
         FROM verifications v
         JOIN revisions r ON r.id = v.revision
         LEFT JOIN keys k ON k.pubkey = v.signer
         WHERE v.claim = ?1
         ORDER BY v.seq",
    )?;
    let mut rows = stmt.query([claim.id.0.as_slice()])?;
    let mut out = Vec::new();
    let mut keys: Vec<(Vec<u8>, bool)> = Vec::new();
    while let Some(r) = rows.next()? {
        let key: Vec<u8> = r.get(1)?;
        let verdict: String = r.get(2)?;
        let verdict: Verdict = verdict.parse().map_err(StateError::Corrupt)?;
        let substance: Option<Vec<u8>> = r.get(5)?;
        let evidence: Vec<u8> = r.get(6)?;
        let evidence: Vec<Evidence> = crate::cbor::from_slice(&evidence)
            .map_err(|e| StateError::Corrupt(format!("evidence: {e}")))?;
        let withdrawal = match r.get::<_, Option<Vec<u8>>>(10)? {
            Some(id) => Some(Withdrawal {
                id: digest(id)?,
                seq: r.get::<_, i64>(11)? as u64,
                at: r.get::<_, i64>(12)? as u64,
                reason: r.get(13)?,
            }),
            None => None,
        };
        let revoked = r.get::<_, Option<i64>>(14)?.is_some();
        out.push(Judgement {
            id: digest(r.get(0)?)?,
            checker: signer(state, &key)?,
            rating: verdict.rating(),
            verdict,
            revision: digest(r.get(3)?)?,
            revision_number: r.get::<_, i64>(4)? as u64,
            stale: substance.as_deref() != Some(claim.substance.0.as_slice()),
            standing: Standing::Current,
            evidence: evidence
                .into_iter()
                .map(|e| EvidenceView {
                    url: e.url,
                    sha256: e.sha256,
                    note: e.note,
                })
                .collect(),
            note: r.get(7)?,
            seq: r.get::<_, i64>(8)? as u64,
            at: r.get::<_, i64>(9)? as u64,
            withdrawal,
        });
        keys.push((key, revoked));
    }
    // Each checker's latest non-withdrawn verdict.
    let mut latest: HashMap<&[u8], usize> = HashMap::new();
    for (i, j) in out.iter().enumerate() {
        if j.withdrawal.is_none() {
            latest.insert(keys[i].0.as_slice(), i);
        }
    }
    let latest: HashMap<Vec<u8>, usize> =
        latest.into_iter().map(|(k, i)| (k.to_vec(), i)).collect();
    for (i, j) in out.iter_mut().enumerate() {
        let (key, revoked) = &keys[i];
        j.standing = if j.withdrawal.is_some() {
            Standing::Withdrawn
        } else if latest.get(key) != Some(&i) {
            Standing::Superseded
        } else if *revoked {
            Standing::RevokedKey
        } else if j.stale {
            Standing::Stale
        } else {
            Standing::Current
        };
    }
    Ok(out)
}

fn digest(b: Vec<u8>) -> Result<Digest, StateError> {
    Digest::from_slice(&b).ok_or_else(|| StateError::Corrupt("an id is not 32 bytes".into()))
}

fn counted(js: &[Judgement]) -> Vec<Verdict> {
    js.iter()
        .filter(|j| j.standing == Standing::Current)
        .map(|j| j.verdict)
        .collect()
}

/// The status of `claim` alone (what the index caches).
pub(crate) fn derive(state: &State, claim: &Digest) -> Result<Status, StateError> {
    let row = claims::row(state, claim)?
        .ok_or_else(|| StateError::Corrupt(format!("claim {claim} has no row")))?;
    let js = judgements(state, &row)?;
    Ok(decide(
        row.retraction.is_some(),
        state.quorum()?,
        &counted(&js),
    ))
}

/// The status, verdicts and corroboration of `claim` (a `claim.record`
/// id), or `None` if there is no such claim.
pub fn claim_status(state: &State, claim: &Digest) -> Result<Option<ClaimStatus>, StateError> {
    let Some(mut summary) = state.claim(claim)? else {
        return Ok(None);
    };
    let row = claims::row(state, claim)?
        .ok_or_else(|| StateError::Corrupt(format!("claim {claim} has no row")))?;
    let quorum = state.quorum()?;
    let verdicts: Vec<Judgement> = judgements(state, &row)?
        .into_iter()
        .filter(|j| {
            matches!(
                j.standing,
                Standing::Current | Standing::Stale | Standing::RevokedKey
            )
        })
        .collect();
    let mut tally = Tally::default();
    for j in &verdicts {
        match j.standing {
            Standing::Stale => tally.stale += 1,
            Standing::RevokedKey => tally.revoked_key += 1,
            _ if j.verdict.supports() => tally.supporting += 1,
            _ if j.verdict.refutes() => tally.refuting += 1,
            _ if j.verdict == Verdict::Mixed => tally.mixed += 1,
            _ => tally.unverifiable += 1,
        }
    }
    let status = decide(row.retraction.is_some(), quorum, &counted(&verdicts));
    summary.status = status;
    Ok(Some(ClaimStatus {
        status,
        quorum,
        claim: summary,
        tally,
        verdicts,
        corroboration: corroboration(state, claim)?,
    }))
}

/// The origin of `claim`: rule 3 above.
pub fn origin(state: &State, claim: &Digest) -> Result<Origin, StateError> {
    let mut end = *claim;
    for _ in 0..MAX_CITES_HOPS {
        match links::cited_by(state, &end)? {
            Some((next, _)) => end = next,
            None => break,
        }
    }
    let (source, relayed_by, publisher): (Option<Vec<u8>>, Option<Vec<u8>>, String) = state
        .conn()
        .prepare_cached(
            "SELECT c.source, c.relayed_by, a.publisher
             FROM claims c JOIN articles a ON a.id = c.article WHERE c.id = ?1",
        )?
        .query_row([end.0.as_slice()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?
        .ok_or_else(|| StateError::Corrupt(format!("claim {end} has no row")))?;
    Ok(match source.or(relayed_by) {
        Some(s) => {
            let s = state.source_ref(&digest(s)?)?;
            Origin {
                kind: OriginKind::Source,
                anonymous: s.kind.is_anonymous(),
                source: Some(s),
                outlet: None,
            }
        }
        None => Origin {
            kind: OriginKind::Outlet,
            source: None,
            outlet: Some(publisher),
            anonymous: false,
        },
    })
}

/// A minimal union-find over the claims of one lookup.
struct Groups(Vec<usize>);

impl Groups {
    fn root(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }
    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        if a != b {
            self.0[a.max(b)] = a.min(b);
        }
    }
}

/// The corroboration of `claim`: rule 3 above.
pub fn corroboration(state: &State, claim: &Digest) -> Result<Corroboration, StateError> {
    let mut stmt = state.conn().prepare_cached(
        "SELECT id, to_claim, relation, seq FROM links
           WHERE from_claim = ?1 AND relation IN ('corroborates', 'contradicts')
         UNION ALL
         SELECT id, from_claim, relation, seq FROM links
           WHERE to_claim = ?1 AND relation IN ('corroborates', 'contradicts')
         ORDER BY seq",
    )?;
    let linked: Vec<(Vec<u8>, Vec<u8>, String)> = stmt
        .query_map([claim.0.as_slice()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<Result<_, _>>()?;
    // Index 0 is the claim itself; the others are its linked claims.
    let own = origin(state, claim)?;
    let mut ids = vec![*claim];
    let mut origins = vec![own.clone()];
    let mut members = Vec::new();
    for (link, other, relation) in linked {
        let other = digest(other)?;
        let (content_bytes, retracted, removed, publisher): (Vec<u8>, bool, bool, String) = state
            .conn()
            .prepare_cached(
                "SELECT c.content, c.retraction IS NOT NULL, c.removed, a.publisher
                 FROM claims c JOIN articles a ON a.id = c.article WHERE c.id = ?1",
            )?
            .query_row([other.0.as_slice()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
        let o = origin(state, &other)?;
        ids.push(other);
        origins.push(o.clone());
        members.push(LinkedClaim {
            claim: other,
            link: digest(link)?,
            relation: relation.parse().map_err(StateError::Corrupt)?,
            proposition: content(&content_bytes)?.proposition,
            publisher,
            origin: o,
            retracted,
            removed,
        });
    }
    let mut groups = Groups((0..ids.len()).collect());
    let mut first_with_key: HashMap<OriginKey, usize> = HashMap::new();
    for (i, o) in origins.iter().enumerate() {
        match first_with_key.get(&o.key()) {
            Some(&j) => groups.join(i, j),
            None => {
                first_with_key.insert(o.key(), i);
            }
        }
    }
    let position: HashMap<Digest, usize> = ids.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    let mut same = state.conn().prepare_cached(
        "SELECT to_claim FROM links WHERE from_claim = ?1 AND relation = 'same_origin'
         UNION ALL
         SELECT from_claim FROM links WHERE to_claim = ?1 AND relation = 'same_origin'",
    )?;
    for (i, id) in ids.iter().enumerate() {
        let others: Vec<Vec<u8>> = same
            .query_map([id.0.as_slice()], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for o in others {
            if let Some(&j) = position.get(&digest(o)?) {
                groups.join(i, j);
            }
        }
    }
    let own_root = groups.root(0);
    let mut sides = [Side::default(), Side::default()];
    let mut group_of: [HashMap<usize, usize>; 2] = [HashMap::new(), HashMap::new()];
    for (m, member) in members.into_iter().enumerate() {
        let side = usize::from(member.relation == Relation::Contradicts);
        let root = groups.root(m + 1);
        let g = *group_of[side].entry(root).or_insert_with(|| {
            sides[side].groups.push(OriginGroup {
                origins: Vec::new(),
                independent: root != own_root,
                anonymous: true,
                counted: false,
                claims: Vec::new(),
            });
            sides[side].groups.len() - 1
        });
        let group = &mut sides[side].groups[g];
        if !group.origins.iter().any(|o| o.key() == member.origin.key()) {
            group.anonymous &= member.origin.anonymous;
            group.origins.push(member.origin.clone());
        }
        group.counted |= group.independent && !member.retracted;
        group.claims.push(member);
    }
    for side in &mut sides {
        for g in &side.groups {
            if g.counted {
                side.independent_origins += 1;
                if g.anonymous {
                    side.anonymous += 1;
                } else {
                    side.named += 1;
                }
            }
        }
    }
    let [corroborating, contradicting] = sides;
    Ok(Corroboration {
        origin: own,
        corroborating,
        contradicting,
    })
}
