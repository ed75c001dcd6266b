//! An article text prepared for checking many anchors against it, so that
//! the cost of one anchor check does not grow with the text's length:
//!
//! - scalar value (char) offsets convert to byte offsets by a table with an
//!   entry every [`SAMPLE`] chars (none for ASCII text, where they agree),
//!   instead of a scan from the start;
//! - "does this passage occur more than once" looks up the passage's
//!   [`WINDOW`]-byte windows (every `WINDOW` bytes, and its last) in a
//!   sorted table of every window's hash, through a directory of the
//!   hashes' top bits, takes the window found at the fewest places
//!   (stopping at one found at most once), and compares only where it
//!   occurs, instead of searching the whole text. The table is built once
//!   [`SCANS_BEFORE_TABLE`] searches have been made, only for texts longer
//!   than [`SCAN_BELOW`] bytes.
//!
//! The answers are exactly those of a scan; `tests` compares the two.

use super::anchor::{clip, cut, Anchor, ANCHOR_CONTEXT_CHARS};

mod view;
use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
pub use view::{char_distance, view_of, MatchView};

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
    /// The positions of its `WINDOW`-byte windows, sorted by hash, with a
    /// directory.
    windows: OnceLock<Windows>,
    /// Searches made without the window table.
    scans: AtomicUsize,
    /// The matching view, made when a passage is not found exactly.
    view: OnceLock<MatchView>,
}

impl std::fmt::Debug for IndexedText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexedText")
            .field("bytes", &self.text.len())
            .field("chars", &self.chars)
            .finish_non_exhaustive()
    }
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
            view: OnceLock::new(),
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

    /// The char offset of byte offset `b`, a char boundary of the text
    /// (at most its length).
    pub fn char_offset(&self, b: usize) -> usize {
        let Some(samples) = &self.samples else {
            return b;
        };
        // samples[0] is 0 in a non-empty text; an empty one is ASCII.
        let i = samples.partition_point(|&s| s as usize <= b) - 1;
        i * SAMPLE + self.text[samples[i] as usize..b].chars().count()
    }

    /// Where `needle` can occur, by the window table, when the text is
    /// long enough for one and it has been built (or this search is the
    /// one that builds it): the offset k of one of the needle's windows,
    /// and the positions, in order, of the text's windows equal to it (by
    /// hash: each must still be compared). `None`: search the text
    /// instead.
    fn candidates(&self, n: &[u8]) -> Option<(usize, &[u32])> {
        let bytes = self.text.as_bytes();
        let table = n.len() >= WINDOW
            && bytes.len() >= SCAN_BELOW
            && (self.windows.get().is_some()
                || self.scans.fetch_add(1, Ordering::Relaxed) >= SCANS_BEFORE_TABLE);
        if !table {
            return None;
        }
        let windows = self.windows.get_or_init(|| Windows::new(bytes));
        // The needle's window (every WINDOW bytes, and its last) found at
        // the fewest places of the text: in a text that repeats phrases,
        // some part of a passage is still rare. Any window of the needle
        // lists every occurrence (and maybe more), so the search stops at
        // the first window found at most once.
        let mut best: Option<(usize, &[u32])> = None;
        for k in (0..=n.len() - WINDOW)
            .step_by(WINDOW)
            .chain(std::iter::once(n.len() - WINDOW))
        {
            let c = windows.equal_to(bytes, hash(&n[k..k + WINDOW]));
            if best.is_none_or(|(_, b)| c.len() < b.len()) {
                best = Some((k, c));
            }
            if c.len() <= 1 {
                break;
            }
        }
        best.filter(|(_, c)| c.len() <= MAX_CANDIDATES)
    }

    /// The byte offsets where `needle` occurs, in order (overlapping
    /// occurrences included): [`occurrences`] without a limit, by the
    /// window table where it can.
    fn all_occurrences(&self, needle: &str) -> Vec<usize> {
        let n = needle.as_bytes();
        let bytes = self.text.as_bytes();
        match self.candidates(n) {
            // Entries of one hash are sorted by position, so the
            // occurrences come out in order. A match of a whole needle
            // starts on a char boundary, as `occurrences` finds them.
            Some((k, candidates)) => candidates
                .iter()
                .filter_map(|&p| (p as usize).checked_sub(k))
                .filter(|&start| bytes[start..].starts_with(n))
                .collect(),
            None => occurrences(&self.text, needle, usize::MAX),
        }
    }

    /// Whether `needle` occurs at two or more (possibly overlapping)
    /// positions of the text.
    pub fn occurs_more_than_once(&self, needle: &str) -> bool {
        let bytes = self.text.as_bytes();
        let n = needle.as_bytes();
        match self.candidates(n) {
            Some((k, candidates)) => candidates
                .iter()
                .filter(|&&p| {
                    (p as usize)
                        .checked_sub(k)
                        .is_some_and(|start| bytes[start..].starts_with(n))
                })
                .nth(1)
                .is_some(),
            None => occurrences(&self.text, needle, 2).len() > 1,
        }
    }

    /// [`Anchor::locate`] in this text, with the same answers and messages,
    /// at a cost that does not grow with the text's length (beyond
    /// building the window table once, see the module docs).
    ///
    /// A passage is first searched for exactly. One that does not occur is
    /// then searched for in the text's matching view ([`MatchView`]: NFC,
    /// whitespace collapsed, quotes and dashes folded, soft hyphens
    /// removed), so a quote copied with straight quotes or doubled spaces
    /// finds the article's passage; the anchor holds the article's own
    /// characters. A passage absent from the view too is refused, with the
    /// nearest passage of the text as a suggestion when one is within an
    /// edit ratio of 0.5 (`SUGGEST_RATIO`).
    pub fn locate(&self, exact: &str) -> Result<Anchor, String> {
        match self.locate_exact(exact) {
            Ok(a) => Ok(a),
            Err(Fail::Other(m)) => Err(m),
            Err(Fail::Absent(m)) => self.locate_in_view(exact, m),
        }
    }

    /// The text's matching view (made once).
    pub fn view(&self) -> &MatchView {
        self.view.get_or_init(|| MatchView::new(self.as_str()))
    }

    /// The original chars `[s, e)` of the text.
    fn chars_at(&self, s: usize, e: usize) -> &str {
        let text = self.as_str();
        let b = |n: usize| self.byte_offset(n as u64).unwrap_or(text.len());
        &text[b(s)..b(e)]
    }

    /// [`IndexedText::locate`] of a passage that does not occur exactly:
    /// `absent` says so.
    fn locate_in_view(&self, exact: &str, absent: String) -> Result<Anchor, String> {
        let q = view_of(exact);
        if q.is_empty() {
            return Err(absent);
        }
        let view = self.view();
        let found = view.find_all(&q);
        match found.as_slice() {
            [] => {
                let near = view.approximate(&q, SUGGEST_RATIO, 1);
                match near.first() {
                    Some(&(s, e, r)) => {
                        let (os, oe) = view.to_original(s, e);
                        Err(format!(
                            "{absent}; the nearest passage is \"{}\" (at position {os}, edit ratio {r:.2})",
                            clip(self.chars_at(os, oe))
                        ))
                    }
                    None => Err(absent),
                }
            }
            [o] => {
                let (os, oe) = view.to_original(*o, o + q.len());
                self.locate_exact(self.chars_at(os, oe))
                    .map_err(|f| match f {
                        Fail::Absent(m) | Fail::Other(m) => m,
                    })
            }
            many => {
                let positions: Vec<String> = many
                    .iter()
                    .take(10)
                    .map(|&o| view.to_original(o, o).0.to_string())
                    .collect();
                Err(format!(
                    "\"{}\" occurs {} times in the article text when quote marks, dashes and spaces are matched loosely (at positions {}); quote more of it",
                    clip(exact),
                    many.len(),
                    positions.join(", ")
                ))
            }
        }
    }

    /// The exact search of [`IndexedText::locate`]: occurrences found by
    /// the window table, char offsets by the offset table.
    fn locate_exact(&self, exact: &str) -> Result<Anchor, Fail> {
        let text = self.as_str();
        if exact.is_empty() {
            return Err(Fail::Other("the quoted text is empty".into()));
        }
        let raw = self.all_occurrences(exact);
        let found: Vec<usize> = raw
            .iter()
            .copied()
            .filter(|&at| cut(text, at, at + exact.len()).is_none())
            .take(10)
            .collect();
        match found.as_slice() {
            [] if !raw.is_empty() => {
                let at = raw[0];
                let why = cut(text, at, at + exact.len()).unwrap_or_default();
                Err(Fail::Other(format!(
                    "\"{}\" occurs in the article text only as part of longer characters (at position {}, {why}); quote whole characters, accents and marks included",
                    clip(exact),
                    self.char_offset(at)
                )))
            }
            [] => Err(Fail::Absent(format!(
                "\"{}\" does not occur in the article text",
                clip(exact)
            ))),
            [at] => {
                let start = self.char_offset(*at);
                let end = start + exact.chars().count();
                let mut prefix: Vec<char> = text[..*at]
                    .chars()
                    .rev()
                    .take(ANCHOR_CONTEXT_CHARS)
                    .collect();
                prefix.reverse();
                let suffix: String = text[at + exact.len()..]
                    .chars()
                    .take(ANCHOR_CONTEXT_CHARS)
                    .collect();
                Ok(Anchor {
                    exact: exact.to_string(),
                    prefix: prefix.into_iter().collect(),
                    suffix,
                    start: start as u64,
                    end: end as u64,
                })
            }
            many => {
                let positions: Vec<String> = many
                    .iter()
                    .map(|b| self.char_offset(*b).to_string())
                    .collect();
                Err(Fail::Other(format!(
                    "\"{}\" occurs {}{} times in the article text (at positions {}); quote more of it",
                    clip(exact),
                    many.len(),
                    if many.len() >= 10 { " or more" } else { "" },
                    positions.join(", ")
                )))
            }
        }
    }
}

/// How an exact search failed: the passage is absent (then searched for
/// in the matching view), or anything else (said as is).
enum Fail {
    Absent(String),
    Other(String),
}

/// The highest edit ratio of a passage suggested for a quote that is not
/// in the text.
pub const SUGGEST_RATIO: f64 = 0.5;

/// Byte offsets of up to `limit` occurrences of `needle` in `text`,
/// overlapping ones included.
pub(crate) fn occurrences(text: &str, needle: &str, limit: usize) -> Vec<usize> {
    // A match of a whole (valid UTF-8) needle starts on a char boundary,
    // so searching the bytes finds what a search of the str would.
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while found.len() < limit {
        let Some(i) = bytes.get(from..).and_then(|rest| finder.find(rest)) else {
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

/// The positions of a text's windows, sorted by (window hash, position),
/// with a directory of where each value of a hash's top bits starts, so
/// that a lookup is a few probes near each other instead of a binary
/// search of the whole table (in a 231 kB article, 18 steps, most of them
/// cache misses: the main cost of an anchor check in `claim import`
/// before). Hashes are not stored: a bucket holds about two positions,
/// whose windows are hashed again when looked up (4 bytes an entry, where
/// a stored hash would make it 16, and the pages they take to fault in
/// were most of the cost of building the table for a short batch).
struct Windows {
    positions: Vec<u32>,
    /// `dir[b]`: the first entry whose hash's top bits are at least `b`;
    /// one more entry than there are buckets.
    dir: Vec<u32>,
    shift: u32,
}

impl Windows {
    /// Builds the table without a comparison sort: the windows are
    /// distributed by their hash's top bits (a counting sort, two passes
    /// over the text, positions in order within each bucket), then each
    /// bucket is sorted by hash, stably. The table comes out as a sort of
    /// the whole by (hash, position) would leave it, at a cost linear in
    /// the text's length.
    fn new(text: &[u8]) -> Windows {
        let count = (text.len() + 1).saturating_sub(WINDOW);
        // About two entries per bucket, at most 2^19 buckets.
        let bits = (usize::BITS - count.leading_zeros())
            .saturating_sub(1)
            .clamp(1, 19);
        let shift = u64::BITS - bits;
        let bucket = |w: &[u8]| (hash(w) >> shift) as usize;
        // dir[b]: the end of bucket b, once counted and summed; filled
        // from the end, each bucket's start.
        let mut dir = vec![0u32; (1 << bits) + 1];
        for w in text.windows(WINDOW) {
            dir[bucket(w)] += 1;
        }
        let mut sum = 0;
        for d in dir.iter_mut() {
            sum += *d;
            *d = sum;
        }
        let mut positions = vec![0u32; count];
        for (p, w) in text.windows(WINDOW).enumerate().rev() {
            let end = &mut dir[bucket(w)];
            *end -= 1;
            positions[*end as usize] = p as u32;
        }
        let at = |p: u32| hash(&text[p as usize..p as usize + WINDOW]);
        for b in dir.windows(2) {
            let run = &mut positions[b[0] as usize..b[1] as usize];
            if run.len() > 1 {
                run.sort_by_key(|&p| at(p));
            }
        }
        Windows {
            positions,
            dir,
            shift,
        }
    }

    /// The positions whose window's hash is `h`, in order; `text` is the
    /// text the table was built from.
    fn equal_to(&self, text: &[u8], h: u64) -> &[u32] {
        let at = |p: u32| hash(&text[p as usize..p as usize + WINDOW]);
        let b = (h >> self.shift) as usize;
        let bucket = &self.positions[self.dir[b] as usize..self.dir[b + 1] as usize];
        let from = bucket.partition_point(|&p| at(p) < h);
        let to = from + bucket[from..].partition_point(|&p| at(p) == h);
        &bucket[from..to]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The directory finds exactly what a binary search of the whole
    /// table finds, for tables of every size around the bucket counts'
    /// powers of two, and for hashes present and absent.
    #[test]
    fn the_window_directory_agrees_with_a_search_of_the_table() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for windows in [1usize, 2, 3, 4, 5, 255, 256, 257, 1023, 1024, 1025, 40_000] {
            // Few letters, so that many windows repeat.
            let bytes: Vec<u8> = (0..windows + WINDOW - 1)
                .map(|_| b"ab"[(next() % 2) as usize])
                .collect();
            let w = Windows::new(&bytes);
            // What a sort of every window by (hash, position) gives.
            let mut sorted: Vec<(u64, u32)> = bytes
                .windows(WINDOW)
                .enumerate()
                .map(|(p, x)| (hash(x), p as u32))
                .collect();
            sorted.sort_unstable();
            let order: Vec<u32> = sorted.iter().map(|&(_, p)| p).collect();
            assert_eq!(w.positions, order, "{windows}: the table's order");
            assert_eq!(
                *w.dir.last().unwrap() as usize,
                windows,
                "{windows}: the last bound"
            );
            let probes: Vec<u64> = sorted
                .iter()
                .step_by((windows / 200).max(1))
                .map(|&(h, _)| h)
                .chain((0..200).map(|_| next()))
                .chain([0, u64::MAX])
                .collect();
            for h in probes {
                let want: Vec<u32> = sorted
                    .iter()
                    .filter(|&&(x, _)| x == h)
                    .map(|&(_, p)| p)
                    .collect();
                assert_eq!(
                    w.equal_to(&bytes, h),
                    want.as_slice(),
                    "{windows} windows, hash {h:#x}"
                );
            }
        }
    }

    fn scan_offset(text: &str, n: u64) -> Option<usize> {
        text.char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(text.len()))
            .nth(n as usize)
    }

    /// Every char offset where `needle` starts, by comparing at each one.
    fn scan_occurrences(text: &str, needle: &str) -> Vec<usize> {
        text.char_indices()
            .map(|(b, _)| b)
            .filter(|&b| text[b..].starts_with(needle))
            .collect()
    }

    /// The byte search finds what comparing at every char finds:
    /// overlapping occurrences, multi-byte chars, needles at either end,
    /// and stops at the limit.
    #[test]
    fn occurrences_agree_with_a_scan() {
        let text = "ééé aaaa 🎉🎉🎉 aXa “q” aaa";
        for needle in [
            "é",
            "éé",
            "aa",
            "aaa",
            "🎉🎉",
            "a",
            "“q”",
            "ééé aaaa",
            "aaa",
            "zz",
        ] {
            let all = scan_occurrences(text, needle);
            assert_eq!(occurrences(text, needle, usize::MAX), all, "{needle:?}");
            assert_eq!(
                occurrences(text, needle, 2),
                all.iter().copied().take(2).collect::<Vec<_>>(),
                "{needle:?}, at most 2"
            );
        }
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
                scan_occurrences(&text, needle).len() > 1,
                "{needle:?}"
            );
        }
        assert!(t.windows.get().is_some(), "the table was built and used");
    }

    /// `IndexedText::locate` gives what `Anchor::locate` gives (anchor or
    /// message), for passages at every kind of place: unique and repeated,
    /// ASCII and not, and passages that cut a letter from its combining
    /// accent; in a short text (searched) and a long one (by the table,
    /// once built).
    #[test]
    fn locate_agrees_with_anchor_locate() {
        let mut long = String::new();
        for i in 0..400 {
            long.push_str(&format!(
                "Sentence {i:04} — “the talks” said cafe\u{301} naïve 🎉. "
            ));
            if i % 50 == 0 {
                long.push_str("A repeated passage of some length, word for word. ");
            }
        }
        long.push_str(&"ab".repeat(3_000));
        let short = "café naïve — “quoted” cafe\u{301} 🎉 done, done, done.";
        for text in [short, long.as_str()] {
            let t = IndexedText::new(text);
            let chars: Vec<usize> = text
                .char_indices()
                .map(|(b, _)| b)
                .chain(std::iter::once(text.len()))
                .collect();
            let mut passages: Vec<&str> = vec![
                "",
                "nowhere in the text at all, not even close",
                "A repeated passage of some length, word for word.",
                "Sentence 0007 — “the talks” said cafe",
                "Sentence 0007 — “the talks” said cafe\u{301}",
                "\u{301} naïve 🎉. Sentence 0008",
                "abababababababababababab",
                "done",
                "cafe",
            ];
            // Passages of several lengths starting at every char of the
            // short text, every 31st of the long one.
            let step = if text.len() < SCAN_BELOW { 1 } else { 31 };
            for (n, &from) in chars.iter().enumerate().step_by(step) {
                for len in [1, 3, 17, 40, 90] {
                    if let Some(&to) = chars.get(n + len) {
                        passages.push(&text[from..to]);
                    }
                }
            }
            for p in &passages {
                assert_eq!(t.locate(p), Anchor::locate(text, p), "{p:?}");
            }
            if text.len() >= SCAN_BELOW {
                assert!(t.windows.get().is_some(), "the table was built and used");
            }
        }
    }

    #[test]
    fn char_offsets_agree_with_a_count() {
        for text in ["", "ascii only", "é🎉a — “q”", &"é🎉a".repeat(300)] {
            let t = IndexedText::new(text);
            for (b, _) in text
                .char_indices()
                .chain(std::iter::once((text.len(), ' ')))
            {
                assert_eq!(t.char_offset(b), text[..b].chars().count(), "{text:?} {b}");
            }
        }
    }
}
