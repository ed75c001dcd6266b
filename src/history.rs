//! A claim's history: every revision (who signed it, when, why, and the
//! text and attribution as of that revision), every verdict with its
//! standing (stale, superseded, withdrawn …), the links and the retraction.
//!
//! [`History`] is data for the CLI and the HTTP API to render, assembled
//! from the state's rows (`state/rows.rs`); the revision-to-revision
//! changes of text are shown with [`word_diff`] (`history/diff.rs`).

mod diff;

pub use diff::{word_diff, DiffPart, DiffTag};

use crate::digest::Digest;
use crate::state::{ArticleRef, AttributionView, ClaimSummary, Signer, State, StateError};
use crate::statement::{Anchor, ChangeReason, ClaimContent, Kind, Relation};
use crate::status::{self, Judgement, Status};
use serde::Serialize;

/// A claim as one revision has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RevisionContent {
    /// What the claim says.
    pub proposition: String,
    /// Where the article says it.
    pub anchor: Anchor,
    /// Who the article says says it.
    pub attribution: AttributionView,
}

/// One revision of a claim: number 0 is the `claim.record`, the others its
/// `claim.revise`s, in log order.
#[derive(Clone, Debug, Serialize)]
pub struct Revision {
    /// The statement id.
    pub id: Digest,
    /// 0 for the `claim.record`, then 1, 2, … in log order.
    pub number: u64,
    /// `claim.record` or `claim.revise`.
    pub kind: Kind,
    /// Who signed it.
    pub signer: Signer,
    /// Log index.
    pub seq: u64,
    /// Statement time.
    pub at: u64,
    /// The article version it reads.
    pub article: ArticleRef,
    /// Why it was revised (none for the record).
    pub reason: Option<ChangeReason>,
    /// The editor's note.
    pub note: Option<String>,
    /// This revision says the article version dropped the claim.
    pub removed: bool,
    /// The claim as of this revision (none when removed).
    pub content: Option<RevisionContent>,
    /// The fields that differ from the previous revision with text; empty
    /// for the record.
    pub changed: Vec<ClaimField>,
    /// Whether verdicts on this revision count now (its text and
    /// attribution are the claim's current ones).
    pub current: bool,
}

/// A field of a claim's content that a revision may change, named in JSON
/// by its path in the statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ClaimField {
    /// The claim's proposition.
    #[serde(rename = "proposition")]
    Proposition,
    /// The passage it is anchored to.
    #[serde(rename = "anchor.exact")]
    AnchorExact,
    /// Who it is attributed to.
    #[serde(rename = "attribution.source")]
    AttributionSource,
    /// The reporting cue.
    #[serde(rename = "attribution.cue")]
    AttributionCue,
    /// The hedge.
    #[serde(rename = "attribution.hedge")]
    AttributionHedge,
    /// Direct quote or paraphrase.
    #[serde(rename = "attribution.mode")]
    AttributionMode,
    /// The quoted words.
    #[serde(rename = "attribution.quote")]
    AttributionQuote,
    /// Who relayed it.
    #[serde(rename = "attribution.relayed_by")]
    AttributionRelayedBy,
}

impl ClaimField {
    /// Whether the field is part of the attribution.
    pub fn is_attribution(self) -> bool {
        !matches!(self, ClaimField::Proposition | ClaimField::AnchorExact)
    }
}

/// The retraction of a claim.
#[derive(Clone, Debug, Serialize)]
pub struct Retraction {
    /// The `claim.retract` id.
    pub id: Digest,
    /// Who signed it.
    pub signer: Signer,
    /// Log index.
    pub seq: u64,
    /// Statement time.
    pub at: u64,
    /// Why the claim was retracted.
    pub reason: String,
}

/// Which end of a link the claim is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The claim is the link's `from`.
    Outgoing,
    /// The claim is the link's `to`.
    Incoming,
}

/// A link from or to the claim.
#[derive(Clone, Debug, Serialize)]
pub struct LinkEntry {
    /// The `claim.link` id.
    pub id: Digest,
    /// How the claims are linked.
    pub relation: Relation,
    /// Which end the claim is.
    pub direction: Direction,
    /// The claim at the other end.
    pub other: Digest,
    /// The other claim's proposition.
    pub other_proposition: String,
    /// Who signed the link.
    pub signer: Signer,
    /// Log index.
    pub seq: u64,
    /// Statement time.
    pub at: u64,
    /// The signer's note.
    pub note: Option<String>,
    /// Whether it counts now: not withdrawn, and not signed by a key
    /// compromised at or before it.
    pub counts: bool,
    /// Its `claim.link.withdraw`, if withdrawn.
    pub withdrawal: Option<LinkWithdrawal>,
}

/// The withdrawal of a link.
#[derive(Clone, Debug, Serialize)]
pub struct LinkWithdrawal {
    /// The `claim.link.withdraw` id.
    pub id: Digest,
    /// Who withdrew it (its signer or an editor).
    pub signer: Signer,
    /// Log index.
    pub seq: u64,
    /// Statement time.
    pub at: u64,
    /// Why.
    pub reason: String,
}

/// Everything that happened to a claim.
#[derive(Clone, Debug, Serialize)]
pub struct History {
    /// The claim's status now.
    pub status: Status,
    /// The claim as it stands now.
    pub claim: ClaimSummary,
    /// Every revision, the record first.
    pub revisions: Vec<Revision>,
    /// Every verdict, in log order, with its standing.
    pub verdicts: Vec<Judgement>,
    /// Every link from or to the claim, in log order.
    pub links: Vec<LinkEntry>,
    /// Its retraction, if retracted.
    pub retraction: Option<Retraction>,
}

/// One event of a history, for rendering in log order.
#[derive(Clone, Copy, Debug)]
pub enum Event<'a> {
    /// A `claim.record` or `claim.revise`.
    Revision(&'a Revision),
    /// A `verification`.
    Verdict(&'a Judgement),
    /// A verdict's withdrawal (the verdict carries it).
    Withdrawal(&'a Judgement),
    /// A `claim.link` from or to the claim.
    Link(&'a LinkEntry),
    /// A link's withdrawal (the link carries it).
    LinkWithdrawal(&'a LinkEntry),
    /// The `claim.retract`.
    Retraction(&'a Retraction),
}

impl History {
    /// Every event in log order, with its log index.
    pub fn timeline(&self) -> Vec<(u64, Event<'_>)> {
        let mut events: Vec<(u64, Event<'_>)> = Vec::new();
        events.extend(self.revisions.iter().map(|r| (r.seq, Event::Revision(r))));
        for v in &self.verdicts {
            events.push((v.seq, Event::Verdict(v)));
            if let Some(w) = &v.withdrawal {
                events.push((w.seq, Event::Withdrawal(v)));
            }
        }
        for l in &self.links {
            events.push((l.seq, Event::Link(l)));
            if let Some(w) = &l.withdrawal {
                events.push((w.seq, Event::LinkWithdrawal(l)));
            }
        }
        events.extend(
            self.retraction
                .iter()
                .map(|r| (r.seq, Event::Retraction(r))),
        );
        events.sort_by_key(|(seq, _)| *seq);
        events
    }

    /// The content of the last revision with text before revision `number`
    /// (what a diff of revision `number` compares against).
    pub fn previous_content(&self, number: u64) -> Option<&RevisionContent> {
        self.revisions
            .iter()
            .filter(|r| r.number < number)
            .rev()
            .find_map(|r| r.content.as_ref())
    }
}

/// The fields of `new` that differ from `old`.
fn changed(old: &ClaimContent, new: &ClaimContent) -> Vec<ClaimField> {
    let (a, b) = (&old.attribution, &new.attribution);
    [
        (ClaimField::Proposition, old.proposition != new.proposition),
        (
            ClaimField::AnchorExact,
            old.anchor.exact != new.anchor.exact,
        ),
        (ClaimField::AttributionSource, a.source != b.source),
        (ClaimField::AttributionCue, a.cue != b.cue),
        (ClaimField::AttributionHedge, a.hedge != b.hedge),
        (ClaimField::AttributionMode, a.mode != b.mode),
        (ClaimField::AttributionQuote, a.quote != b.quote),
        (
            ClaimField::AttributionRelayedBy,
            a.relayed_by != b.relayed_by,
        ),
    ]
    .into_iter()
    .filter_map(|(name, differs)| differs.then_some(name))
    .collect()
}

/// The history of `claim` (a `claim.record` id), or `None` if there is no
/// such claim.
pub fn claim_history(state: &State, claim: &Digest) -> Result<Option<History>, StateError> {
    let Some(st) = status::claim_status(state, claim)? else {
        return Ok(None);
    };
    let row = state
        .claim_row(claim)?
        .ok_or_else(|| StateError::Corrupt(format!("claim {claim} has no row")))?;

    let mut revisions = Vec::new();
    let mut previous: Option<ClaimContent> = None;
    for r in state.revision_details(claim)? {
        let changes = match (&previous, &r.content) {
            (Some(old), Some(new)) => changed(old, new),
            _ => Vec::new(),
        };
        revisions.push(Revision {
            id: r.id,
            number: r.number,
            kind: if r.number == 0 {
                Kind::ClaimRecord
            } else {
                Kind::ClaimRevise
            },
            signer: r.signer,
            seq: r.seq,
            at: r.at,
            article: state.article_ref(&r.article)?,
            reason: r.reason,
            note: r.note,
            removed: r.content.is_none(),
            content: r
                .content
                .as_ref()
                .map(|c| -> Result<RevisionContent, StateError> {
                    Ok(RevisionContent {
                        proposition: c.proposition.clone(),
                        anchor: c.anchor.clone(),
                        attribution: state.attribution_view(c)?,
                    })
                })
                .transpose()?,
            changed: changes,
            current: r.substance == Some(row.substance),
        });
        if r.content.is_some() {
            previous = r.content;
        }
    }

    let verdicts = status::judgements(
        state.verdict_rows(claim)?,
        &row.substance,
        state.allow_self_review()?,
    );

    let mut links = Vec::new();
    for l in state.link_rows(claim)? {
        let (direction, other) = if l.from == *claim {
            (Direction::Outgoing, l.to)
        } else {
            (Direction::Incoming, l.from)
        };
        links.push(LinkEntry {
            id: l.id,
            relation: l.relation,
            direction,
            other,
            other_proposition: state.proposition(&other)?,
            signer: l.signer,
            seq: l.seq,
            at: l.at,
            note: l.note,
            counts: l.counts,
            withdrawal: l.withdrawal.map(|w| LinkWithdrawal {
                id: w.id,
                signer: w.signer,
                seq: w.seq,
                at: w.at,
                reason: w.reason,
            }),
        });
    }

    let retraction = match row.retraction {
        None => None,
        Some(id) => {
            let r = state.retraction_row(&id)?;
            Some(Retraction {
                id,
                signer: r.signer,
                seq: r.seq,
                at: r.at,
                reason: r.reason,
            })
        }
    };

    Ok(Some(History {
        status: st.status,
        claim: st.claim,
        revisions,
        verdicts,
        links,
        retraction,
    }))
}
