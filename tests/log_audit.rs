//! Structural audit: a clean ledger passes; any flipped byte, dropped or
//! reordered leaf, truncation or rollback is caught and pinned on the first
//! entry at fault. Torn tails left by a crashed append are repaired.

use crate::log_support;

use log_support::*;
use provledger::log::{audit, AuditOptions, AuditReport, CrashPoint, Leaf, Log, LogError};
use signed_note::StandardVerifier;
use std::fs;
use std::path::Path;
use tlog_tiles::{stored_hash_count, stored_hash_index};

const N: u64 = 300;

fn run(dir: &Path, trusted: Option<&[u8]>) -> AuditReport {
    let (_, verifier) = operator();
    run_with(dir, &verifier, trusted)
}

fn run_with(dir: &Path, verifier: &StandardVerifier, trusted: Option<&[u8]>) -> AuditReport {
    let opts = AuditOptions {
        verifier,
        trusted_checkpoint: trusted,
    };
    audit(dir, &opts, |_, _| Ok(()), |_, _| {}).unwrap()
}

/// Asserts the audit found problems, the first of which names `entry`.
fn assert_caught(r: &AuditReport, entry: u64, needle: &str) {
    assert!(!r.is_clean(), "tampering not detected");
    assert_eq!(
        r.first_entry_at_fault(),
        Some(entry),
        "wrong first entry; problems: {:#?}",
        r.problems
    );
    assert_eq!(r.problems[0].entry, Some(entry));
    assert!(
        r.problems.iter().any(|p| p.what.contains(needle)),
        "no problem mentions {needle:?}: {:#?}",
        r.problems
    );
}

fn ledger() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    drop(build(tmp.path(), N));
    tmp
}

#[test]
fn a_clean_ledger_audits_clean_and_every_leaf_is_visited() {
    let tmp = ledger();
    let d = Log::open(tmp.path()).unwrap().put_blob(b"text").unwrap();
    let (_, verifier) = operator();
    let opts = AuditOptions {
        verifier: &verifier,
        trusted_checkpoint: None,
    };
    let mut seen = Vec::new();
    let mut last_progress = (0, 0);
    let r = audit(
        tmp.path(),
        &opts,
        |i, leaf: &Leaf| {
            assert_eq!(leaf.statement, statement(i));
            seen.push(i);
            Ok(())
        },
        |done, total| last_progress = (done, total),
    )
    .unwrap();
    assert!(r.is_clean(), "{:#?}", r.problems);
    assert_eq!((r.size, r.entries_checked, r.blobs_checked), (N, N, 1));
    assert_eq!(seen, (0..N).collect::<Vec<_>>());
    assert_eq!(last_progress, (N, N));
    assert_eq!(r.root, Some(Log::open(tmp.path()).unwrap().root()));
    let _ = d;
}

#[test]
fn the_visitor_can_reject_an_entry() {
    let tmp = ledger();
    let (_, verifier) = operator();
    let opts = AuditOptions {
        verifier: &verifier,
        trusted_checkpoint: None,
    };
    let r = audit(
        tmp.path(),
        &opts,
        |i, _: &Leaf| match i {
            42 => Err("signer not granted".into()),
            _ => Ok(()),
        },
        |_, _| {},
    )
    .unwrap();
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].entry, Some(42));
    assert_eq!(r.problems[0].what, "signer not granted");
}

#[test]
fn a_flipped_byte_in_a_leaf_names_that_entry() {
    for (bundle, k, first, needle) in [
        (
            "tile/entries/000",
            100usize,
            100u64,
            "the entry was altered",
        ),
        // Entry 0's statement is empty: the flip hits its CBOR header.
        ("tile/entries/000", 0, 0, "not a canonical CBOR leaf"),
        ("tile/entries/001.p/44", 14, 270, "the entry was altered"),
        ("tile/entries/001.p/44", 43, 299, "the entry was altered"),
    ] {
        let tmp = ledger();
        let path = tmp.path().join(bundle);
        let bytes = fs::read(&path).unwrap();
        // The last byte of the entry: inside its statement.
        let end = entry_offset(&bytes, k + 1) - 3;
        flip(&path, end);
        let r = run(tmp.path(), None);
        assert_caught(&r, first, needle);
    }
}

#[test]
fn a_flipped_length_prefix_names_that_entry() {
    let tmp = ledger();
    let path = tmp.path().join("tile/entries/000");
    let bytes = fs::read(&path).unwrap();
    flip(&path, entry_offset(&bytes, 77) - 1);
    let r = run(tmp.path(), None);
    assert_eq!(r.first_entry_at_fault(), Some(77), "{:#?}", r.problems);
}

#[test]
fn a_flipped_byte_in_a_hash_tile_names_the_entries_it_covers() {
    for (tile, hash, first) in [
        ("tile/0/000", 37usize, 37u64),
        ("tile/0/001.p/44", 5, 261),
        ("tile/1/000.p/1", 0, 0),
    ] {
        let tmp = ledger();
        flip(&tmp.path().join(tile), hash * 32 + 31);
        let r = run(tmp.path(), None);
        assert_caught(&r, first, tile);
        assert_eq!(r.problems.len(), 1, "{:#?}", r.problems);
    }
}

#[test]
fn a_flipped_byte_in_the_hashes_file_names_the_entries_it_covers() {
    let tmp = ledger();
    flip(
        &tmp.path().join("hashes"),
        stored_hash_index(0, 150) as usize * 32,
    );
    assert_caught(
        &run(tmp.path(), None),
        150,
        "hashes holds a wrong leaf hash",
    );

    let tmp = ledger();
    flip(
        &tmp.path().join("hashes"),
        stored_hash_index(1, 60) as usize * 32 + 5,
    );
    assert_caught(&run(tmp.path(), None), 120, "subtree of entries 120..122");
}

#[test]
fn a_flipped_byte_in_the_checkpoint_is_caught() {
    // In the signature.
    let tmp = ledger();
    let cp = tmp.path().join("checkpoint");
    let len = fs::read(&cp).unwrap().len();
    flip(&cp, len - 10);
    let r = run(tmp.path(), None);
    assert!(!r.is_clean());
    assert_eq!(r.problems[0].entry, None);
    assert!(
        r.problems[0].what.starts_with("checkpoint is not valid"),
        "{:#?}",
        r.problems
    );

    // In the root: signature and root both fail.
    let tmp = ledger();
    let cp = tmp.path().join("checkpoint");
    let text = fs::read_to_string(&cp).unwrap();
    let root_at = text.find("\n300\n").unwrap() + 5;
    let mut b = text.into_bytes();
    b[root_at] = if b[root_at] == b'A' { b'B' } else { b'A' };
    fs::write(&cp, b).unwrap();
    let r = run(tmp.path(), None);
    let all: Vec<&str> = r.problems.iter().map(|p| p.what.as_str()).collect();
    assert!(
        all.iter().any(|w| w.contains("the signature by key")),
        "{all:#?}"
    );
    assert!(
        all.iter().any(|w| w.contains("but checkpoint says")),
        "{all:#?}"
    );

    // In the size: entries past the real end are missing.
    let tmp = ledger();
    let cp = tmp.path().join("checkpoint");
    let text = fs::read_to_string(&cp)
        .unwrap()
        .replace("\n300\n", "\n301\n");
    fs::write(&cp, text).unwrap();
    let r = run(tmp.path(), None);
    assert_eq!(r.first_entry_at_fault(), Some(300), "{:#?}", r.problems);
    assert!(r
        .problems
        .iter()
        .any(|p| p.what.contains("checkpoint is not valid")));

    // Not a checkpoint at all.
    let tmp = ledger();
    fs::write(tmp.path().join("checkpoint"), "garbage").unwrap();
    let r = run(tmp.path(), None);
    assert_eq!(r.problems.len(), 1);
    assert_eq!(
        r.problems[0].what,
        "checkpoint: not a well-formed signed note (text, blank line, '— name signature' lines)"
    );

    // Checked under the wrong key.
    let tmp = ledger();
    let (_, other) = keys("example.org/ledger", 8);
    let r = run_with(tmp.path(), &other, None);
    assert!(r.problems[0]
        .what
        .contains("not signed by key example.org/ledger+"));
}

#[test]
fn a_dropped_leaf_names_its_position() {
    let tmp = ledger();
    let path = tmp.path().join("tile/entries/000");
    let mut entries = split_bundle(&fs::read(&path).unwrap());
    entries.remove(50);
    fs::write(&path, join_bundle(&entries)).unwrap();
    assert_caught(&run(tmp.path(), None), 50, "the leaf says it is entry 51");
}

#[test]
fn reordered_leaves_name_the_first_moved() {
    let tmp = ledger();
    let path = tmp.path().join("tile/entries/001.p/44");
    let mut entries = split_bundle(&fs::read(&path).unwrap());
    entries.swap(10, 11);
    fs::write(&path, join_bundle(&entries)).unwrap();
    assert_caught(&run(tmp.path(), None), 266, "the leaf says it is entry 267");
}

#[test]
fn a_truncated_log_is_caught() {
    // The last bundle cut short.
    let tmp = ledger();
    let path = tmp.path().join("tile/entries/001.p/44");
    let b = fs::read(&path).unwrap();
    fs::write(&path, &b[..b.len() - 10]).unwrap();
    assert_caught(&run(tmp.path(), None), 299, "is cut short");

    // The last bundle gone.
    let tmp = ledger();
    fs::remove_file(tmp.path().join("tile/entries/001.p/44")).unwrap();
    assert_caught(
        &run(tmp.path(), None),
        256,
        "entry bundle tile/entries/001.p/44 is missing",
    );

    // The hashes file cut short.
    let tmp = ledger();
    let h = tmp.path().join("hashes");
    let f = fs::OpenOptions::new().write(true).open(&h).unwrap();
    f.set_len(stored_hash_index(0, 200) * 32).unwrap();
    assert_caught(&run(tmp.path(), None), 200, "hashes ends at stored hash");
}

#[test]
fn a_rollback_or_rewrite_is_caught_against_a_trusted_checkpoint() {
    let full = ledger();
    let trusted = fs::read(full.path().join("checkpoint")).unwrap();

    // The same log, but only 250 entries: a rollback.
    let short = tempfile::tempdir().unwrap();
    drop(build(short.path(), 250));
    assert!(run(short.path(), None).is_clean());
    let r = run(short.path(), Some(&trusted));
    assert_caught(&r, 250, "the log was truncated or rolled back");

    // A consistent extension of an older trusted checkpoint is clean.
    let r = run(
        full.path(),
        Some(&fs::read(short.path().join("checkpoint")).unwrap()),
    );
    assert!(r.is_clean(), "{:#?}", r.problems);
    assert!(run(full.path(), Some(&trusted)).is_clean());

    // A rewritten history, validly re-signed, is not.
    let other = tempfile::tempdir().unwrap();
    let (signer, _) = operator();
    let mut w = build(other.path(), 249);
    w.append(&[b"rewritten".to_vec()], T0, &signer).unwrap();
    w.append(&(250..N).map(statement).collect::<Vec<_>>(), T0, &signer)
        .unwrap();
    drop(w);
    assert!(run(other.path(), None).is_clean());
    let r = run(other.path(), Some(&trusted));
    assert!(!r.is_clean());
    assert!(
        r.problems[0].what.contains("the log was rewritten"),
        "{:#?}",
        r.problems
    );

    // A trusted checkpoint that is itself forged.
    let mut forged = trusted.clone();
    let n = forged.len();
    forged[n - 5] ^= 1;
    let r = run(full.path(), Some(&forged));
    assert!(r.problems[0]
        .what
        .starts_with("the trusted checkpoint is not valid"));
}

#[test]
fn blobs_that_do_not_match_their_name_are_caught() {
    let tmp = ledger();
    let log = Log::open(tmp.path()).unwrap();
    let d = log.put_blob(b"captured evidence").unwrap();
    let rel = format!("blobs/{}/{}", &d.to_hex()[..2], d.to_hex());
    flip(&tmp.path().join(&rel), 3);
    fs::write(tmp.path().join("blobs/stray.txt"), "x").unwrap();
    let r = run(tmp.path(), None);
    let all: Vec<&str> = r.problems.iter().map(|p| p.what.as_str()).collect();
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(
        all[0].starts_with(&format!("blob {rel} is corrupt")),
        "{all:#?}"
    );
    assert!(
        all[1].starts_with("unexpected file blobs/stray.txt"),
        "{all:#?}"
    );
    assert!(r.problems.iter().all(|p| p.entry.is_none()));
}

#[test]
fn a_crash_before_the_checkpoint_is_rolled_back() {
    let tmp = ledger();
    let dir = tmp.path();
    let (signer, _) = operator();
    let root = Log::open(dir).unwrap().root();
    let mut w = Log::open_writer(dir, Some(std::time::Duration::from_secs(30))).unwrap();
    w.crash_at(Some(CrashPoint::BeforeCheckpoint));
    let stmts: Vec<Vec<u8>> = (N..N + 230).map(statement).collect();
    assert!(matches!(
        w.append(&stmts, T0, &signer),
        Err(LogError::SimulatedCrash)
    ));
    // Poisoned until reopened.
    assert!(matches!(
        w.append(&stmts, T0, &signer),
        Err(LogError::Poisoned { .. })
    ));
    drop(w);
    // The torn tail is on disk, past the checkpoint.
    for f in [
        "pending",
        "tile/entries/001",
        "tile/entries/002.p/18",
        "tile/0/002.p/18",
    ] {
        assert!(dir.join(f).exists(), "{f} should have been written");
    }
    assert!(
        fs::metadata(dir.join("hashes")).unwrap().len() > stored_hash_count(N) * 32,
        "hashes should have grown"
    );
    // Readers only ever see the checkpoint.
    assert_eq!(Log::open(dir).unwrap().size(), N);
    assert!(run(dir, None).is_clean());

    let w = Log::open_writer(dir, Some(std::time::Duration::from_secs(30))).unwrap();
    assert_eq!((w.size(), w.root()), (N, root));
    for f in [
        "pending",
        "tile/entries/001",
        "tile/entries/002.p/18",
        "tile/0/002.p/18",
    ] {
        assert!(!dir.join(f).exists(), "{f} should have been removed");
    }
    assert!(dir.join("tile/entries/001.p/44").exists());
    assert_eq!(
        fs::metadata(dir.join("hashes")).unwrap().len(),
        stored_hash_count(N) * 32
    );
    drop(w);
    assert!(run(dir, None).is_clean());

    // And the log carries on normally.
    let mut w = Log::open_writer(dir, Some(std::time::Duration::from_secs(30))).unwrap();
    w.append(&stmts, T0, &signer).unwrap();
    drop(w);
    let r = run(dir, None);
    assert!(r.is_clean(), "{:#?}", r.problems);
    assert_eq!(r.size, N + 230);
}

#[test]
fn a_crash_after_the_checkpoint_is_finished() {
    let tmp = ledger();
    let dir = tmp.path();
    let (signer, _) = operator();
    let mut w = Log::open_writer(dir, Some(std::time::Duration::from_secs(30))).unwrap();
    w.crash_at(Some(CrashPoint::BeforeCleanup));
    let stmts: Vec<Vec<u8>> = (N..N + 20).map(statement).collect();
    assert!(w.append(&stmts, T0, &signer).is_err());
    drop(w);
    // Acknowledged or not, the entries are committed: the checkpoint says so.
    assert_eq!(Log::open(dir).unwrap().size(), N + 20);
    assert!(
        dir.join("tile/entries/001.p/44").exists(),
        "superseded partial still there"
    );
    let w = Log::open_writer(dir, Some(std::time::Duration::from_secs(30))).unwrap();
    assert_eq!(w.size(), N + 20);
    assert!(!dir.join("tile/entries/001.p/44").exists());
    assert!(!dir.join("tile/0/001.p/44").exists());
    assert!(!dir.join("pending").exists());
    drop(w);
    assert!(run(dir, None).is_clean());
}

#[test]
fn stray_bytes_past_the_checkpoint_are_trimmed_on_open() {
    let tmp = ledger();
    let h = tmp.path().join("hashes");
    let mut b = fs::read(&h).unwrap();
    let len = b.len();
    b.extend_from_slice(&[7; 40]);
    fs::write(&h, b).unwrap();
    drop(Log::open_writer(tmp.path(), Some(std::time::Duration::from_secs(30))).unwrap());
    assert_eq!(fs::metadata(&h).unwrap().len() as usize, len);
}

#[test]
fn a_journal_that_contradicts_the_checkpoint_is_refused() {
    let tmp = ledger();
    fs::write(
        tmp.path().join("pending"),
        "provledger-pending 1\nold 10\nnew 20\n",
    )
    .unwrap();
    let err = Log::open_writer(tmp.path(), Some(std::time::Duration::from_secs(30)))
        .err()
        .unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "{} is damaged: the journal records an append from 10 to 20 entries, but the \
             checkpoint has 300; restore the ledger from a copy",
            tmp.path().join("pending").display()
        )
    );
    fs::write(tmp.path().join("pending"), "nonsense").unwrap();
    assert!(
        Log::open_writer(tmp.path(), Some(std::time::Duration::from_secs(30)))
            .err()
            .unwrap()
            .to_string()
            .ends_with("is damaged: the append journal is not in the expected form")
    );
}
