//! The group commit (`Ledger::append_group`) and the sequencer thread that
//! owns the writer (`provledger::ledger::sequencer`): independent
//! submissions share one batch, a refused one does not sink the others, a
//! submission of several statements stands or falls whole, exact
//! duplicates are recognised, a full queue answers busy, and a stop
//! finishes the batch in hand. Each test ends with the ledger passing
//! `audit` and every answer checked against the log.

use crate::common::{self, fixed_key, grant, library_ledger, operator, Env, T0};
use provledger::digest::Digest;
use provledger::ledger::sequencer::{Answer, Config, Sequencer};
use provledger::ledger::{Committed, Ledger, Outcome, Submission};
use provledger::statement::{Body, Role, SignedStatement, Statement};
use std::sync::mpsc;
use std::time::Duration;

/// A verified grant by the operator of a fresh checker key `n`.
fn fresh(n: u64) -> provledger::statement::VerifiedStatement {
    grant(
        &operator(),
        &fixed_key(&format!("g{n}"), 1000 + n),
        &[Role::Checker],
    )
    .verify()
    .unwrap()
}

fn one(v: provledger::statement::VerifiedStatement) -> Submission {
    Submission {
        statements: vec![v],
        blobs: vec![],
    }
}

/// A grant signed by key0, an editor, which may not grant keys.
fn unauthorised() -> provledger::statement::VerifiedStatement {
    grant(
        &fixed_key("key0", 0),
        &fixed_key("intruder", 77),
        &[Role::Editor],
    )
    .verify()
    .unwrap()
}

/// Checks a committed answer against the log: each proof verifies under
/// the operator key and holds the statement at its index.
fn check_committed(c: &Committed, ledger: &Ledger) {
    assert_eq!(c.proofs.len(), c.statements.len());
    for (p, proof) in c.statements.iter().zip(&c.proofs) {
        let proven = proof.verify(operator().public()).expect("proof verifies");
        assert_eq!(proven.statement.id(), p.id);
        assert_eq!(proof.index, p.index);
        assert_eq!(ledger.entry(p.index).unwrap().statement.id(), p.id);
        assert_eq!(proof.checkpoint, c.checkpoint.as_bytes());
    }
}

fn appended(o: &Outcome) -> &Committed {
    match o {
        Outcome::Appended(c) => c,
        other => panic!("expected appended, got {other:?}"),
    }
}

#[test]
fn a_refused_submission_does_not_sink_the_others_of_its_group() {
    let env = Env::new();
    library_ledger(&env, 1);
    let mut l = Ledger::open_writer(&env.ledger()).unwrap();
    let before = l.size();
    let out = l
        .append_group(
            &[one(fresh(1)), one(unauthorised()), one(fresh(2))],
            &operator(),
            T0,
        )
        .unwrap();
    assert_eq!(l.size(), before + 2, "one batch of the two that passed");
    let a = appended(&out[0]);
    let c = appended(&out[2]);
    assert_eq!(a.statements[0].index, before);
    assert_eq!(c.statements[0].index, before + 1);
    assert_eq!(a.checkpoint, c.checkpoint, "one checkpoint for the group");
    check_committed(a, &l);
    check_committed(c, &l);
    match &out[1] {
        Outcome::Refused {
            index,
            rule,
            message,
            id,
        } => {
            assert_eq!(*index, 0);
            assert_eq!(*id, unauthorised().id());
            assert!(rule.starts_with("signer."), "{rule}");
            assert!(!message.is_empty());
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(l.state().statement(&unauthorised().id()).unwrap().is_none());
    drop(l);
    env.assert_audit_clean();
}

#[test]
fn an_exact_duplicate_is_recognised_in_the_log_and_within_a_group() {
    let env = Env::new();
    library_ledger(&env, 0);
    let mut l = Ledger::open_writer(&env.ledger()).unwrap();
    let out = l
        .append_group(&[one(fresh(1)), one(fresh(1))], &operator(), T0)
        .unwrap();
    let first = appended(&out[0]).statements[0].index;
    let Outcome::Duplicate(d) = &out[1] else {
        panic!("expected a duplicate, got {:?}", out[1]);
    };
    assert_eq!(d.statements[0].index, first);
    check_committed(d, &l);
    let size = l.size();
    let files = env.ledger_files();
    // A retry later: answered from the log, nothing written.
    let again = l.append_group(&[one(fresh(1))], &operator(), T0).unwrap();
    let Outcome::Duplicate(d) = &again[0] else {
        panic!("expected a duplicate, got {:?}", again[0]);
    };
    assert_eq!(d.statements[0].index, first);
    check_committed(d, &l);
    assert_eq!(l.size(), size);
    drop(l);
    assert_eq!(
        files
            .keys()
            .filter(|k| !k.starts_with("index"))
            .collect::<Vec<_>>(),
        env.ledger_files()
            .keys()
            .filter(|k| !k.starts_with("index"))
            .collect::<Vec<_>>()
    );
    env.assert_audit_clean();
}

#[test]
fn a_submission_of_several_statements_stands_or_falls_whole() {
    let env = Env::new();
    library_ledger(&env, 1);
    let mut l = Ledger::open_writer(&env.ledger()).unwrap();
    let before = l.size();
    let sunk = Submission {
        statements: vec![fresh(1), fresh(2), unauthorised()],
        blobs: vec![],
    };
    let whole = Submission {
        statements: vec![fresh(3), fresh(4)],
        blobs: vec![],
    };
    let out = l
        .append_group(&[sunk, whole, one(fresh(1))], &operator(), T0)
        .unwrap();
    let Outcome::Refused { index, .. } = &out[0] else {
        panic!("expected a refusal, got {:?}", out[0]);
    };
    assert_eq!(*index, 2, "the third statement is named");
    let w = appended(&out[1]);
    assert_eq!(
        w.statements.iter().map(|p| p.index).collect::<Vec<_>>(),
        vec![before, before + 1]
    );
    check_committed(w, &l);
    // fresh(1) was undone with its submission, so it is new here.
    let f = appended(&out[2]);
    assert_eq!(f.statements[0].index, before + 2);
    assert!(l.state().statement(&fresh(2).id()).unwrap().is_none());
    assert_eq!(l.size(), before + 3);
    drop(l);
    env.assert_audit_clean();
}

/// An article version by key0 (an editor) whose text is `text`, verified.
fn article(text: &str) -> provledger::statement::VerifiedStatement {
    common::article_record(text).verify().unwrap()
}

#[test]
fn only_blobs_an_accepted_statement_reads_are_stored() {
    let env = Env::new();
    library_ledger(&env, 1);
    let mut l = Ledger::open_writer(&env.ledger()).unwrap();
    let text = "The council met on Tuesday.";
    let stray = b"no statement reads this".to_vec();
    let out = l
        .append_group(
            &[
                Submission {
                    statements: vec![article(text)],
                    blobs: vec![text.as_bytes().to_vec(), stray.clone()],
                },
                // Refused: its text is neither sent nor stored.
                one(article("Another text.")),
            ],
            &operator(),
            T0,
        )
        .unwrap();
    check_committed(appended(&out[0]), &l);
    let Outcome::Refused { rule, .. } = &out[1] else {
        panic!("expected a refusal, got {:?}", out[1]);
    };
    assert_eq!(*rule, "article.content-missing");
    assert_eq!(
        l.get_blob(&Digest::of(text.as_bytes())).unwrap(),
        text.as_bytes()
    );
    assert!(
        l.get_blob(&Digest::of(&stray)).is_err(),
        "the stray blob is not stored"
    );
    drop(l);
    env.assert_audit_clean();
}

#[test]
fn concurrent_submitters_share_batches_and_all_land() {
    let env = Env::new();
    library_ledger(&env, 0);
    let before = Ledger::open(&env.ledger()).unwrap().size();
    let seq = Sequencer::start(&env.ledger(), operator(), Config::default()).unwrap();
    const THREADS: u64 = 8;
    const EACH: u64 = 40;
    let answers: Vec<Answer> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let seq = &seq;
                s.spawn(move || {
                    (0..EACH)
                        .map(|i| seq.submit_wait(one(fresh(t * EACH + i))))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    seq.stop();
    let l = Ledger::open(&env.ledger()).unwrap();
    assert_eq!(l.size(), before + THREADS * EACH);
    let mut indexes = std::collections::BTreeSet::new();
    let mut checkpoints = std::collections::BTreeSet::new();
    for a in &answers {
        let Answer::Done(Outcome::Appended(c)) = a else {
            panic!("expected appended, got {a:?}");
        };
        indexes.insert(c.statements[0].index);
        checkpoints.insert(c.checkpoint.clone());
        let proven = c.proofs[0].verify(operator().public()).unwrap();
        assert_eq!(proven.statement.id(), c.statements[0].id);
        assert_eq!(
            l.entry(c.statements[0].index).unwrap().statement.id(),
            c.statements[0].id
        );
    }
    assert_eq!(indexes.len() as u64, THREADS * EACH, "each its own index");
    assert!(
        checkpoints.len() < answers.len(),
        "submissions shared batches ({} checkpoints for {} answers)",
        checkpoints.len(),
        answers.len()
    );
    drop(l);
    env.assert_audit_clean();
}

#[test]
fn a_full_queue_answers_busy_at_once_and_a_stop_finishes_the_batch_in_hand() {
    let env = Env::new();
    library_ledger(&env, 0);
    let config = Config {
        max_batch: 1,
        queue: 1,
        ..Config::default()
    };
    let seq = Sequencer::start(&env.ledger(), operator(), config).unwrap();
    // The first answer blocks the sequencer thread (replies run on it)
    // until the test lets it go: the queue then fills.
    let (hold_tx, hold_rx) = mpsc::channel::<()>();
    let (first_tx, first_rx) = mpsc::channel();
    seq.submit(one(fresh(1)), move |a| {
        first_tx.send(a).unwrap();
        hold_rx.recv().unwrap();
    });
    let first = first_rx.recv_timeout(Duration::from_secs(30)).unwrap();
    assert!(
        matches!(first, Answer::Done(Outcome::Appended(_))),
        "{first:?}"
    );
    let (queued_tx, queued_rx) = mpsc::channel();
    seq.submit(one(fresh(2)), move |a| queued_tx.send(a).unwrap());
    assert!(matches!(seq.submit_wait(one(fresh(3))), Answer::Busy));
    std::thread::scope(|s| {
        s.spawn(|| seq.stop());
        // The thread is let go only once the stop has begun.
        while !seq.is_stopping() {
            std::thread::yield_now();
        }
        hold_tx.send(()).unwrap();
    });
    // The queued one was not taken into a batch before the stop.
    let queued = queued_rx.recv_timeout(Duration::from_secs(30)).unwrap();
    assert!(matches!(queued, Answer::Stopped), "{queued:?}");
    assert!(matches!(seq.submit_wait(one(fresh(4))), Answer::Stopped));
    let l = Ledger::open(&env.ledger()).unwrap();
    assert!(l.state().statement(&fresh(1).id()).unwrap().is_some());
    for n in 2..=4 {
        assert!(l.state().statement(&fresh(n).id()).unwrap().is_none());
    }
    drop(l);
    env.assert_audit_clean();
}

#[test]
fn a_sequencer_needs_the_ledgers_operator_key() {
    let env = Env::new();
    library_ledger(&env, 0);
    let files = env.ledger_files();
    let err = Sequencer::start(&env.ledger(), fixed_key("other", 5), Config::default())
        .err()
        .expect("a wrong operator key is refused");
    let message = provledger::error::chain(&err);
    assert!(
        message.contains("cannot sign checkpoints of the ledger test.example/ledger"),
        "{message}"
    );
    assert_eq!(
        common::checkpoint_size(&env.checkpoint()),
        1,
        "nothing was written"
    );
    assert_eq!(files, env.ledger_files());
}

#[test]
fn a_statement_ahead_of_the_clock_is_refused_alone() {
    let env = Env::new();
    library_ledger(&env, 0);
    let mut l = Ledger::open_writer(&env.ledger()).unwrap();
    let clock = provledger::ledger::clock().unwrap();
    let ahead = SignedStatement::sign(
        &Statement {
            at: clock + 3600,
            body: Body::KeyGrant(provledger::statement::KeyGrant {
                key: fixed_key("late", 9).public().to_note_string(),
                display_name: "Late".into(),
                roles: vec![Role::Checker],
            }),
        },
        &operator(),
    )
    .unwrap()
    .verify()
    .unwrap();
    let before = l.size();
    let out = l
        .append_group(&[one(ahead), one(fresh(1))], &operator(), T0)
        .unwrap();
    let Outcome::Ahead { index, message } = &out[0] else {
        panic!("expected ahead, got {:?}", out[0]);
    };
    assert_eq!(*index, 0);
    assert!(
        message.contains("is 1 hour ahead of this machine's clock"),
        "{message}"
    );
    appended(&out[1]);
    assert_eq!(l.size(), before + 1);
}
