//! Issue 12 §1, the index: an edited `index.sqlite` never makes the writer
//! admit what audit refuses (the seal and row MACs, `src/state/seal.rs`),
//! audit reports an index that differs from the replayed log, `reindex`
//! always mends it, and `reindex --skip-refused` is the way out when the
//! log itself holds an entry the rules refuse.

use crate::support;

use provledger::digest::Digest;
use provledger::log::Log;
use provledger::statement::{Body, Verdict, Verification};
use rusqlite::Connection;
use std::path::Path;
use support::{assert_schema, force, key, Seeded};

/// What append says of an index whose sealed tables were edited.
const TAMPERED: &str = "fails the writer's check: its keys, meta or void table is not what the writer sealed after entry";
const HINT: &str = "hint: run `provledger reindex` to rebuild it from the log (nothing is lost)";

/// Edits the ledger's index as any SQLite tool could.
fn edit(s: &Seeded, sql: &str) {
    let conn = Connection::open(s.ledger().join("index.sqlite")).unwrap();
    conn.execute_batch(sql).unwrap();
}

fn source_add(s: &Seeded, who: &str) -> Vec<String> {
    [
        "source",
        "add",
        "--label",
        "a diplomat",
        "--kind",
        "anonymous_person",
        "--key",
        &s.key(who),
    ]
    .map(String::from)
    .to_vec()
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn pubkey(s: &Seeded, who: &str) -> String {
    s.root()
        .join(format!("keys/{who}.pub"))
        .display()
        .to_string()
}

#[test]
fn an_edited_role_is_refused_by_the_next_append_and_reindex_mends_it() {
    let s = Seeded::new();
    edit(&s, "UPDATE keys SET roles = 'editor' WHERE name = 'cem'");
    let add = source_add(&s, "cem");
    let r = s.refused(&args(&add), 1, TAMPERED);
    assert!(r.stderr.contains(HINT), "{}", r.stderr);
    assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    // Every later append is refused too, whoever signs it: the index is
    // not trusted until it is rebuilt.
    s.refused(&args(&source_add(&s, "eda")), 1, TAMPERED);

    s.ok(&["reindex"]);
    let r = s.refused(
        &args(&add),
        1,
        "source.record refused: signer Cem Checker (cem, kid ",
    );
    assert!(
        r.stderr
            .contains(") has no role that may sign source.record (needs editor)"),
        "{}",
        r.stderr
    );
    s.ok(&args(&source_add(&s, "eda")));
    s.assert_audit_clean();
}

#[test]
fn a_deleted_revocation_is_refused_and_audit_reports_it() {
    let s = Seeded::new();
    s.ok(&[
        "key",
        "revoke",
        &pubkey(&s, "chloe"),
        "--reason",
        "lost laptop",
    ]);
    edit(
        &s,
        "UPDATE keys SET revoked_seq = NULL, revoked_at = NULL, revoke_reason = NULL WHERE name = 'chloe'",
    );
    let verify = [
        "verify",
        s.claim("deadlock"),
        "--verdict",
        "true",
        "--key",
        &s.key("chloe"),
    ];
    s.refused(&verify, 1, TAMPERED);

    // Readers cannot check the seal; audit compares the index with the log.
    let r = s.run(&["audit"]);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.lines().any(|l| l
            .starts_with("PROBLEM: index.sqlite differs from the replayed log: keys row pubkey=")
            && l.contains(" name=\"chloe\": ")
            && l.contains("revoked_seq is NULL in the index but")
            && l.contains("revoke_reason is NULL in the index but \"lost laptop\" in the log")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("run `provledger reindex` to rebuild it from the log"),
        "{}",
        r.stdout
    );

    s.ok(&["reindex"]);
    let r = s.refused(
        &verify,
        1,
        "verification refused: signer Chloe Checker (chloe, kid ",
    );
    assert!(r.stderr.contains(") was revoked at entry"), "{}", r.stderr);
    s.assert_audit_clean();
}

/// The meta values the seal and the index's position live in.
fn position(s: &Seeded) -> Vec<(String, rusqlite::types::Value)> {
    let conn = Connection::open(s.ledger().join("index.sqlite")).unwrap();
    let mut stmt = conn
        .prepare("SELECT k, v FROM meta WHERE k IN ('seal', 'sealed_at', 'applied', 'last_leaf_hash', 'last_logged_at')")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows
}

/// Puts back the meta values `old` named in `keys`, and chloe's key row as
/// it was before her revocation.
fn restore(s: &Seeded, old: &[(String, rusqlite::types::Value)], keys: &[&str]) {
    edit(
        s,
        "UPDATE keys SET revoked_seq = NULL, revoked_at = NULL, revoke_reason = NULL WHERE name = 'chloe'",
    );
    let conn = Connection::open(s.ledger().join("index.sqlite")).unwrap();
    for (k, v) in old {
        if keys.contains(&k.as_str()) {
            conn.execute(
                "UPDATE meta SET v = ?2 WHERE k = ?1",
                rusqlite::params![k, v],
            )
            .unwrap();
        }
    }
}

#[test]
fn an_older_keys_row_restored_with_its_old_seal_admits_nothing() {
    let s = Seeded::new();
    let old = position(&s);
    s.ok(&[
        "key",
        "revoke",
        &pubkey(&s, "chloe"),
        "--reason",
        "lost laptop",
    ]);
    let verify = [
        "verify",
        s.claim("deadlock"),
        "--verdict",
        "true",
        "--key",
        &s.key("chloe"),
    ];
    let revoked = "verification refused: signer Chloe Checker (chloe, kid ";

    // The key row from before the revocation with the seal that
    // authenticated it then: the seal is for another position, so the
    // writer rebuilds the index from the log, and the rules refuse.
    restore(&s, &old, &["seal", "sealed_at"]);
    let r = s.refused(&verify, 1, revoked);
    assert!(r.stderr.contains(") was revoked at entry"), "{}", r.stderr);

    // The whole old position as well: the index then claims not to have
    // applied the revocation, and catching it up from the log finds
    // statements it already holds.
    restore(
        &s,
        &old,
        &[
            "seal",
            "sealed_at",
            "applied",
            "last_leaf_hash",
            "last_logged_at",
        ],
    );
    let r = s.refused(&verify, 1, "of the log is refused by the rules");
    assert!(
        r.stderr
            .contains("hint: the index may be damaged: run `provledger reindex`"),
        "{}",
        r.stderr
    );
    s.ok(&["reindex"]);
    s.refused(&verify, 1, revoked);
    s.assert_audit_clean();
}

#[test]
fn a_statement_row_whose_kind_was_changed_is_refused() {
    let s = Seeded::new();
    // Make a source look like a verdict, so that it could be withdrawn.
    let source = s.source(s.sources.keys().next().unwrap()).to_string();
    edit(
        &s,
        &format!("UPDATE statements SET kind = 'verification' WHERE id_hex = '{source}'"),
    );
    let verify = [
        "verify",
        "withdraw",
        &source,
        "--reason",
        "wrong claim",
        "--key",
        &s.key("cem"),
    ];
    let r = s.refused(
        &verify,
        1,
        &format!(
            "fails the writer's check: its statements row {} is not what the writer recorded (edited, or copied from elsewhere); nothing was written",
            &source[..12]
        ),
    );
    assert!(r.stderr.contains(HINT), "{}", r.stderr);
    // An append that reads no forged row still goes through.
    s.ok(&args(&source_add(&s, "eda")));

    let r = s.run(&["audit", "--json"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let v = r.json();
    let problems = v["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| p["entry"].is_null()
            && p["what"]
                .as_str()
                .unwrap()
                .contains(&format!("statements row id={}", &source[..12]))
            && p["what"].as_str().unwrap().contains(
                "kind is \"verification\" in the index but \"source.record\" in the log"
            )),
        "{v:#}"
    );
    assert_eq!(v["first_entry_at_fault"], serde_json::Value::Null);

    s.ok(&["reindex"]);
    s.refused(&verify, 4, "");
    s.assert_audit_clean();
}

#[test]
fn edited_cached_status_is_reported_by_audit_and_reindex_mends_it() {
    let s = Seeded::new();
    let claim = s.claim("deadlock").to_string();
    edit(
        &s,
        &format!(
            "UPDATE claims SET status = 'verified' WHERE id = (SELECT id FROM statements WHERE id_hex = '{claim}')"
        ),
    );
    // The edited index answers the list; status and the log disagree.
    let listed = s.json(&["claims", "--status", "verified"]);
    assert!(listed.to_string().contains(&claim), "{listed}");
    assert_eq!(s.status("deadlock")["status"], "unreviewed");

    let r = s.run(&["audit"]);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains("claims row n="))
        .unwrap_or_else(|| panic!("audit does not name the claims row:\n{}", r.stdout));
    assert!(
        line.starts_with("PROBLEM: index.sqlite differs from the replayed log: claims row n=")
            && line.contains(&format!("id={}", &claim[..12]))
            && line.ends_with("status is \"verified\" in the index but \"unreviewed\" in the log"),
        "{line}"
    );
    assert!(
        r.stdout
            .contains("index.sqlite differs from the log after entry")
            && r.stdout.contains("in 1 row; run `provledger reindex`"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("audit FAILED"), "{}", r.stdout);
    let v = s.run(&["audit", "--json"]).json();
    assert_schema("audit-report.schema.json", &v);

    s.ok(&["reindex"]);
    let listed = s.json(&["claims", "--status", "verified"]);
    assert!(!listed.to_string().contains(&claim), "{listed}");
    s.assert_audit_clean();
}

#[test]
fn an_index_that_is_not_a_database_never_makes_reindex_fail() {
    let s = Seeded::new();
    let index = s.ledger().join("index.sqlite");
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(s.ledger().join(format!("index.sqlite{suffix}")));
    }
    std::fs::write(&index, b"this is not an SQLite database, just bytes").unwrap();
    s.ok(&["reindex"]);
    s.ok(&args(&source_add(&s, "eda")));
    s.assert_audit_clean();
}

#[test]
fn an_index_without_its_seal_is_rebuilt_by_the_writer_not_refused() {
    // As after a crash that a reader recovered from: the rows are right
    // but the seal is not current. The writer rebuilds rather than trusts.
    let s = Seeded::new();
    edit(&s, "DELETE FROM meta WHERE k = 'seal'");
    s.ok(&args(&source_add(&s, "eda")));
    s.assert_audit_clean();
    // The rebuilt index is sealed again: an edit is caught.
    edit(&s, "UPDATE keys SET roles = 'editor' WHERE name = 'cem'");
    s.refused(&args(&source_add(&s, "cem")), 1, TAMPERED);
}

#[test]
fn an_index_written_for_another_ledger_position_is_refused_by_audit() {
    let s = Seeded::new();
    edit(
        &s,
        "UPDATE meta SET v = zeroblob(32) WHERE k = 'last_leaf_hash'",
    );
    let r = s.run(&["audit"]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("but its last leaf hash is not that of entry"),
        "{}",
        r.stdout
    );
}

fn verdict(claim: &str, verdict: Verdict) -> Body {
    let claim = Digest::from_hex(claim).unwrap();
    Body::Verification(Verification {
        claim,
        revision: claim,
        verdict,
        evidence: vec![],
        note: None,
    })
}

#[test]
fn a_refused_entry_in_the_log_has_a_way_out_that_loses_no_valid_entry() {
    let s = Seeded::new();
    let claim = s.claim("deadlock").to_string();
    let refused = force(&s, &key(&s.key("eda")), verdict(&claim, Verdict::False));
    let valid = force(&s, &key(&s.key("cem")), verdict(&claim, Verdict::True));
    let rule = format!(
        "verification refused: signer Eda Editor (eda, kid {}) has no role that may sign verification (needs checker)",
        &hex::encode(key(&s.key("eda")).public().bytes())[..12]
    );

    // Without the way out, every command names the entry and the way out.
    let message = format!("entry {refused} of the log is refused by the rules: {rule}");
    // Catching up, the index may be the damaged one; rebuilding from
    // genesis, it is the log's entry.
    let catching_up = "hint: the index may be damaged: run `provledger reindex` to rebuild it from the log (nothing is lost); if the rebuild refuses the entry too, `provledger reindex --skip-refused` applies every other entry and lists each refused one (see README, \"A refused entry in the log\")";
    let rebuilding = "hint: the log holds an entry that a replay refuses; `provledger reindex --skip-refused` rebuilds the index applying every other entry and lists each refused one (see README, \"A refused entry in the log\"); `provledger audit` names them all";
    for (cmd, hint) in [
        (&["claims"][..], catching_up),
        (&["reindex"][..], rebuilding),
    ] {
        let r = s.run(cmd).error(1, &message);
        assert_eq!(r.stderr.lines().nth(1), Some(hint), "{cmd:?}: {}", r.stderr);
    }

    let r = s.run(&["reindex", "--skip-refused", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "void: entry {refused} (verification) is refused and was applied as nothing: {rule}"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("(1 refused, applied as nothing"),
        "{}",
        r.stderr
    );
    let v = r.json();
    assert_schema("reindex.schema.json", &v);
    assert_eq!(v["sealed"], true);
    assert_eq!(v["entries"], valid + 1);
    let void = v["void"].as_array().unwrap();
    assert_eq!(void.len(), 1, "{v:#}");
    assert_eq!(void[0]["seq"], refused);
    assert_eq!(void[0]["kind"], "verification");
    assert_eq!(void[0]["rule"], "signer.role");
    assert_eq!(void[0]["reason"], rule);

    // The entry after the refused one counts; the ledger is usable again.
    assert_eq!(s.status("deadlock")["status"], "verified");
    s.verify("chloe", "wasiq-led", "true");
    // A plain reindex later keeps it usable: the entries voided before are
    // voided again (and listed), no others.
    let r = s.run(&["reindex", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["void"].as_array().unwrap().len(), 1);

    // Audit still reports the refused entry (the log really holds it), and
    // nothing else: the index agrees with the replay.
    let r = s.run(&["audit", "--json"]);
    assert_eq!(r.code, 3);
    let v = r.json();
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{v:#}");
    assert_eq!(problems[0]["entry"], refused);
    assert_eq!(problems[0]["rule"], "signer.role");
    assert_eq!(problems[0]["what"], rule);
}

#[test]
fn reindex_with_a_wrong_operator_key_is_refused_and_leaves_the_index() {
    let s = Seeded::new();
    edit(&s, "CREATE TABLE marker (x)");
    let before = ledger_files(&s.ledger());
    let r = s.refused(
        &["reindex", "--operator-key", &s.key("eda")],
        1,
        "cannot sign checkpoints of the ledger",
    );
    assert!(
        r.stderr.contains("hint: pass the ledger's operator key"),
        "{}",
        r.stderr
    );
    // Refused before anything was written: not even `hashes` was rebuilt
    // (same bytes, but a new file renamed into place).
    assert_eq!(ledger_files(&s.ledger()), before, "a refused reindex wrote");
    let conn = Connection::open(s.ledger().join("index.sqlite")).unwrap();
    let kept: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'marker'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 1, "a refused reindex removed the index");
}

#[test]
fn a_revision_row_moved_to_another_claim_is_refused() {
    let s = Seeded::new();
    let (a, b) = (
        s.claim("deadlock").to_string(),
        s.claim("wasiq-led").to_string(),
    );
    // The verdict on a would be bound to revision a (its claim.record);
    // the edited row says that revision belongs to b.
    edit(
        &s,
        &format!(
            "UPDATE revisions SET claim = (SELECT id FROM statements WHERE id_hex = '{b}'), number = 7 WHERE id = (SELECT id FROM statements WHERE id_hex = '{a}')"
        ),
    );
    s.refused(
        &["verify", &a, "--verdict", "true", "--key", &s.key("cem")],
        1,
        &format!(
            "fails the writer's check: its revisions row {} is not what the writer recorded (edited, or copied from elsewhere); nothing was written",
            &a[..12]
        ),
    );
    s.ok(&["reindex"]);
    s.ok(&["verify", &a, "--verdict", "true", "--key", &s.key("cem")]);
    s.assert_audit_clean();
}

#[test]
fn audit_names_an_index_it_cannot_read() {
    let s = Seeded::new();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(s.ledger().join(format!("index.sqlite{suffix}")));
    }
    std::fs::write(s.ledger().join("index.sqlite"), b"not a database").unwrap();
    let r = s.run(&["audit"]);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.lines().any(|l| l.starts_with("PROBLEM: cannot read ")
            && l.ends_with("to compare it with the replayed log (file is not a database); run `provledger reindex` to rebuild it from the log (nothing is lost)")),
        "{}",
        r.stdout
    );
    // For tools: the advice is a value, and `what` names no command.
    let r = s.run(&["audit", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let p = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["what"].as_str().unwrap().starts_with("cannot read "))
        .expect("the unreadable index is a problem");
    assert_eq!(p["advice"], "reindex");
    assert!(
        p["what"]
            .as_str()
            .unwrap()
            .ends_with("to compare it with the replayed log (file is not a database)"),
        "{p}"
    );
}

#[test]
fn audit_names_rows_missing_from_or_added_to_the_index() {
    let s = Seeded::new();
    let claim = s.claim("deadlock").to_string();
    edit(
        &s,
        &format!(
            "DELETE FROM claim_text WHERE rowid = (SELECT n FROM claims WHERE id = (SELECT id FROM statements WHERE id_hex = '{claim}'));
             INSERT INTO links (id, from_claim, to_claim, relation, seq, at, signer) VALUES (zeroblob(32), x'01', x'02', 'cites', 1, 1, x'03');"
        ),
    );
    let r = s.run(&["audit"]);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    for want in [
        "PROBLEM: index.sqlite differs from the replayed log: claim_text row rowid=",
        "is missing from the index",
        "PROBLEM: index.sqlite differs from the replayed log: links row id=000000000000 is in the index but not in the log",
        "in 2 rows; run `provledger reindex`",
    ] {
        assert!(r.stdout.contains(want), "{want:?}:\n{}", r.stdout);
    }
    s.ok(&["reindex"]);
    s.assert_audit_clean();
}

/// Audit replays without the search index (it decides nothing), but
/// compares the index's search rows with what the replayed claims imply:
/// an edited search row, which `claims --text` would answer from, is found.
#[test]
fn audit_names_an_edited_search_row() {
    let s = Seeded::new();
    let claim = s.claim("deadlock").to_string();
    edit(
        &s,
        &format!(
            "UPDATE claim_text SET proposition = 'planted words' WHERE rowid = (SELECT n FROM claims WHERE id = (SELECT id FROM statements WHERE id_hex = '{claim}'))"
        ),
    );
    let found = s.json(&["claims", "--search", "planted"]);
    assert!(found.to_string().contains(&claim), "{found}");
    let r = s.run(&["audit"]);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    let want = "PROBLEM: index.sqlite differs from the replayed log: claim_text row rowid=";
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with(want))
        .unwrap_or_else(|| panic!("{want:?}:\n{}", r.stdout));
    assert!(
        line.contains(": proposition is \"planted words\" in the index but \""),
        "{line}"
    );
    assert!(
        r.stdout.contains("in 1 row; run `provledger reindex`"),
        "{}",
        r.stdout
    );
    s.ok(&["reindex"]);
    s.assert_audit_clean();
}

#[test]
fn an_append_on_a_sealed_index_does_not_rebuild_it() {
    let s = Seeded::new();
    // A table the rebuild would not recreate marks this copy of the file.
    edit(&s, "CREATE TABLE marker (x)");
    s.ok(&args(&source_add(&s, "eda")));
    s.ok(&args(&source_add(&s, "eda")));
    let conn = Connection::open(s.ledger().join("index.sqlite")).unwrap();
    let kept: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'marker'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 1, "the append rebuilt a sealed index");
}

#[test]
fn reindex_with_a_missing_operator_key_file_is_refused() {
    let s = Seeded::new();
    let missing = s.root().join("keys/nobody.key").display().to_string();
    s.refused(
        &["reindex", "--operator-key", &missing],
        1,
        "loading the operator key that seals the index",
    );
}

#[test]
fn an_edited_article_row_is_refused() {
    let s = Seeded::new();
    edit(&s, "UPDATE articles SET retrieved_at = retrieved_at + 1");
    let add = [
        "claim",
        "add",
        "--article",
        &s.v1[..8],
        "--quote",
        "reaffirmed Kabul’s resolve to defend its sovereignty",
        "--proposition",
        "Zabihullah Mujahid reaffirmed Kabul's resolve to defend its sovereignty.",
        "--key",
        &s.key("eda"),
    ];
    s.refused(
        &add,
        1,
        &format!(
            "fails the writer's check: its articles row {} is not what the writer recorded",
            &s.v1[..12]
        ),
    );
    s.ok(&["reindex"]);
    s.ok(&add);
    s.assert_audit_clean();
}

#[test]
fn an_undecodable_entry_is_voided_too_and_the_rest_of_the_log_is_checked() {
    let s = Seeded::new();
    let operator = key(s.ledger().join("private/operator.key").to_str().unwrap());
    let mut w = Log::open_writer(s.ledger(), Some(std::time::Duration::from_secs(30))).unwrap();
    let bad = w
        .append(
            &[b"not a COSE_Sign1".to_vec()],
            s.now(),
            &operator.note_signer(),
        )
        .unwrap()[0];
    drop(w);
    let claim = s.claim("deadlock").to_string();
    force(&s, &key(&s.key("cem")), verdict(&claim, Verdict::True));

    // Until then, readers stop at it, and the advice is a hint.
    let r = s.run(&["claims"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut lines = r.stderr.lines();
    assert!(
        lines.next().unwrap().starts_with(&format!(
            "provledger: error: entry {bad}: statement is not canonical CBOR"
        )),
        "{}",
        r.stderr
    );
    assert_eq!(
        lines.next(),
        Some("hint: run `provledger audit` to see everything that is wrong"),
        "{}",
        r.stderr
    );

    let r = s.run(&["reindex", "--skip-refused", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "void: entry {bad} (undecodable) is refused and was applied as nothing: "
        )),
        "{}",
        r.stderr
    );
    let v = r.json();
    assert_schema("reindex.schema.json", &v);
    assert_eq!(v["void"][0]["seq"], bad);
    assert_eq!(v["void"][0]["kind"], serde_json::Value::Null);
    assert_eq!(v["void"][0]["rule"], "entry.undecodable");
    assert_eq!(s.status("deadlock")["status"], "verified");

    let v = s.run(&["audit", "--json"]).json();
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{v:#}");
    assert_eq!(problems[0]["entry"], bad);
    assert!(
        problems[0]["what"]
            .as_str()
            .unwrap()
            .starts_with("statement: "),
        "{v:#}"
    );
}

/// Every file of the ledger (the lock and SQLite's own `-wal` and `-shm`
/// left out) with the digest of its bytes and its inode, so that a file
/// replaced by an identical one shows.
fn ledger_files(dir: &Path) -> Vec<(std::path::PathBuf, String, u64)> {
    use std::os::unix::fs::MetadataExt;
    crate::common::walk(dir, |rel| {
        ["lock", "index.sqlite-wal", "index.sqlite-shm"].contains(&rel)
    })
    .into_iter()
    .map(|(_, p)| {
        let digest = Digest::of(&std::fs::read(&p).unwrap()).to_hex();
        let ino = std::fs::symlink_metadata(&p).unwrap().ino();
        (p, digest, ino)
    })
    .collect()
}

#[test]
fn an_index_ahead_of_the_log_is_reported_by_audit_not_passed_over() {
    let s = Seeded::new();
    let size = s.run(&["audit", "--json"]).json()["size"].as_u64().unwrap();
    // Bumping `applied` past the log once hid every other edit from audit.
    edit(
        &s,
        "UPDATE keys SET roles = 'editor' WHERE name = 'cem';
         UPDATE meta SET v = v + 5 WHERE k = 'applied';",
    );
    let before = ledger_files(&s.ledger());
    let r = s.run(&["audit"]);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    let want = format!(
        "PROBLEM: index.sqlite says it has applied {} entries, but the log has only {size} (it was edited, or belongs to another ledger); run `provledger reindex` to rebuild it from the log (nothing is lost)",
        size + 5
    );
    assert!(r.stdout.contains(&want), "{want:?}:\n{}", r.stdout);
    assert_eq!(ledger_files(&s.ledger()), before, "audit wrote");
    s.ok(&["reindex"]);
    s.assert_audit_clean();
}

#[test]
fn an_index_of_another_schema_version_says_so_and_leaves_the_hint_to_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("index.sqlite");
    drop(provledger::state::State::open(&path).unwrap());
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    let e = provledger::state::State::open(&path).err().unwrap();
    assert_eq!(
        e.to_string(),
        format!(
            "index database was built by another provledger version (schema 999, want {})",
            provledger::state::SCHEMA_VERSION
        )
    );
}

/// The index's schema version, as SQLite keeps it.
fn user_version(s: &Seeded) -> i64 {
    Connection::open(s.ledger().join("index.sqlite"))
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap()
}

#[test]
fn a_reader_leaves_an_index_of_another_schema_version_as_it_is_and_still_answers() {
    let s = Seeded::new();
    s.verify("cem", "deadlock", "true");
    let claims = s.json(&["claims"]);
    let claim = s.claim("deadlock").to_string();
    let status = s.json(&["status", &claim]);
    let history = s.json(&["history", &claim]);
    edit(&s, "PRAGMA user_version = 2");
    let index = s.ledger().join("index.sqlite");
    let before = std::fs::read(&index).unwrap();
    // Readers answer from the log replayed in memory, as a fresh index would.
    assert_eq!(s.json(&["claims"]), claims);
    assert_eq!(s.json(&["status", &claim]), status);
    assert_eq!(s.json(&["history", &claim]), history);
    s.ok(&["article", "list"]);
    assert!(
        std::fs::read(&index).unwrap() == before,
        "a reader wrote to an index of another schema version"
    );
    assert_eq!(user_version(&s), 2);
    // Only the writer rebuilds it.
    s.ok(&args(&source_add(&s, "eda")));
    assert_eq!(user_version(&s), provledger::state::SCHEMA_VERSION);
    assert_eq!(s.json(&["claims"]), claims);
    s.assert_audit_clean();
}

#[test]
fn a_reader_answers_from_the_log_when_the_index_is_not_a_database_and_leaves_it() {
    let s = Seeded::new();
    let claims = s.json(&["claims"]);
    let index = s.ledger().join("index.sqlite");
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(s.ledger().join(format!("index.sqlite{suffix}")));
    }
    std::fs::write(&index, b"this is not an SQLite database, just bytes").unwrap();
    assert_eq!(s.json(&["claims"]), claims);
    s.ok(&["key", "list"]);
    assert_eq!(
        std::fs::read(&index).unwrap(),
        b"this is not an SQLite database, just bytes"
    );
    s.ok(&["reindex"]);
    assert_eq!(s.json(&["claims"]), claims);
    s.assert_audit_clean();
}

#[test]
fn an_index_failure_while_applying_keeps_its_cause_and_is_not_called_a_refusal() {
    // Any SQLite failure inside the rules' apply (here a trigger; in life
    // an I/O error) is the index's, said with SQLite's own words, not a
    // refusal signed by the key.
    let s = Seeded::new();
    edit(
        &s,
        "CREATE TRIGGER boom BEFORE INSERT ON sources BEGIN SELECT RAISE(FAIL, 'disk I/O boom'); END",
    );
    let sources = s.json(&["source", "list"]);
    let out = s
        .refused(
            &args(&source_add(&s, "eda")),
            1,
            "index database: disk I/O boom",
        )
        .error(1, "index database: disk I/O boom");
    assert!(!out.stderr.contains("signed with key"), "{out}");
    assert!(!out.stderr.contains("refused"), "{out}");
    assert_eq!(s.json(&["source", "list"]), sources);
    // Nor in an import, which names an entry only for a refusal.
    edit(
        &s,
        "CREATE TRIGGER boom2 BEFORE INSERT ON claims BEGIN SELECT RAISE(FAIL, 'disk I/O boom'); END",
    );
    let file = s.root().join("one.json");
    std::fs::write(
        &file,
        r#"{"claims": [{"ref": "a", "proposition": "The talks failed again", "exact": "ending in deadlock"}]}"#,
    )
    .unwrap();
    let eda = s.key("eda");
    let import = [
        "claim",
        "import",
        file.to_str().unwrap(),
        "--article",
        &s.v1,
        "--key",
        &eda,
    ];
    s.refused(&import, 1, "")
        .error(1, "index database: disk I/O boom");
}

#[test]
fn a_writer_on_an_index_that_is_not_a_database_names_it_and_says_reindex() {
    let s = Seeded::new();
    let index = s.ledger().join("index.sqlite");
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(s.ledger().join(format!("index.sqlite{suffix}")));
    }
    std::fs::write(&index, b"this is not an SQLite database, just bytes").unwrap();
    let msg = format!(
        "the index {} cannot be read as a database: file is not a database",
        index.display()
    );
    let out = s
        .refused(&args(&source_add(&s, "eda")), 1, &msg)
        .error(1, &msg);
    assert!(out.stderr.contains(HINT), "{out}");
    assert_eq!(
        std::fs::read(&index).unwrap(),
        b"this is not an SQLite database, just bytes"
    );
    s.ok(&["reindex"]);
    s.ok(&args(&source_add(&s, "eda")));
}

#[test]
fn an_altered_entry_stops_the_append_and_the_hint_says_audit_and_restore() {
    let s = Seeded::new();
    let bundles = s.ledger().join("tile/entries/000.p");
    let bundle = std::fs::read_dir(&bundles)
        .unwrap()
        .map(|e| e.unwrap().path())
        .next()
        .unwrap();
    let mut bytes = std::fs::read(&bundle).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&bundle, &bytes).unwrap();
    let r = s.refused(&args(&source_add(&s, "eda")), 1, "");
    let first = r.stderr.lines().next().unwrap();
    assert!(
        first.starts_with(&format!(
            "provledger: error: {} is damaged: entry ",
            bundle.display()
        )) && first.ends_with(
            " is not the entry the signed checkpoint covers (its leaf hash differs): the entry was altered; nothing was appended"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr.lines().nth(1),
        Some("hint: run `provledger audit` to find the entry at fault, and restore the ledger from a copy"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_index_failure_while_catching_up_is_the_index_s_not_a_corrupt_entry() {
    // The index behind the log (a copy from before the last append), and
    // SQLite failing as it applies the missing entry: the message is the
    // index's, with SQLite's words, not "entry N" of the log.
    let s = Seeded::new();
    let index = s.ledger().join("index.sqlite");
    let behind = std::fs::read(&index).unwrap();
    s.ok(&args(&source_add(&s, "eda")));
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(s.ledger().join(format!("index.sqlite{suffix}")));
    }
    std::fs::write(&index, behind).unwrap();
    edit(
        &s,
        "CREATE TRIGGER boom BEFORE INSERT ON sources BEGIN SELECT RAISE(FAIL, 'disk I/O boom'); END",
    );
    let out = s
        .run(&["source", "list"])
        .error(1, "index database: disk I/O boom");
    assert!(!out.stderr.contains("entry "), "{out}");
}

#[test]
fn a_status_that_cannot_be_written_at_commit_undoes_the_catch_up() {
    // The index behind the log by one verdict, and SQLite refusing the
    // claim's new status when the batch commits: the catch-up is undone
    // whole, the error is the index's, and once SQLite writes again the
    // next command catches up and answers with the verdict counted.
    let s = Seeded::new();
    let claim = s.claim("deadlock").to_string();
    let index = s.ledger().join("index.sqlite");
    let behind = std::fs::read(&index).unwrap();
    s.verify("cem", "deadlock", "true");
    let status = s.json(&["status", &claim]);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(s.ledger().join(format!("index.sqlite{suffix}")));
    }
    std::fs::write(&index, &behind).unwrap();
    edit(
        &s,
        "CREATE TRIGGER boom BEFORE UPDATE OF status ON claims BEGIN SELECT RAISE(FAIL, 'disk I/O boom'); END",
    );
    let with_trigger = std::fs::read(&index).unwrap();
    s.run(&["claims"]).error(1, "index database: disk I/O boom");
    assert!(
        std::fs::read(&index).unwrap() == with_trigger,
        "the failed catch-up left part of itself in the index"
    );
    edit(&s, "DROP TRIGGER boom");
    assert_eq!(s.json(&["status", &claim]), status);
}
