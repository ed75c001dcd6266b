//! Rules and table for `claim.link`.
//!
//! Links are between two distinct claims, neither retracted. A pair is
//! linked by a relation once (both directions count as one for the
//! symmetric relations), and never as both corroborating and
//! contradicting. `cites` links define a claim's origin (`crate::status`):
//! a claim cites at most one claim and citations never form a cycle, so
//! "the end of the cites chain" is always one claim.

use super::articles::digest;
use super::claims;
use super::limits::{opt_text, MAX_CITES_HOPS, MAX_NOTE_CHARS};
use super::{refuse, short, Check, Entry, State, StateError};
use crate::digest::Digest;
use crate::statement::{ClaimLink, Relation};
use rusqlite::{params, OptionalExtension};

/// The claim that `claim` cites and the citing link, if it cites one.
pub(crate) fn cited_by(
    state: &State,
    claim: &Digest,
) -> Result<Option<(Digest, Digest)>, StateError> {
    Ok(state
        .conn
        .prepare_cached(
            "SELECT to_claim, id FROM links WHERE from_claim = ?1 AND relation = 'cites' LIMIT 1",
        )?
        .query_row([claim.0.as_slice()], |r| {
            Ok((digest(r.get(0)?)?, digest(r.get(1)?)?))
        })
        .optional()?)
}

/// Checks a `claim.link`.
pub(super) fn check(state: &State, entry: &Entry, l: &ClaimLink) -> Result<(), Check> {
    let at = entry.statement.statement().at;
    let from = claims::referenced(state, "from", &l.from, at)?;
    let to = claims::referenced(state, "to", &l.to, at)?;
    if l.from == l.to {
        refuse!(
            "link.self",
            "from and to are the same claim {}; a claim cannot be linked to itself",
            short(&l.from)
        );
    }
    claims::not_retracted(&from, "linked")?;
    claims::not_retracted(&to, "linked")?;
    opt_text("note", &l.note, MAX_NOTE_CHARS)?;
    let mut stmt = state.conn.prepare_cached(
        "SELECT id, from_claim, relation FROM links
         WHERE (from_claim = ?1 AND to_claim = ?2) OR (from_claim = ?2 AND to_claim = ?1)",
    )?;
    let existing = stmt
        .query_map(params![l.from.0.as_slice(), l.to.0.as_slice()], |r| {
            Ok((
                digest(r.get(0)?)?,
                digest(r.get(1)?)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    for (id, efrom, rel) in existing {
        let rel: Relation = rel.parse().map_err(StateError::Corrupt)?;
        let same_direction = efrom == l.from;
        if rel == l.relation && (same_direction || rel.is_symmetric()) {
            refuse!(
                "link.duplicate",
                "claims {} and {} are already linked as {rel} (link {})",
                short(&l.from),
                short(&l.to),
                short(&id)
            );
        }
        let opposed = [Relation::Corroborates, Relation::Contradicts];
        if opposed.contains(&rel) && opposed.contains(&l.relation) {
            refuse!("link.contradictory",
                "claims {} and {} are already linked as {rel} (link {}); a pair cannot both corroborate and contradict",
                short(&l.from),
                short(&l.to),
                short(&id)
            );
        }
    }
    if l.relation == Relation::Cites {
        if let Some((cited, link)) = cited_by(state, &l.from)? {
            refuse!("link.cites-one",
                "claim {} already cites claim {} (link {}); a claim cites one claim, so that its origin is one source",
                short(&l.from),
                short(&cited),
                short(&link)
            );
        }
        // Walk the chain `to` starts; reaching `from` would close a cycle.
        let mut at_claim = l.to;
        let mut hops = 0;
        while let Some((next, _)) = cited_by(state, &at_claim)? {
            hops += 1;
            if hops >= MAX_CITES_HOPS {
                refuse!("link.cites-chain-length",
                    "claim {} starts a chain of {MAX_CITES_HOPS} or more cites links; a longer chain would hide the claim's origin",
                    short(&l.to)
                );
            }
            if next == l.from {
                refuse!("link.cites-cycle",
                    "claim {} already leads back to claim {} through cites links; citations cannot form a cycle",
                    short(&l.to),
                    short(&l.from)
                );
            }
            at_claim = next;
        }
    }
    Ok(())
}

/// Records a checked `claim.link`.
pub(super) fn record(state: &State, entry: &Entry, l: &ClaimLink) -> Result<(), StateError> {
    let st = entry.statement;
    state
        .conn
        .prepare_cached(
            "INSERT INTO links (id, from_claim, to_claim, relation, note, seq, at, signer)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            st.id().0.as_slice(),
            l.from.0.as_slice(),
            l.to.0.as_slice(),
            l.relation.as_str(),
            l.note,
            entry.seq as i64,
            st.statement().at as i64,
            st.signer().as_bytes().as_slice(),
        ])?;
    Ok(())
}
