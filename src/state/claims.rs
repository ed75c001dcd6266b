//! Rules and tables for `claim.record`, `claim.revise` and `claim.retract`.
//!
//! A claim is anchored in one version of an article and checked against its
//! exact text. It then moves along the article's version chain by
//! revisions:
//!
//! - a revision reads a newer version of the same chain than the claim's
//!   current revision, except that reason `error` (fixing our own record)
//!   may stay on the same version;
//! - `removed` says the newer version dropped the claim; it needs a newer
//!   version (a claim recorded in error is retracted, not removed), and a
//!   later revision with text restores the claim (outlets do revert edits);
//! - a retraction is final: nothing revises, links to or judges a retracted
//!   claim afterwards (a checker may still withdraw an earlier verdict);
//! - a retraction is allowed after a removal, since the record of the claim
//!   as it once stood may itself have been the error.

use super::articles::{self, digest, opt_digest, ArticleRow};
use super::limits::{
    line, opt_line, opt_text, quoted, text, MAX_CONTEXT_CHARS, MAX_EXACT_CHARS, MAX_LABEL_CHARS,
    MAX_NOTE_CHARS, MAX_PROPOSITION_CHARS, MAX_QUOTE_CHARS,
};
use super::{refuse, short, Blobs, Check, Entry, Refusal, State, StateError};
use crate::digest::Digest;
use crate::statement::{
    Change, ChangeReason, ClaimContent, ClaimRecord, ClaimRetract, ClaimRevise, Kind, Mode,
};
use rusqlite::{params, OptionalExtension};

/// What a checked claim statement will record.
pub(super) enum Plan {
    Record {
        content: ClaimContent,
        article: ArticleRow,
    },
    Revise {
        claim: ClaimRow,
        article: Digest,
        content: Option<ClaimContent>,
        reason: ChangeReason,
        note: Option<String>,
    },
    Retract {
        claim: ClaimRow,
        reason: String,
    },
}

/// A claim's current state, as the rules see it.
#[derive(Clone, Debug)]
pub(crate) struct ClaimRow {
    pub id: Digest,
    pub revision: Digest,
    pub revisions: u64,
    pub article: Digest,
    pub content_revision: Digest,
    pub substance: Digest,
    pub removed: bool,
    pub retraction: Option<Digest>,
}

/// The claim `id`, if recorded.
pub(crate) fn row(state: &State, id: &Digest) -> Result<Option<ClaimRow>, StateError> {
    Ok(state
        .conn
        .prepare_cached(
            "SELECT n, revision, revisions, article, content_revision, substance, removed, retraction
             FROM claims WHERE id = ?1",
        )?
        .query_row([id.0.as_slice()], |r| {
            Ok(ClaimRow {
                id: *id,
                revision: digest(r.get(1)?)?,
                revisions: r.get::<_, i64>(2)? as u64,
                article: digest(r.get(3)?)?,
                content_revision: digest(r.get(4)?)?,
                substance: digest(r.get(5)?)?,
                removed: r.get(6)?,
                retraction: opt_digest(r.get(7)?)?,
            })
        })
        .optional()?)
}

/// A claim that a statement refers to by `field`: it must be a
/// `claim.record` not dated after `at`.
pub(crate) fn referenced(
    state: &State,
    field: &str,
    id: &Digest,
    at: u64,
) -> Result<ClaimRow, Check> {
    state.reference(field, id, &[Kind::ClaimRecord], at)?;
    Ok(row(state, id)?
        .ok_or_else(|| StateError::Corrupt(format!("claim {} has no row", short(id))))?)
}

/// Refuses when the claim was retracted; `what` says what was attempted.
pub(crate) fn not_retracted(claim: &ClaimRow, what: &str) -> Result<(), Check> {
    if let Some(r) = claim.retraction {
        refuse!(
            "claim.retracted",
            "claim {} was retracted (by {}); a retracted claim cannot be {what}",
            short(&claim.id),
            short(&r)
        );
    }
    Ok(())
}

/// One revision of a claim, as the rules see it.
#[derive(Clone, Debug)]
pub(crate) struct RevisionRow {
    pub claim: Digest,
    /// `None` for a removal.
    pub substance: Option<Digest>,
}

/// The revision `id` (a `claim.record` or `claim.revise`), if recorded.
pub(crate) fn revision(state: &State, id: &Digest) -> Result<Option<RevisionRow>, StateError> {
    use rusqlite::types::ValueRef;
    type Row = (Vec<u8>, Option<Vec<u8>>, Option<Vec<u8>>);
    let row: Option<Row> = state
        .conn
        .prepare_cached("SELECT claim, substance, mac FROM revisions WHERE id = ?1")?
        .query_row([id.0.as_slice()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((claim, substance, mac)) = row else {
        return Ok(None);
    };
    state.check_row(
        "revisions",
        &short(id),
        &[
            ValueRef::Blob(&id.0),
            ValueRef::Blob(&claim),
            substance.as_deref().map_or(ValueRef::Null, ValueRef::Blob),
        ],
        mac.as_deref(),
    )?;
    Ok(Some(RevisionRow {
        claim: digest(claim)?,
        substance: opt_digest(substance)?,
    }))
}

/// Checks a claim's content against its article version's text and the
/// sources it names.
fn check_content(
    state: &State,
    at: u64,
    c: &ClaimContent,
    article: &ArticleRow,
    blobs: &dyn Blobs,
) -> Result<(), Check> {
    line("proposition", &c.proposition, MAX_PROPOSITION_CHARS)?;
    let a = &c.anchor;
    for (field, v, max) in [
        ("anchor.exact", &a.exact, MAX_EXACT_CHARS),
        ("anchor.prefix", &a.prefix, MAX_CONTEXT_CHARS),
        ("anchor.suffix", &a.suffix, MAX_CONTEXT_CHARS),
    ] {
        let n = v.chars().count();
        if n > max {
            refuse!(
                "field.too-long",
                "{field} is {n} characters; at most {max} are allowed"
            );
        }
    }
    let t = &c.attribution;
    if let Some(s) = &t.source {
        state.reference("attribution.source", s, &[Kind::SourceRecord], at)?;
    }
    if let Some(r) = &t.relayed_by {
        state.reference("attribution.relayed_by", r, &[Kind::SourceRecord], at)?;
        if t.source == Some(*r) {
            refuse!("claim.relays-itself",
                "attribution.relayed_by is the same source as attribution.source ({}); a source does not relay itself",
                short(r)
            );
        }
    }
    opt_line("attribution.cue", &t.cue, MAX_LABEL_CHARS)?;
    let attributed = t.source.is_some() || t.relayed_by.is_some();
    if attributed && t.cue.is_none() {
        refuse!("claim.cue-missing", "attribution.cue is missing; an attributed claim needs the words that attribute it (\"according to\", \"said\")");
    }
    quoted("attribution.quote", &t.quote, MAX_QUOTE_CHARS)?;
    if let Some(q) = &t.quote {
        if !a.exact.contains(q.as_str()) {
            refuse!("claim.quote-not-in-anchor", "attribution.quote does not occur in anchor.exact; the quoted words must be inside the anchored text");
        }
    }
    if t.mode == Mode::DirectQuote {
        if t.quote.is_none() {
            refuse!(
                "claim.quote-missing",
                "attribution.quote is missing; a direct_quote needs the quoted words"
            );
        }
        if !attributed {
            refuse!("claim.quote-unattributed", "a direct_quote needs attribution.source or attribution.relayed_by: whose words are they?");
        }
    }
    let text = articles::text(state, blobs, article)?;
    a.check_in(&text).map_err(|reason| {
        Check::Refused(Refusal {
            rule: "claim.anchor",
            reason,
        })
    })
}

/// Checks a `claim.record`.
pub(super) fn check_record(
    state: &State,
    entry: &Entry,
    c: &ClaimRecord,
    blobs: &dyn Blobs,
) -> Result<Plan, Check> {
    let at = entry.statement.statement().at;
    state.reference("article", &c.article, &[Kind::ArticleRecord], at)?;
    let article = articles::row(state, &c.article)?
        .ok_or_else(|| StateError::Corrupt(format!("article {} has no row", short(&c.article))))?;
    let content = c.content();
    check_content(state, at, &content, &article, blobs)?;
    Ok(Plan::Record { content, article })
}

/// Checks a `claim.revise`.
pub(super) fn check_revise(
    state: &State,
    entry: &Entry,
    r: &ClaimRevise,
    blobs: &dyn Blobs,
) -> Result<Plan, Check> {
    let at = entry.statement.statement().at;
    let claim = referenced(state, "claim", &r.claim, at)?;
    not_retracted(&claim, "revised")?;
    let current = state.referenced(&claim.revision)?.ok_or_else(|| {
        StateError::Corrupt(format!("revision {} missing", short(&claim.revision)))
    })?;
    super::keys::not_before(
        at,
        current.at,
        &format!(
            "claim {}'s current revision {}",
            short(&claim.id),
            short(&claim.revision)
        ),
    )?;
    state.reference("article", &r.article, &[Kind::ArticleRecord], at)?;
    let article = articles::row(state, &r.article)?
        .ok_or_else(|| StateError::Corrupt(format!("article {} has no row", short(&r.article))))?;
    let reads = articles::row(state, &claim.article)?.ok_or_else(|| {
        StateError::Corrupt(format!("article {} has no row", short(&claim.article)))
    })?;
    if article.chain != reads.chain {
        refuse!("claim.revise-other-article",
            "article {} is not a version of the article claim {} is in (it belongs to another version chain)",
            short(&r.article),
            short(&claim.id)
        );
    }
    if article.version < reads.version {
        refuse!("claim.revise-older-version",
            "article {} is version {}, older than version {} that claim {}'s current revision reads",
            short(&r.article),
            article.version,
            reads.version,
            short(&claim.id)
        );
    }
    let removing = r.change == Change::Removed;
    if removing && claim.removed {
        refuse!(
            "claim.already-removed",
            "claim {} is already removed (revision {})",
            short(&claim.id),
            short(&claim.revision)
        );
    }
    if article.version == reads.version {
        if removing {
            refuse!("claim.remove-needs-newer-version",
                "removed needs a newer article version than version {} that claim {} reads; to take back a claim recorded in error, retract it",
                reads.version,
                short(&claim.id)
            );
        }
        if r.reason != ChangeReason::Error {
            refuse!("claim.revise-needs-newer-version",
                "article {} is version {}, the version claim {}'s current revision already reads; reason {} needs a newer version (only reason error revises within a version)",
                short(&r.article),
                article.version,
                short(&claim.id),
                r.reason
            );
        }
        if claim.removed {
            refuse!(
                "claim.restore-needs-newer-version",
                "claim {} was removed from version {}; only a newer version can restore it",
                short(&claim.id),
                reads.version
            );
        }
        if let Change::Content(c) = &r.change {
            if c.substance_key() == claim.substance {
                refuse!(
                    "claim.revise-unchanged",
                    "nothing to revise: claim {} already reads like this in article version {}",
                    short(&claim.id),
                    reads.version
                );
            }
        }
    }
    opt_text("note", &r.note, MAX_NOTE_CHARS)?;
    let content = match &r.change {
        Change::Removed => None,
        Change::Content(c) => {
            check_content(state, at, c, &article, blobs)?;
            Some(c.clone())
        }
    };
    Ok(Plan::Revise {
        claim,
        article: r.article,
        content,
        reason: r.reason,
        note: r.note.clone(),
    })
}

/// Checks a `claim.retract`.
pub(super) fn check_retract(state: &State, entry: &Entry, r: &ClaimRetract) -> Result<Plan, Check> {
    let at = entry.statement.statement().at;
    let claim = referenced(state, "claim", &r.claim, at)?;
    if let Some(by) = claim.retraction {
        refuse!(
            "claim.already-retracted",
            "claim {} is already retracted (by {})",
            short(&claim.id),
            short(&by)
        );
    }
    text("reason", &r.reason, MAX_NOTE_CHARS)?;
    Ok(Plan::Retract {
        claim,
        reason: r.reason.clone(),
    })
}

fn encode(c: &ClaimContent) -> Result<Vec<u8>, StateError> {
    crate::cbor::to_vec(c).map_err(|e| StateError::Corrupt(e.to_string()))
}

/// Records a checked claim statement.
pub(super) fn record(state: &State, entry: &Entry, plan: Plan) -> Result<(), StateError> {
    let st = entry.statement;
    let id = st.id();
    let at = st.statement().at as i64;
    let signer = st.signer().as_bytes().as_slice();
    let seq = entry.seq as i64;
    let claim = match plan {
        Plan::Record { content, article } => {
            let bytes = encode(&content)?;
            let substance = content.substance_key();
            let t = &content.attribution;
            state
                .conn
                .prepare_cached(
                    "INSERT INTO claims (id, chain, revision, revisions, article, content_revision, content,
                                         substance, source, relayed_by, status, seq, at, signer)
                     VALUES (?1, ?2, ?1, 1, ?3, ?1, ?4, ?5, ?6, ?7, 'unreviewed', ?8, ?9, ?10)",
                )?
                .execute(params![
                    id.0.as_slice(),
                    article.chain.0.as_slice(),
                    article.id.0.as_slice(),
                    bytes,
                    substance.0.as_slice(),
                    t.source.map(|d| d.0.to_vec()),
                    t.relayed_by.map(|d| d.0.to_vec()),
                    seq,
                    at,
                    signer,
                ])?;
            insert_revision(
                state,
                &id,
                &id,
                0,
                &article.id,
                None,
                None,
                Some((&bytes, &substance)),
                seq,
                at,
                signer,
            )?;
            // No verdict can name a claim before it is recorded, and the
            // quorum is at least 1 (rule `genesis.quorum`): what
            // `standing::derive` gives a new claim is the `unreviewed` it
            // is inserted with.
            return Ok(());
        }
        Plan::Revise {
            claim,
            article,
            content,
            reason,
            note,
        } => {
            let encoded = match &content {
                Some(c) => Some((encode(c)?, c.substance_key())),
                None => None,
            };
            insert_revision(
                state,
                &id,
                &claim.id,
                claim.revisions,
                &article,
                Some(reason),
                note.as_deref(),
                encoded.as_ref().map(|(b, s)| (b.as_slice(), s)),
                seq,
                at,
                signer,
            )?;
            match (&content, encoded) {
                (Some(c), Some((bytes, substance))) => {
                    state
                        .conn
                        .prepare_cached(
                            "UPDATE claims SET revision = ?2, revisions = revisions + 1, article = ?3,
                                    content_revision = ?2, content = ?4, substance = ?5, source = ?6,
                                    relayed_by = ?7, removed = 0
                             WHERE id = ?1",
                        )?
                        .execute(params![
                            claim.id.0.as_slice(),
                            id.0.as_slice(),
                            article.0.as_slice(),
                            bytes,
                            substance.0.as_slice(),
                            c.attribution.source.map(|d| d.0.to_vec()),
                            c.attribution.relayed_by.map(|d| d.0.to_vec()),
                        ])?;
                }
                _ => {
                    state
                        .conn
                        .prepare_cached(
                            "UPDATE claims SET revision = ?2, revisions = revisions + 1, article = ?3, removed = 1
                             WHERE id = ?1",
                        )?
                        .execute(params![claim.id.0.as_slice(), id.0.as_slice(), article.0.as_slice()])?;
                }
            }
            claim.id
        }
        Plan::Retract { claim, reason } => {
            state
                .conn
                .prepare_cached(
                    "INSERT INTO retractions (id, claim, reason, seq, at, signer) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![id.0.as_slice(), claim.id.0.as_slice(), reason, seq, at, signer])?;
            state
                .conn
                .prepare_cached("UPDATE claims SET retraction = ?2 WHERE id = ?1")?
                .execute(params![claim.id.0.as_slice(), id.0.as_slice()])?;
            claim.id
        }
    };
    refresh_status(state, &claim)
}

#[allow(clippy::too_many_arguments)]
fn insert_revision(
    state: &State,
    id: &Digest,
    claim: &Digest,
    number: u64,
    article: &Digest,
    reason: Option<ChangeReason>,
    note: Option<&str>,
    content: Option<(&[u8], &Digest)>,
    seq: i64,
    at: i64,
    signer: &[u8],
) -> Result<(), StateError> {
    use rusqlite::types::ValueRef;
    let substance = content.map(|(_, s)| s.0.to_vec());
    let mac = state.row_mac(
        "revisions",
        &[
            ValueRef::Blob(&id.0),
            ValueRef::Blob(&claim.0),
            substance.as_deref().map_or(ValueRef::Null, ValueRef::Blob),
        ],
    )?;
    state
        .conn
        .prepare_cached(
            "INSERT INTO revisions (id, claim, number, article, reason, note, content, substance, seq, at, signer, mac)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            id.0.as_slice(),
            claim.0.as_slice(),
            number as i64,
            article.0.as_slice(),
            reason.map(|r| r.as_str()),
            note,
            content.map(|(b, _)| b),
            substance,
            seq,
            at,
            signer,
            mac,
        ])?;
    Ok(())
}

/// Marks the cached status of `claim` (see `standing.rs`) for
/// recomputing before anything reads it ([`State::flush_status`]): a claim
/// judged twice in a batch is derived once.
pub(crate) fn refresh_status(state: &State, claim: &Digest) -> Result<(), StateError> {
    state.dirty.borrow_mut().insert(*claim);
    Ok(())
}

/// Recomputes and writes the cached status of `claim`.
pub(super) fn write_status(state: &State, claim: &Digest) -> Result<(), StateError> {
    let status = super::standing::derive(state, claim)?;
    state
        .conn
        .prepare_cached("UPDATE claims SET status = ?2 WHERE id = ?1")?
        .execute(params![claim.0.as_slice(), status.as_str()])?;
    Ok(())
}

/// Recomputes the cached status of every claim `signer` has judged.
pub(crate) fn refresh_status_of_signer(state: &State, signer: &[u8; 32]) -> Result<(), StateError> {
    let claims: Vec<Vec<u8>> = state
        .conn
        .prepare_cached("SELECT DISTINCT claim FROM verifications WHERE signer = ?1")?
        .query_map([signer.as_slice()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for c in claims {
        refresh_status(state, &digest(c)?)?;
    }
    Ok(())
}
