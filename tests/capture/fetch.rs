//! `article fetch`: a first capture, what it records, and every way it
//! refuses (with its message, writing nothing).

use super::server::{Route, Server};
use super::{blob, fetch_json, fixture, ledger, read_warc};
use std::io::Write;
use std::time::Duration;

#[test]
fn the_news_page_is_captured_with_its_evidence() {
    let srv = Server::start();
    let page = fixture("news.html");
    srv.route(
        "/world/istanbul?id=3&utm_source=feed&fbclid=abc",
        Route::html(page.clone()),
    );
    let (env, key) = ledger();
    let url = srv.url("/world/istanbul?id=3&utm_source=feed&fbclid=abc");
    let v = fetch_json(&env, &key, &url, &["--contact", "desk@news.example"]);
    assert_eq!(v["outcome"], "new-version");
    assert_eq!(v["version"], 1);
    // The identity URL has no tracking parameters.
    assert_eq!(v["url"], srv.url("/world/istanbul?id=3"));
    let c = &v["capture"];
    assert_eq!(c["requested_url"], url);
    assert_eq!(c["final_url"], url);
    assert_eq!(c["status"], 200);
    assert_eq!(c["charset"], "UTF-8");
    assert_eq!(c["charset_source"], "meta");
    assert_eq!(c["headers"]["content_type"], "text/html");
    assert!(c["remote_addr"].as_str().unwrap().starts_with("127.0.0.1:"));
    assert!(
        c.get("tls_certificate").is_none(),
        "plain http has no certificate"
    );
    assert_eq!(
        c["canonical_url"],
        srv.url("/world/2025/11/istanbul-talks"),
        "rel=canonical is resolved against the page"
    );
    assert_eq!(
        c["og_url"],
        "https://meridian.example/world/2025/11/istanbul-talks"
    );
    assert_eq!(c["extractor"], "dom_smoothie 0.19 formatted");
    assert_eq!(c["second_opinion"], "trafilatura 0.6");
    assert!(c["agreement"].as_u64().unwrap() >= 800, "{c}");
    assert_eq!(c["low_confidence"], false);

    // The User-Agent names the tool, its version and the contact.
    let ua = srv.seen()[0].headers["user-agent"].clone();
    assert!(
        ua.starts_with(&format!("provledger/{} (", env!("CARGO_PKG_VERSION"))),
        "{ua}"
    );
    assert!(ua.contains("contact: desk@news.example"), "{ua}");

    // The raw blob is the bytes served, exactly.
    assert_eq!(blob(&env, c["raw"].as_str().unwrap()), page);
    assert_eq!(c["raw_length"], page.len());
    // The text: the story, not the page's furniture.
    let id = v["article"].as_str().unwrap();
    let show = env
        .run(&["article", "show", id, "--json", "--text"])
        .ok()
        .json();
    crate::common::assert_schema("article-show.schema.json", &show);
    assert_eq!(show["article"]["capture"], *c);
    let text = show["text"].as_str().unwrap();
    assert!(
        text.starts_with("Negotiations between the Afghan Taliban government"),
        "{text}"
    );
    assert!(text.contains("\"shown no interest in a lasting solution\""));
    assert!(
        text.ends_with("urged both governments to respect the ceasefire."),
        "{text}"
    );
    for furniture in [
        "Subscribe for $1",
        "Related stories",
        "reader_77",
        "Most read",
        "All rights reserved",
        "Phone X",
    ] {
        assert!(
            !text.contains(furniture),
            "{furniture:?} in the text:\n{text}"
        );
    }
    assert!(
        !text.contains("\n\n\n") && !text.contains('\r'),
        "one blank line between paragraphs"
    );
    assert_eq!(show["article"]["url"], srv.url("/world/istanbul?id=3"));
    assert_eq!(show["article"]["publisher"], "The Daily Meridian");
    assert_eq!(
        show["article"]["title"],
        "Talks between Kabul and Islamabad collapse in Istanbul"
    );

    // The WARC file parses, and its response block holds the raw body.
    let warc = read_warc(&blob(&env, c["warc"].as_str().unwrap()));
    let types: Vec<&str> = warc.iter().map(|r| r.field("WARC-Type").unwrap()).collect();
    assert_eq!(types, ["warcinfo", "request", "response", "metadata"]);
    let resp = &warc[2];
    assert_eq!(resp.field("WARC-Target-URI"), Some(url.as_str()));
    assert_eq!(resp.field("WARC-IP-Address"), Some("127.0.0.1"));
    assert!(resp.block.starts_with(b"HTTP/1.1 200 OK\r\n"));
    assert!(resp.block.ends_with(&page));
    assert!(warc[1]
        .block
        .starts_with(b"GET /world/istanbul?id=3&utm_source=feed&fbclid=abc HTTP/1.1\r\n"));
    assert_eq!(
        warc[3].field("WARC-Concurrent-To"),
        resp.field("WARC-Record-ID")
    );
    let meta = String::from_utf8(warc[3].block.clone()).unwrap();
    assert!(
        meta.contains("extractor: dom_smoothie 0.19 formatted\r\n"),
        "{meta}"
    );

    // The signed statement follows the published statement schema.
    crate::common::assert_schema(
        "statement.schema.json",
        &env.run(&["show", id, "--json"]).ok().json(),
    );

    // The same URL again is not a new article.
    env.refused(
        &["article", "fetch", &url, "--key", &key],
        2,
        &format!(
            "already records {}; re-fetch it with `provledger article update",
            srv.url("/world/istanbul?id=3")
        ),
    );
    env.assert_audit_clean();
}

#[test]
fn extraction_is_byte_stable() {
    let html = String::from_utf8(fixture("news.html")).unwrap();
    let url = url::Url::parse("http://news.example/a").unwrap();
    let a = provledger::capture::extract::extract(&html, &url).unwrap();
    let b = provledger::capture::extract::extract(&html, &url).unwrap();
    assert_eq!(a.text.as_bytes(), b.text.as_bytes());
    assert_eq!(a.agreement, b.agreement);
    // Already in normal form: normalising again changes nothing.
    assert_eq!(provledger::capture::extract::normalize(&a.text), a.text);
    assert!(!a.text.starts_with(char::is_whitespace) && !a.text.ends_with(char::is_whitespace));
}

#[test]
fn charsets_follow_the_whatwg_order() {
    let srv = Server::start();
    let (env, key) = ledger();
    let cases: [(&str, Route, &str, &str, &str); 4] = [
        (
            "/cp1252",
            Route::html(fixture("news-1252.html")),
            "windows-1252",
            "detected",
            "\u{201c}shown no interest in a lasting solution\u{201d}",
        ),
        (
            "/header",
            Route::with(
                200,
                &[("Content-Type", "text/html; charset=windows-1252")],
                fixture("news-1252.html"),
            ),
            "windows-1252",
            "header",
            "mediated by T\u{fc}rkiye and Qatar",
        ),
        (
            "/meta",
            Route::html(fixture("news-meta-8859-2.html")),
            "ISO-8859-2",
            "meta",
            "with a \u{141}\u{f3}d\u{17a}-born envoy",
        ),
        (
            "/bom",
            // The BOM wins over a header that says otherwise.
            Route::with(
                200,
                &[("Content-Type", "text/html; charset=iso-8859-1")],
                fixture("news-bom.html"),
            ),
            "UTF-8",
            "bom",
            "mediated by T\u{fc}rkiye and Qatar",
        ),
    ];
    for (path, route, charset, source, words) in cases {
        srv.route(path, route);
        let v = fetch_json(&env, &key, &srv.url(path), &[]);
        assert_eq!(v["capture"]["charset"], charset, "{path}");
        assert_eq!(v["capture"]["charset_source"], source, "{path}");
        let id = v["article"].as_str().unwrap();
        let text = env.run(&["article", "show", id, "--text"]).ok().stdout;
        assert!(text.contains(words), "{path}: {words:?} not in\n{text}");
    }
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

#[test]
fn content_encodings_are_decoded_and_the_raw_body_kept() {
    let srv = Server::start();
    let (env, key) = ledger();
    let page = fixture("news.html");
    let gz = gzip(&page);
    srv.route(
        "/gz",
        Route::with(
            200,
            &[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
            gz.clone(),
        ),
    );
    let mut br = Vec::new();
    brotli::BrotliCompress(&mut page.as_slice(), &mut br, &Default::default()).unwrap();
    srv.route(
        "/br",
        Route::with(
            200,
            &[("Content-Type", "text/html"), ("Content-Encoding", "br")],
            br.clone(),
        ),
    );
    let mut texts = Vec::new();
    for (path, raw) in [("/gz", gz), ("/br", br)] {
        let v = fetch_json(&env, &key, &srv.url(path), &[]);
        assert_eq!(
            blob(&env, v["capture"]["raw"].as_str().unwrap()),
            raw,
            "{path}"
        );
        let id = v["article"].as_str().unwrap();
        texts.push(env.run(&["article", "show", id, "--text"]).ok().stdout);
    }
    assert_eq!(texts[0], texts[1]);
    assert!(texts[0].starts_with("Negotiations between"));
    assert!(srv.seen()[0].headers["accept-encoding"].contains("gzip"));
}

#[test]
fn redirects_are_followed_by_hand_and_logged() {
    let srv = Server::start();
    let (env, key) = ledger();
    srv.route(
        "/old",
        Route::Redirect {
            status: 301,
            location: "/mid?utm_campaign=x".into(),
        },
    );
    srv.route(
        "/mid?utm_campaign=x",
        Route::Redirect {
            status: 302,
            location: srv.url("/story"),
        },
    );
    srv.route("/story", Route::html(fixture("news.html")));
    let v = fetch_json(&env, &key, &srv.url("/old"), &[]);
    let r = &v["capture"]["redirects"];
    assert_eq!(r.as_array().unwrap().len(), 2);
    assert_eq!(r[0]["url"], srv.url("/old"));
    assert_eq!(r[0]["status"], 301);
    assert_eq!(r[0]["location"], srv.url("/mid?utm_campaign=x"));
    assert_eq!(r[1]["status"], 302);
    assert_eq!(v["capture"]["final_url"], srv.url("/story"));
    assert_eq!(v["url"], srv.url("/story"));
    // The WARC file replays the whole chain: each hop's request and response.
    let warc = super::read_warc(&blob(&env, v["capture"]["warc"].as_str().unwrap()));
    let records: Vec<(&str, &str)> = warc
        .iter()
        .filter(|r| r.field("WARC-Type") != Some("warcinfo"))
        .map(|r| {
            (
                r.field("WARC-Type").unwrap(),
                r.field("WARC-Target-URI").unwrap(),
            )
        })
        .collect();
    let (old, mid, story) = (
        srv.url("/old"),
        srv.url("/mid?utm_campaign=x"),
        srv.url("/story"),
    );
    assert_eq!(
        records,
        [
            ("request", old.as_str()),
            ("response", old.as_str()),
            ("request", mid.as_str()),
            ("response", mid.as_str()),
            ("request", story.as_str()),
            ("response", story.as_str()),
            ("metadata", story.as_str()),
        ]
    );
    assert!(warc[2]
        .block
        .starts_with(b"HTTP/1.1 301 Moved Permanently\r\n"));
}

/// Each bad input: its message, exit 1, nothing written.
#[test]
fn bad_fetches_are_refused_and_write_nothing() {
    let srv = Server::start();
    let (env, key) = ledger();
    srv.route(
        "/loop1",
        Route::Redirect {
            status: 302,
            location: "/loop2".into(),
        },
    );
    srv.route(
        "/loop2",
        Route::Redirect {
            status: 302,
            location: "/loop1".into(),
        },
    );
    srv.route(
        "/ftp",
        Route::Redirect {
            status: 301,
            location: "ftp://files.example/a.html".into(),
        },
    );
    srv.route(
        "/noloc",
        Route::with(302, &[("Content-Type", "text/html")], ""),
    );
    srv.route(
        "/creds",
        Route::Redirect {
            status: 302,
            location: srv.url("/a").replace("http://", "http://alice:s3cret@"),
        },
    );
    for i in 0..11 {
        srv.route(
            &format!("/hop{i}"),
            Route::Redirect {
                status: 302,
                location: format!("/hop{}", i + 1),
            },
        );
    }
    srv.route("/hop11", Route::html(fixture("news.html")));
    srv.route(
        "/stall",
        Route::Stall {
            wait: Duration::from_secs(5),
            body: fixture("news.html"),
        },
    );
    srv.route(
        "/slow",
        Route::Trickle {
            body: fixture("news.html"),
            every: Duration::from_millis(20),
        },
    );
    srv.route("/big", Route::html(fixture("news.html")));
    // 64 MiB of zeros: about 64 KiB of gzip.
    srv.route(
        "/bomb",
        Route::with(
            200,
            &[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
            gzip(&vec![0u8; 64 << 20]),
        ),
    );
    srv.route(
        "/pdf",
        Route::with(200, &[("Content-Type", "application/pdf")], "%PDF-1.7"),
    );
    srv.route(
        "/empty",
        Route::html("<html><body><nav>Home</nav></body></html>"),
    );
    srv.route(
        "/busy",
        Route::RetryAfter {
            secs: "120".into(),
            times: 5,
            then: Box::new(Route::html(fixture("news.html"))),
        },
    );
    srv.route(
        "/gone",
        Route::with(404, &[("Content-Type", "text/html")], "no"),
    );
    let fetch = |path: &str, extra: &[&str], msg: &str| {
        let url = if path.starts_with('/') {
            srv.url(path)
        } else {
            path.to_string()
        };
        let mut args = vec!["article", "fetch", url.as_str(), "--key", key.as_str()];
        args.extend_from_slice(extra);
        env.refused(&args, 1, msg);
    };
    fetch(
        "/loop1",
        &[],
        &format!(
            "redirect loop: {} -302-> {} -302-> {}",
            srv.url("/loop1"),
            srv.url("/loop2"),
            srv.url("/loop1")
        ),
    );
    fetch(
        "/ftp",
        &[],
        &format!("{} redirects to ftp://files.example/a.html; only http and https redirects are followed", srv.url("/ftp")),
    );
    // A user name or password in a URL would be published with the signed
    // capture: refused, and the message does not repeat the password.
    fetch(
        "/creds",
        &[],
        &format!(
            "fetching {} failed: redirect to {}, which carries a user name or password that a capture would publish",
            srv.url("/creds"),
            srv.url("/a").replace("http://", "http://***@")
        ),
    );
    fetch(
        &srv.url("/a").replace("http://", "http://alice:s3cret@"),
        &[],
        &format!(
            "cannot fetch '{}': it carries a user name or password, which a capture would publish",
            srv.url("/a").replace("http://", "http://***@")
        ),
    );
    fetch(
        "/noloc",
        &[],
        &format!(
            "fetching {} failed: redirect 302 without a Location header",
            srv.url("/noloc")
        ),
    );
    fetch("/hop0", &[], "more than 10 redirects: ");
    fetch(
        "/slow",
        &["--timeout", "1"],
        &format!("fetching {} timed out after 1 s", srv.url("/slow")),
    );
    fetch(
        "/stall",
        &["--timeout", "1"],
        &format!("fetching {} timed out after 1 s", srv.url("/stall")),
    );
    fetch(
        "/big",
        &["--max-bytes", "1000"],
        &format!(
            "the body of {} is larger than 1000 bytes, the most a capture reads",
            srv.url("/big")
        ),
    );
    fetch(
        "/bomb",
        &["--max-decoded-bytes", "2000000"],
        "decodes to more than 2000000 bytes; refused as a decompression bomb",
    );
    fetch(
        "/pdf",
        &[],
        &format!(
            "{} is not an HTML page (Content-Type application/pdf)",
            srv.url("/pdf")
        ),
    );
    fetch("/empty", &[], &format!("no main text found in {}: the extractors found 1 words, fewer than the 20 of an article", srv.url("/empty")));
    fetch(
        "/busy",
        &["--max-retry-after", "5"],
        "answered 503 and asks to retry after 120 s, longer than the 5 s a capture waits; try again later",
    );
    fetch(
        "/gone",
        &[],
        &format!(
            "{} answered 404 Not Found; no article text to record",
            srv.url("/gone")
        ),
    );
    fetch("ftp://files.example/a.html", &[], "cannot fetch 'ftp://files.example/a.html': its scheme is ftp:; only http and https are fetched");
    fetch(
        "not a url",
        &[],
        "cannot fetch 'not a url': relative URL without a base",
    );
    // Deadlines that are no deadline are usage errors, before any request.
    for (flag, v) in [("--timeout", "0"), ("--connect-timeout", "0")] {
        let url = srv.url("/noloc");
        env.refused(
            &[
                "article",
                "fetch",
                url.as_str(),
                "--key",
                key.as_str(),
                flag,
                v,
            ],
            2,
            &format!("{flag} {v} is not a positive number of seconds"),
        );
    }
    // Nothing was recorded: the ledger has only genesis and the grant.
    assert_eq!(env.size(), 2);
}

#[test]
fn a_short_retry_after_is_waited_for() {
    let srv = Server::start();
    let (env, key) = ledger();
    srv.route(
        "/busy",
        Route::RetryAfter {
            secs: "1".into(),
            times: 1,
            then: Box::new(Route::html(fixture("news.html"))),
        },
    );
    let v = fetch_json(&env, &key, &srv.url("/busy"), &[]);
    assert_eq!(v["outcome"], "new-version");
    assert_eq!(srv.seen_for("/busy").len(), 2);
}

#[test]
fn an_unreadable_retry_after_is_refused_and_writes_nothing() {
    let srv = Server::start();
    let (env, key) = ledger();
    srv.route(
        "/busy",
        Route::RetryAfter {
            secs: "soon, maybe".into(),
            times: 1,
            then: Box::new(Route::html(fixture("news.html"))),
        },
    );
    env.refused(
        &["article", "fetch", &srv.url("/busy"), "--key", &key],
        1,
        &format!(
            "fetching {} failed: status 503 with an unreadable Retry-After 'soon, maybe'",
            srv.url("/busy")
        ),
    );
    // Asked once, not retried.
    assert_eq!(srv.seen_for("/busy").len(), 1);
}

#[test]
fn a_publisher_or_title_over_the_limit_is_refused_before_fetching() {
    let srv = Server::start();
    srv.route("/a", Route::html(fixture("news.html")));
    let (env, key) = ledger();
    let url = srv.url("/a");
    let long_publisher = "P".repeat(201);
    env.refused(
        &[
            "article",
            "fetch",
            &url,
            "--key",
            &key,
            "--publisher",
            &long_publisher,
        ],
        2,
        "--publisher is 201 characters long; the most it may be is 200",
    );
    let long_title = "é".repeat(501);
    env.refused(
        &[
            "article",
            "fetch",
            &url,
            "--key",
            &key,
            "--title",
            &long_title,
        ],
        2,
        "--title is 501 characters long; the most it may be is 500",
    );
    assert!(srv.seen().is_empty(), "nothing was fetched");
    // At the limits, both are recorded as given, unclipped.
    let v = fetch_json(
        &env,
        &key,
        &url,
        &["--publisher", &"P".repeat(200), "--title", &"é".repeat(500)],
    );
    let shown = env
        .run(&["article", "show", v["article"].as_str().unwrap(), "--json"])
        .ok()
        .json();
    let text = shown.to_string();
    assert!(text.contains(&"P".repeat(200)), "{text}");
    assert!(text.contains(&"é".repeat(500)), "{text}");
}
