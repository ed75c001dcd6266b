//! Building statement bodies from what a user gives: the defaults of fields
//! left out, the carry-over of a claim revision, and an anchor picked out
//! by the text around it. Every entry point (`claim add`, `claim revise`,
//! `claim import`, `source add`) builds its bodies here, so a default is
//! decided once, beside the type it fills in.

use super::{
    Anchor, ArticleRecord, Attribution, ClaimContent, Hedge, Mode, SourceCount, SourceKind,
    SourceRecord,
};
use crate::digest::Digest;
use crate::state::ArticleInfo;
use std::path::{Path, PathBuf};

impl SourceCount {
    /// How many people a source of `kind` stands for when the user does not
    /// say: one for a person, else unknown.
    pub fn default_for(kind: SourceKind) -> SourceCount {
        match kind {
            SourceKind::NamedPerson | SourceKind::AnonymousPerson => SourceCount::One,
            _ => SourceCount::Unknown,
        }
    }
}

impl SourceRecord {
    /// A source record of `label` and `kind` with only what a user must
    /// give: `count` left out is the kind's default
    /// ([`SourceCount::default_for`]), no name, role, affiliation or place,
    /// on background. Fill in the rest with struct update syntax.
    pub fn with_defaults(label: String, kind: SourceKind, count: Option<SourceCount>) -> Self {
        SourceRecord {
            label,
            kind,
            name: None,
            role: None,
            affiliation: None,
            place: None,
            on_record: false,
            count: count.unwrap_or(SourceCount::default_for(kind)),
            anonymity: None,
        }
    }
}

impl Mode {
    /// The mode of an attribution that does not state one: a direct quote
    /// when the quoted words are given, else a paraphrase.
    pub fn default_for(quote: Option<&str>) -> Mode {
        if quote.is_some() {
            Mode::DirectQuote
        } else {
            Mode::Paraphrase
        }
    }
}

impl Attribution {
    /// The outlet's own assertion: no source, no cue, no hedge, paraphrase.
    pub fn outlets_own() -> Attribution {
        Attribution::with_defaults(None, None, None, None, None, None)
    }

    /// An attribution with the defaults of the fields not given: no hedge,
    /// and the mode that `quote` implies ([`Mode::default_for`]).
    pub fn with_defaults(
        source: Option<Digest>,
        cue: Option<String>,
        hedge: Option<Hedge>,
        mode: Option<Mode>,
        quote: Option<String>,
        relayed_by: Option<Digest>,
    ) -> Attribution {
        Attribution {
            source,
            cue,
            hedge: hedge.unwrap_or(Hedge::None),
            mode: mode.unwrap_or(Mode::default_for(quote.as_deref())),
            quote,
            relayed_by,
        }
    }
}

/// What a new version of an article gives besides its text; the url,
/// publisher and title not given carry over from the version it updates.
#[derive(Clone, Debug)]
pub struct ArticleChanges {
    /// Where it was published.
    pub url: Option<String>,
    /// The outlet.
    pub publisher: Option<String>,
    /// The headline.
    pub title: Option<String>,
    /// When the outlet published this version.
    pub published_at: Option<u64>,
    /// When the text was retrieved.
    pub retrieved_at: u64,
}

/// Why an article text file cannot be used ([`ArticleRecord::read_text`]).
#[derive(Debug, thiserror::Error)]
pub enum TextFileError {
    /// It cannot be read (or is larger than an article may be); the
    /// message names the file.
    #[error(transparent)]
    Read(#[from] std::io::Error),
    /// It is not UTF-8: claims are anchored in Unicode scalar values.
    #[error("{} is not UTF-8 text (invalid byte at offset {offset}); convert it first", .path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Where its first invalid byte is.
        offset: usize,
    },
    /// It is empty.
    #[error("{} is empty; an article needs text", .path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

impl ArticleRecord {
    /// Reads an article version's text from the file at `path`: at most
    /// [`MAX_ARTICLE_BYTES`](crate::state::limits::MAX_ARTICLE_BYTES),
    /// UTF-8 and not empty (as rules `article.content-utf8` and
    /// `article.empty` require of the text a record names).
    pub fn read_text(path: &Path) -> Result<Vec<u8>, TextFileError> {
        let bytes = crate::log::read_bounded(
            path,
            crate::state::limits::MAX_ARTICLE_BYTES,
            "the article text file",
        )?;
        if let Err(e) = std::str::from_utf8(&bytes) {
            return Err(TextFileError::NotUtf8 {
                path: path.to_path_buf(),
                offset: e.valid_up_to(),
            });
        }
        if bytes.is_empty() {
            return Err(TextFileError::Empty {
                path: path.to_path_buf(),
            });
        }
        Ok(bytes)
    }

    /// The record of an article's first version, whose exact text is
    /// `text` (it carries the text's digest and length).
    pub fn first_version(
        text: &[u8],
        url: String,
        publisher: String,
        title: String,
        published_at: Option<u64>,
        retrieved_at: u64,
    ) -> ArticleRecord {
        ArticleRecord {
            url,
            publisher,
            title,
            published_at,
            retrieved_at,
            content: Digest::of(text),
            length: text.len() as u64,
            supersedes: None,
            capture: None,
        }
    }

    /// The record of a new version of the article whose newest version is
    /// `latest`, with the text `text`: it supersedes `latest`, and the
    /// url, publisher and title not given carry over from it.
    pub fn next_version(latest: &ArticleInfo, text: &[u8], f: ArticleChanges) -> ArticleRecord {
        ArticleRecord {
            url: f.url.unwrap_or_else(|| latest.url.clone()),
            publisher: f.publisher.unwrap_or_else(|| latest.publisher.clone()),
            title: f.title.unwrap_or_else(|| latest.title.clone()),
            published_at: f.published_at,
            retrieved_at: f.retrieved_at,
            content: Digest::of(text),
            length: text.len() as u64,
            supersedes: Some(latest.id),
            capture: None,
        }
    }
}

/// What a claim revision changes. `None` keeps the current value; for the
/// optional fields, `Some(None)` clears it and `Some(Some(v))` sets it.
#[derive(Clone, Debug, Default)]
pub struct ContentChanges {
    /// A new proposition.
    pub proposition: Option<String>,
    /// The source the claim is attributed to.
    pub source: Option<Option<Digest>>,
    /// The attributing words.
    pub cue: Option<Option<String>>,
    /// The hedge.
    pub hedge: Option<Hedge>,
    /// The mode; when not given but the quoted words change, the mode they
    /// imply ([`Mode::default_for`]).
    pub mode: Option<Mode>,
    /// The quoted words.
    pub quote: Option<Option<String>>,
    /// The source the article got the claim through.
    pub relayed_by: Option<Option<Digest>>,
}

impl ClaimContent {
    /// The content of a revision of this claim anchored at `anchor`: the
    /// fields `changes` gives, and every other one carried over.
    pub fn revised(&self, anchor: Anchor, changes: ContentChanges) -> ClaimContent {
        let was = &self.attribution;
        let mode = match (changes.mode, &changes.quote) {
            (Some(m), _) => m,
            (None, Some(q)) => Mode::default_for(q.as_deref()),
            (None, None) => was.mode,
        };
        ClaimContent {
            proposition: changes
                .proposition
                .unwrap_or_else(|| self.proposition.clone()),
            anchor,
            attribution: Attribution {
                source: changes.source.unwrap_or(was.source),
                cue: changes.cue.unwrap_or_else(|| was.cue.clone()),
                hedge: changes.hedge.unwrap_or(was.hedge),
                mode,
                quote: changes.quote.unwrap_or_else(|| was.quote.clone()),
                relayed_by: changes.relayed_by.unwrap_or(was.relayed_by),
            },
        }
    }
}

/// Why a passage could not be anchored: the message of
/// [`Anchor::locate`], and how many times the passage occurs (0, or 2 and
/// more when it is ambiguous), so that a caller can say how to pick one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocateError {
    /// How many times the passage occurs in the text (or in the text
    /// between the given `before` and `after`).
    pub occurrences: usize,
    /// What is wrong, naming the positions found.
    pub message: String,
}

impl std::fmt::Display for LocateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LocateError {}

impl Anchor {
    /// [`Anchor::locate`], picking the one occurrence of `exact` that comes
    /// right after `before` and right before `after` (either may be left
    /// out): the way to anchor a passage that occurs more than once.
    pub fn locate_between(
        text: &str,
        exact: &str,
        before: Option<&str>,
        after: Option<&str>,
    ) -> Result<Anchor, LocateError> {
        let before = before.unwrap_or("");
        let after = after.unwrap_or("");
        let wide = format!("{before}{exact}{after}");
        let found = Anchor::locate(text, &wide).map_err(|message| LocateError {
            // Counted only on failure: one more pass over the text (and
            // over its matching view when the passage is not there exactly).
            occurrences: if exact.is_empty() {
                0
            } else {
                match text.match_indices(wide.as_str()).count() {
                    0 => super::MatchView::new(text)
                        .find_all(&super::view_of(&wide))
                        .len(),
                    n => n,
                }
            },
            message,
        })?;
        if before.is_empty() && after.is_empty() {
            return Ok(found);
        }
        if found.exact != wide {
            // Found in the matching view: `exact` is the part of the
            // article's characters whose view is its view, after `before`.
            return Ok(within(&found, text, before, exact));
        }
        // The context the anchor keeps is the text around `exact`: the
        // located context on the far side of `before` and `after`.
        let keep = super::ANCHOR_CONTEXT_CHARS;
        let prefix: Vec<char> = found.prefix.chars().chain(before.chars()).collect();
        let prefix: String = prefix[prefix.len().saturating_sub(keep)..].iter().collect();
        let suffix: String = after
            .chars()
            .chain(found.suffix.chars())
            .take(keep)
            .collect();
        let start = found.start + before.chars().count() as u64;
        Ok(Anchor {
            exact: exact.to_string(),
            prefix,
            suffix,
            start,
            end: start + exact.chars().count() as u64,
        })
    }
}

/// The anchor of `exact` inside `wide`, an anchor found in the matching
/// view for `before ‖ exact ‖ after`: the first occurrence of `exact`'s
/// view at or after `before`'s, its context the text around it.
fn within(wide: &Anchor, text: &str, before: &str, exact: &str) -> Anchor {
    let view = super::MatchView::new(&wide.exact);
    let q = super::view_of(exact);
    let skip = super::view_of(before).len();
    let at = view
        .find_all(&q)
        .into_iter()
        .find(|&o| o >= skip)
        .unwrap_or(0);
    let (s, e) = view.to_original(at, at + q.len());
    let chars: Vec<char> = text.chars().collect();
    let start = wide.start as usize + s;
    let end = wide.start as usize + e;
    let keep = super::ANCHOR_CONTEXT_CHARS;
    Anchor {
        exact: chars[start..end].iter().collect(),
        prefix: chars[start.saturating_sub(keep)..start].iter().collect(),
        suffix: chars[end..(end + keep).min(chars.len())].iter().collect(),
        start: start as u64,
        end: end as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_is_found_in_the_matching_view_with_the_articles_characters() {
        let text = "He said \u{201C}we will  not resign\u{201D} \u{2013} twice. He said it again.";
        let a = Anchor::locate(text, "\"we will not resign\" - twice").unwrap();
        assert_eq!(
            a.exact,
            "\u{201C}we will  not resign\u{201D} \u{2013} twice"
        );
        a.check(text).unwrap();
        // With context, the same characters.
        let b =
            Anchor::locate_between(text, "\"we will not resign\"", Some("He said "), None).unwrap();
        assert_eq!(b.exact, "\u{201C}we will  not resign\u{201D}");
        b.check(text).unwrap();
        // Absent: the nearest passage is suggested.
        let e = Anchor::locate(text, "we shall not resign").unwrap_err();
        assert!(
            e.starts_with("\"we shall not resign\" does not occur in the article text; the nearest passage is \"we will  not resign\" (at position 9, edit ratio"),
            "{e}"
        );
        // Nothing near: no suggestion.
        assert_eq!(
            Anchor::locate(text, "zzzz qqqq xxxx").unwrap_err(),
            "\"zzzz qqqq xxxx\" does not occur in the article text"
        );
        // Twice once matched loosely.
        let twice = "A \u{2018}yes\u{2019} vote. A 'yes' vote.";
        let e =
            Anchor::locate_between(twice, "A \u{2019}yes\u{2019} vote", None, None).unwrap_err();
        assert_eq!(e.occurrences, 2);
        assert!(e.message.contains("occurs 2 times in the article text when quote marks, dashes and spaces are matched loosely (at positions 0, 14)"), "{}", e.message);
    }

    #[test]
    fn an_ambiguous_passage_is_counted_and_picked_by_its_context() {
        let text = "The talks failed. Later, the talks failed again, sources said.";
        let e = Anchor::locate_between(text, "the talks failed", None, None);
        // Case-sensitive: "The talks failed" is another passage.
        assert!(e.is_ok());
        let e = Anchor::locate_between(text, "talks failed", None, None).unwrap_err();
        assert_eq!(e.occurrences, 2);
        assert!(e.message.contains("occurs 2 times"), "{}", e.message);
        let a = Anchor::locate_between(text, "talks failed", None, Some(" again")).unwrap();
        assert_eq!(
            a,
            Anchor::locate(text, "talks failed again")
                .map(|w| Anchor {
                    exact: "talks failed".into(),
                    prefix: w.prefix,
                    suffix: " again, sources said.".into(),
                    start: w.start,
                    end: w.start + 12,
                })
                .unwrap()
        );
        a.check(text).unwrap();
        let b = Anchor::locate_between(text, "talks failed", Some("The "), None).unwrap();
        assert_eq!((b.start, b.prefix.as_str()), (4, "The "));
        b.check(text).unwrap();
        let e = Anchor::locate_between(text, "talks failed", Some("x"), None).unwrap_err();
        assert_eq!(e.occurrences, 0);
    }

    #[test]
    fn a_revision_carries_over_what_it_does_not_change() {
        let text = "Officials said the talks failed.";
        let anchor = Anchor::locate(text, "the talks failed").unwrap();
        let was = ClaimContent {
            proposition: "The talks failed.".into(),
            anchor: anchor.clone(),
            attribution: Attribution::with_defaults(
                None,
                Some("said".into()),
                None,
                None,
                Some("the talks failed".into()),
                None,
            ),
        };
        assert_eq!(was.attribution.mode, Mode::DirectQuote);
        assert_eq!(was.revised(anchor.clone(), ContentChanges::default()), was);
        let cleared = was.revised(
            anchor,
            ContentChanges {
                quote: Some(None),
                hedge: Some(Hedge::Reportedly),
                ..ContentChanges::default()
            },
        );
        assert_eq!(cleared.attribution.mode, Mode::Paraphrase);
        assert_eq!(cleared.attribution.quote, None);
        assert_eq!(cleared.attribution.cue.as_deref(), Some("said"));
        assert_eq!(cleared.attribution.hedge, Hedge::Reportedly);
        assert_eq!(cleared.proposition, was.proposition);
    }
}
