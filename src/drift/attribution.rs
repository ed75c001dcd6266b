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

/// Words right after (or before) `at..at+len` up to punctuation, at most
/// five words, as a label.
fn words_by(hay: &[char], at: usize, len: usize, after: bool) -> Option<String> {
    let stop = |c: char| matches!(c, '.' | ',' | ';' | ':' | '"' | '(' | ')' | '!' | '?');
    let words: Vec<String> = if after {
        let rest: String = hay[at + len..].iter().take_while(|&&c| !stop(c)).collect();
        rest.split_whitespace()
            .take(5)
            .map(str::to_string)
            .collect()
    } else {
        let before: String = hay[..at]
            .iter()
            .rev()
            .take_while(|&&c| !stop(c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let w: Vec<&str> = before.split_whitespace().collect();
        w[w.len().saturating_sub(5)..]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let label = words.join(" ");
    (!label.is_empty()).then_some(label)
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
        out.source.near_after = !near(&self.new_lower, &label, s, e).is_empty();
        if out.source.near_after {
            return;
        }
        // Another recorded source by the passage now, nearest first, one
        // that was not there before preferred.
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
        let pick = |new_only: bool| {
            others
                .iter()
                .find(|(was, _, _)| !new_only || !was)
                .map(|(_, _, k)| ProposedSource {
                    id: Some(k.id.clone()),
                    label: k.label.clone(),
                })
        };
        out.source.proposed = pick(true);
        // Else the words the cue now introduces, on the side where the
        // label stood; else a recorded source that stood nearby before too.
        if out.source.proposed.is_none() {
            if let Some(cue) = claim.cue.as_deref().map(lowered) {
                let old_cue = near(&self.old_lower, &cue, oa, ob);
                let new_cue = near(&self.new_lower, &cue, s, e);
                if let (Some(&(oc, _)), Some(&(nc, _))) = (old_cue.first(), new_cue.first()) {
                    let after = old_found[0].0 >= oc + cue.len();
                    let nv = self.newv.chars();
                    out.source.proposed = words_by(nv, nc, cue.len(), after)
                        .map(|label| ProposedSource { id: None, label });
                }
            }
        }
        if out.source.proposed.is_none() {
            out.source.proposed = pick(false);
        }
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
