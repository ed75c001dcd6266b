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

// ---------------------------------- anonymity, identity, relate, merge

fn anonymity(ground_rules: GroundRules) -> Option<Anonymity> {
    Some(Anonymity {
        reason: "not authorised to speak publicly".into(),
        ground_rules,
        basis: Basis::Direct,
    })
}

fn identity(source: Digest, commitment: Digest) -> Body {
    Body::SourceIdentity(SourceIdentity { source, commitment })
}

fn relate(a: Digest, b: Digest, relation: SourceRelation) -> Body {
    Body::SourceRelate(SourceRelate {
        a,
        b,
        relation,
        note: None,
    })
}

fn merge(source: Digest, into: Digest) -> Body {
    Body::SourceMerge(SourceMerge {
        source,
        into,
        note: Some("the same spokesperson".into()),
    })
}

/// A commitment to `who` with a salt made of `salt` bytes.
fn commit(who: &str, salt: u8) -> Digest {
    identity_commitment(who, &[salt; 32])
}

#[test]
fn anonymity_terms_are_for_anonymous_sources_off_the_record() {
    let mut f = fx();
    let ed = ed(&f.w);
    let cases = [
        (SourceRecord { anonymity: anonymity(GroundRules::Background), ..source(SourceKind::NamedPerson, "spokesperson", Some("A. Person")) },
            "source.anonymity-named", "source.record refused: a named_person source is not anonymous; anonymity terms are for anonymous_person and anonymous_group sources"),
        (SourceRecord { anonymity: anonymity(GroundRules::OnTheRecord), ..source(SourceKind::AnonymousPerson, "a source", None) },
            "source.anonymity-on-record", "source.record refused: an anonymous source does not speak on_the_record; ground_rules must be background, deep_background or off_the_record"),
        (SourceRecord { anonymity: Some(Anonymity { reason: "fear\u{7}".into(), ground_rules: GroundRules::DeepBackground, basis: Basis::Secondhand }), ..source(SourceKind::AnonymousGroup, "officials", None) },
            "field.control-character", "source.record refused: anonymity.reason contains the control character U+0007; it must be one line of text"),
    ];
    for (s, rule, message) in cases {
        let (got_rule, got) = f.w.refused_by(&ed, Body::SourceRecord(s));
        assert_eq!((got_rule, got.as_str()), (rule, message));
    }
    for g in [
        GroundRules::Background,
        GroundRules::DeepBackground,
        GroundRules::OffTheRecord,
    ] {
        f.w.source(SourceRecord {
            anonymity: anonymity(g),
            ..source(SourceKind::AnonymousPerson, "a source", None)
        });
    }
}

#[test]
fn identity_relate_and_merge_rules() {
    let mut f = fx();
    let ed = ed(&f.w);
    let checker = f.w.checker.clone();
    let officials =
        f.w.source(source(SourceKind::AnonymousGroup, "Afghan officials", None));
    let islamabad = f.w.source(source(
        SourceKind::AnonymousPerson,
        "an Islamabad official",
        None,
    ));
    let mujahid2 = f.w.source(source(
        SourceKind::NamedPerson,
        "the spokesman",
        Some("Zabihullah Mujahid"),
    ));
    let (cd, ck, co, ci) = (
        commit("P", 1),
        commit("P", 2),
        commit("Q", 3),
        commit("R", 4),
    );
    let check = |w: &mut World, key: &SecretKey, body: Body, rule: &str, message: String| {
        let (got_rule, got) = w.refused_by(key, body);
        assert_eq!((got_rule, got), (rule, message));
    };
    // source.identity
    check(&mut f.w, &checker, identity(f.diplomats, cd), "signer.role",
        format!("source.identity refused: signer Cem Checker (checker, kid {}) has no role that may sign source.identity (needs editor)", kid(&checker)));
    check(
        &mut f.w,
        &ed,
        identity(f.accused, cd),
        "ref.kind",
        format!(
            "source.identity refused: source {} is a claim.record, not a source.record",
            short(&f.accused)
        ),
    );
    check(&mut f.w, &ed, identity(f.mujahid, cd), "identity.not-anonymous",
        format!("source.identity refused: source {} is a named_person source; an identity commitment is for an anonymous source", short(&f.mujahid)));
    let id_d = f.w.ok(&ed, identity(f.diplomats, cd));
    check(&mut f.w, &ed, identity(f.diplomats, ck), "identity.repeated",
        format!("source.identity refused: source {} already has an identity commitment (source.identity {})", short(&f.diplomats), short(&id_d)));
    check(&mut f.w, &ed, identity(f.kabul, cd), "identity.commitment-repeated",
        format!("source.identity refused: commitment {} already vouches for source {} (source.identity {}); use a fresh salt for each source, and source.relate to say two are one person", short(&cd), short(&f.diplomats), short(&id_d)));
    f.w.ok(&ed, identity(f.kabul, ck));
    f.w.ok(&ed, identity(officials, co));
    f.w.ok(&ed, identity(islamabad, ci));

    // source.relate
    use SourceRelation::{DistinctPerson, SamePerson};
    check(
        &mut f.w,
        &ed,
        relate(cd, cd, SamePerson),
        "relate.self",
        format!(
            "source.relate refused: a and b are the same commitment {}; relate two commitments",
            short(&cd)
        ),
    );
    let nobody = commit("nobody", 9);
    check(&mut f.w, &ed, relate(cd, nobody, SamePerson), "relate.unknown-commitment",
        format!("source.relate refused: b {} is not the commitment of any source.identity in the ledger", short(&nobody)));
    let same = f.w.ok(&ed, relate(cd, ck, SamePerson));
    check(&mut f.w, &ed, relate(ck, cd, SamePerson), "relate.duplicate",
        format!("source.relate refused: commitments {} and {} are already related as same_person (source.relate {})", short(&ck), short(&cd), short(&same)));
    check(&mut f.w, &ed, relate(cd, ck, DistinctPerson), "relate.contradictory",
        format!("source.relate refused: commitments {} and {} are already related as same_person (source.relate {}); they cannot be both", short(&cd), short(&ck), short(&same)));
    f.w.ok(&ed, relate(ck, co, SamePerson));
    check(&mut f.w, &ed, relate(cd, co, SamePerson), "relate.already-same",
        format!("source.relate refused: commitments {} and {} are already one origin (through earlier same-person relations)", short(&cd), short(&co)));
    check(&mut f.w, &ed, relate(co, cd, DistinctPerson), "relate.contradictory",
        format!("source.relate refused: commitments {} and {} are already one person (through same-person relations); they cannot be distinct", short(&co), short(&cd)));
    let distinct = f.w.ok(&ed, relate(ci, cd, DistinctPerson));
    check(&mut f.w, &ed, relate(co, ci, SamePerson), "relate.contradictory",
        format!("source.relate refused: the people behind commitments {} and {} were said to be distinct people (source.relate {}); they cannot be one person", short(&co), short(&ci), short(&distinct)));

    // source.merge
    check(
        &mut f.w,
        &ed,
        merge(f.mujahid, f.mujahid),
        "merge.self",
        format!(
            "source.merge refused: source and into are the same source {}; merge two records",
            short(&f.mujahid)
        ),
    );
    check(&mut f.w, &ed, merge(f.kabul, f.mujahid), "merge.anonymous",
        format!("source.merge refused: source {} is an anonymous_person source; anonymous sources are one person by source.identity and a same_person source.relate", short(&f.kabul)));
    check(&mut f.w, &ed, merge(f.guardian, f.mujahid), "merge.kind",
        format!("source.merge refused: source {} is a media_report and {} is a named_person; only records of the same kind are one source", short(&f.guardian), short(&f.mujahid)));
    check(
        &mut f.w,
        &ed,
        merge(f.a1, f.mujahid),
        "ref.kind",
        format!(
            "source.merge refused: source {} is an article.record, not a source.record",
            short(&f.a1)
        ),
    );
    f.w.ok(&ed, merge(mujahid2, f.mujahid));
    check(
        &mut f.w,
        &ed,
        merge(f.mujahid, mujahid2),
        "merge.already",
        format!(
            "source.merge refused: sources {} and {} are already one origin",
            short(&f.mujahid),
            short(&mujahid2)
        ),
    );
}
