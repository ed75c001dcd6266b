//! Claim drift: where each claim anchored in one version of an article
//! stands in a newer version, the way the Hypothesis annotation client
//! re-anchors annotations, calibrated on our own article pairs
//! (`eval/drift/`, EVALUATION.md "Claim drift").
//!
//! Both texts are compared in their matching view ([`MatchView`]: NFC,
//! whitespace collapsed, quotes and dashes folded, soft hyphens removed).
//! A word diff of the old view to the new gives each claim a position hint.
//! Then, for each claim ([`Drift::classify`]):
//!
//! 1. the passage is searched for exactly; an occurrence whose context (the
//!    [`CONTEXT`] chars on either side) agrees is **unchanged**, or
//!    **moved** when it stands far from the hint. Occurrences that the
//!    context does not tell apart are **ambiguous**; a short passage
//!    (under [`SHORT`] chars) needs an exact match *and* agreeing context;
//! 2. otherwise it is searched for approximately (Levenshtein search,
//!    `triple_accel`), and the best candidate's edit ratio is recomputed
//!    over chars (edits ÷ the passage's length): at most [`EDITED`] with
//!    agreeing context is **edited**, at most [`REVIEW`] **needs review**,
//!    above it **dropped**; a passage between the two that stands where
//!    the word diff puts it, with agreeing context, and kept
//!    [`LIGHT_KEPT`] of its words changed in at most [`LIGHT_PLACES`]
//!    places is **edited** too (a light edit: `light.rs`); two candidates within [`HAIR`] of each other
//!    that context does not separate are **ambiguous**;
//! 3. the attribution is anchored on its own: when the source's label stood
//!    within [`NEAR`] chars of the passage in the old version and does not
//!    in the new one, and another source does (a recorded one, or the
//!    words by the claim's cue), the claim is **re-attributed**: a proposal
//!    for the editor, never applied ([`DriftClass::applies`]);
//! 4. a new version whose text extraction is doubtful
//!    ([`NewVersion::low_confidence`]) drops no claim: what would be
//!    dropped needs review.
//!
//! [`plan()`] reads a ledger's claims and texts, classifies them, and makes
//! the `claim.revise` statements of the classes that apply.

mod attribution;
mod light;
pub mod plan;

use crate::history::{word_diff, DiffPart};
use crate::statement::{Anchor, IndexedText, MatchView, ANCHOR_CONTEXT_CHARS};
use serde::Serialize;

pub use plan::{plan, DriftError, DriftPlan};

/// Chars of context compared on each side of a passage.
pub const CONTEXT: usize = 32;
/// A passage shorter than this (in view chars) must match exactly, with
/// agreeing context.
pub const SHORT: usize = 24;
/// The highest edit ratio of an **edited** passage.
pub const EDITED: f64 = 0.25;
/// The highest edit ratio of a passage that **needs review**; above it the
/// passage is **dropped**.
pub const REVIEW: f64 = 0.40;
/// Two candidates whose edit ratios differ by at most this are a tie.
pub const HAIR: f64 = 0.03;
/// Context similarity (0 to 1) from which one side's context agrees.
pub const AGREE: f64 = 0.5;
/// A passage that would be dropped but keeps this share of its words
/// where it stood was reworded, maybe: it needs review.
pub const REWORDED: f64 = 0.5;
/// How far (in view chars) from a passage its source's label may stand.
pub const NEAR: usize = 200;
/// A passage above [`EDITED`] but within [`REVIEW`], standing where the
/// word diff puts it with agreeing context, is still **edited** when it
/// kept at least this share of its words (a figure replaced by a figure
/// counts as kept)…
pub const LIGHT_KEPT: f64 = 0.75;
/// …and its words changed in at most this many places.
pub const LIGHT_PLACES: usize = 2;

/// What became of a claim in the new version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftClass {
    /// The same passage, where the word diff puts it.
    Unchanged,
    /// The same passage, elsewhere in the text.
    Moved,
    /// The passage was edited (edit ratio at most [`EDITED`]).
    Edited,
    /// A candidate was found, but not surely enough to apply.
    NeedsReview,
    /// More than one place fits equally well.
    Ambiguous,
    /// The passage anchors, but another source now stands by it.
    Reattributed,
    /// The new version no longer makes the claim.
    Dropped,
}

impl DriftClass {
    /// Every class, in the order reports list them.
    pub const ALL: [DriftClass; 7] = [
        DriftClass::Unchanged,
        DriftClass::Moved,
        DriftClass::Edited,
        DriftClass::NeedsReview,
        DriftClass::Ambiguous,
        DriftClass::Reattributed,
        DriftClass::Dropped,
    ];

    /// The name in JSON and text output.
    pub fn as_str(self) -> &'static str {
        match self {
            DriftClass::Unchanged => "unchanged",
            DriftClass::Moved => "moved",
            DriftClass::Edited => "edited",
            DriftClass::NeedsReview => "needs_review",
            DriftClass::Ambiguous => "ambiguous",
            DriftClass::Reattributed => "reattributed",
            DriftClass::Dropped => "dropped",
        }
    }

    /// Whether `--apply` signs a revision for this class; the others are
    /// for the editor to decide.
    pub fn applies(self) -> bool {
        matches!(
            self,
            DriftClass::Unchanged | DriftClass::Moved | DriftClass::Edited | DriftClass::Dropped
        )
    }
}

impl std::str::FromStr for DriftClass {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        DriftClass::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown drift class {s:?}"))
    }
}

impl std::fmt::Display for DriftClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A claim as the classifier needs it: its passage in the old version and
/// the words of its attribution.
#[derive(Clone, Debug)]
pub struct DriftClaim {
    /// The claim's id, as the caller names it (returned as is).
    pub id: String,
    /// Its anchor in the old version.
    pub anchor: Anchor,
    /// Its source's label, if it is attributed.
    pub source_label: Option<String>,
    /// Its attributing words.
    pub cue: Option<String>,
    /// The words it quotes (inside the passage), if any.
    pub quote: Option<String>,
}

/// A source that another claim may be re-attributed to.
#[derive(Clone, Debug)]
pub struct KnownSource {
    /// Its id, as the caller names it.
    pub id: String,
    /// The words the article uses for it.
    pub label: String,
}

/// The new version's text and what is known of its extraction.
#[derive(Clone, Copy, Debug)]
pub struct NewVersion<'a> {
    /// Its exact text.
    pub text: &'a str,
    /// Its text extraction is doubtful (set by web capture when the
    /// extractors disagree or the text shrank by half): no claim is
    /// dropped on its strength. A version recorded from a file is not.
    pub low_confidence: bool,
}

impl<'a> NewVersion<'a> {
    /// A version recorded from a file (`article update FILE`): its text is
    /// what the editor gave, not an extraction.
    pub fn from_file(text: &'a str) -> NewVersion<'a> {
        NewVersion {
            text,
            low_confidence: false,
        }
    }
}

/// A place of the new text that could be the passage.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    /// Start, in chars of the new text.
    pub start: u64,
    /// End (exclusive), in chars of the new text.
    pub end: u64,
    /// Edits ÷ the passage's length, over the matching view's chars.
    pub edit_ratio: f64,
    /// How well the text around it agrees with the old context (0 to 1,
    /// the better side).
    pub context: f64,
}

/// What the attribution check found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceCheck {
    /// The source's label stood near the passage in the old version (only
    /// then is it looked for in the new one).
    pub near_before: bool,
    /// It stands near the passage in the new version.
    pub near_after: bool,
    /// Who now stands by the passage instead, when the claim is
    /// re-attributed.
    pub proposed: Option<ProposedSource>,
}

/// A source proposed for a re-attributed claim.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProposedSource {
    /// A recorded source's id; `None` for words by the cue that name no
    /// recorded source (record one first).
    pub id: Option<String>,
    /// The words of the new text.
    pub label: String,
}

/// What became of one claim.
#[derive(Clone, Debug, Serialize)]
pub struct ClaimDrift {
    /// The claim's id, as given.
    pub claim: String,
    /// Its class.
    pub class: DriftClass,
    /// Why, in a sentence.
    pub reason: String,
    /// The passage in the old version.
    pub old: Anchor,
    /// Its anchor in the new version (the new text's exact characters),
    /// for every class but dropped (and ambiguous, whose candidates are
    /// listed).
    pub new: Option<Anchor>,
    /// The quoted words as the new text has them (its characters), when
    /// the claim quotes.
    pub new_quote: Option<String>,
    /// The new characters differ from the old (for unchanged and moved:
    /// only in what the matching view folds, such as quote marks).
    pub text_changed: bool,
    /// Edits ÷ passage length of the chosen place (0 for an exact match).
    pub edit_ratio: Option<f64>,
    /// Where the word diff puts the passage in the new text (char offset).
    pub hint: u64,
    /// The places considered, best first (at most 3).
    pub candidates: Vec<Candidate>,
    /// The attribution check.
    pub source: SourceCheck,
    /// Word diff of the old passage to the new.
    pub diff: Vec<DiffPart>,
}

/// Compares an old and a new text once, then classifies claims of the old
/// one ([`Drift::classify`]).
pub struct Drift<'a> {
    new: NewVersion<'a>,
    old: MatchView,
    newv: MatchView,
    new_indexed: IndexedText<'a>,
    /// Lowercased views for finding labels.
    old_lower: Vec<char>,
    new_lower: Vec<char>,
    /// Old view token starts and the new view offset each maps to.
    hints: Vec<(usize, usize)>,
    sources: Vec<KnownSource>,
}

fn lower(v: &[char]) -> Vec<char> {
    v.iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect()
}

/// Word tokens of a view: runs of non-space chars and single spaces, as
/// (char start, text).
fn tokens(v: &[char]) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut start = 0;
    for i in 1..=v.len() {
        if i == v.len() || (v[i] == ' ') != (v[i - 1] == ' ') || v[i] == ' ' {
            if start < i {
                out.push((start, v[start..i].iter().collect()));
            }
            start = i;
        }
    }
    out
}

/// For each old token start, the new view offset the word diff maps it to.
fn position_hints(old: &[char], new: &[char]) -> Vec<(usize, usize)> {
    use similar::DiffOp;
    let ot = tokens(old);
    let nt = tokens(new);
    let ow: Vec<&str> = ot.iter().map(|t| t.1.as_str()).collect();
    let nw: Vec<&str> = nt.iter().map(|t| t.1.as_str()).collect();
    let new_at = |i: usize| nt.get(i).map_or(new.len(), |t| t.0);
    let ops = similar::capture_diff_slices(similar::Algorithm::Patience, &ow, &nw);
    let mut hints = Vec::with_capacity(ot.len());
    for op in ops {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for k in 0..len {
                    hints.push((ot[old_index + k].0, new_at(new_index + k)));
                }
            }
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            }
            | DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                ..
            } => {
                for k in 0..old_len {
                    hints.push((ot[old_index + k].0, new_at(new_index)));
                }
            }
            DiffOp::Insert { .. } => {}
        }
    }
    hints.sort_unstable();
    hints
}

use crate::statement::char_distance as distance;

/// How far [`Drift::align_ends`] moves an end of a candidate at most, in
/// chars (and half the passage plus 12 when that is less): the ends it
/// looks for are a word or two away, and the bound keeps the work linear
/// in the passage.
const ALIGN_SPAN: usize = 48;

/// The edit distance of `q` to every prefix of `t`, in one
/// O(|q|·|t|) pass: `d[j] == distance(q, &t[..j])` for `j` in `0..=t.len()`.
fn prefix_distances(q: &[char], t: &[char]) -> Vec<usize> {
    // col[i] = distance(&q[..i], &t[..j]) for the current j.
    let mut col: Vec<usize> = (0..=q.len()).collect();
    let mut out = Vec::with_capacity(t.len() + 1);
    out.push(q.len());
    for (j, &tc) in t.iter().enumerate() {
        let mut diag = col[0];
        col[0] = j + 1;
        for i in 1..=q.len() {
            let up = col[i];
            col[i] = (up + 1)
                .min(col[i - 1] + 1)
                .min(diag + usize::from(q[i - 1] != tc));
            diag = up;
        }
        out.push(col[q.len()]);
    }
    out
}

/// Similarity (0 to 1) of two contexts, compared from the side that
/// touches the passage: `before` contexts end at it, `after` ones start.
fn context_similarity(old: &[char], new: &[char]) -> f64 {
    if old.is_empty() && new.is_empty() {
        return 1.0;
    }
    let n = old.len().max(new.len());
    1.0 - distance(old, new) as f64 / n as f64
}

impl<'a> Drift<'a> {
    /// Prepares the comparison of `old_text` with `new`; `sources` are the
    /// sources a claim may be re-attributed to.
    pub fn new(old_text: &'a str, new: NewVersion<'a>, sources: Vec<KnownSource>) -> Drift<'a> {
        let old = MatchView::new(old_text);
        let newv = MatchView::new(new.text);
        let hints = position_hints(old.chars(), newv.chars());
        Drift {
            new,
            old_lower: lower(old.chars()),
            new_lower: lower(newv.chars()),
            old,
            newv,
            new_indexed: IndexedText::new(new.text),
            hints,
            sources,
        }
    }

    /// Where the word diff puts old view offset `a` in the new view.
    fn hint(&self, a: usize) -> usize {
        let i = self.hints.partition_point(|&(o, _)| o <= a);
        match i.checked_sub(1).map(|i| self.hints[i]) {
            Some((o, n)) => n + (a - o).min(self.newv.len().saturating_sub(n)),
            None => 0,
        }
    }

    /// The old context of view range `[a, b)`: before and after.
    fn old_context(&self, a: usize, b: usize) -> (&[char], &[char]) {
        let v = self.old.chars();
        (
            &v[a.saturating_sub(CONTEXT)..a],
            &v[b..(b + CONTEXT).min(v.len())],
        )
    }

    /// How well the context of new view range `[a, b)` agrees with the
    /// old one: the better side's similarity, and the sum of both.
    fn context_score(&self, old: (&[char], &[char]), a: usize, b: usize) -> (f64, f64) {
        let v = self.newv.chars();
        let before = &v[a.saturating_sub(CONTEXT)..a];
        let after = &v[b..(b + CONTEXT).min(v.len())];
        let sb = context_similarity(old.0, before);
        let sa = context_similarity(old.1, after);
        (sb.max(sa), sb + sa)
    }

    /// The ends of approximate candidate `[s, e)` (ratio `r`) aligned
    /// with the old passage *and* its context: the search keeps the
    /// cheapest ends for the passage alone, which cut a passage edited near
    /// its end short ("gritted in the afternoon" found as "gritted earlier
    /// on" in "gritted earlier on Sunday afternoon."). Each end moves to the
    /// word boundary nearby where the edits of the passage plus those of
    /// the context on that side are fewest, only when strictly fewer; the
    /// ratio is recomputed.
    fn align_ends(
        &self,
        q: &[char],
        ctx: (&[char], &[char]),
        s: usize,
        e: usize,
        r: f64,
    ) -> (usize, usize, f64) {
        let v = self.newv.chars();
        let n = v.len();
        let boundary =
            |i: usize| i == 0 || i >= n || !v[i - 1].is_alphanumeric() || !v[i].is_alphanumeric();
        let span = (q.len() / 2 + 12).min(ALIGN_SPAN);
        // One pass gives the passage's distance to every end at once:
        // ends[j] = distance(q, v[s..s + j]).
        let ends = prefix_distances(q, &v[s..(e + span).min(n)]);
        let end_cost = |i: usize| ends[i - s] + distance(ctx.1, &v[i..(i + CONTEXT).min(n)]);
        let (mut ne, mut best) = (e, end_cost(e));
        for i in e.saturating_sub(12).max(s + 1)..=(e + span).min(n) {
            if i != e && boundary(i) && v[i - 1] != ' ' {
                let c = end_cost(i);
                if c < best {
                    (ne, best) = (i, c);
                }
            }
        }
        // And every start, on the reversed strings:
        // starts[j] = distance(q, v[ne - j..ne]).
        let lo = s.saturating_sub(span);
        let rq: Vec<char> = q.iter().rev().copied().collect();
        let rv: Vec<char> = v[lo..ne].iter().rev().copied().collect();
        let starts = prefix_distances(&rq, &rv);
        let start_cost =
            |i: usize| starts[ne - i] + distance(ctx.0, &v[i.saturating_sub(CONTEXT)..i]);
        let (mut ns, mut best) = (s, start_cost(s));
        let hi = (s + 12).min(ne - 1);
        for (i, &ch) in v.iter().enumerate().take(hi + 1).skip(lo) {
            if i != s && boundary(i) && ch != ' ' {
                let c = start_cost(i);
                if c < best {
                    (ns, best) = (i, c);
                }
            }
        }
        if (ns, ne) == (s, e) {
            return (s, e, r);
        }
        (ns, ne, starts[ne - ns] as f64 / q.len() as f64)
    }

    /// The anchor of new view range `[a, b)` in the new text, or why it
    /// cannot be one.
    fn anchor_at(&self, a: usize, b: usize) -> Result<Anchor, String> {
        let (s, e) = self.newv.to_original(a, b);
        let t = &self.new_indexed;
        let text = t.as_str();
        let (bs, be) = (
            t.byte_offset(s as u64).unwrap_or(text.len()),
            t.byte_offset(e as u64).unwrap_or(text.len()),
        );
        let mut prefix: Vec<char> = text[..bs]
            .chars()
            .rev()
            .take(ANCHOR_CONTEXT_CHARS)
            .collect();
        prefix.reverse();
        let anchor = Anchor {
            exact: text[bs..be].to_string(),
            prefix: prefix.into_iter().collect(),
            suffix: text[be..].chars().take(ANCHOR_CONTEXT_CHARS).collect(),
            start: s as u64,
            end: e as u64,
        };
        anchor.check_in(t).map(|()| anchor)
    }

    /// The approximate candidates for view passage `q`, best first: places
    /// of the new view within [`REVIEW`] (plus a margin) of it
    /// ([`MatchView::approximate`]).
    ///
    /// The text around the position hint is searched first; only when
    /// nothing there is within [`EDITED`] is the whole text searched (a
    /// passage edited where it stood is taken there, look-alikes elsewhere
    /// aside).
    fn approximate(&self, q: &[char], hint: usize) -> Vec<(usize, usize, f64)> {
        let margin = 3 * q.len() + 500;
        let (from, to) = (hint.saturating_sub(margin), hint + margin);
        let near = self.newv.approximate_in(q, REVIEW + 0.1, 2, from, to);
        if near.first().is_some_and(|c| c.2 <= EDITED) {
            return near;
        }
        self.newv.approximate(q, REVIEW + 0.1, 2)
    }

    /// Classifies every claim of the old version ([`Drift::classify`]),
    /// then settles places claimed twice: two claims whose old passages do
    /// not overlap but whose new places do (a sentence deleted beside a
    /// look-alike that was edited) cannot both be right, so the one nearer
    /// its old form (lower edit ratio, then nearer its position hint) keeps
    /// the place and the other needs review.
    pub fn classify_all(&self, claims: &[DriftClaim]) -> Vec<ClaimDrift> {
        let mut out: Vec<ClaimDrift> = claims.iter().map(|c| self.classify(c)).collect();
        let overlap = |a: (u64, u64), b: (u64, u64)| a.0 < b.1 && b.0 < a.1;
        let place = |d: &ClaimDrift| d.new.as_ref().map(|a| (a.start, a.end));
        let rank = |d: &ClaimDrift| {
            let at = d.new.as_ref().map_or(0, |a| a.start);
            (d.edit_ratio.unwrap_or(0.0), at.abs_diff(d.hint))
        };
        for i in 0..out.len() {
            for j in i + 1..out.len() {
                let (Some(pi), Some(pj)) = (place(&out[i]), place(&out[j])) else {
                    continue;
                };
                let old = |d: &ClaimDrift| (d.old.start, d.old.end);
                if !overlap(pi, pj) || overlap(old(&out[i]), old(&out[j])) {
                    continue;
                }
                let (ri, rj) = (rank(&out[i]), rank(&out[j]));
                let (lose, win) = if ri.0 < rj.0 || (ri.0 == rj.0 && ri.1 <= rj.1) {
                    (j, i)
                } else {
                    (i, j)
                };
                if out[lose].class.applies() || out[lose].class == DriftClass::Reattributed {
                    let other = out[win].claim.clone();
                    let d = &mut out[lose];
                    d.class = DriftClass::NeedsReview;
                    d.reason = format!("{}; but claim {other} fits that place better", d.reason);
                }
            }
        }
        out
    }

    /// Classifies one claim of the old version.
    pub fn classify(&self, claim: &DriftClaim) -> ClaimDrift {
        let (a, b) = self
            .old
            .to_view(claim.anchor.start as usize, claim.anchor.end as usize);
        let ov = self.old.chars();
        let (mut a, mut b) = (a, b);
        while a < b && ov[a] == ' ' {
            a += 1;
        }
        while b > a && ov[b - 1] == ' ' {
            b -= 1;
        }
        let q = &ov[a..b];
        let ctx = self.old_context(a, b);
        let hint = self.hint(a);
        let short = q.len() < SHORT;
        let mut out = ClaimDrift {
            claim: claim.id.clone(),
            class: DriftClass::Dropped,
            reason: String::new(),
            old: claim.anchor.clone(),
            new: None,
            new_quote: None,
            text_changed: false,
            edit_ratio: None,
            hint: self.newv.to_original(hint, hint).0 as u64,
            candidates: Vec::new(),
            source: SourceCheck {
                near_before: false,
                near_after: false,
                proposed: None,
            },
            diff: Vec::new(),
        };
        let candidate = |s: usize, e: usize, r: f64, c: f64| {
            let (os, oe) = self.newv.to_original(s, e);
            Candidate {
                start: os as u64,
                end: oe as u64,
                edit_ratio: r,
                context: c,
            }
        };
        // 1. Exact.
        // An occurrence inside a longer word ("low" in "lower") is not the
        // passage, unless the old passage was cut from a word the same way.
        let alnum = |v: &[char], i: Option<usize>| {
            i.and_then(|i| v.get(i))
                .is_some_and(|c| c.is_alphanumeric())
        };
        let nv = self.newv.chars();
        let edges = (alnum(ov, a.checked_sub(1)), alnum(ov, Some(b)));
        let mut exact: Vec<(usize, f64, f64)> = self
            .newv
            .find_all(q)
            .into_iter()
            .filter(|&o| (alnum(nv, o.checked_sub(1)), alnum(nv, Some(o + q.len()))) == edges)
            .map(|o| {
                let (best, sum) = self.context_score(ctx, o, o + q.len());
                (o, best, sum)
            })
            .collect();
        exact.sort_by(|x, y| y.2.total_cmp(&x.2));
        let chosen: Option<(usize, usize, f64)>;
        if let Some(&(o, best, sum)) = exact.first() {
            out.candidates = exact
                .iter()
                .take(3)
                .map(|&(o, c, _)| candidate(o, o + q.len(), 0.0, c))
                .collect();
            if let Some(&(_, _, sum2)) = exact.get(1) {
                if sum - sum2 < 0.3 {
                    out.class = DriftClass::Ambiguous;
                    out.reason = format!(
                        "the passage occurs {} times in the new version and the text around it does not tell which",
                        exact.len()
                    );
                    return self.finish(out, claim, None);
                }
            }
            if short && best < AGREE {
                out.class = DriftClass::NeedsReview;
                out.reason = format!(
                    "a short passage ({} characters) found, but the text around it differs",
                    q.len()
                );
                return self.finish(out, claim, Some((o, o + q.len(), 0.0)));
            }
            let far = o.abs_diff(hint) > (q.len() / 2).max(CONTEXT);
            out.class = if far {
                DriftClass::Moved
            } else {
                DriftClass::Unchanged
            };
            out.reason = if far {
                "the same passage, elsewhere in the text".into()
            } else {
                "the same passage, where the word diff puts it".into()
            };
            chosen = Some((o, o + q.len(), 0.0));
        } else {
            // 2. Approximate.
            let found = self.approximate(q, hint);
            // A candidate that is, word for word, text of the old version
            // outside this passage is another passage that survived, not
            // this one edited (a
            // sentence deleted beside its look-alikes: "district 3 reported
            // 24 cases" is not "district 4 reported 31 cases").
            let nv = self.newv.chars();
            let scored: Vec<(usize, usize, f64, f64, f64)> = found
                .into_iter()
                .filter(|&(s, e, _)| {
                    self.old
                        .find_all(&nv[s..e])
                        .into_iter()
                        .all(|o| o >= a && o + (e - s) <= b)
                })
                .map(|(s, e, r)| {
                    let (s, e, r) = self.align_ends(q, ctx, s, e, r);
                    let (best, sum) = self.context_score(ctx, s, e);
                    (s, e, r, best, sum)
                })
                .collect();
            out.candidates = scored
                .iter()
                .take(3)
                .map(|&(s, e, r, c, _)| candidate(s, e, r, c))
                .collect();
            let Some(&(s, e, r, best, sum)) = scored.first() else {
                out.class = DriftClass::Dropped;
                out.reason = format!(
                    "nothing in the new version is within an edit ratio of {REVIEW} of the passage"
                );
                return self.finish(out, claim, None);
            };
            if r > REVIEW {
                out.class = DriftClass::Dropped;
                out.reason = format!(
                    "the nearest passage of the new version differs by an edit ratio of {r:.2} (above {REVIEW})"
                );
                out.edit_ratio = Some(r);
                return self.finish(out, claim, None);
            }
            if let Some(&(_, _, r2, _, sum2)) = scored.get(1) {
                if r2 - r <= HAIR && (sum - sum2).abs() < 0.3 {
                    out.class = DriftClass::Ambiguous;
                    out.reason = format!(
                        "two places of the new version fit equally well (edit ratios {r:.2} and {r2:.2})"
                    );
                    out.edit_ratio = Some(r);
                    return self.finish(out, claim, None);
                }
            }
            out.edit_ratio = Some(r);
            // Context agrees when the text on one side does, or when the
            // candidate stands where the word diff puts the passage (a
            // passage whose neighbours were both rewritten).
            let at_hint = s.abs_diff(hint) <= q.len() / 2 + CONTEXT;
            let agrees = best >= AGREE || at_hint;
            // A light edit in place: above the edit ratio, but most words
            // kept, changed in one or two places (light.rs).
            let light = (r > EDITED && r <= REVIEW && best >= AGREE && at_hint && !short)
                .then(|| light::WordEdit::of(q, &nv[s..e]))
                .filter(light::WordEdit::is_light);
            if r <= EDITED && agrees && !short {
                out.class = DriftClass::Edited;
                out.reason = format!("the passage was edited (edit ratio {r:.2})");
            } else if let Some(w) = light {
                out.class = DriftClass::Edited;
                out.reason = format!(
                    "the passage was lightly edited in place (edit ratio {r:.2}, above {EDITED}, but {} of its {} words kept, changed in {} place{})",
                    w.kept,
                    w.words,
                    w.places,
                    if w.places == 1 { "" } else { "s" }
                );
            } else {
                out.class = DriftClass::NeedsReview;
                out.reason = if short {
                    format!(
                        "a short passage ({} characters) that is not in the new version as it was; the nearest differs by {r:.2}",
                        q.len()
                    )
                } else if r <= EDITED {
                    format!("a passage within edit ratio {r:.2}, but the text around it differs")
                } else {
                    format!(
                        "the nearest passage differs by an edit ratio of {r:.2} (above {EDITED})"
                    )
                };
            }
            chosen = Some((s, e, r));
        }
        self.finish(out, claim, chosen)
    }

    /// Anchors the chosen range, checks the quote and the attribution, and
    /// applies the low-confidence rule.
    fn finish(
        &self,
        mut out: ClaimDrift,
        claim: &DriftClaim,
        chosen: Option<(usize, usize, f64)>,
    ) -> ClaimDrift {
        if let Some((s, e, _)) = chosen {
            match self.anchor_at(s, e) {
                Ok(anchor) => {
                    out.text_changed = anchor.exact != claim.anchor.exact;
                    out.diff = word_diff(&claim.anchor.exact, &anchor.exact);
                    out.new = Some(anchor);
                }
                Err(why) => {
                    out.class = DriftClass::NeedsReview;
                    out.reason = format!("the place found cannot be anchored: {why}");
                }
            }
            if let (Some(words), Some(_)) = (&claim.quote, &out.new) {
                match self.quote_in(words, s, e) {
                    Some(w) => out.new_quote = Some(w),
                    None if out.class.applies() => {
                        out.class = DriftClass::NeedsReview;
                        out.reason = format!(
                            "{}; but the quoted words are no longer in it as they were",
                            out.reason
                        );
                    }
                    None => {}
                }
            }
            if out.new.is_some() {
                self.check_source(&mut out, claim, s, e);
            }
        }
        if out.class == DriftClass::Dropped {
            let share = self.words_still_there(claim);
            if share >= REWORDED {
                out.class = DriftClass::NeedsReview;
                out.reason = format!(
                    "{}; but {:.0}% of its words stand where the word diff puts it: reworded?",
                    out.reason,
                    share * 100.0
                );
            }
        }
        if out.class == DriftClass::Dropped && self.new.low_confidence {
            out.class = DriftClass::NeedsReview;
            out.reason = format!(
                "{}; the new version's text extraction is low-confidence, so the claim is not dropped on its strength",
                out.reason
            );
        }
        out
    }

    /// The share of the passage's words (of four letters or more, case
    /// ignored) that occur in the new text around where the word diff puts
    /// it: a passage reworded beyond the edit ratios keeps most of them, a
    /// deleted one few.
    fn words_still_there(&self, claim: &DriftClaim) -> f64 {
        let (a, b) = self
            .old
            .to_view(claim.anchor.start as usize, claim.anchor.end as usize);
        let words = |v: &[char]| -> std::collections::BTreeSet<String> {
            let s: String = v.iter().collect();
            s.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 4)
                .map(str::to_string)
                .collect()
        };
        let old = words(&self.old_lower[a..b]);
        if old.is_empty() {
            return 0.0;
        }
        let hint = self.hint(a);
        let len = b - a;
        let nv = &self.new_lower;
        let window = &nv[hint.saturating_sub(len).min(nv.len())..(hint + 2 * len).min(nv.len())];
        let new = words(window);
        old.iter().filter(|w| new.contains(*w)).count() as f64 / old.len() as f64
    }

    /// The quoted words inside new view range `[s, e)`, as the new text's
    /// characters.
    fn quote_in(&self, words: &str, s: usize, e: usize) -> Option<String> {
        let q = crate::statement::view_of(words);
        if q.is_empty() || q.len() > e - s {
            return None;
        }
        let v = &self.newv.chars()[s..e];
        let at = (0..=v.len() - q.len()).find(|&i| v[i..i + q.len()] == *q)?;
        let (os, oe) = self.newv.to_original(s + at, s + at + q.len());
        Some(self.new.text.chars().skip(os).take(oe - os).collect())
    }
}

#[cfg(test)]
mod tests;
