//! The writer never signs what it has not verified: before each append it
//! proves the stored hashes it relies on against the signed checkpoint (and
//! its own signature on it), refuses with a message naming the damaged file
//! and how to mend it, rebuilds a missing or cut-short `hashes` from the
//! entry bundles, and ignores signature lines by other keys.

use crate::{common, log_support};

use log_support::{build, flip, keys, operator, statement, T0};
use provledger::log::{
    audit, verify_consistency, verify_inclusion, AuditOptions, AuditReport, Log,
};
use signed_note::{Note, Signer};
use std::fs;
use std::path::Path;
use std::time::Duration;

/// How long a writer here waits for the lock: the CLI tests in this binary
/// spawn processes, and a child between fork and exec briefly holds a copy
/// of every descriptor, the lock's among them (flock locks follow the open
/// file, not the process), so a try-lock without waiting fails now and then.
const WAIT: Option<Duration> = Some(Duration::from_secs(30));
use tlog_tiles::{stored_hash_count, stored_hash_index};

/// Entries in the test logs: a partial bundle of 44 entries after one full
/// one, and a level-1 tile of one hash. The right edge of the tree is the
/// subtrees 0..256 (level 8), 256..288 (level 5), 288..296 (level 3) and
/// 296..300 (level 2).
const N: u64 = 300;

fn ledger(n: u64) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    drop(build(tmp.path(), n));
    tmp
}

fn run_audit(dir: &Path) -> AuditReport {
    let (_, verifier) = operator();
    let opts = AuditOptions {
        verifier: &verifier,
        trusted_checkpoint: None,
    };
    audit(dir, &opts, |_, _| Ok(()), |_, _| {}).unwrap()
}

/// Every file of the ledger but the lock, by relative path.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    common::files_under(dir, |rel| rel == "lock")
        .into_iter()
        .collect()
}

/// Appends one statement as the operator, returning the error message.
fn append_err(dir: &Path) -> String {
    let (signer, _) = operator();
    let mut w = Log::open_writer(dir, WAIT).unwrap();
    let e = w.append(&[statement(N)], T0, &signer).unwrap_err();
    // The message and its causes, as the command line says them.
    provledger::error::chain(&e)
}

/// Appends `k` statements as the operator.
fn append_ok(dir: &Path, k: u64) {
    let (signer, _) = operator();
    let mut w = Log::open_writer(dir, WAIT).unwrap();
    let size = w.size();
    let stmts: Vec<Vec<u8>> = (size..size + k).map(statement).collect();
    w.append(&stmts, T0, &signer).unwrap();
}

fn hashes_message(dir: &Path, index: u64, what: &str) -> String {
    format!(
        "{} is damaged: stored hash {index} ({what}) is not the one the signed checkpoint \
         covers; nothing was appended; the file is derived from the entry bundles",
        dir.join("hashes").display()
    )
}

/// Rebuilds `hashes` the way `provledger reindex` does.
fn rebuild(dir: &Path) {
    drop(
        Log::open_writer_rebuilding_hashes(
            dir,
            Some(std::time::Duration::from_secs(30)),
            &mut |_, _| {},
        )
        .unwrap(),
    );
}

/// Inclusion proofs of some entries (index, leaf hash, proof) in the tree
/// of `size` entries with root `root`.
struct Proofs {
    size: u64,
    root: Vec<u8>,
    proofs: Vec<(u64, [u8; 32], Vec<Vec<u8>>)>,
}

/// Inclusion proofs of some entries at the current size.
fn proofs(dir: &Path) -> Proofs {
    let log = Log::open(dir).unwrap();
    let size = log.size();
    let ps = [0, 150, 255, 256, 299]
        .into_iter()
        .filter(|&i| i < size)
        .map(|i| {
            let p = log.inclusion_proof(i, size).unwrap();
            (
                i,
                log.leaf_hash(i).unwrap().0,
                p.iter().map(|d| d.0.to_vec()).collect(),
            )
        })
        .collect();
    Proofs {
        size,
        root: log.root().0.to_vec(),
        proofs: ps,
    }
}

/// Asserts that proofs taken before the damage still verify against their
/// root, and that the log as it is now extends that tree consistently.
fn assert_old_proofs_verify(dir: &Path, old: &Proofs) {
    let Proofs {
        size,
        root,
        proofs: ps,
    } = old;
    for (i, leaf, p) in ps {
        verify_inclusion(leaf, *i, *size, p, root).unwrap();
    }
    let log = Log::open(dir).unwrap();
    assert!(log.size() > *size);
    let c = log.consistency_proof(*size, log.size()).unwrap();
    let c: Vec<Vec<u8>> = c.iter().map(|d| d.0.to_vec()).collect();
    verify_consistency(*size, log.size(), &c, root, &log.root().0).unwrap();
    for (i, leaf, p) in ps {
        assert_eq!(&log.leaf_hash(*i).unwrap().0, leaf);
        let now: Vec<Vec<u8>> = log
            .inclusion_proof(*i, *size)
            .unwrap()
            .iter()
            .map(|d| d.0.to_vec())
            .collect();
        assert_eq!(&now, p, "entry {i}");
    }
}

/// The damage is refused with `message`, nothing is written, and after a
/// rebuild the append goes through, the audit is clean and old proofs hold.
fn refused_then_mended(tmp: &tempfile::TempDir, damage: impl FnOnce(&Path), message: &str) {
    let dir = tmp.path();
    let old = proofs(dir);
    damage(dir);
    let before = snapshot(dir);
    assert_eq!(append_err(dir), message);
    assert_eq!(snapshot(dir), before, "the refused append wrote something");
    rebuild(dir);
    append_ok(dir, 3);
    let r = run_audit(dir);
    assert!(r.is_clean(), "{:#?}", r.problems);
    assert_old_proofs_verify(dir, &old);
}

#[test]
fn a_flipped_hash_on_the_right_edge_stops_the_append() {
    // Level 5, entries 256..288: computed from the level-0 tile, so pinned
    // by comparing the file with it.
    let tmp = ledger(N);
    let i = stored_hash_index(5, 8);
    let msg = hashes_message(tmp.path(), i, "the hash of entries 256..288 at level 5");
    refused_then_mended(&tmp, |d| flip(&d.join("hashes"), i as usize * 32 + 9), &msg);

    // Level 8, entries 0..256: the base of the level-1 tile, pinned by the
    // hash tile that still holds the right value.
    let tmp = ledger(N);
    let i = stored_hash_index(8, 0);
    let msg = hashes_message(tmp.path(), i, "the hash of entries 0..256 at level 8");
    refused_then_mended(&tmp, |d| flip(&d.join("hashes"), i as usize * 32), &msg);
}

#[test]
fn a_flipped_hash_tile_and_hashes_file_together_stop_the_append() {
    // Both copies of the level-8 hash agree with each other but not with
    // the signed root: nothing can pin it, but nothing is signed either.
    let tmp = ledger(N);
    let i = stored_hash_index(8, 0);
    let msg = format!(
        "{} is damaged: its stored hashes for the tree of 300 entries do not give the root of \
         the signed checkpoint; nothing was appended; the file is derived from the entry \
         bundles",
        tmp.path().join("hashes").display()
    );
    let damage = |d: &Path| {
        flip(&d.join("hashes"), i as usize * 32);
        flip(&d.join("tile/1/000.p/1"), 0);
    };
    let dir = tmp.path();
    damage(dir);
    let before = snapshot(dir);
    assert_eq!(append_err(dir), msg);
    assert_eq!(snapshot(dir), before);
}

#[test]
fn a_flipped_leaf_hash_of_a_retiled_entry_stops_the_append() {
    // Entry 290 is in the partial tile the append would republish.
    let tmp = ledger(N);
    let i = stored_hash_index(0, 290);
    let msg = hashes_message(tmp.path(), i, "the leaf hash of entry 290");
    refused_then_mended(
        &tmp,
        |d| flip(&d.join("hashes"), i as usize * 32 + 31),
        &msg,
    );

    // The last entry of a full bundle: the first new leaf chains to it.
    let tmp = ledger(256);
    let i = stored_hash_index(0, 255);
    let msg = hashes_message(tmp.path(), i, "the leaf hash of entry 255");
    refused_then_mended(&tmp, |d| flip(&d.join("hashes"), i as usize * 32), &msg);
}

#[test]
fn a_damaged_hash_the_append_does_not_use_cannot_reach_the_checkpoint() {
    // Level 1, entries 20..22: inside a complete subtree, read by no
    // append. The append goes through and signs the right root; audit
    // still names the file.
    let tmp = ledger(N);
    let dir = tmp.path();
    let i = stored_hash_index(1, 10);
    flip(&dir.join("hashes"), i as usize * 32);
    append_ok(dir, 5);
    let leaves: Vec<[u8; 32]> =
        log_support::expected_leaves(&(0..N + 5).map(statement).collect::<Vec<_>>(), T0)
            .iter()
            .map(|l| log_support::leaf_hash(l))
            .collect();
    let (_, verifier) = operator();
    let cp = Log::open(dir)
        .unwrap()
        .verify_checkpoint(&verifier)
        .unwrap();
    assert_eq!(cp.root.0, log_support::mth(&leaves));
    let r = run_audit(dir);
    assert_eq!(r.problems.len(), 1, "{:#?}", r.problems);
    assert!(r.problems[0].what.contains("subtree of entries 20..22"));
}

#[test]
fn an_altered_entry_in_the_partial_bundle_stops_the_append() {
    let tmp = ledger(N);
    let dir = tmp.path();
    let path = dir.join("tile/entries/001.p/44");
    let bytes = fs::read(&path).unwrap();
    let at = log_support::entry_offset(&bytes, 290 - 256) + 3;
    flip(&path, at);
    let before = snapshot(dir);
    assert_eq!(
        append_err(dir),
        format!(
            "{} is damaged: entry 290 is not the entry the signed checkpoint covers (its leaf \
             hash differs): the entry was altered; nothing was appended",
            path.display()
        )
    );
    assert_eq!(snapshot(dir), before);
}

#[test]
fn a_deleted_or_cut_short_hashes_file_is_rebuilt_by_the_writer() {
    for cut in [
        None,
        Some(0u64),
        Some(1000),
        Some(stored_hash_count(N) * 32 - 1),
    ] {
        let tmp = ledger(N);
        let dir = tmp.path();
        let h = dir.join("hashes");
        let good = fs::read(&h).unwrap();
        let old = proofs(dir);
        match cut {
            None => fs::remove_file(&h).unwrap(),
            Some(len) => fs::File::options()
                .write(true)
                .open(&h)
                .unwrap()
                .set_len(len)
                .unwrap(),
        }
        // A reader cannot rebuild it (the writer may be appending), so it
        // says how to.
        let msg = match Log::open(dir) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("a reader opened a ledger with a damaged hashes file"),
        };
        let why = match cut {
            None => "the file is missing".to_string(),
            Some(len) => format!(
                "it is {len} bytes but the checkpoint needs {} ({} hashes)",
                stored_hash_count(N) * 32,
                stored_hash_count(N)
            ),
        };
        assert_eq!(
            msg,
            format!(
                "{} is damaged: {why}; the file is derived from the entry bundles",
                h.display()
            )
        );
        let w = Log::open_writer(dir, WAIT).unwrap();
        assert_eq!(fs::read(&h).unwrap(), good, "cut {cut:?}");
        assert!(!dir.join("hashes.tmp").exists());
        drop(w);
        append_ok(dir, 2);
        assert!(run_audit(dir).is_clean());
        assert_old_proofs_verify(dir, &old);
    }
}

#[test]
fn the_rebuild_reports_progress_and_replaces_a_damaged_file() {
    let tmp = ledger(N);
    let dir = tmp.path();
    let h = dir.join("hashes");
    let good = fs::read(&h).unwrap();
    flip(&h, 4000);
    let mut seen = Vec::new();
    drop(Log::open_writer_rebuilding_hashes(dir, None, &mut |d, all| seen.push((d, all))).unwrap());
    assert_eq!(seen, [(0, N), (256, N), (N, N)]);
    assert_eq!(fs::read(&h).unwrap(), good);
}

#[test]
fn hashes_are_not_rebuilt_from_entries_that_contradict_the_checkpoint() {
    let tmp = ledger(N);
    let dir = tmp.path();
    let path = dir.join("tile/entries/000");
    let bytes = fs::read(&path).unwrap();
    flip(&path, log_support::entry_offset(&bytes, 7) + 1);
    fs::remove_file(dir.join("hashes")).unwrap();
    let before = snapshot(dir);
    let err = Log::open_writer(dir, WAIT).err().unwrap().to_string();
    let expected_start = format!(
        "{} is damaged: the entry bundles give the tree of 300 entries root ",
        dir.join("tile/entries").display()
    );
    assert!(err.starts_with(&expected_start), "{err}");
    assert!(
        err.ends_with(", so hashes cannot be rebuilt from them (it was left as it was)"),
        "{err}"
    );
    assert_eq!(snapshot(dir), before);
}

/// The checkpoint of `dir` with a signature line by `other` (named like
/// the origin) over the same text, placed first or last.
fn plant_foreign_line(dir: &Path, other: &dyn Signer, first: bool) {
    let path = dir.join("checkpoint");
    let note = fs::read(&path).unwrap();
    let text = Note::from_bytes(&note).unwrap().text().to_vec();
    let mut foreign = Note::new(&text, &[]).unwrap();
    foreign.add_sigs(&[other]).unwrap();
    let foreign_line = foreign.to_bytes()[text.len() + 1..].to_vec();
    let own_line = note[text.len() + 1..].to_vec();
    let mut out = text;
    out.push(b'\n');
    if first {
        out.extend(&foreign_line);
        out.extend(&own_line);
    } else {
        out.extend(&own_line);
        out.extend(&foreign_line);
    }
    fs::write(&path, out).unwrap();
}

fn key_id(name: &str, seed: u8) -> String {
    let (_, v) = log_support::key_strings(name, seed);
    v.split('+').nth(1).unwrap().to_string()
}

#[test]
fn a_foreign_signature_line_named_like_the_origin_is_ignored_and_dropped() {
    for first in [true, false] {
        let tmp = ledger(5);
        let dir = tmp.path();
        let (foreign, _) = keys("example.org/ledger", 8);
        plant_foreign_line(dir, &foreign, first);
        let planted = fs::read(dir.join("checkpoint")).unwrap();
        assert!(run_audit(dir).is_clean());

        // Another key with the origin's name is still refused, and told
        // which keys did sign.
        let (impostor, _) = keys("example.org/ledger", 9);
        let mut w = Log::open_writer(dir, WAIT).unwrap();
        let err = w.append(&[b"x".to_vec()], T0, &impostor).unwrap_err();
        let (a, b) = (
            key_id("example.org/ledger", 8),
            key_id("example.org/ledger", 7),
        );
        let (a, b) = if first { (a, b) } else { (b, a) };
        assert_eq!(
            err.to_string(),
            format!(
                "key example.org/ledger+{} cannot sign checkpoints of the ledger \
                 example.org/ledger, whose operator key is example.org/ledger+{a} or \
                 example.org/ledger+{b}",
                key_id("example.org/ledger", 9)
            )
        );
        assert_eq!(fs::read(dir.join("checkpoint")).unwrap(), planted);

        // The operator appends; the new checkpoint carries its line only.
        let (signer, _) = operator();
        w.append(&[b"x".to_vec()], T0, &signer).unwrap();
        drop(w);
        let note = fs::read(dir.join("checkpoint")).unwrap();
        let sigs = String::from_utf8(note).unwrap();
        let lines: Vec<&str> = sigs.lines().filter(|l| l.starts_with('—')).collect();
        assert_eq!(lines.len(), 1, "{sigs}");
        assert!(lines[0].starts_with("— example.org/ledger "));
        let r = run_audit(dir);
        assert!(r.is_clean(), "{:#?}", r.problems);
        assert_eq!(r.size, 6);
    }
}

#[test]
fn a_checkpoint_the_operator_did_not_sign_as_it_stands_is_refused() {
    // The root replaced: the operator's signature no longer covers the text.
    let tmp = ledger(5);
    let dir = tmp.path();
    let path = dir.join("checkpoint");
    let note = String::from_utf8(fs::read(&path).unwrap()).unwrap();
    let mut lines: Vec<String> = note.split('\n').map(str::to_owned).collect();
    lines[2] = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=".into();
    fs::write(&path, lines.join("\n")).unwrap();
    let before = snapshot(dir);
    let msg = append_err(dir);
    assert_eq!(
        msg,
        format!(
            "{}: the signature by key example.org/ledger+{} is invalid",
            path.display(),
            key_id("example.org/ledger", 7)
        )
    );
    assert_eq!(snapshot(dir), before);
}

#[test]
fn reindex_mends_the_hashes_file_an_append_refused() {
    use common::{library_ledger, Env};
    let env = Env::new();
    library_ledger(&env, 3);
    let size = env.size();
    let checkpoint = fs::read(env.lpath("checkpoint")).unwrap();
    let i = stored_hash_index(0, size - 1);
    common::flip_byte(&env.lpath("hashes"), i as usize * 32);

    let (_, public) = env.keygen("desk");
    let grant = |env: &Env| {
        env.run(&[
            std::ffi::OsStr::new("key"),
            "grant".as_ref(),
            public.as_os_str(),
            "--role".as_ref(),
            "editor".as_ref(),
        ])
    };
    let r = grant(&env).error(
        1,
        &format!(
            "{} is damaged: stored hash {i} (the leaf hash of entry {}) is not the one the \
             signed checkpoint covers; nothing was appended; the file is derived from the entry \
             bundles",
            env.lpath("hashes").display(),
            size - 1
        ),
    );
    // The way out is a hint of the command line, not part of the message.
    assert_eq!(
        r.stderr.lines().nth(1),
        Some(
            "hint: run `provledger reindex` to rebuild it from the entry bundles (nothing is lost)"
        ),
        "{r}"
    );
    assert_eq!(fs::read(env.lpath("checkpoint")).unwrap(), checkpoint);

    env.run(&["reindex"]).ok();
    grant(&env).ok();
    assert_eq!(env.size(), size + 1);
    env.run(&[
        std::ffi::OsStr::new("audit"),
        "--operator".as_ref(),
        env.operator_pub().as_os_str(),
    ])
    .ok();
}

#[test]
fn a_foreign_line_first_in_the_checkpoint_does_not_stop_provledger_appends() {
    use common::{fixed_key, library_ledger, Env, ORIGIN};
    for first in [true, false] {
        let env = Env::new();
        library_ledger(&env, 2);
        let size = env.size();
        let foreign = fixed_key(ORIGIN, 1).note_signer();
        plant_foreign_line(&env.ledger(), &foreign, first);
        let audit = |env: &Env| {
            env.run(&[
                std::ffi::OsStr::new("audit"),
                "--operator".as_ref(),
                env.operator_pub().as_os_str(),
            ])
        };
        audit(&env).ok();
        let (_, public) = env.keygen("desk");
        let out = env
            .run(&[
                std::ffi::OsStr::new("key"),
                "grant".as_ref(),
                public.as_os_str(),
                "--role".as_ref(),
                "editor".as_ref(),
            ])
            .ok();
        assert!(!out.stderr.contains("hint"), "{out}");
        assert_eq!(env.size(), size + 1);
        let note = String::from_utf8(fs::read(env.lpath("checkpoint")).unwrap()).unwrap();
        assert_eq!(note.lines().filter(|l| l.starts_with('—')).count(), 1);
        audit(&env).ok();
    }
}

#[test]
fn a_rebuild_cut_short_by_a_crash_leaves_nothing_behind() {
    // The rebuild writes hashes.tmp and renames it into place; a crash
    // before the rename leaves the temporary, which the next writer removes.
    let tmp = ledger(N);
    let dir = tmp.path();
    let good = fs::read(dir.join("hashes")).unwrap();
    fs::write(dir.join("hashes.tmp"), &good[..100]).unwrap();
    fs::remove_file(dir.join("hashes")).unwrap();
    drop(Log::open_writer(dir, WAIT).unwrap());
    assert!(!dir.join("hashes.tmp").exists());
    assert_eq!(fs::read(dir.join("hashes")).unwrap(), good);
}
