//! Capture of articles from the web: fetch a page as evidence, extract its
//! main text, and prepare the `article.record` (with its
//! [`Capture`](crate::statement::Capture) record) and the blobs that go
//! with it.
//!
//! - `http.rs`: the one HTTP client (reqwest, blocking, rustls), with the
//!   capture's own redirect policy, caps, deadline, conditional requests
//!   and `Retry-After`;
//! - `decode.rs`: `Content-Encoding` undone with an output cap, the charset
//!   in the WHATWG order, decoding by `encoding_rs`;
//! - `extract.rs`: main text by `dom_smoothie`, second opinion by
//!   `trafilatura`, agreement, normal form;
//! - `warc.rs`: the WARC/1.1 file of the exchange;
//! - `follow.rs`: first capture and re-fetch of an article (unchanged,
//!   changed, reverted, gone, moved);
//! - `watch.rs`: the watch list (`LEDGER/watch.json`) and its scheduling.
//!
//! Nothing here writes to the ledger: the caller appends the prepared
//! record and blobs through [`Ledger::append_with_blobs`](crate::ledger::Ledger::append_with_blobs),
//! where the rules of `state/articles.rs` check them.

// The network side (HTTP client, decoders, extractors, WARC, watch list)
// is the `capture` Cargo feature; the identity rules below are always
// here, because the rules of `state/captures.rs` use them.
#[cfg(feature = "capture")]
pub mod address;
#[cfg(feature = "capture")]
pub mod decode;
#[cfg(feature = "capture")]
pub mod extract;
#[cfg(feature = "capture")]
mod follow;
#[cfg(feature = "capture")]
pub mod http;
#[cfg(feature = "capture")]
pub mod warc;
#[cfg(feature = "capture")]
pub mod watch;

#[cfg(feature = "capture")]
pub use follow::{
    check_given, first, first_record, low_confidence, next_record, page, update, Page, Update,
};
#[cfg(feature = "capture")]
pub use http::{Conditional, Exchange, FetchOptions, Fetcher};

/// The agreement (per mille) between the two extractors below which a
/// capture must be marked low-confidence (`article.capture-low-confidence`).
pub const MIN_AGREEMENT: u16 = 500;

use url::Url;

/// Why a capture failed. Nothing is written to the ledger on any of them.
#[cfg(feature = "capture")]
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The URL cannot be fetched.
    #[error("cannot fetch '{url}': {why}")]
    BadUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        why: String,
    },
    /// The HTTP client could not be made.
    #[error("the HTTP client cannot be set up: {0}")]
    Client(String),
    /// The exchange failed.
    #[error("fetching {url} failed: {why}")]
    Http {
        /// The URL.
        url: String,
        /// What failed.
        why: String,
    },
    /// The URL (or a redirect) leads to a non-public address.
    #[error("refused to fetch {url}: {why}")]
    PrivateAddress {
        /// The URL (the redirect hop's, for a redirect).
        url: String,
        /// The host, the address and its kind.
        why: String,
    },
    /// A value given for the record is longer than the ledger takes.
    #[error("{field} is {chars} characters long; the most it may be is {max}")]
    TooLong {
        /// The option.
        field: &'static str,
        /// Its length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The deadline passed.
    #[error("fetching {url} timed out after {seconds} s")]
    Timeout {
        /// The URL.
        url: String,
        /// The deadline.
        seconds: f64,
    },
    /// The body is larger than the cap.
    #[error("the body of {url} is larger than {max} bytes, the most a capture reads; nothing was recorded")]
    TooLarge {
        /// The URL.
        url: String,
        /// The cap.
        max: u64,
    },
    /// A content coding decodes past the cap.
    #[error("the {coding} body ({raw} bytes) decodes to more than {max} bytes; refused as a decompression bomb")]
    Bomb {
        /// The coding.
        coding: String,
        /// The raw size.
        raw: u64,
        /// The cap.
        max: u64,
    },
    /// A content coding cannot be undone.
    #[error("{0}")]
    Encoding(String),
    /// A redirect left http and https.
    #[error("{from} redirects to {to}; only http and https redirects are followed")]
    RedirectScheme {
        /// Where the redirect came from.
        from: String,
        /// Where it pointed.
        to: String,
    },
    /// The redirects came back to a URL already visited.
    #[error("redirect loop: {chain}")]
    RedirectLoop {
        /// The chain, as `url -301-> url ...`.
        chain: String,
    },
    /// More redirects than allowed.
    #[error("more than {max} redirects: {chain}")]
    TooManyRedirects {
        /// The bound.
        max: usize,
        /// The chain so far.
        chain: String,
    },
    /// The server asks to come back later than the bound.
    #[error("{url} answered {status} and asks to retry after {seconds} s, longer than the {bound} s a capture waits; try again later")]
    RetryLater {
        /// The URL.
        url: String,
        /// 429 or 503.
        status: u16,
        /// The wait asked for.
        seconds: u64,
        /// The bound.
        bound: u64,
    },
    /// A status that is not a page.
    #[error("{url} answered {status}{}; no article text to record", reason(*.status))]
    Status {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
    },
    /// The response is not an HTML page.
    #[error("{url} is not an HTML page (Content-Type {content_type}); capture records web pages")]
    NotHtml {
        /// The URL.
        url: String,
        /// What it is.
        content_type: String,
    },
    /// Neither extractor found a main text (of at least
    /// [`extract::MIN_WORDS`] words).
    #[error("no main text found in {url}: the extractors found {words} words, fewer than the {} of an article", extract::MIN_WORDS)]
    NoText {
        /// The URL.
        url: String,
        /// The words found.
        words: usize,
    },
    /// The text is larger than an article may be.
    #[error(
        "the main text of {url} is {length} bytes; an article text may be at most {max} bytes"
    )]
    TextTooLarge {
        /// The URL.
        url: String,
        /// Its length.
        length: u64,
        /// The limit.
        max: u64,
    },
}

#[cfg(feature = "capture")]
fn reason(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default()
}

/// An error and its causes, on one line.
#[cfg(feature = "capture")]
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    for c in crate::error::causes(e).skip(1) {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
    }
    s
}

/// Query parameters that track a reader and do not name the article.
pub fn is_tracking_param(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("utm_") || n == "fbclid" || n == "gclid"
}

/// The article's identity URL from the URL that served it: tracking
/// parameters (`utm_*`, `fbclid`, `gclid`) and the fragment removed, the
/// other parameters kept in their order.
pub fn identity_url(u: &Url) -> String {
    let mut u = u.clone();
    u.set_fragment(None);
    let kept: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| !is_tracking_param(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        u.set_query(None);
    } else {
        u.query_pairs_mut().clear().extend_pairs(kept);
    }
    u.to_string()
}

/// Whether a URL (as recorded) carries a tracking parameter.
pub fn has_tracking_param(url: &str) -> bool {
    Url::parse(url).is_ok_and(|u| u.query_pairs().any(|(k, _)| is_tracking_param(&k)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_strips_tracking_only() {
        let u =
            Url::parse("https://n.example/a?id=7&utm_source=x&UTM_Medium=y&fbclid=1&gclid=2#top")
                .unwrap();
        assert_eq!(identity_url(&u), "https://n.example/a?id=7");
        let u = Url::parse("https://n.example/a?utm_campaign=z").unwrap();
        assert_eq!(identity_url(&u), "https://n.example/a");
        assert!(has_tracking_param("https://n.example/a?utm_campaign=z"));
        assert!(!has_tracking_param("https://n.example/a?id=1"));
    }
}
