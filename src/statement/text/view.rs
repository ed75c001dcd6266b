//! The matching view of a text: the form in which a quote is looked for,
//! so that a passage copied with straight quotes, doubled spaces or another
//! dash still finds the article's own characters.
//!
//! The view is the text in Unicode NFC, with
//!
//! - every run of whitespace (spaces, tabs, line breaks CR/LF, no-break
//!   spaces U+00A0/U+202F, the other `White_Space` characters) made one
//!   space;
//! - curly, low and prime quotes, and guillemets, folded to `'` and `"`;
//! - hyphens, dashes and the minus sign folded to `-`; the ellipsis `…`
//!   made `...`;
//! - soft hyphens (U+00AD), zero-width spaces (U+200B), word joiners
//!   (U+2060) and byte order marks (U+FEFF) removed.
//!
//! It is built one grapheme cluster (UAX #29) at a time, and each char of
//! the view remembers the cluster of the original it came from, so a range
//! of the view maps back to whole characters of the original text
//! ([`MatchView::to_original`]): an anchor found in the view never cuts a
//! letter from its accent.

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// A text's matching view with its map back to the original (char
/// offsets, Unicode scalar values, as anchors count them).
#[derive(Clone, Debug)]
pub struct MatchView {
    view: Vec<char>,
    /// For each char of the view, the char offset in the original where
    /// its grapheme cluster starts, and where it ends.
    from: Vec<(usize, usize)>,
    /// For each char offset of the original (and its length), the view
    /// offset of the first view char at or after it.
    to: Vec<usize>,
    /// The view as a string, made when first searched approximately.
    string: std::sync::OnceLock<String>,
}

/// Levenshtein distance of two char slices (chars, not bytes): strsim's
/// generic Levenshtein.
pub fn char_distance(a: &[char], b: &[char]) -> usize {
    strsim::generic_levenshtein(&a.to_vec(), &b.to_vec())
}

/// What a char of the original becomes in the view: `None` removes it.
fn fold(c: char) -> Option<char> {
    Some(match c {
        '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}' => return None,
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{2039}'
        | '\u{203A}' | '`' | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
        c if c.is_whitespace() => ' ',
        c => c,
    })
}

impl MatchView {
    /// The matching view of `text` (one pass).
    pub fn new(text: &str) -> MatchView {
        let mut view = Vec::with_capacity(text.len());
        let mut from: Vec<(usize, usize)> = Vec::with_capacity(text.len());
        let mut to = Vec::with_capacity(text.len() + 1);
        let mut at = 0;
        for cluster in text.graphemes(true) {
            let n = cluster.chars().count();
            let first = view.len();
            for c in cluster.nfc() {
                let mut buf = ['.'; 3];
                let folded: &[char] = match (c, fold(c)) {
                    ('\u{2026}', _) => &buf,
                    (_, None) => &[],
                    (_, Some(f)) => {
                        buf[0] = f;
                        &buf[..1]
                    }
                };
                for &f in folded {
                    // A space after a space (in this cluster or the one
                    // before) is the same run of whitespace.
                    if f == ' ' && view.last() == Some(&' ') {
                        if let Some(last) = from.last_mut() {
                            last.1 = at + n;
                        }
                        continue;
                    }
                    view.push(f);
                    from.push((at, at + n));
                }
            }
            for _ in 0..n {
                to.push(first.min(view.len()));
            }
            at += n;
        }
        to.push(view.len());
        MatchView {
            view,
            from,
            to,
            string: std::sync::OnceLock::new(),
        }
    }

    /// The view's chars.
    pub fn chars(&self) -> &[char] {
        &self.view
    }

    /// The view as a string.
    pub fn text(&self) -> String {
        self.view.iter().collect()
    }

    /// The view's length in chars.
    pub fn len(&self) -> usize {
        self.view.len()
    }

    /// Whether the view is empty (the text was only removed characters).
    pub fn is_empty(&self) -> bool {
        self.view.is_empty()
    }

    /// The original char range `[start, end)` that the view range
    /// `[a, b)` comes from: whole grapheme clusters of the original. An
    /// empty range maps to the empty range where it stands.
    pub fn to_original(&self, a: usize, b: usize) -> (usize, usize) {
        let a = a.min(self.view.len());
        let b = b.clamp(a, self.view.len());
        if a == b {
            let at = self.from.get(a).map_or_else(|| self.to.len() - 1, |f| f.0);
            return (at, at);
        }
        (self.from[a].0, self.from[b - 1].1)
    }

    /// The view range that the original char range `[start, end)` becomes
    /// (clamped to the text).
    pub fn to_view(&self, start: usize, end: usize) -> (usize, usize) {
        let last = self.to.len() - 1;
        let a = self.to[start.min(last)];
        let b = self.to[end.min(last)];
        (a, b.max(a))
    }

    /// Every view offset where `needle` (a view, as chars) occurs, in order.
    pub fn find_all(&self, needle: &[char]) -> Vec<usize> {
        if needle.is_empty() || needle.len() > self.view.len() {
            return Vec::new();
        }
        let first = needle[0];
        (0..=self.view.len() - needle.len())
            .filter(|&i| self.view[i] == first && self.view[i..i + needle.len()] == *needle)
            .collect()
    }

    /// The places of the view within edit ratio `max_ratio` of `q` (a
    /// view, as chars), best first, at most `limit`: found by Levenshtein
    /// search over the view's bytes (`triple_accel`), one per group of
    /// overlapping matches, then each end moved to a word boundary when
    /// that lowers the ratio, the ratio recomputed over chars (edits ÷ the
    /// length of `q`). As (start, end, ratio) in view chars.
    pub fn approximate(
        &self,
        q: &[char],
        max_ratio: f64,
        limit: usize,
    ) -> Vec<(usize, usize, f64)> {
        self.approximate_in(q, max_ratio, limit, 0, self.view.len())
    }

    /// [`MatchView::approximate`] within the view's chars `[from, to)`.
    pub fn approximate_in(
        &self,
        q: &[char],
        max_ratio: f64,
        limit: usize,
        from: usize,
        to: usize,
    ) -> Vec<(usize, usize, f64)> {
        use triple_accel::levenshtein::{levenshtein_search_simd_with_opts, LEVENSHTEIN_COSTS};
        let needle: String = q.iter().collect();
        let string = self.string.get_or_init(|| self.text());
        let byte_at = |c: usize| {
            string
                .char_indices()
                .nth(c)
                .map_or(string.len(), |(b, _)| b)
        };
        let (bfrom, bto) = if from == 0 && to >= self.view.len() {
            (0, string.len())
        } else {
            let bfrom = byte_at(from);
            (
                bfrom,
                bfrom
                    + string[bfrom..]
                        .char_indices()
                        .nth(to.saturating_sub(from))
                        .map_or(string.len() - bfrom, |(b, _)| b),
            )
        };
        let hay = &string.as_bytes()[bfrom..bto];
        if needle.is_empty() || hay.is_empty() {
            return Vec::new();
        }
        let k = ((needle.len() as f64) * max_ratio).ceil() as u32;
        // The best matches, then the best with those masked out, and so
        // on: a few passes that each keep only the lowest cost (searching
        // for every match within k would list nearly every position of a
        // text that repeats a template).
        let mut masked: std::borrow::Cow<[u8]> = std::borrow::Cow::Borrowed(hay);
        let mut groups: Vec<(usize, usize)> = Vec::new();
        while groups.len() < limit {
            let mut best: Vec<triple_accel::Match> = levenshtein_search_simd_with_opts(
                needle.as_bytes(),
                &masked,
                k,
                triple_accel::SearchType::Best,
                LEVENSHTEIN_COSTS,
                false,
            )
            .collect();
            best.sort_by_key(|m| (m.k, std::cmp::Reverse(m.end - m.start)));
            let before = groups.len();
            for m in best {
                if groups.len() < limit && !groups.iter().any(|&(s, e)| m.start < e && s < m.end) {
                    groups.push((m.start, m.end));
                }
            }
            if groups.len() == before {
                break;
            }
            let bytes = masked.to_mut();
            for &(s, e) in &groups[before..] {
                bytes[s..e].fill(0);
            }
        }
        // Byte offsets to chars: a start rounded down, an end up, to a
        // char boundary (a match may cut a multi-byte char).
        let char_at = |b: usize, up: bool| -> usize {
            let mut b = b.min(hay.len());
            while !string.is_char_boundary(b) {
                if up {
                    b += 1;
                } else {
                    b -= 1;
                }
            }
            string[..b].chars().count()
        };
        let mut out: Vec<(usize, usize, f64)> = groups
            .into_iter()
            .map(|(s, e)| self.refine(q, char_at(bfrom + s, false), char_at(bfrom + e, true)))
            .collect();
        out.sort_by(|x, y| x.2.total_cmp(&y.2));
        out.dedup_by(|x, y| x.0 < y.1 && y.0 < x.1);
        out
    }

    /// The best range near `[s, e)` for `q`: its ends moved to word
    /// boundaries within a few chars, spaces trimmed, with its ratio.
    fn refine(&self, q: &[char], s: usize, e: usize) -> (usize, usize, f64) {
        let v = self.chars();
        let ratio = |s: usize, e: usize| char_distance(q, &v[s..e]) as f64 / q.len() as f64;
        let word_start = |mut i: usize| {
            let lim = i.saturating_sub(12);
            while i > lim && i > 0 && v[i - 1] != ' ' {
                i -= 1;
            }
            i
        };
        let word_end = |mut i: usize| {
            let lim = (i + 12).min(v.len());
            while i < lim && v[i] != ' ' {
                i += 1;
            }
            i
        };
        let mut best = (s, e, ratio(s, e));
        let starts = [s, word_start(s), s.saturating_sub(1)];
        let ends = [e, word_end(e), e.saturating_sub(1), e.saturating_sub(2)];
        for &a in &starts {
            for &b in &ends {
                let (mut a, mut b) = (a, b);
                while a < b && v[a] == ' ' {
                    a += 1;
                }
                while b > a && v[b - 1] == ' ' {
                    b -= 1;
                }
                if a >= b {
                    continue;
                }
                let r = ratio(a, b);
                if r < best.2 {
                    best = (a, b, r);
                }
            }
        }
        best
    }
}

/// The matching view of a short text (a quote), as chars, with the
/// whitespace at its ends trimmed.
pub fn view_of(text: &str) -> Vec<char> {
    let v = MatchView::new(text).view;
    let start = v.iter().position(|&c| c != ' ').unwrap_or(v.len());
    let end = v.iter().rposition(|&c| c != ' ').map_or(start, |e| e + 1);
    v[start..end].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NASTY: &str = "Le cafe\u{301} \u{201C}na\u{EF}f\u{201D} \u{2014} 12\u{00A0}%\r\n\r\nco\u{00AD}operate   \u{1F469}\u{200D}\u{1F52C} said\u{2026} \u{1F1EB}\u{1F1F7} Hangul \u{1100}\u{1161}\u{11A8} end\t\u{2019}s";

    fn chars_of(s: &str, a: usize, b: usize) -> String {
        s.chars().skip(a).take(b - a).collect()
    }

    #[test]
    fn folds_what_it_says() {
        let v = MatchView::new(NASTY).text();
        assert_eq!(
            v,
            "Le caf\u{E9} \"na\u{EF}f\" - 12 % cooperate \u{1F469}\u{200D}\u{1F52C} said... \u{1F1EB}\u{1F1F7} Hangul \u{AC01} end 's"
        );
        assert_eq!(
            view_of("  \u{2018}x\u{2019}  y "),
            vec!['\'', 'x', '\'', ' ', 'y']
        );
    }

    /// Every view range maps to whole clusters of the original whose own
    /// view is the range (up to whitespace cut at its ends), and every
    /// original cluster range maps to a view range that maps back to it
    /// (when it does not begin or end in whitespace, which the view merges).
    #[test]
    fn the_offset_map_round_trips() {
        for text in [NASTY, "", "plain ascii  text", "\u{301}lead mark", "a\r\nb"] {
            let m = MatchView::new(text);
            let n = m.len();
            for a in 0..=n {
                for b in a..=n {
                    let (s, e) = m.to_original(a, b);
                    let back = view_of(&chars_of(text, s, e));
                    let want: Vec<char> = m.chars()[a..b].to_vec();
                    let trim = |v: &[char]| -> Vec<char> {
                        let s: String = v.iter().collect();
                        s.trim().chars().collect()
                    };
                    // A view range that cuts a cluster (an emoji sequence,
                    // an ellipsis) maps to the whole cluster.
                    let whole = |i: usize| i == 0 || i == n || m.from[i].0 != m.from[i - 1].0;
                    if whole(a) && whole(b) {
                        assert_eq!(back, trim(&want), "{text:?} view {a}..{b} -> {s}..{e}");
                    } else {
                        let back: String = back.iter().collect();
                        let want: String = trim(&want).iter().collect();
                        assert!(back.contains(&want), "{text:?} view {a}..{b} -> {s}..{e}");
                    }
                }
            }
            // Cluster boundaries of the original.
            let mut bounds = vec![0];
            for g in text.graphemes(true) {
                bounds.push(bounds.last().unwrap() + g.chars().count());
            }
            for (i, &s) in bounds.iter().enumerate() {
                for &e in &bounds[i..] {
                    let piece = chars_of(text, s, e);
                    if piece.is_empty()
                        || piece.starts_with(|c: char| fold(c) == Some(' ') || fold(c).is_none())
                        || piece.ends_with(|c: char| fold(c) == Some(' ') || fold(c).is_none())
                    {
                        continue;
                    }
                    let (a, b) = m.to_view(s, e);
                    assert_eq!(m.to_original(a, b), (s, e), "{text:?} original {s}..{e}");
                }
            }
        }
    }

    #[test]
    fn finds_a_quote_with_other_quote_marks_and_spaces() {
        let text = "He said \u{201C}we will  not\u{00A0}resign\u{201D} \u{2013} twice.";
        let m = MatchView::new(text);
        let q = view_of("\"we will not resign\" - twice");
        let at = m.find_all(&q);
        assert_eq!(at.len(), 1);
        let (s, e) = m.to_original(at[0], at[0] + q.len());
        assert_eq!(
            chars_of(text, s, e),
            "\u{201C}we will  not\u{00A0}resign\u{201D} \u{2013} twice"
        );
    }
}
