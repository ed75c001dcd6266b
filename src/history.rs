//! A claim's history: every revision (who signed it, when, why, and the
//! text and attribution as of that revision), every verdict with its
//! standing (stale, superseded, withdrawn …), the links and the retraction.
//!
//! [`History`] is data for the CLI and the HTTP API to render; the
//! revision-to-revision changes of text are shown with [`word_diff`].

use crate::digest::Digest;
use crate::state::query::{content, hex, signer};
use crate::state::{ArticleRef, AttributionView, ClaimSummary, Signer, State, StateError};
use crate::statement::{Anchor, ChangeReason, ClaimContent, Kind, Relation};
use crate::status::{self, Judgement, Standing, Status};
use serde::Serialize;

/// A claim as one revision has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RevisionContent {
    pub proposition: String,
    pub anchor: Anchor,
    pub attribution: AttributionView,
}

/// One revision of a claim: number 0 is the `claim.record`, the others its
/// `claim.revise`s, in log order.
#[derive(Clone, Debug, Serialize)]
pub struct Revision {
    /// The statement id.
    #[serde(serialize_with = "hex")]
    pub id: Digest,
    pub number: u64,
    /// `claim.record` or `claim.revise`.
    pub kind: Kind,
    pub signer: Signer,
    pub seq: u64,
    pub at: u64,
    /// The article version it reads.
    pub article: ArticleRef,
    /// Why it was revised (none for the record).
    pub reason: Option<ChangeReason>,
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
    #[serde(rename = "proposition")]
    Proposition,
    #[serde(rename = "anchor.exact")]
    AnchorExact,
    #[serde(rename = "attribution.source")]
    AttributionSource,
    #[serde(rename = "attribution.cue")]
    AttributionCue,
    #[serde(rename = "attribution.hedge")]
    AttributionHedge,
    #[serde(rename = "attribution.mode")]
    AttributionMode,
    #[serde(rename = "attribution.quote")]
    AttributionQuote,
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
    #[serde(serialize_with = "hex")]
    pub id: Digest,
    pub signer: Signer,
    pub seq: u64,
    pub at: u64,
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
    #[serde(serialize_with = "hex")]
    pub id: Digest,
    pub relation: Relation,
    pub direction: Direction,
    /// The claim at the other end.
    #[serde(serialize_with = "hex")]
    pub other: Digest,
    pub other_proposition: String,
    pub signer: Signer,
    pub seq: u64,
    pub at: u64,
    pub note: Option<String>,
}

/// Everything that happened to a claim.
#[derive(Clone, Debug, Serialize)]
pub struct History {
    pub status: Status,
    /// The claim as it stands now.
    pub claim: ClaimSummary,
    pub revisions: Vec<Revision>,
    /// Every verdict, in log order, with its standing.
    pub verdicts: Vec<Judgement>,
    pub links: Vec<LinkEntry>,
    pub retraction: Option<Retraction>,
}

/// One event of a history, for rendering in log order.
#[derive(Clone, Copy, Debug)]
pub enum Event<'a> {
    Revision(&'a Revision),
    Verdict(&'a Judgement),
    /// A verdict's withdrawal (the verdict carries it).
    Withdrawal(&'a Judgement),
    Link(&'a LinkEntry),
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
        events.extend(self.links.iter().map(|l| (l.seq, Event::Link(l))));
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

fn digest(b: Vec<u8>) -> Result<Digest, StateError> {
    Digest::from_slice(&b).ok_or_else(|| StateError::Corrupt("an id is not 32 bytes".into()))
}

/// The history of `claim` (a `claim.record` id), or `None` if there is no
/// such claim.
pub fn claim_history(state: &State, claim: &Digest) -> Result<Option<History>, StateError> {
    let Some(st) = status::claim_status(state, claim)? else {
        return Ok(None);
    };
    let row = crate::state::claims::row(state, claim)?
        .ok_or_else(|| StateError::Corrupt(format!("claim {claim} has no row")))?;
    let conn = state.conn();

    let mut revisions = Vec::new();
    let mut previous: Option<ClaimContent> = None;
    let mut stmt = conn.prepare_cached(
        "SELECT id, number, article, reason, note, content, substance, seq, at, signer
         FROM revisions WHERE claim = ?1 ORDER BY number",
    )?;
    let mut rows = stmt.query([claim.0.as_slice()])?;
    while let Some(r) = rows.next()? {
        let number = r.get::<_, i64>(1)? as u64;
        let reason: Option<String> = r.get(3)?;
        let bytes: Option<Vec<u8>> = r.get(5)?;
        let substance: Option<Vec<u8>> = r.get(6)?;
        let key: Vec<u8> = r.get(9)?;
        let c = bytes.as_deref().map(content).transpose()?;
        let changes = match (&previous, &c) {
            (Some(old), Some(new)) => changed(old, new),
            _ => Vec::new(),
        };
        revisions.push(Revision {
            id: digest(r.get(0)?)?,
            number,
            kind: if number == 0 {
                Kind::ClaimRecord
            } else {
                Kind::ClaimRevise
            },
            signer: signer(state, &key)?,
            seq: r.get::<_, i64>(7)? as u64,
            at: r.get::<_, i64>(8)? as u64,
            article: state.article_ref(&digest(r.get(2)?)?)?,
            reason: reason
                .map(|s| s.parse())
                .transpose()
                .map_err(StateError::Corrupt)?,
            note: r.get(4)?,
            removed: c.is_none(),
            content: c
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
            current: substance.as_deref() == Some(row.substance.0.as_slice()),
        });
        if c.is_some() {
            previous = c;
        }
    }

    let verdicts = status::judgements(state, &row)?;

    let mut links = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT id, from_claim, to_claim, relation, note, seq, at, signer FROM links WHERE from_claim = ?1
         UNION ALL
         SELECT id, from_claim, to_claim, relation, note, seq, at, signer FROM links WHERE to_claim = ?1
         ORDER BY seq",
    )?;
    let mut rows = stmt.query([claim.0.as_slice()])?;
    while let Some(r) = rows.next()? {
        let from = digest(r.get(1)?)?;
        let to = digest(r.get(2)?)?;
        let (direction, other) = if from == *claim {
            (Direction::Outgoing, to)
        } else {
            (Direction::Incoming, from)
        };
        let relation: String = r.get(3)?;
        let key: Vec<u8> = r.get(7)?;
        let other_content: Vec<u8> = conn
            .prepare_cached("SELECT content FROM claims WHERE id = ?1")?
            .query_row([other.0.as_slice()], |r| r.get(0))?;
        links.push(LinkEntry {
            id: digest(r.get(0)?)?,
            relation: relation.parse().map_err(StateError::Corrupt)?,
            direction,
            other,
            other_proposition: content(&other_content)?.proposition,
            signer: signer(state, &key)?,
            seq: r.get::<_, i64>(5)? as u64,
            at: r.get::<_, i64>(6)? as u64,
            note: r.get(4)?,
        });
    }

    let retraction = match row.retraction {
        None => None,
        Some(id) => {
            let (reason, seq, at, key): (String, i64, i64, Vec<u8>) = conn
                .prepare_cached("SELECT reason, seq, at, signer FROM retractions WHERE id = ?1")?
                .query_row([id.0.as_slice()], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?;
            Some(Retraction {
                id,
                signer: signer(state, &key)?,
                seq: seq as u64,
                at: at as u64,
                reason,
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

/// Whether a stretch of a diff is in both texts, only the old or only the new.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffTag {
    Same,
    Removed,
    Added,
}

/// A stretch of a word diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffPart {
    pub tag: DiffTag,
    /// The words, with the whitespace between them as in the text.
    pub text: String,
}

/// A word-level diff of `old` to `new`: runs of unchanged, removed and
/// added words, whitespace kept as in the texts. A change is shown as its
/// removed words, then its added words; a space between two changed words
/// belongs to the change, so "diplomatic sources" → "Afghan officials" is
/// one removal and one addition, not two interleaved pairs.
pub fn word_diff(old: &str, new: &str) -> Vec<DiffPart> {
    let diff = similar::TextDiff::from_words(old, new);
    let changes: Vec<(DiffTag, &str)> = diff
        .iter_all_changes()
        .map(|c| {
            let tag = match c.tag() {
                similar::ChangeTag::Equal => DiffTag::Same,
                similar::ChangeTag::Delete => DiffTag::Removed,
                similar::ChangeTag::Insert => DiffTag::Added,
            };
            (tag, c.value())
        })
        .collect();
    let mut out: Vec<DiffPart> = Vec::new();
    let (mut removed, mut added) = (String::new(), String::new());
    let push = |out: &mut Vec<DiffPart>, tag, text: &str| match out.last_mut() {
        Some(last) if last.tag == tag => last.text.push_str(text),
        _ if text.is_empty() => {}
        _ => out.push(DiffPart {
            tag,
            text: text.to_string(),
        }),
    };
    for (i, (tag, text)) in changes.iter().enumerate() {
        match tag {
            DiffTag::Removed => removed.push_str(text),
            DiffTag::Added => added.push_str(text),
            DiffTag::Same => {
                let in_change = !(removed.is_empty() && added.is_empty());
                let more = changes.get(i + 1).is_some_and(|(t, _)| *t != DiffTag::Same);
                if in_change && more && text.trim().is_empty() {
                    if !removed.is_empty() {
                        removed.push_str(text);
                    }
                    if !added.is_empty() {
                        added.push_str(text);
                    }
                    continue;
                }
                push(&mut out, DiffTag::Removed, &std::mem::take(&mut removed));
                push(&mut out, DiffTag::Added, &std::mem::take(&mut added));
                push(&mut out, DiffTag::Same, text);
            }
        }
    }
    push(&mut out, DiffTag::Removed, &removed);
    push(&mut out, DiffTag::Added, &added);
    out
}

/// Whether a verdict counts now (for renderers that only have a [`Judgement`]).
pub fn counts(j: &Judgement) -> bool {
    j.standing == Standing::Current
}
