//! Rules and table for `source.record`.
//!
//! A source's kind decides what else must hold: named kinds and media
//! reports carry a name, anonymous ones carry none and are never on the
//! record, a person is one person and a group is not.

use super::limits::{line, opt_line, MAX_LABEL_CHARS};
use super::{a, refuse, Check, Entry, State, StateError};
use crate::statement::{SourceCount, SourceKind, SourceRecord};
use rusqlite::params;

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
            "INSERT INTO sources (id, label, kind, name, role, affiliation, place, on_record, count, seq, at, signer)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
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
        ])?;
    Ok(())
}
