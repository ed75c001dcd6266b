//! The views the read queries return, for the CLI and the HTTP API:
//! articles with their version chains, sources, claims as they stand, the
//! signers of statements, and the filter of a claims listing.
//!
//! Every type here is `serde::Serialize` for `--json` output; ids are
//! written as 64 hex digits.

use super::standing::Status;
use crate::digest::Digest;
use crate::statement::{Anchor, Hedge, Mode, SourceCount, SourceKind};
use serde::Serialize;

/// A key that signed something, as people know it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Signer {
    /// The key's signed-note name.
    pub key: String,
    /// Who holds it.
    pub display_name: String,
    /// The raw public key, hex.
    pub pubkey: String,
}

/// One version of an article.
#[derive(Clone, Debug, Serialize)]
pub struct ArticleInfo {
    /// The `article.record` id.
    pub id: Digest,
    /// Where it was published.
    pub url: String,
    /// The outlet.
    pub publisher: String,
    /// Its headline.
    pub title: String,
    /// When the outlet published it (unix seconds), if known.
    pub published_at: Option<u64>,
    /// When its text was retrieved (unix seconds).
    pub retrieved_at: u64,
    /// SHA-256 of the text (the blob's address).
    pub content: Digest,
    /// The text's length in bytes.
    pub length: u64,
    /// The version this one updates.
    pub supersedes: Option<Digest>,
    /// The version that updates this one.
    pub superseded_by: Option<Digest>,
    /// The id of the chain's first version.
    pub chain: Digest,
    /// 1 for the first version.
    pub version: u64,
    /// Log index of the record.
    pub seq: u64,
    /// Statement time.
    pub at: u64,
    /// Who recorded it.
    pub signer: Signer,
    /// How it was captured from the web, when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture: Option<crate::statement::Capture>,
}

impl ArticleInfo {
    /// Whether the version's text is marked low-confidence by its capture
    /// (the extractors disagreed strongly, or the text shrank by more than
    /// half): claim drift marks no claim dropped on its strength. False for
    /// a version not captured from the web.
    pub fn low_confidence(&self) -> bool {
        self.capture.as_ref().is_some_and(|c| c.low_confidence)
    }
}

/// An article: its versions, oldest first.
#[derive(Clone, Debug, Serialize)]
pub struct ArticleChain {
    /// The id of the first version.
    pub chain: Digest,
    /// Every version, oldest first.
    pub versions: Vec<ArticleInfo>,
    /// How many claims are recorded in any version.
    pub claims: u64,
}

impl ArticleChain {
    /// The newest version.
    pub fn latest(&self) -> &ArticleInfo {
        self.versions
            .last()
            .expect("a chain has at least one version")
    }
}

/// A source record.
#[derive(Clone, Debug, Serialize)]
pub struct SourceInfo {
    /// The `source.record` id.
    pub id: Digest,
    /// The words the article uses for the source ("diplomatic sources").
    pub label: String,
    /// What kind of source it is.
    pub kind: SourceKind,
    /// The person's, organisation's, document's or outlet's name (none for anonymous kinds).
    pub name: Option<String>,
    /// Role or title ("spokesperson").
    pub role: Option<String>,
    /// Who the source speaks for.
    pub affiliation: Option<String>,
    /// A place qualifier ("Kabul-based").
    pub place: Option<String>,
    /// On the record (true) or on background (false).
    pub on_record: bool,
    /// How many people the label stands for.
    pub count: SourceCount,
    /// Log index of the `source.record`.
    pub seq: u64,
    /// Statement time of the `source.record`.
    pub at: u64,
    /// Claims currently attributed to it or relayed by it.
    pub claims: u64,
    /// For an anonymous source: why, on what ground rules, on what basis.
    pub anonymity: Option<crate::statement::Anonymity>,
    /// The commitment of its `source.identity`, when an editor vouched
    /// for knowing who it is.
    pub identity_commitment: Option<Digest>,
    /// The source it is one origin with (first recorded of its class), when
    /// a `source.merge` or a same-person `source.relate` joined them.
    pub same_as: Option<Digest>,
}

/// A source as a claim names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    /// The `source.record` id.
    pub id: Digest,
    /// The words the article uses for the source.
    pub label: String,
    /// What kind of source it is.
    pub kind: SourceKind,
    /// The person's, organisation's, document's or outlet's name (none for anonymous kinds).
    pub name: Option<String>,
}

/// A claim's attribution with its sources looked up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttributionView {
    /// `None`: the outlet's own assertion.
    pub source: Option<SourceRef>,
    /// The attributing words ("according to", "accused").
    pub cue: Option<String>,
    /// How the article hedges the claim.
    pub hedge: Hedge,
    /// Direct quote or paraphrase.
    pub mode: Mode,
    /// The quoted words (inside the anchored text).
    pub quote: Option<String>,
    /// The source that relayed the claim, if any.
    pub relayed_by: Option<SourceRef>,
}

/// An article version as a claim names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArticleRef {
    /// The `article.record` id.
    pub id: Digest,
    /// 1 for the first version.
    pub version: u64,
    /// Its headline.
    pub title: String,
    /// The outlet.
    pub publisher: String,
    /// Where it was published.
    pub url: String,
}

/// A claim as it stands now.
#[derive(Clone, Debug, Serialize)]
pub struct ClaimSummary {
    /// The `claim.record` id.
    pub id: Digest,
    /// The proposition of its latest revision with text.
    pub proposition: String,
    /// Where that revision anchors it.
    pub anchor: Anchor,
    /// That revision's attribution, its sources looked up.
    pub attribution: AttributionView,
    /// The article version its current revision reads.
    pub article: ArticleRef,
    /// The number of the newest version of its article.
    pub newest_version: u64,
    /// Its current revision reads an older version than the newest (and
    /// it is neither removed nor retracted): `claim drift` re-anchors it.
    pub behind: bool,
    /// Its current revision (the `claim.record` or the latest `claim.revise`).
    pub revision: Digest,
    /// How many revisions it has, the record included.
    pub revisions: u64,
    /// The current revision says the article no longer makes the claim.
    pub removed: bool,
    /// The claim was retracted.
    pub retracted: bool,
    /// Its derived status (`crate::status`).
    pub status: Status,
    /// Log index of the `claim.record`.
    pub seq: u64,
    /// Statement time of the `claim.record`.
    pub at: u64,
}

/// Which claims [`State::claims`](super::State::claims) lists. Empty filters match everything;
/// set ones must all hold.
#[derive(Clone, Debug, Default)]
pub struct ClaimFilter {
    /// Claims in any version of this article's chain.
    pub article: Option<Digest>,
    /// Claims attributed to, or relayed by, this source.
    pub source: Option<Digest>,
    /// Claims with this status.
    pub status: Option<Status>,
    /// Words that must all occur in the proposition, the quote or the
    /// anchored text (whole words, case and diacritics ignored).
    pub search: Option<String>,
    /// At most this many, oldest first.
    pub limit: Option<usize>,
    /// Skip this many first.
    pub offset: usize,
    /// Claims with a stale verdict (rule 1 of README "Status"): a
    /// checker's latest verdict judged other text or attribution. With
    /// `checker`, a stale verdict of that key.
    pub stale: bool,
    /// Claims, not retracted, on which this key (raw public key) has no
    /// verdict in force on the current text: never judged, every verdict
    /// withdrawn, or its latest stale.
    pub unjudged_by: Option<[u8; 32]>,
    /// Claims on which this key (raw public key) has a verdict it has not
    /// withdrawn.
    pub checker: Option<[u8; 32]>,
}
