//! Rules and table for `claim.link` and `claim.link.withdraw`.
//!
//! A link **counts** unless it was withdrawn or its signer's key was
//! revoked as compromised at or before it ([`COUNTS`]); a link that does
//! not count is history only, for the rules below as for corroboration.
//! A link is withdrawn once, by its signer or by an editor.
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
use crate::statement::Relation;
use crate::statement::{ClaimLink, ClaimLinkWithdraw, Kind, Role};
use rusqlite::{params, OptionalExtension};

/// The SQL condition under which the `links` row `l` counts: not withdrawn,
/// and not signed by a key compromised at or before it.
pub(crate) const COUNTS: &str = "l.withdrawal IS NULL AND NOT EXISTS (
    SELECT 1 FROM keys k WHERE k.pubkey = l.signer AND k.void_from_seq IS NOT NULL AND l.seq >= k.void_from_seq)";

/// A checked `claim.link.withdraw`: the link it withdraws.
pub(super) struct Withdraw {
    link: Digest,
}

/// The claim that `claim` cites and the citing link, if it cites one.
pub(crate) fn cited_by(
    state: &State,
    claim: &Digest,
) -> Result<Option<(Digest, Digest)>, StateError> {
    Ok(state
        .conn
        .prepare_cached(&format!(
            "SELECT l.to_claim, l.id FROM links l
             WHERE l.from_claim = ?1 AND l.relation = 'cites' AND {COUNTS} LIMIT 1"
        ))?
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
    let mut stmt = state.conn.prepare_cached(&format!(
        "SELECT l.id, l.from_claim, l.relation FROM links l
         WHERE ((l.from_claim = ?1 AND l.to_claim = ?2) OR (l.from_claim = ?2 AND l.to_claim = ?1))
           AND {COUNTS}"
    ))?;
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

/// Checks a `claim.link.withdraw`.
pub(super) fn check_withdraw(
    state: &State,
    entry: &Entry,
    w: &ClaimLinkWithdraw,
) -> Result<Withdraw, Check> {
    let at = entry.statement.statement().at;
    let link = state.reference("link", &w.link, &[Kind::ClaimLink], at)?;
    let signer = entry.statement.signer().to_bytes();
    if link.signer != signer {
        let is_editor = state
            .key(&signer)?
            .is_some_and(|k| k.roles.contains(&Role::Editor));
        if !is_editor {
            let who = match state.key(&link.signer)? {
                Some(k) => format!("{} ({})", k.display_name, k.name),
                None => hex::encode(link.signer),
            };
            refuse!(
                "link.withdraw-signer",
                "link {} was signed by {who}; only its signer or an editor may withdraw it",
                short(&w.link)
            );
        }
    }
    let withdrawal: Option<Vec<u8>> = state
        .conn
        .prepare_cached("SELECT withdrawal FROM links WHERE id = ?1")?
        .query_row([w.link.0.as_slice()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StateError::Corrupt(format!("link {} has no row", short(&w.link))))?;
    if let Some(by) = withdrawal {
        refuse!(
            "link.already-withdrawn",
            "link {} is already withdrawn (by {})",
            short(&w.link),
            short(&digest(by)?)
        );
    }
    super::limits::text("reason", &w.reason, MAX_NOTE_CHARS)?;
    Ok(Withdraw { link: w.link })
}

/// Records a checked `claim.link.withdraw`.
pub(super) fn record_withdraw(
    state: &State,
    entry: &Entry,
    plan: Withdraw,
    w: &ClaimLinkWithdraw,
) -> Result<(), StateError> {
    let st = entry.statement;
    state
        .conn
        .prepare_cached(
            "UPDATE links SET withdrawal = ?2, withdrawn_seq = ?3, withdrawn_at = ?4,
                    withdraw_reason = ?5, withdraw_signer = ?6
             WHERE id = ?1",
        )?
        .execute(params![
            plan.link.0.as_slice(),
            st.id().0.as_slice(),
            entry.seq as i64,
            st.statement().at as i64,
            w.reason,
            st.signer().as_bytes().as_slice(),
        ])?;
    Ok(())
}
