//! Tampering with a ledger of 300 entries (the genesis and 299 key grants,
//! two entry bundles: `000` full, `001.p/44` partial), caught by
//! `provledger audit`, which must exit 3 and name the first entry at fault;
//! and `audit --since-checkpoint` against checkpoints trusted earlier.
//!
//! The tamper checks pin the operator key (`--operator`), as an auditor
//! should. Without it, audit reads the key from the genesis and, today,
//! gives up early when bundle 000 or `hashes` is damaged (see the ignored
//! tests at the end).

use crate::common::*;
use provledger::log::Log;
use provledger::statement::Role;
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::sync::OnceLock;

/// Entries in the base ledger.
const SIZE: u64 = 300;
const FULL_BUNDLE: &str = "tile/entries/000";
const PARTIAL_BUNDLE: &str = "tile/entries/001.p/44";

/// Prefix of the base ledgers' directories in cargo's per-target scratch
/// directory.
const BASE_PREFIX: &str = "cli-audit-base-";

/// The base ledger, built once per test run through the library
/// (deterministic: fixed keys and times) and copied by each test. It lives in
/// cargo's per-target scratch directory; a static is never dropped, so each
/// run removes the ones earlier runs left (see [`remove_stale_bases`]).
fn base() -> &'static Path {
    static BASE: OnceLock<tempfile::TempDir> = OnceLock::new();
    BASE.get_or_init(|| {
        remove_stale_bases();
        let dir = tempfile::Builder::new()
            .prefix(BASE_PREFIX)
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .unwrap();
        let env = Env::new();
        let ids = library_ledger(&env, SIZE - 1);
        assert_eq!(ids.len() as u64, SIZE);
        copy_dir(&env.ledger(), &dir.path().join("ledger"));
        dir
    })
    .path()
}

/// Removes base ledgers left by earlier runs: those not touched for ten
/// minutes (a run that is still going is younger than that).
fn remove_stale_bases() {
    let Ok(entries) = fs::read_dir(env!("CARGO_TARGET_TMPDIR")) else {
        return;
    };
    for e in entries.flatten() {
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 600);
        if stale && e.file_name().to_string_lossy().starts_with(BASE_PREFIX) {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// A scratch copy of the base ledger.
fn copy() -> Env {
    let env = Env::new();
    copy_dir(&base().join("ledger"), &env.ledger());
    env
}

/// Runs `audit --json --operator LEDGER/private/operator.pub` (an auditor
/// pins the operator key) on a damaged ledger: it must exit 3, say on stderr
/// which entry is the first at fault, and agree with its JSON report.
/// Returns the report.
#[track_caller]
fn audit_fails(env: &Env, args: &[&str], first: Option<u64>) -> Value {
    let operator = env.operator_pub();
    let mut all = vec!["audit", "--json"];
    if !args.contains(&"--operator") {
        all.extend(["--operator", operator.to_str().unwrap()]);
    }
    all.extend_from_slice(args);
    let out = env.run(&all).code(3);
    let report = out.json();
    assert_eq!(report["ok"], false, "{out}");
    let problems = report["problems"].as_array().unwrap();
    assert!(!problems.is_empty(), "{out}");
    let n = problems.len() as u64 + report["omitted"].as_u64().unwrap();
    let at = first
        .map(|e| format!(", first at entry {e}"))
        .unwrap_or_default();
    assert_eq!(
        out.stderr,
        format!(
            "provledger: audit found {n} problem{}{at}\n",
            if n == 1 { "" } else { "s" }
        ),
        "{out}"
    );
    assert_eq!(
        report["first_entry_at_fault"],
        first.map_or(Value::Null, Value::from),
        "{out}"
    );
    if let Some(e) = first {
        assert_eq!(
            problems[0]["entry"], e,
            "problems come first entry first:\n{out}"
        );
    }
    report
}

/// The `what` of every problem, joined, for substring checks.
fn whats(report: &Value) -> String {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["what"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_clean_ledger_audits_ok() {
    let env = copy();
    let r = env.run(&["audit", "--json"]).ok().json();
    assert_eq!(r["ok"], true);
    assert_eq!(r["size"], SIZE);
    assert_eq!(r["entries_checked"], SIZE);
    assert_eq!(r["signatures_checked"], SIZE);
    assert_eq!(
        r["counts"],
        serde_json::json!({"ledger.genesis": 1, "key.grant": SIZE - 1})
    );
    assert_eq!(r["problems"], serde_json::json!([]));
    assert_eq!(r["operator_key_source"], "genesis");
    assert_eq!(
        r["operator_key"],
        fs::read_to_string(env.operator_pub()).unwrap().trim()
    );

    let text = env
        .run(&["audit", "--operator", env.operator_pub().to_str().unwrap()])
        .ok();
    assert_eq!(text.stderr, "");
    assert!(text.stdout.ends_with("audit ok\n"), "{text}");
    assert!(
        text.stdout.contains(&format!(
            "checked    {SIZE} entries, {SIZE} signatures, 0 blobs; tree size {SIZE}, root {}",
            r["root"].as_str().unwrap()
        )),
        "{text}"
    );
    assert!(text.stdout.contains("(given)"), "{text}");
}

#[test]
fn a_flipped_byte_in_a_full_entry_bundle_names_its_entry() {
    let env = copy();
    let path = env.lpath(FULL_BUNDLE);
    let bundle = read_bundle(&path);
    assert_eq!(bundle.len(), 256);
    // A byte of entry 100's statement signature (the leaf's last bytes).
    flip_byte(&path, leaf_offset(&bundle, 100) + bundle[100].len() - 5);
    let r = audit_fails(&env, &[], Some(100));
    let w = whats(&r);
    assert!(
        w.contains("statement signature does not verify under its signer key"),
        "{w}"
    );
    assert!(w.contains("the hash chain is broken"), "{w}");

    // The text report says the same, also when the operator key is taken
    // from the genesis.
    let text = env.run(&["audit"]).code(3);
    assert!(text.stdout.contains("PROBLEM: "), "{text}");
    assert!(text.stdout.ends_with("audit FAILED\n"), "{text}");
    assert!(text.stderr.contains("first at entry 100"), "{text}");
}

#[test]
fn a_flipped_byte_in_the_partial_entry_bundle_names_its_entry() {
    let env = copy();
    let path = env.lpath(PARTIAL_BUNDLE);
    let bundle = read_bundle(&path);
    assert_eq!(bundle.len(), 44);
    // Entry 280 = 256 + 24, a byte in the middle of its leaf.
    flip_byte(&path, leaf_offset(&bundle, 24) + bundle[24].len() / 2);
    audit_fails(&env, &[], Some(280));
}

#[test]
fn a_flipped_length_prefix_names_its_entry() {
    let env = copy();
    let path = env.lpath(FULL_BUNDLE);
    let bundle = read_bundle(&path);
    flip_byte(&path, leaf_offset(&bundle, 7) - 2);
    audit_fails(&env, &[], Some(7));
}

#[test]
fn a_flipped_byte_in_a_hash_tile_names_its_entry() {
    let env = copy();
    // Level-0 tile 000 holds the leaf hashes of entries 0..256.
    flip_byte(&env.lpath("tile/0/000"), 37 * 32 + 3);
    let r = audit_fails(&env, &[], Some(37));
    assert!(whats(&r).contains("tile/0/000"), "{}", whats(&r));
}

#[test]
fn a_flipped_byte_in_the_partial_hash_tile_names_its_entry() {
    let env = copy();
    flip_byte(&env.lpath("tile/0/001.p/44"), 43 * 32);
    audit_fails(&env, &[], Some(299));
}

#[test]
fn a_flipped_byte_in_the_upper_hash_tile_names_the_subtree() {
    let env = copy();
    // tile/1/000.p/1 holds the level-8 hash of entries 0..256.
    flip_byte(&env.lpath("tile/1/000.p/1"), 0);
    audit_fails(&env, &[], Some(0));
}

#[test]
fn a_flipped_byte_in_the_hashes_file_names_its_entry() {
    let env = copy();
    let at = tlog_tiles::stored_hash_index(0, 150) * 32;
    flip_byte(&env.lpath("hashes"), at as usize + 31);
    audit_fails(&env, &[], Some(150));
}

#[test]
fn a_flipped_byte_in_a_blob_is_caught() {
    let env = copy();
    let digest = Log::open(env.ledger())
        .unwrap()
        .put_blob(b"The text of an article, as retrieved.")
        .unwrap();
    let r = env.run(&["audit", "--json"]).ok().json();
    assert_eq!(r["blobs_checked"], 1);

    let hex = digest.to_hex();
    let rel = format!("blobs/{}/{hex}", &hex[..2]);
    flip_byte(&env.lpath(&rel), 4);
    let r = audit_fails(&env, &[], None);
    assert!(
        whats(&r).starts_with(&format!("blob {rel} is corrupt: its content hashes to ")),
        "{}",
        whats(&r)
    );
}

#[test]
fn a_flipped_byte_in_the_checkpoint_is_caught() {
    // In the root hash.
    let env = copy();
    let cp = fs::read_to_string(env.lpath("checkpoint")).unwrap();
    let root_at = cp.find('\n').unwrap() + 1 + cp.lines().nth(1).unwrap().len() + 1 + 5;
    let mut b = cp.clone().into_bytes();
    b[root_at] = if b[root_at] == b'A' { b'B' } else { b'A' };
    fs::write(env.lpath("checkpoint"), b).unwrap();
    let r = audit_fails(&env, &[], None);
    let w = whats(&r);
    assert!(w.contains("checkpoint is not valid"), "{w}");
    assert!(
        w.contains(&format!("the tree of the {SIZE} entries has root ")),
        "{w}"
    );

    // In the signature.
    let env = copy();
    let sig_at = cp.len() - 10;
    let mut b = cp.into_bytes();
    b[sig_at] = if b[sig_at] == b'A' { b'B' } else { b'A' };
    fs::write(env.lpath("checkpoint"), b).unwrap();
    let r = audit_fails(&env, &[], None);
    assert!(
        whats(&r).starts_with("checkpoint is not valid"),
        "{}",
        whats(&r)
    );
}

#[test]
fn a_dropped_leaf_names_its_position() {
    for (rel, drop, first) in [(FULL_BUNDLE, 10, 10), (PARTIAL_BUNDLE, 30, 286)] {
        let env = copy();
        let path = env.lpath(rel);
        let mut bundle = read_bundle(&path);
        bundle.remove(drop);
        write_bundle(&path, &bundle);
        let r = audit_fails(&env, &[], Some(first));
        assert!(
            whats(&r).contains(&format!(
                "the leaf says it is entry {}: entries were dropped, duplicated or reordered",
                first + 1
            )),
            "{}",
            whats(&r)
        );
    }
}

#[test]
fn reordered_leaves_name_the_first_one_moved() {
    let env = copy();
    let path = env.lpath(FULL_BUNDLE);
    let mut bundle = read_bundle(&path);
    bundle.swap(120, 121);
    write_bundle(&path, &bundle);
    let r = audit_fails(&env, &[], Some(120));
    assert!(
        whats(&r).contains("the leaf says it is entry 121"),
        "{}",
        whats(&r)
    );
}

#[test]
fn a_truncated_log_names_the_first_missing_entry() {
    // The last bundle is gone.
    let env = copy();
    fs::remove_file(env.lpath(PARTIAL_BUNDLE)).unwrap();
    let r = audit_fails(&env, &[], Some(256));
    assert!(
        whats(&r).contains(&format!("entry bundle {PARTIAL_BUNDLE} is missing")),
        "{}",
        whats(&r)
    );

    // The last bundle lost its last entry.
    let env = copy();
    let path = env.lpath(PARTIAL_BUNDLE);
    let mut bundle = read_bundle(&path);
    bundle.pop();
    write_bundle(&path, &bundle);
    audit_fails(&env, &[], Some(299));

    // `hashes` lost the stored hashes from entry 290 on.
    let env = copy();
    let keep = tlog_tiles::stored_hash_count(290) * 32;
    let f = fs::OpenOptions::new()
        .write(true)
        .open(env.lpath("hashes"))
        .unwrap();
    f.set_len(keep).unwrap();
    let r = audit_fails(&env, &[], Some(290));
    assert!(
        whats(&r).contains("hashes ends at stored hash "),
        "{}",
        whats(&r)
    );
}

/// Grants one more key through the CLI (the base ledger's operator key is
/// in `private/`, as `init` leaves it).
fn grant_one(env: &Env, name: &str) {
    let (_, public) = env.keygen(name);
    env.run(&[
        "key",
        "grant",
        public.to_str().unwrap(),
        "--role",
        "auditor",
    ])
    .ok();
}

#[test]
fn since_an_older_checkpoint_the_ledger_is_an_extension() {
    let env = copy();
    let old = env.path("old.checkpoint");
    fs::write(&old, env.run(&["checkpoint"]).ok().stdout).unwrap();
    grant_one(&env, "late1");
    grant_one(&env, "late2");
    assert_eq!(env.size(), SIZE + 2);
    let r = env
        .run(&[
            "audit",
            "--json",
            "--since-checkpoint",
            old.to_str().unwrap(),
        ])
        .ok()
        .json();
    assert_eq!(r["ok"], true);
    // The report says which checkpoint it checked, its root as the
    // checkpoint note and `checkpoint --json` write it.
    let old_root = fs::read_to_string(&old)
        .unwrap()
        .lines()
        .nth(2)
        .unwrap()
        .to_string();
    assert_eq!(
        r["trusted_checkpoint"],
        serde_json::json!({ "size": SIZE, "root": old_root })
    );
    assert_eq!(
        r["root"],
        env.run(&["checkpoint", "--json"]).ok().json()["root"]
    );
    // The text says exactly what was checked.
    let text = env
        .run(&["audit", "--since-checkpoint", old.to_str().unwrap()])
        .ok();
    assert!(
        text.stdout.contains(&format!(
            "trusted    checkpoint of {SIZE} entries, root {old_root}: its signature verifies and \
             the first {SIZE} entries have that root, so the ledger extends it\n"
        )),
        "{text}"
    );
    // The current checkpoint trusts itself.
    fs::write(&old, fs::read(env.lpath("checkpoint")).unwrap()).unwrap();
    env.run(&["audit", "--since-checkpoint", old.to_str().unwrap()])
        .ok();
    // Without --since-checkpoint the report names none.
    assert_eq!(
        env.run(&["audit", "--json"]).ok().json()["trusted_checkpoint"],
        serde_json::Value::Null
    );
}

#[test]
fn a_rolled_back_ledger_fails_against_a_newer_checkpoint() {
    let env = copy();
    let older = Env::new();
    copy_dir(&env.ledger(), &older.ledger());
    grant_one(&env, "late");
    let newer = env.path("newer.checkpoint");
    fs::write(&newer, fs::read(env.lpath("checkpoint")).unwrap()).unwrap();
    let r = audit_fails(
        &older,
        &["--since-checkpoint", newer.to_str().unwrap()],
        Some(SIZE),
    );
    assert_eq!(
        whats(&r),
        format!(
            "the log has {SIZE} entries but a previously trusted checkpoint has {}: \
             entries {SIZE}.. were removed (the log was truncated or rolled back)",
            SIZE + 1
        )
    );
}

#[test]
fn a_forked_ledger_fails_against_the_original_checkpoint() {
    let env = copy();
    // The same operator and genesis, different history: ten checker grants.
    let fork = Env::new();
    let op = operator();
    let statements = (0..10)
        .map(|i| {
            grant(
                &op,
                &fixed_key(&format!("fork{i}"), 10_000 + i),
                &[Role::Checker],
            )
        })
        .collect();
    library_ledger_with(&fork, statements);
    let theirs = env.path("fork.checkpoint");
    fs::write(&theirs, fs::read(fork.lpath("checkpoint")).unwrap()).unwrap();
    let r = audit_fails(
        &env,
        &["--since-checkpoint", theirs.to_str().unwrap()],
        None,
    );
    assert_eq!(
        whats(&r)
            .split(": the log was rewritten")
            .next()
            .unwrap()
            .split(" have root ")
            .next()
            .unwrap(),
        "the first 11 entries"
    );
    assert!(
        whats(&r).ends_with(": the log was rewritten"),
        "{}",
        whats(&r)
    );
}

#[test]
fn a_checkpoint_from_another_operator_is_not_trusted() {
    // Nothing here depends on the size: a small ledger keeps it quick.
    let env = Env::new();
    library_ledger(&env, 3);
    let other = Env::with_ledger();
    let theirs = env.path("other.checkpoint");
    fs::write(&theirs, fs::read(other.lpath("checkpoint")).unwrap()).unwrap();
    let r = audit_fails(
        &env,
        &["--since-checkpoint", theirs.to_str().unwrap()],
        None,
    );
    assert!(
        whats(&r).starts_with("the trusted checkpoint is not valid: "),
        "{}",
        whats(&r)
    );

    // And the ledger audited against that other operator's key fails.
    let r = audit_fails(
        &env,
        &["--operator", other.operator_pub().to_str().unwrap()],
        None,
    );
    assert!(
        whats(&r).starts_with("checkpoint is not valid: "),
        "{}",
        whats(&r)
    );
    assert_eq!(r["operator_key_source"], "given");
}

#[test]
fn audit_of_a_directory_that_is_not_a_ledger_cannot_run() {
    let env = Env::with_ledger();
    let operator = env.operator_pub();
    let op = operator.to_str().unwrap();
    let nowhere = Env::new();
    let out = nowhere.run(&["audit", "--operator", op]).error(
        1,
        &format!(
            "{} is not a provledger ledger: no such directory",
            nowhere.ledger().display()
        ),
    );
    assert!(
        out.stderr
            .contains("\nhint: create one with `provledger init`"),
        "{out}"
    );
    env.run(&["audit", "--since-checkpoint", "nope"]).error(
        1,
        "cannot read nope: No such file or directory (os error 2)",
    );
    env.run(&["audit", "--operator", "nope.pub"]).error(
        1,
        "cannot read key file nope.pub: No such file or directory (os error 2)",
    );

    // A directory whose checkpoint is gone is a damaged ledger: exit 3.
    fs::remove_file(env.lpath("checkpoint")).unwrap();
    let r = audit_fails(&env, &[], None);
    assert_eq!(whats(&r), "checkpoint is missing");
}

// Without --operator, audit reads the operator key from the genesis through
// `Log::open` + `Log::entry(0)`, which needs an intact `hashes` file and a
// well-formed entry bundle 000. Damage to either makes audit stop with the
// single problem "cannot read the operator key from the genesis (...)" at
// entry 0, instead of replaying and naming the entry at fault. See the
// report on src/audit.rs `genesis_operator`.
#[test]
fn without_operator_damage_to_bundle_0_still_names_the_entry() {
    let env = copy();
    let path = env.lpath(FULL_BUNDLE);
    let mut bundle = read_bundle(&path);
    bundle.remove(10);
    write_bundle(&path, &bundle);
    env.run(&["audit"])
        .code(3)
        .stderr_has("first at entry 10\n");
    let env = copy();
    let f = fs::OpenOptions::new()
        .write(true)
        .open(env.lpath("hashes"))
        .unwrap();
    f.set_len(tlog_tiles::stored_hash_count(290) * 32).unwrap();
    env.run(&["audit"])
        .code(3)
        .stderr_has("first at entry 290\n");
}

// Without --operator and without a ledger, audit reports a problem at entry 0
// ("cannot read the operator key from the genesis (... is not a provledger
// ledger ...); pass --operator KEY.pub") and exits 3, instead of saying the
// directory is not a ledger (exit 1) as every other command does.
#[test]
fn without_operator_a_missing_ledger_is_an_error_not_a_finding() {
    let env = Env::new();
    env.run(&["audit"]).error(
        1,
        &format!(
            "{} is not a provledger ledger: no such directory",
            env.ledger().display()
        ),
    );
}

// Problems of the log layer (hashes, tiles, bundles, chain) do not name
// their entry in their text; the report's "PROBLEM at entry N:" prefix does.
#[test]
fn the_text_report_names_the_entry_of_every_problem() {
    let env = copy();
    flip_byte(&env.lpath("tile/0/000"), 37 * 32 + 3);
    let op = env.operator_pub();
    let out = env
        .run(&["audit", "--operator", op.to_str().unwrap()])
        .code(3);
    let problems: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("PROBLEM"))
        .collect();
    assert!(!problems.is_empty(), "{out}");
    for p in problems {
        assert!(p.contains("entry 37"), "{p}");
    }
}

#[test]
fn audit_without_operator_says_it_trusted_the_genesis_key() {
    let env = Env::with_ledger();
    let out = env.run(&["audit"]).ok();
    assert!(
        out.stderr.contains(
            "note: the operator key was read from the ledger's own genesis (trust on first use)"
        ),
        "{out}"
    );
    assert!(
        out.stderr.contains("Pin the key with --operator KEY.pub."),
        "{out}"
    );
    let op = env.operator_pub();
    let pinned = env.run(&["audit", "--operator", op.to_str().unwrap()]).ok();
    assert!(!pinned.stderr.contains("trust on first use"), "{pinned}");
}

// A genesis that cannot be read leaves the checkpoint unverified: the
// problem says so, its advice is a value for tools, and the text report
// says which flag gives the key.
#[test]
fn an_unreadable_genesis_advises_giving_the_operator_key() {
    let env = copy();
    let path = env.lpath(FULL_BUNDLE);
    let mut bundle = read_bundle(&path);
    bundle[0][5] ^= 0xff;
    write_bundle(&path, &bundle);
    let text = env.run(&["audit"]).code(3);
    assert!(
        text.stdout.lines().any(|l| l
            .starts_with("PROBLEM at entry 0: cannot read the operator key from the genesis (")
            && l.ends_with("); the checkpoint cannot be verified; pass --operator KEY.pub")),
        "{text}"
    );
    let json = env.run(&["audit", "--json"]).code(3).json();
    let p = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["advice"] == "give_operator_key")
        .expect("the genesis problem");
    assert_eq!(p["entry"], 0);
}
