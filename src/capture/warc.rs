//! A WARC/1.1 file of one capture (ISO 28500:2017), so that standard
//! web-archive tools can replay it: a `warcinfo` record, a `request` and a
//! `response` (status line, headers and the body exactly as received) for
//! each redirect followed and for the page, and a `metadata` record of what the capture concluded (redirect chain,
//! charset, extractor, digests). Block and payload digests are
//! `sha256:` + RFC 4648 base32, as WARC 1.1 §5.8 writes them.
//!
//! The file is deterministic: record ids are derived from the content, so
//! the same exchange gives the same bytes.

use super::http::Exchange;
use crate::digest::Digest;

/// `sha256:` + base32 of the SHA-256 of `bytes`.
pub fn digest_label(bytes: &[u8]) -> String {
    format!(
        "sha256:{}",
        data_encoding::BASE32.encode(&Digest::of(bytes).0)
    )
}

fn record_id(kind: &str, salt: &[u8]) -> String {
    let mut h = kind.as_bytes().to_vec();
    h.extend_from_slice(salt);
    let d = Digest::of(&h).0;
    // A UUID of version 8 ("custom", RFC 9562) from the digest.
    let mut u = [0u8; 16];
    u.copy_from_slice(&d[..16]);
    u[6] = (u[6] & 0x0f) | 0x80;
    u[8] = (u[8] & 0x3f) | 0x80;
    let x = hex::encode(u);
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &x[..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..]
    )
}

fn record(out: &mut Vec<u8>, fields: &[(&str, String)], block: &[u8]) {
    out.extend_from_slice(b"WARC/1.1\r\n");
    for (k, v) in fields {
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(format!("WARC-Block-Digest: {}\r\n", digest_label(block)).as_bytes());
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", block.len()).as_bytes());
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
}

/// The response head as the client parsed it: status line and headers.
/// `Transfer-Encoding` is left out, since the body is stored with the
/// transfer coding removed (as WARC readers expect).
fn response_head(ex: &Exchange) -> Vec<u8> {
    let version = match ex.version.as_str() {
        "HTTP/1.0" => "HTTP/1.0",
        _ => "HTTP/1.1",
    };
    let reason = reqwest::StatusCode::from_u16(ex.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut h = format!("{version} {} {reason}\r\n", ex.status).into_bytes();
    for (n, v) in &ex.headers {
        if n == "transfer-encoding" {
            continue;
        }
        h.extend_from_slice(n.as_bytes());
        h.extend_from_slice(b": ");
        h.extend_from_slice(v);
        h.extend_from_slice(b"\r\n");
    }
    h.extend_from_slice(b"\r\n");
    h
}

/// Writes the request and response records of one exchange; returns the
/// response's record id.
fn exchange(out: &mut Vec<u8>, ex: &Exchange, info_id: &str) -> String {
    let date = crate::time::rfc3339(ex.retrieved_at);
    let uri = ex.final_url.to_string();
    let request_id = record_id("request", &[uri.as_bytes(), &ex.request_head].concat());
    let mut response_block = response_head(ex);
    response_block.extend_from_slice(&ex.body);
    let response_id = record_id("response", &[uri.as_bytes(), &response_block].concat());
    let mut ip = Vec::new();
    if let Some(a) = &ex.remote_addr {
        let host = a
            .parse::<std::net::SocketAddr>()
            .map(|s| s.ip().to_string());
        ip.push(("WARC-IP-Address", host.unwrap_or_else(|_| a.clone())));
    }
    let mut fields = vec![
        ("WARC-Type", "request".to_string()),
        ("WARC-Target-URI", uri.clone()),
        ("WARC-Date", date.clone()),
        ("WARC-Record-ID", request_id.clone()),
        ("WARC-Warcinfo-ID", info_id.to_string()),
        ("WARC-Concurrent-To", response_id.clone()),
        ("Content-Type", "application/http;msgtype=request".into()),
    ];
    fields.extend(ip.iter().cloned());
    record(out, &fields, &ex.request_head);
    let mut fields = vec![
        ("WARC-Type", "response".to_string()),
        ("WARC-Target-URI", uri.clone()),
        ("WARC-Date", date.clone()),
        ("WARC-Record-ID", response_id.clone()),
        ("WARC-Warcinfo-ID", info_id.to_string()),
        ("WARC-Payload-Digest", digest_label(&ex.body)),
        ("Content-Type", "application/http;msgtype=response".into()),
    ];
    fields.extend(ip);
    record(out, &fields, &response_block);
    response_id
}

/// The WARC file of `ex` (and of the redirects before it), with `metadata` (`name: value` lines) in its
/// metadata record.
pub fn write(ex: &Exchange, metadata: &[(String, String)]) -> Vec<u8> {
    let date = crate::time::rfc3339(ex.retrieved_at);
    let uri = ex.final_url.to_string();
    let mut out = Vec::new();
    let info = format!(
        "software: provledger/{}\r\nformat: WARC File Format 1.1\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n",
        env!("CARGO_PKG_VERSION")
    );
    let info_id = record_id("warcinfo", &[uri.as_bytes(), date.as_bytes()].concat());
    record(
        &mut out,
        &[
            ("WARC-Type", "warcinfo".into()),
            ("WARC-Date", date.clone()),
            ("WARC-Record-ID", info_id.clone()),
            ("Content-Type", "application/warc-fields".into()),
        ],
        info.as_bytes(),
    );
    let mut response_id = String::new();
    for hop in ex.hops.iter().chain(std::iter::once(ex)) {
        response_id = exchange(&mut out, hop, &info_id);
    }
    let mut meta = String::new();
    for (k, v) in metadata {
        meta.push_str(&format!("{k}: {}\r\n", v.replace(['\r', '\n'], " ")));
    }
    let meta_id = record_id("metadata", &[uri.as_bytes(), meta.as_bytes()].concat());
    record(
        &mut out,
        &[
            ("WARC-Type", "metadata".into()),
            ("WARC-Target-URI", uri),
            ("WARC-Date", date),
            ("WARC-Record-ID", meta_id),
            ("WARC-Warcinfo-ID", info_id),
            ("WARC-Concurrent-To", response_id),
            ("Content-Type", "application/warc-fields".into()),
        ],
        meta.as_bytes(),
    );
    out
}
