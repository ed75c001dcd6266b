//! The attribution span, anchored apart from the passage: does the claim's
//! source still stand by it in the new version, and if not, who does?

use super::{ClaimDrift, DriftClaim, DriftClass, ProposedSource, NEAR};

/// Where `needle` (lowercased view chars) occurs in `hay[from..to]`,
/// nearest to `[s, e)` first: (start, distance to the range).
fn near(hay: &[char], needle: &[char], s: usize, e: usize) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return Vec::new();
    }
    let from = s.saturating_sub(NEAR);
    let to = (e + NEAR).min(hay.len());
    if to < from + needle.len() {
        return Vec::new();
    }
    let mut found: Vec<(usize, usize)> = (from..=to - needle.len())
        .filter(|&i| hay[i..i + needle.len()] == *needle)
        // Whole words: not inside a longer word.
        .filter(|&i| {
            let before = i.checked_sub(1).map(|j| hay[j]);
            let after = hay.get(i + needle.len()).copied();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
        .map(|i| {
            let end = i + needle.len();
            let d = s.saturating_sub(end).max(i.saturating_sub(e));
            (i, d)
        })
        .collect();
    found.sort_by_key(|&(_, d)| d);
    found
}

fn lowered(text: &str) -> Vec<char> {
    super::lower(&crate::statement::view_of(text))
}

/// The stretch of words right after `hay[..end]` ends (`after`), or right
/// before `start`, up to punctuation, at most five words: its view range.
fn words_by(hay: &[char], start: usize, end: usize, after: bool) -> Option<(usize, usize)> {
    let stop = |c: char| matches!(c, '.' | ',' | ';' | ':' | '"' | '(' | ')' | '!' | '?');
    let (mut a, mut b);
    if after {
        a = end;
        while a < hay.len() && hay[a] == ' ' {
            a += 1;
        }
        b = a;
        let mut words = 0;
        while b < hay.len() && !stop(hay[b]) && words < 5 {
            b += 1;
            if b == hay.len() || hay[b] == ' ' {
                words += 1;
            }
        }
    } else {
        b = start;
        while b > 0 && hay[b - 1] == ' ' {
            b -= 1;
        }
        a = b;
        let mut words = 0;
        while a > 0 && !stop(hay[a - 1]) && words < 5 {
            a -= 1;
            if a == 0 || hay[a - 1] == ' ' {
                words += 1;
            }
        }
    }
    while a < b && hay[a] == ' ' {
        a += 1;
    }
    while b > a && hay[b - 1] == ' ' {
        b -= 1;
    }
    (a < b).then_some((a, b))
}

/// Words that name nobody.
const NOT_A_SOURCE: [&str; 12] = [
    "and", "but", "he", "she", "they", "it", "who", "which", "also", "then", "has", "had",
];

/// The words next to the cue at `at` (view chars `len` long) that could
/// name a source: on the side `after` first, else the other; a comma right
/// by the cue is passed over ("…, Anders Lind, said"); words inside the
/// passage `[s, e)`, or that name nobody, do not count.
fn words_by_cue(
    hay: &[char],
    at: usize,
    len: usize,
    after: bool,
    (s, e): (usize, usize),
) -> Option<String> {
    let skip = |c: char| c == ',' || c == ' ';
    let side = |after: bool| {
        let range = if after {
            let mut end = at + len;
            while end < hay.len() && skip(hay[end]) {
                end += 1;
            }
            words_by(hay, at, end, true)
        } else {
            let mut start = at;
            while start > 0 && skip(hay[start - 1]) {
                start -= 1;
            }
            words_by(hay, start, start, false)
        }?;
        let words: String = hay[range.0..range.1].iter().collect();
        let overlaps = range.0 < e && s < range.1;
        let nobody = words
            .split_whitespace()
            .all(|w| NOT_A_SOURCE.contains(&w.to_lowercase().as_str()));
        (!overlaps && !nobody).then_some(words)
    };
    side(after).or_else(|| side(!after))
}

/// Whether the label is a name still standing near the passage: at least
/// two capitalised words after its first ("Director Priya Nair"), all of
/// them found near `[s, e)`, so the same person is named otherwise.
fn name_near(label: &str, hay_lower: &[char], s: usize, e: usize) -> bool {
    let names: Vec<&str> = label
        .split_whitespace()
        .skip(1)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .collect();
    names.len() >= 2
        && names
            .iter()
            .all(|w| !near(hay_lower, &lowered(w), s, e).is_empty())
}

impl super::Drift<'_> {
    /// Checks the claim's source near new view range `[s, e)` and marks a
    /// re-attribution (or a lost source) on `out`.
    pub(super) fn check_source(
        &self,
        out: &mut ClaimDrift,
        claim: &DriftClaim,
        s: usize,
        e: usize,
    ) {
        let Some(label) = &claim.source_label else {
            return;
        };
        let label = lowered(label);
        let (oa, ob) = self
            .old
            .to_view(claim.anchor.start as usize, claim.anchor.end as usize);
        let old_found = near(&self.old_lower, &label, oa, ob);
        out.source.near_before = !old_found.is_empty();
        if !out.source.near_before {
            return;
        }
        out.source.near_after = !near(&self.new_lower, &label, s, e).is_empty()
            || claim
                .source_label
                .as_deref()
                .is_some_and(|l| name_near(l, &self.new_lower, s, e));
        if out.source.near_after {
            return;
        }
        // Who stands by the passage now, nearest first: a recorded source
        // that did not stand there before, or the words the cue now
        // introduces (a recorded source whose label they contain is
        // named); else a recorded source that stood nearby before too.
        let mut others: Vec<(bool, usize, &super::KnownSource)> = self
            .sources
            .iter()
            .filter(|k| lowered(&k.label) != label)
            .filter_map(|k| {
                let l = lowered(&k.label);
                let d = near(&self.new_lower, &l, s, e).first()?.1;
                let was = !near(&self.old_lower, &l, oa, ob).is_empty();
                Some((was, d, k))
            })
            .collect();
        others.sort_by_key(|&(was, d, _)| (was, d));
        let known = |k: &super::KnownSource| ProposedSource {
            id: Some(k.id.clone()),
            label: k.label.clone(),
        };
        let fresh = others.iter().find(|(was, _, _)| !was);
        let by_cue = claim.cue.as_deref().map(lowered).and_then(|cue| {
            let old_cue = near(&self.old_lower, &cue, oa, ob);
            let new_cue = near(&self.new_lower, &cue, s, e);
            let (&(oc, _), &(nc, d)) = (old_cue.first()?, new_cue.first()?);
            let after = old_found[0].0 >= oc + cue.len();
            let words = words_by_cue(self.newv.chars(), nc, cue.len(), after, (s, e))?;
            // Words that are the old label are no new source.
            (lowered(&words) != label).then_some((d, words))
        });
        // Words by the cue that are a recorded source's label name it.
        let by_cue = by_cue.map(|(d, words)| {
            let named = self
                .sources
                .iter()
                .find(|k| lowered(&k.label) == lowered(&words));
            (d, words, named)
        });
        out.source.proposed = match (fresh, by_cue) {
            (_, Some((_, _, Some(k)))) => Some(known(k)),
            (Some(&(_, dk, k)), Some((dc, _, None))) if dk <= dc => Some(known(k)),
            (_, Some((_, words, None))) => Some(ProposedSource {
                id: None,
                label: words,
            }),
            (Some(&(_, _, k)), None) => Some(known(k)),
            (None, None) => others.first().map(|&(_, _, k)| known(k)),
        };
        if !matches!(
            out.class,
            DriftClass::Unchanged | DriftClass::Moved | DriftClass::Edited
        ) {
            return;
        }
        match &out.source.proposed {
            Some(p) => {
                out.class = DriftClass::Reattributed;
                out.reason = format!(
                    "{}; but its source no longer stands by it, and \"{}\" does",
                    out.reason, p.label
                );
            }
            None => {
                out.class = DriftClass::NeedsReview;
                out.reason = format!(
                    "{}; but its source no longer stands by it in the new version",
                    out.reason
                );
            }
        }
    }
}
