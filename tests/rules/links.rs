//! Rules of `claim.link` (`src/state/links.rs`).

use super::*;

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
    let stance_at = f.w.at_of(f.stance);
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

// ------------------------------------------------------ link withdrawal

fn withdraw(link: Digest, reason: &str) -> Body {
    Body::ClaimLinkWithdraw(ClaimLinkWithdraw {
        link,
        reason: reason.into(),
    })
}

#[test]
fn link_withdrawal_rules() {
    let mut f = fx();
    let ed = ed(&f.w);
    let c1 = f.w.checker.clone();
    let c2 = f.w.checker2.clone();
    let by_c1 =
        f.w.ok(&c1, link(f.accused, f.stance, Relation::Corroborates));
    let cases: Vec<(SecretKey, Body, &str, String)> = vec![
        (c1.clone(), withdraw(f.accused, "wrong"), "ref.kind",
            format!("claim.link.withdraw refused: link {} is a claim.record, not a claim.link", short(&f.accused))),
        (c1.clone(), withdraw(Digest::of(b"none"), "wrong"), "ref.missing",
            format!("claim.link.withdraw refused: link {} is not in the ledger", short(&Digest::of(b"none")))),
        (c1.clone(), withdraw(by_c1, " "), "field.empty",
            "claim.link.withdraw refused: reason is empty".into()),
        (c2.clone(), withdraw(by_c1, "not mine"), "link.withdraw-signer",
            format!("claim.link.withdraw refused: link {} was signed by Cem Checker (checker); only its signer or an editor may withdraw it", short(&by_c1))),
        (f.w.operator.clone(), withdraw(by_c1, "operator"), "signer.not-granted",
            format!("claim.link.withdraw refused: signer the operator ({}, kid {}) is not a granted key of this ledger", f.w.operator.public().name(), kid(&f.w.operator))),
    ];
    for (key, body, rule, message) in cases {
        let (got_rule, got) = f.w.refused_by(&key, body);
        assert_eq!((got_rule, got), (rule, message));
    }
    // An editor may withdraw a checker's link; once.
    let w1 =
        f.w.ok(&ed, withdraw(by_c1, "the stance is not the accusation"));
    let (rule, msg) = f.w.refused_by(&c1, withdraw(by_c1, "again"));
    assert_eq!(
        (rule, msg),
        (
            "link.already-withdrawn",
            format!(
                "claim.link.withdraw refused: link {} is already withdrawn (by {})",
                short(&by_c1),
                short(&w1)
            )
        )
    );
    // A withdrawn link no longer stands in the way: the pair may be linked
    // again, even the other way.
    let again =
        f.w.ok(&c2, link(f.stance, f.accused, Relation::Contradicts));
    // A checker withdraws its own.
    f.w.ok(&c2, withdraw(again, "premature"));
    // A withdrawn cites link frees the claim to cite another.
    let cites = f.w.ok(&ed, link(f.accused, f.stance, Relation::Cites));
    assert_eq!(
        f.w.refused_by(&ed, link(f.accused, f.delegation, Relation::Cites))
            .0,
        "link.cites-one"
    );
    f.w.ok(&ed, withdraw(cites, "cites the other one"));
    f.w.ok(&ed, link(f.accused, f.delegation, Relation::Cites));
}

#[test]
fn a_compromised_signers_links_stop_counting_for_the_rules_too() {
    let mut f = fx();
    let c1 = f.w.checker.clone();
    let op = f.w.operator.clone();
    let l =
        f.w.ok(&c1, link(f.accused, f.stance, Relation::Corroborates));
    assert_eq!(
        f.w.refused_by(
            &f.w.editor.clone(),
            link(f.accused, f.stance, Relation::Corroborates)
        )
        .0,
        "link.duplicate"
    );
    f.w.ok(
        &op,
        Body::KeyRevoke(KeyRevoke {
            mode: Some(RevokeMode::Compromised),
            since_entry: Some(f.w.state.applied().unwrap() - 1),
            ..KeyRevoke::new(c1.public().to_note_string(), "stolen".into())
        }),
    );
    // The link was signed at the compromise point: it no longer counts, so
    // an honest editor may state it again.
    let ed = f.w.editor.clone();
    f.w.ok(&ed, link(f.accused, f.stance, Relation::Corroborates));
    // It can still be withdrawn, for the record.
    f.w.ok(&ed, withdraw(l, "signed with a stolen key"));
}
