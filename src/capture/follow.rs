//! A first capture of an article, and the re-fetch of one already recorded:
//! what the response means for the article's version chain.
//!
//! - 2xx with a new text: a new version, superseding the latest (and said
//!   to be a revert when its text is that of an earlier version);
//! - 304, or 2xx with the latest version's text (or its raw bytes): no new
//!   version (the server's validators are checked first, the hashes after);
//! - 404 or 410: the article is gone; earlier versions stay;
//! - a redirect to another identity URL: the article moved; nothing is
//!   recorded as a version, since the page is no longer the same address.

use super::decode;
use super::extract::{self, MIN_AGREEMENT};
use super::http::{Conditional, Exchange, Fetcher};
use super::{identity_url, warc, CaptureError};
use crate::digest::Digest;
use crate::state::limits::{MAX_ARTICLE_BYTES, MAX_LABEL_CHARS, MAX_TITLE_CHARS};
use crate::state::{ArticleChain, ArticleInfo};
use crate::statement::{ArticleRecord, Capture};

/// A captured page, ready to be recorded.
#[derive(Clone, Debug)]
pub struct Page {
    /// The normalised main text (UTF-8), the version's content.
    pub text: String,
    /// The capture record.
    pub capture: Capture,
    /// The article's identity URL (the final URL without tracking
    /// parameters or fragment).
    pub identity_url: String,
    /// The headline the page gives, if any.
    pub title: Option<String>,
    /// The site name the page gives, if any.
    pub site_name: Option<String>,
    /// The raw body exactly as received.
    pub raw: Vec<u8>,
    /// The WARC/1.1 file of the exchange.
    pub warc: Vec<u8>,
    /// The second opinion's text, for a reader who wants to compare.
    pub second_text: String,
    /// When the response arrived (unix seconds, the ledger's clock).
    pub retrieved_at: u64,
}

impl Page {
    /// The blobs a record of this page refers to: text, raw body, WARC.
    pub fn blobs(&self) -> Vec<Vec<u8>> {
        vec![
            self.text.as_bytes().to_vec(),
            self.raw.clone(),
            self.warc.clone(),
        ]
    }
}

/// Whether a text is low-confidence: the extractors agree less than
/// [`MIN_AGREEMENT`], or it is less than half as long as the version it
/// would follow (`previous_length`).
pub fn low_confidence(agreement: u16, length: u64, previous_length: Option<u64>) -> bool {
    agreement < MIN_AGREEMENT || previous_length.is_some_and(|p| length.saturating_mul(2) < p)
}

/// Makes a [`Page`] of a 2xx exchange. `previous_length` is the text
/// length of the version this one would follow: a text less than half as
/// long is marked low-confidence.
pub fn page(
    ex: &Exchange,
    max_decoded: u64,
    previous_length: Option<u64>,
) -> Result<Page, CaptureError> {
    let url = ex.final_url.to_string();
    let headers = ex.kept_headers();
    if let Some(ct) = &headers.content_type {
        let mime = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if !matches!(mime.as_str(), "text/html" | "application/xhtml+xml" | "") {
            return Err(CaptureError::NotHtml {
                url,
                content_type: ct.clone(),
            });
        }
    }
    let html = decode::content_decode(&ex.body, headers.content_encoding.as_deref(), max_decoded)?;
    let host = ex.final_url.host_str().unwrap_or_default();
    let charset = decode::choose(&html, headers.content_type.as_deref(), host);
    let html = decode::decode(&html, charset);
    let found = extract::extract(&html, &ex.final_url)?;
    if found.text.len() as u64 > MAX_ARTICLE_BYTES {
        return Err(CaptureError::TextTooLarge {
            url,
            length: found.text.len() as u64,
            max: MAX_ARTICLE_BYTES,
        });
    }
    let low_confidence = low_confidence(found.agreement, found.text.len() as u64, previous_length);
    let raw = ex.body.clone();
    let mut capture = Capture {
        requested_url: ex.requested_url.clone(),
        final_url: url.clone(),
        redirects: ex.redirects.clone(),
        status: ex.status,
        headers,
        remote_addr: ex.remote_addr.clone(),
        tls_certificate: ex.tls_certificate,
        raw: Digest::of(&raw),
        raw_length: raw.len() as u64,
        warc: Digest([0; 32]),
        charset: charset.encoding.name().to_string(),
        charset_source: charset.source,
        canonical_url: found.canonical_url.clone(),
        og_url: found.og_url.clone(),
        extractor: found.extractor.clone(),
        second_opinion: found.second_opinion.clone(),
        agreement: found.agreement,
        low_confidence,
    };
    let mut meta = vec![
        ("requested-url".to_string(), capture.requested_url.clone()),
        (
            "charset".into(),
            format!("{} ({})", capture.charset, capture.charset_source.as_str()),
        ),
        ("extractor".into(), capture.extractor.clone()),
        ("second-opinion".into(), capture.second_opinion.clone()),
        ("agreement".into(), format!("{}/1000", capture.agreement)),
        ("low-confidence".into(), capture.low_confidence.to_string()),
        (
            "text-digest".into(),
            warc::digest_label(found.text.as_bytes()),
        ),
        ("text-length".into(), found.text.len().to_string()),
    ];
    for r in &capture.redirects {
        meta.push((
            "redirect".into(),
            format!("{} {} {}", r.url, r.status, r.location),
        ));
    }
    if let Some(c) = &capture.canonical_url {
        meta.push(("canonical-url".into(), c.clone()));
    }
    if let Some(c) = &capture.og_url {
        meta.push(("og-url".into(), c.clone()));
    }
    if let Some(t) = &capture.tls_certificate {
        meta.push(("tls-certificate-sha256".into(), t.to_hex()));
    }
    let warc = warc::write(ex, &meta);
    if warc.len() as u64 > crate::log::blobs::MAX_BLOB_BYTES {
        return Err(CaptureError::TooLarge {
            url,
            max: crate::log::blobs::MAX_BLOB_BYTES,
        });
    }
    capture.warc = Digest::of(&warc);
    Ok(Page {
        identity_url: identity_url(&ex.final_url),
        text: found.text,
        capture,
        title: found.title,
        site_name: found.site_name,
        raw,
        warc,
        second_text: found.second,
        retrieved_at: ex.retrieved_at,
    })
}

/// Fetches `url` for a first capture: anything but a 2xx page is an error.
pub fn first(fetcher: &Fetcher, url: &str) -> Result<Page, CaptureError> {
    let ex = fetcher.get(url, &Conditional::default())?;
    if !(200..300).contains(&ex.status) {
        return Err(CaptureError::Status {
            url: ex.final_url.to_string(),
            status: ex.status,
        });
    }
    page(&ex, fetcher.options().max_decoded, None)
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// Refuses a publisher or title given for a first capture (`--publisher`,
/// `--title`) that is longer than the ledger takes, naming the field and
/// the limit. Only the page's own site name and headline are clipped
/// ([`first_record`]): those are the page's words, these the editor's.
pub fn check_given(publisher: Option<&str>, title: Option<&str>) -> Result<(), CaptureError> {
    for (field, value, max) in [
        ("--publisher", publisher, MAX_LABEL_CHARS),
        ("--title", title, MAX_TITLE_CHARS),
    ] {
        let n = value.map_or(0, |v| v.chars().count());
        if n > max {
            return Err(CaptureError::TooLong {
                field,
                chars: n,
                max,
            });
        }
    }
    Ok(())
}

/// The `article.record` of a first capture: publisher and title as given
/// (checked by [`check_given`]), else as the page says (its site name or
/// host; its headline), clipped to the ledger's limits.
pub fn first_record(
    page: &Page,
    publisher: Option<String>,
    title: Option<String>,
) -> ArticleRecord {
    let host = url::Url::parse(&page.identity_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    let publisher = publisher
        .or_else(|| page.site_name.clone().filter(|s| !s.is_empty()))
        .unwrap_or(host);
    let title = title
        .or_else(|| page.title.clone())
        .unwrap_or_else(|| page.identity_url.clone());
    let mut r = ArticleRecord::first_version(
        page.text.as_bytes(),
        page.identity_url.clone(),
        clip(&publisher, MAX_LABEL_CHARS),
        clip(&title, MAX_TITLE_CHARS),
        None,
        retrieved_at(page),
    );
    r.capture = Some(Box::new(page.capture.clone()));
    r
}

fn retrieved_at(page: &Page) -> u64 {
    page.retrieved_at
}

/// The `article.record` of a new version captured as `page`, superseding
/// `latest`; url, publisher and title carry over.
pub fn next_record(latest: &ArticleInfo, page: &Page) -> ArticleRecord {
    ArticleRecord {
        url: latest.url.clone(),
        publisher: latest.publisher.clone(),
        title: latest.title.clone(),
        published_at: None,
        retrieved_at: retrieved_at(page).max(latest.retrieved_at),
        content: Digest::of(page.text.as_bytes()),
        length: page.text.len() as u64,
        supersedes: Some(latest.id),
        capture: Some(Box::new(page.capture.clone())),
    }
}

/// What a re-fetch of an article found.
#[derive(Debug)]
pub enum Update {
    /// The server said 304 Not Modified to the latest capture's validators.
    NotModified {
        /// The latest version.
        version: u64,
    },
    /// The page's text (or raw body) is the latest version's.
    SameText {
        /// The latest version.
        version: u64,
    },
    /// A new text: a new version to record.
    Changed {
        /// The page.
        page: Box<Page>,
        /// The version whose text it repeats, when it reverts to one.
        revert_of: Option<u64>,
    },
    /// 404 or 410.
    Gone {
        /// The URL fetched.
        url: String,
        /// The status.
        status: u16,
    },
    /// The address now redirects to another article URL.
    Moved {
        /// The URL fetched.
        url: String,
        /// The identity URL it ends at.
        to: String,
        /// The redirect chain, as `url -301-> url ...`.
        chain: String,
    },
}

/// Re-fetches the article whose versions are `chain`, conditionally on its
/// latest capture, and says what that means.
pub fn update(fetcher: &Fetcher, chain: &ArticleChain) -> Result<Update, CaptureError> {
    let latest = chain.latest();
    let cond = latest
        .capture
        .as_ref()
        .map(|c| Conditional {
            etag: c.headers.etag.clone(),
            last_modified: c.headers.last_modified.clone(),
        })
        .unwrap_or_default();
    let ex = fetcher.get(&latest.url, &cond)?;
    let was = latest
        .capture
        .as_ref()
        .and_then(|c| url::Url::parse(&c.final_url).ok())
        .map(|u| identity_url(&u))
        .unwrap_or_else(|| latest.url.clone());
    let now_at = identity_url(&ex.final_url);
    if !ex.redirects.is_empty() && now_at != was && now_at != latest.url {
        return Ok(Update::Moved {
            url: latest.url.clone(),
            to: now_at,
            chain: super::http::chain_text(&ex.redirects),
        });
    }
    match ex.status {
        304 => {
            return Ok(Update::NotModified {
                version: latest.version,
            })
        }
        404 | 410 => {
            return Ok(Update::Gone {
                url: ex.final_url.to_string(),
                status: ex.status,
            })
        }
        s if !(200..300).contains(&s) => {
            return Err(CaptureError::Status {
                url: ex.final_url.to_string(),
                status: s,
            })
        }
        _ => {}
    }
    if latest
        .capture
        .as_ref()
        .is_some_and(|c| c.raw == Digest::of(&ex.body))
    {
        return Ok(Update::SameText {
            version: latest.version,
        });
    }
    let page = page(&ex, fetcher.options().max_decoded, Some(latest.length))?;
    let digest = Digest::of(page.text.as_bytes());
    if digest == latest.content {
        return Ok(Update::SameText {
            version: latest.version,
        });
    }
    let revert_of = chain
        .versions
        .iter()
        .rev()
        .find(|v| v.content == digest)
        .map(|v| v.version);
    Ok(Update::Changed {
        page: Box::new(page),
        revert_of,
    })
}

#[cfg(test)]
mod tests {
    use super::low_confidence;

    #[test]
    fn low_confidence_on_disagreement_or_a_halved_text() {
        assert!(!low_confidence(500, 1000, Some(2000)));
        assert!(low_confidence(499, 1000, None), "strong disagreement");
        assert!(low_confidence(1000, 999, Some(2000)), "less than half");
        assert!(
            !low_confidence(1000, 10, None),
            "a first version has nothing to shrink from"
        );
    }
}
