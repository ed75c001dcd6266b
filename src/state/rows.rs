//! The rows that a claim's status, corroboration and history are computed
//! from: one indexed query per function, each returning typed rows, so
//! that `crate::status` and `crate::history` decide and assemble without
//! SQL (and their rules can be tested without a database).
//!
//! Every lookup is by primary key or through an index of `schema.rs`, so
//! a status or history lookup does not grow with the ledger.

use super::claims::{self, ClaimRow};
use super::links::{self, COUNTS};
use super::query::{content, signer};
use super::{Signer, State, StateError};
use crate::digest::Digest;
use crate::statement::{ChangeReason, ClaimContent, Evidence, Relation, Verdict};
use rusqlite::OptionalExtension;

/// A verdict on a claim, with what its standing depends on.
#[derive(Clone, Debug)]
pub(crate) struct VerdictRow {
    /// The `verification` id.
    pub id: Digest,
    /// The checker's raw public key.
    pub key: Vec<u8>,
    /// The checker, as people know it.
    pub checker: Signer,
    pub verdict: Verdict,
    /// The revision it judged.
    pub revision: Digest,
    /// That revision's number (0 = the `claim.record`).
    pub revision_number: u64,
    /// That revision's substance (none for a removal).
    pub substance: Option<Digest>,
    pub evidence: Vec<Evidence>,
    pub note: Option<String>,
    pub seq: u64,
    pub at: u64,
    /// Its `verification.withdraw`, if withdrawn.
    pub withdrawal: Option<WithdrawalRow>,
    /// Signed at or after its key's compromise point.
    pub key_void: bool,
    /// How the checker's key was revoked, if it was.
    pub key_mode: Option<crate::statement::RevokeMode>,
    /// The checker's key recorded or revised the claim.
    pub self_review: bool,
}

impl VerdictRow {
    /// It judged text or attribution other than `current` (the substance of
    /// the claim's latest revision with text).
    pub fn stale(&self, current: &Digest) -> bool {
        self.substance.as_ref() != Some(current)
    }
}

/// The withdrawal of a verdict.
#[derive(Clone, Debug)]
pub(crate) struct WithdrawalRow {
    /// The `verification.withdraw` id.
    pub id: Digest,
    pub seq: u64,
    pub at: u64,
    pub reason: String,
}

/// A `corroborates` or `contradicts` link from or to a claim.
#[derive(Clone, Debug)]
pub(crate) struct LinkedRow {
    /// The `claim.link` id.
    pub link: Digest,
    /// The claim at the other end.
    pub other: Digest,
    pub relation: Relation,
}

/// A linked claim as its corroboration group shows it.
#[derive(Clone, Debug)]
pub(crate) struct LinkedClaimRow {
    /// The proposition of its latest revision with text.
    pub proposition: String,
    pub retracted: bool,
    pub removed: bool,
    /// Its article's publisher.
    pub publisher: String,
}

/// What a claim's origin is decided from.
#[derive(Clone, Debug)]
pub(crate) struct OriginRow {
    /// Its attribution's source.
    pub source: Option<Digest>,
    /// The source that relayed it.
    pub relayed_by: Option<Digest>,
    /// Its article's publisher.
    pub publisher: String,
}

/// One revision of a claim, for its history.
#[derive(Clone, Debug)]
pub(crate) struct RevisionDetail {
    /// The `claim.record` or `claim.revise` id.
    pub id: Digest,
    /// 0 for the record.
    pub number: u64,
    /// The article version it reads.
    pub article: Digest,
    pub reason: Option<ChangeReason>,
    pub note: Option<String>,
    /// The claim as of this revision (none for a removal).
    pub content: Option<ClaimContent>,
    /// Its substance (none for a removal).
    pub substance: Option<Digest>,
    pub seq: u64,
    pub at: u64,
    pub signer: Signer,
}

/// Any link from or to a claim, for its history.
#[derive(Clone, Debug)]
pub(crate) struct LinkRow {
    /// The `claim.link` id.
    pub id: Digest,
    pub from: Digest,
    pub to: Digest,
    pub relation: Relation,
    pub note: Option<String>,
    pub seq: u64,
    pub at: u64,
    pub signer: Signer,
    /// Not withdrawn, and not signed by a key compromised at or before it.
    pub counts: bool,
    pub withdrawal: Option<LinkWithdrawalRow>,
}

/// The withdrawal of a link.
#[derive(Clone, Debug)]
pub(crate) struct LinkWithdrawalRow {
    /// The `claim.link.withdraw` id.
    pub id: Digest,
    pub signer: Signer,
    pub seq: u64,
    pub at: u64,
    pub reason: String,
}

/// An editor's `source.identity`: the commitment to who a source is.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct IdentityRow {
    /// The `source.identity` id.
    pub id: Digest,
    /// The anonymous source.
    pub source: Digest,
    /// The salted commitment.
    pub commitment: Digest,
    /// Its log index.
    pub seq: u64,
    /// Its statement time.
    pub at: u64,
    /// The editor who signed it.
    pub editor: Signer,
}

/// A claim's retraction.
#[derive(Clone, Debug)]
pub(crate) struct RetractionRow {
    pub reason: String,
    pub seq: u64,
    pub at: u64,
    pub signer: Signer,
}

fn digest(b: Vec<u8>) -> Result<Digest, StateError> {
    Digest::from_slice(&b).ok_or_else(|| StateError::Corrupt("an id is not 32 bytes".into()))
}

impl State {
    /// The claim `id` as the rules see it, if recorded.
    pub(crate) fn claim_row(&self, id: &Digest) -> Result<Option<ClaimRow>, StateError> {
        claims::row(self, id)
    }

    /// Every verdict on `claim`, in log order.
    pub(crate) fn verdict_rows(&self, claim: &Digest) -> Result<Vec<VerdictRow>, StateError> {
        use super::standing::{KEY_VOID, SELF_REVIEW};
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT v.id, v.signer, v.verdict, v.revision, r.number, r.substance, v.evidence, v.note,
                    v.seq, v.at, v.withdrawal, v.withdrawn_seq, v.withdrawn_at, v.withdraw_reason,
                    k.revoke_mode, k.name, k.display_name, {KEY_VOID}, {SELF_REVIEW}
             FROM verifications v
             JOIN revisions r ON r.id = v.revision
             LEFT JOIN keys k ON k.pubkey = v.signer
             WHERE v.claim = ?1
             ORDER BY v.seq"
        ))?;
        let mut rows = stmt.query([claim.0.as_slice()])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let key: Vec<u8> = r.get(1)?;
            let verdict: String = r.get(2)?;
            let evidence: Vec<u8> = r.get(6)?;
            let withdrawal = match r.get::<_, Option<Vec<u8>>>(10)? {
                Some(id) => Some(WithdrawalRow {
                    id: digest(id)?,
                    seq: r.get::<_, i64>(11)? as u64,
                    at: r.get::<_, i64>(12)? as u64,
                    reason: r.get(13)?,
                }),
                None => None,
            };
            // The keys row joined above names the checker; a key without
            // one is the operator's (named by the ledger's origin).
            let checker = match (r.get(15)?, r.get(16)?) {
                (Some(name), Some(display_name)) => Signer {
                    key: name,
                    display_name,
                    pubkey: hex::encode(&key),
                },
                _ => signer(self, &key)?,
            };
            out.push(VerdictRow {
                id: digest(r.get(0)?)?,
                checker,
                verdict: verdict.parse().map_err(StateError::Corrupt)?,
                revision: digest(r.get(3)?)?,
                revision_number: r.get::<_, i64>(4)? as u64,
                substance: r.get::<_, Option<Vec<u8>>>(5)?.map(digest).transpose()?,
                evidence: crate::cbor::from_slice(&evidence)
                    .map_err(|e| StateError::Corrupt(format!("evidence: {e}")))?,
                note: r.get(7)?,
                seq: r.get::<_, i64>(8)? as u64,
                at: r.get::<_, i64>(9)? as u64,
                withdrawal,
                key_mode: r
                    .get::<_, Option<String>>(14)?
                    .map(|m| m.parse())
                    .transpose()
                    .map_err(StateError::Corrupt)?,
                key_void: r.get(17)?,
                self_review: r.get(18)?,
                key,
            });
        }
        Ok(out)
    }

    /// The claim that `claim` cites, if it cites one.
    pub(crate) fn cited(&self, claim: &Digest) -> Result<Option<Digest>, StateError> {
        Ok(links::cited_by(self, claim)?.map(|(to, _)| to))
    }

    /// What the origin of `claim` is decided from, or `None` if there is
    /// no such claim.
    pub(crate) fn origin_row(&self, claim: &Digest) -> Result<Option<OriginRow>, StateError> {
        type Row = (Option<Vec<u8>>, Option<Vec<u8>>, String);
        let row: Option<Row> = self
            .conn
            .prepare_cached(
                "SELECT c.source, c.relayed_by, a.publisher
                 FROM claims c JOIN articles a ON a.id = c.article WHERE c.id = ?1",
            )?
            .query_row([claim.0.as_slice()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        row.map(|(source, relayed_by, publisher)| {
            Ok(OriginRow {
                source: source.map(digest).transpose()?,
                relayed_by: relayed_by.map(digest).transpose()?,
                publisher,
            })
        })
        .transpose()
    }

    /// The `source.identity` of source `id`, if an editor recorded one.
    pub fn source_identity(&self, id: &Digest) -> Result<Option<IdentityRow>, StateError> {
        type Row = (Vec<u8>, Vec<u8>, i64, i64, Vec<u8>);
        let row: Option<Row> = self
            .conn
            .prepare_cached(
                "SELECT id, commitment, seq, at, signer FROM identities WHERE source = ?1",
            )?
            .query_row([id.0.as_slice()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        row.map(|(sid, commitment, seq, at, key)| {
            Ok(IdentityRow {
                id: digest(sid)?,
                source: *id,
                commitment: digest(commitment)?,
                seq: seq as u64,
                at: at as u64,
                editor: signer(self, &key)?,
            })
        })
        .transpose()
    }

    /// The class of source `id` for corroboration: the first recorded
    /// source of the sources merged or related as one person with it.
    pub(crate) fn source_class(&self, id: &Digest) -> Result<Digest, StateError> {
        let origin: Vec<u8> = self
            .conn
            .prepare_cached("SELECT origin FROM sources WHERE id = ?1")?
            .query_row([id.0.as_slice()], |r| r.get(0))?;
        digest(origin)
    }

    /// The `corroborates` and `contradicts` links from or to `claim`, in
    /// log order.
    pub(crate) fn corroboration_links(&self, claim: &Digest) -> Result<Vec<LinkedRow>, StateError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT l.id, l.to_claim, l.relation, l.seq FROM links l
               WHERE l.from_claim = ?1 AND l.relation IN ('corroborates', 'contradicts') AND {COUNTS}
             UNION ALL
             SELECT l.id, l.from_claim, l.relation, l.seq FROM links l
               WHERE l.to_claim = ?1 AND l.relation IN ('corroborates', 'contradicts') AND {COUNTS}
             ORDER BY 4"
        ))?;
        let rows: Vec<(Vec<u8>, Vec<u8>, String)> = stmt
            .query_map([claim.0.as_slice()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(link, other, relation)| {
                Ok(LinkedRow {
                    link: digest(link)?,
                    other: digest(other)?,
                    relation: relation.parse().map_err(StateError::Corrupt)?,
                })
            })
            .collect()
    }

    /// The linked claim `id` (which must be recorded).
    pub(crate) fn linked_claim(&self, id: &Digest) -> Result<LinkedClaimRow, StateError> {
        let (content_bytes, retracted, removed, publisher): (Vec<u8>, bool, bool, String) = self
            .conn
            .prepare_cached(
                "SELECT c.content, c.retraction IS NOT NULL, c.removed, a.publisher
                 FROM claims c JOIN articles a ON a.id = c.article WHERE c.id = ?1",
            )?
            .query_row([id.0.as_slice()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
        Ok(LinkedClaimRow {
            proposition: content(&content_bytes)?.proposition,
            retracted,
            removed,
            publisher,
        })
    }

    /// The claims joined to `claim` by a `same_origin` link, either way.
    pub(crate) fn same_origin(&self, claim: &Digest) -> Result<Vec<Digest>, StateError> {
        let ids: Vec<Vec<u8>> = self
            .conn
            .prepare_cached(&format!(
                "SELECT l.to_claim FROM links l WHERE l.from_claim = ?1 AND l.relation = 'same_origin' AND {COUNTS}
                 UNION ALL
                 SELECT l.from_claim FROM links l WHERE l.to_claim = ?1 AND l.relation = 'same_origin' AND {COUNTS}"
            ))?
            .query_map([claim.0.as_slice()], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.into_iter().map(digest).collect()
    }

    /// Every revision of `claim`, the record first.
    pub(crate) fn revision_details(
        &self,
        claim: &Digest,
    ) -> Result<Vec<RevisionDetail>, StateError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, number, article, reason, note, content, substance, seq, at, signer
             FROM revisions WHERE claim = ?1 ORDER BY number",
        )?;
        let mut rows = stmt.query([claim.0.as_slice()])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let reason: Option<String> = r.get(3)?;
            let bytes: Option<Vec<u8>> = r.get(5)?;
            let key: Vec<u8> = r.get(9)?;
            out.push(RevisionDetail {
                id: digest(r.get(0)?)?,
                number: r.get::<_, i64>(1)? as u64,
                article: digest(r.get(2)?)?,
                reason: reason
                    .map(|s| s.parse())
                    .transpose()
                    .map_err(StateError::Corrupt)?,
                note: r.get(4)?,
                content: bytes.as_deref().map(content).transpose()?,
                substance: r.get::<_, Option<Vec<u8>>>(6)?.map(digest).transpose()?,
                seq: r.get::<_, i64>(7)? as u64,
                at: r.get::<_, i64>(8)? as u64,
                signer: signer(self, &key)?,
            });
        }
        Ok(out)
    }

    /// Every link from or to `claim`, whatever its relation, in log order.
    pub(crate) fn link_rows(&self, claim: &Digest) -> Result<Vec<LinkRow>, StateError> {
        let cols = format!(
            "l.id, l.from_claim, l.to_claim, l.relation, l.note, l.seq, l.at, l.signer, {COUNTS},
             l.withdrawal, l.withdraw_signer, l.withdrawn_seq, l.withdrawn_at, l.withdraw_reason"
        );
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {cols} FROM links l WHERE l.from_claim = ?1
             UNION ALL
             SELECT {cols} FROM links l WHERE l.to_claim = ?1
             ORDER BY 6"
        ))?;
        let mut rows = stmt.query([claim.0.as_slice()])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let relation: String = r.get(3)?;
            let key: Vec<u8> = r.get(7)?;
            out.push(LinkRow {
                id: digest(r.get(0)?)?,
                from: digest(r.get(1)?)?,
                to: digest(r.get(2)?)?,
                relation: relation.parse().map_err(StateError::Corrupt)?,
                note: r.get(4)?,
                seq: r.get::<_, i64>(5)? as u64,
                at: r.get::<_, i64>(6)? as u64,
                signer: signer(self, &key)?,
                counts: r.get(8)?,
                withdrawal: match r.get::<_, Option<Vec<u8>>>(9)? {
                    None => None,
                    Some(id) => Some(LinkWithdrawalRow {
                        id: digest(id)?,
                        signer: signer(self, &r.get::<_, Vec<u8>>(10)?)?,
                        seq: r.get::<_, i64>(11)? as u64,
                        at: r.get::<_, i64>(12)? as u64,
                        reason: r.get(13)?,
                    }),
                },
            });
        }
        Ok(out)
    }

    /// The proposition of the recorded claim `id` (its latest with text).
    pub(crate) fn proposition(&self, id: &Digest) -> Result<String, StateError> {
        let bytes: Vec<u8> = self
            .conn
            .prepare_cached("SELECT content FROM claims WHERE id = ?1")?
            .query_row([id.0.as_slice()], |r| r.get(0))?;
        Ok(content(&bytes)?.proposition)
    }

    /// The recorded retraction `id`.
    pub(crate) fn retraction_row(&self, id: &Digest) -> Result<RetractionRow, StateError> {
        let (reason, seq, at, key): (String, i64, i64, Vec<u8>) = self
            .conn
            .prepare_cached("SELECT reason, seq, at, signer FROM retractions WHERE id = ?1")?
            .query_row([id.0.as_slice()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
        Ok(RetractionRow {
            reason,
            seq: seq as u64,
            at: at as u64,
            signer: signer(self, &key)?,
        })
    }
}
