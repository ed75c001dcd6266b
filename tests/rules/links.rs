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
