//! `claim drift`: each class on a ledger, the one-batch `--apply` (and
//! that claims left for the editor are not applied), `--json` against its
//! schema, and the refusals of bad input (message pinned, nothing written).

use crate::common::{assert_schema, Env, T0};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const V1: &str = "KABUL — Talks between the two delegations broke down on Tuesday, according to diplomatic sources. \
The meeting in Doha lasted four hours and ended without a statement.\n\n\
A ministry spokesperson said the government “remains committed to dialogue” despite the setback.\n\n\
Officials said 12 people were injured in a separate incident near the airport on Monday.\n\n\
Aid groups warned that winter shortages would hit remote provinces hardest this year.\n\n\
The border crossing at Torkham reopened on Wednesday after a week of closure, traders said.\n\n\
Opening hours of the crossing are 8am to 4pm.\n";

/// V1 updated: a paragraph inserted, one moved, quote marks straightened,
/// a figure corrected, one paragraph deleted, one reworded, a source
/// replaced, and a passage now in two places.
fn v2() -> String {
    V1.replace(
        "Aid groups warned that winter shortages would hit remote provinces hardest this year.\n\n",
        "",
    )
    .replace(
        "KABUL — ",
        "Aid groups warned that winter shortages would hit remote provinces hardest this year.\n\nKABUL — ",
    )
    .replace(['“', '”'], "\"")
    .replace("12 people", "14 people")
    .replace("The meeting in Doha lasted four hours and ended without a statement.", "")
    .replace(
        "The border crossing at Torkham reopened on Wednesday after a week of closure, traders said.",
        "Traders said the crossing at Torkham, shut for a week, was opened again on Wednesday.",
    )
    .replace("according to diplomatic sources", "according to a Western diplomat")
    .replace(
        "Opening hours of the crossing are 8am to 4pm.\n",
        "Schedule: Opening hours of the crossing are 8am to 4pm.\n\nA weather note: it was cold.\n\nSchedule: Opening hours of the crossing are 8am to 4pm.\n\nReporting by the Kabul bureau.\n",
    )
}

/// The claims: name, passage, source ref, cue, words quoted, and the class
/// each gets in v2.
type Claim = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
);
const CLAIMS: &[Claim] = &[
    (
        "talks",
        "Talks between the two delegations broke down on Tuesday",
        Some("diplomatic"),
        Some("according to"),
        None,
        "reattributed",
    ),
    (
        "doha",
        "The meeting in Doha lasted four hours and ended without a statement.",
        None,
        None,
        None,
        "dropped",
    ),
    (
        "dialogue",
        "the government “remains committed to dialogue” despite the setback",
        Some("ministry"),
        Some("said"),
        Some("remains committed to dialogue"),
        "unchanged",
    ),
    (
        "injured",
        "12 people were injured in a separate incident near the airport",
        Some("officials"),
        Some("said"),
        None,
        "edited",
    ),
    (
        "aid",
        "Aid groups warned that winter shortages would hit remote provinces hardest this year.",
        None,
        None,
        None,
        "moved",
    ),
    (
        "border",
        "The border crossing at Torkham reopened on Wednesday after a week of closure",
        None,
        None,
        None,
        "needs_review",
    ),
    (
        "hours",
        "Opening hours of the crossing are 8am to 4pm.",
        None,
        None,
        None,
        "ambiguous",
    ),
];

struct Drifted {
    env: Env,
    v1: String,
    v2: String,
    claims: BTreeMap<&'static str, String>,
    diplomat: String,
}

impl Drifted {
    fn new() -> Drifted {
        let env = Env::with_clock(T0);
        env.ok(&["init", "--origin", "test.example/ledger"]);
        env.granted("eda", "editor");
        env.granted("cem", "checker");
        std::fs::write(env.path("v1.txt"), V1).unwrap();
        std::fs::write(env.path("v2.txt"), v2()).unwrap();
        let v1 = env.json(&[
            "article",
            "add",
            "v1.txt",
            "--url",
            "https://news.example/talks",
            "--publisher",
            "News",
            "--title",
            "Talks",
            "--key",
            &env.key("eda"),
        ])[0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let sources = json!([
            {"ref": "diplomatic", "label": "diplomatic sources", "kind": "anonymous_group", "on_record": false, "count": "several"},
            {"ref": "ministry", "label": "A ministry spokesperson", "kind": "anonymous_person", "on_record": false, "count": "one"},
            {"ref": "officials", "label": "Officials", "kind": "anonymous_group", "on_record": false, "count": "several"},
            {"ref": "diplomat", "label": "a Western diplomat", "kind": "anonymous_person", "on_record": false, "count": "one"},
        ]);
        let claims: Vec<Value> = CLAIMS
            .iter()
            .map(|(name, exact, source, cue, quote, _)| {
                let mut c = json!({
                    "ref": name, "proposition": format!("The {name} claim."), "exact": exact,
                    "hedge": "none",
                    "mode": if quote.is_some() { "direct_quote" } else { "paraphrase" },
                });
                if let Some(s) = source {
                    c["source"] = json!(s);
                    c["cue"] = json!(cue.unwrap());
                }
                if let Some(q) = quote {
                    c["quote"] = json!(q);
                }
                c
            })
            .collect();
        std::fs::write(
            env.path("claims.json"),
            serde_json::to_string(&json!({"sources": sources, "claims": claims})).unwrap(),
        )
        .unwrap();
        let receipts = env.json(&[
            "claim",
            "import",
            "claims.json",
            "--article",
            &v1,
            "--key",
            &env.key("eda"),
        ]);
        let ids: Vec<String> = receipts
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect();
        let diplomat = ids[3].clone();
        let claims = CLAIMS
            .iter()
            .map(|c| c.0)
            .zip(ids[4..].iter().cloned())
            .collect();
        let v2 = env.json(&["article", "update", &v1, "v2.txt", "--key", &env.key("eda")])[0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        Drifted {
            env,
            v1,
            v2,
            claims,
            diplomat,
        }
    }

    /// `claim drift V1 --json ARGS`, which exits 3 (claims are left for the
    /// editor), checked against the schema.
    fn drift(&self, args: &[&str]) -> Value {
        let mut all = vec!["claim", "drift", &self.v1[..12], "--json"];
        all.extend_from_slice(args);
        let out = self
            .env
            .run(&all)
            .answer_no("3 claims are left for the editor (needs review, ambiguous or re-attributed); revise them with `provledger claim revise CLAIM --reason article_updated ...`");
        let v = out.json();
        assert_schema("claim-drift.schema.json", &v);
        v
    }

    fn class_of<'a>(&self, report: &'a Value, name: &str) -> &'a Value {
        let id = &self.claims[name];
        report["claims"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["claim"] == json!(id))
            .unwrap_or_else(|| panic!("claim {name} is not in the report"))
    }
}

#[test]
fn every_class_on_a_ledger() {
    let d = Drifted::new();
    let files = d.env.ledger_files();
    let r = d.drift(&[]);
    d.env
        .assert_unchanged(&files, "claim drift without --apply");
    assert_eq!(r["from"]["version"], 1);
    assert_eq!(r["to"]["id"], json!(d.v2));
    assert_eq!(r["applied"], Value::Null);
    for (name, .., class) in CLAIMS {
        let c = d.class_of(&r, name);
        assert_eq!(c["class"], json!(class), "{name}: {c:#}");
    }
    let counts = &r["counts"];
    for (class, n) in [
        ("unchanged", 1),
        ("moved", 1),
        ("edited", 1),
        ("needs_review", 1),
        ("ambiguous", 1),
        ("reattributed", 1),
        ("dropped", 1),
    ] {
        assert_eq!(counts[class], n, "{class}");
    }
    // The new text's characters, and the words quoted as it has them.
    let dialogue = d.class_of(&r, "dialogue");
    assert_eq!(
        dialogue["new"]["exact"],
        "the government \"remains committed to dialogue\" despite the setback"
    );
    assert_eq!(dialogue["text_changed"], true);
    assert_eq!(dialogue["new_quote"], "remains committed to dialogue");
    let injured = d.class_of(&r, "injured");
    assert_eq!(
        injured["new"]["exact"],
        "14 people were injured in a separate incident near the airport"
    );
    assert!(injured["edit_ratio"].as_f64().unwrap() <= 0.25);
    let talks = d.class_of(&r, "talks");
    assert_eq!(talks["source"]["proposed"]["id"], json!(d.diplomat));
    assert_eq!(talks["source"]["proposed"]["label"], "a Western diplomat");
    assert_eq!(
        d.class_of(&r, "hours")["candidates"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(d.class_of(&r, "doha")["new"], Value::Null);
    let review: Vec<&str> = r["for_review"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(review.len(), 3);
    for name in ["talks", "border", "hours"] {
        assert!(review.contains(&d.claims[name].as_str()), "{name}");
    }

    // The text view: every claim with its class and why, the word diff of
    // an edited passage.
    let text = d.env.run(&["claim", "drift", &d.v1]).code(3).stdout;
    assert!(text.starts_with(&format!(
        "claim drift: article {} (version 1) to {} (version 2): 7 claims\n",
        &d.v1[..12],
        &d.v2[..12]
    )));
    assert!(text.contains("unchanged 1, moved 1, edited 1, needs_review 1, ambiguous 1, reattributed 1, dropped 1"), "{text}");
    assert!(
        text.contains("diff: [-12-]{+14+} people were injured"),
        "{text}"
    );
    assert!(
        text.contains("source: now stands by it: \"a Western diplomat\" (recorded source"),
        "{text}"
    );
    assert!(
        text.contains("4 revisions would be signed with --apply"),
        "{text}"
    );
    // --to the newest names the same target.
    let same = d.drift(&["--to", &d.v2[..12]]);
    assert_eq!(same["claims"], r["claims"]);
}

#[test]
fn apply_signs_one_batch_and_leaves_the_rest_for_the_editor() {
    let d = Drifted::new();
    let env = &d.env;
    for name in ["dialogue", "injured"] {
        env.ok(&[
            "verify",
            &d.claims[name],
            "--verdict",
            "true",
            "--key",
            &env.key("cem"),
        ]);
    }
    // Behind the newest version until drift re-anchors them: `claims` and
    // `status` say so (text and JSON).
    let listed = env.json(&["claims"]);
    assert_schema("claim-list.schema.json", &listed);
    for c in listed.as_array().unwrap() {
        assert_eq!(
            (&c["behind"], &c["newest_version"]),
            (&json!(true), &json!(2)),
            "{c:#}"
        );
    }
    env.run(&["claims"])
        .ok()
        .stdout_has("[behind: newest is v2]");
    let status = env.json(&["status", &d.claims["aid"]]);
    assert_schema("status.schema.json", &status);
    assert_eq!(status["claim"]["behind"], true);
    env.run(&["status", &d.claims["aid"]])
        .ok()
        .stdout_has(&format!(
        "[behind: the article's newest version is v2; `provledger claim drift {}` re-anchors it]",
        &d.v1[..12]
    ));
    let before = env.size();
    let r = d.drift(&["--apply", "--key", &env.key("eda")]);
    let applied = r["applied"].as_array().unwrap();
    assert_eq!(applied.len(), 4, "unchanged, moved, edited, dropped");
    // One batch: consecutive entries, one checkpoint.
    for (i, a) in applied.iter().enumerate() {
        assert_eq!(a["kind"], "claim.revise");
        assert_eq!(a["seq"], before + i as u64);
        assert_eq!(a["tree_size"], before + 4);
        assert_eq!(a["checkpoint"], applied[0]["checkpoint"]);
    }
    assert_eq!(env.size(), before + 4);
    let claims = env.json(&["claims"]);
    let find = |name: &str| -> Value {
        claims
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == json!(d.claims[name]))
            .unwrap()
            .clone()
    };
    for name in ["dialogue", "injured", "aid", "doha"] {
        assert_eq!(find(name)["article"]["version"], 2, "{name} was applied");
    }
    assert_eq!(find("doha")["removed"], true);
    assert_eq!(
        find("injured")["anchor"]["exact"],
        "14 people were injured in a separate incident near the airport"
    );
    for name in ["talks", "border", "hours"] {
        assert_eq!(
            find(name)["article"]["version"],
            1,
            "{name} was not applied"
        );
        assert_eq!(find(name)["revisions"], 1);
        assert_eq!(find(name)["behind"], true);
    }
    for name in ["dialogue", "injured", "aid", "doha"] {
        assert_eq!(find(name)["behind"], false, "{name}");
    }
    // Verdicts go stale by the existing rules: the changed passage's
    // verdict does not count any more; the quote marks changed too.
    assert_eq!(find("injured")["status"], "unreviewed");
    assert_eq!(find("dialogue")["status"], "unreviewed");
    env.assert_audit_clean();

    // Again: only the claims left for the editor; nothing to apply.
    let files = env.ledger_files();
    let again = env
        .run(&["claim", "drift", &d.v1, "--apply", "--key", &env.key("eda")])
        .code(3);
    assert!(again.stderr.contains("nothing to apply: no claim is unchanged, moved, edited or dropped; nothing was written"), "{again}");
    assert!(again.stdout.contains(": 3 claims\n"), "{again}");
    env.assert_unchanged(&files, "a second drift --apply");
}

#[test]
fn apply_with_nothing_left_for_review_exits_0() {
    let env = Env::with_clock(T0);
    env.ok(&["init", "--origin", "test.example/ledger"]);
    env.granted("eda", "editor");
    std::fs::write(
        env.path("a.txt"),
        "The river rose by two metres overnight. Schools were closed.\n",
    )
    .unwrap();
    std::fs::write(
        env.path("b.txt"),
        "Update: The river rose by two metres overnight. Schools were closed.\n",
    )
    .unwrap();
    let eda = env.key("eda");
    let v1 = env.json(&[
        "article",
        "add",
        "a.txt",
        "--url",
        "https://news.example/r",
        "--publisher",
        "News",
        "--title",
        "River",
        "--key",
        &eda,
    ])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    env.ok(&[
        "claim",
        "add",
        "--article",
        &v1,
        "--quote",
        "The river rose by two metres overnight.",
        "--proposition",
        "The river rose two metres.",
        "--key",
        &eda,
    ]);
    env.ok(&["article", "update", &v1, "b.txt", "--key", &eda]);
    let out = env
        .run(&["claim", "drift", &v1, "--apply", "--key", &eda])
        .ok();
    assert!(
        out.stdout.contains("applied: 1 revision in one batch"),
        "{out}"
    );
    assert!(out.stdout.contains("unchanged 1,"), "{out}");
    env.assert_audit_clean();
}

#[test]
fn bad_input_is_refused_and_writes_nothing() {
    let d = Drifted::new();
    let env = &d.env;
    env.refused(
        &["claim", "drift", "0123456789ab"],
        4,
        "provledger: error: no article.record has an id starting with 0123456789ab",
    );
    env.refused(
        &["claim", "drift", &d.claims["aid"][..12]],
        4,
        &format!(
            "provledger: error: {} is a claim.record, not an article.record",
            &d.claims["aid"][..12]
        ),
    );
    env.refused(
        &["claim", "drift", &d.v1, "--to", "0123456789ab"],
        4,
        "provledger: error: no article.record has an id starting with 0123456789ab",
    );
    env.refused(
        &["claim", "drift", &d.v2],
        1,
        &format!(
            "provledger: error: article {} is version 2, the newest of its article: there is no newer version to re-anchor its claims in",
            &d.v2[..12]
        ),
    );
    env.refused(
        &["claim", "drift", &d.v1, "--to", &d.v1],
        1,
        &format!(
            "provledger: error: the target {0} is version 1, not newer than version 1 ({0}) whose claims would be re-anchored",
            &d.v1[..12]
        ),
    );
    env.refused(
        &["claim", "drift", &d.v1, "--apply"],
        2,
        "a claim.revise is signed with an editor's own key: pass --key NAME.key",
    );
    // An article with one version; a --to of another article.
    std::fs::write(
        env.path("other.txt"),
        "Another story entirely, with its own words.\n",
    )
    .unwrap();
    let other = env.json(&[
        "article",
        "add",
        "other.txt",
        "--url",
        "https://news.example/other",
        "--publisher",
        "News",
        "--title",
        "Other",
        "--key",
        &env.key("eda"),
    ])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    env.refused(
        &["claim", "drift", &other],
        1,
        &format!(
            "provledger: error: article {} has only one version: there is no newer version to re-anchor its claims in",
            &other[..12]
        ),
    );
    env.refused(
        &[
            "claim",
            "drift",
            &d.v1,
            "--to",
            &other,
            "--apply",
            "--key",
            &env.key("eda"),
        ],
        1,
        &format!(
            "provledger: error: the target {} is not a version of the article of {}",
            &other[..12],
            &d.v1[..12]
        ),
    );
}

#[test]
fn add_and_import_match_quotes_loosely_and_store_the_articles_characters() {
    let env = Env::with_clock(T0);
    env.ok(&["init", "--origin", "test.example/ledger"]);
    env.granted("eda", "editor");
    std::fs::write(env.path("v1.txt"), V1).unwrap();
    let eda = env.key("eda");
    let v1 = env.json(&[
        "article",
        "add",
        "v1.txt",
        "--url",
        "https://news.example/talks",
        "--publisher",
        "News",
        "--title",
        "Talks",
        "--key",
        &eda,
    ])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Straight quotes and a doubled space for the article's curly quotes.
    env.ok(&[
        "claim",
        "add",
        "--article",
        &v1,
        "--quote",
        "the government \"remains committed  to dialogue\"",
        "--proposition",
        "The government remains committed to dialogue.",
        "--key",
        &eda,
    ]);
    // In a file too.
    std::fs::write(
        env.path("claims.json"),
        r#"{"claims": [{"ref": "c", "proposition": "Aid groups warned of shortages.", "exact": "Aid groups warned that winter shortages would hit remote provinces hardest this year."}, {"ref": "d", "proposition": "Talks broke down.", "exact": "KABUL - Talks between the two delegations broke down"}]}"#,
    )
    .unwrap();
    env.ok(&[
        "claim",
        "import",
        "claims.json",
        "--article",
        &v1,
        "--key",
        &eda,
    ]);
    let claims = env.json(&["claims"]);
    let exact: Vec<&str> = claims
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["anchor"]["exact"].as_str().unwrap())
        .collect();
    assert_eq!(
        exact,
        [
            "the government “remains committed to dialogue”",
            "Aid groups warned that winter shortages would hit remote provinces hardest this year.",
            "KABUL — Talks between the two delegations broke down",
        ]
    );
    env.assert_audit_clean();
    // Still absent: the nearest passage is suggested, nothing is written.
    env.refused(
        &[
            "claim", "add", "--article", &v1, "--quote",
            "winter shortage would hit the remote provinces", "--proposition",
            "P.", "--key", &eda,
        ],
        1,
        "\"winter shortage would hit the remote provinces\" does not occur in the article text; the nearest passage is \"winter shortages would hit remote provinces\" (at position",
    );
    std::fs::write(
        env.path("bad.json"),
        r#"{"claims": [{"ref": "x", "proposition": "P.", "exact": "Officials said 13 people were injured"}]}"#,
    )
    .unwrap();
    env.refused(
        &["claim", "import", "bad.json", "--article", &v1, "--key", &eda],
        1,
        "/claims/0/exact: \"Officials said 13 people were injured\" does not occur in the article text; the nearest passage is \"Officials said 12 people were injured\"",
    );
}
