//! Rules and tables for `source.record`, `source.identity`,
//! `source.relate` and `source.merge`.
//!
//! A source's kind decides what else must hold: named kinds and media
//! reports carry a name, anonymous ones carry none and are never on the
//! record, a person is one person and a group is not. Only an anonymous
//! source carries anonymity terms, never on the record.
//!
//! Origins (`crate::status` rule 3): each source belongs to one class, kept
//! as the `origin` column (the class's first recorded source). A
//! `source.merge` joins two named sources' classes; a same-person
//! `source.relate` joins the classes of two anonymous sources by their
//! identity commitments. A distinct-person `source.relate` is refused
//! between commitments already one class, and forbids any later join of
//! their classes.
//!
//! A `source.identity` holds only a salted commitment: one per anonymous
//! source, and a commitment vouches for one source.

use super::articles::digest;
use super::limits::{line, opt_line, opt_text, MAX_LABEL_CHARS, MAX_NOTE_CHARS};
use super::{a, refuse, short, Check, Entry, State, StateError};
use crate::digest::Digest;
use crate::statement::{
    GroundRules, Kind, SourceCount, SourceIdentity, SourceKind, SourceMerge, SourceRecord,
    SourceRelate, SourceRelation,
};
use rusqlite::{params, OptionalExtension};

/// What a checked `source.identity`, `source.relate` or `source.merge`
/// records.
pub(super) enum Plan {
    Identity,
    /// A relation between commitments (`a`, `b`) or sources; `join` is the
    /// class kept and the class joined into it, for a same-person or merge.
    Relation {
        a: Digest,
        b: Digest,
        relation: &'static str,
        join: Option<(Digest, Digest)>,
    },
}

/// Checks a `source.record` on its own (it refers to nothing).
pub(super) fn check(s: &SourceRecord) -> Result<(), Check> {
    line("label", &s.label, MAX_LABEL_CHARS)?;
    opt_line("name", &s.name, MAX_LABEL_CHARS)?;
    opt_line("role", &s.role, MAX_LABEL_CHARS)?;
    opt_line("affiliation", &s.affiliation, MAX_LABEL_CHARS)?;
    opt_line("place", &s.place, MAX_LABEL_CHARS)?;
    let kind = s.kind;
    let needs_name = matches!(
        kind,
        SourceKind::NamedPerson | SourceKind::NamedOrganization | SourceKind::MediaReport
    );
    if needs_name && s.name.is_none() {
        refuse!("source.name-missing", "a {kind} source needs a name");
    }
    if kind.is_anonymous() {
        if s.name.is_some() {
            refuse!(
                "source.anonymous-named",
                "an {kind} source has no name; describe it with label, role, affiliation and place"
            );
        }
        if s.on_record {
            refuse!(
                "source.anonymous-on-record",
                "an {kind} source is not on the record; on_record must be false"
            );
        }
    }
    if let Some(an) = &s.anonymity {
        if !kind.is_anonymous() {
            refuse!(
                "source.anonymity-named",
                "{} {kind} source is not anonymous; anonymity terms are for anonymous_person and anonymous_group sources",
                a(kind.as_str())
            );
        }
        line("anonymity.reason", &an.reason, MAX_LABEL_CHARS)?;
        if an.ground_rules == GroundRules::OnTheRecord {
            refuse!(
                "source.anonymity-on-record",
                "an anonymous source does not speak on_the_record; ground_rules must be background, deep_background or off_the_record"
            );
        }
    }
    match (kind, s.count) {
        (SourceKind::NamedPerson | SourceKind::AnonymousPerson, c) if c != SourceCount::One => {
            refuse!(
                "source.count-one",
                "{} {kind} source is one person; count must be one, not {c}",
                a(kind.as_str())
            )
        }
        (SourceKind::AnonymousGroup, SourceCount::One) => {
            refuse!("source.group-count", "an anonymous_group source is more than one person; count must be several or unknown, not one")
        }
        _ => Ok(()),
    }
}

/// Records a checked `source.record`.
pub(super) fn record(state: &State, entry: &Entry, s: &SourceRecord) -> Result<(), StateError> {
    let st = entry.statement;
    state
        .conn
        .prepare_cached(
            "INSERT INTO sources (id, label, kind, name, role, affiliation, place, on_record, count, seq, at, signer,
                                  anonymity, origin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?1)",
        )?
        .execute(params![
            st.id().0.as_slice(),
            s.label,
            s.kind.as_str(),
            s.name,
            s.role,
            s.affiliation,
            s.place,
            s.on_record,
            s.count.as_str(),
            entry.seq as i64,
            st.statement().at as i64,
            st.signer().as_bytes().as_slice(),
            s.anonymity
                .as_ref()
                .map(crate::cbor::to_vec)
                .transpose()
                .map_err(|e| StateError::Corrupt(e.to_string()))?,
        ])?;
    Ok(())
}

/// A recorded source's kind and origin class.
fn source_row(state: &State, id: &Digest) -> Result<(SourceKind, Digest), StateError> {
    let (kind, origin): (String, Vec<u8>) = state
        .conn
        .prepare_cached("SELECT kind, origin FROM sources WHERE id = ?1")?
        .query_row([id.0.as_slice()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| StateError::Corrupt(format!("source {} has no row", short(id))))?;
    Ok((kind.parse().map_err(StateError::Corrupt)?, digest(origin)?))
}

/// The `source.identity` holding `commitment` and its source, if any.
fn identity_of(state: &State, commitment: &Digest) -> Result<Option<(Digest, Digest)>, StateError> {
    Ok(state
        .conn
        .prepare_cached("SELECT id, source FROM identities WHERE commitment = ?1")?
        .query_row([commitment.0.as_slice()], |r| {
            Ok((digest(r.get(0)?)?, digest(r.get(1)?)?))
        })
        .optional()?)
}

/// The order of two classes: the one whose first source was recorded
/// first is kept.
fn join_order(state: &State, x: Digest, y: Digest) -> Result<(Digest, Digest), StateError> {
    let n = |d: &Digest| -> Result<i64, StateError> {
        Ok(state
            .conn
            .prepare_cached("SELECT n FROM sources WHERE id = ?1")?
            .query_row([d.0.as_slice()], |r| r.get(0))?)
    };
    Ok(if n(&x)? <= n(&y)? { (x, y) } else { (y, x) })
}

/// Checks a `source.identity`.
pub(super) fn check_identity(
    state: &State,
    entry: &Entry,
    i: &SourceIdentity,
) -> Result<Plan, Check> {
    let at = entry.statement.statement().at;
    state.reference("source", &i.source, &[Kind::SourceRecord], at)?;
    let (kind, _) = source_row(state, &i.source)?;
    if !kind.is_anonymous() {
        refuse!(
            "identity.not-anonymous",
            "source {} is {} {kind} source; an identity commitment is for an anonymous source",
            short(&i.source),
            a(kind.as_str())
        );
    }
    let existing: Option<Vec<u8>> = state
        .conn
        .prepare_cached("SELECT id FROM identities WHERE source = ?1")?
        .query_row([i.source.0.as_slice()], |r| r.get(0))
        .optional()?;
    if let Some(id) = existing {
        refuse!(
            "identity.repeated",
            "source {} already has an identity commitment (source.identity {})",
            short(&i.source),
            short(&digest(id)?)
        );
    }
    if let Some((id, other)) = identity_of(state, &i.commitment)? {
        refuse!(
            "identity.commitment-repeated",
            "commitment {} already vouches for source {} (source.identity {}); use a fresh salt for each source, and source.relate to say two are one person",
            short(&i.commitment),
            short(&other),
            short(&id)
        );
    }
    Ok(Plan::Identity)
}

/// Checks a `source.relate`.
pub(super) fn check_relate(state: &State, entry: &Entry, r: &SourceRelate) -> Result<Plan, Check> {
    if r.a == r.b {
        refuse!(
            "relate.self",
            "a and b are the same commitment {}; relate two commitments",
            short(&r.a)
        );
    }
    opt_text("note", &r.note, MAX_NOTE_CHARS)?;
    let at = entry.statement.statement().at;
    let mut classes = Vec::new();
    for (field, c) in [("a", &r.a), ("b", &r.b)] {
        let Some((id, source)) = identity_of(state, c)? else {
            refuse!(
                "relate.unknown-commitment",
                "{field} {} is not the commitment of any source.identity in the ledger",
                short(c)
            );
        };
        state.reference(field, &id, &[Kind::SourceIdentity], at)?;
        classes.push(source_row(state, &source)?.1);
    }
    let existing: Option<(Vec<u8>, String)> = state
        .conn
        .prepare_cached(
            "SELECT id, relation FROM source_relations
             WHERE (a = ?1 AND b = ?2) OR (a = ?2 AND b = ?1) LIMIT 1",
        )?
        .query_row(params![r.a.0.as_slice(), r.b.0.as_slice()], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    if let Some((id, rel)) = existing {
        let id = short(&digest(id)?);
        if rel == r.relation.as_str() {
            refuse!(
                "relate.duplicate",
                "commitments {} and {} are already related as {rel} (source.relate {id})",
                short(&r.a),
                short(&r.b)
            );
        }
        refuse!(
            "relate.contradictory",
            "commitments {} and {} are already related as {rel} (source.relate {id}); they cannot be both",
            short(&r.a),
            short(&r.b)
        );
    }
    let (x, y) = (classes[0], classes[1]);
    match r.relation {
        SourceRelation::SamePerson => {
            if x == y {
                refuse!(
                    "relate.already-same",
                    "commitments {} and {} are already one origin (through earlier same-person relations)",
                    short(&r.a),
                    short(&r.b)
                );
            }
            if let Some(id) = distinct_between(state, &x, &y)? {
                refuse!(
                    "relate.contradictory",
                    "the people behind commitments {} and {} were said to be distinct people (source.relate {}); they cannot be one person",
                    short(&r.a),
                    short(&r.b),
                    short(&id)
                );
            }
            Ok(Plan::Relation {
                a: r.a,
                b: r.b,
                relation: r.relation.as_str(),
                join: Some(join_order(state, x, y)?),
            })
        }
        SourceRelation::DistinctPerson => {
            if x == y {
                refuse!(
                    "relate.contradictory",
                    "commitments {} and {} are already one person (through same-person relations); they cannot be distinct",
                    short(&r.a),
                    short(&r.b)
                );
            }
            Ok(Plan::Relation {
                a: r.a,
                b: r.b,
                relation: r.relation.as_str(),
                join: None,
            })
        }
    }
}

/// A distinct-person relation between a commitment of class `x` and one
/// of class `y`, if any.
fn distinct_between(state: &State, x: &Digest, y: &Digest) -> Result<Option<Digest>, StateError> {
    let id: Option<Vec<u8>> = state
        .conn
        .prepare_cached(
            "SELECT r.id FROM source_relations r
             JOIN identities ia ON ia.commitment = r.a JOIN sources sa ON sa.id = ia.source
             JOIN identities ib ON ib.commitment = r.b JOIN sources sb ON sb.id = ib.source
             WHERE r.relation = 'distinct_person'
               AND ((sa.origin = ?1 AND sb.origin = ?2) OR (sa.origin = ?2 AND sb.origin = ?1))
             LIMIT 1",
        )?
        .query_row(params![x.0.as_slice(), y.0.as_slice()], |r| r.get(0))
        .optional()?;
    Ok(id.map(digest).transpose()?)
}

/// Checks a `source.merge`.
pub(super) fn check_merge(state: &State, entry: &Entry, m: &SourceMerge) -> Result<Plan, Check> {
    if m.source == m.into {
        refuse!(
            "merge.self",
            "source and into are the same source {}; merge two records",
            short(&m.source)
        );
    }
    opt_text("note", &m.note, MAX_NOTE_CHARS)?;
    let at = entry.statement.statement().at;
    let mut rows = Vec::new();
    for (field, id) in [("source", &m.source), ("into", &m.into)] {
        state.reference(field, id, &[Kind::SourceRecord], at)?;
        let (kind, class) = source_row(state, id)?;
        if kind.is_anonymous() {
            refuse!(
                "merge.anonymous",
                "{field} {} is an {kind} source; anonymous sources are one person by source.identity and a same_person source.relate",
                short(id)
            );
        }
        rows.push((kind, class));
    }
    if rows[0].0 != rows[1].0 {
        refuse!(
            "merge.kind",
            "source {} is {} {} and {} is {} {}; only records of the same kind are one source",
            short(&m.source),
            a(rows[0].0.as_str()),
            rows[0].0,
            short(&m.into),
            a(rows[1].0.as_str()),
            rows[1].0
        );
    }
    if rows[0].1 == rows[1].1 {
        refuse!(
            "merge.already",
            "sources {} and {} are already one origin",
            short(&m.source),
            short(&m.into)
        );
    }
    Ok(Plan::Relation {
        a: m.source,
        b: m.into,
        relation: "merge",
        join: Some(join_order(state, rows[1].1, rows[0].1)?),
    })
}

/// Records a checked `source.identity`, `source.relate` or `source.merge`.
pub(super) fn record_relation(state: &State, entry: &Entry, plan: Plan) -> Result<(), StateError> {
    let st = entry.statement;
    let at = st.statement().at as i64;
    match (plan, &st.statement().body) {
        (Plan::Identity, crate::statement::Body::SourceIdentity(i)) => {
            state
                .conn
                .prepare_cached(
                    "INSERT INTO identities (id, source, commitment, seq, at, signer)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    st.id().0.as_slice(),
                    i.source.0.as_slice(),
                    i.commitment.0.as_slice(),
                    entry.seq as i64,
                    at,
                    st.signer().as_bytes().as_slice(),
                ])?;
        }
        (
            Plan::Relation {
                a,
                b,
                relation,
                join,
            },
            body,
        ) => {
            let note = match body {
                crate::statement::Body::SourceRelate(r) => r.note.clone(),
                crate::statement::Body::SourceMerge(m) => m.note.clone(),
                _ => None,
            };
            state
                .conn
                .prepare_cached(
                    "INSERT INTO source_relations (id, a, b, relation, note, seq, at, signer)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    st.id().0.as_slice(),
                    a.0.as_slice(),
                    b.0.as_slice(),
                    relation,
                    note,
                    entry.seq as i64,
                    at,
                    st.signer().as_bytes().as_slice(),
                ])?;
            if let Some((keep, joined)) = join {
                state
                    .conn
                    .prepare_cached("UPDATE sources SET origin = ?1 WHERE origin = ?2")?
                    .execute(params![keep.0.as_slice(), joined.0.as_slice()])?;
            }
        }
        _ => unreachable!("source plans match their statement's body"),
    }
    Ok(())
}
