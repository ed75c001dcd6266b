//! What the state keeps aside inside a batch instead of writing it on
//! every apply (`state/mod.rs`, `MetaCache`: the position `applied` and
//! `last_logged_at`): current inside the batch, in the table once
//! committed, forgotten by a rollback, and in step with entries applied as
//! nothing (audit's replay and `reindex --skip-refused` do that inside one
//! transaction).

use crate::state_harness::*;
use provledger::statement::Body;

const PASSAGE: &str = "the talks went on for a while";

#[test]
fn the_position_is_current_inside_a_batch_committed_and_rolled_back() {
    let mut w = World::new(1);
    w.forced_audit = false;
    let text = format!("Officials said {PASSAGE}, and then they stopped for the night.");
    let article = w.article(&text, None);
    let start = w.state.applied().unwrap();
    let logged = w.state.meta_u64("last_logged_at").unwrap();
    let ed = w.editor.clone();
    let body = || Body::ClaimRecord(claim_body(article, &text, PASSAGE, None));

    w.state.begin().unwrap();
    let st = World::sign_at(&ed, w.now, body());
    w.offer(&st).unwrap();
    assert_eq!(w.state.applied().unwrap(), start + 1);
    assert_eq!(
        w.state.meta_u64("last_logged_at").unwrap(),
        Some(w.now - 10)
    );
    // The duplicate check and the entry order read the position kept aside.
    assert_eq!(
        w.refused_statement(&st),
        format!(
            "claim.record refused: statement {} is already in the ledger (entry {start})",
            short(&st.id())
        )
    );
    w.state.rollback().unwrap();
    assert_eq!(w.state.applied().unwrap(), start);
    assert_eq!(w.state.meta_u64("last_logged_at").unwrap(), logged);

    // Applied again at the same position, then an entry applied as
    // nothing, then one more, all in one batch.
    w.state.begin().unwrap();
    w.offer(&st).unwrap();
    w.state
        .record_void(start + 1, None, None, "entry.undecodable", "test")
        .unwrap();
    assert_eq!(w.state.applied().unwrap(), start + 2);
    let next = World::sign_at(&ed, w.now, body());
    let wrong = provledger::state::Entry {
        seq: start + 1,
        logged_at: w.now,
        statement: &next,
    };
    let e = w.state.apply(&wrong, &w.blobs).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "claim.record refused: entry {} offered to a state that has applied {} entries",
            start + 1,
            start + 2
        )
    );
    w.state.commit().unwrap();
    // Nothing is kept aside after the commit: this is the table's.
    assert_eq!(w.state.applied().unwrap(), start + 2);
    assert_eq!(
        w.state
            .void_entries()
            .unwrap()
            .iter()
            .map(|v| v.seq)
            .collect::<Vec<_>>(),
        [start + 1]
    );
}

/// A group commit undoes a refused submission to a savepoint: the
/// position kept aside goes back with the rows.
#[test]
fn a_savepoint_rolls_the_position_back_with_the_rows() {
    let mut w = World::new(1);
    w.forced_audit = false;
    let text = format!("Officials said {PASSAGE}, and then they stopped for the night.");
    let article = w.article(&text, None);
    let start = w.state.applied().unwrap();
    let ed = w.editor.clone();
    w.state.begin().unwrap();
    let first = World::sign_at(
        &ed,
        w.now,
        Body::ClaimRecord(claim_body(article, &text, PASSAGE, None)),
    );
    w.offer(&first).unwrap();
    let sp = w.state.savepoint().unwrap();
    let second = World::sign_at(
        &ed,
        w.now,
        Body::ClaimRecord(claim_body(article, &text, "and then they stopped", None)),
    );
    w.offer(&second).unwrap();
    assert_eq!(w.state.applied().unwrap(), start + 2);
    w.state.rollback_to(sp).unwrap();
    assert_eq!(w.state.applied().unwrap(), start + 1);
    // The entry after the savepoint's goes at the position it restored.
    w.offer(&second).unwrap();
    w.state.commit().unwrap();
    assert_eq!(w.state.applied().unwrap(), start + 2);
}
