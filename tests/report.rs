//! The web view (`provledger report --out DIR`, `provledger::report::Site`):
//! the static site of the sample ledger and of ledgers built here, bad
//! output directories refused with nothing written, output escaped, and
//! (in `browser`) the pages rendered by a real headless Chromium.

mod browser;

use crate::common::{assert_schema, files_under, Env};
use crate::support::{sample, Seeded};
use provledger::ledger::Ledger;
use provledger::report::{Site, MARKER};
use std::fs;
use std::path::{Path, PathBuf};

/// The repository's sample ledger, copied into a scratch directory (the
/// index is rebuilt there on open), so tests leave the tree as it was.
pub fn sample_ledger() -> Env {
    let env = Env::new();
    let from = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ledger");
    for (rel, bytes) in files_under(&from, |rel| {
        rel == "lock" || rel == "pending" || rel.starts_with("index.sqlite")
    }) {
        let p = env.ledger().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }
    env
}

/// The sample ledger's `wasiq-led` (one current, one stale and one
/// superseded verdict) and `deadlock` (two independent origins).
pub const WASIQ: &str = "fb6079237622c72470bfff4f6d11bf9b11b1da1e82f39eb80a5c0d9017f69516";
pub const DEADLOCK: &str = "7502c7b4150e859dd383e1cfef4d6c8d301ee8f6b52f515df57ac69273825075";

/// `report --out site --json` in `env`; returns the site's directory.
pub fn write_report(env: &Env) -> PathBuf {
    let v = env.json(&["report", "--out", "site"]);
    assert_schema("report.schema.json", &v);
    assert_eq!(v["out"], "site");
    env.path("site")
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

#[test]
fn the_sample_ledgers_site_has_every_route_and_what_each_page_shows() {
    let env = sample_ledger();
    let site = write_report(&env);
    let l = Ledger::open(&env.ledger()).unwrap();
    let routes = Site::new(&l).routes().unwrap();
    // Index, audit, 7 statuses, 1 article with 1 diff, sources, 15 claims, css, js.
    let claims = routes.iter().filter(|r| r.starts_with("claims/")).count();
    assert_eq!(claims, 15, "{routes:?}");
    assert!(routes.iter().any(|r| r.ends_with("/diff-1-2.html")));
    for r in &routes {
        assert!(site.join(r).is_file(), "{r} was not written");
    }
    let written = files_under(&site, |_| false);
    assert_eq!(written.len(), routes.len() + 1, "the pages and the marker");
    assert!(site.join(MARKER).is_file());

    let index = read(&site.join("index.html"));
    assert!(index.contains("15 claims recorded"), "{index}");
    assert!(index.contains(r#"<label for="f-status">Status</label>"#));
    for r in routes.iter().filter(|r| r.starts_with("claims/")) {
        assert!(index.contains(&format!(r#"href="{r}""#)), "index lacks {r}");
    }
    // Nothing is loaded from elsewhere: every src and stylesheet is local.
    for page in &routes {
        if !page.ends_with(".html") {
            continue;
        }
        let html = read(&site.join(page));
        for bad in [
            "src=\"http",
            "href=\"//",
            "@import",
            "<link rel=\"stylesheet\" href=\"http",
        ] {
            assert!(!html.contains(bad), "{page} loads {bad}");
        }
        assert!(
            html.contains(r#"<main id="main""#),
            "{page} has no main landmark"
        );
        assert!(html.contains("<h1"), "{page} has no heading");
    }

    let claim = read(&site.join(format!("claims/{WASIQ}.html")));
    assert!(claim.contains("Status: <span class=\"status status-verified\">verified</span>"));
    assert!(
        claim.contains("Verified: 1 counted verdict supports it")
            && claim.contains("Not counted: 1 stale"),
        "the deciding rule:\n{claim}"
    );
    assert!(claim.contains("<del>diplomatic sources</del>"), "{claim}");
    assert!(claim.contains("<ins>Afghan officials</ins>"), "{claim}");
    assert!(claim.contains(r#"data-standing="stale""#));
    assert!(claim.contains(r#"data-standing="superseded""#));
    assert!(claim.contains("<svg class=\"graph\""));

    let diff = read(
        &site.join(
            routes
                .iter()
                .find(|r| r.ends_with("/diff-1-2.html"))
                .unwrap(),
        ),
    );
    assert!(diff.contains("<del>") && diff.contains("<ins>"), "{diff}");

    let audit = read(&site.join("audit.html"));
    let cp = env.json(&["checkpoint"]);
    assert!(audit.contains(&format!(
        r#"<code id="root">{}</code>"#,
        cp["root"].as_str().unwrap()
    )));
    assert!(audit.contains(&format!("{} entries", cp["size"])));
    assert!(audit.contains("audit --operator operator.pub --since-checkpoint"));
}

#[test]
fn a_site_answers_none_for_what_it_does_not_hold() {
    let env = sample_ledger();
    env.ok(&["claims"]);
    let l = Ledger::open(&env.ledger()).unwrap();
    let site = Site::new(&l);
    let zero = "0".repeat(64);
    for route in [
        "nope.html".to_string(),
        format!("claims/{zero}.html"),
        format!("sources/{zero}.html"),
        format!("articles/{zero}.html"),
        format!("articles/{zero}/diff-1-2.html"),
        format!("claims/{}.html", &WASIQ[..12]),
        "../ledger/checkpoint".to_string(),
    ] {
        assert_eq!(site.page(&route).unwrap(), None, "{route}");
    }
    let chain = l.state().articles().unwrap()[0].chain.to_hex();
    assert!(site
        .page(&format!("articles/{chain}/diff-1-2.html"))
        .unwrap()
        .is_some());
    assert_eq!(
        site.page(&format!("articles/{chain}/diff-1-3.html"))
            .unwrap(),
        None,
        "there is no version 3"
    );
    let css = site.page("style.css").unwrap().unwrap();
    assert_eq!(css.content_type, "text/css; charset=utf-8");
    let index = site.page("/").unwrap().unwrap();
    assert_eq!(index.content_type, "text/html; charset=utf-8");
}

#[test]
fn the_index_filters_by_a_query_string_as_a_server_passes_it() {
    let env = sample_ledger();
    env.ok(&["claims"]);
    let l = Ledger::open(&env.ledger()).unwrap();
    let site = Site::new(&l);
    let html = |route: &str| String::from_utf8(site.page(route).unwrap().unwrap().body).unwrap();
    let rows = |h: &str| h.matches("class=\"claim-row\"").count();
    assert_eq!(rows(&html("index.html")), 15);
    let disputed = html("index.html?status=disputed");
    assert_eq!(rows(&disputed), 1, "{disputed}");
    assert!(disputed.contains("1 of 15 claims match the filter."));
    assert!(disputed.contains(r#"<option value="disputed" selected>"#));
    let search = html("index.html?q=Mujahid+sovereignty");
    assert_eq!(rows(&search), 1, "{search}");
    let source = l
        .state()
        .sources()
        .unwrap()
        .into_iter()
        .find(|s| s.name.as_deref() == Some("Zabihullah Mujahid"))
        .unwrap();
    let by_source = html(&format!("index.html?source={}", source.id.to_hex()));
    assert_eq!(rows(&by_source) as u64, source.claims, "{by_source}");
    // A parameter that does not parse is ignored, not an error.
    assert_eq!(rows(&html("index.html?status=bogus&article=zz")), 15);
}

#[test]
fn text_from_the_ledger_is_escaped_in_every_page() {
    let s = Seeded::new();
    let evil = "<script>alert(1)</script>";
    s.ok(&[
        "source",
        "add",
        "--label",
        &format!("spokesman {evil}"),
        "--kind",
        "named_person",
        "--name",
        &format!("Name {evil} & \"co\""),
        "--key",
        &s.key("eda"),
    ]);
    s.ok(&[
        "article",
        "add",
        sample("article-v1.txt").to_str().unwrap(),
        "--url",
        "javascript:alert(1)",
        "--publisher",
        &format!("Outlet {evil}"),
        "--title",
        &format!("Headline {evil}"),
        "--key",
        &s.key("eda"),
    ]);
    s.ok(&[
        "verify",
        s.claim("deadlock"),
        "--verdict",
        "true",
        "--evidence",
        "javascript:alert(2)",
        "--note",
        evil,
        "--key",
        &s.key("cem"),
    ]);
    let site = write_report(&s);
    let mut seen = 0;
    for (rel, bytes) in files_under(&site, |_| false) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        assert!(!html.contains(evil), "{rel} shows the script unescaped");
        // A URL that is not http(s) is shown as text, never linked.
        assert!(
            !html.contains("href=\"javascript"),
            "{rel} links a javascript: URL"
        );
        if html.contains("&lt;script&gt;alert(1)&lt;") {
            seen += 1;
        }
    }
    // The index (source and article lists), the source page, the article
    // page, the claim page (the verdict's note).
    assert!(seen >= 4, "escaped text shown in {seen} pages");
    let claim = read(&site.join(format!("claims/{}.html", s.claim("deadlock"))));
    assert!(
        claim.contains(r#"<span class="url">javascript:alert(2)</span>"#),
        "{claim}"
    );
}

#[test]
fn a_bad_out_directory_is_refused_and_nothing_is_written() {
    let env = sample_ledger();
    fs::write(env.path("file"), "x").unwrap();
    let r = env.run(&["report", "--out", "file"]);
    assert_eq!(r.code, 2, "{r}");
    assert!(
        r.stderr.contains("--out file is a file, not a directory"),
        "{r}"
    );
    assert_eq!(read(&env.path("file")), "x");

    fs::create_dir(env.path("mine")).unwrap();
    fs::write(env.path("mine/notes.txt"), "keep").unwrap();
    let r = env.run(&["report", "--out", "mine"]);
    assert_eq!(r.code, 2, "{r}");
    assert!(
        r.stderr.contains("--out mine is a directory that is not empty and holds no earlier report (no .provledger-report file); refusing to replace it"),
        "{r}"
    );
    assert_eq!(files_under(&env.path("mine"), |_| false).len(), 1);

    let r = env.run(&["report", "--out", "no/such/site"]);
    assert_eq!(r.code, 2, "{r}");
    assert!(
        r.stderr
            .contains("--out no/such/site: its parent directory no/such does not exist"),
        "{r}"
    );
    assert!(!env.path("no").exists());

    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("mine", env.path("link")).unwrap();
        let r = env.run(&["report", "--out", "link"]);
        assert_eq!(r.code, 2, "{r}");
        assert!(
            r.stderr
                .contains("--out link is a symbolic link; give the directory itself"),
            "{r}"
        );
        assert!(r.stdout.is_empty(), "{r}");
        // Nothing went through the link into the directory it names.
        assert_eq!(files_under(&env.path("mine"), |_| false).len(), 1);
        assert!(env.path("link").is_symlink());
    }

    // A path that ends in `..` names no directory to put the site in, even
    // where it resolves to an earlier report (which could be replaced).
    fs::create_dir_all(env.path("old/sub")).unwrap();
    fs::write(env.path("old").join(MARKER), "").unwrap();
    let r = env.run(&["report", "--out", "old/sub/.."]);
    assert_eq!(r.code, 2, "{r}");
    assert!(
        r.stderr
            .contains("--out old/sub/.. names no directory (give a path such as site/)"),
        "{r}"
    );
    assert!(r.stdout.is_empty(), "{r}");
    assert_eq!(
        files_under(&env.path("old"), |_| false)
            .into_keys()
            .collect::<Vec<_>>(),
        vec![MARKER.to_string()],
        "the earlier report is as it was"
    );
    assert!(env.path("old/sub").is_dir());
    // No scratch directory is left beside the outputs.
    let left: Vec<_> = fs::read_dir(env.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    let r = env.run(&["--ledger", "missing", "report", "--out", "site"]);
    assert_ne!(r.code, 0);
    assert!(!env.path("site").exists());
}

#[test]
fn an_earlier_report_or_an_empty_directory_is_replaced_whole() {
    let env = sample_ledger();
    fs::create_dir(env.path("site")).unwrap();
    let v = env.json(&["report", "--out", "site"]);
    assert_eq!(v["replaced"], false);
    fs::write(env.path("site/old-page.html"), "stale").unwrap();
    let v = env.json(&["report", "--out", "site"]);
    assert_schema("report.schema.json", &v);
    assert_eq!(v["replaced"], true);
    assert!(
        !env.path("site/old-page.html").exists(),
        "the old site is gone whole"
    );
    assert!(env.path("site/index.html").is_file());
    let left: Vec<_> = fs::read_dir(env.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn the_readme_shows_the_committed_screenshot_of_the_sample_claim_page() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let readme = read(&root.join("README.md"));
    assert!(readme.contains("](docs/web-view-claim.png)"));
    let png = fs::read(root.join("docs/web-view-claim.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(png.len() < 200_000, "keep the screenshot small");
}

#[test]
fn the_static_site_holds_each_versions_diff_against_the_one_before_and_the_first() {
    let s = Seeded::new();
    let mut latest = s.v1.clone();
    for n in 2..=4 {
        let file = s.path(&format!("v{n}.txt"));
        let text = fs::read_to_string(sample("article-v1.txt")).unwrap();
        fs::write(&file, format!("{text}\nUpdate {n}: the talks resumed.\n")).unwrap();
        let receipt = s.json(&[
            "article",
            "update",
            &latest,
            file.to_str().unwrap(),
            "--key",
            &s.key("eda"),
        ]);
        latest = receipt[0]["id"].as_str().unwrap().to_string();
    }
    let l = Ledger::open(&s.ledger()).unwrap();
    let chain = l.state().articles().unwrap()[0].chain.to_hex();
    let diffs: Vec<String> = Site::new(&l)
        .routes()
        .unwrap()
        .into_iter()
        .filter_map(|r| {
            r.strip_prefix(&format!("articles/{chain}/"))
                .map(str::to_string)
        })
        .collect();
    // 2 × 4 - 3 pages, not the 6 of every pair.
    assert_eq!(
        diffs,
        [
            "diff-1-2.html",
            "diff-2-3.html",
            "diff-3-4.html",
            "diff-1-3.html",
            "diff-1-4.html"
        ]
    );
    // The article page links exactly those; a server still renders any pair.
    let site = Site::new(&l);
    let article = String::from_utf8(
        site.page(&format!("articles/{chain}.html"))
            .unwrap()
            .unwrap()
            .body,
    )
    .unwrap();
    let linked: Vec<&str> = article
        .match_indices(&format!("href=\"{chain}/"))
        .map(|(i, m)| {
            let rest = &article[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert_eq!(linked, diffs);
    let other = site
        .page(&format!("articles/{chain}/diff-2-4.html"))
        .unwrap()
        .expect("any pair is rendered when asked");
    let other = String::from_utf8(other.body).unwrap();
    assert!(other.contains("Diff of versions 2 and 4"), "{other}");
    drop(l);
    let written = write_report(&s);
    for d in &diffs {
        assert!(
            written.join(format!("articles/{chain}/{d}")).is_file(),
            "{d}"
        );
    }
    assert!(!written
        .join(format!("articles/{chain}/diff-2-4.html"))
        .exists());
}
