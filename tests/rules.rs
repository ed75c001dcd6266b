//! Every rule of the validity function (`State::apply`): an offending
//! statement is refused with its exact message, and the state is left
//! exactly as it was (`World::refused` compares a snapshot of every table).
//! Audit replays the log through the same function, so the last test shows
//! a replay stopping at a bad entry.

mod state_harness;

use provledger::digest::Digest;
use provledger::keys::SecretKey;
use provledger::state::limits::*;
use provledger::state::{Entry, State, StateError};
use provledger::statement::*;
use state_harness::*;

/// The fixture most tests start from: sources, an article in two versions
/// and three claims on version 1.
struct Fx {
    w: World,
    diplomats: Digest,
    kabul: Digest,
    mujahid: Digest,
    guardian: Digest,
    a1: Digest,
    a2: Digest,
    /// "the Afghan delegation … was led by …", attributed to diplomatic sources.
    delegation: Digest,
    /// The Kabul-based source's "paradoxical" (dropped in v2).
    stance: Digest,
    /// Mujahid's accusation.
    accused: Digest,
}

const DELEGATION: &str = "the Afghan delegation for the 6 November 2025 meeting was led by Intelligence Chief Abdul Haq Wasiq";
const STANCE: &str = "One Kabul-based source called Islamabad’s stance “paradoxical,”";
const ACCUSED: &str =
    "accused the Pakistani side of an “irresponsible and non-cooperative attitude”";

fn fx() -> Fx {
    let mut w = World::new(1);
    let diplomats = w.source(source(
        SourceKind::AnonymousGroup,
        "diplomatic sources",
        None,
    ));
    let kabul = w.source(source(
        SourceKind::AnonymousPerson,
        "One Kabul-based source",
        None,
    ));
    let mujahid = w.source(source(
        SourceKind::NamedPerson,
        "Taliban spokesperson Zabihullah Mujahid",
        Some("Zabihullah Mujahid"),
    ));
    let guardian = w.source(source(
        SourceKind::MediaReport,
        "The Sunday Guardian",
        Some("The Sunday Guardian"),
    ));
    let a1 = w.article(TEXT_V1, None);
    let delegation = w.claim(a1, TEXT_V1, DELEGATION, Some(diplomats));
    let stance = w.claim(a1, TEXT_V1, STANCE, Some(kabul));
    let accused = w.claim(a1, TEXT_V1, ACCUSED, Some(mujahid));
    let a2 = w.article(TEXT_V2, Some(a1));
    Fx {
        w,
        diplomats,
        kabul,
        mujahid,
        guardian,
        a1,
        a2,
        delegation,
        stance,
        accused,
    }
}

fn body_claim(f: &Fx, exact: &str, source: Option<Digest>) -> ClaimRecord {
    claim_body(f.a1, TEXT_V1, exact, source)
}

fn ed(w: &World) -> SecretKey {
    w.editor.clone()
}

/// Unix seconds as messages say them (RFC 3339).
fn t(secs: u64) -> String {
    provledger::time::rfc3339(secs)
}

/// The kid prefix that refusals name a signer by, after its names.
fn kid(k: &SecretKey) -> String {
    hex::encode(k.public().bytes())[..12].to_string()
}

// ---------------------------------------------------------------- entries

#[test]
fn entry_out_of_order_is_refused() {
    let mut f = fx();
    let st = World::sign_at(
        &f.w.editor,
        f.w.now,
        Body::SourceRecord(source(SourceKind::Document, "the joint statement", None)),
    );
    let before = f.w.snapshot();
    let applied = f.w.state.applied().unwrap();
    let e =
        f.w.state
            .apply(
                &Entry {
                    seq: applied + 1,
                    logged_at: f.w.now,
                    statement: &st,
                },
                &f.w.blobs,
            )
            .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "source.record refused: entry {} offered to a state that has applied {applied} entries",
            applied + 1
        )
    );
    assert_eq!(f.w.snapshot(), before);
}

#[test]
fn logged_at_going_backwards_is_refused() {
    let mut f = fx();
    let st = World::sign_at(
        &f.w.editor,
        T0,
        Body::SourceRecord(source(SourceKind::Document, "the joint statement", None)),
    );
    let before = f.w.snapshot();
    let last = f.w.now - 10;
    let e =
        f.w.state
            .apply(
                &Entry {
                    seq: f.w.state.applied().unwrap(),
                    logged_at: last - 1,
                    statement: &st,
                },
                &f.w.blobs,
            )
            .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "source.record refused: logged_at {} is before the previous entry's {}",
            t(last - 1),
            t(last)
        )
    );
    assert_eq!(f.w.snapshot(), before);
}

#[test]
fn first_entry_must_be_genesis_and_only_once() {
    let mut w = World::new(1);
    let op = w.operator.clone();
    let genesis = Body::Genesis(Genesis {
        origin: op.public().name().into(),
        operator: op.public().to_note_string(),
        description: "again".into(),
        policy: Policy { quorum: 1 },
    });
    assert_eq!(
        w.refused(&op, genesis),
        "ledger.genesis refused: a ledger has exactly one ledger.genesis, at entry 0"
    );

    let mut fresh = World::new(1);
    fresh.state = State::in_memory().unwrap();
    fresh.now = T0;
    // Its log no longer describes its state; nothing to force into a ledger.
    fresh.forced_audit = false;
    let ed = fresh.editor.clone();
    assert_eq!(
        fresh.refused(
            &ed,
            Body::SourceRecord(source(SourceKind::Document, "x", None))
        ),
        "source.record refused: the first entry of a ledger must be its ledger.genesis"
    );
}

#[test]
fn statements_from_the_future_are_refused() {
    let mut f = fx();
    let at = f.w.now + MAX_CLOCK_SKEW_FOR_TEST + 1;
    let ed = ed(&f.w);
    assert_eq!(
        f.w.refused_at(
            &ed,
            at,
            Body::SourceRecord(source(SourceKind::Document, "x", None))
        ),
        format!(
            "source.record refused: statement time {} is after the time it was logged ({}): statements may not come from the future",
            t(at),
            t(f.w.now)
        )
    );
}

const MAX_CLOCK_SKEW_FOR_TEST: u64 = provledger::state::MAX_CLOCK_SKEW;

#[test]
fn the_same_statement_twice_is_refused() {
    let mut f = fx();
    let st = World::sign_at(
        &f.w.editor,
        f.w.now,
        Body::SourceRecord(source(SourceKind::Document, "the joint statement", None)),
    );
    let seq = f.w.state.applied().unwrap();
    f.w.offer(&st).unwrap();
    assert_eq!(
        f.w.refused_statement(&st),
        format!(
            "source.record refused: statement {} is already in the ledger (entry {seq})",
            short(&st.id())
        )
    );
}

// ---------------------------------------------------------------- signers

#[test]
fn signer_must_be_granted_unrevoked_and_in_role() {
    let mut f = fx();
    let stranger = SecretKey::generate("stranger").unwrap();
    assert_eq!(
        f.w.refused(
            &stranger,
            Body::SourceRecord(source(SourceKind::Document, "x", None))
        ),
        format!(
            "source.record refused: signer an ungranted key (kid {}) is not a granted key of this ledger",
            kid(&stranger)
        )
    );
    assert_eq!(f.w.last_rule, Some("signer.not-granted"));

    let ed = ed(&f.w);
    let v = verification(f.delegation, f.delegation, Verdict::True);
    assert_eq!(
        f.w.refused(&ed, Body::Verification(v)),
        format!("verification refused: signer Eda Editor (editor, kid {}) has no role that may sign verification (needs checker)", kid(&ed))
    );
    assert_eq!(f.w.last_rule, Some("signer.role"));
    let checker = f.w.checker.clone();
    assert_eq!(
        f.w.refused(&checker, Body::ClaimRecord(body_claim(&f, DELEGATION, None))),
        format!("claim.record refused: signer Cem Checker (checker, kid {}) has no role that may sign claim.record (needs editor)", kid(&checker))
    );
    assert_eq!(
        f.w.refused(
            &ed,
            Body::VerificationWithdraw(VerificationWithdraw {
                verification: f.delegation,
                reason: "x".into()
            })
        ),
        format!("verification.withdraw refused: signer Eda Editor (editor, kid {}) has no role that may sign verification.withdraw (needs checker)", kid(&ed))
    );
    // Links may be signed by editors and checkers alike.
    f.w.ok(
        &checker,
        Body::ClaimLink(ClaimLink {
            from: f.delegation,
            to: f.accused,
            relation: Relation::SameOrigin,
            note: None,
        }),
    );

    let c3 = f.w.checker3.clone();
    let op = f.w.operator.clone();
    let revoke_seq = f.w.state.applied().unwrap();
    f.w.ok(
        &op,
        Body::KeyRevoke(KeyRevoke {
            key: c3.public().to_note_string(),
            reason: "laptop stolen".into(),
        }),
    );
    assert_eq!(
        f.w.refused(
            &c3,
            Body::Verification(verification(f.delegation, f.delegation, Verdict::True))
        ),
        format!("verification refused: signer Carl Checker (checker3, kid {}) was revoked at entry {revoke_seq}", kid(&c3))
    );
    assert_eq!(f.w.last_rule, Some("signer.revoked"));
}

// ---------------------------------------------------------------- keys

#[test]
fn key_rules() {
    let mut w = World::new(1);
    let op = w.operator.clone();
    let ed = w.editor.clone();
    let newbie = SecretKey::generate("newbie").unwrap();
    let grant = |key: &SecretKey, name: &str, roles: Vec<Role>| {
        Body::KeyGrant(KeyGrant {
            key: key.public().to_note_string(),
            display_name: name.into(),
            roles,
        })
    };
    assert_eq!(
        w.refused(&ed, grant(&newbie, "New", vec![Role::Editor])),
        format!(
            "key.grant refused: only the operator key may sign key.grant; signer Eda Editor (editor, kid {}) is not the operator",
            kid(&ed)
        )
    );
    assert_eq!(
        w.refused(&op, grant(&newbie, "New\u{1b}[2J", vec![Role::Editor])),
        "key.grant refused: display_name contains the control character U+001B; it must be one line of text"
    );
    assert_eq!(
        w.refused(&op, grant(&newbie, "New", vec![])),
        "key.grant refused: a grant needs at least one role (editor, checker, auditor)"
    );
    assert_eq!(
        w.refused(&op, grant(&newbie, "New", vec![Role::Editor, Role::Editor])),
        "key.grant refused: roles are listed more than once"
    );
    assert_eq!(
        w.refused(&op, grant(&ed, "Again", vec![Role::Editor])),
        "key.grant refused: key editor is already granted (entry 1)"
    );
    let revoke = |key: &SecretKey| {
        Body::KeyRevoke(KeyRevoke {
            key: key.public().to_note_string(),
            reason: "left the desk".into(),
        })
    };
    assert_eq!(
        w.refused(&op, revoke(&newbie)),
        "key.revoke refused: key newbie was never granted"
    );
    let c2 = w.checker2.clone();
    assert_eq!(
        w.refused(&ed, revoke(&c2)),
        "key.revoke refused: only the operator or the key itself may revoke key checker2"
    );
    let grant_at = T0 + 30;
    assert_eq!(
        w.refused_at(&op, grant_at - 1, revoke(&c2)),
        format!("key.revoke refused: statement time {} is before the time ({}) of the key's grant, which it refers to", t(grant_at - 1), t(grant_at))
    );
    let seq = w.state.applied().unwrap();
    w.ok(&c2, revoke(&c2));
    assert_eq!(
        w.refused(&op, revoke(&c2)),
        format!("key.revoke refused: key checker2 is already revoked (entry {seq})")
    );
    assert_eq!(
        w.refused(&op, grant(&c2, "Back", vec![Role::Checker])),
        format!("key.grant refused: key checker2 was revoked at entry {seq}; a revoked key cannot be granted again (generate a new key)")
    );
}

#[test]
fn genesis_rules() {
    let genesis = |op: &SecretKey, origin: &str, quorum: u64| {
        Body::Genesis(Genesis {
            origin: origin.into(),
            operator: op.public().to_note_string(),
            description: "test".into(),
            policy: Policy { quorum },
        })
    };
    let fresh = || {
        let mut w = World::new(1);
        w.state = State::in_memory().unwrap();
        w.now = T0;
        // Its log no longer describes its state; nothing to force into a ledger.
        w.forced_audit = false;
        w
    };
    let mut w = fresh();
    let op = w.operator.clone();
    let other = w.editor.clone();
    assert_eq!(
        w.refused(&other, genesis(&op, "test-operator", 1)),
        "ledger.genesis refused: genesis must be signed by the operator key it names"
    );
    assert_eq!(
        w.refused(&op, genesis(&op, "elsewhere", 1)),
        "ledger.genesis refused: origin 'elsewhere' must equal the operator key's name 'test-operator'"
    );
    assert_eq!(
        w.refused(&op, genesis(&op, "test-operator", 0)),
        "ledger.genesis refused: policy quorum 0 must be between 1 and 100"
    );
}

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

// ---------------------------------------------------------------- articles

#[test]
fn article_field_rules() {
    let mut f = fx();
    let ed = ed(&f.w);
    let text = "A short article about the talks.";
    let base = f.w.article_body(text, None);
    let now = f.w.now;
    let mut refuse = |a: ArticleRecord| f.w.refused(&ed, Body::ArticleRecord(a));
    assert_eq!(
        refuse(ArticleRecord {
            url: "not a url".into(),
            ..base.clone()
        }),
        "article.record refused: url 'not a url' is not an absolute URL (like https://example.org/page)"
    );
    assert_eq!(
        refuse(ArticleRecord {
            url: "x".repeat(MAX_URL_CHARS + 1),
            ..base.clone()
        }),
        "article.record refused: url is 2001 characters; at most 2000 are allowed"
    );
    assert_eq!(
        refuse(ArticleRecord {
            publisher: "".into(),
            ..base.clone()
        }),
        "article.record refused: publisher is empty"
    );
    assert_eq!(
        refuse(ArticleRecord {
            title: "t".repeat(MAX_TITLE_CHARS + 1),
            ..base.clone()
        }),
        "article.record refused: title is 501 characters; at most 500 are allowed"
    );
    assert_eq!(
        refuse(ArticleRecord {
            published_at: Some(base.retrieved_at + 1),
            ..base.clone()
        }),
        format!(
            "article.record refused: published_at {} is after retrieved_at {}; an article cannot be retrieved before it is published",
            t(base.retrieved_at + 1),
            t(base.retrieved_at)
        )
    );
    assert_eq!(
        refuse(ArticleRecord {
            retrieved_at: now + 1,
            published_at: None,
            ..base.clone()
        }),
        format!(
            "article.record refused: retrieved_at {} is after the statement time {}",
            t(now + 1),
            t(now)
        )
    );
    assert_eq!(
        refuse(ArticleRecord {
            length: 0,
            ..base.clone()
        }),
        "article.record refused: length is 0; an article needs text"
    );
    assert_eq!(
        refuse(ArticleRecord {
            length: MAX_ARTICLE_BYTES + 1,
            ..base.clone()
        }),
        "article.record refused: length is 4194305 bytes; an article text may be at most 4194304 bytes"
    );
    assert_eq!(
        refuse(ArticleRecord {
            length: text.len() as u64 + 1,
            ..base.clone()
        }),
        format!(
            "article.record refused: length is {} bytes but content blob {} is {} bytes",
            text.len() + 1,
            short(&base.content),
            text.len()
        )
    );
}

#[test]
fn article_content_must_be_in_the_blob_store_and_match() {
    let mut f = fx();
    let ed = ed(&f.w);
    let missing = Digest::of(b"never stored");
    let mut a = f.w.article_body("some text", None);
    a.content = missing;
    assert_eq!(
        f.w.refused(&ed, Body::ArticleRecord(a.clone())),
        format!(
            "article.record refused: content blob {} is not in the blob store; store the article text first",
            short(&missing)
        )
    );
    // A damaged store: other bytes under the address. A ledger on disk
    // cannot be made to hold them (put_blob names blobs by their hash), and
    // audit reports such files as corrupt blobs (tests/log_audit.rs).
    f.w.forced_audit = false;
    f.w.blobs.0.insert(missing, b"tampered".to_vec());
    a.length = 8;
    assert_eq!(
        f.w.refused(&ed, Body::ArticleRecord(a.clone())),
        format!(
            "article.record refused: content blob {} in the blob store does not hash to its address",
            short(&missing)
        )
    );
    let latin1 = vec![0x43, 0x61, 0x66, 0xe9];
    let d = Digest::of(&latin1);
    f.w.blobs.0.insert(d, latin1);
    a.content = d;
    a.length = 4;
    assert_eq!(
        f.w.refused(&ed, Body::ArticleRecord(a)),
        format!(
            "article.record refused: content blob {} is not valid UTF-8 text",
            short(&d)
        )
    );
}

#[test]
fn article_versions_form_one_line() {
    let mut f = fx();
    let ed = ed(&f.w);
    let nowhere = Digest::of(b"nothing");
    let a = f.w.article_body("v3 text", Some(nowhere));
    assert_eq!(
        f.w.refused(&ed, Body::ArticleRecord(a)),
        format!(
            "article.record refused: supersedes {} is not in the ledger",
            short(&nowhere)
        )
    );
    let a = f.w.article_body("v3 text", Some(f.kabul));
    assert_eq!(
        f.w.refused(&ed, Body::ArticleRecord(a)),
        format!(
            "article.record refused: supersedes {} is a source.record, not an article.record",
            short(&f.kabul)
        )
    );
    // A fork: version 1 already has a successor.
    let a = f.w.article_body("another v2", Some(f.a1));
    assert_eq!(
        f.w.refused(&ed, Body::ArticleRecord(a)),
        format!(
            "article.record refused: supersedes {}, which is already superseded by {}; an update must supersede the latest version",
            short(&f.a1),
            short(&f.a2)
        )
    );
    let a = f.w.article_body(TEXT_V2, Some(f.a2));
    assert_eq!(
        f.w.refused(&ed, Body::ArticleRecord(a)),
        format!(
            "article.record refused: content is the same as that of the version it supersedes ({}); record an update only when the text changed",
            short(&f.a2)
        )
    );
    let mut a = f.w.article_body(TEXT_V3, Some(f.a2));
    let prev_retrieved = f.w.now - 1 - 10; // a2 was recorded one step ago
    a.retrieved_at = prev_retrieved - 5;
    a.published_at = None;
    assert_eq!(
        f.w.refused(&ed, Body::ArticleRecord(a)),
        format!(
            "article.record refused: retrieved_at {} is before the retrieved_at {} of the version it supersedes ({})",
            t(prev_retrieved - 5),
            t(prev_retrieved),
            short(&f.a2)
        )
    );
    // Dated before the version it supersedes.
    let a2_at = f.w.now - 10;
    let mut a = f.w.article_body(TEXT_V3, Some(f.a2));
    a.retrieved_at = a2_at - 5;
    a.published_at = None;
    assert_eq!(
        f.w.refused_at(&ed, a2_at - 1, Body::ArticleRecord(a)),
        format!(
            "article.record refused: statement time {} is before the time ({}) of supersedes {}, which it refers to",
            t(a2_at - 1),
            t(a2_at),
            short(&f.a2)
        )
    );
    // And the straight line is accepted.
    f.w.article(TEXT_V3, Some(f.a2));
}

// ---------------------------------------------------------------- claims

#[test]
fn claim_references_must_exist_and_be_of_the_right_kind() {
    let mut f = fx();
    let ed = ed(&f.w);
    let nowhere = Digest::of(b"nothing");
    let mut c = body_claim(&f, DELEGATION, Some(f.diplomats));
    c.article = nowhere;
    assert_eq!(
        f.w.refused(&ed, Body::ClaimRecord(c.clone())),
        format!(
            "claim.record refused: article {} is not in the ledger",
            short(&nowhere)
        )
    );
    c.article = f.diplomats;
    assert_eq!(
        f.w.refused(&ed, Body::ClaimRecord(c)),
        format!(
            "claim.record refused: article {} is a source.record, not an article.record",
            short(&f.diplomats)
        )
    );
    let mut c = body_claim(&f, DELEGATION, Some(nowhere));
    assert_eq!(
        f.w.refused(&ed, Body::ClaimRecord(c.clone())),
        format!(
            "claim.record refused: attribution.source {} is not in the ledger",
            short(&nowhere)
        )
    );
    c.attribution.source = Some(f.a1);
    assert_eq!(
        f.w.refused(&ed, Body::ClaimRecord(c.clone())),
        format!(
            "claim.record refused: attribution.source {} is an article.record, not a source.record",
            short(&f.a1)
        )
    );
    c.attribution.source = Some(f.diplomats);
    c.attribution.relayed_by = Some(f.accused);
    assert_eq!(
        f.w.refused(&ed, Body::ClaimRecord(c.clone())),
        format!(
            "claim.record refused: attribution.relayed_by {} is a claim.record, not a source.record",
            short(&f.accused)
        )
    );
    c.attribution.relayed_by = Some(f.diplomats);
    assert_eq!(
        f.w.refused(&ed, Body::ClaimRecord(c.clone())),
        format!(
            "claim.record refused: attribution.relayed_by is the same source as attribution.source ({}); a source does not relay itself",
            short(&f.diplomats)
        )
    );
    // Dated before its article.
    let a1_at = T0 + 5 * 10 + 4 * 10; // genesis + 4 grants, then 4 sources
    let c = body_claim(&f, DELEGATION, None);
    assert_eq!(
        f.w.refused_at(&ed, a1_at - 1, Body::ClaimRecord(c)),
        format!(
            "claim.record refused: statement time {} is before the time ({}) of article {}, which it refers to",
            t(a1_at - 1),
            t(a1_at),
            short(&f.a1)
        )
    );
    // A relay is a source too, and is accepted.
    let mut c = body_claim(&f, "fragile thaw", Some(f.mujahid));
    c.attribution.relayed_by = Some(f.guardian);
    f.w.ok(&ed, Body::ClaimRecord(c));
}

#[test]
fn claim_field_rules() {
    let mut f = fx();
    let ed = ed(&f.w);
    let base = body_claim(&f, DELEGATION, Some(f.diplomats));
    let unattributed = body_claim(&f, ACCUSED, None);
    let mut refuse = |c: ClaimRecord| f.w.refused(&ed, Body::ClaimRecord(c));
    assert_eq!(
        refuse(ClaimRecord {
            proposition: " ".into(),
            ..base.clone()
        }),
        "claim.record refused: proposition is empty"
    );
    assert_eq!(
        refuse(ClaimRecord {
            proposition: "p".repeat(MAX_PROPOSITION_CHARS + 1),
            ..base.clone()
        }),
        "claim.record refused: proposition is 1001 characters; at most 1000 are allowed"
    );
    let mut c = base.clone();
    c.anchor.exact = "e".repeat(MAX_EXACT_CHARS + 1);
    assert_eq!(
        refuse(c),
        "claim.record refused: anchor.exact is 4001 characters; at most 4000 are allowed"
    );
    let mut c = base.clone();
    c.anchor.prefix = "p".repeat(MAX_CONTEXT_CHARS + 1);
    assert_eq!(
        refuse(c),
        "claim.record refused: anchor.prefix is 201 characters; at most 200 are allowed"
    );
    let mut c = base.clone();
    c.attribution.cue = None;
    assert_eq!(
        refuse(c),
        "claim.record refused: attribution.cue is missing; an attributed claim needs the words that attribute it (\"according to\", \"said\")"
    );
    let mut c = base.clone();
    c.attribution.cue = Some("according\nto".into());
    assert_eq!(
        refuse(c),
        "claim.record refused: attribution.cue contains the control character U+000A; it must be one line of text"
    );
    let mut c = base.clone();
    c.attribution.quote = Some("led by the ISI".into());
    assert_eq!(
        refuse(c),
        "claim.record refused: attribution.quote does not occur in anchor.exact; the quoted words must be inside the anchored text"
    );
    let mut c = base.clone();
    c.attribution.mode = Mode::DirectQuote;
    assert_eq!(
        refuse(c),
        "claim.record refused: attribution.quote is missing; a direct_quote needs the quoted words"
    );
    let mut c = unattributed;
    c.attribution.mode = Mode::DirectQuote;
    c.attribution.quote = Some("irresponsible".into());
    assert_eq!(
        refuse(c),
        "claim.record refused: a direct_quote needs attribution.source or attribution.relayed_by: whose words are they?"
    );
}

#[test]
fn claim_anchor_must_match_the_article_text() {
    let mut f = fx();
    let ed = ed(&f.w);
    let base = body_claim(&f, DELEGATION, Some(f.diplomats));
    let (s, e) = (base.anchor.start, base.anchor.end);
    let chars: Vec<char> = TEXT_V1.chars().collect();
    let total = chars.len() as u64;
    let mut refuse = |c: ClaimRecord| f.w.refused(&ed, Body::ClaimRecord(c));

    let mut c = base.clone();
    c.anchor.start += 1;
    c.anchor.end += 1;
    let there: String = chars[(s + 1) as usize..(e + 1) as usize]
        .iter()
        .take(60)
        .collect();
    assert_eq!(
        refuse(c),
        format!(
            "claim.record refused: anchor.exact does not match the article text at {}..{} (the text there is \"{there}…\")",
            s + 1,
            e + 1
        )
    );
    let mut c = base.clone();
    c.anchor.end += 1;
    assert_eq!(
        refuse(c),
        format!(
            "claim.record refused: anchor.start {s} and anchor.end {} do not span anchor.exact, which is {} characters",
            e + 1,
            e - s
        )
    );
    let mut c = base.clone();
    c.anchor.start = total;
    c.anchor.end = total + (e - s);
    assert_eq!(
        refuse(c),
        format!(
            "claim.record refused: anchor.end {} is past the end of the article text ({total} characters)",
            total + (e - s)
        )
    );
    let mut c = base.clone();
    c.anchor.prefix = "According to officials, ".into();
    assert_eq!(
        refuse(c),
        format!(
            "claim.record refused: anchor.prefix does not match the text right before position {s}"
        )
    );
    let mut c = base.clone();
    c.anchor.suffix = ", and".into();
    assert_eq!(
        refuse(c),
        format!(
            "claim.record refused: anchor.suffix does not match the text right after position {e}"
        )
    );
}

#[test]
fn claim_anchor_quote_selector_must_be_unambiguous() {
    let mut f = fx();
    let ed = ed(&f.w);
    let text = "Talks with Qatar. More talks with Qatar.";
    let a = f.w.article(text, None);
    let c = ClaimRecord {
        article: a,
        proposition: "Qatar mediated.".into(),
        anchor: Anchor {
            exact: "Qatar".into(),
            prefix: "with ".into(),
            suffix: ".".into(),
            start: 11,
            end: 16,
        },
        attribution: Attribution {
            source: None,
            cue: None,
            hedge: Hedge::None,
            mode: Mode::Paraphrase,
            quote: None,
            relayed_by: None,
        },
    };
    assert_eq!(
        f.w.refused(&ed, Body::ClaimRecord(c.clone())),
        "claim.record refused: anchor.prefix, anchor.exact and anchor.suffix together occur more than once in the article text; lengthen the prefix or suffix"
    );
    let mut ok = c;
    ok.anchor.prefix = "Talks with ".into();
    f.w.ok(&ed, Body::ClaimRecord(ok));
    // Anchor::locate, which the CLI uses, says so before anything is signed.
    assert_eq!(
        Anchor::locate(text, "Qatar").unwrap_err(),
        "\"Qatar\" occurs 2 times in the article text (at positions 11, 34); quote more of it"
    );
    assert_eq!(
        Anchor::locate(text, "Türkiye").unwrap_err(),
        "\"Türkiye\" does not occur in the article text"
    );
}

#[test]
fn claim_article_text_must_still_be_in_the_blob_store() {
    let mut f = fx();
    let ed = ed(&f.w);
    let content = Digest::of(TEXT_V1.as_bytes());
    let c = body_claim(&f, "fragile thaw", None);
    // See article_content_must_be_in_the_blob_store_and_match.
    f.w.forced_audit = false;
    f.w.blobs.0.insert(content, b"tampered".to_vec());
    assert_eq!(
        f.w.refused(&ed, Body::ClaimRecord(c.clone())),
        format!(
            "claim.record refused: the blob store's copy of article {}'s text (blob {}) does not match its digest",
            short(&f.a1),
            short(&content)
        )
    );
    f.w.blobs.0.remove(&content);
    assert_eq!(
        f.w.refused(&ed, Body::ClaimRecord(c)),
        format!(
            "claim.record refused: the text of article {} (blob {}) is not in the blob store",
            short(&f.a1),
            short(&content)
        )
    );
}

// ---------------------------------------------------------------- revisions

fn revise_body(
    claim: Digest,
    article: Digest,
    text: &str,
    exact: &str,
    source: Option<Digest>,
    reason: ChangeReason,
) -> Body {
    Body::ClaimRevise(ClaimRevise {
        claim,
        article,
        change: Change::Content(claim_body(article, text, exact, source).content()),
        reason,
        note: None,
    })
}

fn removal(claim: Digest, article: Digest) -> Body {
    Body::ClaimRevise(ClaimRevise {
        claim,
        article,
        change: Change::Removed,
        reason: ChangeReason::ArticleUpdated,
        note: Some("dropped in the update".into()),
    })
}

#[test]
fn revise_references() {
    let mut f = fx();
    let ed = ed(&f.w);
    let nowhere = Digest::of(b"nothing");
    assert_eq!(
        f.w.refused(
            &ed,
            revise_body(
                nowhere,
                f.a2,
                TEXT_V2,
                DELEGATION,
                None,
                ChangeReason::ArticleUpdated
            )
        ),
        format!(
            "claim.revise refused: claim {} is not in the ledger",
            short(&nowhere)
        )
    );
    let r1 = f.w.ok(
        &ed,
        revise_body(
            f.delegation,
            f.a2,
            TEXT_V2,
            DELEGATION,
            Some(f.diplomats),
            ChangeReason::ArticleUpdated,
        ),
    );
    assert_eq!(
        f.w.refused(
            &ed,
            revise_body(r1, f.a2, TEXT_V2, DELEGATION, None, ChangeReason::Error)
        ),
        format!(
            "claim.revise refused: claim {} is a claim.revise, not a claim.record",
            short(&r1)
        )
    );
    assert_eq!(
        f.w.refused(
            &ed,
            revise_body(
                f.accused,
                f.kabul,
                TEXT_V2,
                ACCUSED,
                None,
                ChangeReason::ArticleUpdated
            )
        ),
        format!(
            "claim.revise refused: article {} is a source.record, not an article.record",
            short(&f.kabul)
        )
    );
    // Dated before the claim's current revision.
    let r1_at = f.w.now - 10;
    assert_eq!(
        f.w.refused_at(
            &ed,
            r1_at - 1,
            revise_body(f.delegation, f.a2, TEXT_V2, DELEGATION, None, ChangeReason::Error)
        ),
        format!(
            "claim.revise refused: statement time {} is before the time ({}) of claim {}'s current revision {}, which it refers to",
            t(r1_at - 1),
            t(r1_at),
            short(&f.delegation),
            short(&r1)
        )
    );
}

#[test]
fn revise_moves_forward_along_the_same_chain() {
    let mut f = fx();
    let ed = ed(&f.w);
    let other = f.w.article("An unrelated article about Qatar.", None);
    assert_eq!(
        f.w.refused(
            &ed,
            revise_body(f.accused, other, "An unrelated article about Qatar.", "Qatar", None, ChangeReason::ArticleUpdated)
        ),
        format!(
            "claim.revise refused: article {} is not a version of the article claim {} is in (it belongs to another version chain)",
            short(&other),
            short(&f.accused)
        )
    );
    assert_eq!(
        f.w.refused(
            &ed,
            revise_body(f.accused, f.a1, TEXT_V1, ACCUSED, Some(f.mujahid), ChangeReason::ArticleUpdated)
        ),
        format!(
            "claim.revise refused: article {} is version 1, the version claim {}'s current revision already reads; reason article_updated needs a newer version (only reason error revises within a version)",
            short(&f.a1),
            short(&f.accused)
        )
    );
    assert_eq!(
        f.w.refused(&ed, removal(f.accused, f.a1)),
        format!(
            "claim.revise refused: removed needs a newer article version than version 1 that claim {} reads; to take back a claim recorded in error, retract it",
            short(&f.accused)
        )
    );
    // Fixing our own error within a version is allowed...
    let mut c = claim_body(f.a1, TEXT_V1, ACCUSED, Some(f.mujahid)).content();
    c.attribution.hedge = Hedge::Alleged;
    f.w.ok(
        &ed,
        Body::ClaimRevise(ClaimRevise {
            claim: f.accused,
            article: f.a1,
            change: Change::Content(c),
            reason: ChangeReason::Error,
            note: Some("hedge mis-recorded".into()),
        }),
    );
    // ...moving to version 2 too, but not back to version 1.
    f.w.ok(
        &ed,
        revise_body(
            f.accused,
            f.a2,
            TEXT_V2,
            ACCUSED,
            Some(f.mujahid),
            ChangeReason::ArticleUpdated,
        ),
    );
    assert_eq!(
        f.w.refused(
            &ed,
            revise_body(f.accused, f.a1, TEXT_V1, ACCUSED, Some(f.mujahid), ChangeReason::Error)
        ),
        format!(
            "claim.revise refused: article {} is version 1, older than version 2 that claim {}'s current revision reads",
            short(&f.a1),
            short(&f.accused)
        )
    );
    // A revision within the version it reads must change something.
    assert_eq!(
        f.w.refused(
            &ed,
            revise_body(f.accused, f.a2, TEXT_V2, ACCUSED, Some(f.mujahid), ChangeReason::Error)
        ),
        format!(
            "claim.revise refused: nothing to revise: claim {} already reads like this in article version 2",
            short(&f.accused)
        )
    );
    // The new content is checked against the new version's text.
    let mut stale_anchor = claim_body(f.a1, TEXT_V1, DELEGATION, Some(f.diplomats)).content();
    stale_anchor.attribution.cue = Some("according to".into());
    let (s, e) = (stale_anchor.anchor.start, stale_anchor.anchor.end);
    let there: String = TEXT_V2
        .chars()
        .skip(s as usize)
        .take((e - s) as usize)
        .take(60)
        .collect();
    assert_eq!(
        f.w.refused(
            &ed,
            Body::ClaimRevise(ClaimRevise {
                claim: f.delegation,
                article: f.a2,
                change: Change::Content(stale_anchor),
                reason: ChangeReason::ArticleUpdated,
                note: None,
            })
        ),
        format!(
            "claim.revise refused: anchor.exact does not match the article text at {s}..{e} (the text there is \"{there}…\")"
        )
    );
    assert_eq!(
        f.w.refused(
            &ed,
            Body::ClaimRevise(ClaimRevise {
                claim: f.delegation,
                article: f.a2,
                change: Change::Removed,
                reason: ChangeReason::ArticleUpdated,
                note: Some("".into()),
            })
        ),
        "claim.revise refused: note is empty"
    );
}

#[test]
fn removal_and_restoration() {
    let mut f = fx();
    let ed = ed(&f.w);
    let gone = f.w.ok(&ed, removal(f.stance, f.a2));
    let a3 =
        f.w.article(&format!("{TEXT_V2}\n{STANCE} they said."), Some(f.a2));
    assert_eq!(
        f.w.refused(&ed, removal(f.stance, a3)),
        format!(
            "claim.revise refused: claim {} is already removed (revision {})",
            short(&f.stance),
            short(&gone)
        )
    );
    assert_eq!(
        f.w.refused(
            &ed,
            revise_body(f.stance, f.a2, TEXT_V2, "NEW DELHI", Some(f.kabul), ChangeReason::Error)
        ),
        format!(
            "claim.revise refused: claim {} was removed from version 2; only a newer version can restore it",
            short(&f.stance)
        )
    );
    let text3 = format!("{TEXT_V2}\n{STANCE} they said.");
    f.w.ok(
        &ed,
        revise_body(
            f.stance,
            a3,
            &text3,
            STANCE,
            Some(f.kabul),
            ChangeReason::ArticleUpdated,
        ),
    );
}

#[test]
fn retraction_is_final() {
    let mut f = fx();
    let ed = ed(&f.w);
    let checker = f.w.checker.clone();
    let v =
        f.w.verdict(&checker, f.stance, f.stance, Verdict::MostlyTrue);
    let nowhere = Digest::of(b"nothing");
    let retract = |claim, reason: &str| {
        Body::ClaimRetract(ClaimRetract {
            claim,
            reason: reason.into(),
        })
    };
    assert_eq!(
        f.w.refused(&ed, retract(nowhere, "x")),
        format!(
            "claim.retract refused: claim {} is not in the ledger",
            short(&nowhere)
        )
    );
    assert_eq!(
        f.w.refused(&ed, retract(f.stance, "")),
        "claim.retract refused: reason is empty"
    );
    let stance_at =
        f.w.log
            .iter()
            .find(|(_, s)| s.id() == f.stance)
            .unwrap()
            .1
            .statement()
            .at;
    assert_eq!(
        f.w.refused_at(&ed, stance_at - 1, retract(f.stance, "x")),
        format!(
            "claim.retract refused: statement time {} is before the time ({}) of claim {}, which it refers to",
            t(stance_at - 1),
            t(stance_at),
            short(&f.stance)
        )
    );
    let r =
        f.w.ok(&ed, retract(f.stance, "recorded from the wrong article"));
    assert_eq!(
        f.w.refused(&ed, retract(f.stance, "again")),
        format!(
            "claim.retract refused: claim {} is already retracted (by {})",
            short(&f.stance),
            short(&r)
        )
    );
    let retracted = format!(
        "claim {} was retracted (by {})",
        short(&f.stance),
        short(&r)
    );
    assert_eq!(
        f.w.refused(&ed, removal(f.stance, f.a2)),
        format!("claim.revise refused: {retracted}; a retracted claim cannot be revised")
    );
    assert_eq!(
        f.w.refused(
            &checker,
            Body::Verification(verification(f.stance, f.stance, Verdict::True))
        ),
        format!("verification refused: {retracted}; a retracted claim cannot be judged")
    );
    assert_eq!(
        f.w.refused(
            &ed,
            Body::ClaimLink(ClaimLink {
                from: f.accused,
                to: f.stance,
                relation: Relation::Corroborates,
                note: None
            })
        ),
        format!("claim.link refused: {retracted}; a retracted claim cannot be linked")
    );
    // A checker may still withdraw an earlier verdict on it.
    f.w.ok(
        &checker,
        Body::VerificationWithdraw(VerificationWithdraw {
            verification: v,
            reason: "claim retracted".into(),
        }),
    );
    // Retracting a removed claim is allowed.
    f.w.ok(&ed, removal(f.delegation, f.a2));
    f.w.ok(&ed, retract(f.delegation, "never in the article"));
}

// ---------------------------------------------------------------- links

fn link(from: Digest, to: Digest, relation: Relation) -> Body {
    Body::ClaimLink(ClaimLink {
        from,
        to,
        relation,
        note: None,
    })
}

#[test]
fn link_rules() {
    let mut f = fx();
    let ed = ed(&f.w);
    let nowhere = Digest::of(b"nothing");
    assert_eq!(
        f.w.refused(&ed, link(nowhere, f.accused, Relation::Corroborates)),
        format!(
            "claim.link refused: from {} is not in the ledger",
            short(&nowhere)
        )
    );
    assert_eq!(
        f.w.refused(&ed, link(f.accused, f.mujahid, Relation::Corroborates)),
        format!(
            "claim.link refused: to {} is a source.record, not a claim.record",
            short(&f.mujahid)
        )
    );
    assert_eq!(
        f.w.refused(&ed, link(f.accused, f.accused, Relation::Corroborates)),
        format!(
            "claim.link refused: from and to are the same claim {}; a claim cannot be linked to itself",
            short(&f.accused)
        )
    );
    assert_eq!(
        f.w.refused(
            &ed,
            Body::ClaimLink(ClaimLink {
                from: f.accused,
                to: f.stance,
                relation: Relation::Corroborates,
                note: Some("bell\u{7}".into())
            })
        ),
        "claim.link refused: note contains the control character U+0007; only newlines and tabs are allowed"
    );
    let l =
        f.w.ok(&ed, link(f.accused, f.stance, Relation::Corroborates));
    assert_eq!(
        f.w.refused(&ed, link(f.accused, f.stance, Relation::Corroborates)),
        format!(
            "claim.link refused: claims {} and {} are already linked as corroborates (link {})",
            short(&f.accused),
            short(&f.stance),
            short(&l)
        )
    );
    assert_eq!(
        f.w.refused(&ed, link(f.stance, f.accused, Relation::Corroborates)),
        format!(
            "claim.link refused: claims {} and {} are already linked as corroborates (link {})",
            short(&f.stance),
            short(&f.accused),
            short(&l)
        )
    );
    assert_eq!(
        f.w.refused(&ed, link(f.stance, f.accused, Relation::Contradicts)),
        format!(
            "claim.link refused: claims {} and {} are already linked as corroborates (link {}); a pair cannot both corroborate and contradict",
            short(&f.stance),
            short(&f.accused),
            short(&l)
        )
    );
    // Dated before one of its claims.
    let stance_at =
        f.w.log
            .iter()
            .find(|(_, s)| s.id() == f.stance)
            .unwrap()
            .1
            .statement()
            .at;
    assert_eq!(
        f.w.refused_at(&ed, stance_at - 1, link(f.delegation, f.stance, Relation::SameOrigin)),
        format!(
            "claim.link refused: statement time {} is before the time ({}) of to {}, which it refers to",
            t(stance_at - 1),
            t(stance_at),
            short(&f.stance)
        )
    );
}

#[test]
fn cites_links_form_chains_without_cycles() {
    let mut f = fx();
    let ed = ed(&f.w);
    let c1 = f.w.ok(&ed, link(f.delegation, f.stance, Relation::Cites));
    assert_eq!(
        f.w.refused(&ed, link(f.delegation, f.accused, Relation::Cites)),
        format!(
            "claim.link refused: claim {} already cites claim {} (link {}); a claim cites one claim, so that its origin is one source",
            short(&f.delegation),
            short(&f.stance),
            short(&c1)
        )
    );
    f.w.ok(&ed, link(f.stance, f.accused, Relation::Cites));
    assert_eq!(
        f.w.refused(&ed, link(f.accused, f.delegation, Relation::Cites)),
        format!(
            "claim.link refused: claim {} already leads back to claim {} through cites links; citations cannot form a cycle",
            short(&f.delegation),
            short(&f.accused)
        )
    );
    // The reverse of a cites link is a cycle of two.
    assert_eq!(
        f.w.refused(&ed, link(f.accused, f.stance, Relation::Cites)),
        format!(
            "claim.link refused: claim {} already leads back to claim {} through cites links; citations cannot form a cycle",
            short(&f.stance),
            short(&f.accused)
        )
    );
}

#[test]
fn cites_chains_are_bounded() {
    let mut f = fx();
    let ed = ed(&f.w);
    // MAX_CITES_HOPS + 1 claims, each citing the next: c[0] → c[1] → ... .
    let claims: Vec<Digest> = (0..=64)
        .map(|i| {
            let mut c = body_claim(&f, "fragile thaw", None);
            c.proposition = format!("Claim {i} of a long citation chain.");
            f.w.ok(&ed, Body::ClaimRecord(c))
        })
        .collect();
    for i in (1..64).rev() {
        f.w.ok(&ed, link(claims[i], claims[i + 1], Relation::Cites));
    }
    // claims[1] now starts a chain of 63 links; a link to it makes a chain
    // of 64, which is still accepted; a link to the start of that is not.
    f.w.ok(&ed, link(claims[0], claims[1], Relation::Cites));
    let mut extra = body_claim(&f, "fragile thaw", None);
    extra.proposition = "One claim too many.".into();
    let extra = f.w.ok(&ed, Body::ClaimRecord(extra));
    assert_eq!(
        f.w.refused(&ed, link(extra, claims[0], Relation::Cites)),
        format!(
            "claim.link refused: claim {} starts a chain of 64 or more cites links; a longer chain would hide the claim's origin",
            short(&claims[0])
        )
    );
}

// ---------------------------------------------------------------- verifications

#[test]
fn verification_references() {
    let mut f = fx();
    let checker = f.w.checker.clone();
    let nowhere = Digest::of(b"nothing");
    let mut refuse = |claim, revision| {
        f.w.refused(
            &checker,
            Body::Verification(verification(claim, revision, Verdict::True)),
        )
    };
    assert_eq!(
        refuse(nowhere, nowhere),
        format!(
            "verification refused: claim {} is not in the ledger",
            short(&nowhere)
        )
    );
    assert_eq!(
        refuse(f.a1, f.a1),
        format!(
            "verification refused: claim {} is an article.record, not a claim.record",
            short(&f.a1)
        )
    );
    assert_eq!(
        refuse(f.accused, nowhere),
        format!(
            "verification refused: revision {} is not in the ledger",
            short(&nowhere)
        )
    );
    assert_eq!(
        refuse(f.accused, f.a1),
        format!(
            "verification refused: revision {} is an article.record, not a claim.record or claim.revise",
            short(&f.a1)
        )
    );
    assert_eq!(
        refuse(f.accused, f.stance),
        format!(
            "verification refused: revision {} is not a revision of claim {} (it revises claim {})",
            short(&f.stance),
            short(&f.accused),
            short(&f.stance)
        )
    );
}

#[test]
fn verification_binds_the_current_text() {
    let mut f = fx();
    let ed = ed(&f.w);
    let checker = f.w.checker.clone();
    // Revised with a new attribution: the record's text is out of date.
    let officials =
        f.w.source(source(SourceKind::AnonymousGroup, "Afghan officials", None));
    let r1 = f.w.ok(
        &ed,
        revise_body(
            f.delegation,
            f.a2,
            TEXT_V2,
            DELEGATION,
            Some(officials),
            ChangeReason::ArticleUpdated,
        ),
    );
    assert_eq!(
        f.w.refused(
            &checker,
            Body::Verification(verification(f.delegation, f.delegation, Verdict::True))
        ),
        format!(
            "verification refused: revision {} is out of date: claim {}'s text or attribution changed in revision {}; judge the current revision",
            short(&f.delegation),
            short(&f.delegation),
            short(&r1)
        )
    );
    // A revision that only moves the claim keeps earlier revisions current.
    let a3 = f.w.article(TEXT_V3, Some(f.a2));
    f.w.ok(
        &ed,
        revise_body(
            f.delegation,
            a3,
            TEXT_V3,
            DELEGATION,
            Some(officials),
            ChangeReason::ArticleUpdated,
        ),
    );
    f.w.verdict(&checker, f.delegation, r1, Verdict::True);

    // Removed, then restored: the removal is not a revision to judge.
    let gone = f.w.ok(&ed, removal(f.stance, f.a2));
    assert_eq!(
        f.w.refused(
            &checker,
            Body::Verification(verification(f.stance, f.stance, Verdict::True))
        ),
        format!(
            "verification refused: claim {} was removed from its article (revision {}); there is no current text to judge",
            short(&f.stance),
            short(&gone)
        )
    );
    let text4 = format!("{TEXT_V3}\n{STANCE} they said.");
    let a4 = f.w.article(&text4, Some(a3));
    f.w.ok(
        &ed,
        revise_body(
            f.stance,
            a4,
            &text4,
            STANCE,
            Some(f.kabul),
            ChangeReason::ArticleUpdated,
        ),
    );
    assert_eq!(
        f.w.refused(
            &checker,
            Body::Verification(verification(f.stance, gone, Verdict::True))
        ),
        format!(
            "verification refused: revision {} removed claim {}; judge a revision that has text",
            short(&gone),
            short(&f.stance)
        )
    );
    // The restored text equals the recorded one, so the record may be judged.
    f.w.verdict(&checker, f.stance, f.stance, Verdict::Mixed);
}

#[test]
fn verification_field_rules() {
    let mut f = fx();
    let checker = f.w.checker.clone();
    let base = verification(f.accused, f.accused, Verdict::MostlyTrue);
    let mut refuse = |v: Verification| f.w.refused(&checker, Body::Verification(v));
    assert_eq!(
        refuse(Verification {
            evidence: vec![base.evidence[0].clone(); MAX_EVIDENCE + 1],
            ..base.clone()
        }),
        "verification refused: evidence has 51 items; at most 50 are allowed"
    );
    assert_eq!(
        refuse(Verification {
            evidence: vec![Evidence {
                url: "example.org/x".into(),
                sha256: None,
                note: None
            }],
            ..base.clone()
        }),
        "verification refused: evidence[0].url 'example.org/x' is not an absolute URL (like https://example.org/page)"
    );
    assert_eq!(
        refuse(Verification {
            evidence: vec![
                base.evidence[0].clone(),
                Evidence {
                    url: "https://example.org/y".into(),
                    sha256: Some(Digest::of(b"capture")),
                    note: Some("n".repeat(MAX_NOTE_CHARS + 1))
                }
            ],
            ..base.clone()
        }),
        "verification refused: evidence[1].note is 2001 characters; at most 2000 are allowed"
    );
    assert_eq!(
        refuse(Verification {
            note: Some("".into()),
            ..base.clone()
        }),
        "verification refused: note is empty"
    );
    // Dated before the claim.
    let accused_at =
        f.w.log
            .iter()
            .find(|(_, s)| s.id() == f.accused)
            .unwrap()
            .1
            .statement()
            .at;
    assert_eq!(
        f.w.refused_at(&checker, accused_at - 1, Body::Verification(base)),
        format!(
            "verification refused: statement time {} is before the time ({}) of claim {}, which it refers to",
            t(accused_at - 1),
            t(accused_at),
            short(&f.accused)
        )
    );
}

#[test]
fn withdrawal_rules() {
    let mut f = fx();
    let checker = f.w.checker.clone();
    let checker2 = f.w.checker2.clone();
    let v = f.w.verdict(&checker, f.accused, f.accused, Verdict::True);
    let nowhere = Digest::of(b"nothing");
    let withdraw = |verification, reason: &str| {
        Body::VerificationWithdraw(VerificationWithdraw {
            verification,
            reason: reason.into(),
        })
    };
    assert_eq!(
        f.w.refused(&checker, withdraw(nowhere, "x")),
        format!(
            "verification.withdraw refused: verification {} is not in the ledger",
            short(&nowhere)
        )
    );
    assert_eq!(
        f.w.refused(&checker, withdraw(f.accused, "x")),
        format!(
            "verification.withdraw refused: verification {} is a claim.record, not a verification",
            short(&f.accused)
        )
    );
    assert_eq!(
        f.w.refused(&checker2, withdraw(v, "I disagree")),
        format!(
            "verification.withdraw refused: verification {} was signed by checker (Cem Checker); only its own signer may withdraw it",
            short(&v)
        )
    );
    assert_eq!(
        f.w.refused(&checker, withdraw(v, "\t")),
        "verification.withdraw refused: reason is empty"
    );
    let v_at = f.w.now - 10;
    assert_eq!(
        f.w.refused_at(&checker, v_at - 1, withdraw(v, "premature")),
        format!(
            "verification.withdraw refused: statement time {} is before the time ({}) of verification {}, which it refers to",
            t(v_at - 1),
            t(v_at),
            short(&v)
        )
    );
    let w = f.w.ok(&checker, withdraw(v, "premature"));
    assert_eq!(
        f.w.refused(&checker, withdraw(v, "again")),
        format!(
            "verification.withdraw refused: verification {} is already withdrawn (by {})",
            short(&v),
            short(&w)
        )
    );
}

// ---------------------------------------------------------------- decoding

fn value(pairs: Vec<(&str, ciborium::Value)>) -> ciborium::Value {
    ciborium::Value::Map(
        pairs
            .into_iter()
            .map(|(k, v)| (ciborium::Value::Text(k.into()), v))
            .collect(),
    )
}

fn text(s: &str) -> ciborium::Value {
    ciborium::Value::Text(s.into())
}

#[test]
fn bodies_decode_only_in_their_one_canonical_shape() {
    let good = || {
        vec![
            ("label", text("diplomatic sources")),
            ("kind", text("anonymous_group")),
            ("on_record", ciborium::Value::Bool(false)),
            ("count", text("several")),
        ]
    };
    assert!(Body::from_value(Kind::SourceRecord, value(good())).is_ok());

    let mut v = good();
    v[1] = ("kind", text("secret_person"));
    let e = Body::from_value(Kind::SourceRecord, value(v)).unwrap_err();
    assert!(
        e.starts_with(
            "source.record body: unknown variant `secret_person`, expected one of `named_person`"
        ),
        "{e}"
    );

    let mut v = good();
    v.push(("secret", text("x")));
    let e = Body::from_value(Kind::SourceRecord, value(v)).unwrap_err();
    assert!(
        e.starts_with("source.record body: unknown field `secret`"),
        "{e}"
    );

    let mut v = good();
    v.push(("name", ciborium::Value::Null));
    assert_eq!(
        Body::from_value(Kind::SourceRecord, value(v)).unwrap_err(),
        "source.record body is not in its canonical form (an absent field must be left out, not written as null)"
    );

    let revise = value(vec![
        ("claim", ciborium::Value::Bytes(vec![1; 32])),
        ("article", ciborium::Value::Bytes(vec![2; 32])),
        ("change", text("deleted")),
        ("reason", text("article_updated")),
    ]);
    let e = Body::from_value(Kind::ClaimRevise, revise).unwrap_err();
    assert!(
        e.starts_with("claim.revise body: change is 'deleted'; it must be \"removed\" or a map"),
        "{e}"
    );

    // `removed` round-trips as the text "removed".
    let removed = Body::ClaimRevise(ClaimRevise {
        claim: Digest([1; 32]),
        article: Digest([2; 32]),
        change: Change::Removed,
        reason: ChangeReason::ArticleUpdated,
        note: None,
    });
    let v = removed.to_value().unwrap();
    assert_eq!(Body::from_value(Kind::ClaimRevise, v).unwrap(), removed);
}

// ---------------------------------------------------------------- replay

#[test]
fn replay_stops_at_the_first_bad_entry() {
    let f = fx();
    let mut entries = f.w.log.clone();
    // Forge an entry no append would admit: a verdict signed by the editor.
    let bad = World::sign_at(
        &f.w.editor,
        f.w.now,
        Body::Verification(verification(f.accused, f.accused, Verdict::True)),
    );
    let bad_at = 9;
    entries.insert(bad_at, (f.w.now, bad));
    let mut logged = T0;
    let mut replay = State::in_memory().unwrap();
    let blobs = &f.w.blobs;
    let mut failure = None;
    for (seq, (_, st)) in entries.iter().enumerate() {
        logged = logged.max(st.statement().at);
        let r = replay.apply(
            &Entry {
                seq: seq as u64,
                logged_at: logged,
                statement: st,
            },
            blobs,
        );
        if let Err(e) = r {
            failure = Some((seq, e));
            break;
        }
    }
    let (seq, e) = failure.expect("replay should fail");
    assert_eq!(seq, bad_at);
    assert!(matches!(e, StateError::Rule(_)));
    assert_eq!(
        e.to_string(),
        format!("verification refused: signer Eda Editor (editor, kid {}) has no role that may sign verification (needs checker)", kid(&f.w.editor))
    );
    assert_eq!(replay.applied().unwrap(), bad_at as u64);
}

/// The rule ids the library gives: every `refuse!("id", ..)`, `rule: "id"`
/// and `refusal("id", ..)` in `src/state/`, and the replay's `RULE_*`.
fn rule_ids_in_source() -> std::collections::BTreeSet<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/state");
    let mut ids = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for marker in ["refuse!(", "rule: ", "refusal(", "const RULE_"] {
            for (i, _) in text.match_indices(marker) {
                let mut rest = text[i + marker.len()..].trim_start();
                if marker == "const RULE_" {
                    rest = rest.split_once("= ").unwrap().1;
                }
                let Some(rest) = rest.strip_prefix('"') else {
                    continue;
                };
                let id = &rest[..rest.find('"').unwrap()];
                if id.contains('.') {
                    ids.insert(id.to_string());
                }
            }
        }
    }
    ids
}

#[test]
fn every_rule_id_is_listed_once_in_the_readme() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let section = readme
        .split("### Rule ids")
        .nth(1)
        .expect("README has a Rule ids section");
    let listed: Vec<&str> = section
        .lines()
        .skip_while(|l| !l.starts_with("| rule |"))
        .skip(2)
        .take_while(|l| l.starts_with("| `"))
        .map(|l| l.split('`').nth(1).unwrap())
        .collect();
    let unique: std::collections::BTreeSet<String> = listed.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        unique.len(),
        listed.len(),
        "a rule id is listed twice: {listed:?}"
    );
    let used = rule_ids_in_source();
    assert!(
        used.len() > 70,
        "the source scan found too few rule ids: {used:?}"
    );
    assert_eq!(
        used, unique,
        "the README's rule ids differ from the library's"
    );
    for id in &used {
        let (area, name) = id.split_once('.').unwrap();
        assert!(
            !area.is_empty()
                && area.bytes().all(|b| b.is_ascii_lowercase())
                && name.split('-').all(|w| !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
            "{id} is not a dotted lowercase id"
        );
    }
}

#[test]
fn a_refusal_names_its_rule_by_id() {
    let mut f = fx();
    let ed = ed(&f.w);
    let long = "x".repeat(MAX_LABEL_CHARS + 1);
    let (rule, msg) = f.w.refused_by(
        &ed,
        Body::SourceRecord(source(SourceKind::Document, &long, None)),
    );
    assert_eq!(rule, "field.too-long");
    assert_eq!(
        msg,
        format!(
            "source.record refused: label is {} characters; at most {MAX_LABEL_CHARS} are allowed",
            MAX_LABEL_CHARS + 1
        )
    );
}
