//! Issue 12 §2: no file in the ledger directory can make the ledger
//! misbehave. A link planted where the writer will write is refused, not
//! followed out of the ledger; a tile linked to /dev/zero, a FIFO, a huge
//! file or a forged journal is refused with a message instead of eating
//! memory or hanging; audit names links and special files; `init` is all or
//! nothing; public files have one mode.
#![cfg(unix)]

use crate::{common, log_support};

use common::{fixed_key, Env, ORIGIN, T0};
use provledger::ledger::Ledger;
use provledger::log::{CrashPoint, Log, LogError, MAX_CHECKPOINT_BYTES};
use sha2::{Digest as _, Sha256};
use std::fs;
use std::io::Read;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LINK_REFUSED: &str = "is a symlink; a ledger holds only regular files and directories";

/// A file outside the ledger that a planted link points at.
fn victim(env: &Env) -> PathBuf {
    let p = env.path("victim.txt");
    fs::write(&p, "not the ledger's\n").unwrap();
    p
}

/// Every file of the ledger and its bytes, not following links (a link is
/// recorded as its target), the lock and the index left out.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    common::ledger_files(dir)
        .into_iter()
        .map(|(rel, bytes)| (PathBuf::from(rel), bytes))
        .collect()
}

/// Runs `provledger --ledger LEDGER ARGS` as a child and waits for it. The
/// kill after two minutes is only a safety net so that a regression fails
/// the test instead of hanging the suite; nothing here measures time.
fn run_guarded(env: &Env, args: &[&str]) -> (Option<i32>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_provledger"))
        .current_dir(env.root())
        .env("SOURCE_DATE_EPOCH", T0.to_string())
        .env("NO_COLOR", "1")
        .env_remove("PROVLEDGER_DIR")
        .arg("--ledger")
        .arg(env.ledger())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("provledger {args:?} hung (killed by the safety net)");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = child.wait().unwrap();
    let mut out = String::new();
    let mut err = String::new();
    child.stdout.unwrap().read_to_string(&mut out).unwrap();
    child.stderr.unwrap().read_to_string(&mut err).unwrap();
    let what = format!("provledger {args:?}");
    common::assert_no_secrets(env.root(), &what, out.as_bytes(), err.as_bytes());
    (status.code(), out, err)
}

/// Generates key `name` and grants it the editor role: one append.
fn grant_editor(env: &Env, name: &str) -> Result<(), String> {
    env.run(&["key", "generate", name, "--out", "keys"]).ok();
    let public = env.path(&format!("keys/{name}.pub"));
    let out = env.run(&["key", "grant", public.to_str().unwrap(), "--role", "editor"]);
    match out.code.0 {
        Some(0) => Ok(()),
        _ => Err(out.stderr),
    }
}

#[test]
fn a_link_at_the_next_tile_path_is_refused_and_the_outside_file_untouched() {
    let env = Env::with_ledger();
    let victim = victim(&env);
    // The ledger holds the genesis; the next append writes width-2 tiles.
    for rel in ["tile/0/000.p/2", "tile/entries/000.p/2"] {
        let link = env.lpath(rel);
        symlink(&victim, &link).unwrap();
        let before = snapshot(&env.ledger());
        let err = grant_editor(&env, &format!("ed{}", rel.len())).unwrap_err();
        let want = format!("{} {LINK_REFUSED}", link.display());
        assert!(err.contains(&want), "{err}");
        assert_eq!(fs::read_to_string(&victim).unwrap(), "not the ledger's\n");
        assert_eq!(snapshot(&env.ledger()), before, "the refused append wrote");
        assert_eq!(env.size(), 1);
        fs::remove_file(&link).unwrap();
    }
    grant_editor(&env, "eda").unwrap();
    assert_eq!(env.size(), 2);
    assert_eq!(fs::read_to_string(&victim).unwrap(), "not the ledger's\n");
    env.run(&["audit"]).ok();
}

#[test]
fn a_link_at_the_checkpoint_hashes_lock_or_journal_is_refused() {
    for name in [
        "checkpoint",
        "hashes",
        "lock",
        "pending",
        "checkpoint.tmp",
        "pending.tmp",
    ] {
        let env = Env::with_ledger();
        env.run(&["key", "generate", "eda", "--out", "keys"]).ok();
        let path = env.lpath(name);
        // The outside copy holds what the ledger's file held, so that only
        // following the link could tell the two apart.
        let outside = env.path("outside");
        match fs::read(&path) {
            Ok(b) => fs::write(&outside, b).unwrap(),
            Err(_) => fs::write(&outside, "").unwrap(),
        }
        let before = fs::read(&outside).unwrap();
        let _ = fs::remove_file(&path);
        symlink(&outside, &path).unwrap();
        let out = env.run(&["key", "grant", "keys/eda.pub", "--role", "editor"]);
        if name.ends_with(".tmp") {
            // A temporary is never the real thing: repair removes the link
            // itself, and the append goes ahead without following it.
            assert_eq!(out.code, Some(0), "{name}: {out}");
            assert!(
                fs::symlink_metadata(&path).is_err(),
                "{name} is still there"
            );
        } else {
            let link_named = out
                .stderr
                .contains(&format!("{} {LINK_REFUSED}", path.display()));
            assert!(out.code != Some(0) && link_named, "{name}: {out}");
        }
        assert_eq!(fs::read(&outside).unwrap(), before, "{name}: wrote outside");
    }
}

#[test]
fn a_link_at_a_tile_directory_is_refused() {
    let env = Env::new();
    let dir2 = env.ledger();
    let op = common::operator();
    let mut l = Ledger::init(&dir2, &op, "d", 1, T0).unwrap();
    let grants = (0..255)
        .map(|i| {
            common::grant(
                &op,
                &fixed_key(&format!("k{i}"), i),
                &[provledger::statement::Role::Editor],
            )
        })
        .collect();
    l.append(grants, &op, T0).unwrap();
    assert_eq!(l.size(), 256);
    // The next append makes the directory tile/0/001.p; plant it as a link.
    let outside = env.path("outside");
    fs::create_dir(&outside).unwrap();
    symlink(&outside, dir2.join("tile/0/001.p")).unwrap();
    let g = common::grant(
        &op,
        &fixed_key("late", 999),
        &[provledger::statement::Role::Editor],
    );
    let err = l.append(vec![g], &op, T0).unwrap_err().to_string();
    let want = format!("{} {LINK_REFUSED}", dir2.join("tile/0/001.p").display());
    assert!(err.contains(&want), "{err}");
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 0);
    assert_eq!(Log::open(&dir2).unwrap().size(), 256);
    assert!(
        !dir2.join("pending").exists(),
        "the refused append wrote its journal"
    );
}

#[test]
fn a_link_at_a_new_blobs_directory_is_refused_and_nothing_lands_outside() {
    let env = Env::with_ledger();
    env.run(&["key", "generate", "eda", "--out", "keys"]).ok();
    env.run(&["key", "grant", "keys/eda.pub", "--role", "editor"])
        .ok();
    let text = "An article that is stored as a blob.\n";
    fs::write(env.path("article.txt"), text).unwrap();
    let hex = hex::encode(Sha256::digest(text.as_bytes()));
    let outside = env.path("outside");
    fs::create_dir(&outside).unwrap();
    let link = env.lpath(&format!("blobs/{}", &hex[..2]));
    symlink(&outside, &link).unwrap();
    let before = snapshot(&env.ledger());
    let out = env.run(&[
        "article",
        "add",
        "article.txt",
        "--url",
        "https://news.example/a",
        "--publisher",
        "The Example",
        "--title",
        "A title",
        "--published",
        "2023-11-08T06:00:00Z",
        "--key",
        "keys/eda.key",
    ]);
    assert_ne!(out.code, Some(0), "{out}");
    let want = format!("{} {LINK_REFUSED}", link.display());
    assert!(out.stderr.contains(&want), "{out}");
    assert_eq!(
        fs::read_dir(&outside).unwrap().count(),
        0,
        "a blob landed outside"
    );
    assert_eq!(snapshot(&env.ledger()), before, "the refused append wrote");
}

#[test]
fn a_tile_linked_to_dev_zero_fails_fast() {
    let env = Env::with_ledger();
    let bundle = env.lpath("tile/entries/000.p/1");
    fs::remove_file(&bundle).unwrap();
    symlink("/dev/zero", &bundle).unwrap();
    let want = format!("{} {LINK_REFUSED}", bundle.display());
    let (code, _, err) = run_guarded(&env, &["log"]);
    assert_ne!(code, Some(0));
    assert!(err.contains(&want), "{err}");
    let (code, out, _) = run_guarded(&env, &["audit"]);
    assert_eq!(code, Some(3), "{out}");
    assert!(out.contains(&want), "{out}");
}

#[test]
fn a_tile_larger_than_its_format_allows_is_refused_unread() {
    let env = Env::with_ledger();
    // Sparse: 64 GiB that take no disk, and must not be read.
    let bundle = env.lpath("tile/entries/000.p/1");
    fs::File::options()
        .write(true)
        .open(&bundle)
        .unwrap()
        .set_len(1 << 36)
        .unwrap();
    let want = format!(
        "{} is larger than 16777472 bytes, the most an entry bundle can hold",
        bundle.display()
    );
    let (code, _, err) = run_guarded(&env, &["log"]);
    assert_ne!(code, Some(0));
    assert!(err.contains(&want), "{err}");
    let (code, out, _) = run_guarded(&env, &["audit"]);
    assert_eq!(code, Some(3), "{out}");
    assert!(out.contains(&want), "{out}");

    let tile = env.lpath("tile/0/000.p/1");
    fs::File::options()
        .write(true)
        .open(&tile)
        .unwrap()
        .set_len(1 << 36)
        .unwrap();
    let (_, out, _) = run_guarded(&env, &["audit"]);
    let want = format!(
        "{} is larger than 8192 bytes, the most a hash tile can hold",
        tile.display()
    );
    assert!(out.contains(&want), "{out}");
}

fn mkfifo(path: &Path) {
    let st = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(st.success(), "mkfifo {} failed", path.display());
}

#[test]
fn a_fifo_tile_does_not_hang_log_or_audit() {
    let env = Env::with_ledger();
    let bundle = env.lpath("tile/entries/000.p/1");
    fs::remove_file(&bundle).unwrap();
    mkfifo(&bundle);
    let want = format!(
        "{} is a FIFO; a ledger holds only regular files and directories",
        bundle.display()
    );
    let (code, _, err) = run_guarded(&env, &["log"]);
    assert_ne!(code, Some(0));
    assert!(err.contains(&want), "{err}");
    let (code, out, _) = run_guarded(&env, &["audit"]);
    assert_eq!(code, Some(3), "{out}");
    assert!(out.contains(&want), "{out}");
}

#[test]
fn a_fifo_checkpoint_or_journal_does_not_hang_a_writer() {
    for name in ["checkpoint", "pending", "lock"] {
        let env = Env::with_ledger();
        let path = env.lpath(name);
        env.run(&["key", "generate", "eda", "--out", "keys"]).ok();
        // From here on only run_guarded: Env::run reads every file (for
        // leaked keys), and reading a FIFO would hang the test itself.
        let _ = fs::remove_file(&path);
        mkfifo(&path);
        let (code, _, err) =
            run_guarded(&env, &["key", "grant", "keys/eda.pub", "--role", "editor"]);
        assert_ne!(code, Some(0));
        let want = format!(
            "{} is a FIFO; a ledger holds only regular files and directories",
            path.display()
        );
        assert!(err.contains(&want), "{name}: {err}");
    }
}

#[test]
fn a_forged_journal_is_refused_with_a_clear_message() {
    let env = Env::with_ledger();
    let journal = env.lpath("pending");
    fs::write(
        &journal,
        "provledger-pending 1\nold 1\nnew 18446744073709551615\n",
    )
    .unwrap();
    let before = snapshot(&env.ledger());
    let err = grant_editor(&env, "eda").unwrap_err();
    assert!(
        err.contains(&format!(
            "{} is damaged: the append journal records an append from 1 to \
             18446744073709551615 entries, but one append adds at most 1048576",
            journal.display()
        )),
        "{err}"
    );
    assert_eq!(snapshot(&env.ledger()), before, "the refused append wrote");

    // A journal too long to be one is not read.
    fs::write(&journal, vec![b'7'; 1 << 20]).unwrap();
    let err = grant_editor(&env, "cem").unwrap_err();
    assert!(
        err.contains(&format!(
            "{} is larger than 128 bytes, the most an append journal can hold",
            journal.display()
        )),
        "{err}"
    );
    assert_eq!(env.size(), 1);
}

#[test]
fn a_batch_larger_than_one_append_may_add_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    let (signer, _) = log_support::operator();
    let mut w = Log::create(&dir, &signer).unwrap();
    let batch = vec![Vec::new(); (1 << 20) + 1];
    let err = w.append(&batch, T0, &signer).unwrap_err().to_string();
    assert_eq!(
        err,
        "a batch of 1048577 statements is more than one append may add (at most 1048576); \
         append it in parts"
    );
    assert!(!dir.join("pending").exists());
    assert_eq!(w.size(), 0);
}

#[test]
fn an_oversized_checkpoint_is_refused_unread() {
    let env = Env::with_ledger();
    let cp = env.lpath("checkpoint");
    fs::File::options()
        .write(true)
        .open(&cp)
        .unwrap()
        .set_len(1 << 40)
        .unwrap();
    let (code, _, err) = run_guarded(&env, &["log"]);
    assert_ne!(code, Some(0));
    let want = format!(
        "{} is larger than {MAX_CHECKPOINT_BYTES} bytes, the most a checkpoint can hold",
        cp.display()
    );
    assert!(err.contains(&want), "{err}");
}

#[test]
fn an_oversized_blob_is_refused_and_not_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    let (signer, _) = log_support::operator();
    let w = Log::create(&dir, &signer).unwrap();
    let big = vec![b'a'; 4 * 1024 * 1024 + 1];
    let err = w.put_blob(&big).unwrap_err();
    assert!(matches!(err, LogError::Refused(_)), "{err:?}");
    let hex = hex::encode(Sha256::digest(&big));
    assert_eq!(
        err.to_string(),
        format!(
            "{} is larger than 4194304 bytes, the most a blob (an article text) can hold",
            dir.join("blobs").join(&hex[..2]).join(&hex).display()
        )
    );
    assert_eq!(fs::read_dir(dir.join("blobs")).unwrap().count(), 0);
}

#[test]
fn audit_reports_links_fifos_and_stray_tile_files() {
    let env = Env::with_ledger();
    let victim = victim(&env);
    symlink(&victim, env.lpath("notes")).unwrap();
    symlink(&victim, env.lpath("blobs/ab")).unwrap();
    mkfifo(&env.lpath("tile/0/fifo"));
    fs::write(env.lpath("tile/entries/000.p/stray"), "x").unwrap();
    fs::write(env.lpath("tile/0/000.p/256"), "x").unwrap();
    let (code, out, _) = run_guarded(&env, &["audit", "--json"]);
    assert_eq!(code, Some(3), "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let whats: Vec<String> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["what"].as_str().unwrap().to_string())
        .collect();
    for want in [
        format!("notes {LINK_REFUSED}"),
        format!("blobs/ab {LINK_REFUSED}"),
        "tile/0/fifo is a FIFO; a ledger holds only regular files and directories".into(),
        "unexpected file tile/entries/000.p/stray among the tiles".into(),
        "unexpected file tile/0/000.p/256 among the tiles".into(),
    ] {
        assert!(
            whats.iter().any(|w| w.starts_with(&want)),
            "audit does not report {want:?}: {whats:#?}"
        );
    }
    assert_eq!(whats.len(), 5, "{whats:#?}");
}

#[test]
fn an_init_that_fails_after_its_checkpoint_leaves_nothing_and_can_be_retried() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ledger");
    let op = common::operator();
    let err = Ledger::init_crashing_at(&dir, &op, "d", 1, T0, CrashPoint::BeforeCheckpoint)
        .err()
        .expect("the injected failure");
    assert!(matches!(
        err,
        provledger::ledger::LedgerError::Log(LogError::SimulatedCrash)
    ));
    assert!(!dir.exists(), "the failed init left {dir:?} behind");

    // Into an existing directory: it stays, with what it held before.
    fs::create_dir_all(dir.join("blobs/ab")).unwrap();
    fs::write(dir.join("blobs/ab/somebody's"), "kept").unwrap();
    Ledger::init_crashing_at(&dir, &op, "d", 1, T0, CrashPoint::BeforeCheckpoint)
        .err()
        .expect("the injected failure");
    let left: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["blobs"]);
    assert_eq!(
        fs::read_to_string(dir.join("blobs/ab/somebody's")).unwrap(),
        "kept"
    );
    assert!(!Ledger::exists(&dir));

    let l = Ledger::init(&dir, &op, "d", 1, T0).unwrap();
    assert_eq!(l.size(), 1);
    drop(l);
    assert_eq!(Ledger::open(&dir).unwrap().size(), 1);
}

#[test]
fn an_init_killed_after_its_checkpoint_is_finished_by_the_next_init() {
    let env = Env::new();
    let dir = env.ledger();
    // What a killed `provledger init` leaves: its key files, and a log
    // with the empty checkpoint and a torn genesis append.
    let op = fixed_key(ORIGIN, 42);
    fs::create_dir_all(dir.join("private")).unwrap();
    provledger::keys::write_key_files(
        &Ledger::default_operator_key_path(&dir),
        &dir.join("private/operator.pub"),
        &op,
    )
    .unwrap();
    let mut w = Log::create(&dir, &op.note_signer()).unwrap();
    w.crash_at(Some(CrashPoint::BeforeCheckpoint));
    w.append(&[b"torn".to_vec()], T0, &op.note_signer())
        .unwrap_err();
    drop(w);
    assert!(Ledger::is_unfinished_init(&dir));
    assert!(!Ledger::exists(&dir));

    let out = env.run(&["init", "--origin", ORIGIN]).ok();
    assert!(
        out.stderr.contains("finishing the unfinished init of"),
        "{out}"
    );
    assert_eq!(out.stdout.trim(), op.public().to_string());
    assert_eq!(env.size(), 1);
    env.run(&["audit"]).ok();
    // A finished ledger is never replaced.
    env.run(&["init", "--origin", ORIGIN])
        .fails_with(1, "already holds a ledger");
}

#[test]
fn an_init_that_stops_after_the_genesis_is_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ledger");
    let op = common::operator();
    let l = Ledger::init_crashing_at(&dir, &op, "d", 1, T0, CrashPoint::BeforeCleanup).unwrap();
    assert_eq!(l.size(), 1);
    drop(l);
    assert!(Ledger::exists(&dir));
}

/// The process umask, from /proc (tests may not call umask(2) without
/// unsafe code); 022 where /proc does not say.
fn umask() -> u32 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|m| u32::from_str_radix(m.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

#[test]
fn public_files_have_one_mode() {
    let env = Env::with_ledger();
    env.run(&["key", "generate", "eda", "--out", "keys"]).ok();
    env.run(&["key", "grant", "keys/eda.pub", "--role", "editor"])
        .ok();
    fs::write(env.path("a.txt"), "An article text.\n").unwrap();
    env.run(&[
        "article",
        "add",
        "a.txt",
        "--url",
        "https://news.example/a",
        "--publisher",
        "The Example",
        "--title",
        "A title",
        "--published",
        "2023-11-08T06:00:00Z",
        "--key",
        "keys/eda.key",
    ])
    .ok();
    let mask = umask();
    let (file_mode, dir_mode) = (0o644 & !mask, 0o755 & !mask);
    let mut seen_blob = false;
    let mut stack = vec![env.ledger()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(env.ledger()).unwrap().to_path_buf();
            let mode = fs::symlink_metadata(&p).unwrap().permissions().mode() & 0o777;
            let private = rel.starts_with("private");
            if p.is_dir() {
                let want = if private { 0o700 } else { dir_mode };
                assert_eq!(mode, want, "{} is {mode:o}", rel.display());
                stack.push(p);
            } else if !private {
                seen_blob |= rel.starts_with("blobs");
                assert_eq!(mode, file_mode, "{} is {mode:o}", rel.display());
            }
        }
    }
    assert!(seen_blob);
    let key = env.lpath("private/operator.key");
    assert_eq!(
        fs::metadata(key).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

/// The index and its companions, as SQLite would follow them.
fn index_file_bytes(env: &Env) -> Vec<(String, Option<Vec<u8>>)> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|s| {
            let p = env.lpath(&format!("index.sqlite{s}"));
            let b = match fs::symlink_metadata(&p) {
                Ok(m) if m.file_type().is_symlink() => Some(fs::read_link(&p).unwrap()),
                Ok(_) => Some(PathBuf::from(format!("{:?}", fs::read(&p).unwrap()))),
                Err(_) => None,
            };
            (
                s.to_string(),
                b.map(|b| b.to_string_lossy().as_bytes().to_vec()),
            )
        })
        .collect()
}

#[test]
fn a_link_at_the_index_or_its_wal_is_refused_by_readers_writers_and_audit() {
    for name in ["index.sqlite", "index.sqlite-wal"] {
        let env = Env::with_ledger();
        env.run(&["key", "generate", "eda", "--out", "keys"]).ok();
        let path = env.lpath(name);
        // The outside copy of the index holds what the ledger's held, so
        // that only following the link could tell the two apart.
        let outside = env.path("outside");
        match fs::read(&path) {
            Ok(b) => fs::write(&outside, b).unwrap(),
            Err(_) => fs::write(&outside, "not the ledger's\n").unwrap(),
        }
        let before = fs::read(&outside).unwrap();
        let _ = fs::remove_file(&path);
        symlink(&outside, &path).unwrap();
        let files = snapshot(&env.ledger());
        let index = index_file_bytes(&env);
        let want = format!("{} {LINK_REFUSED}", path.display());
        for args in [
            &["claims"][..],
            &["key", "grant", "keys/eda.pub", "--role", "editor"][..],
        ] {
            let out = env.run(args);
            assert!(
                out.code != Some(0) && out.stderr.contains(&want),
                "{name} {args:?}: {out}"
            );
            assert_eq!(fs::read(&outside).unwrap(), before, "{name}: wrote outside");
            assert_eq!(snapshot(&env.ledger()), files, "{name} {args:?} wrote");
            assert_eq!(index_file_bytes(&env), index, "{name} {args:?} wrote");
        }
        assert_eq!(env.size(), 1);
        let out = env.run(&["audit"]);
        assert!(
            out.code != Some(0) && out.stdout.contains(&want),
            "{name} audit: {out}"
        );
        assert_eq!(
            fs::read(&outside).unwrap(),
            before,
            "{name}: audit wrote outside"
        );
    }
}

#[test]
fn a_hard_link_at_the_next_tile_path_is_replaced_not_written_through() {
    use std::os::unix::fs::MetadataExt;
    let env = Env::with_ledger();
    let victim = victim(&env);
    // The ledger holds the genesis; the next append writes width-2 tiles.
    let rels = ["tile/0/000.p/2", "tile/entries/000.p/2"];
    for rel in rels {
        let at = env.lpath(rel);
        fs::create_dir_all(at.parent().unwrap()).unwrap();
        fs::hard_link(&victim, &at).unwrap();
    }
    grant_editor(&env, "eda").unwrap();
    assert_eq!(env.size(), 2);
    assert_eq!(fs::read_to_string(&victim).unwrap(), "not the ledger's\n");
    for rel in rels {
        let m = fs::symlink_metadata(env.lpath(rel)).unwrap();
        assert_eq!(m.nlink(), 1, "{rel} still shares the outside file");
    }
    assert_eq!(fs::metadata(&victim).unwrap().nlink(), 1);
    env.run(&["audit"]).ok();
}

#[test]
fn a_hard_link_at_a_temporary_is_replaced_not_written_through() {
    use std::os::unix::fs::MetadataExt;
    // The temporaries of an atomic replace and of a `hashes` rebuild.
    for name in ["checkpoint.tmp", "pending.tmp", "hashes.tmp"] {
        let env = Env::with_ledger();
        let victim = victim(&env);
        fs::hard_link(&victim, env.lpath(name)).unwrap();
        if name == "hashes.tmp" {
            // Makes the next writer rebuild `hashes`.
            fs::remove_file(env.lpath("hashes")).unwrap();
        }
        grant_editor(&env, "eda").unwrap();
        assert_eq!(env.size(), 2, "{name}");
        assert_eq!(
            fs::read_to_string(&victim).unwrap(),
            "not the ledger's\n",
            "{name}: wrote through the link"
        );
        assert_eq!(fs::metadata(&victim).unwrap().nlink(), 1, "{name}");
        env.run(&["audit"]).ok();
    }
}

#[test]
fn a_fifo_or_link_at_hashes_is_refused_by_name_by_readers_and_writers() {
    for kind in ["FIFO", "symlink"] {
        let env = Env::with_ledger();
        env.run(&["key", "generate", "eda", "--out", "keys"]).ok();
        let victim = victim(&env);
        let hashes = env.lpath("hashes");
        fs::remove_file(&hashes).unwrap();
        if kind == "FIFO" {
            mkfifo(&hashes);
        } else {
            symlink(&victim, &hashes).unwrap();
        }
        let want = format!(
            "{} is a {kind}; a ledger holds only regular files and directories",
            hashes.display()
        );
        let (code, _, err) = run_guarded(&env, &["log"]);
        assert_ne!(code, Some(0));
        assert!(err.contains(&want), "{kind}: {err}");
        let (code, _, err) =
            run_guarded(&env, &["key", "grant", "keys/eda.pub", "--role", "editor"]);
        assert_ne!(code, Some(0));
        assert!(err.contains(&want), "{kind}: {err}");
        assert_eq!(fs::read_to_string(&victim).unwrap(), "not the ledger's\n");
        let kept = fs::symlink_metadata(&hashes).unwrap().file_type();
        assert!(!kept.is_file(), "{kind}: hashes was replaced");
    }
}

/// `/dev/zero` and a FIFO (outside the scratch directory, which `Env::run`
/// reads) to give where a user-given file belongs.
fn bad_inputs() -> (tempfile::TempDir, Vec<(PathBuf, &'static str)>) {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    let inputs = vec![
        (PathBuf::from("/dev/zero"), "character device"),
        (fifo, "FIFO"),
    ];
    (dir, inputs)
}

/// The message `read_bounded` gives for a non-regular file.
fn not_regular(what: &str, path: &Path, kind: &str, limit: u64) -> String {
    format!(
        "{what} {} is a {kind}, not a regular file; it must be a regular file of at most \
         {limit} bytes",
        path.display()
    )
}

fn article_args<'a>(text: &'a str, key: &'a str) -> Vec<&'a str> {
    vec![
        "article",
        "add",
        text,
        "--url",
        "https://news.example/a",
        "--publisher",
        "The Example",
        "--title",
        "A title",
        "--published",
        "2023-11-08T06:00:00Z",
        "--key",
        key,
    ]
}

#[test]
fn dev_zero_or_a_fifo_as_a_key_file_is_refused_fast() {
    use provledger::keys::MAX_KEY_FILE_BYTES;
    let env = Env::with_ledger();
    let (eda_key, _) = env.granted("eda", "editor");
    fs::write(env.path("article.txt"), "An article.\n").unwrap();
    let (_tmp, inputs) = bad_inputs();
    let before = snapshot(&env.ledger());
    for (bad, kind) in &inputs {
        let want = not_regular("the key file", bad, kind, MAX_KEY_FILE_BYTES);
        let b = bad.to_str().unwrap();
        // A public key (key grant) and a private key (--key).
        let (code, _, err) = run_guarded(&env, &["key", "grant", b, "--role", "editor"]);
        assert_eq!(code, Some(1), "{err}");
        assert!(err.contains(&want), "{err}");
        let (code, _, err) = run_guarded(&env, &article_args("article.txt", b));
        assert_eq!(code, Some(1), "{err}");
        assert!(err.contains(&want), "{err}");
    }
    // A regular file too large to be a key is refused unread.
    let big = env.path("big.key");
    fs::write(&big, vec![b'A'; MAX_KEY_FILE_BYTES as usize + 1]).unwrap();
    fs::set_permissions(&big, fs::Permissions::from_mode(0o600)).unwrap();
    let (code, _, err) = run_guarded(&env, &article_args("article.txt", big.to_str().unwrap()));
    assert_eq!(code, Some(1), "{err}");
    let want = format!(
        "the key file {} is larger than {MAX_KEY_FILE_BYTES} bytes, the most it may hold",
        big.display()
    );
    assert!(err.contains(&want), "{err}");
    assert_eq!(snapshot(&env.ledger()), before, "a refused command wrote");
    assert!(eda_key.exists());
}

#[test]
fn dev_zero_or_a_fifo_as_a_proof_file_is_refused_fast() {
    use provledger::proof::MAX_PROOF_BYTES;
    let env = Env::with_ledger();
    let op = env.operator_pub();
    let op = op.to_str().unwrap();
    let (_tmp, inputs) = bad_inputs();
    let before = snapshot(&env.ledger());
    for (bad, kind) in &inputs {
        // Either kind of proof file: the larger bound, a status proof's.
        let want = not_regular(
            "the proof file",
            bad,
            kind,
            provledger::proof::status::MAX_STATUS_PROOF_BYTES,
        );
        let b = bad.to_str().unwrap();
        let (code, _, err) = run_guarded(&env, &["proof", "verify", b, "--operator", op]);
        assert_eq!(code, Some(1), "{err}");
        assert!(err.contains(&want), "{err}");
    }
    let big = env.path("big.proof");
    fs::write(&big, vec![b'x'; MAX_PROOF_BYTES + 1]).unwrap();
    let (code, _, err) = run_guarded(
        &env,
        &["proof", "verify", big.to_str().unwrap(), "--operator", op],
    );
    assert_eq!(code, Some(1), "{err}");
    let want = format!(
        "the proof file {} is larger than {MAX_PROOF_BYTES} bytes, the most it may hold",
        big.display()
    );
    assert!(err.contains(&want), "{err}");
    assert_eq!(snapshot(&env.ledger()), before, "a refused command wrote");
}

#[test]
fn dev_zero_or_a_fifo_as_the_since_checkpoint_file_is_refused_fast() {
    let env = Env::with_ledger();
    let (_tmp, inputs) = bad_inputs();
    let before = snapshot(&env.ledger());
    for (bad, kind) in &inputs {
        let want = not_regular(
            "the --since-checkpoint file",
            bad,
            kind,
            MAX_CHECKPOINT_BYTES,
        );
        let b = bad.to_str().unwrap();
        let (code, out, err) = run_guarded(&env, &["audit", "--since-checkpoint", b]);
        assert_eq!(code, Some(1), "{out}{err}");
        assert!(err.contains(&want), "{err}");
    }
    let big = env.path("big.checkpoint");
    fs::write(&big, vec![b'x'; MAX_CHECKPOINT_BYTES as usize + 1]).unwrap();
    let (code, _, err) = run_guarded(
        &env,
        &["audit", "--since-checkpoint", big.to_str().unwrap()],
    );
    assert_eq!(code, Some(1), "{err}");
    let want = format!(
        "the --since-checkpoint file {} is larger than {MAX_CHECKPOINT_BYTES} bytes, the most \
         it may hold",
        big.display()
    );
    assert!(err.contains(&want), "{err}");
    assert_eq!(snapshot(&env.ledger()), before, "a refused command wrote");
}

#[test]
fn dev_zero_or_a_fifo_as_the_article_text_file_is_refused_fast() {
    use provledger::state::limits::MAX_ARTICLE_BYTES;
    let env = Env::with_ledger();
    env.granted("eda", "editor");
    let (_tmp, inputs) = bad_inputs();
    let before = snapshot(&env.ledger());
    for (bad, kind) in &inputs {
        let want = not_regular("the article text file", bad, kind, MAX_ARTICLE_BYTES);
        let b = bad.to_str().unwrap();
        let (code, _, err) = run_guarded(&env, &article_args(b, "keys/eda.key"));
        assert_eq!(code, Some(1), "{err}");
        assert!(err.contains(&want), "{err}");
    }
    let big = env.path("big.txt");
    fs::write(&big, vec![b'a'; MAX_ARTICLE_BYTES as usize + 1]).unwrap();
    let (code, _, err) = run_guarded(&env, &article_args(big.to_str().unwrap(), "keys/eda.key"));
    assert_eq!(code, Some(1), "{err}");
    let want = format!(
        "the article text file {} is larger than {MAX_ARTICLE_BYTES} bytes, the most it may hold",
        big.display()
    );
    assert!(err.contains(&want), "{err}");
    assert_eq!(snapshot(&env.ledger()), before, "a refused command wrote");
}
