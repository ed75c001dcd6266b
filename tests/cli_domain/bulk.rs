//! `status` for tools, in bulk (issue 10 §5): several ids, `--article`,
//! `--require` with a set or a negation, their exit codes, messages and
//! JSON (schemas/status-list.schema.json); and the checkers' worklists of
//! `claims` (`--stale`, `--unjudged-by`, `--checker`).

use crate::support::{assert_schema, Seeded};
use serde_json::Value;

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s["claim"]["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn several_ids_and_an_article_give_a_list_in_order() {
    let s = Seeded::new();
    s.verify("cem", "deadlock", "true");
    s.verify("cem", "wasiq-led", "false");
    let (a, b) = (s.claim("deadlock"), s.claim("wasiq-led"));

    // Several ids: an array in the order given, each once.
    let v = s.json(&["status", &b[..10], a, &b[..12]]);
    assert_schema("status-list.schema.json", &v);
    assert_eq!(ids(&v), [b, a]);
    assert_eq!(v[0]["status"], "refuted");
    assert_eq!(v[1]["status"], "verified");
    // Each item is what `status ID --json` prints for that claim.
    let one = s.status("deadlock");
    assert_eq!(v[1], one, "one claim's item is its status object");
    assert!(one.is_object(), "one id keeps the single object");

    // --article: every claim of the article, oldest first, after the ids.
    let v = s.json(&["status", b, "--article", &s.v1[..10]]);
    assert_schema("status-list.schema.json", &v);
    let got = ids(&v);
    assert_eq!(got.len(), s.claims.len(), "each claim once");
    assert_eq!(got[0], b);
    let listed: Vec<String> = s
        .json(&["claims", "--article", &s.v1])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .filter(|id| id != b)
        .collect();
    assert_eq!(got[1..], listed[..]);
    // An article alone is a list too, even of one claim.
    assert!(s.json(&["status", "--article", &s.v1]).is_array());

    // The text form: one line per claim.
    let text = s.ok(&["status", a, b]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("ID "), "{text}");
    assert!(
        lines[1].starts_with(&format!("{}  verified      1/1", &a[..12])),
        "{text}"
    );
    assert!(
        lines[2].starts_with(&format!("{}  refuted       1/1", &b[..12])),
        "{text}"
    );
}

#[test]
fn require_takes_a_set_or_a_negation_and_names_every_claim_that_fails() {
    let s = Seeded::new();
    s.verify("cem", "deadlock", "true");
    s.verify("cem", "wasiq-led", "false");
    s.verify("cem", "malik-led", "unverifiable");
    let (a, b, c) = (
        s.claim("deadlock"),
        s.claim("wasiq-led"),
        s.claim("malik-led"),
    );
    // A set: both in it.
    let r = s.run(&["status", a, c, "--require", "verified,unverifiable"]);
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stderr.is_empty(), "{r}");
    // A set: one outside it, named; the list still printed.
    let r = s.run(&[
        "status",
        a,
        b,
        c,
        "--json",
        "--require",
        "verified,unverifiable",
    ]);
    assert_eq!(r.code, 3, "{r}");
    assert_eq!(ids(&r.json()).len(), 3);
    assert_eq!(
        r.stderr,
        format!(
            "provledger: claim {} is refuted, not verified or unverifiable as required\n",
            &b[..12]
        )
    );
    // A negation.
    let r = s.run(&["status", a, c, "--require", "not:refuted,disputed"]);
    assert_eq!(r.code, 0, "{r}");
    let r = s.run(&["status", a, b, "--require", "not:refuted"]);
    assert_eq!(r.code, 3, "{r}");
    assert_eq!(
        r.stderr,
        format!(
            "provledger: claim {} is refuted, which --require not:refuted excludes\n",
            &b[..12]
        )
    );
    // Every failing claim of an article, one line each.
    let r = s.run(&["status", "--article", &s.v1, "--require", "verified"]);
    assert_eq!(r.code, 3, "{r}");
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), s.claims.len() - 1, "{r}");
    assert!(
        lines.iter().all(|l| l.starts_with("provledger: claim ")),
        "{r}"
    );
    assert!(
        !r.stderr.contains(&a[..12]),
        "the verified claim is not named: {r}"
    );
    assert!(r.stderr.contains(&format!(
        "provledger: claim {} is unverifiable, not verified as required",
        &c[..12]
    )));

    // Malformed sets are usage errors that name what is wrong.
    for (set, msg) in [
        ("verified,,refuted", "names an empty status"),
        ("not:", "names an empty status"),
        ("verified,true", "unknown status 'true'"),
        (
            "not:retracted,verified,refuted,disputed,unverifiable,in_review,unreviewed",
            "excludes every status: no claim could meet it",
        ),
    ] {
        s.refused(&["status", a, "--require", set], 2, msg);
    }
}

#[test]
fn bulk_status_fails_whole_on_an_unknown_id_or_article() {
    let s = Seeded::new();
    let a = s.claim("deadlock");
    // An unknown claim among several: exit 4, nothing printed.
    s.refused(
        &["status", a, "0123456789abcdef", "--json"],
        4,
        "no claim.record has an id starting with 0123456789abcdef",
    );
    // --article with a claim id.
    s.refused(
        &["status", "--article", &a[..12]],
        4,
        "is a claim.record, not an article.record",
    );
    // Neither ids nor --article.
    s.refused(&["status"], 2, "CLAIM");
    // An article without claims: an empty list, and no claim can meet a
    // requirement.
    let bare = s.json(&[
        "article",
        "add",
        crate::support::sample("article-v1.txt").to_str().unwrap(),
        "--url",
        "https://example.com/other",
        "--publisher",
        "Other",
        "--title",
        "Other",
        "--key",
        &s.key("eda"),
    ]);
    let other = bare[0]["id"].as_str().unwrap().to_string();
    let v = s.json(&["status", "--article", &other]);
    assert_eq!(v, serde_json::json!([]));
    assert_schema("status-list.schema.json", &v);
    let r = s.run(&["status", "--article", &other, "--require", "verified"]);
    assert_eq!(r.code, 3, "{r}");
    assert_eq!(
        r.stderr,
        format!(
            "no claims\nprovledger: article {} has no claims: none is verified as required\n",
            &other[..12]
        )
    );
}

fn listed(s: &Seeded, args: &[&str]) -> Vec<String> {
    let mut all = vec!["claims"];
    all.extend_from_slice(args);
    let v = s.json(&all);
    assert_schema("claim-list.schema.json", &v);
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn checkers_worklists_stale_unjudged_and_by_checker() {
    let s = Seeded::new();
    s.verify("cem", "deadlock", "true");
    s.verify("cem", "wasiq-led", "true");
    s.verify("chloe", "wasiq-led", "true");
    let withdrawn = s.verify("chloe", "malik-led", "false");
    s.ok(&[
        "verify",
        "withdraw",
        &withdrawn[..12],
        "--reason",
        "wrong claim",
        "--key",
        &s.key("chloe"),
    ]);
    let (deadlock, wasiq, malik) = (
        s.claim("deadlock").to_string(),
        s.claim("wasiq-led").to_string(),
        s.claim("malik-led").to_string(),
    );
    assert!(listed(&s, &["--stale"]).is_empty(), "nothing stale yet");

    // Re-attributing wasiq-led makes both its verdicts stale.
    s.revise(
        "wasiq-led",
        &[
            "--source",
            &s.source("afghan-officials")[..12],
            "--reason",
            "error",
        ],
    );
    assert_eq!(s.status("wasiq-led")["tally"]["stale"], 2);
    assert_eq!(listed(&s, &["--stale"]), [wasiq.as_str()]);
    // The same claim is listed as `status` would find it stale, and a
    // fresh verdict on the new text takes it off cem's list, not the
    // stale list (chloe's is still stale).
    s.verify("cem", "wasiq-led", "true");
    assert_eq!(listed(&s, &["--stale"]), [wasiq.as_str()]);
    // With --checker, only that checker's stale verdicts.
    assert!(listed(&s, &["--stale", "--checker", "cem"]).is_empty());
    assert_eq!(
        listed(&s, &["--stale", "--checker", "chloe"]),
        [wasiq.as_str()]
    );
    s.verify("chloe", "wasiq-led", "mostly_true");
    assert!(listed(&s, &["--stale"]).is_empty());

    // --checker: claims with a verdict by the key, not withdrawn; by name,
    // by .pub file and by kid prefix alike.
    // The kid as `status --json` shows a checker's: the hex public key.
    let kid = s.status("wasiq-led")["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["checker"]["key"] == "chloe")
        .map(|v| v["checker"]["pubkey"].as_str().unwrap().to_string())
        .expect("chloe's verdict");
    let chloe_pub = s.path("keys/chloe.pub").display().to_string();
    for who in ["chloe", chloe_pub.as_str(), &kid[..10]] {
        assert_eq!(listed(&s, &["--checker", who]), [wasiq.as_str()], "{who}");
    }
    assert_eq!(
        listed(&s, &["--checker", "cem"]),
        [deadlock.as_str(), wasiq.as_str()]
    );

    // --unjudged-by: every other claim; the withdrawn verdict leaves
    // malik-led on chloe's list.
    let all = listed(&s, &[]);
    let chloe_todo = listed(&s, &["--unjudged-by", "chloe"]);
    assert_eq!(chloe_todo.len(), all.len() - 1);
    assert!(chloe_todo.contains(&malik) && !chloe_todo.contains(&wasiq));
    // A stale verdict puts the claim back on its checker's list.
    s.revise(
        "deadlock",
        &[
            "--proposition",
            "The talks ended without agreement.",
            "--reason",
            "error",
        ],
    );
    let cem_todo = listed(&s, &["--unjudged-by", "cem"]);
    assert!(cem_todo.contains(&deadlock) && !cem_todo.contains(&wasiq));
    assert_eq!(cem_todo.len(), all.len() - 1);
    // A retracted claim is no one's work.
    s.ok(&[
        "claim",
        "retract",
        &malik,
        "--reason",
        "not in the article",
        "--key",
        &s.key("eda"),
    ]);
    assert!(!listed(&s, &["--unjudged-by", "chloe"]).contains(&malik));
    // Filters combine, and --limit counts what the worklist keeps.
    assert_eq!(
        listed(&s, &["--stale", "--checker", "cem"]),
        [deadlock.as_str()]
    );
    assert_eq!(
        listed(&s, &["--unjudged-by", "cem", "--limit", "2"]).len(),
        2
    );
    assert_eq!(
        listed(&s, &["--unjudged-by", "cem", "--limit", "1"]),
        cem_todo[..1]
    );

    // Keys that name nothing: exit 4, said.
    s.refused(
        &["claims", "--checker", "nobody"],
        4,
        "no granted key is named 'nobody' or has a kid starting with it, and no key file 'nobody' exists",
    );
    let (_, stranger) = s.keygen("stranger");
    s.refused(
        &["claims", "--unjudged-by", stranger.to_str().unwrap()],
        4,
        "is not a granted key of this ledger",
    );
}
