//! A word diff of two texts, for people to read what a revision changed.

use serde::Serialize;

/// Whether a stretch of a diff is in both texts, only the old or only the new.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffTag {
    /// In both texts.
    Same,
    /// Only in the old text.
    Removed,
    /// Only in the new text.
    Added,
}

/// A stretch of a word diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffPart {
    /// Where the words are.
    pub tag: DiffTag,
    /// The words, with the whitespace between them as in the text.
    pub text: String,
}

/// A word-level diff of `old` to `new`: runs of unchanged, removed and
/// added words, whitespace kept as in the texts. A change is shown as its
/// removed words, then its added words; a space between two changed words
/// belongs to the change, so "diplomatic sources" → "Afghan officials" is
/// one removal and one addition, not two interleaved pairs.
pub fn word_diff(old: &str, new: &str) -> Vec<DiffPart> {
    let diff = similar::TextDiff::from_words(old, new);
    let changes: Vec<(DiffTag, &str)> = diff
        .iter_all_changes()
        .map(|c| {
            let tag = match c.tag() {
                similar::ChangeTag::Equal => DiffTag::Same,
                similar::ChangeTag::Delete => DiffTag::Removed,
                similar::ChangeTag::Insert => DiffTag::Added,
            };
            (tag, c.value())
        })
        .collect();
    let mut out: Vec<DiffPart> = Vec::new();
    let (mut removed, mut added) = (String::new(), String::new());
    let push = |out: &mut Vec<DiffPart>, tag, text: &str| match out.last_mut() {
        Some(last) if last.tag == tag => last.text.push_str(text),
        _ if text.is_empty() => {}
        _ => out.push(DiffPart {
            tag,
            text: text.to_string(),
        }),
    };
    for (i, (tag, text)) in changes.iter().enumerate() {
        match tag {
            DiffTag::Removed => removed.push_str(text),
            DiffTag::Added => added.push_str(text),
            DiffTag::Same => {
                let in_change = !(removed.is_empty() && added.is_empty());
                let more = changes.get(i + 1).is_some_and(|(t, _)| *t != DiffTag::Same);
                if in_change && more && text.trim().is_empty() {
                    if !removed.is_empty() {
                        removed.push_str(text);
                    }
                    if !added.is_empty() {
                        added.push_str(text);
                    }
                    continue;
                }
                push(&mut out, DiffTag::Removed, &std::mem::take(&mut removed));
                push(&mut out, DiffTag::Added, &std::mem::take(&mut added));
                push(&mut out, DiffTag::Same, text);
            }
        }
    }
    push(&mut out, DiffTag::Removed, &removed);
    push(&mut out, DiffTag::Added, &added);
    out
}
