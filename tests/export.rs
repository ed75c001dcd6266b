//! `provledger export FORMAT`: ClaimReview JSON-LD, PROV-JSON, JSON Lines
//! and CSV, over a ledger built in the test (with counted, stale and
//! withdrawn verdicts, a direct quote and a revision) and over the shipped
//! sample ledger; each output checked against its schema in `schemas/`,
//! and the errors (unknown ids, a scope for jsonl, an unwritable --out)
//! with their messages and nothing written. The PROV-JSON is also read by
//! Python's `prov` (tests/interop/python/check_prov.py).

use crate::common::{assert_schema, schema, Env};
use crate::support::Seeded;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A seeded ledger with: two counted verdicts on `deadlock` (verified),
/// a verdict on `wasiq-led` made stale by a re-attribution, a withdrawn
/// verdict on `malik-led`, and a counted one on the direct quote
/// `paradoxical`.
struct Story {
    s: Seeded,
    counted: Vec<String>,
    stale: String,
    withdrawn: String,
    quote_verdict: String,
}

fn story() -> Story {
    let s = Seeded::new();
    let counted = vec![
        s.verify("cem", "deadlock", "true"),
        s.verify("chloe", "deadlock", "mostly_true"),
    ];
    let stale = s.verify("cem", "wasiq-led", "true");
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
    s.revise(
        "wasiq-led",
        &[
            "--source",
            &s.source("afghan-officials")[..12],
            "--reason",
            "error",
        ],
    );
    let quote_verdict = s.verify("cem", "paradoxical", "unverifiable");
    Story {
        s,
        counted,
        stale,
        withdrawn,
        quote_verdict,
    }
}

fn json_out(env: &Env, args: &[&str]) -> Value {
    let out = env.cmd(args).run().ok();
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: not JSON: {e}"))
}

fn ids_of(reviews: &Value) -> BTreeSet<String> {
    reviews
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["identifier"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn claimreview_has_each_counted_verdict_and_never_a_stale_or_withdrawn_one() {
    let t = story();
    let reviews = json_out(&t.s, &["export", "claimreview"]);
    assert_schema("claimreview.schema.json", &reviews);
    let ids = ids_of(&reviews);
    for v in &t.counted {
        assert!(ids.contains(v), "counted verdict {v} missing from {ids:?}");
    }
    assert!(ids.contains(&t.quote_verdict));
    assert!(!ids.contains(&t.stale), "a stale verdict is exported");
    assert!(
        !ids.contains(&t.withdrawn),
        "a withdrawn verdict is exported"
    );
    // deadlock is verified (two counted verdicts): a status review; the
    // others have no finding.
    let deadlock = t.s.claim("deadlock");
    assert!(ids.contains(&format!("status-{deadlock}")));
    assert_eq!(ids.len(), 3 + 1 + 1, "{ids:?}");
    let r = reviews
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["identifier"] == t.counted[1].as_str())
        .unwrap();
    assert_eq!(r["reviewRating"]["alternateName"], "Mostly true");
    assert_eq!(r["reviewRating"]["ratingValue"], 4);
    assert_eq!(r["reviewRating"]["bestRating"], 5);
    assert_eq!(r["reviewRating"]["worstRating"], 1);
    assert_eq!(r["author"]["name"], "Chloe Checker");
    assert_eq!(r["author"]["worksFor"]["name"], "test.example/ledger");
    assert_eq!(
        r["url"],
        format!("https://test.example/ledger/claims/{deadlock}.html")
    );
    let item = &r["itemReviewed"];
    assert_eq!(item["@type"], "Claim");
    // deadlock is the outlet's own assertion: the outlet is its author.
    assert_eq!(item["author"]["@type"], "Organization");
    assert_eq!(item["author"]["name"], "The Sunday Guardian");
    assert_eq!(
        item["appearance"][0]["url"],
        "https://www.sundayguardianlive.com/world/afghan-pakistan-talks-istanbul"
    );
    assert_eq!(item["datePublished"], "2025-11-08T06:00:00Z");
    // An unverifiable verdict has no place on the scale, and the source as
    // printed is its author, a person.
    let q = reviews
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["identifier"] == t.quote_verdict.as_str())
        .unwrap();
    assert_eq!(q["reviewRating"]["alternateName"], "Unverifiable");
    assert!(q["reviewRating"].get("ratingValue").is_none());
    assert_eq!(q["itemReviewed"]["author"]["@type"], "Person");
    assert_eq!(
        q["itemReviewed"]["author"]["name"],
        "One Kabul-based source"
    );
}

#[test]
fn claimreview_base_url_and_organization_and_scope() {
    let t = story();
    let deadlock = t.s.claim("deadlock").to_string();
    let reviews = json_out(
        &t.s,
        &[
            "export",
            "claimreview",
            "--claim",
            &deadlock[..12],
            "--base-url",
            "https://checks.example.org/ledger/",
            "--organization",
            "Example Checks",
        ],
    );
    assert_schema("claimreview.schema.json", &reviews);
    let all = reviews.as_array().unwrap();
    assert_eq!(all.len(), 3, "two verdicts and the status of deadlock only");
    for r in all {
        assert_eq!(
            r["url"],
            format!("https://checks.example.org/ledger/claims/{deadlock}.html")
        );
        assert_eq!(r["publisher"]["name"], "Example Checks");
    }
}

#[test]
fn the_claimreview_schema_rejects_what_google_would_not_take() {
    let t = story();
    let reviews = json_out(&t.s, &["export", "claimreview"]);
    let v = crate::common::validator("claimreview.schema.json");
    let first = reviews[0].clone();
    for (field, why) in [
        ("claimReviewed", "has no claimReviewed"),
        ("reviewRating", "has no reviewRating"),
        ("url", "has no url"),
    ] {
        let mut r = first.clone();
        r.as_object_mut().unwrap().remove(field);
        assert!(
            !v.is_valid(&Value::Array(vec![r])),
            "accepts one that {why}"
        );
    }
    let mut r = first.clone();
    r["reviewRating"]
        .as_object_mut()
        .unwrap()
        .remove("alternateName");
    assert!(
        !v.is_valid(&Value::Array(vec![r])),
        "accepts a rating without alternateName"
    );
    let mut r = first.clone();
    r["reviewRating"]["ratingValue"] = 9.into();
    assert!(
        !v.is_valid(&Value::Array(vec![r])),
        "accepts a rating off the scale"
    );
}

/// The PROV-JSON of the story, checked against the W3C PROV-JSON schema.
fn prov_of(t: &Story) -> Value {
    let doc = json_out(&t.s, &["export", "prov"]);
    assert_schema("prov-json.schema.json", &doc);
    doc
}

fn relations<'a>(doc: &'a Value, kind: &str) -> Vec<&'a Value> {
    doc[kind]
        .as_object()
        .map(|m| m.values().collect())
        .unwrap_or_default()
}

fn typed(r: &Value) -> Option<&str> {
    r["prov:type"]["$"].as_str()
}

#[test]
fn prov_derives_revisions_quotes_and_verdicts_from_what_they_read() {
    let t = story();
    let doc = prov_of(&t);
    let derived = relations(&doc, "wasDerivedFrom");
    let attributed = relations(&doc, "wasAttributedTo");
    let has = |gen: &str, used: &str, kind: Option<&str>| {
        derived.iter().any(|r| {
            r["prov:generatedEntity"] == gen && r["prov:usedEntity"] == used && typed(r) == kind
        })
    };
    // Every verdict, even a stale or withdrawn one, is derived from the
    // exact revision it judged, attributed to its checker, and marked.
    let history: Value = json_out(&t.s, &["history", t.s.claim("wasiq-led"), "--json"]);
    let record = history["revisions"][0]["id"].as_str().unwrap();
    let revise = history["revisions"][1]["id"].as_str().unwrap();
    let stale = format!("ledger:verdict-{}", t.stale);
    assert!(has(&stale, &format!("ledger:revision-{record}"), None));
    assert_eq!(doc["entity"][&stale]["provledger:standing"], "stale");
    assert_eq!(doc["entity"][&stale]["provledger:counts"], false);
    let withdrawn = format!("ledger:verdict-{}", t.withdrawn);
    assert_eq!(doc["entity"][&withdrawn]["provledger:withdrawn"], true);
    assert!(attributed.iter().any(|r| r["prov:entity"] == stale.as_str()
        && doc["agent"][r["prov:agent"].as_str().unwrap()]["prov:label"] == "Cem Checker"));
    // The revise is a revision of the record, and each reads its article.
    assert!(has(
        &format!("ledger:revision-{revise}"),
        &format!("ledger:revision-{record}"),
        Some("prov:Revision")
    ));
    let v1 = format!("ledger:article-{}", t.s.v1);
    assert!(has(&format!("ledger:revision-{record}"), &v1, None));
    // The re-attributed revision is attributed to its new source.
    let officials = format!("ledger:source-{}", t.s.source("afghan-officials"));
    assert!(attributed.iter().any(|r| r["prov:entity"]
        == format!("ledger:revision-{revise}").as_str()
        && r["prov:agent"] == officials.as_str()));
    assert_eq!(doc["agent"][&officials]["prov:type"]["$"], "prov:Person");
    // A direct quote is a quotation of what the source said, attributed
    // to the source.
    let h: Value = json_out(&t.s, &["history", t.s.claim("paradoxical"), "--json"]);
    let rev = format!(
        "ledger:revision-{}",
        h["revisions"][0]["id"].as_str().unwrap()
    );
    let quote = derived
        .iter()
        .find(|r| r["prov:generatedEntity"] == rev.as_str() && typed(r) == Some("prov:Quotation"))
        .expect("a prov:Quotation derivation for the direct quote");
    let said = quote["prov:usedEntity"].as_str().unwrap();
    assert_eq!(doc["entity"][said]["prov:value"], "paradoxical");
    let kabul = format!("ledger:source-{}", t.s.source("kabul-source"));
    assert!(attributed
        .iter()
        .any(|r| r["prov:entity"] == said && r["prov:agent"] == kabul.as_str()));
    // The outlet is an agent, and the article version is attributed to it.
    assert!(attributed.iter().any(|r| r["prov:entity"] == v1.as_str()
        && doc["agent"][r["prov:agent"].as_str().unwrap()]["prov:label"] == "The Sunday Guardian"));
}

#[test]
fn the_prov_json_schema_rejects_a_relation_without_its_arguments() {
    let t = story();
    let doc = prov_of(&t);
    let v = crate::common::validator("prov-json.schema.json");
    let mut bad = doc.clone();
    let first = bad["wasDerivedFrom"]
        .as_object_mut()
        .unwrap()
        .values_mut()
        .next()
        .unwrap();
    first.as_object_mut().unwrap().remove("prov:usedEntity");
    assert!(
        !v.is_valid(&bad),
        "accepts a derivation without prov:usedEntity"
    );
    let mut bad = doc.clone();
    bad["wasRevisionOf"] = serde_json::json!({});
    assert!(!v.is_valid(&bad), "accepts a key PROV-JSON does not have");
    let mut bad = doc;
    bad["entity"]["ledger:x"] = serde_json::json!({"prov:label": null});
    assert!(!v.is_valid(&bad), "accepts a null attribute value");
}

fn python_ok() -> Result<(), String> {
    let out = Command::new("python3")
        .args(["-c", "import prov, jsonschema"])
        .output()
        .map_err(|e| format!("python3 cannot run: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "python3 lacks prov or jsonschema (pip install -r tests/interop/python/requirements.txt): {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Runs check_prov.py on `file`, or says why it cannot (and fails under CI).
fn check_with_python(file: &Path) {
    if let Err(why) = python_ok() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the PROV check: {why}"
        );
        eprintln!("skipped: {why}");
        return;
    }
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop/python/check_prov.py");
    let schema = crate::common::schema_dir().join("prov-json.schema.json");
    let out = Command::new("python3")
        .arg(&script)
        .arg(file)
        .arg(&schema)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "check_prov.py failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn python_prov_reads_the_prov_export_and_it_follows_the_w3c_schema() {
    let t = story();
    let file = t.s.path("story.prov.json");
    t.s.ok(&["export", "prov", "--out", file.to_str().unwrap()]);
    check_with_python(&file);
}

#[test]
fn jsonl_is_every_statement_in_log_order() {
    let t = story();
    let out = t.s.cmd(&["export", "jsonl"]).run().ok();
    let text = out.stdout;
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len() as u64, t.s.size());
    let log: Value = t.s.json(&["log"]);
    for (i, (line, entry)) in lines.iter().zip(log.as_array().unwrap()).enumerate() {
        assert_schema("export-jsonl.schema.json", line);
        assert_eq!(line["index"], i as u64);
        assert_eq!(line["id"], entry["id"]);
        assert_eq!(line["kind"], entry["kind"]);
        assert_eq!(line["signer"]["key"], entry["signer"]);
        assert_eq!(line["signer"]["name"], entry["signer_name"]);
    }
    let stale = lines.iter().find(|l| l["id"] == t.stale.as_str()).unwrap();
    assert_eq!(stale["kind"], "verification");
    assert_eq!(stale["body"]["verdict"], "true");
    assert_eq!(stale["signer"]["name"], "cem");
}

#[test]
fn the_jsonl_schema_shares_the_statement_definitions() {
    assert_eq!(
        schema("export-jsonl.schema.json")["$defs"],
        schema("statement.schema.json")["$defs"]
    );
}

fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Value>) {
    let mut r = csv::Reader::from_reader(bytes);
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            Value::Object(
                header
                    .iter()
                    .cloned()
                    .zip(rec.iter().map(|f| Value::from(f.to_string())))
                    .collect(),
            )
        })
        .collect();
    (header, rows)
}

#[test]
fn csv_has_one_row_a_claim_with_attribution_and_status() {
    let t = story();
    let out = t.s.cmd(&["export", "csv"]).run().ok();
    assert!(out.stdout.contains("\r\n"), "RFC 4180 lines end in CRLF");
    let (header, rows) = csv_rows(out.stdout.as_bytes());
    let columns = schema("export-csv.schema.json")["x-columns"].clone();
    assert_eq!(Value::from(header.clone()), columns);
    assert_eq!(header, provledger::export::csv::COLUMNS);
    assert_eq!(rows.len(), t.s.claims.len());
    for row in &rows {
        assert_schema("export-csv.schema.json", row);
    }
    let row = |name: &str| {
        rows.iter()
            .find(|r| r["claim_id"] == t.s.claim(name))
            .unwrap()
    };
    assert_eq!(row("deadlock")["status"], "verified");
    assert_eq!(row("deadlock")["source_kind"], "outlet");
    assert_eq!(row("deadlock")["verdicts_counted"], "2");
    assert_eq!(row("wasiq-led")["verdicts_stale"], "1");
    assert_eq!(row("wasiq-led")["source_label"], "Afghan officials");
    assert_eq!(row("wasiq-led")["revisions"], "2");
    let p = row("paradoxical");
    assert_eq!(p["mode"], "direct_quote");
    assert_eq!(p["quote"], "paradoxical");
    assert_eq!(p["source_kind"], "anonymous_person");
    // The proposition holds a comma-free apostrophe; the anchored text
    // holds a comma and curly quotes, and comes back whole.
    assert_eq!(
        p["anchored_text"],
        "One Kabul-based source called Islamabad’s stance “paradoxical,”"
    );
}

#[test]
fn out_writes_the_same_bytes_as_stdout_and_replaces_a_file_whole() {
    let t = story();
    let file = t.s.path("claims.csv");
    std::fs::write(&file, "old").unwrap();
    for format in ["csv", "claimreview", "prov", "jsonl"] {
        let stdout = t.s.cmd(&["export", format]).run().ok().stdout;
        t.s.cmd(&["export", format, "--out", file.to_str().unwrap()])
            .run()
            .ok()
            .stderr_has(&format!("wrote {}", file.display()));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), stdout, "{format}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(t.s.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".export-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn errors_name_what_is_wrong_and_write_nothing() {
    let t = story();
    let s = &t.s;
    let file = s.path("out.json");
    std::fs::write(&file, "kept").unwrap();
    let out = file.to_str().unwrap();
    let before = s.ledger_files();
    let missing = "0123456789ab";
    s.refused(
        &["export", "claimreview", "--claim", missing, "--out", out],
        4,
        "0123456789ab",
    );
    s.refused(
        &["export", "prov", "--article", missing, "--out", out],
        4,
        "0123456789ab",
    );
    // An id of another kind names no such article.
    s.refused(
        &[
            "export",
            "csv",
            "--article",
            &s.claim("deadlock")[..12],
            "--out",
            out,
        ],
        4,
        "",
    );
    s.refused(
        &["export", "jsonl", "--claim", &s.claim("deadlock")[..12], "--out", out],
        2,
        "export jsonl writes every statement of the log: --article and --claim apply to claimreview, prov and csv",
    );
    s.refused(
        &[
            "export",
            "claimreview",
            "--base-url",
            "ftp://x",
            "--out",
            out,
        ],
        2,
        "--base-url \"ftp://x\" is not an http(s) URL",
    );
    s.refused(
        &["export", "claimreview", "--claim", "xyz", "--out", out],
        2,
        "'xyz' is not an id prefix",
    );
    // An empty (or blank) organisation would be an author without a name.
    for blank in ["", "  "] {
        s.refused(
            &[
                "export",
                "claimreview",
                "--organization",
                blank,
                "--out",
                out,
            ],
            2,
            "--organization is empty",
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "kept");
    // A claim of another article than --article.
    let other = s.path("other.txt");
    std::fs::write(&other, "Another article, with another text to record.").unwrap();
    let receipt = s.json(&[
        "article",
        "add",
        other.to_str().unwrap(),
        "--url",
        "https://news.example/other",
        "--publisher",
        "Other News",
        "--title",
        "Other",
        "--key",
        &s.key("eda"),
    ]);
    let other_id = receipt[0]["id"].as_str().unwrap().to_string();
    let before_other = s.ledger_files();
    s.refused(
        &[
            "export",
            "csv",
            "--article",
            &other_id[..12],
            "--claim",
            &s.claim("deadlock")[..12],
            "--out",
            out,
        ],
        4,
        &format!(
            "claim {} is not a claim of article {other_id}",
            s.claim("deadlock")
        ),
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "kept");
    // An --out in a directory that does not exist, or a directory.
    let nowhere = s.path("no/such/dir/out.csv");
    s.refused(
        &["export", "csv", "--out", nowhere.to_str().unwrap()],
        1,
        &format!("cannot write {}", nowhere.display()),
    );
    assert!(!nowhere.exists());
    s.refused(
        &["export", "csv", "--out", s.root().to_str().unwrap()],
        1,
        "it is a directory",
    );
    assert_eq!(
        s.ledger_files(),
        before_other,
        "an export wrote to the ledger"
    );
    assert_eq!(
        before.len(),
        before_other.len() - 1,
        "one blob, the other article"
    );
}

/// A copy of the shipped sample ledger (a reader may create its index).
fn sample_copy(tmp: &Path) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let copy = tmp.join("ledger");
    for (rel, bytes) in crate::common::files_under(&root.join("ledger"), |rel| {
        rel == "lock" || rel == "pending" || rel.starts_with("index.sqlite")
    }) {
        let p = copy.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    copy
}

#[test]
fn the_sample_ledger_exports_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = sample_copy(tmp.path());
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_provledger"))
            .arg("--ledger")
            .arg(&ledger)
            .args(args)
            .env_remove("PROVLEDGER_DIR")
            .output()
            .unwrap();
        let out = crate::common::scanned(tmp.path(), "export of the sample", out);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let reviews: Value = serde_json::from_slice(&run(&["export", "claimreview"])).unwrap();
    assert_schema("claimreview.schema.json", &reviews);
    assert!(!reviews.as_array().unwrap().is_empty());
    let jsonl = String::from_utf8(run(&["export", "jsonl"])).unwrap();
    let lines: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for line in &lines {
        assert_schema("export-jsonl.schema.json", line);
    }
    // The sample's withdrawn verdict is not a review.
    let ids = ids_of(&reviews);
    let withdrawn: Vec<&str> = lines
        .iter()
        .filter(|l| l["kind"] == "verification.withdraw")
        .map(|l| l["body"]["verification"].as_str().unwrap())
        .collect();
    assert!(!withdrawn.is_empty());
    for w in withdrawn {
        assert!(!ids.contains(w), "withdrawn verdict {w} exported");
    }
    let prov: Value = serde_json::from_slice(&run(&["export", "prov"])).unwrap();
    assert_schema("prov-json.schema.json", &prov);
    let file = tmp.path().join("sample.prov.json");
    std::fs::write(&file, serde_json::to_vec(&prov).unwrap()).unwrap();
    check_with_python(&file);
    let (_, rows) = csv_rows(&run(&["export", "csv"]));
    assert!(!rows.is_empty());
    for row in &rows {
        assert_schema("export-csv.schema.json", row);
    }
}

#[test]
fn a_claim_the_article_dropped_appears_in_the_last_version_that_made_it() {
    let s = Seeded::new();
    let verdict = s.verify("cem", "phone-call", "true");
    let v2 = s.update_article();
    s.revise(
        "phone-call",
        &["--article", &v2, "--removed", "--reason", "article_updated"],
    );
    let reviews = json_out(
        &s,
        &["export", "claimreview", "--claim", s.claim("phone-call")],
    );
    assert_schema("claimreview.schema.json", &reviews);
    let r = reviews
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["identifier"] == verdict.as_str())
        .expect("a removed claim keeps the standing it had");
    assert_eq!(r["itemReviewed"]["appearance"][0]["version"], 1);
    assert_eq!(r["itemReviewed"]["firstAppearance"]["version"], 1);
}
