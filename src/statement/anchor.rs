//! Where a claim sits in its article's text: the W3C Web Annotation
//! TextQuoteSelector and TextPositionSelector of an [`Anchor`], how one is
//! located in a text ([`Anchor::locate`]) and checked against it
//! ([`Anchor::check`]), never cutting a grapheme cluster (UAX #29).

use super::text::IndexedText;
use serde::{Deserialize, Serialize};

/// Where a claim sits in its article's text: a W3C Web Annotation
/// TextQuoteSelector (`exact`, `prefix`, `suffix`) together with a
/// TextPositionSelector (`start`, `end`), positions counted in Unicode
/// scalar values (Rust `char`s) from the start of the text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Anchor {
    /// The selected text.
    pub exact: String,
    /// The text immediately before it (may be empty at the start of the text).
    pub prefix: String,
    /// The text immediately after it (may be empty at the end of the text).
    pub suffix: String,
    /// Position of the first selected scalar value.
    pub start: u64,
    /// Position just past the last selected scalar value.
    pub end: u64,
}

/// How many scalar values of context [`Anchor::locate`] keeps on each side.
pub const ANCHOR_CONTEXT_CHARS: usize = 32;

impl Anchor {
    /// Builds the anchor of the one occurrence of `exact` in `text`, with up
    /// to [`ANCHOR_CONTEXT_CHARS`] of prefix and suffix. Only occurrences
    /// that start and end on grapheme cluster boundaries count. Absence or
    /// more than one occurrence is an error, which names the positions found.
    pub fn locate(text: &str, exact: &str) -> Result<Anchor, String> {
        // One search: the text's tables are not worth keeping (see
        // [`IndexedText::locate`], which gives the same answers and messages).
        IndexedText::new(text).locate(exact)
    }

    /// Checks the anchor against the article text: `exact` is the text at
    /// `[start, end)`, `prefix` ends right at `start`, `suffix` begins right
    /// at `end`, `start` and `end` are grapheme cluster boundaries (the
    /// anchor does not split a letter from its accent), and `prefix ‖ exact
    /// ‖ suffix` occurs only once in the text (so the quote selector alone
    /// finds the claim, as W3C intends).
    /// The error names the first part that does not match.
    pub fn check(&self, text: &str) -> Result<(), String> {
        self.check_in(&IndexedText::new(text))
    }

    /// [`Anchor::check`] against a text prepared for many checks: its cost
    /// does not grow with the text's length beyond the anchored passage.
    pub fn check_in(&self, indexed: &IndexedText) -> Result<(), String> {
        let text = indexed.as_str();
        if self.exact.is_empty() {
            return Err("anchor.exact is empty".into());
        }
        let len = self.exact.chars().count() as u64;
        if self.end < self.start || self.end - self.start != len {
            return Err(format!(
                "anchor.start {} and anchor.end {} do not span anchor.exact, which is {len} characters",
                self.start, self.end
            ));
        }
        let Some(start) = indexed.byte_offset(self.start) else {
            return Err(format!(
                "anchor.end {} is past the end of the article text ({} characters)",
                self.end,
                indexed.char_len()
            ));
        };
        let Some(end) = indexed.byte_offset(self.end) else {
            return Err(format!(
                "anchor.end {} is past the end of the article text ({} characters)",
                self.end,
                indexed.char_len()
            ));
        };
        if let Some(why) = cut(text, start, end) {
            return Err(format!(
                "anchor {}..{} cuts a character of the article text ({why}); an anchor must start and end on character (grapheme cluster) boundaries",
                self.start, self.end
            ));
        }
        if text[start..end] != self.exact {
            return Err(format!(
                "anchor.exact does not match the article text at {}..{} (the text there is \"{}\")",
                self.start,
                self.end,
                clip(&text[start..end])
            ));
        }
        if !text[..start].ends_with(self.prefix.as_str()) {
            return Err(format!(
                "anchor.prefix does not match the text right before position {}",
                self.start
            ));
        }
        if !text[end..].starts_with(self.suffix.as_str()) {
            return Err(format!(
                "anchor.suffix does not match the text right after position {}",
                self.end
            ));
        }
        let quote = format!("{}{}{}", self.prefix, self.exact, self.suffix);
        if indexed.occurs_more_than_once(&quote) {
            return Err(
                "anchor.prefix, anchor.exact and anchor.suffix together occur more than once in the article text; lengthen the prefix or suffix"
                    .into(),
            );
        }
        Ok(())
    }
}

/// Whether the text `[start, end)` (byte offsets) cuts a grapheme cluster
/// (UAX #29) of `text`, such as a letter and the combining accent after it
/// in NFD text, and if so how. A quote that ends before an accent would
/// sign "cafe" where the reader sees "café".
pub(super) fn cut(text: &str, start: usize, end: usize) -> Option<String> {
    use unicode_segmentation::GraphemeCursor;
    let boundary = |at: usize| {
        GraphemeCursor::new(at, text.len(), true)
            .is_boundary(text, 0)
            .unwrap_or(false)
    };
    let joins = |at: usize| {
        text[at..]
            .chars()
            .next()
            .map_or(String::new(), |c| format!("U+{:04X}", c as u32))
    };
    if !boundary(start) {
        return Some(format!(
            "it starts at {}, which belongs to the character before it",
            joins(start)
        ));
    }
    if !boundary(end) {
        return Some(format!(
            "it ends before {}, which belongs to its last character",
            joins(end)
        ));
    }
    None
}

/// A short form of a long text for messages.
pub(super) fn clip(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}…")
    }
}
