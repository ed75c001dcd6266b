//! `provledger extract`: proposes an article's attributed claims (source,
//! cue, content, hedge) for an editor to review and import.
//!
//! The extractor is rule-based and runs offline, as the best published
//! quote extractors do without network models:
//!
//! 1. [`text`]: paragraphs, sentences (the `sentencex` segmenter, which
//!    keeps "Mr.", "Jan. 3" and "U.S." whole), word tokens, and quotation
//!    marks paired across paragraphs (a quotation of several paragraphs
//!    repeats its opening mark and closes only in its last one).
//! 2. [`rules`]: reporting cues from the lexicon (`data/lexicons/cues.tsv`,
//!    with inflections and multi-word cues, guarded against nouns such as
//!    "claims" and "states"), and the adjacency patterns around them:
//!    `“…,” X said`, `“…,” said X`, `X said (that) …`, `…, X said`,
//!    `according to X, …`, `as reported by X, …`, `X quoted Y as saying …`,
//!    `…, adding that …`, `… and reiterated that …`; floating quotations
//!    inherit the last speaker; hedges (`hedges.tsv`) are mapped to
//!    [`Hedge`].
//! 3. [`source`]: what a source phrase says (kind, name, role,
//!    affiliation, place, count) from the lexicons of anonymity, documents,
//!    media, titles and organisations, and the register that makes a full
//!    name, a surname, "he" and "the spokesperson" one source.
//!
//! [`extract`] returns an [`Extraction`]: sources and proposals with char
//! offsets (Unicode scalar values, as anchors count), a confidence and the
//! rule that produced each; [`Extraction::to_import`] writes it in the
//! `claim import` format (schemas/claim-import.schema.json), with each
//! proposal's details in a `proposal` object that the importer ignores.

pub mod lexicon;
pub mod rules;
pub mod source;
pub mod text;

mod import;

pub use import::{read_text_file, ExtractInputError, MAX_EXTRACT_BYTES};

use crate::statement::{Hedge, Mode, SourceCount, SourceKind};
use lexicon::Lexicon;
use serde::Serialize;

/// A span of the text, in chars (Unicode scalar values), `end` exclusive,
/// with its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    /// First char.
    pub start: usize,
    /// After the last char.
    pub end: usize,
    /// The text of the span.
    pub text: String,
}

/// The rule that produced a proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// `“…,” X said`: a quotation, then source and cue.
    QuoteThenCue,
    /// `“…,” said X`: a quotation, then cue and source.
    QuoteThenInvertedCue,
    /// `X said (that) …` / `X said: “…”`: source, cue, content.
    SubjectCue,
    /// `…, X said` / `…, said X`: content, then source and cue.
    ClauseThenCue,
    /// `according to X, …` / `…, according to X`.
    AccordingTo,
    /// `as reported by X, …`: relayed by X.
    RelayedBy,
    /// `X quoted Y as saying …`.
    QuotedAsSaying,
    /// `…, adding that …`: a participle cue of the clause's source.
    Participle,
    /// `… and reiterated that …`: a second cue of the same source.
    Coordinated,
    /// A quotation with no cue of its own: the last speaker's.
    FloatingQuote,
    /// `… is believed to …` with no source: a hedged assertion.
    PassiveHedge,
    /// A sentence with no attribution: the outlet's own assertion.
    Unattributed,
    /// A transcript answer after its speaker's label ("HALVORSEN: ...").
    TranscriptTurn,
}

impl Rule {
    /// The rule's name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::QuoteThenCue => "quote_then_cue",
            Rule::QuoteThenInvertedCue => "quote_then_inverted_cue",
            Rule::SubjectCue => "subject_cue",
            Rule::ClauseThenCue => "clause_then_cue",
            Rule::AccordingTo => "according_to",
            Rule::RelayedBy => "relayed_by",
            Rule::QuotedAsSaying => "quoted_as_saying",
            Rule::Participle => "participle",
            Rule::Coordinated => "coordinated",
            Rule::FloatingQuote => "floating_quote",
            Rule::PassiveHedge => "passive_hedge",
            Rule::Unattributed => "unattributed",
            Rule::TranscriptTurn => "transcript_turn",
        }
    }
}

/// A proposed source: every mention of one speaker.
#[derive(Clone, Debug, Serialize)]
pub struct ProposedSource {
    /// The words of its first mention, as printed.
    pub label: String,
    /// Its kind.
    pub kind: SourceKind,
    /// Its name, where printed (for a document or report: the label).
    pub name: Option<String>,
    /// Its role.
    pub role: Option<String>,
    /// Its affiliation.
    pub affiliation: Option<String>,
    /// Its place qualifier.
    pub place: Option<String>,
    /// On the record (named) or not (anonymous).
    pub on_record: bool,
    /// How many people it stands for.
    pub count: SourceCount,
    /// Every mention, in order (the first is the label).
    pub mentions: Vec<Span>,
}

/// One proposed attribution (or, with `include_unattributed`, one of the
/// outlet's own assertions).
#[derive(Clone, Debug, Serialize)]
pub struct Proposal {
    /// The attributed passage (for a quotation: the quoted words).
    pub content: Span,
    /// The source (index into [`Extraction::sources`]); `None` for the
    /// outlet's own assertion or a claim that is only relayed.
    pub source: Option<usize>,
    /// The mention of the source this attribution uses.
    pub source_mention: Option<Span>,
    /// The cue as printed; `None` for a floating quotation or the
    /// outlet's own assertion.
    pub cue: Option<Span>,
    /// The cue words for the import (a floating quotation's are its
    /// speaker's cue).
    pub cue_words: Option<String>,
    /// The kind of the attribution: the source's, else the relaying
    /// source's, else `None` (the outlet's own assertion).
    pub kind: Option<SourceKind>,
    /// The hedge.
    pub hedge: Hedge,
    /// Direct quotation or paraphrase.
    pub mode: Mode,
    /// For a direct quotation, the quoted words (inside the content).
    pub quote: Option<Span>,
    /// The source that relays the claim (index into sources).
    pub relayed_by: Option<usize>,
    /// The mention of the relaying source.
    pub relayed_mention: Option<Span>,
    /// How sure the rule is, 0 to 1.
    pub confidence: f64,
    /// The rule that produced it.
    pub rule: Rule,
    /// The lexicon entries that fired for it (cue, hedge, source words).
    pub evidence: Vec<(Lexicon, &'static str)>,
}

/// What to propose.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Propose the outlet's own unattributed assertions too.
    pub include_unattributed: bool,
    /// Leave out proposals below this confidence.
    pub min_confidence: f64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            include_unattributed: false,
            min_confidence: 0.0,
        }
    }
}

/// The extractor's answer for one text.
#[derive(Clone, Debug, Serialize)]
pub struct Extraction {
    /// The sources that proposals use, in order of first mention.
    pub sources: Vec<ProposedSource>,
    /// The proposals, in text order.
    pub proposals: Vec<Proposal>,
}

/// Proposes the attributed claims of `text`.
pub fn extract(text: &str, opts: &Options) -> Extraction {
    rules::run(text, opts)
}
