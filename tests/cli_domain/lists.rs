//! The list and show commands, in text and in JSON (checked against the
//! published schemas).

use crate::support::{assert_schema, sample, Env, Seeded};
use serde_json::Value;

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn sources_are_listed_with_kind_and_claim_counts() {
    let s = Seeded::new();
    let list = s.json(&["source", "list"]);
    assert_schema("source-list.schema.json", &list);
    let all = list.as_array().unwrap();
    assert_eq!(all.len(), 7);
    let mujahid = all.iter().find(|x| x["id"] == s.source("mujahid")).unwrap();
    assert_eq!(mujahid["kind"], "named_person");
    assert_eq!(mujahid["name"], "Zabihullah Mujahid");
    assert_eq!(mujahid["on_record"], true);
    assert_eq!(mujahid["claims"], 4);

    // One more by hand; defaults: background, count unknown.
    let out = s.json(&[
        "source",
        "add",
        "--label",
        "a senior Qatari official",
        "--kind",
        "anonymous_person",
        "--affiliation",
        "Qatari government",
        "--key",
        &s.key("eda"),
    ]);
    assert_eq!(out[0]["kind"], "source.record");
    let list = s.json(&["source", "list"]);
    let added = &list[7];
    assert_eq!(added["label"], "a senior Qatari official");
    assert_eq!(added["on_record"], false);
    assert_eq!(added["count"], "one");
    assert_eq!(added["claims"], 0);

    let text = s.ok(&["source", "list"]);
    assert!(text.lines().next().unwrap().starts_with("SOURCE"), "{text}");
    assert!(
        text.contains(&format!("{}  named person", &s.source("mujahid")[..12])),
        "{text}"
    );
    assert!(text.contains("background"), "{text}");
}

#[test]
fn articles_are_listed_and_shown() {
    let s = Seeded::new();
    let list = s.json(&["article", "list"]);
    assert_schema("article-list.schema.json", &list);
    assert_eq!(list[0]["chain"], s.v1.as_str());
    assert_eq!(list[0]["claims"], 15);
    let v = &list[0]["versions"][0];
    let text = std::fs::read(sample("article-v1.txt")).unwrap();
    assert_eq!(v["length"], text.len() as u64);
    assert_eq!(v["published_at"], 1_762_581_600);
    assert_eq!(v["signer"]["key"], "eda");

    let show = s.json(&["article", "show", &s.v1[..12]]);
    assert_schema("article-show.schema.json", &show);
    assert_eq!(show["article"]["version"], 1);
    assert_eq!(show["claims"].as_array().unwrap().len(), 15);
    assert!(show.get("text").is_none());
    let show = s.json(&["article", "show", &s.v1[..12], "--text"]);
    assert_schema("article-show.schema.json", &show);
    assert_eq!(show["text"].as_str().unwrap().as_bytes(), text.as_slice());

    // --text alone prints the exact bytes, so the file can be restored.
    let out = s.ok(&["article", "show", &s.v1, "--text"]);
    assert_eq!(out.as_bytes(), text.as_slice());

    let out = s.ok(&["article", "show", &s.v1]);
    assert!(
        out.contains("Afghan-Pakistan negotiations fail in Istanbul"),
        "{out}"
    );
    assert!(out.contains("version 1 of 1"), "{out}");
    assert!(out.contains("claims (15)"), "{out}");
    let out = s.ok(&["article", "list"]);
    assert!(out.contains("1 version · 15 claims"), "{out}");
}

#[test]
fn claims_are_filtered() {
    let s = Seeded::new();
    let all = s.json(&["claims"]);
    assert_schema("claim-list.schema.json", &all);
    assert_eq!(all.as_array().unwrap().len(), 15);

    let by_source = s.json(&["claims", "--source", &s.source("mujahid")[..10]]);
    assert_schema("claim-list.schema.json", &by_source);
    assert_eq!(
        ids(&by_source),
        vec![
            s.claim("mujahid-thanked"),
            s.claim("mujahid-accused"),
            s.claim("mujahid-soil"),
            s.claim("mujahid-sovereignty")
        ]
    );
    // A relay counts as the claim's source for the filter.
    let relayed = s.json(&["claims", "--source", s.source("sunday-guardian-earlier")]);
    assert_eq!(ids(&relayed), vec![s.claim("phone-call")]);

    s.verify("cem", "malik-led", "false");
    let refuted = s.json(&["claims", "--status", "refuted"]);
    assert_eq!(ids(&refuted), vec![s.claim("malik-led")]);

    let found = s.json(&["claims", "--search", "ISI director"]);
    assert_eq!(ids(&found), vec![s.claim("malik-led")]);
    // Diacritics and case are ignored; every word must occur.
    let found = s.json(&["claims", "--search", "turkiye QATAR"]);
    assert_eq!(
        ids(&found),
        vec![s.claim("deadlock"), s.claim("mujahid-thanked")]
    );
    let found = s.json(&["claims", "--search", "turkiye geneva"]);
    assert!(found.as_array().unwrap().is_empty());

    let limited = s.json(&["claims", "--article", &s.v1[..8], "--limit", "2"]);
    assert_eq!(
        ids(&limited),
        vec![s.claim("deadlock"), s.claim("wasiq-led")]
    );

    let text = s.ok(&["claims", "--status", "refuted"]);
    assert!(text.contains(&s.claim("malik-led")[..12]), "{text}");
    assert!(text.contains("refuted"), "{text}");
    let r = s.run(&["claims", "--search", "nothing-matches-this"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.is_empty() && r.stderr.contains("no claims match"));
}

#[test]
fn empty_ledger_lists_are_empty() {
    let env = Env::new();
    env.ok(&["init"]);
    for args in [
        &["source", "list"][..],
        &["article", "list"][..],
        &["claims"][..],
    ] {
        let v = env.json(args);
        assert_eq!(v, Value::Array(vec![]), "{args:?}");
    }
}

#[test]
fn the_sample_import_file_follows_its_schema() {
    let sample_file: Value =
        serde_json::from_str(&std::fs::read_to_string(sample("claims-v1.json")).unwrap()).unwrap();
    assert_schema("claim-import.schema.json", &sample_file);
}

#[test]
fn verify_help_shows_both_forms() {
    let env = Env::new();
    let help = env.ok(&["verify", "--help"]);
    assert!(
        help.contains("provledger verify [OPTIONS] --verdict <VERDICT> --key <NAME.key> <CLAIM>"),
        "{help}"
    );
    assert!(
        help.contains(
            "provledger verify withdraw [OPTIONS] --reason <REASON> --key <NAME.key> <VERIFICATION>"
        ),
        "{help}"
    );
}
