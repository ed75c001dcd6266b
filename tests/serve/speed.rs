//! What the server's speed-ups must not change (BENCHMARKS.md "Serving
//! under load, release build"): full tiles answered from memory are the
//! bytes on disk, partial tiles are never held, a damaged bundle is named,
//! and the pooled readers of the JSON API follow new checkpoints.

use super::support::{client, get, header, json, start, start_with};
use crate::common::{self, Env};
use crate::support::Seeded;
use provledger::ledger::Ledger;
use provledger::serve::Options;
use std::fs;
use std::io::Read;

/// A ledger of 300 entries: full tiles `tile/0/000`, `tile/entries/000`.
fn grown() -> Env {
    let env = Env::new();
    common::library_ledger(&env, 3);
    let op = common::operator();
    let mut l = Ledger::open_writer(&env.ledger()).unwrap();
    let grants = (10..306)
        .map(|i| {
            let k = common::fixed_key(&format!("key{i}"), i);
            common::grant(&op, &k, &[provledger::statement::Role::Editor])
        })
        .collect();
    l.append(grants, &op, common::T0).unwrap();
    env
}

#[test]
fn full_tiles_are_answered_from_memory_with_the_bytes_on_disk() {
    let env = grown();
    let dir = env.ledger();
    let server = start(&dir);
    let url = |p: &str| format!("{}{p}", server.url());
    let hashes = fs::read(dir.join("tile/0/000")).unwrap();
    let bundle = fs::read(dir.join("tile/entries/000")).unwrap();
    let gunzip = |r: reqwest::blocking::Response| {
        assert_eq!(header(&r, "content-encoding"), "gzip");
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&r.bytes().unwrap()[..])
            .read_to_end(&mut plain)
            .unwrap();
        plain
    };
    let zipped = || {
        client()
            .get(url("/tile/entries/000"))
            .header("accept-encoding", "gzip")
            .send()
            .unwrap()
    };
    assert_eq!(get(&server, "/tile/0/000").bytes().unwrap(), hashes);
    assert_eq!(get(&server, "/tile/entries/000").bytes().unwrap(), bundle);
    assert_eq!(gunzip(zipped()), bundle);
    // Gone from the disk, still answered, the same bytes and headers: the
    // answers came from memory.
    fs::remove_file(dir.join("tile/0/000")).unwrap();
    fs::remove_file(dir.join("tile/entries/000")).unwrap();
    let r = get(&server, "/tile/0/000");
    assert_eq!(r.status(), 200);
    assert_eq!(
        header(&r, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(r.bytes().unwrap(), hashes);
    let r = get(&server, "/tile/entries/000");
    assert_eq!(header(&r, "vary"), "accept-encoding");
    assert_eq!(header(&r, "content-encoding"), "");
    assert_eq!(r.bytes().unwrap(), bundle);
    assert_eq!(gunzip(zipped()), bundle);
    // A partial tile is never held: it is read each time (and here its
    // file is gone, which the answer says).
    assert_eq!(get(&server, "/tile/entries/001.p/44").status(), 200);
    let partial = dir.join("tile/entries/001.p/44");
    fs::remove_file(&partial).unwrap();
    let r = get(&server, "/tile/entries/001.p/44");
    assert_eq!(r.status(), 500);
    assert_eq!(header(&r, "cache-control"), "no-store");
    let v = json(r);
    assert_eq!(v["error"], "internal");
    let msg = v["message"].as_str().unwrap();
    assert!(
        msg.contains(&partial.display().to_string())
            && msg.ends_with("the tile is missing though the checkpoint covers it"),
        "{msg}"
    );
    server.stop().unwrap();

    // With no memory for tiles, every answer reads the disk.
    let server = start_with(
        &dir,
        Options {
            tile_cache_bytes: 0,
            ..Options::default()
        },
    );
    assert_eq!(get(&server, "/tile/0/000").status(), 500);
}

#[test]
fn a_bundle_shorter_than_its_checkpoint_says_is_named_as_damaged() {
    let env = Env::new();
    common::library_ledger(&env, 3);
    let dir = env.ledger();
    let server = start(&dir);
    let path = dir.join("tile/entries/000.p/4");
    let bundle = fs::read(&path).unwrap();
    // Cut inside the last entry.
    fs::write(&path, &bundle[..bundle.len() - 3]).unwrap();
    let r = get(&server, "/tile/entries/000.p/4");
    assert_eq!(r.status(), 500);
    let msg = json(r)["message"].as_str().unwrap().to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(
        msg.contains("the bundle is cut short: an entry claims")
            && msg.ends_with("(it should hold the 4 entries the checkpoint covers)"),
        "{msg}"
    );
    let hashes = dir.join("tile/0/000.p/4");
    fs::write(&hashes, [0u8; 100]).unwrap();
    let msg = json(get(&server, "/tile/0/000.p/4"))["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.ends_with("the tile holds 100 bytes, fewer than the 4 hashes the checkpoint covers"),
        "{msg}"
    );
}

#[test]
fn pooled_readers_follow_the_new_checkpoint() {
    let s = Seeded::new();
    let server = start(&s.ledger());
    let claim = s.claim("deadlock").to_string();
    let path = format!("/api/v1/claims/{claim}/status");
    let before = get(&server, &path);
    let size = Ledger::open(&s.ledger()).unwrap().size();
    assert_eq!(header(&before, "etag"), format!("\"{size}\""));
    assert_eq!(json(before)["status"], "unreviewed");
    // Several requests, so several readers are pooled at the old size.
    for _ in 0..4 {
        assert_eq!(get(&server, &path).status(), 200);
    }
    s.verify("cem", "deadlock", "false");
    for _ in 0..4 {
        let r = get(&server, &path);
        assert_eq!(header(&r, "etag"), format!("\"{}\"", size + 1));
        let v = json(r);
        assert_eq!(v, s.json(&["status", &claim]));
        assert_ne!(v["status"], "unreviewed");
    }
}
