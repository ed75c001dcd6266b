//! Issue 10's trust rules from the command line: link withdrawal, key
//! retirement and compromise, key updates, self-review, anonymous sources
//! with identity commitments, same/distinct person, source merge.

/// The statement kinds the committed sample ledger does not hold yet;
/// `schemas::every_sample_ledger_statement_validates` leaves them to the
/// tests here.
pub const KINDS_NOT_IN_SAMPLE: &[&str] = &[
    "claim.link.withdraw",
    "key.update",
    "source.identity",
    "source.relate",
    "source.merge",
];

use crate::common::{assert_schema, files_under};
use crate::support::Seeded;
use serde_json::Value;

/// The id of the last entry's statement.
fn last_id(s: &Seeded) -> String {
    let log = s.json(&["log"]);
    log.as_array().unwrap().last().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// `--identity-file` keeps the identity out of the process list: its first
/// line is the identity, and an empty file is refused with nothing written.
#[test]
fn an_identity_file_is_read_and_an_empty_one_refused() {
    let s = Seeded::new();
    let eda = s.key("eda");
    let kabul = s.source("kabul-source").to_string();
    std::fs::write(s.path("empty.txt"), "\n").unwrap();
    let empty = s.path("empty.txt").display().to_string();
    let out = s.path("k.opening.json").display().to_string();
    let vouch = |file: &str| {
        vec![
            "source".to_string(),
            "vouch".into(),
            kabul[..12].to_string(),
            "--identity-file".into(),
            file.to_string(),
            "--opening-out".into(),
            out.clone(),
            "--key".into(),
            eda.clone(),
        ]
    };
    s.refused(
        &vouch(&empty),
        1,
        &format!("{empty} holds no identity (its first line is empty)"),
    );
    assert!(!s.path("k.opening.json").exists());
    std::fs::write(s.path("who.txt"), "Nobody Example, aide\nnotes\n").unwrap();
    let who = s.path("who.txt").display().to_string();
    s.run(&vouch(&who)).ok();
    let checked = s.json(&["source", "check-opening", &out]);
    assert_eq!(checked["identity"], "Nobody Example, aide");
}

/// An identity that looks like a subcommand word (lowercase, one word) is
/// not in the lock file either: the lock records subcommand names, never
/// arguments.
#[test]
fn a_one_word_identity_is_not_in_the_lock_file() {
    let s = Seeded::new();
    let eda = s.key("eda");
    let kabul = s.source("kabul-source").to_string();
    let out = s.path("k.opening.json").display().to_string();
    s.run(&[
        "source",
        "vouch",
        &kabul[..12],
        "--identity",
        "khalid-rahimi",
        "--opening-out",
        &out,
        "--key",
        &eda,
    ])
    .ok();
    let lock = std::fs::read_to_string(s.ledger().join("lock")).unwrap();
    assert!(lock.contains("command provledger source vouch\n"), "{lock}");
    for (path, bytes) in files_under(&s.ledger(), |_| false) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("khalid-rahimi"),
            "{path} holds the identity"
        );
    }
}

#[test]
fn an_opening_checks_against_the_ledger_and_the_identity_is_never_in_it() {
    let s = Seeded::new();
    let eda = s.key("eda");
    let kabul = s.source("kabul-source").to_string();
    let identity = "Mullah Example Nobody, deputy minister";
    let opening = s.path("kabul.opening.json");
    let out = s.path("kabul.opening.json").display().to_string();
    s.run(&[
        "source",
        "vouch",
        &kabul[..12],
        "--identity",
        identity,
        "--opening-out",
        &out,
        "--key",
        &eda,
    ])
    .ok()
    .stdout_has("source.identity ");
    let file_text = std::fs::read_to_string(&opening).unwrap();
    let file: Value = serde_json::from_str(&file_text).unwrap();
    assert_schema("source-opening.schema.json", &file);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&opening).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the opening is the newsroom's secret");
    }
    // Neither the identity nor the salt is in any file of the ledger
    // directory, the index included.
    let salt = file["salt"].as_str().unwrap().to_string();
    for (path, bytes) in files_under(&s.ledger(), |_| false) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(identity), "{path} holds the identity");
        assert!(
            !text.contains("Mullah Example"),
            "{path} holds part of the identity"
        );
        assert!(!text.contains(&salt), "{path} holds the salt");
        let raw_salt = hex::decode(&salt).unwrap();
        assert!(
            !bytes
                .windows(raw_salt.len())
                .any(|w| w == raw_salt.as_slice()),
            "{path} holds the salt's bytes"
        );
    }
    // The statement holds the commitment, which the opening recomputes.
    let shown = s.json(&["show", &last_id(&s)]);
    assert_schema("statement.schema.json", &shown);
    assert_eq!(shown["body"]["commitment"], file["commitment"]);
    assert_eq!(
        file["commitment"].as_str().unwrap(),
        provledger::statement::identity_commitment(identity, &hex::decode(&salt).unwrap()).to_hex()
    );

    // Anyone checks it.
    let opening_path = opening.display().to_string();
    s.run(&["source", "check-opening", &opening_path])
        .ok()
        .stdout_has(&format!(
            "ok: source {} is {identity}, as Eda Editor committed in source.identity",
            &kabul[..12]
        ));
    let checked = s.json(&["source", "check-opening", &opening_path]);
    assert_schema("source-opening-check.schema.json", &checked);
    assert_eq!(checked["identity"], identity);
    assert_eq!(checked["vouched"]["source"], kabul.as_str());
    assert_eq!(checked["vouched"]["editor"]["display_name"], "Eda Editor");

    // A wrong identity, a wrong salt, another commitment: no (exit 3),
    // naming what differs; nothing written.
    let recorded = file["commitment"].as_str().unwrap().to_string();
    let write = |name: &str, edit: &dyn Fn(&mut Value)| -> String {
        let mut v = file.clone();
        edit(&mut v);
        let p = s.path(name);
        std::fs::write(&p, v.to_string()).unwrap();
        p.display().to_string()
    };
    let wrong_identity = write("wrong-identity.json", &|v| {
        v["identity"] = "Somebody Else".into()
    });
    let computed =
        provledger::statement::identity_commitment("Somebody Else", &hex::decode(&salt).unwrap())
            .to_hex();
    let before = s.ledger_files();
    let statement = checked["vouched"]["id"].as_str().unwrap();
    let seq = checked["vouched"]["seq"].as_u64().unwrap();
    s.run(&["source", "check-opening", &wrong_identity]).answer_no(&format!(
        "opening {wrong_identity} does not check out: identity and salt hash to {computed}, not to commitment {recorded} of source.identity {statement} (entry {seq}): the identity or the salt is not the one committed to"
    ));
    let wrong_salt = write("wrong-salt.json", &|v| v["salt"] = "00".repeat(32).into());
    let computed = provledger::statement::identity_commitment(identity, &[0; 32]).to_hex();
    s.run(&["source", "check-opening", &wrong_salt]).answer_no(&format!(
        "opening {wrong_salt} does not check out: identity and salt hash to {computed}, not to commitment {recorded} of source.identity {statement} (entry {seq}): the identity or the salt is not the one committed to"
    ));
    let other = "ab".repeat(32);
    let wrong_commitment = write("wrong-commitment.json", &|v| {
        v["commitment"] = other.clone().into()
    });
    s.run(&["source", "check-opening", &wrong_commitment]).answer_no(&format!(
        "opening {wrong_commitment} does not check out: the opening names commitment {other}, but the source's source.identity {statement} (entry {seq}) holds commitment {recorded}"
    ));
    let short_salt = write("short-salt.json", &|v| v["salt"] = "abcd".into());
    s.run(&["source", "check-opening", &short_salt])
        .answer_no(&format!(
        "opening {short_salt} does not check out: the salt is not 64 hex digits (32 bytes): 'abcd'"
    ));
    let diplomats = s.source("diplomatic-sources").to_string();
    let unvouched = write("unvouched.json", &|v| {
        v["source"] = diplomats.clone().into()
    });
    s.run(&["source", "check-opening", &unvouched]).answer_no(&format!(
        "opening {unvouched} does not check out: source {diplomats} has no source.identity in this ledger: no editor committed to its identity"
    ));
    let not_json = s.path("not-an-opening.json");
    std::fs::write(&not_json, "{\"source\": 1}").unwrap();
    let not_json = not_json.display().to_string();
    s.run(&["source", "check-opening", &not_json]).fails_with(
        1,
        &format!("{not_json} is not an opening (schemas/source-opening.schema.json)"),
    );
    s.assert_unchanged(&before, "check-opening");

    // Vouching again: the existing opening file is never overwritten, and
    // a refused statement leaves no opening behind.
    let before = s.ledger_files();
    s.run(&[
        "source",
        "vouch",
        &kabul[..12],
        "--identity",
        "x",
        "--opening-out",
        &out,
        "--key",
        &eda,
    ])
    .fails_with(1, "cannot write the opening to");
    assert_eq!(std::fs::read_to_string(&opening).unwrap(), file_text);
    let again = s.path("again.json");
    s.refused(
        &["source", "vouch", &kabul[..12], "--identity", "x", "--opening-out", again.to_str().unwrap(), "--key", &eda],
        1,
        &format!("source.identity refused: source {} already has an identity commitment (source.identity {})", &kabul[..12], &statement[..12]),
    );
    assert!(!again.exists(), "a refused vouch left its opening file");
    s.assert_unchanged(&before, "vouch");
    s.assert_audit_clean();
}

#[test]
fn same_person_merge_and_link_withdrawal_from_the_command_line() {
    let s = Seeded::new();
    let eda = s.key("eda");
    let cem = s.key("cem");
    let dir = |n: &str| s.path(n).display().to_string();
    let kabul = s.source("kabul-source").to_string();
    let officials = s.source("afghan-officials").to_string();
    // Relating needs both commitments.
    s.refused(
        &["source", "relate", &kabul[..12], &officials[..12], "--relation", "same_person", "--key", &eda],
        1,
        &format!("source {} has no source.identity: an editor who knows who it is records one with `provledger source vouch`", &kabul[..12]),
    );
    s.ok(&[
        "source",
        "vouch",
        &kabul[..12],
        "--identity",
        "P",
        "--opening-out",
        &dir("k.json"),
        "--key",
        &eda,
    ]);
    s.ok(&[
        "source",
        "vouch",
        &officials[..12],
        "--identity",
        "P",
        "--opening-out",
        &dir("o.json"),
        "--key",
        &eda,
    ]);
    let r = s.json(&[
        "source",
        "relate",
        &kabul[..12],
        &officials[..12],
        "--relation",
        "same_person",
        "--note",
        "one deputy minister",
        "--key",
        &eda,
    ]);
    assert_eq!(r[0]["kind"], "source.relate");
    let shown = s.json(&["show", r[0]["id"].as_str().unwrap()]);
    assert_schema("statement.schema.json", &shown);
    assert_eq!(shown["body"]["relation"], "same_person");

    // The paradoxical claim (kabul) and officials-detached (officials) are
    // one origin now: linked to the claim they corroborate, one group.
    let x = s.claim("deadlock").to_string();
    for c in ["paradoxical", "officials-detached"] {
        s.ok(&[
            "link",
            s.claim(c),
            &x,
            "--relation",
            "corroborates",
            "--key",
            &cem,
        ]);
    }
    let st = s.status("deadlock");
    let side = &st["corroboration"]["corroborating"];
    assert_eq!(side["independent_origins"], 1, "{side:#}");
    // The class is named by its first recorded source, the officials.
    let origins = &side["groups"][0]["origins"];
    assert_eq!(
        (
            origins[0]["source"]["id"].as_str(),
            origins[0]["same_as"].as_str()
        ),
        (Some(kabul.as_str()), Some(officials.as_str()))
    );
    assert_eq!(
        (origins[1]["source"]["id"].as_str(), &origins[1]["same_as"]),
        (Some(officials.as_str()), &Value::Null)
    );

    // A link withdrawn stops counting and shows in the history.
    let link = last_id(&s);
    let chloe = s.key("chloe");
    s.refused(
        &["link", "withdraw", &link[..12], "--reason", "not mine", "--key", &chloe],
        1,
        &format!("claim.link.withdraw refused: link {} was signed by Cem Checker (cem); only its signer or an editor may withdraw it", &link[..12]),
    );
    s.refused(
        &["link", "withdraw", &link[..12], "--key", &cem],
        2,
        "--reason",
    );
    s.ok(&[
        "link",
        "withdraw",
        &link[..12],
        "--reason",
        "the officials say something else",
        "--key",
        &eda,
    ]);
    let withdrawal = last_id(&s);
    assert_schema("statement.schema.json", &s.json(&["show", &withdrawal]));
    let st = s.status("deadlock");
    assert_eq!(
        st["corroboration"]["corroborating"]["groups"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let h = s.json(&["history", &x]);
    assert_schema("history.schema.json", &h);
    let l = h["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == link.as_str())
        .unwrap();
    assert_eq!(
        (l["counts"].clone(), l["withdrawal"]["reason"].clone()),
        (false.into(), "the officials say something else".into())
    );
    s.run(&["history", &x]).ok().stdout_has(&format!(
        "link withdrawn of link {} (corroborates {}) by eda (Eda Editor): the officials say something else",
        &link[..12],
        &s.claim("officials-detached")[..12]
    ));

    // source merge: two records of one spokesperson.
    let mujahid = s.source("mujahid").to_string();
    let again = s.json(&[
        "source",
        "add",
        "--label",
        "the Taliban's spokesman",
        "--kind",
        "named_person",
        "--name",
        "Zabihullah Mujahid",
        "--on-record",
        "--key",
        &eda,
    ]);
    let again = again[0]["id"].as_str().unwrap().to_string();
    s.refused(
        &[
            "source",
            "merge",
            &kabul[..12],
            &mujahid[..12],
            "--key",
            &eda,
        ],
        1,
        &format!(
            "source.merge refused: source {} is an anonymous_person source",
            &kabul[..12]
        ),
    );
    let m = s.json(&[
        "source",
        "merge",
        &again[..12],
        &mujahid[..12],
        "--note",
        "recorded twice",
        "--key",
        &eda,
    ]);
    assert_schema(
        "statement.schema.json",
        &s.json(&["show", m[0]["id"].as_str().unwrap()]),
    );
    s.refused(
        &[
            "source",
            "merge",
            &mujahid[..12],
            &again[..12],
            "--key",
            &eda,
        ],
        1,
        &format!(
            "source.merge refused: sources {} and {} are already one origin",
            &mujahid[..12],
            &again[..12]
        ),
    );
    s.assert_audit_clean();
}

#[test]
fn self_review_retired_and_compromised_keys_in_status_and_key_list() {
    let s = Seeded::new();
    let eda_pub = s.path("keys/eda.pub").display().to_string();
    let cem_pub = s.path("keys/cem.pub").display().to_string();
    let chloe_pub = s.path("keys/chloe.pub").display().to_string();
    // The editor who recorded the claims becomes a checker too (key.update).
    s.ok(&[
        "key",
        "update",
        &eda_pub,
        "--role",
        "editor",
        "--role",
        "checker",
        "--display-name",
        "Eda, editor and checker",
    ]);
    let update = last_id(&s);
    assert_schema("statement.schema.json", &s.json(&["show", &update]));
    s.refused(
        &[
            "key", "update", &eda_pub, "--role", "editor", "--role", "checker",
        ],
        1,
        "key.update refused: key eda already has that display name and those roles",
    );
    s.refused(&["key", "update", &eda_pub], 1,
        "key.update refused: a key.update changes the display name, the roles or both; it gives neither");

    // Self-review does not count: quorum 1 and still unreviewed.
    s.verify("eda", "wasiq-led", "true");
    let st = s.status("wasiq-led");
    assert_eq!(st["status"], "unreviewed");
    assert_eq!(st["verdicts"][0]["standing"], "self_review");
    assert_eq!(st["tally"]["self_review"], 1);
    s.run(&["status", s.claim("wasiq-led")])
        .ok()
        .stdout_has("self-review: not counted")
        .stdout_has("not counted: 1 self-review");
    s.run(&["status", s.claim("wasiq-led"), "--require", "verified"])
        .code(3);

    // A retired checker's verdict counts, marked; a compromised one's not.
    s.verify("cem", "deadlock", "true");
    s.verify("chloe", "phone-call", "false");
    s.ok(&[
        "key",
        "revoke",
        &cem_pub,
        "--mode",
        "retired",
        "--reason",
        "left the paper",
    ]);
    assert_schema("statement.schema.json", &s.json(&["show", &last_id(&s)]));
    s.ok(&[
        "key",
        "revoke",
        &chloe_pub,
        "--mode",
        "compromised",
        "--since-entry",
        "1",
        "--reason",
        "laptop stolen",
    ]);
    let st = s.status("deadlock");
    assert_eq!(
        (
            st["status"].as_str(),
            st["verdicts"][0]["key_state"].as_str()
        ),
        (Some("verified"), Some("retired"))
    );
    s.run(&["status", s.claim("deadlock")])
        .ok()
        .stdout_has("[key retired]");
    let st = s.status("phone-call");
    assert_eq!(
        (
            st["status"].as_str(),
            st["verdicts"][0]["standing"].as_str()
        ),
        (Some("unreviewed"), Some("revoked_key"))
    );
    s.run(&["status", s.claim("phone-call")])
        .ok()
        .stdout_has("[key revoked as compromised]");
    let keys = s.json(&["key", "list"]);
    assert_schema("key-list.schema.json", &keys);
    let modes: Vec<(Value, Value)> = keys
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["revoke_mode"].clone(), k["void_from_entry"].clone()))
        .collect();
    assert_eq!(
        modes,
        [
            (Value::Null, Value::Null),
            ("retired".into(), Value::Null),
            ("compromised".into(), 1.into())
        ]
    );
    s.run(&["key", "list"])
        .ok()
        .stdout_has("RETIRED at entry ")
        .stdout_has("(compromised: its statements from entry 1 on do not count)");
    // A retired key signs nothing until granted again; then it does.
    s.run(&[
        "verify",
        s.claim("deadlock"),
        "--verdict",
        "false",
        "--key",
        &s.key("cem"),
    ])
    .fails_with(1, "was revoked at entry");
    s.ok(&[
        "key",
        "grant",
        &cem_pub,
        "--role",
        "checker",
        "--display-name",
        "Cem, back",
    ]);
    s.verify("cem", "deadlock", "mostly_true");
    s.run(&["key", "grant", &chloe_pub, "--role", "checker"])
        .fails_with(1, "a compromised key cannot be granted again");
    s.assert_audit_clean();
}

#[test]
fn a_genesis_that_allows_self_review_counts_it() {
    let env = crate::common::Env::new();
    env.run(&["init", "--origin", "t.example/l", "--allow-self-review"])
        .ok();
    let genesis = env.json(&["show", env.json(&["log"])[0]["id"].as_str().unwrap()]);
    assert_schema("statement.schema.json", &genesis);
    assert_eq!(genesis["body"]["policy"]["allow_self_review"], true);
    let env2 = crate::common::Env::new();
    env2.run(&["init", "--origin", "t.example/l"]).ok();
    let genesis = env2.json(&["show", env2.json(&["log"])[0]["id"].as_str().unwrap()]);
    assert!(
        genesis["body"]["policy"].get("allow_self_review").is_none(),
        "false is left out"
    );
}

#[test]
fn source_add_records_anonymity_terms_and_source_list_shows_them() {
    let s = Seeded::new();
    let eda = s.key("eda");
    let r = s.json(&[
        "source",
        "add",
        "--label",
        "a senior diplomat",
        "--kind",
        "anonymous_person",
        "--anonymity-reason",
        "not authorised to brief the press",
        "--ground-rules",
        "deep_background",
        "--basis",
        "secondhand",
        "--key",
        &eda,
    ]);
    let id = r[0]["id"].as_str().unwrap().to_string();
    let shown = s.json(&["show", &id]);
    assert_schema("statement.schema.json", &shown);
    assert_eq!(
        shown["body"]["anonymity"]["ground_rules"],
        "deep_background"
    );
    // The three go together; on_the_record is refused for an anonymous source.
    s.refused(
        &[
            "source",
            "add",
            "--label",
            "x",
            "--kind",
            "anonymous_person",
            "--anonymity-reason",
            "fear",
            "--key",
            &eda,
        ],
        2,
        "--ground-rules",
    );
    s.refused(
        &["source", "add", "--label", "x", "--kind", "anonymous_person", "--anonymity-reason", "fear", "--ground-rules", "on_the_record", "--basis", "direct", "--key", &eda],
        1,
        "source.record refused: an anonymous source does not speak on_the_record; ground_rules must be background, deep_background or off_the_record",
    );
    s.refused(
        &["source", "add", "--label", "x", "--kind", "named_person", "--name", "X", "--anonymity-reason", "fear", "--ground-rules", "background", "--basis", "direct", "--key", &eda],
        1,
        "source.record refused: a named_person source is not anonymous; anonymity terms are for anonymous_person and anonymous_group sources",
    );
    s.ok(&[
        "source",
        "vouch",
        &id[..12],
        "--identity",
        "D",
        "--opening-out",
        &s.path("d.json").display().to_string(),
        "--key",
        &eda,
    ]);
    let list = s.json(&["source", "list"]);
    assert_schema("source-list.schema.json", &list);
    let mine = list
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id.as_str())
        .unwrap();
    assert_eq!(
        mine["anonymity"]["reason"],
        "not authorised to brief the press"
    );
    assert!(mine["identity_commitment"].is_string());
    assert_eq!(mine["same_as"], Value::Null);
    s.run(&["source", "list"]).ok().stdout_has(
        "anonymous because not authorised to brief the press; deep_background, secondhand knowledge, an editor knows the identity",
    );
}

#[test]
fn key_revoke_since_a_time_and_its_bad_input() {
    let s = Seeded::new();
    let cem_pub = s.path("keys/cem.pub").display().to_string();
    s.verify("cem", "deadlock", "true");
    // Seeded's clock moves a minute per command: a compromise since now
    // leaves the verdict before it counting.
    let since_secs = s.now();
    let since = provledger::time::rfc3339(since_secs);
    s.refused(
        &[
            "key",
            "revoke",
            &cem_pub,
            "--since",
            "yesterday",
            "--reason",
            "stolen",
        ],
        1,
        "'yesterday' is not an RFC 3339 time such as 2025-11-06T09:00:00Z",
    );
    s.refused(
        &[
            "key",
            "revoke",
            &cem_pub,
            "--since",
            &since,
            "--since-entry",
            "3",
            "--reason",
            "stolen",
        ],
        2,
        "cannot be used with",
    );
    s.refused(&["key", "revoke", &cem_pub, "--mode", "retired", "--since-entry", "3", "--reason", "left"], 1,
        "key.revoke refused: a retired key's statements all keep counting; since_at and since_entry are for a compromise");
    s.ok(&[
        "key",
        "revoke",
        &cem_pub,
        "--since",
        &since,
        "--reason",
        "laptop stolen today",
    ]);
    let shown = s.json(&["show", &last_id(&s)]);
    assert_schema("statement.schema.json", &shown);
    assert_eq!(
        (
            shown["body"]["mode"].as_str(),
            shown["body"]["since_at"].as_u64()
        ),
        (Some("compromised"), Some(since_secs))
    );
    let st = s.status("deadlock");
    assert_eq!(
        (
            st["status"].as_str(),
            st["verdicts"][0]["standing"].as_str(),
            st["verdicts"][0]["key_state"].as_str()
        ),
        (Some("verified"), Some("current"), Some("compromised"))
    );
    s.assert_audit_clean();
}

#[test]
fn claim_import_carries_anonymity_terms() {
    let s = Seeded::new();
    let file = s.path("anon.json");
    std::fs::write(
        &file,
        r#"{"sources": [{"ref": "dip", "label": "a Western diplomat", "kind": "anonymous_person",
            "anonymity": {"reason": "not authorised to speak", "ground_rules": "background", "basis": "direct"}}],
           "claims": [{"ref": "c", "proposition": "Turkey and Qatar mediated.", "exact": "mediation by Türkiye and Qatar",
            "source": "dip", "cue": "according to"}]}"#,
    )
    .unwrap();
    let r = s.json(&[
        "claim",
        "import",
        file.to_str().unwrap(),
        "--article",
        &s.v1[..12],
        "--key",
        &s.key("eda"),
    ]);
    let source = r[0]["id"].as_str().unwrap();
    let shown = s.json(&["show", source]);
    assert_eq!(shown["body"]["anonymity"]["ground_rules"], "background");
    let bad = s.path("bad.json");
    std::fs::write(
        &bad,
        r#"{"sources": [{"ref": "dip", "label": "a diplomat", "kind": "anonymous_person",
            "anonymity": {"reason": "x", "ground_rules": "background"}}],
           "claims": [{"ref": "c", "proposition": "P.", "exact": "mediation by Türkiye and Qatar", "source": "dip", "cue": "said"}]}"#,
    )
    .unwrap();
    s.refused(
        &[
            "claim",
            "import",
            bad.to_str().unwrap(),
            "--article",
            &s.v1[..12],
            "--key",
            &s.key("eda"),
        ],
        1,
        "/sources/0 (ref \"dip\"): missing field \"basis\"",
    );
}
