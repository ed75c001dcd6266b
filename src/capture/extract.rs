//! The main text of a page, by two extractors: `dom_smoothie` (a port of
//! Mozilla's Readability, in its formatted text mode) makes the text that
//! is recorded, and `trafilatura` (a port of go-trafilatura) is the second
//! opinion. Their agreement (token-multiset F1 in thousandths) is recorded;
//! a strong disagreement marks the version low-confidence.
//!
//! The text is normalised so that a capture is byte-stable: NFC, LF line
//! ends, whitespace runs within a paragraph collapsed to one space, one
//! blank line between paragraphs, no leading or trailing blank.

use super::CaptureError;
use unicode_normalization::UnicodeNormalization;
use url::Url;

/// The primary extractor's name and version, as recorded.
pub const PRIMARY: &str = "dom_smoothie 0.19 formatted";
/// The second opinion's name and version, as recorded.
pub const SECOND: &str = "trafilatura 0.6";
pub use super::MIN_AGREEMENT;
/// Fewer words than this is not an article's text (a menu, a cookie notice).
pub const MIN_WORDS: usize = 20;

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// What the extractors found in a page.
#[derive(Clone, Debug)]
pub struct Extracted {
    /// The normalised main text (primary extractor).
    pub text: String,
    /// The second opinion's normalised text.
    pub second: String,
    /// The primary's name (the second's when the primary found nothing).
    pub extractor: String,
    /// The other's name.
    pub second_opinion: String,
    /// Agreement in thousandths.
    pub agreement: u16,
    /// The page's headline, if found.
    pub title: Option<String>,
    /// The site's name (`og:site_name`), if found.
    pub site_name: Option<String>,
    /// `<link rel=canonical>`, resolved against the page URL.
    pub canonical_url: Option<String>,
    /// `og:url`, resolved against the page URL.
    pub og_url: Option<String>,
}

/// Extracts the main text of `html` (served from `url`) with both
/// extractors.
pub fn extract(html: &str, url: &Url) -> Result<Extracted, CaptureError> {
    let primary = primary_text(html, url);
    let mut opts = trafilatura::Options::default();
    opts.original_url = Some(url.clone());
    opts.exclude_comments = true;
    let second = trafilatura::extract(html, &opts)
        .map(|r| normalize(&r.content_text))
        .unwrap_or_default();
    let (text, title, extractor, second_opinion, second_text) = match primary {
        Some((t, title)) if words(&t) >= MIN_WORDS => (t, title, PRIMARY, SECOND, second),
        // The primary found nothing: the second opinion's text, marked
        // by its name, and no agreement to speak of.
        _ if words(&second) >= MIN_WORDS => (second.clone(), None, SECOND, PRIMARY, String::new()),
        p => {
            let found = p.map_or(0, |(t, _)| words(&t)).max(words(&second));
            return Err(CaptureError::NoText {
                url: url.to_string(),
                words: found,
            });
        }
    };
    let meta = Meta::read(html, url);
    Ok(Extracted {
        agreement: agreement(&text, &second_text),
        text,
        second: second_text,
        extractor: extractor.to_string(),
        second_opinion: second_opinion.to_string(),
        title: title.or(meta.title),
        site_name: meta.site_name,
        canonical_url: meta.canonical,
        og_url: meta.og_url,
    })
}

fn primary_text(html: &str, url: &Url) -> Option<(String, Option<String>)> {
    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        ..dom_smoothie::Config::default()
    };
    let mut r = dom_smoothie::Readability::new(html, Some(url.as_str()), Some(cfg)).ok()?;
    let a = r.parse().ok()?;
    let title = Some(one_line(&a.title)).filter(|t| !t.is_empty());
    Some((normalize(&a.text_content), title))
}

struct Meta {
    title: Option<String>,
    site_name: Option<String>,
    canonical: Option<String>,
    og_url: Option<String>,
}

impl Meta {
    fn read(html: &str, url: &Url) -> Meta {
        let doc = dom_query::Document::from(html);
        let attr = |sel: &str, name: &str| {
            doc.select(sel)
                .iter()
                .find_map(|n| n.attr(name).map(|v| v.to_string().trim().to_string()))
                .filter(|v| !v.is_empty())
        };
        let resolve = |v: Option<String>| {
            v.and_then(|v| url.join(&v).ok())
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .map(|u| u.to_string())
        };
        Meta {
            title: attr("meta[property=\"og:title\"]", "content")
                .map(|t| one_line(&t))
                .or_else(|| Some(one_line(&doc.select("title").text())).filter(|t| !t.is_empty())),
            site_name: attr("meta[property=\"og:site_name\"]", "content").map(|t| one_line(&t)),
            canonical: resolve(attr("link[rel~=\"canonical\"]", "href")),
            og_url: resolve(attr("meta[property=\"og:url\"]", "content")),
        }
    }
}

/// `s` on one line: whitespace runs as one space, trimmed, NFC.
pub fn one_line(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .nfc()
        .collect()
}

/// The normal form of an extracted text: NFC; LF line ends; within a
/// paragraph, whitespace runs (line breaks included) as one space;
/// paragraphs separated by exactly one blank line; nothing before the first
/// or after the last.
pub fn normalize(s: &str) -> String {
    let s: String = s.nfc().collect();
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in s.split('\n') {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(one_para(&current));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(one_para(&current));
    }
    paragraphs.join("\n\n")
}

fn one_para(lines: &[&str]) -> String {
    lines
        .iter()
        .flat_map(|l| l.split_whitespace())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words of `s` for comparing extractions: lower-cased runs of letters
/// and digits.
fn tokens(s: &str) -> std::collections::HashMap<String, u64> {
    let mut m = std::collections::HashMap::new();
    for w in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *m.entry(w.to_lowercase()).or_insert(0) += 1;
    }
    m
}

/// How far two texts agree, in thousandths: the F1 of their word
/// multisets (the measure of the article-extraction benchmarks). Two empty
/// texts agree fully; one empty text, not at all.
pub fn agreement(a: &str, b: &str) -> u16 {
    let (ta, tb) = (tokens(a), tokens(b));
    let (na, nb): (u64, u64) = (ta.values().sum(), tb.values().sum());
    if na == 0 && nb == 0 {
        return 1000;
    }
    if na == 0 || nb == 0 {
        return 0;
    }
    let common: u64 = ta
        .iter()
        .map(|(w, c)| (*c).min(tb.get(w).copied().unwrap_or(0)))
        .sum();
    let f1 = 2.0 * common as f64 / (na + nb) as f64;
    (f1 * 1000.0).round() as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_form() {
        assert_eq!(
            normalize("\r\n  First  line\r\nwraps here.\n\n\n\nCafe\u{301}\t ok  \n \n"),
            "First line wraps here.\n\nCaf\u{e9} ok"
        );
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn agreement_is_an_f1() {
        assert_eq!(agreement("a b c d", "a b c d"), 1000);
        assert_eq!(agreement("a b", "c d"), 0);
        assert_eq!(agreement("a b c d", "a b"), 667);
        assert_eq!(agreement("", ""), 1000);
    }
}
