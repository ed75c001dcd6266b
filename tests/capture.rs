//! Capture from the web (`article fetch`, `article update --fetch`, `watch`),
//! against a loopback server the tests start (`capture/server.rs`) serving
//! the fixture pages of tests/fixtures/capture/. No other address is
//! reached.
//!
//! - `fetch`: the news page, its capture record, blobs and WARC file;
//!   charsets (BOM, header, meta, detected); encodings; every bad input
//!   (redirect loop, ftp:, too many redirects, timeout, body over the cap,
//!   gzip bomb, not HTML, bad URL, Retry-After too long), each with its
//!   message and nothing written.
//! - `follow`: re-fetches: 304 with ETag, the same text, a change, a
//!   revert, a 404 after a first capture, a move.
//! - `watch`: the watch list, due runs, backoff, robots.txt.
//! - `rules`: the `article.capture-*` rules, on records built by hand.
//! - `tls`: over HTTPS, the leaf certificate's digest; an untrusted one.
//! - `ssrf`: non-public addresses refused (literals, names, watch runs),
//!   and the opt-in.

mod fetch;
mod follow;
mod rules;
pub mod server;
mod ssrf;
mod tls;
mod watch;

use crate::common::Env;
use provledger::digest::Digest;
use provledger::ledger::Ledger;
use serde_json::Value;
use std::path::PathBuf;

/// A fixture page's bytes.
pub fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/capture")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A ledger with an editor key `desk` (returns its key file).
pub fn ledger() -> (Env, String) {
    let env = Env::with_ledger();
    let (key, _) = env.granted("desk", "editor");
    (env, key.display().to_string())
}

/// Runs `article fetch URL --json` (with `extra`), expecting success.
pub fn fetch_json(env: &Env, key: &str, url: &str, extra: &[&str]) -> Value {
    let mut args = vec!["article", "fetch", url, "--key", key, "--json"];
    args.extend_from_slice(extra);
    let v = env.run(&args).ok().json();
    crate::common::assert_schema("article-fetch.schema.json", &v);
    v
}

/// A blob of the test's ledger, by hex digest.
pub fn blob(env: &Env, hex: &str) -> Vec<u8> {
    let l = Ledger::open(&env.ledger()).unwrap();
    l.log()
        .get_blob(&Digest::from_hex(hex).unwrap())
        .expect("the blob is stored")
}

/// One record of a WARC file: its header fields and block.
pub struct WarcRecord {
    pub fields: Vec<(String, String)>,
    pub block: Vec<u8>,
}

impl WarcRecord {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A small WARC/1.1 reader, written from the spec (ISO 28500 §4-§5): each
/// record is a version line, header fields, a blank line, Content-Length
/// bytes of block and two CRLFs. It checks every record's
/// WARC-Block-Digest (and a response's WARC-Payload-Digest) as
/// `sha256:` + base32.
pub fn read_warc(bytes: &[u8]) -> Vec<WarcRecord> {
    let b32 = |b: &[u8]| format!("sha256:{}", data_encoding::BASE32.encode(&Digest::of(b).0));
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let end = rest
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a WARC header ends with a blank line");
        let head = std::str::from_utf8(&rest[..end]).expect("WARC headers are UTF-8");
        let mut lines = head.split("\r\n");
        assert_eq!(lines.next(), Some("WARC/1.1"), "version line");
        let fields: Vec<(String, String)> = lines
            .map(|l| {
                let (k, v) = l.split_once(": ").expect("a field is name: value");
                (k.to_string(), v.to_string())
            })
            .collect();
        let len: usize = fields
            .iter()
            .find(|(k, _)| k == "Content-Length")
            .expect("Content-Length")
            .1
            .parse()
            .unwrap();
        let block = rest[end + 4..end + 4 + len].to_vec();
        assert_eq!(
            &rest[end + 4 + len..end + 8 + len],
            b"\r\n\r\n",
            "a record ends with two CRLFs"
        );
        rest = &rest[end + 8 + len..];
        let r = WarcRecord { fields, block };
        assert_eq!(r.field("WARC-Block-Digest"), Some(b32(&r.block).as_str()));
        for k in ["WARC-Type", "WARC-Date", "WARC-Record-ID"] {
            assert!(r.field(k).is_some(), "a record has {k}");
        }
        if r.field("WARC-Type") == Some("response") {
            let body_at = r
                .block
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .expect("an HTTP head")
                + 4;
            assert_eq!(
                r.field("WARC-Payload-Digest"),
                Some(b32(&r.block[body_at..]).as_str())
            );
        }
        out.push(r);
    }
    out
}
