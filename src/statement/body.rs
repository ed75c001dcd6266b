//! Statement bodies: one struct per kind of statement (DESIGN.md §2).
//!
//! Bodies are plain data. Whether a body may enter the ledger is decided by
//! the rules in `crate::state`; what is checked here is only what a body is
//! on its own: that it decodes into exactly one of these shapes (unknown
//! fields and unknown enum values are refused at decode time) and that it is
//! in its one canonical form (see [`Body::from_value`]).
//!
//! Ids of other statements are [`Digest`]s, encoded as 32-byte CBOR byte
//! strings. Optional fields are left out when absent, never written as null.

use super::text::{occurrences, IndexedText};
use crate::digest::Digest;
use ciborium::Value;
use serde::{de::DeserializeOwned, Deserialize, Deserializer, Serialize, Serializer};
use std::str::FromStr;

/// The kinds of statement, as written in the payload's `kind` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Genesis,
    KeyGrant,
    KeyRevoke,
    SourceRecord,
    ArticleRecord,
    ClaimRecord,
    ClaimRevise,
    ClaimRetract,
    ClaimLink,
    Verification,
    VerificationWithdraw,
}

impl Kind {
    /// Every kind, in the order the README documents them.
    pub const ALL: &'static [Kind] = &[
        Kind::Genesis,
        Kind::KeyGrant,
        Kind::KeyRevoke,
        Kind::SourceRecord,
        Kind::ArticleRecord,
        Kind::ClaimRecord,
        Kind::ClaimRevise,
        Kind::ClaimRetract,
        Kind::ClaimLink,
        Kind::Verification,
        Kind::VerificationWithdraw,
    ];

    /// The kind's name in the payload (`ledger.genesis`, `key.grant`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Genesis => "ledger.genesis",
            Kind::KeyGrant => "key.grant",
            Kind::KeyRevoke => "key.revoke",
            Kind::SourceRecord => "source.record",
            Kind::ArticleRecord => "article.record",
            Kind::ClaimRecord => "claim.record",
            Kind::ClaimRevise => "claim.revise",
            Kind::ClaimRetract => "claim.retract",
            Kind::ClaimLink => "claim.link",
            Kind::Verification => "verification",
            Kind::VerificationWithdraw => "verification.withdraw",
        }
    }

    /// Parses a kind name.
    pub fn parse(s: &str) -> Result<Kind, String> {
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown statement kind '{s}'"))
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// In JSON output a kind is its name, as in the payload.
impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A role a key may be granted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Records sources, articles and claims.
    Editor,
    /// Signs verdicts on claims.
    Checker,
    /// Replays the ledger; signs nothing the rules look at.
    Auditor,
}

impl Role {
    /// The role's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Checker => "checker",
            Role::Auditor => "auditor",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        match s {
            "editor" => Ok(Role::Editor),
            "checker" => Ok(Role::Checker),
            "auditor" => Ok(Role::Auditor),
            _ => Err(format!(
                "unknown role '{s}' (roles: editor, checker, auditor)"
            )),
        }
    }
}

/// Defines a closed set of names written as CBOR/JSON text: the enum, its
/// serde names, `ALL`, `as_str`, `Display` and a `FromStr` whose error lists
/// the allowed names (the CLI parses flags with it).
macro_rules! names {
    (
        $(#[$meta:meta])*
        $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $var:ident = $s:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $s)] $var, )+
        }

        impl $name {
            /// Every value, in documentation order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The value's name as written in statements.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$var => $s, )+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<$name, String> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    let all: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    format!("unknown {} '{s}' (one of: {})", $what, all.join(", "))
                })
            }
        }
    };
}

names! {
    /// What kind of source a `source.record` describes.
    SourceKind ("source kind") {
        /// A person identified by name ("Taliban spokesperson Zabihullah Mujahid").
        NamedPerson = "named_person",
        /// An organisation identified by name (a ministry, a company).
        NamedOrganization = "named_organization",
        /// One unnamed person ("One Kabul-based source").
        AnonymousPerson = "anonymous_person",
        /// Unnamed people ("diplomatic sources", "Afghan officials").
        AnonymousGroup = "anonymous_group",
        /// A document (a joint statement, a court filing, a report).
        Document = "document",
        /// Another outlet's report ("As reported by The Sunday Guardian").
        MediaReport = "media_report",
    }
}

impl SourceKind {
    /// Whether sources of this kind are anonymous (for corroboration counts).
    pub fn is_anonymous(self) -> bool {
        matches!(
            self,
            SourceKind::AnonymousPerson | SourceKind::AnonymousGroup
        )
    }
}

names! {
    /// How many people a source stands for.
    SourceCount ("source count") {
        One = "one",
        Several = "several",
        Unknown = "unknown",
    }
}

names! {
    /// The hedge with which an article presents a claim.
    Hedge ("hedge") {
        /// Stated plainly.
        None = "none",
        Reportedly = "reportedly",
        Believed = "believed",
        Alleged = "alleged",
        Claimed = "claimed",
        Suspected = "suspected",
        Apparently = "apparently",
        Unconfirmed = "unconfirmed",
    }
}

names! {
    /// Whether the article quotes the source or paraphrases it.
    Mode ("attribution mode") {
        DirectQuote = "direct_quote",
        Paraphrase = "paraphrase",
    }
}

names! {
    /// Why a claim was revised.
    ChangeReason ("revision reason") {
        /// The outlet updated the article.
        ArticleUpdated = "article_updated",
        /// The outlet published a correction.
        Correction = "correction",
        /// Our own record of the claim was wrong.
        Error = "error",
    }
}

names! {
    /// How a `claim.link` relates its `from` claim to its `to` claim.
    Relation ("link relation") {
        /// The claims support each other.
        Corroborates = "corroborates",
        /// The claims cannot both be true.
        Contradicts = "contradicts",
        /// The claims come from the same origin (one is not evidence for the other).
        SameOrigin = "same_origin",
        /// `from` repeats `to`: its origin is `to`'s origin.
        Cites = "cites",
    }
}

impl Relation {
    /// Whether `a r b` means the same as `b r a`.
    pub fn is_symmetric(self) -> bool {
        !matches!(self, Relation::Cites)
    }
}

names! {
    /// A fact-checker's verdict, on the ClaimReview-compatible scale of
    /// DESIGN.md §2 (see [`Verdict::rating`]).
    Verdict ("verdict") {
        True = "true",
        MostlyTrue = "mostly_true",
        Mixed = "mixed",
        Misleading = "misleading",
        MostlyFalse = "mostly_false",
        False = "false",
        Unverifiable = "unverifiable",
    }
}

impl Verdict {
    /// The schema.org `reviewRating` value (1 worst to 5 best), or `None`
    /// for `unverifiable`, which has no place on the scale.
    pub fn rating(self) -> Option<u8> {
        match self {
            Verdict::True => Some(5),
            Verdict::MostlyTrue => Some(4),
            Verdict::Mixed => Some(3),
            Verdict::Misleading | Verdict::MostlyFalse => Some(2),
            Verdict::False => Some(1),
            Verdict::Unverifiable => None,
        }
    }

    /// The rating's `alternateName` for ClaimReview ("Mostly true").
    pub fn label(self) -> &'static str {
        match self {
            Verdict::True => "True",
            Verdict::MostlyTrue => "Mostly true",
            Verdict::Mixed => "Mixed",
            Verdict::Misleading => "Misleading",
            Verdict::MostlyFalse => "Mostly false",
            Verdict::False => "False",
            Verdict::Unverifiable => "Unverifiable",
        }
    }

    /// Whether the verdict supports the claim (`true`, `mostly_true`).
    pub fn supports(self) -> bool {
        matches!(self, Verdict::True | Verdict::MostlyTrue)
    }

    /// Whether the verdict refutes the claim (`false`, `mostly_false`, `misleading`).
    pub fn refutes(self) -> bool {
        matches!(
            self,
            Verdict::False | Verdict::MostlyFalse | Verdict::Misleading
        )
    }
}

/// The ledger policy fixed at genesis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// How many current agreeing verdicts make a claim verified or refuted.
    pub quorum: u64,
}

/// `ledger.genesis`: the first statement, made by the operator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    /// The log's origin (checkpoint first line); equals the operator key's name.
    pub origin: String,
    /// The operator's signed-note verifier key.
    pub operator: String,
    /// What the ledger is for, in a sentence.
    pub description: String,
    /// The ledger policy.
    pub policy: Policy,
}

/// `key.grant`: the operator grants roles to a key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyGrant {
    /// The granted key, as a signed-note verifier key string.
    pub key: String,
    /// The person or desk the key belongs to.
    pub display_name: String,
    /// The roles granted.
    pub roles: Vec<Role>,
}

/// `key.revoke`: the operator, or the key itself, revokes a key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRevoke {
    /// The revoked key, as a signed-note verifier key string.
    pub key: String,
    /// Why it is revoked.
    pub reason: String,
}

/// `source.record`: a source as an article describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRecord {
    /// The words the article uses for the source ("diplomatic sources").
    pub label: String,
    /// What kind of source it is.
    pub kind: SourceKind,
    /// The person's, organisation's, document's or outlet's name; required
    /// for named kinds and media reports, refused for anonymous kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Role or title ("spokesperson", "Intelligence Chief").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Who the source speaks for ("Taliban", "Afghan government").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// A place qualifier ("Kabul-based").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// On the record (true) or on background (false), in AP's sense.
    pub on_record: bool,
    /// How many people the source stands for.
    pub count: SourceCount,
}

/// `article.record`: one version of an article. Its text is a blob beside
/// the log, addressed by `content`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleRecord {
    /// Where the article was published.
    pub url: String,
    /// The outlet.
    pub publisher: String,
    /// The headline.
    pub title: String,
    /// When the outlet says it published this version (unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<u64>,
    /// When this text was retrieved (unix seconds).
    pub retrieved_at: u64,
    /// SHA-256 of the exact UTF-8 text (the blob's address).
    pub content: Digest,
    /// The text's length in bytes.
    pub length: u64,
    /// The previous version's `article.record`, when this is an update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<Digest>,
}

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
        if exact.is_empty() {
            return Err("the quoted text is empty".into());
        }
        let raw = occurrences(text, exact, usize::MAX);
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
                Err(format!(
                    "\"{}\" occurs in the article text only as part of longer characters (at position {}, {why}); quote whole characters, accents and marks included",
                    clip(exact),
                    text[..at].chars().count()
                ))
            }
            [] => Err(format!(
                "\"{}\" does not occur in the article text",
                clip(exact)
            )),
            [at] => {
                let start = text[..*at].chars().count();
                let end = start + exact.chars().count();
                let mut prefix: Vec<char> = text[..*at]
                    .chars()
                    .rev()
                    .take(ANCHOR_CONTEXT_CHARS)
                    .collect();
                prefix.reverse();
                let prefix: String = prefix.into_iter().collect();
                let suffix: String = text[at + exact.len()..]
                    .chars()
                    .take(ANCHOR_CONTEXT_CHARS)
                    .collect();
                Ok(Anchor {
                    exact: exact.to_string(),
                    prefix,
                    suffix,
                    start: start as u64,
                    end: end as u64,
                })
            }
            many => {
                let positions: Vec<String> = many
                    .iter()
                    .map(|b| text[..*b].chars().count().to_string())
                    .collect();
                Err(format!(
                    "\"{}\" occurs {}{} times in the article text (at positions {}); quote more of it",
                    clip(exact),
                    many.len(),
                    if many.len() >= 10 { " or more" } else { "" },
                    positions.join(", ")
                ))
            }
        }
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

/// Who a claim is attributed to, and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribution {
    /// The `source.record` the claim is attributed to; absent when the
    /// claim is the outlet's own assertion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Digest>,
    /// The attributing words ("according to", "accused", "called");
    /// required when there is a source or a relay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
    /// How the article hedges the claim.
    pub hedge: Hedge,
    /// Direct quote or paraphrase.
    pub mode: Mode,
    /// The quoted words (inside `anchor.exact`); required for a direct quote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// The `source.record` through which the article got the claim ("As
    /// reported by The Sunday Guardian"), typically a media report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relayed_by: Option<Digest>,
}

/// The part of a claim that a revision can change: its wording, its place
/// in the text and its attribution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimContent {
    /// The proposition, as the editor words it.
    pub proposition: String,
    /// Where it is in the article.
    pub anchor: Anchor,
    /// Who it is attributed to.
    pub attribution: Attribution,
}

/// The fields whose change makes earlier verdicts stale (DESIGN.md §3): the
/// proposition, the anchored text and the attribution. The anchor's
/// positions and context are left out, as they move whenever an outlet edits
/// another paragraph.
#[derive(Serialize)]
struct Substance<'a> {
    proposition: &'a str,
    exact: &'a str,
    attribution: &'a Attribution,
}

impl ClaimContent {
    /// A digest of what a verdict judges (proposition, anchored text,
    /// attribution): two revisions with equal keys say the same thing.
    pub fn substance_key(&self) -> Digest {
        let s = Substance {
            proposition: &self.proposition,
            exact: &self.anchor.exact,
            attribution: &self.attribution,
        };
        // Encoding plain strings, enums and digests cannot fail.
        Digest::of(&crate::cbor::to_vec(&s).unwrap_or_default())
    }
}

/// `claim.record`: a claim an article makes, with its attribution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRecord {
    /// The `article.record` (version) the claim is in.
    pub article: Digest,
    /// The proposition, as the editor words it.
    pub proposition: String,
    /// Where it is in the article.
    pub anchor: Anchor,
    /// Who it is attributed to.
    pub attribution: Attribution,
}

impl ClaimRecord {
    /// The claim's content as first recorded.
    pub fn content(&self) -> ClaimContent {
        ClaimContent {
            proposition: self.proposition.clone(),
            anchor: self.anchor.clone(),
            attribution: self.attribution.clone(),
        }
    }
}

/// What a `claim.revise` changes: the whole new content, or `removed` when
/// the article version no longer makes the claim. Encoded as the content
/// map, or as the text `"removed"`.
// Boxing the content would make every caller build and match a Box for a
// value that is made a handful of times per statement.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The claim as it now reads.
    Content(ClaimContent),
    /// The article version dropped the claim.
    Removed,
}

impl Serialize for Change {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Change::Content(c) => c.serialize(s),
            Change::Removed => s.serialize_str("removed"),
        }
    }
}

impl<'de> Deserialize<'de> for Change {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        // Decode into a generic value first, so the error for a bad content
        // map is the content's own (untagged enums only say "no variant").
        match Value::deserialize(d)? {
            Value::Text(t) if t == "removed" => Ok(Change::Removed),
            Value::Text(t) => Err(D::Error::custom(format!(
                "change is '{t}'; it must be \"removed\" or a map with proposition, anchor and attribution"
            ))),
            v @ Value::Map(_) => v
                .deserialized::<ClaimContent>()
                .map(Change::Content)
                .map_err(|e| D::Error::custom(format!("change: {}", message(e)))),
            _ => Err(D::Error::custom(
                "change must be \"removed\" or a map with proposition, anchor and attribution",
            )),
        }
    }
}

/// `claim.revise`: a claim as a newer version of its article has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRevise {
    /// The claim (its `claim.record`).
    pub claim: Digest,
    /// The article version this revision reads.
    pub article: Digest,
    /// What the claim now is.
    pub change: Change,
    /// Why it changed.
    pub reason: ChangeReason,
    /// A note for readers of the history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `claim.retract`: the claim should never have been recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRetract {
    /// The claim (its `claim.record`).
    pub claim: Digest,
    /// Why it is retracted.
    pub reason: String,
}

/// `claim.link`: a relation between two claims.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimLink {
    /// The claim the relation is stated of.
    pub from: Digest,
    /// The claim it relates to.
    pub to: Digest,
    /// How they relate.
    pub relation: Relation,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One piece of evidence behind a verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// Where the evidence is.
    pub url: String,
    /// SHA-256 of the evidence as captured, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<Digest>,
    /// What it shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `verification`: a checker's verdict on one revision of a claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    /// The claim (its `claim.record`).
    pub claim: Digest,
    /// The revision judged: the `claim.record` or a `claim.revise` of it.
    pub revision: Digest,
    /// The verdict.
    pub verdict: Verdict,
    /// What it rests on.
    pub evidence: Vec<Evidence>,
    /// The checker's explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `verification.withdraw`: a checker takes back one of their verdicts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerificationWithdraw {
    /// The `verification` withdrawn.
    pub verification: Digest,
    /// Why.
    pub reason: String,
}

/// What a statement says, by kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    Genesis(Genesis),
    KeyGrant(KeyGrant),
    KeyRevoke(KeyRevoke),
    SourceRecord(SourceRecord),
    ArticleRecord(ArticleRecord),
    ClaimRecord(ClaimRecord),
    ClaimRevise(ClaimRevise),
    ClaimRetract(ClaimRetract),
    ClaimLink(ClaimLink),
    Verification(Verification),
    VerificationWithdraw(VerificationWithdraw),
}

fn to_value<T: Serialize>(t: &T) -> Result<Value, String> {
    Value::serialized(t).map_err(|e| e.to_string())
}

fn from_value<T: DeserializeOwned>(kind: Kind, v: Value) -> Result<T, String> {
    v.deserialized()
        .map_err(|e| format!("{} body: {}", kind.as_str(), message(e)))
}

/// The text of a decoding error (ciborium's `Display` shows it as `Custom("…")`).
fn message(e: ciborium::value::Error) -> String {
    match e {
        ciborium::value::Error::Custom(s) => s,
    }
}

impl Body {
    /// The statement kind of this body.
    pub fn kind(&self) -> Kind {
        match self {
            Body::Genesis(_) => Kind::Genesis,
            Body::KeyGrant(_) => Kind::KeyGrant,
            Body::KeyRevoke(_) => Kind::KeyRevoke,
            Body::SourceRecord(_) => Kind::SourceRecord,
            Body::ArticleRecord(_) => Kind::ArticleRecord,
            Body::ClaimRecord(_) => Kind::ClaimRecord,
            Body::ClaimRevise(_) => Kind::ClaimRevise,
            Body::ClaimRetract(_) => Kind::ClaimRetract,
            Body::ClaimLink(_) => Kind::ClaimLink,
            Body::Verification(_) => Kind::Verification,
            Body::VerificationWithdraw(_) => Kind::VerificationWithdraw,
        }
    }

    /// The body as a CBOR value (the payload's `body` field).
    pub fn to_value(&self) -> Result<Value, String> {
        match self {
            Body::Genesis(b) => to_value(b),
            Body::KeyGrant(b) => to_value(b),
            Body::KeyRevoke(b) => to_value(b),
            Body::SourceRecord(b) => to_value(b),
            Body::ArticleRecord(b) => to_value(b),
            Body::ClaimRecord(b) => to_value(b),
            Body::ClaimRevise(b) => to_value(b),
            Body::ClaimRetract(b) => to_value(b),
            Body::ClaimLink(b) => to_value(b),
            Body::Verification(b) => to_value(b),
            Body::VerificationWithdraw(b) => to_value(b),
        }
    }

    /// Decodes the payload's `body` field for a statement of `kind`.
    ///
    /// The decoded body must encode back to exactly the value it came from.
    /// Canonical CBOR alone does not ensure that: `"name": null` decodes to
    /// the same body as a missing `name`, and two encodings of one body
    /// would give one statement two ids.
    pub fn from_value(kind: Kind, v: Value) -> Result<Body, String> {
        let body = match kind {
            Kind::Genesis => Body::Genesis(from_value(kind, v.clone())?),
            Kind::KeyGrant => Body::KeyGrant(from_value(kind, v.clone())?),
            Kind::KeyRevoke => Body::KeyRevoke(from_value(kind, v.clone())?),
            Kind::SourceRecord => Body::SourceRecord(from_value(kind, v.clone())?),
            Kind::ArticleRecord => Body::ArticleRecord(from_value(kind, v.clone())?),
            Kind::ClaimRecord => Body::ClaimRecord(from_value(kind, v.clone())?),
            Kind::ClaimRevise => Body::ClaimRevise(from_value(kind, v.clone())?),
            Kind::ClaimRetract => Body::ClaimRetract(from_value(kind, v.clone())?),
            Kind::ClaimLink => Body::ClaimLink(from_value(kind, v.clone())?),
            Kind::Verification => Body::Verification(from_value(kind, v.clone())?),
            Kind::VerificationWithdraw => Body::VerificationWithdraw(from_value(kind, v.clone())?),
        };
        let again = body.to_value()?;
        let canonical = |v: &Value| crate::cbor::value_to_vec(v).map_err(|e| e.to_string());
        if canonical(&again)? != canonical(&v)? {
            return Err(format!(
                "{} body is not in its canonical form (an absent field must be left out, not written as null)",
                kind.as_str()
            ));
        }
        Ok(body)
    }
}
