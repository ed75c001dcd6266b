//! Rules of `source.record` (`src/state/sources.rs`).

use super::*;

// ---------------------------------------------------------------- sources

#[test]
fn source_rules() {
    let mut f = fx();
    let ed = ed(&f.w);
    let mut refuse = |s: SourceRecord| f.w.refused(&ed, Body::SourceRecord(s));
    let named = || source(SourceKind::NamedPerson, "spokesperson", Some("A. Person"));
    let group = || source(SourceKind::AnonymousGroup, "diplomatic sources", None);

    assert_eq!(
        refuse(SourceRecord {
            label: "  ".into(),
            ..named()
        }),
        "source.record refused: label is empty"
    );
    assert_eq!(
        refuse(SourceRecord {
            label: "x".repeat(MAX_LABEL_CHARS + 1),
            ..named()
        }),
        "source.record refused: label is 201 characters; at most 200 are allowed"
    );
    assert_eq!(
        refuse(SourceRecord {
            role: Some("spokes\u{1b}person".into()),
            ..named()
        }),
        "source.record refused: role contains the control character U+001B; it must be one line of text"
    );
    assert_eq!(
        refuse(SourceRecord {
            place: Some("k".repeat(MAX_LABEL_CHARS + 1)),
            ..named()
        }),
        "source.record refused: place is 201 characters; at most 200 are allowed"
    );
    assert_eq!(
        refuse(SourceRecord {
            name: None,
            ..named()
        }),
        "source.record refused: a named_person source needs a name"
    );
    assert_eq!(
        refuse(SourceRecord {
            name: None,
            ..source(SourceKind::MediaReport, "The Sunday Guardian", Some("x"))
        }),
        "source.record refused: a media_report source needs a name"
    );
    assert_eq!(
        refuse(SourceRecord {
            name: Some("Ambassador X".into()),
            ..group()
        }),
        "source.record refused: an anonymous_group source has no name; describe it with label, role, affiliation and place"
    );
    assert_eq!(
        refuse(SourceRecord {
            on_record: true,
            ..source(SourceKind::AnonymousPerson, "a source", None)
        }),
        "source.record refused: an anonymous_person source is not on the record; on_record must be false"
    );
    assert_eq!(
        refuse(SourceRecord {
            count: SourceCount::Several,
            ..named()
        }),
        "source.record refused: a named_person source is one person; count must be one, not several"
    );
    assert_eq!(
        refuse(SourceRecord {
            count: SourceCount::Unknown,
            ..source(SourceKind::AnonymousPerson, "a source", None)
        }),
        "source.record refused: an anonymous_person source is one person; count must be one, not unknown"
    );
    assert_eq!(
        refuse(SourceRecord {
            count: SourceCount::One,
            ..group()
        }),
        "source.record refused: an anonymous_group source is more than one person; count must be several or unknown, not one"
    );
}
