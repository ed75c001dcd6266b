//! The web view in a real browser: Debian's `chromium`, headless, loads the
//! generated static site from `file://` (`--dump-dom` for the DOM after
//! scripts ran, `--screenshot` for the artefacts kept under
//! target/tmp/report-screenshots/, whose path each test prints).
//!
//! Without chromium the tests skip with a printed reason, unless `CI` is
//! set: then they fail (`.ci/run` installs the package). Every browser run
//! is bounded: the child is killed after [`TIMEOUT`].

use super::{sample_ledger, write_report, DEADLOCK, WASIQ};
use crate::support::Seeded;
use dom_query::Document;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one browser run may take.
const TIMEOUT: Duration = Duration::from_secs(90);

/// The browser: `PROVLEDGER_CHROMIUM`, else `chromium` (Debian's package)
/// or `chromium-browser` on the PATH. `None` (with the reason printed)
/// when there is none and `CI` is unset.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PROVLEDGER_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    let reason = "no chromium on the PATH (apt-get install chromium, or set PROVLEDGER_CHROMIUM)";
    if std::env::var_os("CI").is_some() {
        panic!("CI is set and the browser tests cannot run: {reason}");
    }
    eprintln!("skipped: {reason}");
    None
}

/// Runs the browser headless on `url` with `args`; returns its stdout.
fn run(browser: &Path, args: &[&str], url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    // Read stdout beside the wait, so a large DOM cannot fill the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{} on {url} took more than {TIMEOUT:?}", browser.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = reader.join().unwrap();
    assert!(status.success(), "{} on {url}: {status}", browser.display());
    out
}

fn url(site: &Path, route: &str) -> String {
    format!("file://{}/{route}", site.canonicalize().unwrap().display())
}

/// The DOM of the page after it loaded and its scripts ran.
fn dom(browser: &Path, site: &Path, route: &str) -> Document {
    let html = run(browser, &["--dump-dom"], &url(site, route));
    assert!(
        html.contains("<main"),
        "no page dumped for {route}:\n{html}"
    );
    Document::from(html.as_str())
}

/// Where the screenshots are kept.
fn artefacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A screenshot of the page, kept as `name`; checks it is a PNG.
fn screenshot(browser: &Path, site: &Path, route: &str, name: &str, height: u32) -> PathBuf {
    let out = artefacts().join(name);
    let _ = std::fs::remove_file(&out);
    run(
        browser,
        &[
            &format!("--screenshot={}", out.display()),
            &format!("--window-size=1100,{height}"),
        ],
        &url(site, route),
    );
    let png =
        std::fs::read(&out).unwrap_or_else(|e| panic!("no screenshot {}: {e}", out.display()));
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG",
        out.display()
    );
    assert!(
        png.len() > 10_000,
        "{} is blank ({} bytes)",
        out.display(),
        png.len()
    );
    println!("screenshot: {}", out.display());
    out
}

/// The revision ids of a `history --json`, in order.
fn revision_ids(history: &Value) -> Vec<String> {
    history["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap()[..12].to_string())
        .collect()
}

/// The timeline's revisions (their short ids, in order) as rendered.
fn rendered_revisions(doc: &Document) -> Vec<String> {
    doc.select("ol#timeline > li.event.revision code.id")
        .iter()
        .map(|n| n.text().to_string())
        .collect()
}

/// The origin nodes of the corroboration graph (their data-origin keys).
fn graph_origins(doc: &Document) -> Vec<String> {
    doc.select("figure#graph svg text.origin")
        .iter()
        .map(|n| n.attr("data-origin").unwrap().to_string())
        .collect()
}

/// Every distinct origin of a `status --json`'s corroboration groups.
fn status_origins(status: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for side in ["corroborating", "contradicting"] {
        for g in status["corroboration"][side]["groups"].as_array().unwrap() {
            for o in g["origins"].as_array().unwrap() {
                out.insert(match o["source"]["id"].as_str() {
                    Some(id) => id.to_string(),
                    None => format!(
                        "outlet:{}",
                        o["outlet"].as_str().unwrap().trim().to_lowercase()
                    ),
                });
            }
        }
    }
    out
}

#[test]
fn the_sample_ledgers_claim_page_in_a_browser() {
    let Some(browser) = chromium() else { return };
    let env = sample_ledger();
    let site = write_report(&env);
    let doc = dom(&browser, &site, &format!("claims/{WASIQ}.html"));
    let history = env.json(&["history", WASIQ]);
    let want = revision_ids(&history);
    assert_eq!(want.len(), 2);
    assert_eq!(
        rendered_revisions(&doc),
        want,
        "the timeline lists every revision"
    );
    // The stale verdict is marked, in the table and in the timeline.
    let stale = doc.select(r#"table#verdicts tr.verdict[data-standing="stale"]"#);
    assert_eq!(stale.length(), 1);
    assert!(stale
        .text()
        .contains("stale: judged other text or attribution, not counted"));
    assert_eq!(
        doc.select("ol#timeline .mark.stale").length(),
        2,
        "the verdict and the revision it judged"
    );
    assert!(doc
        .select("#deciding-rule")
        .text()
        .contains("Not counted: 1 stale"));
    // Its revision's attribution change is a word diff.
    assert_eq!(
        doc.select("ol#timeline del").text().to_string(),
        "diplomatic sources"
    );
    assert_eq!(
        doc.select("ol#timeline ins").text().to_string(),
        "Afghan officials"
    );
    screenshot(
        &browser,
        &site,
        &format!("claims/{WASIQ}.html"),
        "sample-claim.png",
        2400,
    );

    // deadlock: two independent origins, each drawn once.
    let doc = dom(&browser, &site, &format!("claims/{DEADLOCK}.html"));
    let origins = graph_origins(&doc);
    let distinct: BTreeSet<String> = origins.iter().cloned().collect();
    assert_eq!(
        origins.len(),
        distinct.len(),
        "an origin is drawn twice: {origins:?}"
    );
    assert_eq!(distinct, status_origins(&env.json(&["status", DEADLOCK])));
    assert_eq!(distinct.len(), 2);
    assert_eq!(doc.select("figure#graph svg g.group.counted").length(), 2);

    // The article diff.
    let chain = env.json(&["article", "list"])[0]["chain"]
        .as_str()
        .unwrap()
        .to_string();
    let route = format!("articles/{chain}/diff-1-2.html");
    let doc = dom(&browser, &site, &route);
    assert!(doc.select("#article-diff ins").length() > 0);
    assert!(doc.select("#article-diff del").length() > 0);
    screenshot(&browser, &site, &route, "sample-article-diff.png", 1600);
}

#[test]
fn a_stale_verdict_and_grouped_origins_of_a_built_ledger_in_a_browser() {
    let Some(browser) = chromium() else { return };
    let s = Seeded::new();
    s.verify("cem", "deadlock", "true");
    s.verify("chloe", "deadlock", "mostly_true");
    // Two claims of one source corroborate: one origin, drawn once.
    for from in ["mujahid-thanked", "mujahid-accused", "officials-detached"] {
        s.ok(&[
            "link",
            s.claim(from),
            s.claim("deadlock"),
            "--relation",
            "corroborates",
            "--key",
            &s.key("eda"),
        ]);
    }
    s.revise(
        "deadlock",
        &[
            "--proposition",
            "The Istanbul round of talks ended without agreement.",
            "--reason",
            "error",
        ],
    );
    s.verify("chloe", "deadlock", "true");
    let site = write_report(&s);
    let id = s.claim("deadlock").to_string();
    let doc = dom(&browser, &site, &format!("claims/{id}.html"));

    let history = s.json(&["history", &id]);
    assert_eq!(rendered_revisions(&doc), revision_ids(&history));
    let standings: Vec<String> = doc
        .select("table#verdicts tr.verdict")
        .iter()
        .map(|n| n.attr("data-standing").unwrap().to_string())
        .collect();
    assert_eq!(standings, ["stale", "superseded", "current"]);
    let stale = doc.select(r#"table#verdicts tr[data-standing="stale"] .mark.stale"#);
    assert_eq!(stale.length(), 1, "the stale verdict is marked");
    // The reworded proposition is a word diff in the timeline.
    let revision = doc.select("ol#timeline li.revision#rev-1");
    assert!(
        revision.select("del").text().contains("deadlock"),
        "{}",
        revision.html()
    );
    assert!(
        revision.select("ins").text().contains("agreement"),
        "{}",
        revision.html()
    );
    let origins = graph_origins(&doc);
    let distinct: BTreeSet<String> = origins.iter().cloned().collect();
    assert_eq!(origins.len(), distinct.len(), "{origins:?}");
    assert_eq!(distinct, status_origins(&s.status("deadlock")));
    assert_eq!(distinct.len(), 2, "Mujahid once, the Afghan officials once");
    assert_eq!(
        doc.select("figure#graph svg text.claims-count")
            .text()
            .to_string(),
        "2 linked claims1 linked claim"
    );
    screenshot(
        &browser,
        &s.path("site"),
        &format!("claims/{id}.html"),
        "built-stale-claim.png",
        2400,
    );
}

#[test]
fn the_claims_filter_runs_in_a_browser_from_the_query_string() {
    let Some(browser) = chromium() else { return };
    let env = sample_ledger();
    let site = write_report(&env);
    let doc = dom(&browser, &site, "index.html?status=disputed");
    assert_eq!(
        doc.select("html").attr("data-filter").as_deref(),
        Some("on"),
        "filter.js ran"
    );
    let shown = doc.select("tr.claim-row:not([hidden])");
    assert_eq!(shown.length(), 1);
    assert_eq!(shown.attr("data-status").as_deref(), Some("disputed"));
    assert_eq!(doc.select("tr.claim-row[hidden]").length(), 14);
    assert_eq!(
        doc.select("#filter-count").text().to_string(),
        "1 of 15 claims shown."
    );
}
