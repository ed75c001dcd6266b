//! `watch add`, `watch list`, `watch run`: due runs, backoff, robots.txt.

use super::server::{Route, Server};
use super::{fetch_json, fixture};
use crate::common::{assert_schema, Env, T0};
use serde_json::Value;

fn run(env: &Env, key: &str) -> Value {
    let v = env
        .run(&["watch", "run", "--key", key, "--host-gap", "0", "--json"])
        .ok()
        .json();
    assert_schema("watch-run.schema.json", &v);
    v
}

#[test]
fn a_run_fetches_what_is_due_and_backs_off() {
    let srv = Server::start();
    // Every command runs a minute after the one before.
    let env = Env::with_clock(T0);
    env.run(&["init", "--origin", crate::common::ORIGIN]).ok();
    let (key, _) = env.granted("desk", "editor");
    let key = key.display().to_string();
    srv.route("/a", Route::html(fixture("news.html")));
    let v = fetch_json(&env, &key, &srv.url("/a"), &[]);
    let id = v["article"].as_str().unwrap().to_string();
    env.run(&["watch", "add", &id[..12], "--every", "2m"])
        .ok()
        .stdout_has(&format!(
            "watching article {} ({}) every 2m; due now",
            &id[..12],
            srv.url("/a")
        ));
    let w = env
        .run(&["watch", "add", &id[..12], "--every", "2m", "--json"])
        .ok()
        .json();
    assert_eq!(w["every"], 120);
    assert_schema(
        "watch-list.schema.json",
        &serde_json::json!({"watches": [w.clone()], "events": []}),
    );

    // Due: fetched, unchanged, the interval doubles.
    let r = run(&env, &key);
    assert_eq!(r["results"][0]["outcome"], "same-text");
    let list = env.run(&["watch", "list", "--json"]).ok().json();
    assert_schema("watch-list.schema.json", &list);
    assert_eq!(list["watches"][0]["interval"], 240);
    assert_eq!(list["watches"][0]["unchanged_runs"], 1);

    // A minute later nothing is due, and nothing is fetched.
    let before = srv.seen_for("/a").len();
    let r = run(&env, &key);
    assert_eq!(r["results"].as_array().unwrap().len(), 0);
    assert_eq!(srv.seen_for("/a").len(), before);
    env.run(&["watch", "run", "--key", &key, "--host-gap", "0"])
        .ok()
        .stdout_has("nothing due");

    // Later, a change: a new version, and the interval is reset.
    srv.route("/a", Route::html(fixture("news-v2.html")));
    env.run(&["watch", "list"]).ok();
    let r = run(&env, &key);
    assert_eq!(r["results"][0]["outcome"], "new-version", "{r}");
    assert_eq!(r["results"][0]["fetch"]["version"], 2);
    let list = env.run(&["watch", "list", "--json"]).ok().json();
    assert_eq!(list["watches"][0]["interval"], 120);
    assert_eq!(list["watches"][0]["last_outcome"], "new-version");
    // robots.txt was asked for once per run that fetched.
    assert_eq!(srv.seen_for("/robots.txt").len(), 2);
    env.assert_audit_clean();
}

#[test]
fn robots_txt_is_honoured_for_scheduled_runs() {
    let srv = Server::start();
    let (env, key) = super::ledger();
    srv.route(
        "/robots.txt",
        Route::with(
            200,
            &[("Content-Type", "text/plain")],
            fixture("robots.txt"),
        ),
    );
    srv.route("/private/a", Route::html(fixture("news.html")));
    // A fetch by hand is the editor's own request: robots.txt is for runs.
    let v = fetch_json(&env, &key, &srv.url("/private/a"), &[]);
    let id = v["article"].as_str().unwrap().to_string();
    env.run(&["watch", "add", &id]).ok();
    let log = env.size();
    let before = srv.seen_for("/private/a").len();
    let r = run(&env, &key);
    assert_eq!(r["results"][0]["outcome"], "robots-disallowed");
    assert_eq!(
        srv.seen_for("/private/a").len(),
        before,
        "no request for a disallowed page"
    );
    assert_eq!(env.size(), log);
    let list = env.run(&["watch", "list", "--json"]).ok().json();
    assert_eq!(list["events"][0]["outcome"], "robots-disallowed");
}

#[test]
fn bad_watch_inputs_are_refused() {
    let (env, _) = super::ledger();
    let text = env.path("a.txt");
    std::fs::write(&text, "An article typed in by hand.").unwrap();
    let (key, _) = (env.key("desk"), ());
    let id = env
        .run(&[
            "article",
            "add",
            text.to_str().unwrap(),
            "--url",
            "file:///tmp/a.txt",
            "--publisher",
            "P",
            "--title",
            "T",
            "--key",
            &key,
            "--json",
        ])
        .ok()
        .json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    env.refused(
        &["watch", "add", &id],
        2,
        "cannot be watched: cannot fetch 'file:///tmp/a.txt': its scheme is file:; only http and https are fetched",
    );
    env.refused(
        &["watch", "add", &id, "--every", "0m"],
        2,
        "'0m' is zero; a watch needs a positive interval",
    );
    env.refused(
        &["watch", "add", &id, "--every", "5w"],
        2,
        "'5w' has an unknown unit 'w'; use s, m, h or d",
    );
    for gap in ["-1", "NaN", "inf"] {
        env.refused(
            &["watch", "run", "--key", &key, &format!("--host-gap={gap}")],
            2,
            &format!("--host-gap {gap} is not a number of seconds (0 or more)"),
        );
    }
    std::fs::write(env.lpath("watch.json"), "{\"watches\": 3}").unwrap();
    env.run(&["watch", "list"])
        .fails_with(1, "watch.json is not a valid watch list: ");
}

#[test]
fn a_failed_fetch_is_reported_and_the_run_goes_on() {
    let srv = Server::start();
    let (env, key) = super::ledger();
    srv.route("/a", Route::html(fixture("news.html")));
    srv.route("/b", Route::html(fixture("news-1252.html")));
    let a = fetch_json(&env, &key, &srv.url("/a"), &[])["article"]
        .as_str()
        .unwrap()
        .to_string();
    let b = fetch_json(&env, &key, &srv.url("/b"), &[])["article"]
        .as_str()
        .unwrap()
        .to_string();
    env.run(&["watch", "add", &a]).ok();
    env.run(&["watch", "add", &b]).ok();
    srv.route(
        "/a",
        Route::with(500, &[("Content-Type", "text/html")], "oops"),
    );
    srv.route("/b", Route::html(fixture("news-v2.html")));
    // A failed watch makes the run answer no (exit 3), for cron to notice.
    let out = env.run(&["watch", "run", "--key", &key, "--host-gap", "0", "--json"]);
    assert_eq!(out.code.0, Some(3), "{out}");
    assert!(
        out.stderr.contains(&format!(
            "provledger: 1 of 2 watches need attention: article {} failed",
            &a[..12]
        )),
        "{out}"
    );
    let r = out.json();
    assert_schema("watch-run.schema.json", &r);
    assert_eq!(r["results"][0]["outcome"], "failed");
    assert_eq!(
        r["results"][0]["error"],
        format!(
            "{} answered 500 Internal Server Error; no article text to record",
            srv.url("/a")
        )
    );
    assert_eq!(r["results"][1]["outcome"], "new-version");
    let list = env.run(&["watch", "list", "--json"]).ok().json();
    let outcomes: Vec<&str> = list["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["failed", "new-version"]);
}
