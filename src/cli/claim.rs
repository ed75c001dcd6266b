//! `provledger claim`: record, import, revise and retract claims.

use super::output::Signing;
use super::render::short;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use provledger::digest::Digest;
use provledger::ledger::Ledger;
use provledger::state::ArticleInfo;
use provledger::statement::{
    Anchor, Attribution, Body, Change, ChangeReason, ClaimRecord, ClaimRetract, ClaimRevise,
    ContentChanges, Hedge, Kind, Mode,
};
use std::path::Path;

/// Record the claims an article makes, with their attribution, and keep
/// them in step with the article's updates.
#[derive(Subcommand, Debug)]
pub enum ClaimCommand {
    /// Record one claim of an article version (signed by an editor).
    ///
    /// --quote is the passage of the article that makes the claim, copied
    /// character for character; it is located in the stored text and must
    /// occur there exactly once (quote more of the sentence, or pick one
    /// occurrence with --prefix or --suffix, if it is ambiguous). Without
    /// --source the claim is the outlet's own assertion. A claim its article
    /// version already has (the same proposition at the same passage) is
    /// refused.
    Add(AddArgs),
    /// Record many sources and claims from a JSON file in one batch.
    ///
    /// The file follows schemas/claim-import.schema.json (example:
    /// sample/claims-v1.json) and is checked against it, and every quote
    /// located in the article, before anything is signed or written. Either
    /// every statement is appended or none is. A claim the article version
    /// already has (the same proposition at the same passage, in any
    /// revision that read that version) is refused, so running an import
    /// again writes nothing.
    Import(super::import::ImportArgs),
    /// Record a new revision of a claim: the article was updated, corrected,
    /// or the claim was recorded wrongly.
    ///
    /// Fields not given are carried over from the claim's current revision;
    /// the quote is located again in the new version's text (--prefix or
    /// --suffix pick one occurrence of a passage that occurs more than
    /// once). A change of proposition, quoted text or attribution makes
    /// earlier verdicts stale.
    /// With --removed, the new version no longer makes the claim.
    Revise(ReviseArgs),
    /// Retract a claim that should never have been recorded.
    Retract(RetractArgs),
    /// Re-anchor an article version's claims in a newer version and classify
    /// each: unchanged, moved, edited, needs_review, ambiguous, reattributed or
    /// dropped.
    ///
    /// ARTICLE is the version the claims read now (after `article update`,
    /// the version before it); --to is the newer version [default: the newest
    /// of the article]. Each claim's passage is looked for in the new text in a
    /// matching view (Unicode NFC, whitespace collapsed, curly and straight
    /// quotes, dashes, no-break spaces and soft hyphens folded), exactly, then
    /// approximately, with the word diff of the two texts as a position hint;
    /// its source's label is looked for near it. The text view shows each
    /// claim's class, why, and its passage as a word diff ([-old-]{+new+}).
    ///
    /// --apply signs, in one batch, a `claim.revise` (reason article_updated)
    /// for every unchanged, moved and edited claim (re-anchored in the new
    /// version, the new text's exact characters, every other field carried
    /// over; verdicts go stale when the passage's characters changed, as for
    /// any revision) and every dropped one (removed). Claims that need review,
    /// are ambiguous or re-attributed are listed and never applied: revise them
    /// with `claim revise`.
    ///
    /// Exit codes: 0 every claim classified into a class that applies (and,
    /// with --apply, applied); 3 some claims are left for the editor (needs
    /// review, ambiguous, re-attributed; with --apply, the others were
    /// applied); 4 no such article; 2 a malformed id or --apply without --key;
    /// 1 any other error (an article with one version, a --to that is not a
    /// newer version of the same article), nothing written.
    Drift(super::drift::DriftArgs),
}

/// The attribution flags shared by `add` and `revise`.
#[derive(Args, Debug, Default)]
pub struct AttributionArgs {
    /// Who the claim is attributed to: a source id (prefix). In `revise`,
    /// "none" makes it the outlet's own assertion.
    #[arg(long, value_name = "SOURCE")]
    source: Option<String>,
    /// The attributing words ("according to", "said", "accused"); needed
    /// with --source or --relayed-by. In `revise`, "none" clears it.
    #[arg(long)]
    cue: Option<String>,
    /// How the article hedges the claim: none, reportedly, believed,
    /// alleged, claimed, suspected, apparently, unconfirmed [add default: none].
    #[arg(long)]
    hedge: Option<Hedge>,
    /// direct_quote or paraphrase [add default: direct_quote with
    /// --direct-quote, else paraphrase].
    #[arg(long)]
    mode: Option<Mode>,
    /// The words the source is quoted as saying (inside --quote). In
    /// `revise`, "none" clears them.
    #[arg(long, value_name = "WORDS")]
    direct_quote: Option<String>,
    /// The source the article got the claim through ("As reported by The
    /// Sunday Guardian"): a source id (prefix). In `revise`, "none" clears it.
    #[arg(long, value_name = "SOURCE")]
    relayed_by: Option<String>,
}

/// Which occurrence of a passage that occurs more than once.
#[derive(Args, Debug, Default)]
pub struct ContextArgs {
    /// The text just before the passage, to pick one occurrence of a
    /// passage that occurs more than once.
    #[arg(long, value_name = "TEXT")]
    prefix: Option<String>,
    /// The text just after the passage, to pick one occurrence of a
    /// passage that occurs more than once.
    #[arg(long, value_name = "TEXT")]
    suffix: Option<String>,
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// The article version the claim is in: its id (prefix).
    #[arg(long)]
    article: String,
    /// The exact passage of the article that makes the claim.
    #[arg(long)]
    quote: String,
    /// The proposition, in your words: what would be true or false.
    #[arg(long)]
    proposition: String,
    #[command(flatten)]
    context: ContextArgs,
    #[command(flatten)]
    attribution: AttributionArgs,
    #[command(flatten)]
    signing: Signing,
}

#[derive(Args, Debug)]
pub struct ReviseArgs {
    /// The claim: its id (prefix).
    claim: String,
    /// The article version the revision reads [default: the newest version
    /// of the claim's article].
    #[arg(long)]
    article: Option<String>,
    /// The claim's passage in that version [default: the current passage,
    /// located again in the version's text].
    #[arg(long, conflicts_with = "removed")]
    quote: Option<String>,
    /// The new proposition [default: the current one].
    #[arg(long, conflicts_with = "removed")]
    proposition: Option<String>,
    #[command(flatten)]
    context: ContextArgs,
    #[command(flatten)]
    attribution: AttributionArgs,
    /// The article version no longer makes the claim.
    #[arg(long, conflicts_with_all = ["source", "cue", "hedge", "mode", "direct_quote", "relayed_by", "prefix", "suffix"])]
    removed: bool,
    /// Why: article_updated, correction (the outlet published one) or error
    /// (our record was wrong).
    #[arg(long)]
    reason: ChangeReason,
    /// A note for readers of the claim's history.
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    signing: Signing,
}

#[derive(Args, Debug)]
pub struct RetractArgs {
    /// The claim: its id (prefix).
    claim: String,
    /// Why it is retracted.
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    signing: Signing,
}

pub fn run(ledger: &Path, cmd: ClaimCommand) -> Result<std::process::ExitCode> {
    let done = |()| std::process::ExitCode::SUCCESS;
    match cmd {
        ClaimCommand::Add(a) => add(ledger, a).map(done),
        ClaimCommand::Import(a) => super::import::run(ledger, a).map(done),
        ClaimCommand::Revise(a) => revise(ledger, a).map(done),
        ClaimCommand::Retract(a) => retract(ledger, a).map(done),
        ClaimCommand::Drift(a) => super::drift::run(ledger, a),
    }
}

/// The source a flag names by id prefix.
fn source_id(l: &Ledger, flag: &str, prefix: &str) -> Result<Digest> {
    Ok(l.resolve(prefix, &[Kind::SourceRecord])
        .with_context(|| format!("{flag} {prefix}"))?
        .id)
}

/// An article version by id prefix.
fn article(l: &Ledger, prefix: &str) -> Result<ArticleInfo> {
    let id = l.resolve(prefix, &[Kind::ArticleRecord])?.id;
    l.state()
        .article(&id)?
        .with_context(|| format!("article {} is not in the index", short(&id)))
}

/// Locates `quote` (between `--prefix` and `--suffix`, if given) in the
/// article version's text. `current`: the quote is the claim's current
/// passage, not given on the command line.
fn locate(
    l: &Ledger,
    article: &ArticleInfo,
    quote: &str,
    context: &ContextArgs,
    current: bool,
) -> Result<Anchor> {
    let text = l.article_text(&article.id)?;
    Anchor::locate_between(
        text.as_str(),
        quote,
        context.prefix.as_deref(),
        context.suffix.as_deref(),
    )
    .map_err(|e| {
        let at = format!("article {} (version {})", short(&article.id), article.version);
        let pick = "pick one with --prefix TEXT (the text just before it) or --suffix TEXT (the text just after it)";
        let with_context = context.prefix.is_some() || context.suffix.is_some();
        match (current, e.occurrences) {
            (true, 0) if !with_context => anyhow::anyhow!(
                "the claim's current passage is not in this version; give its new wording with --quote ({at}: {e})"
            ),
            (true, n) if n > 1 => anyhow::anyhow!(
                "the claim's current passage occurs {n} times in {at}: {e}; {pick}, or give a longer --quote"
            ),
            (false, n) if n > 1 => {
                anyhow::anyhow!("cannot anchor the quote in {at}: {e}; or {pick}")
            }
            (_, _) if with_context => anyhow::anyhow!(
                "cannot anchor the quote in {at} with the given --prefix/--suffix: {e}"
            ),
            _ => anyhow::anyhow!("cannot anchor the quote in {at}: {e}"),
        }
    })
}

fn add(ledger: &Path, a: AddArgs) -> Result<()> {
    // Resolved and appended on one writer handle.
    let mut w = a.signing.open(ledger, &[Kind::ClaimRecord])?;
    let l = &w.ledger;
    let article = article(l, &a.article)?;
    let anchor = locate(l, &article, &a.quote, &a.context, false)?;
    let t = &a.attribution;
    let source = t
        .source
        .as_deref()
        .map(|s| source_id(l, "--source", s))
        .transpose()?;
    let relayed_by = t
        .relayed_by
        .as_deref()
        .map(|s| source_id(l, "--relayed-by", s))
        .transpose()?;
    let body = Body::ClaimRecord(ClaimRecord {
        article: article.id,
        proposition: a.proposition,
        anchor,
        attribution: Attribution::with_defaults(
            source,
            t.cue.clone(),
            t.hedge,
            t.mode,
            t.direct_quote.clone(),
            relayed_by,
        ),
    });
    w.add(body, &[])
}

/// A revise flag's change: not given (keep), "none" (clear) or a value.
fn change<T>(
    flag: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T>,
) -> Result<Option<Option<T>>> {
    match flag {
        None => Ok(None),
        Some("none") => Ok(Some(None)),
        Some(v) => parse(v).map(|v| Some(Some(v))),
    }
}

fn revise(ledger: &Path, a: ReviseArgs) -> Result<()> {
    // Resolved and appended on one writer handle: the revision read is the
    // claim's current one when the revise lands.
    let mut w = a.signing.open(ledger, &[Kind::ClaimRevise])?;
    let l = &w.ledger;
    let claim_id = l.resolve(&a.claim, &[Kind::ClaimRecord])?.id;
    let current = l.claim(&claim_id)?;
    let article = match &a.article {
        Some(p) => article(l, p)?,
        None => l.revise_default_version(&current)?,
    };
    let change = if a.removed {
        Change::Removed
    } else {
        let quote = a.quote.as_deref().unwrap_or(&current.anchor.exact);
        let anchor = locate(l, &article, quote, &a.context, a.quote.is_none())?;
        let t = &a.attribution;
        let changes = ContentChanges {
            proposition: a.proposition.clone(),
            source: change(t.source.as_deref(), |s| source_id(l, "--source", s))?,
            cue: change(t.cue.as_deref(), |s| Ok(s.to_string()))?,
            hedge: t.hedge,
            mode: t.mode,
            quote: change(t.direct_quote.as_deref(), |s| Ok(s.to_string()))?,
            relayed_by: change(t.relayed_by.as_deref(), |s| source_id(l, "--relayed-by", s))?,
        };
        Change::Content(current.content().revised(anchor, changes))
    };
    let body = Body::ClaimRevise(ClaimRevise {
        claim: claim_id,
        article: article.id,
        change,
        reason: a.reason,
        note: a.note,
    });
    w.append_one(body)
}

fn retract(ledger: &Path, a: RetractArgs) -> Result<()> {
    let mut w = a.signing.open(ledger, &[Kind::ClaimRetract])?;
    let claim = w.ledger.resolve(&a.claim, &[Kind::ClaimRecord])?.id;
    w.append_one(Body::ClaimRetract(ClaimRetract {
        claim,
        reason: a.reason,
    }))
}
