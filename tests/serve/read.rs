//! The read side: checkpoint, tiles, blobs and the log document, over a
//! real loopback connection.

use super::support::{client, get, header, json, start};
use crate::common::{self, assert_schema, Env};
use crate::support::Seeded;
use provledger::ledger::Ledger;
use std::fs;
use std::io::Read;

#[test]
fn serves_checkpoint_tiles_and_the_log_document() {
    let env = Env::new();
    common::library_ledger(&env, 3);
    let dir = env.ledger();
    let server = start(&dir);

    let r = get(&server, "/checkpoint");
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-type"), "text/plain; charset=utf-8");
    assert_eq!(header(&r, "cache-control"), "no-cache");
    assert_eq!(header(&r, "access-control-allow-origin"), "*");
    assert_eq!(
        r.bytes().unwrap(),
        fs::read(dir.join("checkpoint")).unwrap()
    );

    let r = get(&server, "/tile/entries/000.p/4");
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-type"), "application/octet-stream");
    assert_eq!(
        header(&r, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    let bundle = fs::read(dir.join("tile/entries/000.p/4")).unwrap();
    assert_eq!(r.bytes().unwrap(), bundle);
    let r = get(&server, "/tile/0/000.p/4");
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.bytes().unwrap(),
        fs::read(dir.join("tile/0/000.p/4")).unwrap()
    );

    let r = get(&server, "/api/v1/log");
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "etag"), "\"4\"");
    let v = json(r);
    assert_schema("api-log.schema.json", &v);
    assert_eq!(v["origin"], common::ORIGIN);
    assert_eq!(v["size"], 4);
    assert_eq!(
        v["operator_key"],
        fs::read_to_string(dir.join("private/operator.pub"))
            .unwrap()
            .trim()
    );

    // Past the checkpoint, and not a tile at all: 404, never cacheable.
    for path in [
        "/tile/entries/000.p/5",
        "/tile/entries/000",
        "/tile/1/000.p/1",
    ] {
        let r = get(&server, path);
        assert_eq!(r.status(), 404, "{path}");
        assert_eq!(header(&r, "cache-control"), "no-store", "{path}");
        let v = json(r);
        assert_schema("api-error.schema.json", &v);
        assert_eq!(v["error"], "not-found");
        assert_eq!(
            v["message"],
            format!("{path}: the log has no such tile at its current size (4 entries)")
        );
    }
    server.stop().unwrap();
}

#[test]
fn a_client_holding_an_old_checkpoint_gets_its_partial_tiles_after_the_log_grew() {
    let env = Env::new();
    common::library_ledger(&env, 3);
    let dir = env.ledger();
    let server = start(&dir);
    let old_bundle = get(&server, "/tile/entries/000.p/4").bytes().unwrap();
    let old_hashes = get(&server, "/tile/0/000.p/4").bytes().unwrap();
    assert_eq!(
        old_bundle,
        fs::read(dir.join("tile/entries/000.p/4")).unwrap()
    );

    // 300 more entries: the writer replaces the partial tiles by full ones.
    let op = common::operator();
    let mut l = Ledger::open_writer(&dir).unwrap();
    let grants = (10..310)
        .map(|i| {
            let k = common::fixed_key(&format!("key{i}"), i);
            common::grant(&op, &k, &[provledger::statement::Role::Editor])
        })
        .collect();
    l.append(grants, &op, common::T0).unwrap();
    drop(l);
    assert!(!dir.join("tile/entries/000.p/4").exists());
    assert!(!dir.join("tile/0/000.p/4").exists());

    let r = get(&server, "/api/v1/log");
    assert_eq!(
        json(r)["size"],
        304,
        "the server follows the new checkpoint"
    );
    let r = get(&server, "/tile/entries/000.p/4");
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().unwrap(), old_bundle);
    let r = get(&server, "/tile/0/000.p/4");
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().unwrap(), old_hashes);
    // And the new ones.
    let full = get(&server, "/tile/entries/000").bytes().unwrap();
    assert_eq!(full, fs::read(dir.join("tile/entries/000")).unwrap());
    assert!(full.starts_with(&old_bundle));
    let r = get(&server, "/tile/1/000.p/1");
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.bytes().unwrap(),
        fs::read(dir.join("tile/1/000.p/1")).unwrap()
    );
}

#[test]
fn entry_bundles_go_gzipped_when_asked_head_and_etags_work() {
    let env = Env::new();
    common::library_ledger(&env, 3);
    let dir = env.ledger();
    let server = start(&dir);
    let url = |p: &str| format!("{}{p}", server.url());
    let bundle = fs::read(dir.join("tile/entries/000.p/4")).unwrap();

    let r = client()
        .get(url("/tile/entries/000.p/4"))
        .header("accept-encoding", "gzip")
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-encoding"), "gzip");
    assert_eq!(header(&r, "vary"), "accept-encoding");
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(&r.bytes().unwrap()[..])
        .read_to_end(&mut plain)
        .unwrap();
    assert_eq!(plain, bundle);
    // Refused with q=0, and never for hash tiles.
    for (path, ae) in [
        ("/tile/entries/000.p/4", "gzip;q=0"),
        ("/tile/0/000.p/4", "gzip"),
    ] {
        let r = client()
            .get(url(path))
            .header("accept-encoding", ae)
            .send()
            .unwrap();
        assert_eq!(header(&r, "content-encoding"), "", "{path}");
    }

    let r = client().head(url("/tile/entries/000.p/4")).send().unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-length"), bundle.len().to_string());
    assert!(r.bytes().unwrap().is_empty());
    let r = client().head(url("/tile/entries/000")).send().unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(header(&r, "cache-control"), "no-store");

    let r = client()
        .get(url("/api/v1/log"))
        .header("if-none-match", "\"4\"")
        .send()
        .unwrap();
    assert_eq!(r.status(), 304);
    assert_eq!(header(&r, "etag"), "\"4\"");
    let r = client()
        .get(url("/api/v1/log"))
        .header("if-none-match", "\"3\"")
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);

    // CORS preflight from a newsroom page.
    let r = client()
        .request(reqwest::Method::OPTIONS, url("/api/v1/log"))
        .header("origin", "https://newsroom.example")
        .header("access-control-request-method", "GET")
        .send()
        .unwrap();
    assert_eq!(header(&r, "access-control-allow-origin"), "*");
}

#[test]
fn the_api_answers_with_the_documents_of_the_command_line() {
    let s = Seeded::new();
    let server = start(&s.ledger());
    let claim = s.claim("deadlock").to_string();

    let r = get(&server, &format!("/api/v1/claims/{claim}/status"));
    assert_eq!(r.status(), 200);
    let v = json(r);
    assert_schema("status.schema.json", &v);
    assert_eq!(v, s.json(&["status", &claim]));

    let r = get(&server, &format!("/api/v1/claims/{}/history", &claim[..8]));
    let v = json(r);
    assert_schema("history.schema.json", &v);
    assert_eq!(v, s.json(&["history", &claim]));

    // All claims, two a page, following the cursor.
    let all = s.json(&["claims"]);
    let mut seen = Vec::new();
    let mut path = "/api/v1/claims?limit=2".to_string();
    loop {
        let v = json(get(&server, &path));
        assert_schema("api-claims.schema.json", &v);
        let page = v["claims"].as_array().unwrap();
        assert!(page.len() <= 2);
        seen.extend(page.iter().cloned());
        match v["next"].as_str() {
            Some(c) => path = format!("/api/v1/claims?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(serde_json::Value::Array(seen), all);
    let v = json(get(&server, "/api/v1/claims?status=unreviewed&q=Istanbul"));
    assert_eq!(
        v["claims"],
        s.json(&["claims", "--status", "unreviewed", "--search", "Istanbul"])
    );

    let r = get(&server, &format!("/api/v1/statements/{claim}"));
    let v = json(r);
    assert_schema("statement.schema.json", &v);
    assert_eq!(v, s.json(&["show", &claim]));
    let r = client()
        .get(format!("{}/api/v1/statements/{claim}", server.url()))
        .header("accept", "application/cose")
        .send()
        .unwrap();
    assert_eq!(header(&r, "content-type"), "application/cose");
    let cose = r.bytes().unwrap();
    assert_eq!(provledger::digest::Digest::of(&cose).to_hex(), claim);

    let seq = v["seq"].as_u64().unwrap();
    let v = json(get(&server, &format!("/api/v1/proofs/inclusion/{seq}")));
    assert_schema("inclusion-proof.schema.json", &v);
    assert_eq!(v, s.json(&["proof", "inclusion", &claim]));
    let v = json(get(&server, "/api/v1/proofs/consistency?old=3"));
    assert_schema("consistency-proof.schema.json", &v);
    assert_eq!(v, s.json(&["proof", "consistency", "3"]));
    let file = s.root().join("c1.proof");
    s.ok(&[
        "proof",
        "inclusion",
        &claim,
        "--out",
        file.to_str().unwrap(),
    ]);
    let r = get(&server, &format!("/api/v1/proofs/tlog/{seq}"));
    assert_eq!(r.text().unwrap(), fs::read_to_string(&file).unwrap());

    let r = get(&server, &format!("/api/v1/claims/{}/status", s.v1));
    assert_eq!(r.status(), 400);
    let v = json(r);
    assert_schema("api-error.schema.json", &v);
    let r = get(
        &server,
        &format!("/api/v1/claims/{}/status", "0".repeat(64)),
    );
    assert_eq!(r.status(), 404);
}

/// The web view under `/`: every page is the static site's page, byte for
/// byte, with the pages' policy as a header; the index filters by its query
/// on the server; a path that is no page keeps the server's 404; a POST to
/// a page is no page.
#[test]
fn serves_the_web_view_under_the_root() {
    use crate::report::{sample_ledger, write_report, WASIQ};
    let env = sample_ledger();
    let site = write_report(&env);
    let server = start(&env.ledger());

    for (path, file) in [
        ("/".to_string(), "index.html".to_string()),
        ("/index.html".to_string(), "index.html".to_string()),
        (
            format!("/claims/{WASIQ}.html"),
            format!("claims/{WASIQ}.html"),
        ),
        ("/audit.html".to_string(), "audit.html".to_string()),
        ("/style.css".to_string(), "style.css".to_string()),
    ] {
        let r = get(&server, &path);
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(header(&r, "cache-control"), "no-cache", "{path}");
        assert!(
            header(&r, "content-security-policy").starts_with("default-src 'none'"),
            "{path}"
        );
        let want = fs::read(site.join(&file)).unwrap();
        assert!(
            r.bytes().unwrap() == want,
            "{path} differs from site/{file}"
        );
    }
    let r = get(&server, "/style.css");
    assert_eq!(header(&r, "content-type"), "text/css; charset=utf-8");

    // The index filtered by status on the server: only disputed claims.
    let all = get(&server, "/").text().unwrap();
    let disputed = get(&server, "/?status=disputed").text().unwrap();
    assert!(disputed.len() < all.len(), "the filter kept every claim");
    assert!(!disputed.contains(&format!("claims/{WASIQ}.html")));

    for path in [
        "/claims/nothing.html",
        "/claims/../private/operator.key",
        "/private/operator.key",
        "/index.sqlite",
    ] {
        let r = get(&server, path);
        assert_eq!(r.status(), 404, "{path}");
        let v = json(r);
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .starts_with("no such resource: "),
            "{path}: {v}"
        );
    }
    let r = client()
        .post(format!("{}/index.html", server.url()))
        .body("x")
        .send()
        .unwrap();
    assert_eq!(r.status(), 404);
}
