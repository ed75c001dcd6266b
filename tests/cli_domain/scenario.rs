//! The seed article's life, through the binary: verdicts, status and its
//! exit codes, corroboration, the illustrative update (a re-attributed, a
//! reworded and a dropped claim), stale verdicts, history and audit.

use crate::support::{assert_schema, Seeded};
use serde_json::Value;

fn standings(status: &Value) -> Vec<(String, String)> {
    status["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["checker"]["key"].as_str().unwrap().to_string(),
                v["standing"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn imported_claims_carry_their_attribution() {
    let s = Seeded::new();
    let st = s.status("wasiq-led");
    let a = &st["claim"]["attribution"];
    assert_eq!(a["source"]["label"], "diplomatic sources");
    assert_eq!(a["source"]["kind"], "anonymous_group");
    assert_eq!(a["cue"], "according to");
    assert_eq!(st["status"], "unreviewed");
    assert_eq!(st["quorum"], 1);

    let st = s.status("phone-call");
    let a = &st["claim"]["attribution"];
    assert_eq!(a["source"], Value::Null);
    assert_eq!(a["relayed_by"]["kind"], "media_report");
    assert_eq!(a["hedge"], "believed");

    let st = s.status("paradoxical");
    assert_eq!(st["claim"]["attribution"]["mode"], "direct_quote");
    assert_eq!(st["claim"]["attribution"]["quote"], "paradoxical");
    assert_eq!(
        st["claim"]["anchor"]["exact"],
        "One Kabul-based source called Islamabad’s stance “paradoxical,”"
    );

    // Text output reads as an attribution, with the hedge.
    let out = s.ok(&["claims"]);
    assert!(
        out.contains("according to diplomatic sources (anonymous group)"),
        "{out}"
    );
    assert!(
        out.contains(
            "as reported by The Sunday Guardian last week (media report); hedged: believed"
        ),
        "{out}"
    );
    assert!(
        out.contains("the outlet's own assertion (The Sunday Guardian); hedged: reportedly"),
        "{out}"
    );
    s.assert_audit_clean();
}

#[test]
fn status_exit_codes() {
    let s = Seeded::new();
    let claim = s.claim("mujahid-soil").to_string();
    s.verify("cem", "mujahid-soil", "true");

    let r = s.run(&["status", &claim[..10], "--require", "verified"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("verified"), "{}", r.stdout);

    // Found, not in the required state: 3, the JSON still on stdout.
    let r = s.run(&["status", &claim, "--json", "--require", "refuted"]);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_schema("status.schema.json", &v);
    assert_eq!(v["status"], "verified");
    // An answer, not an error: said once, without "error:".
    assert_eq!(
        r.stderr,
        format!(
            "provledger: claim {} is verified, not refuted as required\n",
            &claim[..12]
        ),
    );

    // Unknown claims: 4, whether the prefix names nothing or something else.
    let r = s.run(&["status", "0123456789abcdef", "--json"]);
    assert_eq!(r.code, 4, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("no claim.record has an id starting with 0123456789abcdef"),
        "{}",
        r.stderr
    );
    let r = s.run(&["status", &s.source("mujahid")[..12]]);
    assert_eq!(r.code, 4, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("is a source.record, not a claim.record"),
        "{}",
        r.stderr
    );
    let r = s.run(&["history", "0123456789abcdef"]);
    assert_eq!(r.code, 4, "{}{}", r.stdout, r.stderr);

    // A bad --require value is a usage error.
    let r = s.run(&["status", &claim, "--require", "true"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
}

#[test]
fn disagreement_withdrawal_and_retraction() {
    let s = Seeded::new();
    s.verify("cem", "deadlock", "true");
    let chloe = s.verify("chloe", "deadlock", "false");
    let st = s.status("deadlock");
    assert_eq!(st["status"], "disputed");
    assert_eq!(st["tally"]["supporting"], 1);
    assert_eq!(st["tally"]["refuting"], 1);

    // Chloe withdraws hers: cem's verdict alone verifies the claim.
    s.ok(&[
        "verify",
        "withdraw",
        &chloe[..12],
        "--reason",
        "judged the wrong round of talks",
        "--key",
        &s.key("chloe"),
    ]);
    let st = s.status("deadlock");
    assert_eq!(st["status"], "verified");
    assert_eq!(standings(&st), vec![("cem".into(), "current".into())]);
    let h = s.json(&["history", s.claim("deadlock")]);
    assert_schema("history.schema.json", &h);
    assert_eq!(h["verdicts"][1]["standing"], "withdrawn");
    let text = s.ok(&["history", s.claim("deadlock")]);
    assert!(text.contains("WITHDRAWN"), "{text}");
    assert!(
        text.contains("withdrawal of verdict") && text.contains("judged the wrong round of talks"),
        "{text}"
    );

    s.ok(&[
        "claim",
        "retract",
        s.claim("deadlock"),
        "--reason",
        "recorded twice",
        "--key",
        &s.key("eda"),
    ]);
    let st = s.status("deadlock");
    assert_eq!(st["status"], "retracted");
    let r = s.run(&["status", s.claim("deadlock"), "--require", "verified"]);
    assert_eq!(r.code, 3);
    let text = s.ok(&["history", s.claim("deadlock")]);
    assert!(
        text.contains("RETRACTED by eda (Eda Editor): recorded twice"),
        "{text}"
    );
    s.assert_audit_clean();
}

#[test]
fn evidence_is_recorded_with_the_verdict() {
    let s = Seeded::new();
    let digest = "ab".repeat(32);
    s.ok(&[
        "verify",
        s.claim("mujahid-thanked"),
        "--verdict",
        "mostly_true",
        "--evidence",
        "https://x.com/Zabehulah_M33/status/1",
        "--evidence-sha256",
        &digest,
        "--evidence-note",
        "the spokesperson's post",
        "--evidence",
        "https://example.org/video",
        "--note",
        "thanks are on the record",
        "--key",
        &s.key("cem"),
    ]);
    let st = s.status("mujahid-thanked");
    let v = &st["verdicts"][0];
    assert_eq!(v["verdict"], "mostly_true");
    assert_eq!(v["rating"], 4);
    assert_eq!(v["evidence"][0]["sha256"], digest.as_str());
    assert_eq!(v["evidence"][0]["note"], "the spokesperson's post");
    assert_eq!(v["evidence"][1]["url"], "https://example.org/video");
    assert_eq!(v["evidence"][1]["sha256"], Value::Null);
    assert_eq!(v["note"], "thanks are on the record");
    // The verdict is bound to the claim's current revision.
    assert_eq!(v["revision"], st["claim"]["revision"]);
}

#[test]
fn corroboration_counts_independent_origins() {
    let s = Seeded::new();
    let cem = s.key("cem");
    let link = |from: &str, to: &str, relation: &str| {
        s.ok(&[
            "link",
            s.claim(from),
            s.claim(to),
            "--relation",
            relation,
            "--key",
            &cem,
        ]);
    };
    // The outlet's own claim, corroborated by a named spokesperson, by an
    // anonymous group, and by two claims of one anonymous origin.
    link("mujahid-accused", "deadlock", "corroborates");
    link("officials-detached", "deadlock", "corroborates");
    link("wasiq-led", "deadlock", "corroborates");
    link("malik-led", "deadlock", "corroborates");
    let st = s.status("deadlock");
    let c = &st["corroboration"];
    assert_eq!(c["origin"]["kind"], "outlet");
    assert_eq!(c["corroborating"]["independent_origins"], 3);
    assert_eq!(c["corroborating"]["named"], 1);
    assert_eq!(c["corroborating"]["anonymous"], 2);
    assert_eq!(c["contradicting"]["independent_origins"], 0);
    let groups = c["corroborating"]["groups"].as_array().unwrap();
    let diplomatic = groups
        .iter()
        .find(|g| g["origins"][0]["source"]["label"] == "diplomatic sources")
        .unwrap();
    assert_eq!(diplomatic["claims"].as_array().unwrap().len(), 2);

    // Two claims of one origin are not independent of each other: malik-led
    // does not count for wasiq-led; deadlock (the outlet's) does.
    link("malik-led", "wasiq-led", "corroborates");
    let st = s.status("wasiq-led");
    let side = &st["corroboration"]["corroborating"];
    assert_eq!(side["independent_origins"], 1);
    assert_eq!(side["named"], 1);
    let groups = side["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    let same = groups
        .iter()
        .find(|g| g["claims"][0]["claim"] == s.claim("malik-led"))
        .unwrap();
    assert_eq!(same["independent"], false);
    assert_eq!(same["counted"], false);

    let text = s.ok(&["status", s.claim("deadlock")]);
    assert!(
        text.contains("corroborated by 3 independent origins (1 named, 2 anonymous)"),
        "{text}"
    );
    let text = s.ok(&["status", s.claim("wasiq-led")]);
    assert!(
        text.contains("[same origin as this claim: not counted]"),
        "{text}"
    );
    let h = s.json(&["history", s.claim("deadlock")]);
    assert_schema("history.schema.json", &h);
    assert_eq!(h["links"].as_array().unwrap().len(), 4);
    s.assert_audit_clean();
}

/// The illustrative v2: "According to Afghan officials" instead of
/// "diplomatic sources", "turned down every proposal" instead of "rejected
/// any proposal", and the Sunday Guardian phone-call report dropped.
#[test]
fn article_update_revisions_stale_verdicts_and_history() {
    let s = Seeded::new();
    s.verify("cem", "wasiq-led", "true");
    s.verify("chloe", "wasiq-led", "mostly_true");
    s.verify("cem", "deadlock", "true");
    s.verify("cem", "new-headache", "true");
    assert_eq!(s.status("wasiq-led")["status"], "verified");

    let v2 = s.update_article();
    let chains = s.json(&["article", "list"]);
    assert_schema("article-list.schema.json", &chains);
    let versions = chains[0]["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1]["supersedes"], s.v1.as_str());
    assert_eq!(versions[1]["title"], versions[0]["title"]);
    assert_eq!(versions[1]["publisher"], "The Sunday Guardian");

    // Re-attributed: the verdicts on revision 0 go stale.
    s.revise(
        "wasiq-led",
        &[
            "--article",
            &v2[..12],
            "--source",
            &s.source("afghan-officials")[..12],
            "--reason",
            "article_updated",
            "--note",
            "v2 attributes the delegation line-up to Afghan officials",
        ],
    );
    let st = s.status("wasiq-led");
    assert_eq!(st["status"], "unreviewed");
    assert_eq!(st["tally"]["stale"], 2);
    assert_eq!(
        standings(&st),
        vec![
            ("cem".into(), "stale".into()),
            ("chloe".into(), "stale".into())
        ]
    );
    assert_eq!(st["verdicts"][0]["stale"], true);
    assert_eq!(st["claim"]["article"]["version"], 2);
    assert_eq!(
        st["claim"]["attribution"]["source"]["label"],
        "Afghan officials"
    );
    let r = s.run(&["status", s.claim("wasiq-led"), "--require", "verified"]);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("is unreviewed, not verified"),
        "{}",
        r.stderr
    );

    let text = s.ok(&["history", s.claim("wasiq-led")]);
    assert!(
        text.contains("according to [-diplomatic sources-]{+Afghan officials+} (anonymous group)"),
        "{text}"
    );
    assert!(
        text.contains("revision 1 by eda (Eda Editor), article_updated"),
        "{text}"
    );
    assert!(
        text.contains("v2 attributes the delegation line-up"),
        "{text}"
    );
    assert!(text.contains("STALE"), "{text}");
    assert!(
        text.contains("verdicts on this revision are stale"),
        "{text}"
    );
    let h = s.json(&["history", s.claim("wasiq-led")]);
    assert_schema("history.schema.json", &h);
    assert_eq!(h["revisions"][1]["changed"][0], "attribution.source");
    assert_eq!(h["revisions"][0]["current"], false);
    assert_eq!(h["revisions"][1]["signer"]["display_name"], "Eda Editor");

    // A fresh verdict on the new revision counts again.
    s.verify("chloe", "wasiq-led", "true");
    let st = s.status("wasiq-led");
    assert_eq!(st["status"], "verified");
    assert_eq!(
        standings(&st),
        vec![
            ("cem".into(), "stale".into()),
            ("chloe".into(), "current".into())
        ]
    );

    // Reworded: the passage and proposition change; the diff shows words.
    s.revise(
        "new-headache",
        &[
            "--quote",
            "Afghan negotiators turned down every proposal that could “create a new headache”",
            "--cue",
            "turned down",
            "--proposition",
            "Afghan negotiators turned down every proposal that would import another country's security burden.",
            "--reason",
            "article_updated",
        ],
    );
    assert_eq!(s.status("new-headache")["status"], "unreviewed");
    let text = s.ok(&["history", s.claim("new-headache")]);
    assert!(
        text.contains(
            "Afghan negotiators [-rejected any-]{+turned down every+} proposal that could"
        ),
        "{text}"
    );
    assert!(text.contains("[-rejected;-]{+turned down;+}"), "{text}");

    // Moved to v2 unchanged: the verdict stays current.
    s.revise("deadlock", &["--reason", "article_updated"]);
    let st = s.status("deadlock");
    assert_eq!(st["status"], "verified");
    assert_eq!(st["claim"]["article"]["version"], 2);
    assert_eq!(st["claim"]["revisions"], 2);

    // Dropped: removed, keeping the standing it had.
    s.revise("phone-call", &["--removed", "--reason", "article_updated"]);
    let st = s.status("phone-call");
    assert_eq!(st["claim"]["removed"], true);
    let text = s.ok(&["history", s.claim("phone-call")]);
    assert!(
        text.contains("removed: version 2 of the article no longer makes this claim"),
        "{text}"
    );
    let text = s.ok(&["claims", "--article", &v2[..12]]);
    assert!(text.contains("removed in v2"), "{text}");

    // A claim whose passage v2 reworded cannot be carried over silently.
    let eda = s.key("eda");
    s.refused(
        &[
            "claim",
            "revise",
            s.claim("mujahid-soil"),
            "--article",
            &v2,
            "--quote",
            "Afghan negotiators rejected any proposal",
            "--reason",
            "article_updated",
            "--key",
            &eda,
        ],
        1,
        "does not occur in the article text",
    );
    s.assert_audit_clean();

    // The index is derived: rebuilt from the log, it answers the same.
    let before = s.json(&["history", s.claim("wasiq-led")]);
    std::fs::remove_file(s.ledger().join("index.sqlite")).unwrap();
    let r = s.run(&["reindex"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("rebuilt the index"), "{}", r.stderr);
    assert_eq!(s.json(&["history", s.claim("wasiq-led")]), before);
    s.ok(&["reindex"]);
    assert_eq!(s.json(&["history", s.claim("wasiq-led")]), before);
}

#[test]
fn one_claim_added_by_hand() {
    let s = Seeded::new();
    let eda = s.key("eda");
    let out = s.json(&[
        "claim",
        "add",
        "--article",
        &s.v1[..8],
        "--quote",
        "reaffirmed Kabul’s resolve to defend its sovereignty",
        "--proposition",
        "Zabihullah Mujahid reaffirmed Kabul's resolve to defend its sovereignty.",
        "--source",
        &s.source("mujahid")[..8],
        "--cue",
        "reaffirmed",
        "--key",
        &eda,
    ]);
    let id = out[0]["id"].as_str().unwrap();
    assert_eq!(out[0]["kind"], "claim.record");
    let st = s.json(&["status", id]);
    assert_schema("status.schema.json", &st);
    let a = &st["claim"]["anchor"];
    let text = std::fs::read_to_string(crate::support::sample("article-v1.txt")).unwrap();
    let start = a["start"].as_u64().unwrap() as usize;
    let end = a["end"].as_u64().unwrap() as usize;
    let found: String = text.chars().skip(start).take(end - start).collect();
    assert_eq!(found, a["exact"].as_str().unwrap());
    assert_eq!(st["claim"]["attribution"]["mode"], "paraphrase");
    assert_eq!(st["claim"]["attribution"]["hedge"], "none");

    // A direct quote with --direct-quote.
    let out = s.json(&[
        "claim",
        "add",
        "--article",
        &s.v1,
        "--quote",
        "as both a national and religious duty",
        "--proposition",
        "Mujahid called defending Afghan sovereignty a national and religious duty.",
        "--source",
        s.source("mujahid"),
        "--cue",
        "reaffirmed",
        "--direct-quote",
        "national and religious duty",
        "--hedge",
        "none",
        "--key",
        &eda,
    ]);
    let st = s.json(&["status", out[0]["id"].as_str().unwrap()]);
    assert_eq!(st["claim"]["attribution"]["mode"], "direct_quote");
    assert_eq!(
        st["claim"]["attribution"]["quote"],
        "national and religious duty"
    );
    s.assert_audit_clean();
}
