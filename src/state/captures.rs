//! Rules of an `article.record`'s capture record (`article.capture-*`),
//! checked with the rest of the record by `articles::check`: the capture's
//! URLs are http(s) and its redirect chain joins the requested URL to the
//! final one, its status is a page (2xx), the article's identity URL
//! carries no tracking parameter and is the final URL's identity, no URL
//! carries credentials, an agreement below the threshold is marked
//! low-confidence, its charset is a WHATWG encoding name,
//! and its raw body and WARC file are in the blob store and match their
//! digests.

use super::limits::{line, url, MAX_LABEL_CHARS, MAX_URL_CHARS};
use super::{refuse, short, Blobs, Check, StateError};
use crate::digest::Digest;
use crate::statement::{ArticleRecord, Capture};

/// Most redirects a capture may have followed.
pub const MAX_REDIRECTS: usize = 10;

fn http_url(field: &str, v: &str) -> Result<(), Check> {
    url(field, v)?;
    let lower = v.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        refuse!(
            "article.capture-url",
            "capture {field} '{v}' is not an http or https URL; a capture fetches only those"
        );
    }
    if let Ok(u) = url::Url::parse(v) {
        if !u.username().is_empty() || u.password().is_some() {
            refuse!(
                "article.capture-url",
                "capture {field} carries a user name or password; a capture never records credentials"
            );
        }
    }
    Ok(())
}

fn blob(blobs: &dyn Blobs, what: &str, d: &Digest, len: Option<u64>) -> Result<(), Check> {
    let Some(bytes) = blobs.blob(d).map_err(StateError::from)? else {
        refuse!(
            "article.capture-blob-missing",
            "the capture's {what} (blob {}) is not in the blob store; store it with the record",
            short(d)
        );
    };
    if Digest::of(&bytes) != *d {
        refuse!(
            "article.capture-blob-digest",
            "the capture's {what} (blob {}) in the blob store does not hash to its address",
            short(d)
        );
    }
    if let Some(len) = len {
        if bytes.len() as u64 != len {
            refuse!(
                "article.capture-raw-length",
                "capture raw_length is {len} bytes but the raw body (blob {}) is {} bytes",
                short(d),
                bytes.len()
            );
        }
    }
    Ok(())
}

/// Checks the capture `c` of article record `a`.
pub(super) fn check(a: &ArticleRecord, c: &Capture, blobs: &dyn Blobs) -> Result<(), Check> {
    if crate::capture::has_tracking_param(&a.url) {
        refuse!(
            "article.capture-tracking-url",
            "url '{}' carries a tracking parameter (utm_*, fbclid or gclid); a captured article's identity URL is recorded without them",
            a.url
        );
    }
    http_url("requested_url", &c.requested_url)?;
    http_url("final_url", &c.final_url)?;
    if c.redirects.len() > MAX_REDIRECTS {
        refuse!(
            "article.capture-redirects",
            "the capture followed {} redirects; at most {MAX_REDIRECTS} are allowed",
            c.redirects.len()
        );
    }
    let mut at = c.requested_url.as_str();
    for (i, r) in c.redirects.iter().enumerate() {
        http_url(&format!("redirects[{i}].url"), &r.url)?;
        http_url(&format!("redirects[{i}].location"), &r.location)?;
        if !matches!(r.status, 301 | 302 | 303 | 307 | 308) {
            refuse!(
                "article.capture-redirects",
                "redirects[{i}] has status {}, which is not a redirect (301, 302, 303, 307, 308)",
                r.status
            );
        }
        if r.url != at {
            refuse!(
                "article.capture-redirects",
                "redirects[{i}] starts at '{}' but the chain is at '{at}'; the chain must join requested_url to final_url",
                r.url
            );
        }
        at = &r.location;
    }
    if at != c.final_url {
        refuse!(
            "article.capture-redirects",
            "the redirect chain ends at '{at}' but final_url is '{}'",
            c.final_url
        );
    }
    if !(200..300).contains(&c.status) {
        refuse!(
            "article.capture-status",
            "capture status is {}; an article version is captured from a 2xx response",
            c.status
        );
    }
    for (field, v) in [("canonical_url", &c.canonical_url), ("og_url", &c.og_url)] {
        if let Some(v) = v {
            http_url(field, v)?;
        }
    }
    let h = &c.headers;
    for (field, v) in [
        ("headers.date", &h.date),
        ("headers.etag", &h.etag),
        ("headers.last_modified", &h.last_modified),
        ("headers.content_type", &h.content_type),
        ("headers.content_encoding", &h.content_encoding),
    ] {
        if let Some(v) = v {
            line(field, v, MAX_URL_CHARS)?;
        }
    }
    if let Some(addr) = &c.remote_addr {
        if addr.parse::<std::net::SocketAddr>().is_err() {
            refuse!(
                "article.capture-remote-addr",
                "capture remote_addr '{addr}' is not an IP address and port"
            );
        }
    }
    let known = encoding_rs::Encoding::for_label(c.charset.as_bytes());
    if known.map(|e| e.name()) != Some(c.charset.as_str()) {
        refuse!(
            "article.capture-charset",
            "capture charset '{}' is not the name of a WHATWG encoding (like UTF-8 or windows-1252)",
            c.charset
        );
    }
    line("extractor", &c.extractor, MAX_LABEL_CHARS)?;
    line("second_opinion", &c.second_opinion, MAX_LABEL_CHARS)?;
    if c.agreement > 1000 {
        refuse!(
            "article.capture-agreement",
            "capture agreement is {}; it is in thousandths, at most 1000",
            c.agreement
        );
    }
    if c.agreement < crate::capture::MIN_AGREEMENT && !c.low_confidence {
        refuse!(
            "article.capture-low-confidence",
            "capture agreement is {} (below {}) but low_confidence is false; extractors that disagree make the text low-confidence",
            c.agreement,
            crate::capture::MIN_AGREEMENT
        );
    }
    // The article's identity is the final URL's, so the record cannot name
    // one page and carry the capture of another.
    if let Ok(fin) = url::Url::parse(&c.final_url) {
        let want = crate::capture::identity_url(&fin);
        if a.url != want {
            refuse!(
                "article.capture-identity-url",
                "url '{}' is not the identity of the capture's final_url (want '{want}'): a captured article is identified by the page that served it",
                a.url
            );
        }
    }
    blob(blobs, "raw body", &c.raw, Some(c.raw_length))?;
    blob(blobs, "WARC file", &c.warc, None)?;
    Ok(())
}
