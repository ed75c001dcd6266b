//! The light-edit check: a passage whose edit ratio is above [`EDITED`]
//! but which an editor would still call the same claim lightly edited —
//! most of its words kept, the rest changed in one or two places, a
//! corrected figure counted as kept ("fell 6 percent in early trading" →
//! "fell 9 percent by the close of trading").
//!
//! Character edit ratios overstate such edits: a phrase replaced by a
//! longer one ("called" → "dismissed as") costs every character of the
//! difference, while a heavy rewording that keeps the sentence's length
//! can cost fewer. Counting in words, with the places they changed in,
//! tells the two apart on the evaluation pairs (EVALUATION.md).
//!
//! [`EDITED`]: super::EDITED

use similar::DiffOp;

/// The words of a view passage: whitespace-separated, punctuation trimmed
/// from their ends (kept inside: "1,400", "air-conditioned"), lowercased.
fn words(v: &[char]) -> Vec<String> {
    let s: String = v.iter().collect();
    s.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// A figure: a word with a digit in it ("41.2", "1,400", "48-hour").
fn figure(w: &str) -> bool {
    w.chars().any(|c| c.is_ascii_digit())
}

/// How the words of an old passage fare in a new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct WordEdit {
    /// Words of the old passage.
    pub words: usize,
    /// Of them, kept (a figure replaced by a figure counts as kept).
    pub kept: usize,
    /// Places where words were deleted, inserted or replaced (figures
    /// replaced by figures aside).
    pub places: usize,
}

impl WordEdit {
    /// The word diff of `old` to `new` (view chars), counted.
    pub fn of(old: &[char], new: &[char]) -> WordEdit {
        let (ow, nw) = (words(old), words(new));
        let mut out = WordEdit {
            words: ow.len(),
            kept: 0,
            places: 0,
        };
        for op in similar::capture_diff_slices(similar::Algorithm::Myers, &ow, &nw) {
            match op {
                DiffOp::Equal { len, .. } => out.kept += len,
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } if old_len == new_len
                    && (0..old_len)
                        .all(|k| figure(&ow[old_index + k]) && figure(&nw[new_index + k])) =>
                {
                    out.kept += old_len
                }
                _ => out.places += 1,
            }
        }
        out
    }

    /// At least [`LIGHT_KEPT`](super::LIGHT_KEPT) of the words kept,
    /// changed in at most [`LIGHT_PLACES`](super::LIGHT_PLACES) places.
    pub fn is_light(&self) -> bool {
        self.words > 0
            && self.kept as f64 >= super::LIGHT_KEPT * self.words as f64
            && self.places <= super::LIGHT_PLACES
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(a: &str, b: &str) -> WordEdit {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        WordEdit::of(&a, &b)
    }

    #[test]
    fn a_corrected_figure_and_a_reworded_phrase_are_light() {
        let e = edit(
            "Shares in Telvia fell 6 percent in early trading.",
            "Shares in Telvia fell 9 percent by the close of trading.",
        );
        assert_eq!(
            e,
            WordEdit {
                words: 9,
                kept: 7,
                places: 1
            }
        );
        assert!(e.is_light());
        let e = edit(
            "an offer the union called too little and too late",
            "an offer the union dismissed as too little, too late",
        );
        assert_eq!((e.kept, e.places), (8, 2));
        assert!(e.is_light());
    }

    #[test]
    fn a_rewording_that_drops_words_or_changes_many_places_is_not() {
        // Kept 8 of 12.
        let e = edit(
            "Nurses at St Aldric's hospital began a 48-hour strike on Monday morning",
            "Nurses at St Aldric's hospital walked out on Monday morning",
        );
        assert_eq!((e.words, e.kept), (12, 8));
        assert!(!e.is_light());
        // Kept 12 of 17 in four places.
        let e = edit(
            "wards are routinely run with one nurse for every twelve patients, twice the level it considers safe",
            "wards routinely run with a single nurse for every twelve patients, which it says is twice the safe",
        );
        assert!(e.places > 2, "{e:?}");
        assert!(!e.is_light());
        // A figure replaced together with a word is a change, not a
        // correction.
        let e = edit(
            "Shares in Veltro rose 2 percent in Frankfurt after the announcement.",
            "Shares in Veltro closed 3 percent higher in Frankfurt.",
        );
        assert!(!e.is_light(), "{e:?}");
        assert!(!edit("", "anything").is_light());
    }
}
