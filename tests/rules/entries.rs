//! Rules on every entry (`src/state/mod.rs`): log order, times, the genesis
//! first, no statement twice, and who may sign what.

use super::*;

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
        policy: Policy::quorum(1),
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
        Body::KeyRevoke(KeyRevoke::new(
            c3.public().to_note_string(),
            "laptop stolen".into(),
        )),
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
