//! Audit replays the log through the same validity function: a replay
//! stops at the first entry the rules refuse.

use super::*;

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
