//! The read side: checkpoint, tiles, blobs and the log document, over a
//! real loopback connection.

use super::support::{get, header, json, start};
use crate::common::{self, Env};
use std::fs;

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
        assert_eq!(v["error"], "not-found");
        assert_eq!(
            v["message"],
            format!("{path}: the log has no such tile at its current size (4 entries)")
        );
    }
    server.stop().unwrap();
}
