//! Hostile requests: paths that try to leave the tile grammar in every
//! encoding, slow and silent clients, clients over their rate, absurd
//! query parameters. Each gets its status and message, and nothing of
//! the ledger outside the public files is ever sent.

use super::support::{get, header, json, raw_get, start, start_with};
use crate::common::{self, Env};
use provledger::serve::Options;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

#[test]
fn no_path_reaches_a_private_file_whatever_its_encoding() {
    let env = Env::new();
    common::library_ledger(&env, 2);
    let dir = env.ledger();
    let key = std::fs::read_to_string(dir.join("private/operator.key")).unwrap();
    let secret = key.trim().rsplit('+').next().unwrap().to_string();
    let server = start(&dir);
    for path in [
        "/tile/../private/operator.key",
        "/tile/%2e%2e/private/operator.key",
        "/tile/%2E%2E/private/operator.key",
        "/tile/..%2fprivate%2foperator.key",
        "/tile/%2e%2e%2fprivate%2foperator.key",
        "/tile/0/../../private/operator.key",
        "/tile//private/operator.key",
        "/tile/entries/000.p/1/../../../../hashes",
        "/tile/0/000%2f..%2f..%2f..%2fhashes",
        "/tile/0/000.p/1%00",
        "/tile/0/%30%30%30",
        "/tile/entries/..%5c..%5cprivate%5coperator.key",
        "/tile/..\\private\\operator.key",
        "/blobs/../private/operator.key",
        "/blobs/%2e%2e/private/operator.key",
        "/checkpoint/../private/operator.key",
        "//private/operator.key",
        "/private/operator.key",
        "/private/",
        "/index.sqlite",
        "/hashes",
        "/pending",
        "/lock",
        "/tile/",
        "/tile",
        "/blobs/",
    ] {
        let (status, _, body) = raw_get(&server, path);
        let text = String::from_utf8_lossy(&body);
        assert!(!text.contains(&secret), "{path} leaked the operator key");
        assert_eq!(status, 404, "{path}: {text}");
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"], "not-found", "{path}");
        let m = v["message"].as_str().unwrap();
        assert!(
            m.starts_with(&format!("{path} is not a tile path"))
                || m.starts_with(&format!("{path} is not a blob path"))
                || m.starts_with(&format!("no such resource: {path}")),
            "{path}: {m}"
        );
    }
}

#[test]
fn a_client_that_sends_its_headers_too_slowly_or_nothing_is_cut_off() {
    let env = Env::new();
    common::library_ledger(&env, 1);
    let server = start_with(
        &env.ledger(),
        Options {
            header_read_timeout: Duration::from_millis(500),
            ..Options::default()
        },
    );
    // Silent, then half a request line.
    for sent in ["", "GET /checkpoint HTTP/1.1\r\nHost: x\r\n"] {
        let mut s = std::net::TcpStream::connect(server.addr()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(sent.as_bytes()).unwrap();
        let began = Instant::now();
        let mut buf = Vec::new();
        // The server closes (end of stream, or a reset): not our timeout.
        match s.read_to_end(&mut buf) {
            Ok(_) => {}
            Err(e) => assert_ne!(e.kind(), std::io::ErrorKind::WouldBlock, "{sent:?}: {e}"),
        }
        assert!(
            began.elapsed() < Duration::from_secs(9),
            "{sent:?}: the server kept the connection open"
        );
        // hyper answers a header timeout with 408 or just closes.
        let text = String::from_utf8_lossy(&buf);
        assert!(
            text.is_empty() || text.starts_with("HTTP/1.1 408"),
            "{sent:?}: {text}"
        );
    }
    // The server still serves others.
    assert_eq!(get(&server, "/checkpoint").status(), 200);
}

#[test]
fn a_client_over_its_rate_gets_429_with_retry_after() {
    let env = Env::new();
    common::library_ledger(&env, 1);
    let server = start_with(
        &env.ledger(),
        Options {
            rate_per_client: Some(1),
            ..Options::default()
        },
    );
    // A burst of two is allowed; the rest of ten quick requests are not.
    let statuses: Vec<u16> = (0..10)
        .map(|_| get(&server, "/checkpoint").status().as_u16())
        .collect();
    assert_eq!(&statuses[..2], &[200, 200], "{statuses:?}");
    assert!(statuses[2..].contains(&429), "{statuses:?}");
    let r = loop {
        let r = get(&server, "/checkpoint");
        if r.status() == 429 {
            break r;
        }
    };
    assert_eq!(header(&r, "retry-after"), "1");
    assert_eq!(header(&r, "cache-control"), "no-store");
    let v = json(r);
    assert_eq!(v["error"], "rate-limited");
    assert_eq!(
        v["message"],
        "too many requests from 127.0.0.1: at most 1 a second"
    );
}

#[test]
fn absurd_query_parameters_are_400_with_what_is_wrong() {
    let env = Env::new();
    common::library_ledger(&env, 1);
    let server = start(&env.ledger());
    let long = "x".repeat(5000);
    for (path, message) in [
        ("/api/v1/claims?limit=0", "limit '0' is not a number from 1 to 500"),
        ("/api/v1/claims?limit=501", "limit '501' is not a number from 1 to 500"),
        ("/api/v1/claims?limit=-1", "limit '-1' is not a number from 1 to 500"),
        (
            "/api/v1/claims?limit=99999999999999999999999",
            "limit '99999999999999999999999' is not a number from 1 to 500",
        ),
        (
            "/api/v1/claims?cursor=bm9wZQ",
            "cursor 'bm9wZQ' is not one this server gave (use the `next` of a page)",
        ),
        (
            "/api/v1/claims?status=true",
            "status 'true' is not one of retracted, verified, refuted, disputed, unverifiable, in_review, unreviewed",
        ),
        (
            "/api/v1/claims?article=zz",
            "'zz' is not an id prefix: ids are hex digits (0-9, a-f)",
        ),
        ("/api/v1/proofs/inclusion/1e9", "index '1e9' is not a number"),
        ("/api/v1/proofs/inclusion/0?size=-3", "size '-3' is not a number"),
        (
            "/api/v1/proofs/inclusion/0?size=99",
            "tree size 99 is larger than the log (2 entries)",
        ),
        (
            "/api/v1/proofs/consistency",
            "old is missing: ?old=SIZE[&new=SIZE]",
        ),
        (
            "/api/v1/proofs/consistency?old=0",
            "no consistency proof from size 0 to size 2: need 1 <= old <= new",
        ),
    ] {
        let r = get(&server, path);
        assert_eq!(r.status(), 400, "{path}");
        let v = json(r);
        assert_eq!(v["error"], "bad-request", "{path}");
        assert_eq!(v["message"], message, "{path}");
    }
    let r = get(&server, &format!("/api/v1/claims?q={long}"));
    assert_eq!(r.status(), 400);
    assert_eq!(json(r)["message"], "q is longer than 1024 bytes");
    let r = get(&server, "/api/v1/claims?limit=1&colour=red");
    assert_eq!(r.status(), 400);
    let m = json(r)["message"].as_str().unwrap().to_string();
    assert!(m.contains("unknown field `colour`"), "{m}");
    let r = get(&server, "/api/v1/proofs/inclusion/7");
    assert_eq!(r.status(), 400);
    assert_eq!(json(r)["message"], "entry 7 is not in a tree of size 2");
}

#[test]
fn past_the_requests_in_flight_the_server_sheds_load_with_503() {
    let s = crate::support::Seeded::new();
    let server = start_with(
        &s.ledger(),
        Options {
            max_in_flight: 1,
            rate_per_client: None,
            ..Options::default()
        },
    );
    let path = format!("/api/v1/claims/{}/status", s.claim("deadlock"));
    let url = format!("{}{path}", server.url());
    // 16 clients at once against one slot: requests overlap, and every one
    // is either answered or shed at once (never queued).
    let gate = std::sync::Arc::new(std::sync::Barrier::new(16));
    let answers: Vec<(u16, String, serde_json::Value)> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..16)
            .map(|_| {
                let (gate, url) = (gate.clone(), url.clone());
                scope.spawn(move || {
                    let c = super::support::client();
                    gate.wait();
                    (0..5)
                        .map(|_| {
                            let r = c.get(&url).send().unwrap();
                            (r.status().as_u16(), header(&r, "retry-after"), json(r))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect()
    });
    let shed: Vec<_> = answers.iter().filter(|a| a.0 == 503).collect();
    assert!(answers.iter().all(|a| a.0 == 200 || a.0 == 503));
    assert!(answers.iter().any(|a| a.0 == 200));
    assert!(
        !shed.is_empty(),
        "80 overlapping requests on one slot, none shed"
    );
    for (_, retry, v) in shed {
        assert_eq!(retry, "1");
        assert_eq!(v["error"], "overloaded");
        assert_eq!(
            v["message"],
            "the server is busy (service overloaded); try again shortly"
        );
    }
}

#[test]
fn a_post_whose_body_stops_coming_is_408_and_nothing_is_written() {
    let env = Env::new();
    common::library_ledger(&env, 1);
    let dir = env.ledger();
    let checkpoint = std::fs::read(dir.join("checkpoint")).unwrap();
    let server = start_with(
        &dir,
        Options {
            request_timeout: Duration::from_millis(500),
            write: Some(provledger::serve::WriteOptions {
                operator_key: provledger::ledger::Ledger::default_operator_key_path(&dir),
                sequencer: provledger::ledger::sequencer::Config::default(),
            }),
            ..Options::default()
        },
    );
    // A statement the ledger would take (a new key grant by the
    // operator), all but its last byte sent, then nothing: the request
    // times out, and what came is not a statement to append.
    let statement = common::grant(
        &common::operator(),
        &common::fixed_key("late", 99),
        &[provledger::statement::Role::Editor],
    );
    let bytes = statement.bytes();
    let mut s = std::net::TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(
        format!(
            "POST /api/v1/statements HTTP/1.1\r\nHost: x\r\nContent-Type: application/cose\r\nContent-Length: {}\r\n\r\n",
            bytes.len()
        )
        .as_bytes(),
    )
    .unwrap();
    s.write_all(&bytes[..bytes.len() - 1]).unwrap();
    let mut buf = Vec::new();
    // The server answers and closes; the read timeout (far past the
    // server's 500 ms) only ends a test whose server never answers.
    match s.read_to_end(&mut buf) {
        Ok(_) => {}
        Err(e) => assert_ne!(e.kind(), std::io::ErrorKind::WouldBlock, "no answer: {e}"),
    }
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(
        text.contains(r#""error":"timeout""#) && text.contains("the request took too long"),
        "{text}"
    );
    assert_eq!(
        std::fs::read(dir.join("checkpoint")).unwrap(),
        checkpoint,
        "nothing was written"
    );
    // The server still serves others.
    assert_eq!(get(&server, "/checkpoint").status(), 200);
}
