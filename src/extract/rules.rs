//! The patterns: cues found in each sentence, the source and content
//! around each, floating quotations, hedges, and the outlet's own
//! assertions. See the module docs of [`super`] for the list.

use super::lexicon::{CueClass, HedgeClass, Lexicon, Lexicons};
use super::source::{analyse, analyse_with, Register};
use super::text::Prepared;
use super::{Extraction, Options, Proposal, ProposedSource, Rule, Span};
use crate::statement::{Hedge, Mode, SourceKind};

/// Words that end the subject of a cue, scanning back from it.
const BOUNDARY_WORDS: &[&str] = &[
    "that", "but", "and", "while", "because", "as", "after", "when", "if", "though", "although",
    "since", "so", "where", "whereas", "before", "until", "or", "nor", "which", "than", "once",
    "unless", "whether",
];
/// Auxiliaries and adverbs between a subject and its cue ("has also said").
const SKIP: &[&str] = &[
    "also",
    "later",
    "earlier",
    "has",
    "have",
    "had",
    "would",
    "will",
    "could",
    "may",
    "might",
    "again",
    "previously",
    "repeatedly",
    "publicly",
    "privately",
    "separately",
    "further",
    "reportedly",
    "allegedly",
    "apparently",
    "then",
    "already",
    "once",
    "recently",
    "initially",
    "first",
    "finally",
    "subsequently",
    "quickly",
    "immediately",
    "flatly",
    "strongly",
    "openly",
    "explicitly",
    "specifically",
    "formally",
    "officially",
    "angrily",
    "bluntly",
    "simply",
    "directly",
    "firmly",
    "jointly",
    "originally",
    "purportedly",
    "supposedly",
];
/// Words after which a verb form is a noun ("the claims").
const NOUN_BEFORE: &[&str] = &[
    "the",
    "a",
    "an",
    "his",
    "her",
    "its",
    "their",
    "this",
    "these",
    "those",
    "such",
    "no",
    "any",
    "every",
    "new",
    "our",
    "your",
    "my",
    "false",
    "of",
    "to",
    "in",
    "by",
    "for",
    "on",
    "with",
    "about",
    "against",
    "over",
    "from",
    "whose",
    "recent",
    "earlier",
    "previous",
    "unconfirmed",
    "united",
];
/// Words that start an adverbial between a cue and its "that".
const ADVERBIAL: &[&str] = &[
    "on",
    "in",
    "at",
    "during",
    "late",
    "earlier",
    "last",
    "this",
    "yesterday",
    "today",
    "tonight",
    "after",
    "before",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "via",
    "through",
    "recently",
    "repeatedly",
    "previously",
    "publicly",
    "privately",
    "again",
    "also",
    "separately",
    "then",
    "later",
    "when",
    "while",
    "shortly",
    "soon",
    "over",
    "from",
    "speaking",
    "following",
    "afterwards",
    "overnight",
    "back",
    "even",
];
/// Negations that cancel a cue ("did not say").
const NEGATIONS: &[&str] = &[
    "not", "never", "n't", "didn't", "did", "does", "doesn't", "no",
];
/// Forms of "be" before a passive.
const BE: &[&str] = &["is", "are", "was", "were", "be", "been", "being"];

/// A content span, its mode and its quotation.
type Content = ((usize, usize), Mode, Option<(usize, usize)>);
/// A resolved source: its index, the mention, the lexicon entries that
/// decided, and whether the mention is a pronoun.
type Found = (usize, (usize, usize), Vec<(Lexicon, &'static str)>, bool);

/// A cue found in a sentence: tokens `first..end` of lemma `lemma`.
#[derive(Clone, Copy, Debug)]
struct CueHit {
    first: usize,
    end: usize,
    lemma: usize,
}

/// A proposal with byte spans, before it is written in chars.
#[derive(Clone, Debug)]
struct Raw {
    content: (usize, usize),
    source: Option<usize>,
    source_mention: Option<(usize, usize)>,
    cue: Option<(usize, usize)>,
    cue_words: Option<String>,
    hedge: Hedge,
    mode: Mode,
    quote: Option<(usize, usize)>,
    relayed_by: Option<usize>,
    relayed_mention: Option<(usize, usize)>,
    confidence: f64,
    rule: Rule,
    evidence: Vec<(Lexicon, &'static str)>,
    /// The content is a paraphrase whose cues are not nested claims.
    paraphrase_blocks: bool,
}

impl Raw {
    fn new(content: (usize, usize), rule: Rule, confidence: f64) -> Raw {
        Raw {
            content,
            source: None,
            source_mention: None,
            cue: None,
            cue_words: None,
            hedge: Hedge::None,
            mode: Mode::Paraphrase,
            quote: None,
            relayed_by: None,
            relayed_mention: None,
            confidence,
            rule,
            evidence: Vec::new(),
            paraphrase_blocks: true,
        }
    }
}

struct Ctx<'p, 'a> {
    p: &'p Prepared<'a>,
    lx: &'static Lexicons,
    reg: Register,
    out: Vec<Raw>,
    /// Paragraphs the cue rules skip: the title, transcript answers.
    skip: Vec<bool>,
}

/// What stopped the scan for a subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    Start,
    Quote(usize),
    Punct,
    Comma,
    Word,
}

/// Runs every pattern over `text`.
pub fn run(text: &str, opts: &Options) -> Extraction {
    let p = Prepared::new(text);
    let mut cx = Ctx {
        p: &p,
        lx: Lexicons::get(),
        reg: Register::default(),
        out: Vec::new(),
        skip: vec![false; p.paragraphs.len()],
    };
    // A title: a first line without final punctuation, before the story.
    if p.paragraphs.len() >= 3 {
        let (ps, pe) = p.paragraphs[0];
        if !text[ps..pe]
            .trim_end()
            .ends_with(['.', '?', '!', '"', '”', ':'])
        {
            cx.skip[0] = true;
        }
    }
    let turns = cx.transcript_turns();
    let mut t = 0;
    for si in 0..p.sentences.len() {
        let para = p.sentences[si].paragraph;
        while t < turns.len() && turns[t] <= para {
            cx.turn(turns[t]);
            t += 1;
        }
        if !cx.skip[para] {
            cx.sentence(si);
        }
    }
    cx.floating_quotes();
    if opts.include_unattributed {
        cx.unattributed();
    }
    cx.finish(opts)
}

impl<'p, 'a> Ctx<'p, 'a> {
    fn word(&self, i: usize) -> &str {
        &self.p.tokens[i].lower
    }

    fn in_quote(&self, i: usize) -> Option<usize> {
        self.p.quote_at(self.p.tokens[i].start)
    }

    /// The cue that starts at token `i` (outside quotations), if any.
    fn cue_at(&self, i: usize, end: usize) -> Option<CueHit> {
        let forms = self.lx.cue_forms.get(self.word(i))?;
        for (words, lemma) in forms {
            if i + words.len() > end {
                continue;
            }
            if words
                .iter()
                .enumerate()
                .all(|(k, w)| self.p.tokens[i + k].lower == *w)
            {
                return Some(CueHit {
                    first: i,
                    end: i + words.len(),
                    lemma: *lemma,
                });
            }
        }
        None
    }

    /// Whether a guarded cue starts at token `i` (sentence tokens `s..e`).
    fn is_cue(&self, i: usize, s: usize, e: usize) -> bool {
        self.cue_at(i, e).is_some_and(|h| self.guard(h, s, e))
    }

    /// The cues of tokens `s..e`, guarded.
    fn cues(&self, s: usize, e: usize) -> Vec<CueHit> {
        let mut hits = Vec::new();
        let mut i = s;
        while i < e {
            if self.p.tokens[i].word && self.in_quote(i).is_none() {
                if let Some(h) = self.cue_at(i, e) {
                    if self.guard(h, s, e) {
                        hits.push(h);
                        i = h.end;
                        continue;
                    }
                }
            }
            i += 1;
        }
        hits
    }

    /// The guards against nouns and other non-cue uses of a cue form.
    fn guard(&self, h: CueHit, s: usize, e: usize) -> bool {
        let cue = &self.lx.cues[h.lemma];
        let t = &self.p.tokens[h.first];
        if cue.class == CueClass::Verb {
            if t.cap {
                return false;
            }
            if h.first > s {
                let prev = self.word(h.first - 1);
                if NOUN_BEFORE.contains(&prev) {
                    return false;
                }
                if BE.contains(&prev) {
                    // A passive ("is said to"): a hedge, not a cue.
                    return false;
                }
                if cue.noun && (prev.ends_with("'s") || prev.ends_with("s'")) {
                    return false;
                }
            }
            if cue.noun
                && h.end < e
                && matches!(
                    self.word(h.end),
                    "of" | "by" | "from" | "were" | "was" | "are" | "is" | "have" | "had"
                )
            {
                return false;
            }
            if cue.needs_that {
                let ok = (h.end..e.min(h.end + 7)).any(|k| {
                    let w = self.word(k);
                    w == "that" || w == ":" || self.in_quote(k).is_some()
                });
                if !ok {
                    return false;
                }
            }
        }
        if h.end < e && matches!(self.word(h.end), "not" | "for") && cue.lemma == "ask" {
            // "asking not to be identified": no claim.
            return self.word(h.end) == "for";
        }
        if cue.class == CueClass::Quoted {
            return (h.end..e.min(h.end + 16))
                .any(|k| self.word(k) == "as" && k + 1 < e && self.word(k + 1) == "saying");
        }
        true
    }

    /// Scans back from token `c` for the cue's subject: `(a, b, stop)`
    /// with `a == b` when there is none.
    fn subject_before(&self, c: usize, s: usize) -> Option<(usize, usize, Stop)> {
        let mut j = c;
        while j > s && SKIP.contains(&self.word(j - 1)) {
            j -= 1;
        }
        if j > s && NEGATIONS.contains(&self.word(j - 1)) {
            return None;
        }
        let b = j;
        let mut a = b;
        let stop = loop {
            if a == s {
                break Stop::Start;
            }
            let t = &self.p.tokens[a - 1];
            if let Some(q) = self.in_quote(a - 1) {
                break Stop::Quote(q);
            }
            if !t.word {
                if t.lower == "," {
                    // `“…”, he said`: the comma after a quotation.
                    if a >= 2 + s {
                        if let Some(q) = self.in_quote(a - 2) {
                            if self.p.quotes[q].close <= self.p.tokens[a - 2].start {
                                break Stop::Quote(q);
                            }
                        }
                    }
                    break Stop::Comma;
                }
                if matches!(
                    t.lower.as_str(),
                    ";" | ":" | "(" | ")" | "—" | "–" | "." | "?" | "!"
                ) {
                    break Stop::Punct;
                }
            } else if BOUNDARY_WORDS.contains(&t.lower.as_str()) || self.is_cue(a - 1, s, c) {
                break Stop::Word;
            }
            a -= 1;
            if b - a > 20 {
                return None;
            }
        };
        Some((a, b, stop))
    }

    /// The phrase after token `k` up to a comma, period, quotation or
    /// cue: `(k, end)`; an appositive ("Ahmed Khan, a local official")
    /// is kept.
    fn phrase_after(&self, k: usize, e: usize) -> (usize, usize) {
        let stops = |i: usize| {
            let t = &self.p.tokens[i];
            (!t.word && t.lower != "-" && t.lower != "'")
                || self.in_quote(i).is_some()
                || (t.word && t.lower == "that")
                || self.is_cue(i, k.saturating_sub(1), e)
        };
        let mut j = k;
        while j < e && !stops(j) {
            j += 1;
        }
        // An appositive after a name: ", a spokesman for the ministry".
        if j + 1 < e
            && self.word(j) == ","
            && (matches!(
                self.word(j + 1),
                "a" | "an" | "the" | "his" | "her" | "its" | "their" | "who"
            ) || self.starts_role(j + 1))
        {
            let mut m = j + 1;
            while m < e && !stops(m) {
                m += 1;
            }
            if m - j <= 12
                && analyse(self.p, k, j)
                    .is_some_and(|np| np.name.is_some() && np.kind == SourceKind::NamedPerson)
            {
                j = m;
            }
        }
        (k, j)
    }

    /// Whether a role (or a word that qualifies one: "chief economist")
    /// starts at token `i`.
    fn starts_role(&self, i: usize) -> bool {
        let w = self.word(i);
        matches!(
            w,
            "chief" | "senior" | "deputy" | "former" | "acting" | "head"
        ) || self
            .lx
            .roles
            .iter()
            .any(|(_, r)| r[0].eq_ignore_ascii_case(w))
    }

    /// Where the content after a cue starts: past the hearer, adverbials,
    /// "that", a colon or a comma.
    fn content_start(&self, k: usize, e: usize) -> usize {
        let mut k = k;
        // An adverbial before "that" or a colon: "said on Tuesday that".
        if k < e && ADVERBIAL.contains(&self.word(k)) {
            if let Some(m) = (k..e.min(k + 9))
                .find(|&m| matches!(self.word(m), "that" | ":") || (self.word(m) == "," && m > k))
            {
                if !(k..m).any(|x| self.in_quote(x).is_some()) {
                    k = m;
                }
            }
        }
        while k < e && matches!(self.word(k), "that" | ":" | "," | "—" | "–") {
            k += 1;
        }
        k
    }

    /// "in a statement", "at a briefing", "in a letter to the board" after
    /// "said": part of the cue.
    fn medium_end(&self, k: usize, e: usize) -> usize {
        const MEDIA: &[&str] = &[
            "statement",
            "letter",
            "note",
            "report",
            "interview",
            "post",
            "message",
            "email",
            "speech",
            "briefing",
            "conference",
            "release",
            "video",
            "tweet",
            "filing",
            "memo",
            "column",
            "broadcast",
            "address",
            "blog",
            "submission",
            "reply",
            "response",
            "communique",
            "declaration",
            "podcast",
            "op-ed",
        ];
        if k + 2 >= e || !matches!(self.word(k), "in" | "at" | "during" | "on") {
            return k;
        }
        if !matches!(
            self.word(k + 1),
            "a" | "an" | "the" | "its" | "his" | "her" | "their"
        ) {
            return k;
        }
        let Some(m) = (k + 2..e.min(k + 6)).find(|&m| MEDIA.contains(&self.word(m))) else {
            return k;
        };
        let mut end = m + 1;
        // "in a letter to the board".
        if end + 1 < e && self.word(end) == "to" {
            if let Some(t) = (end + 1..e.min(end + 5))
                .find(|&t| matches!(self.word(t), "that" | "," | ":" | "."))
            {
                end = t;
            } else if e <= end + 5 {
                end = self.trim_end(end, e);
            }
        }
        end
    }

    /// The hearer of "told": "AFP", "reporters", "The Associated Press".
    fn object_end(&self, k: usize, e: usize) -> usize {
        let mut j = k;
        while j < e
            && j < k + 6
            && self.p.tokens[j].word
            && self.in_quote(j).is_none()
            && !matches!(
                self.word(j),
                "that"
                    | "on"
                    | "in"
                    | "at"
                    | "during"
                    | "after"
                    | "he"
                    | "she"
                    | "they"
                    | "it"
                    | "the"
            ) | (j == k && self.word(j) == "the")
        {
            j += 1;
        }
        // Only a short hearer: a name, "reporters", "a news conference".
        if j > k
            && (self.p.tokens[k].cap
                || matches!(
                    self.word(k),
                    "reporters"
                        | "journalists"
                        | "lawmakers"
                        | "parliament"
                        | "a"
                        | "the"
                        | "an"
                        | "state"
                        | "local"
                ))
        {
            j
        } else {
            k
        }
    }

    /// The end of a sentence's content: before its final punctuation.
    fn trim_end(&self, s: usize, e: usize) -> usize {
        let mut e = e;
        while e > s {
            let t = &self.p.tokens[e - 1];
            if !t.word
                && matches!(
                    t.lower.as_str(),
                    "." | "," | ";" | ":" | "?" | "!" | "—" | "–"
                )
            {
                e -= 1;
            } else {
                break;
            }
        }
        e
    }

    /// The byte span of tokens `a..b` (non-empty).
    fn bytes(&self, a: usize, b: usize) -> (usize, usize) {
        (self.p.tokens[a].start, self.p.tokens[b - 1].end)
    }

    /// Content `a..b` (tokens): if it is one quotation, its quoted words
    /// and direct_quote; else the span, direct_quote if it holds a
    /// quotation.
    fn content_of(&self, a: usize, b: usize, se: usize) -> Option<Content> {
        if a >= b {
            return None;
        }
        if let Some(q) = self.in_quote(a) {
            let quote = &self.p.quotes[q];
            if quote.open == self.p.tokens[a].start {
                // The rest of the sentence after the quotation is only punctuation.
                let after = (a..se).find(|&k| self.p.tokens[k].start > quote.close);
                let trivial = after.is_none_or(|k| (k..se).all(|x| !self.p.tokens[x].word));
                if trivial && quote.inner_end > quote.inner_start {
                    let span = (quote.inner_start, quote.inner_end);
                    return Some((span, Mode::DirectQuote, Some(span)));
                }
            }
        }
        let span = self.bytes(a, b);
        let quote = self
            .p
            .quotes
            .iter()
            .filter(|q| {
                q.inner_start >= span.0 && q.inner_end <= span.1 && q.inner_end > q.inner_start
            })
            .max_by_key(|q| q.inner_end - q.inner_start)
            .map(|q| (q.inner_start, q.inner_end));
        let mode = if quote.is_some() {
            Mode::DirectQuote
        } else {
            Mode::Paraphrase
        };
        Some((span, mode, quote))
    }

    /// Whether tokens `a..b` name a person, organisation or outlet (not
    /// "In a statement issued on Friday").
    fn named(&self, a: usize, b: usize) -> bool {
        a < b
            && !matches!(
                self.word(a),
                "in" | "on" | "at" | "after" | "before" | "during" | "for" | "with"
            )
            && analyse(self.p, a, b).is_some_and(|np| {
                np.pronoun.is_none()
                    && np.name.is_some()
                    && matches!(
                        np.kind,
                        SourceKind::NamedPerson
                            | SourceKind::NamedOrganization
                            | SourceKind::MediaReport
                    )
            })
    }

    /// Whether tokens `a..b` describe rather than name ("a spokesman for
    /// the ministry", "The town's mayor", "who asked not to be named").
    fn is_description(&self, a: usize, b: usize) -> bool {
        a < b
            && ((b == a + 1 && self.word(a).chars().all(|c| c.is_ascii_digit()))
                || (self.starts_role(a) && !self.p.tokens[a].cap)
                || (self.word(a).ends_with("ing") && !self.p.tokens[a].cap)
                || matches!(
                    self.word(a),
                    "a" | "an"
                        | "the"
                        | "his"
                        | "her"
                        | "its"
                        | "their"
                        | "who"
                        | "which"
                        | "one"
                        | "speaking"
                        | "citing"
                        | "requesting"
                )
                || self.word(a).ends_with("'s")
                || self
                    .lx
                    .anon_markers
                    .iter()
                    .any(|(_, m)| m.first().is_some_and(|w| *w == self.word(a))))
    }

    /// Resolves the phrase `a..b` to a source, with its mention. A phrase
    /// with a comma is a name and its description: "Dana Whitfield, a
    /// food-industry analyst" (mention: the name) or "The town's mayor,
    /// Lena Mirov" (mention: all of it).
    fn source_of(&mut self, a: usize, b: usize) -> Option<Found> {
        if a >= b {
            return None;
        }
        if let Some(c) = (a + 1..b).find(|&k| self.word(k) == ",") {
            let (n0, n1) = (a, c);
            let (d0, d1) = (c + 1, b);
            let n_ok = analyse(self.p, n0, n1).is_some();
            let (n_desc, d_desc) = (self.is_description(n0, n1), self.is_description(d0, d1));
            // "The local newspaper, the Dunmore Echo": the name comes second.
            let name_second = n_desc && (self.named(d0, d1) || !n_ok);
            if d_desc && !name_second && (!n_desc || n_ok) {
                let np = analyse_with(self.p, n0, n1, d0, d1)?;
                return self.resolve_np(np, n0, n1);
            }
            if n_desc {
                if let Some(np) = analyse_with(self.p, d0, d1, n0, n1) {
                    if np.pronoun.is_none() {
                        return self.resolve_np(np, a, b);
                    }
                }
            }
        }
        let np = analyse(self.p, a, b)?;
        self.resolve_np(np, a, b)
    }

    /// Resolves `np`, mentioned by tokens `a..b`.
    fn resolve_np(&mut self, np: super::source::Np, a: usize, b: usize) -> Option<Found> {
        // The mention: the phrase without leading connectives or punctuation.
        let mut a2 = a;
        while a2 < b
            && (!self.p.tokens[a2].word
                || matches!(
                    self.word(a2),
                    "however" | "but" | "and" | "meanwhile" | "also" | "still" | "yet" | "so"
                ))
        {
            a2 += 1;
        }
        let mut b2 = b;
        while b2 > a2 && !self.p.tokens[b2 - 1].word {
            b2 -= 1;
        }
        if a2 >= b2 {
            return None;
        }
        let span = self.bytes(a2, b2);
        let evidence = np.evidence.clone();
        let pronoun = np.pronoun.is_some();
        let i = self.reg.resolve(np, span)?;
        Some((i, span, evidence, pronoun))
    }

    /// The subject of a cue at `c`, with appositive or relative clause
    /// merged ("John Smith, the ministry's spokesman, said"; "An official,
    /// who asked not to be named, said").
    fn subject(&self, c: usize, s: usize) -> Option<(usize, usize, Stop)> {
        let (a, b, stop) = self.subject_before(c, s)?;
        // `…, analysts at Aldgate Energy, who said …`: the antecedent.
        if b == a + 1 && stop == Stop::Comma && matches!(self.word(a), "who" | "which") && a > s + 1
        {
            let c0 = a - 1;
            let from = c0.saturating_sub(12).max(s);
            let prepositions = ["in", "on", "at", "by", "for", "with", "from", "of", "to"];
            if let Some(x) = (from..c0).find(|&x| {
                self.p.tokens[x].word
                    && !prepositions.contains(&self.word(x))
                    && (x == s
                        || !self.p.tokens[x - 1].word
                        || prepositions.contains(&self.word(x - 1)))
                    && analyse(self.p, x, c0).is_some_and(|np| np.pronoun.is_none())
            }) {
                return Some((x, c0, Stop::Word));
            }
        }
        // `NAME, DESCRIPTION, said` or `DESCRIPTION, NAME, said` (the
        // description may hold a relative clause: "The Serious Fraud
        // Office, which brought the case, said").
        if stop == Stop::Comma && a == b && a > s + 1 {
            let c1 = a - 1;
            let c0 = (s..c1)
                .rev()
                .take(30)
                .take_while(|&k| {
                    self.in_quote(k).is_none() && !matches!(self.word(k), ";" | ":" | "." | "—")
                })
                .find(|&k| self.word(k) == ",");
            if let Some(c0) = c0 {
                let (a1, b1) = (c0 + 1, c1);
                if let Some((a0, b0, stop0)) = self.subject_before(c0, s) {
                    if a0 < b0 && a1 < b1 && !matches!(stop0, Stop::Quote(_) | Stop::Word) {
                        let marker = self
                            .lx
                            .anon_markers
                            .iter()
                            .any(|(_, m)| (a1..b1).any(|k| self.word(k) == m[0]));
                        let relative = matches!(self.word(a1), "who" | "which");
                        let name_desc = self.is_description(a1, b1)
                            && analyse(self.p, a0, b0).is_some()
                            && (self.named(a0, b0) || marker || relative);
                        let desc_name = self.is_description(a0, b0) && self.named(a1, b1);
                        if name_desc || desc_name {
                            return Some((a0, b1, stop0));
                        }
                    }
                }
            }
            return Some((a, b, stop));
        }
        if stop == Stop::Comma && a > s && a < b {
            let first = self.word(a);
            let weak = analyse(self.p, a, b).is_none()
                || matches!(
                    first,
                    "who" | "which" | "a" | "an" | "the" | "his" | "her" | "its" | "their"
                )
                || self
                    .lx
                    .anon_markers
                    .iter()
                    .any(|(_, m)| m.first().is_some_and(|w| *w == first));
            if weak {
                if let Some((a2, _, stop2)) = self.subject_before(a - 1, s) {
                    if a2 < a - 1
                        && !matches!(stop2, Stop::Quote(_) | Stop::Word)
                        && self.named(a2, a - 1)
                    {
                        return Some((a2, b, stop2));
                    }
                }
            }
        }
        Some((a, b, stop))
    }

    /// Transcript answers: paragraphs that open with a speaker's label in
    /// capitals ("HALVORSEN: ...") used at least twice (a dateline such as
    /// "NEW DELHI:" is used once). Questions ("QUESTION:", "Q:") are no
    /// answers and keep the cue rules. Returns the answers' paragraphs.
    fn transcript_turns(&mut self) -> Vec<usize> {
        let label_of = |&(ps, pe): &(usize, usize)| -> Option<(usize, usize)> {
            let para = &self.p.text[ps..pe];
            let colon = para.find(':')?;
            let label = &para[..colon];
            let ok = (2..=40).contains(&label.len())
                && label.chars().any(char::is_alphabetic)
                && label
                    .chars()
                    .all(|c| c.is_uppercase() || matches!(c, ' ' | '.' | '-' | '\'' | '’'));
            ok.then_some((ps, ps + colon))
        };
        let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        let labels: Vec<Option<(usize, usize)>> = self.p.paragraphs.iter().map(label_of).collect();
        for l in labels.iter().flatten() {
            *counts.entry(&self.p.text[l.0..l.1]).or_default() += 1;
        }
        let question = |l: &str| matches!(l, "QUESTION" | "Q" | "REPORTER" | "INTERVIEWER");
        let mut turns = Vec::new();
        for (pi, l) in labels.iter().enumerate() {
            let Some((ls, le)) = *l else { continue };
            let label = &self.p.text[ls..le];
            if counts[label] < 2 && !counts.keys().any(|k| question(k)) {
                continue;
            }
            if question(label) {
                continue;
            }
            self.skip[pi] = true;
            turns.push(pi);
        }
        turns
    }

    /// One transcript answer: the speaker's words, by the speaker.
    fn turn(&mut self, pi: usize) {
        let (ps, pe) = self.p.paragraphs[pi];
        let Some(colon) = self.p.text[ps..pe].find(':') else {
            return;
        };
        let a = self.p.tokens.partition_point(|t| t.start < ps);
        let b = self.p.tokens.partition_point(|t| t.start < ps + colon);
        let rest = &self.p.text[ps + colon + 1..pe];
        let lead = rest.len() - rest.trim_start().len();
        let content = (ps + colon + 1 + lead, pe);
        if content.0 >= content.1 || a >= b {
            return;
        }
        let Some(mut np) = analyse(self.p, a, b) else {
            return;
        };
        np.bare_name = false;
        if np.kind == SourceKind::NamedOrganization && np.name.is_some() {
            np.kind = SourceKind::NamedPerson;
        }
        let Some((src, mention, ev, _)) = self.resolve_np(np, a, b) else {
            return;
        };
        let mut r = Raw::new(content, Rule::TranscriptTurn, 0.8);
        r.source = Some(src);
        r.source_mention = Some(mention);
        r.cue_words = Some("said".into());
        r.mode = Mode::DirectQuote;
        r.quote = Some(content);
        r.paraphrase_blocks = false;
        r.evidence = ev;
        self.push(r, content);
    }

    /// Notes the named people of tokens `s..e` that no cue uses ("Prime
    /// Minister Ana Silva signed the deal"), so that a later "she" finds
    /// them.
    fn note_people(&mut self, s: usize, e: usize) {
        let mut k = s;
        while k < e {
            let role_word = |i: usize| {
                self.lx
                    .roles
                    .iter()
                    .any(|(_, r)| r[0].eq_ignore_ascii_case(&self.p.tokens[i].lower))
            };
            let mut j = k;
            while j < e
                && self.p.tokens[j].word
                && self.in_quote(j).is_none()
                && (self.p.tokens[j].cap || role_word(j))
            {
                j += 1;
            }
            if j >= k + 2 {
                if let Some(np) = analyse(self.p, k, j) {
                    let named = np.kind == SourceKind::NamedPerson
                        && !np.bare_name
                        && np.name.as_deref().is_some_and(|n| n.contains(' '));
                    if named {
                        self.resolve_np(np, k, j);
                    }
                }
            }
            k = j.max(k + 1);
        }
    }

    fn sentence(&mut self, si: usize) {
        let sent = self.p.sentences[si].clone();
        let (s, e) = (sent.tokens.start, sent.tokens.end);
        if s >= e {
            return;
        }
        self.note_people(s, e);
        let hits = self.cues(s, e);
        let first_here = self.out.len();
        for (hi, h) in hits.iter().enumerate() {
            let next = hits.get(hi + 1).copied();
            self.cue(si, *h, next, first_here);
        }
    }

    /// Where the content of a cue ends: the sentence's end, or before the
    /// lead of a following participle or coordinated cue.
    fn content_end(&self, e: usize, next: Option<CueHit>, s: usize) -> usize {
        let mut end = e;
        if let Some(n) = next {
            let lead = n.first;
            let participle = self.p.tok(n.first).ends_with("ing")
                && lead > s
                && (self.word(lead - 1) == "," || self.in_quote(lead - 1).is_some());
            let coordinated = lead > s && matches!(self.word(lead - 1), "and" | "but");
            if participle {
                end = if self.word(lead - 1) == "," {
                    lead - 1
                } else {
                    lead
                };
            } else if coordinated {
                end = lead - 1;
                if end > s && self.word(end - 1) == "," {
                    end -= 1;
                }
            } else if let Some((a, b, stop)) = self.subject_before(n.first, s) {
                // `…, but the port authority said …`: a clause of its own.
                let conj =
                    a > s + 1 && matches!(self.word(a - 1), "but" | "and" | "while" | "whereas");
                if a < b && stop == Stop::Word && conj && self.word(a - 2) == "," {
                    end = a - 2;
                } else if a < b && a > s && self.word(a - 1) == ";" {
                    end = a - 1;
                }
            }
        }
        self.trim_end(s, end)
    }

    fn push(&mut self, mut r: Raw, hedge_from: (usize, usize)) {
        if r.hedge == Hedge::None
            && r.source
                .or(r.relayed_by)
                .is_some_and(|i| self.reg.sources[i].np.unconfirmed)
        {
            r.hedge = Hedge::Unconfirmed;
            r.evidence.push((Lexicon::Hedges, "unconfirmed"));
        }
        // The cue's own hedge, else one in the content or before the cue.
        if r.hedge == Hedge::None {
            if let Some((h, entry)) = self.hedge_in(hedge_from.0, hedge_from.1) {
                r.hedge = h;
                r.evidence.push((Lexicon::Hedges, entry));
            }
        }
        self.out.push(r);
    }

    /// The first hedge in bytes `a..b`.
    fn hedge_in(&self, a: usize, b: usize) -> Option<(Hedge, &'static str)> {
        let i = self.p.tokens.partition_point(|t| t.start < a);
        let j = self.p.tokens.partition_point(|t| t.start < b);
        self.hedge_tokens(i, j).map(|(h, e, _)| (h, e))
    }

    /// The first hedge in tokens `i..j`: (hedge, entry, tokens).
    fn hedge_tokens(&self, i: usize, j: usize) -> Option<(Hedge, &'static str, (usize, usize))> {
        for k in i..j {
            if let Some(list) = self.lx.hedges.get(self.word(k)) {
                for (words, idx) in list {
                    if k + words.len() <= j
                        && words
                            .iter()
                            .enumerate()
                            .all(|(n, w)| self.p.tokens[k + n].lower == *w)
                    {
                        let entry = &self.lx.hedge_entries[*idx];
                        return Some((entry.hedge, entry.words, (k, k + words.len())));
                    }
                }
            }
        }
        None
    }

    /// Whether byte `at` lies in the paraphrase content of a proposal
    /// made from this sentence.
    fn inside_content(&self, at: usize, from: usize) -> bool {
        self.out[from..]
            .iter()
            .any(|r| r.paraphrase_blocks && r.content.0 <= at && at < r.content.1)
    }

    fn cue(&mut self, si: usize, h: CueHit, next: Option<CueHit>, first_here: usize) {
        let sent = self.p.sentences[si].clone();
        let (s, e) = (sent.tokens.start, sent.tokens.end);
        let cue = self.lx.cues[h.lemma].clone();
        let lead_participle = self.p.tok(h.first).ends_with("ing")
            && h.first > s
            && (self.word(h.first - 1) == ","
                || self
                    .in_quote(h.first - 1)
                    .is_some_and(|q| self.p.quotes[q].close < self.p.tokens[h.first].start));
        let lead_coordinated = h.first > s && matches!(self.word(h.first - 1), "and" | "but");
        let previous_source = self.out[first_here..]
            .iter()
            .rev()
            .find(|r| r.source.is_some())
            .map(|r| (r.source, r.source_mention));
        if !(lead_participle || lead_coordinated)
            && self.inside_content(self.p.tokens[h.first].start, first_here)
        {
            return;
        }
        let mut evidence = vec![(Lexicon::Cues, cue.lemma)];
        let mut cue_end = h.end;
        match cue.class {
            CueClass::According | CueClass::Relay => {
                let (na, nb) = self.phrase_after(h.end, e);
                let Some((src, mention, ev, _)) = self.source_of(na, nb) else {
                    return;
                };
                evidence.extend(ev);
                let lead_empty = (s..h.first).all(|k| {
                    !self.p.tokens[k].word
                        || matches!(self.word(k), "as" | "but" | "and" | "however")
                });
                let (ca, cb) = if lead_empty {
                    let ca = self.content_start(nb, e);
                    (ca, self.content_end(e, next, s))
                } else {
                    let mut cb = h.first;
                    if cue.class == CueClass::Relay && cb > s && self.word(cb - 1) == "as" {
                        cb -= 1;
                    }
                    (s, self.trim_end(s, cb))
                };
                let Some((content, mode, quote)) = self.content_of(ca, cb, e) else {
                    return;
                };
                let cue_first = if cue.class == CueClass::Relay
                    && h.first > s
                    && self.word(h.first - 1) == "as"
                    && !self.p.tokens[h.first].lower.starts_with("as")
                {
                    h.first - 1
                } else {
                    h.first
                };
                let (rule, conf) = if cue.class == CueClass::According {
                    (Rule::AccordingTo, 0.9)
                } else {
                    (Rule::RelayedBy, 0.85)
                };
                let mut r = Raw::new(content, rule, conf);
                let cue_span = self.bytes(cue_first, h.end);
                r.cue = Some(cue_span);
                r.cue_words = Some(self.p.text[cue_span.0..cue_span.1].to_string());
                // "As reported by The Sunday Guardian, …": the outlet is the
                // source (it relays only a source printed beside it:
                // `, citing …`, `quoted … as saying`).
                r.source = Some(src);
                r.source_mention = Some(mention);
                r.mode = mode;
                r.quote = quote;
                r.evidence = evidence;
                self.push(r, content);
            }
            CueClass::Cite => {
                // `…, the agency reported, quoting a regional commander`: the
                // commander is the source, the report relays it.
                if !lead_participle {
                    return;
                }
                let Some(prev) = self.out[first_here..]
                    .iter()
                    .rposition(|r| r.source.is_some())
                else {
                    return;
                };
                let (na, nb) = self.phrase_after(h.end, e);
                let Some((src, mention, ev, _)) = self.source_of(na, nb) else {
                    return;
                };
                let cue_span = self.bytes(h.first, h.end);
                let r = &mut self.out[first_here + prev];
                r.relayed_by = r.source;
                r.relayed_mention = r.source_mention;
                r.source = Some(src);
                r.source_mention = Some(mention);
                r.cue = Some(cue_span);
                r.cue_words = Some(self.p.text[cue_span.0..cue_span.1].to_string());
                r.rule = Rule::RelayedBy;
                r.evidence.extend(ev);
                r.evidence.push((Lexicon::Cues, cue.lemma));
            }
            CueClass::Quoted => {
                let Some(m) = (h.end..e)
                    .find(|&k| self.word(k) == "as" && k + 1 < e && self.word(k + 1) == "saying")
                else {
                    return;
                };
                let mut before = h.first;
                while before > s && BE.contains(&self.word(before - 1)) {
                    before -= 1;
                }
                let (src_range, relay_range) = if self.word(h.end) == "by" {
                    let subj = self.subject(before, s);
                    (subj.map(|(a, b, _)| (a, b)), Some((h.end + 1, m)))
                } else {
                    let subj = self.subject(h.first, s);
                    (Some((h.end, m)), subj.map(|(a, b, _)| (a, b)))
                };
                let Some((sa, sb)) = src_range else { return };
                let Some((src, mention, ev, _)) = self.source_of(sa, sb) else {
                    return;
                };
                evidence.extend(ev);
                let relay = relay_range.and_then(|(a, b)| self.source_of(a, b));
                let ca = self.content_start(m + 2, e);
                let cb = self.content_end(e, next, s);
                let Some((content, mode, quote)) = self.content_of(ca, cb, e) else {
                    return;
                };
                let mut r = Raw::new(content, Rule::QuotedAsSaying, 0.9);
                let cue_span = self.bytes(h.first, m + 2);
                r.cue = Some(cue_span);
                r.cue_words = Some(self.p.text[cue_span.0..cue_span.1].to_string());
                r.source = Some(src);
                r.source_mention = Some(mention);
                if let Some((ri, rm, rev, _)) = relay {
                    r.relayed_by = Some(ri);
                    r.relayed_mention = Some(rm);
                    r.evidence.extend(rev);
                }
                r.mode = mode;
                r.quote = quote;
                r.evidence.extend(evidence);
                self.push(r, content);
            }
            CueClass::Verb => {
                if cue.object {
                    cue_end = self.object_end(h.end, e);
                }
                if cue.lemma == "say" {
                    cue_end = self.medium_end(cue_end, e);
                }
                if cue.needs_as
                    && !(cue_end..e).any(|k| self.word(k) == "as" && self.in_quote(k).is_none())
                {
                    return;
                }
                let mut conf_adj = if cue.noun { -0.05 } else { 0.0 };
                let subj = self.subject(h.first, s);
                let cue_span = self.bytes(h.first, cue_end);
                let cue_text = self.p.text[cue_span.0..cue_span.1].to_string();
                let hedge_lead = subj.map_or(h.first, |(_, b, _)| b);
                let mut second_content: Option<Content> = None;
                let mut r;
                let subj = if lead_participle || lead_coordinated {
                    None
                } else {
                    subj
                };
                match subj {
                    // `“…,” he said` (also `“…”, he said`).
                    Some((a, b, Stop::Quote(q))) if a < b => {
                        let Some((src, mention, ev, pron)) = self.source_of(a, b) else {
                            return;
                        };
                        if pron {
                            conf_adj -= 0.03;
                        }
                        evidence.extend(ev);
                        let quote = self.p.quotes[q].clone();
                        if quote.inner_end <= quote.inner_start {
                            return;
                        }
                        let content = (quote.inner_start, quote.inner_end);
                        r = Raw::new(content, Rule::QuoteThenCue, 0.95 + conf_adj);
                        r.source = Some(src);
                        r.source_mention = Some(mention);
                        r.mode = Mode::DirectQuote;
                        r.quote = Some(content);
                        r.paraphrase_blocks = false;
                        self.quote_after(&mut r, cue_end, e, &cue_text, &evidence);
                    }
                    // `“…,” said X`.
                    Some((a, b, Stop::Quote(q))) if a == b => {
                        let (na, nb) = self.phrase_after(cue_end, e);
                        let Some((src, mention, ev, _)) = self.source_of(na, nb) else {
                            return;
                        };
                        evidence.extend(ev);
                        let quote = self.p.quotes[q].clone();
                        if quote.inner_end <= quote.inner_start {
                            return;
                        }
                        let content = (quote.inner_start, quote.inner_end);
                        r = Raw::new(content, Rule::QuoteThenInvertedCue, 0.95 + conf_adj);
                        r.source = Some(src);
                        r.source_mention = Some(mention);
                        r.mode = Mode::DirectQuote;
                        r.quote = Some(content);
                        r.paraphrase_blocks = false;
                        self.quote_after(&mut r, nb, e, &cue_text, &evidence);
                    }
                    // `X said (that) …` or `…, X said`.
                    Some((a, b, stop)) if a < b && !lead_participle && !lead_coordinated => {
                        let ca = self.content_start(cue_end, e);
                        let cb = self.content_end(e, next, s);
                        let rest_trivial =
                            ca >= cb || self.trivial(ca, cb) || self.parenthetical(cue_end, e);
                        if stop == Stop::Comma && rest_trivial && a > s + 1 {
                            // `…, X said.`: the clause before the comma.
                            let Some((src, mention, ev, pron)) = self.source_of(a, b) else {
                                return;
                            };
                            if pron {
                                conf_adj -= 0.03;
                            }
                            evidence.extend(ev);
                            let start = self.clause_start(s, a - 1);
                            let cb2 = self.trim_end(start, a - 1);
                            let Some((content, mode, quote)) = self.content_of(start, cb2, a - 1)
                            else {
                                return;
                            };
                            r = Raw::new(content, Rule::ClauseThenCue, 0.85 + conf_adj);
                            r.source = Some(src);
                            r.source_mention = Some(mention);
                            r.mode = mode;
                            r.quote = quote;
                        } else {
                            if rest_trivial {
                                return;
                            }
                            if cue.needs_that
                                && !(cue_end..ca).any(|k| matches!(self.word(k), "that" | ":"))
                                && self.in_quote(ca).is_none()
                            {
                                return;
                            }
                            let Some((src, mention, ev, pron)) = self.source_of(a, b) else {
                                return;
                            };
                            if pron {
                                conf_adj -= 0.03;
                            }
                            evidence.extend(ev);
                            // `said that A and that B`: two statements.
                            let mut cb = cb;
                            if let Some(k) = (ca + 2..cb).find(|&k| {
                                self.word(k) == "that"
                                    && matches!(self.word(k - 1), "and" | "but")
                                    && self.in_quote(k).is_none()
                            }) {
                                let first_end = if self.word(k - 2) == "," {
                                    k - 2
                                } else {
                                    k - 1
                                };
                                if let Some(second) = self.content_of(k + 1, cb, e) {
                                    second_content = Some(second);
                                    cb = self.trim_end(ca, first_end);
                                }
                            }
                            let Some((content, mode, quote)) = self.content_of(ca, cb, e) else {
                                return;
                            };
                            let base = if mode == Mode::DirectQuote && quote == Some(content) {
                                0.92
                            } else {
                                0.85
                            };
                            r = Raw::new(content, Rule::SubjectCue, base + conf_adj);
                            r.source = Some(src);
                            r.source_mention = Some(mention);
                            r.mode = mode;
                            r.quote = quote;
                            if quote == Some(content) {
                                r.paraphrase_blocks = false;
                            }
                        }
                    }
                    // `…, said X.` or `…, adding that …` or `… and reiterated that …`.
                    _ => {
                        if lead_participle || lead_coordinated {
                            let previous = previous_source.or_else(|| {
                                let (src, mention, ev, _) = self.sentence_subject(s, h.first)?;
                                evidence.extend(ev);
                                Some((Some(src), Some(mention)))
                            });
                            let Some((src, mention)) = previous else {
                                return;
                            };
                            let ca = self.content_start(cue_end, e);
                            let cb = self.content_end(e, next, s);
                            let Some((content, mode, quote)) = self.content_of(ca, cb, e) else {
                                return;
                            };
                            let rule = if lead_participle {
                                Rule::Participle
                            } else {
                                Rule::Coordinated
                            };
                            r = Raw::new(content, rule, 0.75 + conf_adj);
                            r.source = src;
                            r.source_mention = mention;
                            r.mode = mode;
                            r.quote = quote;
                        } else if h.first > s + 1 && self.word(h.first - 1) == "," && !cue.noun {
                            let (na, nb) = self.phrase_after(cue_end, e);
                            if na >= nb || !self.trivial(nb, e) {
                                return;
                            }
                            let Some((src, mention, ev, _)) = self.source_of(na, nb) else {
                                return;
                            };
                            evidence.extend(ev);
                            let start = self.clause_start(s, h.first - 1);
                            let cb = self.trim_end(start, h.first - 1);
                            let Some((content, mode, quote)) =
                                self.content_of(start, cb, h.first - 1)
                            else {
                                return;
                            };
                            r = Raw::new(content, Rule::ClauseThenCue, 0.85 + conf_adj);
                            r.source = Some(src);
                            r.source_mention = Some(mention);
                            r.mode = mode;
                            r.quote = quote;
                        } else {
                            return;
                        }
                    }
                }
                r.cue = Some(cue_span);
                r.cue_words = Some(cue_text);
                r.hedge = cue.hedge;
                r.evidence.extend(evidence);
                let from = self.p.tokens[hedge_lead.min(h.first)].start;
                let content = r.content;
                let hedge_span = (from.min(content.0), content.1.max(cue_span.1));
                let second = second_content.map(|(content, mode, quote)| {
                    let mut r2 = r.clone();
                    r2.content = content;
                    r2.mode = mode;
                    r2.quote = quote;
                    r2.rule = Rule::Coordinated;
                    r2.confidence -= 0.05;
                    r2.hedge = cue.hedge;
                    r2.evidence.retain(|(l, _)| *l != Lexicon::Hedges);
                    (r2, (from.min(content.0), content.1))
                });
                self.push(r, hedge_span);
                if let Some((r2, span)) = second {
                    self.push(r2, span);
                }
            }
        }
    }

    /// The subject of the sentence's main clause, for a participle or
    /// coordinated cue with no attribution before it in the sentence: the
    /// shortest opening phrase (up to 8 tokens, before any comma) that
    /// names a source ("That statement had projected optimism, confirming
    /// ...").
    fn sentence_subject(&mut self, s: usize, lead: usize) -> Option<Found> {
        let limit = lead.min(s + 9);
        for k in s + 1..limit {
            if !self.p.tokens[k - 1].word || self.in_quote(k - 1).is_some() {
                return None;
            }
            if analyse(self.p, s, k).is_some()
                && self.p.tokens.get(k).is_some_and(|t| t.word && !t.cap)
            {
                return self.source_of(s, k);
            }
        }
        None
    }

    /// `“…,” he said, “…”`: a second quotation right after the cue.
    fn quote_after(
        &mut self,
        r: &mut Raw,
        k: usize,
        e: usize,
        cue_text: &str,
        evidence: &[(Lexicon, &'static str)],
    ) {
        let mut k = k;
        while k < e && matches!(self.word(k), "," | ":" | "—") {
            k += 1;
        }
        if k < e && k > 0 {
            if let Some(q) = self.in_quote(k) {
                let quote = self.p.quotes[q].clone();
                if quote.open == self.p.tokens[k].start
                    && quote.inner_end > quote.inner_start
                    && quote.inner_start != r.content.0
                {
                    let content = (quote.inner_start, quote.inner_end);
                    let mut second = r.clone();
                    second.content = content;
                    second.quote = Some(content);
                    second.cue_words = Some(cue_text.to_string());
                    second.evidence = evidence.to_vec();
                    second.confidence -= 0.05;
                    self.out.push(second);
                }
            }
        }
    }

    /// Whether the cue at `k` closes a parenthetical reporting clause
    /// (`…, officials said on Friday, ruling her out of …`): a comma after
    /// at most an adverbial.
    fn parenthetical(&self, k: usize, e: usize) -> bool {
        let Some(m) = (k..e.min(k + 8)).find(|&m| self.word(m) == ",") else {
            return false;
        };
        m + 1 < e
            && (m == k || ADVERBIAL.contains(&self.word(k)))
            && !(k..m).any(|x| self.word(x) == "that" || self.in_quote(x).is_some())
    }

    /// Whether tokens `a..b` hold no claim: punctuation or one adverbial.
    fn trivial(&self, a: usize, b: usize) -> bool {
        let words: Vec<usize> = (a..b).filter(|&k| self.p.tokens[k].word).collect();
        words.is_empty()
            || (words.len() <= 6
                && ADVERBIAL.contains(&self.word(words[0]))
                && !words.iter().any(|&k| self.word(k) == "that"))
    }

    /// The start of the clause that ends at token `end`: the sentence's
    /// first word.
    fn clause_start(&self, s: usize, end: usize) -> usize {
        let mut k = s;
        // A dateline: "WASHINGTON (Reuters) -", "KESTREL CITY, Sept. 18 (Wire) -".
        if let Some(d) = (s..end.min(s + 14)).find(|&k| matches!(self.word(k), "-" | "–" | "—"))
        {
            let dateline = (s..d).all(|k| {
                let t = &self.p.tokens[k];
                !t.word || t.cap || t.lower.chars().all(|c| c.is_ascii_digit())
            });
            if dateline && d > s {
                k = d + 1;
            }
        }
        // "NEW DELHI:": words in capitals before a colon.
        if let Some(d) = (s..end.min(s + 6)).find(|&k| self.word(k) == ":") {
            let capitals = (s..d).all(|k| {
                let t = self.p.tok(k);
                self.p.tokens[k].word && !t.chars().any(char::is_lowercase)
            });
            if capitals && d > s && k <= d {
                k = d + 1;
            }
        }
        while k < end && !self.p.tokens[k].word && self.in_quote(k).is_none() {
            k += 1;
        }
        k
    }

    /// Quotations no cue took, standing alone in their sentences: the
    /// last speaker's.
    fn floating_quotes(&mut self) {
        let mut out = std::mem::take(&mut self.out);
        out.sort_by_key(|r| r.content.0);
        // Bytes that some proposal's content covers.
        let mut covered = vec![false; self.p.text.len() + 1];
        for r in &out {
            covered[r.content.0..r.content.1].fill(true);
        }
        // Direct quotations with a source, by where they end: the last
        // speaker before each quotation is found in one pass.
        let mut by_end: Vec<usize> = (0..out.len())
            .filter(|&i| out[i].source.is_some() && out[i].mode == Mode::DirectQuote)
            .collect();
        by_end.sort_by_key(|&i| out[i].content.1);
        let mut next = 0;
        // (end, start, source, cue words) of the last speaker's quotation.
        let mut last: Option<(usize, usize, Option<usize>, Option<String>)> = None;
        let para_of = |at: usize| self.p.paragraphs.partition_point(|&(s, _)| s <= at);
        let mut added = Vec::new();
        for q in &self.p.quotes {
            while next < by_end.len() && out[by_end[next]].content.1 <= q.open {
                let r = &out[by_end[next]];
                if last.as_ref().is_none_or(|l| l.0 <= r.content.1) {
                    last = Some((r.content.1, r.content.0, r.source, r.cue_words.clone()));
                }
                next += 1;
            }
            if q.inner_end <= q.inner_start || covered[q.inner_start..q.inner_end].contains(&true) {
                continue;
            }
            // Alone: no word outside quotations in the sentences it spans.
            let first = self.p.sentences.partition_point(|s| s.end <= q.open);
            let alone = self.p.sentences[first..]
                .iter()
                .take_while(|s| s.start < q.close)
                .all(|s| {
                    s.tokens
                        .clone()
                        .all(|k| !self.p.tokens[k].word || self.in_quote(k).is_some())
                });
            let words = self.p.text[q.inner_start..q.inner_end]
                .split_whitespace()
                .count();
            if !alone || words < 3 {
                continue;
            }
            let Some((_, prev_start, source, cue_words)) = last.clone() else {
                continue;
            };
            // Not across more than two paragraphs.
            if para_of(q.open) > para_of(prev_start) + 2 {
                continue;
            }
            let content = (q.inner_start, q.inner_end);
            let mut r = Raw::new(content, Rule::FloatingQuote, 0.75);
            r.source = source;
            r.cue_words = cue_words.clone();
            r.mode = Mode::DirectQuote;
            r.quote = Some(content);
            r.paraphrase_blocks = false;
            if let Some((h, entry)) = self.hedge_in(content.0, content.1) {
                r.hedge = h;
                r.evidence.push((Lexicon::Hedges, entry));
            }
            last = Some((content.1, content.0, source, cue_words));
            added.push(r);
        }
        out.extend(added);
        out.sort_by_key(|r| r.content.0);
        self.out = out;
    }

    /// Sentences with no proposal: the outlet's own assertions (a passive
    /// hedge is their cue).
    fn unattributed(&mut self) {
        let mut added = Vec::new();
        let mut covered = vec![false; self.p.text.len() + 1];
        for r in &self.out {
            covered[r.content.0..r.content.1].fill(true);
        }
        for sent in &self.p.sentences {
            let (s, e) = (sent.tokens.start, sent.tokens.end);
            if self.skip[sent.paragraph] || !(s..e).any(|k| self.p.tokens[k].word) {
                continue;
            }
            if covered[sent.start..sent.end].contains(&true) {
                continue;
            }
            let cb = self.trim_end(s, e);
            let a = self.clause_start(s, cb);
            if a >= cb {
                continue;
            }
            let Some((content, mode, quote)) = self.content_of(a, cb, e) else {
                continue;
            };
            let hedge = self.hedge_tokens(s, e);
            let passive = hedge.filter(|(h, entry, _)| {
                *h != Hedge::None
                    && self
                        .lx
                        .hedge_entries
                        .iter()
                        .any(|x| x.words == *entry && x.class == HedgeClass::Passive)
            });
            let mut r = if let Some((_, _, (hs, he))) = passive {
                let mut r = Raw::new(content, Rule::PassiveHedge, 0.6);
                let span = self.bytes(hs, he);
                r.cue = Some(span);
                r.cue_words = Some(self.p.text[span.0..span.1].to_string());
                r
            } else {
                Raw::new(content, Rule::Unattributed, 0.5)
            };
            if let Some((h, entry, _)) = hedge {
                r.hedge = h;
                r.evidence.push((Lexicon::Hedges, entry));
            }
            r.mode = mode;
            r.quote = quote;
            added.push(r);
        }
        self.out.extend(added);
        self.out.sort_by_key(|r| r.content.0);
    }

    /// The answer: proposals above the threshold, their sources, offsets
    /// in chars.
    fn finish(self, opts: &Options) -> Extraction {
        let chars = CharIndex::new(self.p.text);
        let text = self.p.text;
        let span = |(a, b): (usize, usize)| Span {
            start: chars.at(a),
            end: chars.at(b),
            text: text[a..b].to_string(),
        };
        let mut used: Vec<Option<usize>> = vec![None; self.reg.sources.len()];
        let mut sources = Vec::new();
        let mut map = |i: usize, sources: &mut Vec<ProposedSource>| -> usize {
            if let Some(j) = used[i] {
                return j;
            }
            let s = &self.reg.sources[i];
            let np = &s.np;
            let anonymous = np.kind.is_anonymous();
            let label = text[s.label.0..s.label.1].to_string();
            let name = if anonymous {
                None
            } else {
                np.name.clone().or_else(|| Some(label.clone()))
            };
            let mut mentions: Vec<(usize, usize)> = s.mentions.clone();
            mentions.sort_unstable();
            mentions.dedup();
            sources.push(ProposedSource {
                label,
                kind: np.kind,
                name,
                role: np.role.clone(),
                affiliation: np.affiliation.clone(),
                place: np.place.clone(),
                on_record: !anonymous,
                count: np.count,
                mentions: mentions.into_iter().map(span).collect(),
            });
            used[i] = Some(sources.len() - 1);
            sources.len() - 1
        };
        let mut proposals = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for r in self.out {
            if r.confidence < opts.min_confidence {
                continue;
            }
            if !opts.include_unattributed && r.source.is_none() && r.relayed_by.is_none() {
                continue;
            }
            if !seen.insert((r.content, r.source, r.cue)) {
                continue;
            }
            let kind = r
                .source
                .or(r.relayed_by)
                .map(|i| self.reg.sources[i].np.kind);
            let source = r.source.map(|i| map(i, &mut sources));
            let relayed_by = r.relayed_by.map(|i| map(i, &mut sources));
            proposals.push(Proposal {
                content: span(r.content),
                source,
                source_mention: r.source_mention.map(span),
                cue: r.cue.map(span),
                cue_words: r.cue_words,
                kind,
                hedge: r.hedge,
                mode: r.mode,
                quote: r.quote.map(span),
                relayed_by,
                relayed_mention: r.relayed_mention.map(span),
                confidence: (r.confidence.clamp(0.0, 1.0) * 100.0).round() / 100.0,
                rule: r.rule,
                evidence: r.evidence,
            });
        }
        Extraction { sources, proposals }
    }
}

/// Byte offsets to char offsets.
struct CharIndex {
    /// For non-ASCII text: the byte offset of every char, and the end.
    starts: Option<Vec<usize>>,
}

impl CharIndex {
    fn new(text: &str) -> CharIndex {
        if text.is_ascii() {
            return CharIndex { starts: None };
        }
        let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        v.push(text.len());
        CharIndex { starts: Some(v) }
    }

    fn at(&self, byte: usize) -> usize {
        match &self.starts {
            None => byte,
            Some(v) => v.partition_point(|&b| b < byte),
        }
    }
}
