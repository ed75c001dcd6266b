//! The capture record of an `article.record` made from the web
//! (`provledger article fetch`, `article update --fetch`, `watch run`):
//! how the text was retrieved, so that a reader can check the exchange
//! byte for byte. It is an optional field of the article record, left out
//! when absent, so every record made before it (and every ledger) is
//! unchanged.
//!
//! The raw response bytes and a WARC/1.1 file of the exchange are blobs
//! beside the log, like the text; the rules (`state/articles.rs`,
//! `article.capture-*`) check that they are there and match.

use crate::digest::Digest;
use serde::{Deserialize, Serialize};

/// Which rule of the WHATWG order decided the charset of a captured page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CharsetSource {
    /// A byte-order mark at the start of the body.
    Bom,
    /// The `charset` parameter of the HTTP `Content-Type` header.
    Header,
    /// A `<meta charset>` or `<meta http-equiv="Content-Type">` in the
    /// first 1024 bytes.
    Meta,
    /// Nothing said: guessed from the bytes (`chardetng`).
    Detected,
}

impl CharsetSource {
    /// The name, as written in the record.
    pub fn as_str(self) -> &'static str {
        match self {
            CharsetSource::Bom => "bom",
            CharsetSource::Header => "header",
            CharsetSource::Meta => "meta",
            CharsetSource::Detected => "detected",
        }
    }
}

/// One redirect followed on the way to the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redirect {
    /// The URL that answered with a redirect.
    pub url: String,
    /// Its status (301, 302, 303, 307 or 308).
    pub status: u16,
    /// Where it pointed (its `Location`, resolved against `url`).
    pub location: String,
}

/// The HTTP response headers a capture keeps, as the server sent them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapturedHeaders {
    /// `Date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// `ETag`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// `Last-Modified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// `Content-Type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// `Content-Encoding` (the raw blob is still encoded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_encoding: Option<String>,
}

/// How an article version's text was captured from the web.
///
/// [`Capture::low_confidence`] is the flag that claim drift reads: when it
/// is set, the extracted text may be wrong (the two extractors disagreed
/// strongly, or the text lost more than half of its length since the
/// previous version), and no claim is marked dropped on its strength.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capture {
    /// The URL asked for, as given.
    pub requested_url: String,
    /// The URL that answered with the page, after redirects.
    pub final_url: String,
    /// The redirects followed, in order (none: left out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Redirect>,
    /// The HTTP status of the page (2xx).
    pub status: u16,
    /// The response headers kept.
    pub headers: CapturedHeaders,
    /// The peer's IP address and port, when the client knew it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_addr: Option<String>,
    /// SHA-256 of the DER of the server's TLS leaf certificate (https only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_certificate: Option<Digest>,
    /// SHA-256 of the response body exactly as received (a blob).
    pub raw: Digest,
    /// The raw body's length in bytes.
    pub raw_length: u64,
    /// SHA-256 of the WARC/1.1 file of the exchange (a blob).
    pub warc: Digest,
    /// The charset the page was decoded with (its WHATWG encoding name).
    pub charset: String,
    /// Which rule decided it.
    pub charset_source: CharsetSource,
    /// The page's `<link rel=canonical>`, resolved, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_url: Option<String>,
    /// The page's `og:url`, resolved, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub og_url: Option<String>,
    /// The primary extractor that made the text, with its version
    /// ("dom_smoothie 0.19.0 formatted").
    pub extractor: String,
    /// The second opinion it was compared with, with its version.
    pub second_opinion: String,
    /// How far the two agree, in thousandths (token-multiset F1; 1000 is
    /// the same words).
    pub agreement: u16,
    /// The text may be wrong: strong disagreement of the extractors, or a
    /// text shrunk by more than half since the previous version.
    pub low_confidence: bool,
}
