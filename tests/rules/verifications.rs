//! Rules of `verification` and `verification.withdraw`
//! (`src/state/verifications.rs`).

use super::*;

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
    let accused_at = f.w.at_of(f.accused);
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
