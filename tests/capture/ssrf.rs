//! Captures refuse non-public addresses (src/capture/address.rs): an IP
//! literal before any connection, a name by what it resolves to, and the
//! address actually connected; `--allow-private-addresses` (or
//! `PROVLEDGER_ALLOW_PRIVATE_ADDRESSES=1`, which the tests' `Env` sets for
//! every other test) opts in. Each refusal names the address and writes
//! nothing.

use super::server::{Route, Server};
use super::{fetch_json, fixture, ledger};
use crate::common::Env;

const OPT_IN: &str = "PROVLEDGER_ALLOW_PRIVATE_ADDRESSES";
const TAIL: &str = "address; captures reach only public addresses (--allow-private-addresses, or PROVLEDGER_ALLOW_PRIVATE_ADDRESSES=1, to fetch it anyway)";

/// Runs `args` without the opt-in; asserts exit `code`, the message on
/// stderr, nothing on stdout, and the ledger unchanged.
fn refused_without_opt_in(env: &Env, args: &[&str], code: i32, message: &str) -> String {
    let files = env.ledger_files();
    let r = env.cmd(args).env_remove(OPT_IN).run();
    assert_eq!(r.code, code, "want exit {code}:\n{r}");
    assert!(
        r.stderr.contains(message),
        "stderr does not say {message:?}:\n{r}"
    );
    if code != 3 {
        assert!(r.stdout.is_empty(), "{r}");
    }
    env.assert_unchanged(&files, &r.what);
    r.stderr.clone()
}

#[test]
fn private_loopback_and_link_local_urls_are_refused_before_connecting() {
    let srv = Server::start();
    srv.route("/a", Route::html(fixture("news.html")));
    let (env, key) = ledger();
    let port = srv
        .url("/")
        .split(':')
        .nth(2)
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    for (url, says) in [
        (
            srv.url("/a"),
            "127.0.0.1 is a loopback (127.0.0.0/8)".to_string(),
        ),
        (
            format!("http://0.0.0.0:{port}/a"),
            "0.0.0.0 is an unspecified (0.0.0.0)".to_string(),
        ),
        (
            format!("http://[::ffff:7f00:1]:{port}/a"),
            "::ffff:127.0.0.1 is a loopback (127.0.0.0/8)".to_string(),
        ),
        (
            // Never connected: the check comes first (nothing listens there
            // anyway, and the machine has no route to it).
            "http://169.254.169.254/latest/meta-data/".to_string(),
            "169.254.169.254 is a link-local (169.254.0.0/16)".to_string(),
        ),
        (
            "http://10.20.30.40/".to_string(),
            "10.20.30.40 is a private (10.0.0.0/8, RFC 1918)".to_string(),
        ),
        (
            "http://[fd00::1]/".to_string(),
            "fd00::1 is a unique local (fc00::/7)".to_string(),
        ),
    ] {
        let msg = format!("refused to fetch {url}: {says} {TAIL}");
        refused_without_opt_in(&env, &["article", "fetch", &url, "--key", &key], 1, &msg);
    }
    // None of them reached the server.
    assert!(srv.seen().is_empty(), "{:?}", srv.seen().len());
}

#[test]
fn a_name_is_refused_by_what_it_resolves_to() {
    let srv = Server::start();
    srv.route("/a", Route::html(fixture("news.html")));
    let (env, key) = ledger();
    let url = srv.url("/a").replace("127.0.0.1", "localhost");
    let err = refused_without_opt_in(
        &env,
        &["article", "fetch", &url, "--key", &key],
        1,
        &format!("refused to fetch {url}: localhost resolves to "),
    );
    assert!(err.contains(", a loopback ("), "{err}");
    assert!(err.contains(TAIL), "{err}");
    assert!(srv.seen().is_empty());
}

#[test]
fn the_opt_in_flag_fetches_a_loopback_page() {
    let srv = Server::start();
    srv.route("/a", Route::html(fixture("news.html")));
    let (env, key) = ledger();
    let v = env
        .cmd(&[
            "article",
            "fetch",
            &srv.url("/a"),
            "--key",
            &key,
            "--json",
            "--allow-private-addresses",
        ])
        .env_remove(OPT_IN)
        .run()
        .ok()
        .json();
    assert_eq!(v["outcome"], "new-version");
    // And PROVLEDGER_ALLOW_PRIVATE_ADDRESSES=0 does not opt in.
    let files = env.ledger_files();
    let r = env
        .cmd(&[
            "article",
            "update",
            v["article"].as_str().unwrap(),
            "--fetch",
            "--key",
            &key,
        ])
        .env(OPT_IN, "0")
        .run();
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.contains("127.0.0.1 is a loopback"), "{r}");
    env.assert_unchanged(&files, &r.what);
}

#[test]
fn watch_run_refuses_too_and_reports_the_address() {
    let srv = Server::start();
    srv.route("/a", Route::html(fixture("news.html")));
    let (env, key) = ledger();
    let article = fetch_json(&env, &key, &srv.url("/a"), &[])["article"]
        .as_str()
        .unwrap()
        .to_string();
    env.run(&["watch", "add", &article]).ok();
    let before = srv.seen().len();
    let files = env.ledger_files();
    let r = env
        .cmd(&["watch", "run", "--key", &key, "--host-gap", "0", "--json"])
        .env_remove(OPT_IN)
        .run();
    assert_eq!(r.code, 3, "{r}");
    let v = r.json();
    crate::common::assert_schema("watch-run.schema.json", &v);
    // Its robots.txt is the first request a scheduled run makes: refused.
    assert_eq!(v["results"][0]["outcome"], "failed");
    assert_eq!(
        v["results"][0]["error"],
        format!(
            "refused to fetch {}: 127.0.0.1 is a loopback (127.0.0.0/8) {TAIL}",
            srv.url("/robots.txt")
        )
    );
    assert!(r.stderr.contains("1 of 1 watches need attention"), "{r}");
    assert_eq!(srv.seen().len(), before, "no request was made");
    // The ledger itself is unchanged (watch.json keeps the run's events).
    let after = env.ledger_files();
    for (k, v) in &files {
        if !k.ends_with("watch.json") {
            assert_eq!(after.get(k), Some(v), "{k} changed");
        }
    }
}
