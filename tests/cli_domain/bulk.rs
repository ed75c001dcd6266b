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
    assert!(lines[1].starts_with(&format!("{}  verified      1/1", &a[..12])), "{text}");
    assert!(lines[2].starts_with(&format!("{}  refuted       1/1", &b[..12])), "{text}");
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
    assert!(lines.iter().all(|l| l.starts_with("provledger: claim ")), "{r}");
    assert!(!r.stderr.contains(&a[..12]), "the verified claim is not named: {r}");
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
