//! `article update ARTICLE --fetch`: what a re-fetch records, and what it
//! does not.

use super::server::{Route, Server};
use super::{fetch_json, fixture, ledger};
use crate::common::assert_schema;
use serde_json::Value;

fn refetch(env: &crate::common::Env, key: &str, id: &str) -> (Value, i32) {
    let r = env.run(&["article", "update", id, "--fetch", "--key", key, "--json"]);
    let code = r.code.0.unwrap_or(-1);
    let v = r.json();
    assert_schema("article-fetch.schema.json", &v);
    (v, code)
}

#[test]
fn not_modified_with_the_etag_records_nothing() {
    let srv = Server::start();
    let (env, key) = ledger();
    srv.route(
        "/a",
        Route::Page {
            status: 200,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: fixture("news.html"),
            etag: Some("\"v1\"".into()),
        },
    );
    let v = fetch_json(&env, &key, &srv.url("/a"), &[]);
    assert_eq!(v["capture"]["headers"]["etag"], "\"v1\"");
    let id = v["article"].as_str().unwrap().to_string();
    let files = env.ledger_files();
    let (v, code) = refetch(&env, &key, &id);
    assert_eq!(code, 0);
    assert_eq!(v["outcome"], "not-modified");
    assert_eq!(v["status"], 304);
    assert_eq!(v["version"], 1);
    assert_eq!(srv.seen_for("/a")[1].headers["if-none-match"], "\"v1\"");
    env.assert_unchanged(&files, "a 304 re-fetch");
    env.run(&["article", "update", &id, "--fetch", "--key", &key])
        .ok()
        .stdout_has("unchanged (304 Not Modified); version 1 is current, no new version recorded");
}

#[test]
fn change_same_text_revert_and_404_are_told_apart() {
    let srv = Server::start();
    let (env, key) = ledger();
    srv.route("/a", Route::html(fixture("news.html")));
    let v = fetch_json(&env, &key, &srv.url("/a"), &[]);
    let id = v["article"].as_str().unwrap().to_string();

    // The same text, served again without validators: compared by hash.
    let files = env.ledger_files();
    let (v, _) = refetch(&env, &key, &id);
    assert_eq!(v["outcome"], "same-text");
    env.assert_unchanged(&files, "a same-text re-fetch");

    // The same text inside a changed page (a new ad, a new date in the
    // furniture) is still the same text.
    let page = String::from_utf8(fixture("news.html")).unwrap();
    srv.route(
        "/a",
        Route::html(page.replace("Learn a language in 30 days", "Learn to cook in 30 days")),
    );
    let (v, _) = refetch(&env, &key, &id);
    assert_eq!(v["outcome"], "same-text");

    // A changed text: version 2, superseding version 1.
    srv.route("/a", Route::html(fixture("news-v2.html")));
    let (v, code) = refetch(&env, &key, &id);
    assert_eq!(code, 0);
    assert_eq!(v["outcome"], "new-version");
    assert_eq!(v["version"], 2);
    let v2 = v["receipt"]["id"].as_str().unwrap().to_string();
    let show = env
        .run(&["article", "show", &v2, "--json", "--text"])
        .ok()
        .json();
    assert_eq!(show["article"]["supersedes"], id.as_str());
    assert!(show["text"]
        .as_str()
        .unwrap()
        .contains("At least 25 soldiers"));
    assert!(show["text"]
        .as_str()
        .unwrap()
        .contains("Qatar's foreign ministry said on Saturday"));

    // Back to the first text: a revert, recognised and said.
    srv.route("/a", Route::html(fixture("news.html")));
    let (v, _) = refetch(&env, &key, &id);
    assert_eq!(v["outcome"], "reverted");
    assert_eq!(v["version"], 3);
    assert_eq!(v["revert_of"], 1);

    // Gone: reported (exit 3) and noted, every version kept.
    srv.route(
        "/a",
        Route::with(404, &[("Content-Type", "text/html")], "gone"),
    );
    let log = env.size();
    let (v, code) = refetch(&env, &key, &id);
    assert_eq!(code, 3);
    assert_eq!(v["outcome"], "gone");
    assert_eq!(v["status"], 404);
    assert_eq!(env.size(), log, "no statement for a 404");
    let list = env.run(&["article", "list", "--json"]).ok().json();
    assert_eq!(list[0]["versions"].as_array().unwrap().len(), 3);
    let watch = env.run(&["watch", "list", "--json"]).ok().json();
    assert_schema("watch-list.schema.json", &watch);
    let outcomes: Vec<&str> = watch["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["new-version", "reverted", "gone"]);
    env.run(&["article", "update", &id, "--fetch", "--key", &key])
        .code(3)
        .stderr_has("gone (")
        .stderr_has("answered 404); recorded in ");
    env.assert_audit_clean();
}

#[test]
fn a_redirect_elsewhere_is_a_move_not_a_version() {
    let srv = Server::start();
    let (env, key) = ledger();
    srv.route("/a", Route::html(fixture("news.html")));
    let v = fetch_json(&env, &key, &srv.url("/a"), &[]);
    let id = v["article"].as_str().unwrap().to_string();
    srv.route(
        "/a",
        Route::Redirect {
            status: 301,
            location: "/b".into(),
        },
    );
    srv.route("/b", Route::html(fixture("news-v2.html")));
    let log = env.size();
    let (v, code) = refetch(&env, &key, &id);
    assert_eq!(code, 3);
    assert_eq!(v["outcome"], "moved");
    assert_eq!(v["moved_to"], srv.url("/b"));
    assert_eq!(env.size(), log);
}

#[test]
fn a_shrunk_text_is_low_confidence() {
    let srv = Server::start();
    let (env, key) = ledger();
    srv.route("/a", Route::html(fixture("news.html")));
    let v = fetch_json(&env, &key, &srv.url("/a"), &[]);
    let id = v["article"].as_str().unwrap().to_string();
    // A claim whose passage the shrunk text loses.
    env.run(&[
        "claim",
        "add",
        "--article",
        &id,
        "--quote",
        "the mediators had proposed a joint monitoring mechanism for the border",
        "--proposition",
        "The mediators proposed joint monitoring of the border.",
        "--key",
        &key,
    ])
    .ok();
    let page = String::from_utf8(fixture("news.html")).unwrap();
    let start = page.find("<p>Diplomatic sources").unwrap();
    let end = page.find("  </div>\n  <aside class=\"related\">").unwrap();
    srv.route(
        "/a",
        Route::html(format!("{}{}", &page[..start], &page[end..])),
    );
    let (v, _) = refetch(&env, &key, &id);
    assert_eq!(v["outcome"], "new-version");
    assert_eq!(v["capture"]["low_confidence"], true, "{v}");
    let show = env
        .run(&[
            "article",
            "show",
            v["receipt"]["id"].as_str().unwrap(),
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(show["article"]["capture"]["low_confidence"], true);
    // Claim drift drops no claim on a low-confidence version: the lost
    // passage needs review instead, and nothing is applied.
    let r = env.run(&["claim", "drift", &id, "--json"]);
    assert_eq!(r.code.0, Some(3), "claims left for the editor");
    let drift = r.json();
    assert_schema("claim-drift.schema.json", &drift);
    let c = &drift["claims"][0];
    assert_eq!(c["class"], "needs_review", "{drift}");
    assert!(
        c["reason"]
            .as_str()
            .unwrap()
            .contains("text extraction is low-confidence, so the claim is not dropped"),
        "{c}"
    );
}

#[test]
fn a_failed_refetch_writes_nothing() {
    let srv = Server::start();
    let (env, key) = ledger();
    srv.route("/a", Route::html(fixture("news.html")));
    let v = fetch_json(&env, &key, &srv.url("/a"), &[]);
    let id = v["article"].as_str().unwrap().to_string();
    srv.route(
        "/a",
        Route::Stall {
            wait: std::time::Duration::from_secs(5),
            body: fixture("news-v2.html"),
        },
    );
    env.refused(
        &[
            "article",
            "update",
            &id,
            "--fetch",
            "--timeout",
            "1",
            "--key",
            &key,
        ],
        1,
        &format!("fetching {} timed out after 1 s", srv.url("/a")),
    );
    srv.route(
        "/a",
        Route::with(500, &[("Content-Type", "text/html")], "oops"),
    );
    env.refused(
        &["article", "update", &id, "--fetch", "--key", &key],
        1,
        &format!(
            "{} answered 500 Internal Server Error; no article text to record",
            srv.url("/a")
        ),
    );
    env.refused(
        &["article", "update", &id, "--key", &key],
        2,
        "the following required arguments were not provided",
    );
    env.refused(
        &[
            "article", "update", &id, "new.txt", "--fetch", "--key", &key,
        ],
        2,
        "the argument '[FILE]' cannot be used with '--fetch'",
    );
    env.refused(
        &[
            "article", "update", &id, "--fetch", "--title", "T", "--key", &key,
        ],
        2,
        "cannot be used with",
    );
    assert!(!env.lpath("watch.json").exists());
}
