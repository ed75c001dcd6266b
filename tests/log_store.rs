//! The log layer end to end: tile paths, appends across tile boundaries
//! checked against an independent RFC 6962 computation, proofs, readers,
//! the writer lock, blobs, and every error a caller can cause.

use crate::log_support;

use log_support::*;
use provledger::digest::Digest;
use provledger::log::{
    entries_path, tile_path, verify_consistency, verify_inclusion, Leaf, LeafError, Log, LogError,
    MAX_LEAF_BYTES,
};
use std::fs;
use std::path::Path;
use std::time::Duration;
use tlog_tiles::stored_hash_count;

#[test]
fn tile_paths_follow_c2sp() {
    assert_eq!(tile_path(0, 1234067, 256), "tile/0/x001/x234/067");
    assert_eq!(tile_path(3, 1234067, 1), "tile/3/x001/x234/067.p/1");
    assert_eq!(tile_path(1, 0, 255), "tile/1/000.p/255");
    assert_eq!(tile_path(0, 1000, 256), "tile/0/x001/000");
    assert_eq!(tile_path(0, 999, 256), "tile/0/999");
    assert_eq!(entries_path(0, 5), "tile/entries/000.p/5");
    assert_eq!(entries_path(1234067, 256), "tile/entries/x001/x234/067");
    assert_eq!(
        entries_path(u64::MAX, 1),
        "tile/entries/x018/x446/x744/x073/x709/x551/615.p/1"
    );
}

#[test]
fn leaf_encoding_is_pinned() {
    let leaf = Leaf {
        seq: 0,
        prev: Digest::ZERO,
        logged_at: 1_700_000_000,
        statement: b"hi".to_vec(),
    };
    let bytes = leaf.encode().unwrap();
    // {"v":1,"seq":0,"prev":h'00..',"logged_at":1700000000,"statement":h'6869'}
    // with keys in canonical (length, then bytewise) order.
    let want = format!(
        "a5617601637365710064707265765820{}696c6f676765645f61741a6553f1006973746174656d656e74426869",
        "00".repeat(32)
    );
    assert_eq!(hex::encode(&bytes), want);
    assert_eq!(Leaf::decode(&bytes).unwrap(), leaf);
}

#[test]
fn leaf_decode_refuses_anything_but_a_canonical_v1_leaf() {
    let leaf = Leaf {
        seq: 3,
        prev: Digest([9; 32]),
        logged_at: 5,
        statement: vec![1, 2, 3],
    };
    let good = leaf.encode().unwrap();
    let as_value: ciborium::Value = ciborium::from_reader(&good[..]).unwrap();
    type Map = Vec<(ciborium::Value, ciborium::Value)>;
    let with = |edit: &dyn Fn(&mut Map)| {
        let mut m = as_value.as_map().unwrap().clone();
        edit(&mut m);
        provledger::cbor::value_to_vec(&ciborium::Value::Map(m)).unwrap()
    };
    let set = |key: &'static str, v: ciborium::Value| {
        move |m: &mut Map| {
            for (k, val) in m.iter_mut() {
                if k.as_text() == Some(key) {
                    *val = v.clone();
                }
            }
        }
    };

    let err = Leaf::decode(&with(&set("v", 2.into()))).unwrap_err();
    assert_eq!(err, LeafError::Version(2));
    assert_eq!(
        err.to_string(),
        "leaf has version 2; this provledger reads version 1"
    );

    let extra = with(&|m| m.push(("extra".into(), 1.into())));
    assert!(Leaf::decode(&extra)
        .unwrap_err()
        .to_string()
        .contains("unknown field"));

    let missing = with(&|m| m.retain(|(k, _)| k.as_text() != Some("prev")));
    assert!(Leaf::decode(&missing)
        .unwrap_err()
        .to_string()
        .contains("missing field"));

    // A text string where the statement's byte string belongs.
    let text = with(&set("statement", "abc".into()));
    assert!(Leaf::decode(&text).is_err(), "text statement accepted");

    // Non-shortest integer for seq (0x03 as 0x18 0x03).
    let pos = good.windows(4).position(|w| w == b"seq\x03").unwrap() + 3;
    let mut long = good.clone();
    long.splice(pos..pos + 1, [0x18, 0x03]);
    assert!(Leaf::decode(&long)
        .unwrap_err()
        .to_string()
        .contains("not in its shortest form"));

    assert!(Leaf::decode(&good[..good.len() - 1]).is_err());
}

#[test]
fn appends_across_tile_boundaries_match_rfc6962() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ledger");
    let (signer, verifier) = operator();
    let mut w = Log::create(&dir, &signer).unwrap();
    assert_eq!(w.size(), 0);
    assert_eq!(w.root(), Digest(mth(&[])));
    w.verify_checkpoint(&verifier).unwrap();

    let mut stmts: Vec<Vec<u8>> = Vec::new();
    // Batches chosen to start and end on, before and after tile edges, and
    // one that spans two whole tiles.
    for batch in [1u64, 1, 3, 250, 1, 1, 300, 7, 1, 135] {
        let start = stmts.len() as u64;
        let new: Vec<Vec<u8>> = (start..start + batch).map(statement).collect();
        let seqs = w.append(&new, T0, &signer).unwrap();
        assert_eq!(seqs, (start..start + batch).collect::<Vec<_>>());
        stmts.extend(new);
        let leaves = expected_leaves(&stmts, T0);
        let hashes: Vec<[u8; 32]> = leaves.iter().map(|l| leaf_hash(l)).collect();
        assert_eq!(w.size(), stmts.len() as u64);
        assert_eq!(
            w.root(),
            Digest(mth(&hashes)),
            "root after {} entries",
            w.size()
        );
        w.verify_checkpoint(&verifier).unwrap();
        assert!(!dir.join("pending").exists(), "journal left behind");
    }
    assert_eq!(stmts.len(), 700);
    drop(w);

    let log = Log::open(&dir).unwrap();
    let leaves = expected_leaves(&stmts, T0);
    let hashes: Vec<[u8; 32]> = leaves.iter().map(|l| leaf_hash(l)).collect();

    // Entries read back byte-equal, one by one and by the iterator.
    for (i, want) in leaves.iter().enumerate() {
        assert_eq!(&log.entry(i as u64).unwrap(), want, "entry {i}");
        assert_eq!(log.leaf_hash(i as u64).unwrap(), Digest(hashes[i]));
    }
    let all: Vec<(u64, Vec<u8>)> = log.entries(0..u64::MAX).map(Result::unwrap).collect();
    assert_eq!(all.len(), 700);
    assert!(all.iter().zip(&leaves).all(|((_, a), b)| a == b));
    let some: Vec<u64> = log.entries(250..260).map(|r| r.unwrap().0).collect();
    assert_eq!(some, (250..260).collect::<Vec<_>>());
    assert_eq!(log.leaf(699).unwrap().statement, stmts[699]);

    // Roots and proofs at many sizes.
    for size in (0..=700u64)
        .step_by(7)
        .chain([255, 256, 257, 511, 512, 513, 700])
    {
        let root = mth(&hashes[..size as usize]);
        assert_eq!(log.root_at(size).unwrap(), Digest(root), "root_at({size})");
        for seq in [0, size / 3, size / 2, size.saturating_sub(1)] {
            if seq >= size {
                continue;
            }
            let p = log.inclusion_proof(seq, size).unwrap();
            let p: Vec<[u8; 32]> = p.iter().map(|d| d.0).collect();
            verify_inclusion(&hashes[seq as usize], seq, size, &p, &root)
                .unwrap_or_else(|e| panic!("inclusion {seq} in {size}: {e}"));
            // The same proof must not pass for a neighbour.
            let other = (seq + 1) % size;
            if other != seq {
                assert!(verify_inclusion(&hashes[other as usize], seq, size, &p, &root).is_err());
            }
        }
        for old in [1, size / 2, size.saturating_sub(1), size] {
            if old == 0 || old > size {
                continue;
            }
            let p = log.consistency_proof(old, size).unwrap();
            let p: Vec<[u8; 32]> = p.iter().map(|d| d.0).collect();
            let old_root = mth(&hashes[..old as usize]);
            verify_consistency(old, size, &p, &old_root, &root)
                .unwrap_or_else(|e| panic!("consistency {old} -> {size}: {e}"));
        }
    }

    // The c2sp layout on disk, with superseded partial tiles gone.
    let files = list_files(&dir.join("tile"));
    assert_eq!(
        files,
        [
            "tile/0/000",
            "tile/0/001",
            "tile/0/002.p/188",
            "tile/1/000.p/2",
            "tile/entries/000",
            "tile/entries/001",
            "tile/entries/002.p/188",
        ]
    );
    // Tile content: level 0 = leaf hashes; level 1 = roots of 256-leaf subtrees.
    let t0 = fs::read(dir.join("tile/0/001")).unwrap();
    assert_eq!(t0, hashes[256..512].concat());
    let t1 = fs::read(dir.join("tile/1/000.p/2")).unwrap();
    assert_eq!(t1, [mth(&hashes[..256]), mth(&hashes[256..512])].concat());
    let bundle = fs::read(dir.join("tile/entries/002.p/188")).unwrap();
    assert_eq!(split_bundle(&bundle), &leaves[512..]);
    assert_eq!(
        fs::metadata(dir.join("hashes")).unwrap().len(),
        stored_hash_count(700) * 32
    );
    // The checkpoint is a c2sp checkpoint in a note signed by the origin key.
    let text = String::from_utf8(log.checkpoint_bytes().to_vec()).unwrap();
    let root_b64 = base64_of(&log.root().0);
    assert!(
        text.starts_with(&format!(
            "example.org/ledger\n700\n{root_b64}\n\n— example.org/ledger "
        )),
        "{text}"
    );
}

fn base64_of(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}

fn list_files(dir: &Path) -> Vec<String> {
    let name = dir.file_name().unwrap().to_string_lossy();
    crate::common::walk(dir, |_| false)
        .into_iter()
        .map(|(rel, _)| format!("{name}/{rel}"))
        .collect()
}

#[test]
fn a_reader_keeps_its_view_while_the_writer_moves_on() {
    let tmp = tempfile::tempdir().unwrap();
    let (signer, _) = operator();
    let mut w = build(tmp.path(), 300);
    let reader = Log::open(tmp.path()).unwrap();
    let root300 = reader.root();
    // The writer replaces the reader's partial tiles (.p/44) with wider ones.
    w.append(&[b"a".to_vec(), b"b".to_vec()], T0, &signer)
        .unwrap();
    assert!(!tmp.path().join("tile/entries/001.p/44").exists());
    assert_eq!(reader.size(), 300);
    assert_eq!(reader.root(), root300);
    let leaves = expected_leaves(&(0..300).map(statement).collect::<Vec<_>>(), T0);
    assert_eq!(reader.entry(299).unwrap(), leaves[299]);
    assert_eq!(reader.entries(0..300).count(), 300);
    assert!(matches!(
        reader.entry(300),
        Err(LogError::NoSuchEntry {
            seq: 300,
            size: 300
        })
    ));
    assert_eq!(reader.root_at(300).unwrap(), root300);
    // Append cost does not depend on the log: exactly the new tiles exist.
    assert!(tmp.path().join("tile/entries/001.p/46").exists());
    assert!(tmp.path().join("tile/0/001.p/46").exists());
}

#[test]
fn a_second_writer_is_refused_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let w = build(tmp.path(), 3);
    let err = Log::open_writer(tmp.path(), None).err().unwrap();
    assert!(matches!(err, LogError::Locked { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "another provledger process is writing to the ledger {} (it holds the lock file {}); \
             try again when it has finished",
            tmp.path().display(),
            tmp.path().join("lock").display()
        )
    );
    let err = Log::open_writer(tmp.path(), Some(Duration::from_millis(100)))
        .err()
        .unwrap();
    assert!(err.to_string().contains("; waited 0.1 s;"), "{err}");
    // Readers are never blocked.
    assert_eq!(Log::open(tmp.path()).unwrap().size(), 3);
    drop(w);
    assert_eq!(
        Log::open_writer(tmp.path(), Some(Duration::from_secs(30)))
            .unwrap()
            .size(),
        3
    );
}

#[test]
fn a_waiting_writer_gets_the_lock_when_it_is_released() {
    let tmp = tempfile::tempdir().unwrap();
    let w = build(tmp.path(), 1);
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        drop(w);
    });
    let w2 = Log::open_writer(tmp.path(), Some(Duration::from_secs(10))).unwrap();
    assert_eq!(w2.size(), 1);
    t.join().unwrap();
}

#[test]
fn create_refuses_an_existing_ledger_and_open_a_non_ledger() {
    let tmp = tempfile::tempdir().unwrap();
    let (signer, _) = operator();
    drop(build(tmp.path(), 2));
    let before = fs::read(tmp.path().join("checkpoint")).unwrap();
    let err = Log::create(tmp.path(), &signer).err().unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "{} already holds a ledger ({} exists); refusing to overwrite it",
            tmp.path().display(),
            tmp.path().join("checkpoint").display()
        )
    );
    assert_eq!(fs::read(tmp.path().join("checkpoint")).unwrap(), before);

    let empty = tempfile::tempdir().unwrap();
    let err = Log::open(empty.path()).err().unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "{} is not a provledger ledger: it has no checkpoint file",
            empty.path().display()
        )
    );
    assert!(Log::open_writer(empty.path(), None).is_err());
    // A directory with other files (but no ledger) is fine to create in.
    fs::write(empty.path().join("README"), "hello").unwrap();
    assert_eq!(Log::create(empty.path(), &signer).unwrap().size(), 0);
}

/// The ledger's files, for checking that a refused append wrote nothing.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = list_files(&dir.join("tile"))
        .into_iter()
        .map(|f| (f.clone(), fs::read(dir.join(&f)).unwrap()))
        .collect();
    for f in ["checkpoint", "hashes", "pending"] {
        out.push((f.into(), fs::read(dir.join(f)).unwrap_or_default()));
    }
    out
}

#[test]
fn an_oversized_leaf_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let (signer, _) = operator();
    let mut w = build(tmp.path(), 5);
    let before = snapshot(tmp.path());
    let big = vec![0u8; MAX_LEAF_BYTES];
    let err = w.append(&[b"fine".to_vec(), big], T0, &signer).unwrap_err();
    assert!(matches!(
        err,
        LogError::Leaf(LeafError::TooLarge { seq: 6, .. })
    ));
    assert_eq!(
        err.to_string(),
        "leaf 6 is 65611 bytes, more than the 65535 bytes an entry bundle can hold"
    );
    assert_eq!(snapshot(tmp.path()), before);
    assert_eq!(w.size(), 5);
    // The largest statement that fits still goes in.
    let fits = vec![0u8; MAX_LEAF_BYTES - 80];
    w.append(std::slice::from_ref(&fits), T0, &signer).unwrap();
    assert_eq!(w.leaf(5).unwrap().statement, fits);
}

#[test]
fn a_foreign_key_cannot_append() {
    let tmp = tempfile::tempdir().unwrap();
    let mut w = build(tmp.path(), 2);
    let before = snapshot(tmp.path());
    let (other, _) = keys("someone.else", 9);
    let err = w.append(&[b"x".to_vec()], T0, &other).unwrap_err();
    let (_, op_vkey) = key_strings("example.org/ledger", 7);
    let op_id = op_vkey.split('+').nth(1).unwrap();
    let other_id = key_strings("someone.else", 9).1;
    let other_id = other_id.split('+').nth(1).unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "key someone.else+{other_id} cannot sign checkpoints of the ledger example.org/ledger, \
             whose operator key is example.org/ledger+{op_id}"
        )
    );
    // Same name, different key: also refused.
    let (impostor, _) = keys("example.org/ledger", 8);
    assert!(matches!(
        w.append(&[b"x".to_vec()], T0, &impostor),
        Err(LogError::WrongSigner { .. })
    ));
    assert_eq!(snapshot(tmp.path()), before);
    // An empty batch is a no-op.
    let (signer, _) = operator();
    assert!(w.append(&[], T0, &signer).unwrap().is_empty());
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn bad_read_requests_say_what_is_out_of_range() {
    let tmp = tempfile::tempdir().unwrap();
    let w = build(tmp.path(), 10);
    assert_eq!(
        w.entry(10).unwrap_err().to_string(),
        "entry 10 is not in the log (it has 10 entries)"
    );
    assert_eq!(
        w.inclusion_proof(3, 11).unwrap_err().to_string(),
        "tree size 11 is larger than the log (10 entries)"
    );
    assert_eq!(
        w.inclusion_proof(5, 5).unwrap_err().to_string(),
        "entry 5 is not in a tree of size 5"
    );
    assert_eq!(
        w.consistency_proof(0, 5).unwrap_err().to_string(),
        "no consistency proof from size 0 to size 5: need 1 <= old <= new"
    );
    assert!(w.consistency_proof(6, 5).is_err());
    assert!(w.consistency_proof(5, 5).unwrap().is_empty());
}

#[test]
fn blobs_are_content_addressed_and_checked_on_read() {
    let tmp = tempfile::tempdir().unwrap();
    let w = build(tmp.path(), 1);
    let d = w.put_blob(b"article text").unwrap();
    assert_eq!(d, Digest::of(b"article text"));
    assert_eq!(w.put_blob(b"article text").unwrap(), d, "idempotent");
    let path = tmp
        .path()
        .join("blobs")
        .join(&d.to_hex()[..2])
        .join(d.to_hex());
    assert!(path.is_file());
    assert_eq!(w.get_blob(&d).unwrap(), b"article text");
    let d2 = w.put_blob(b"evidence").unwrap();
    let mut listed = vec![d, d2];
    listed.sort();
    assert_eq!(w.blobs().unwrap(), listed);

    let missing = Digest::of(b"nope");
    assert_eq!(
        w.get_blob(&missing).unwrap_err().to_string(),
        format!(
            "blob {missing} not found (looked for {})",
            tmp.path()
                .join("blobs")
                .join(&missing.to_hex()[..2])
                .join(missing.to_hex())
                .display()
        )
    );

    fs::write(&path, b"article texT").unwrap();
    assert_eq!(
        w.get_blob(&d).unwrap_err().to_string(),
        format!(
            "blob {} is corrupt: its content hashes to {}, not {d}",
            path.display(),
            Digest::of(b"article texT")
        )
    );
    // Putting the content again repairs it.
    w.put_blob(b"article text").unwrap();
    assert_eq!(w.get_blob(&d).unwrap(), b"article text");
}
