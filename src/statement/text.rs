//! An article text prepared for checking many anchors against it, so that
//! the cost of one anchor check does not grow with the text's length:
//!
//! - scalar value (char) offsets convert to byte offsets by a table with an
//!   entry every [`SAMPLE`] chars (none for ASCII text, where they agree),
//!   instead of a scan from the start;
//! - "does this passage occur more than once" looks up the passage's first
//!   [`WINDOW`] bytes in a sorted table of every window's hash, and compares
//!   only where they occur, instead of searching the whole text. The table
//!   is built once [`SCANS_BEFORE_TABLE`] searches have been made, only for
//!   texts longer than [`SCAN_BELOW`] bytes.
//!
//! The answers are exactly those of a scan; `tests` compares the two.

use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Chars between two entries of the offset table.
const SAMPLE: usize = 64;
/// Bytes of a passage looked up in the window table.
const WINDOW: usize = 16;
/// Texts shorter than this are searched directly: the search costs less
/// than building the table.
const SCAN_BELOW: usize = 8 * 1024;
/// More candidate positions than this (a text that repeats itself): the
/// passage is searched for directly instead.
const MAX_CANDIDATES: usize = 64;
/// Searches of one text before its window table is built: a batch with a
/// few claims in a long article does not pay for a table it would not use.
const SCANS_BEFORE_TABLE: usize = 16;

/// A text with its offset table and (lazily) its window table.
pub struct IndexedText<'a> {
    text: Cow<'a, str>,
    chars: usize,
    /// Byte offset of every `SAMPLE`th char; `None` for ASCII text.
    samples: Option<Vec<u32>>,
    /// (hash of the `WINDOW` bytes at p, p), sorted.
    windows: OnceLock<Vec<(u64, u32)>>,
    /// Searches made without the window table.
    scans: AtomicUsize,
}

impl<'a> IndexedText<'a> {
    /// Prepares `text` (one pass over it).
    pub fn new(text: impl Into<Cow<'a, str>>) -> IndexedText<'a> {
        let text = text.into();
        let (chars, samples) = if text.is_ascii() {
            (text.len(), None)
        } else {
            let mut samples = Vec::with_capacity(text.len() / SAMPLE + 1);
            let mut chars = 0;
            for (i, (b, _)) in text.char_indices().enumerate() {
                if i % SAMPLE == 0 {
                    samples.push(b as u32);
                }
                chars = i + 1;
            }
            (chars, Some(samples))
        };
        IndexedText {
            text,
            chars,
            samples,
            windows: OnceLock::new(),
            scans: AtomicUsize::new(0),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Its length in chars (Unicode scalar values).
    pub fn char_len(&self) -> usize {
        self.chars
    }

    /// The byte offset of char number `n` (`len()` for `n` = the char
    /// length), or `None` past the end.
    pub fn byte_offset(&self, n: u64) -> Option<usize> {
        let n = usize::try_from(n).ok()?;
        if n > self.chars {
            return None;
        }
        if n == self.chars {
            return Some(self.text.len());
        }
        let Some(samples) = &self.samples else {
            return Some(n);
        };
        let from = samples[n / SAMPLE] as usize;
        self.text[from..]
            .char_indices()
            .nth(n % SAMPLE)
            .map(|(b, _)| from + b)
    }

    /// Whether `needle` occurs at two or more (possibly overlapping)
    /// positions of the text.
    pub fn occurs_more_than_once(&self, needle: &str) -> bool {
        let bytes = self.text.as_bytes();
        let n = needle.as_bytes();
        let table = n.len() >= WINDOW
            && bytes.len() >= SCAN_BELOW
            && (self.windows.get().is_some()
                || self.scans.fetch_add(1, Ordering::Relaxed) >= SCANS_BEFORE_TABLE);
        if table {
            let windows = self.windows.get_or_init(|| windows(bytes));
            // The needle's window (every WINDOW bytes, and its last) found
            // at the fewest places of the text: in a text that repeats
            // phrases, some part of a passage is still rare.
            let candidates = (0..=n.len() - WINDOW)
                .step_by(WINDOW)
                .chain(std::iter::once(n.len() - WINDOW))
                .map(|k| {
                    let h = hash(&n[k..k + WINDOW]);
                    let from = windows.partition_point(|&(w, _)| w < h);
                    let to = from + windows[from..].partition_point(|&(w, _)| w == h);
                    (k, &windows[from..to])
                })
                .min_by_key(|(_, c)| c.len());
            if let Some((k, candidates)) = candidates.filter(|(_, c)| c.len() <= MAX_CANDIDATES) {
                return candidates
                    .iter()
                    .filter(|&&(_, p)| {
                        (p as usize)
                            .checked_sub(k)
                            .is_some_and(|start| bytes[start..].starts_with(n))
                    })
                    .nth(1)
                    .is_some();
            }
        }
        occurrences(&self.text, needle, 2).len() > 1
    }
}

/// Byte offsets of up to `limit` occurrences of `needle` in `text`,
/// overlapping ones included.
pub(crate) fn occurrences(text: &str, needle: &str, limit: usize) -> Vec<usize> {
    let mut found = Vec::new();
    let mut from = 0;
    while found.len() < limit {
        let Some(i) = text[from..].find(needle) else {
            break;
        };
        let at = from + i;
        found.push(at);
        // Step one scalar value on, so overlapping occurrences count too.
        from = at + text[at..].chars().next().map_or(1, char::len_utf8);
    }
    found
}

fn hash(w: &[u8]) -> u64 {
    let a = u64::from_le_bytes(w[..8].try_into().expect("8 bytes"));
    let b = u64::from_le_bytes(w[8..16].try_into().expect("8 bytes"));
    (a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.rotate_left(31)).wrapping_mul(0xD6E8_FEB8_6659_FD93)
}

fn windows(bytes: &[u8]) -> Vec<(u64, u32)> {
    let mut v: Vec<(u64, u32)> = bytes
        .windows(WINDOW)
        .enumerate()
        .map(|(p, w)| (hash(w), p as u32))
        .collect();
    v.sort_unstable();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_offset(text: &str, n: u64) -> Option<usize> {
        text.char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(text.len()))
            .nth(n as usize)
    }

    #[test]
    fn offsets_agree_with_a_scan() {
        for text in [
            "",
            "plain ascii",
            "café naïve — “quoted” 🎉 done",
            &"é🎉a".repeat(300),
        ] {
            let t = IndexedText::new(text);
            let n = text.chars().count();
            assert_eq!(t.char_len(), n);
            for i in 0..=n as u64 + 2 {
                assert_eq!(t.byte_offset(i), scan_offset(text, i), "{text:?} {i}");
            }
        }
    }

    #[test]
    fn repeats_agree_with_a_scan() {
        let mut text = String::new();
        for i in 0..2_000 {
            text.push_str(&format!("Sentence {i:05} — said “the talks” went on. "));
        }
        text.push_str("Sentence 00007 — said “the talks” went on. ");
        text.push_str(&"ab".repeat(5_000));
        let t = IndexedText::new(text.as_str());
        let needles = [
            "Sentence 00007 — said",
            "Sentence 00008 — said “the talks” went on.",
            "— said “the talks” went on. Sentence 01999",
            "ababababababababab",
            "abababababababababa",
            "nowhere in the text at all",
            "short",
            "on. Sentence 00",
            " — said “the talks” went on. Sentence 00008 — said",
            " — said “the talks” went on. Sentence 00007 — said",
        ];
        // Once by searching, then (from the SCANS_BEFORE_TABLE-th on) by the
        // window table.
        for needle in needles.iter().cycle().take(3 * needles.len()) {
            assert_eq!(
                t.occurs_more_than_once(needle),
                occurrences(&text, needle, 2).len() > 1,
                "{needle:?}"
            );
        }
        assert!(t.windows.get().is_some(), "the table was built and used");
    }
}
