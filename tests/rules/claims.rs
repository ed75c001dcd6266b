//! Rules of `claim.record`, `claim.revise` and `claim.retract`
//! (`src/state/claims.rs`).

use super::*;

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
        attribution: Attribution::outlets_own(),
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
    let stance_at = f.w.at_of(f.stance);
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
