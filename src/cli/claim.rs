//! `provledger claim`: record, import, revise and retract claims.

use super::article::text_of;
use super::output::Signing;
use super::render::short;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use provledger::digest::Digest;
use provledger::ledger::Ledger;
use provledger::state::ArticleInfo;
use provledger::statement::{
    Anchor, Attribution, Body, Change, ChangeReason, ClaimContent, ClaimRecord, ClaimRetract,
    ClaimRevise, Hedge, Kind, Mode,
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
    /// occur there exactly once (quote more of the sentence if it is
    /// ambiguous). Without --source the claim is the outlet's own assertion.
    Add(AddArgs),
    /// Record many sources and claims from a JSON file in one batch.
    ///
    /// The file follows schemas/claim-import.schema.json (example:
    /// sample/claims-v1.json) and is checked against it, and every quote
    /// located in the article, before anything is signed or written. Either
    /// every statement is appended or none is.
    Import(super::import::ImportArgs),
    /// Record a new revision of a claim: the article was updated, corrected,
    /// or the claim was recorded wrongly.
    ///
    /// Fields not given are carried over from the claim's current revision;
    /// the quote is located again in the new version's text. A change of
    /// proposition, quoted text or attribution makes earlier verdicts stale.
    /// With --removed, the new version no longer makes the claim.
    Revise(ReviseArgs),
    /// Retract a claim that should never have been recorded.
    Retract(RetractArgs),
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
    attribution: AttributionArgs,
    /// The article version no longer makes the claim.
    #[arg(long, conflicts_with_all = ["source", "cue", "hedge", "mode", "direct_quote", "relayed_by"])]
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

pub fn run(ledger: &Path, cmd: ClaimCommand) -> Result<()> {
    match cmd {
        ClaimCommand::Add(a) => add(ledger, a),
        ClaimCommand::Import(a) => super::import::run(ledger, a),
        ClaimCommand::Revise(a) => revise(ledger, a),
        ClaimCommand::Retract(a) => retract(ledger, a),
    }
}

/// The source a flag names by id prefix.
pub fn source_id(l: &Ledger, flag: &str, prefix: &str) -> Result<Digest> {
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

/// Locates `quote` in the article version's text.
fn locate(l: &Ledger, article: &ArticleInfo, quote: &str) -> Result<Anchor> {
    let text = text_of(l, article)?;
    Anchor::locate(&text, quote).map_err(|why| {
        anyhow::anyhow!(
            "cannot anchor the quote in article {} (version {}): {why}",
            short(&article.id),
            article.version
        )
    })
}

fn add(ledger: &Path, a: AddArgs) -> Result<()> {
    let l = Ledger::open(ledger)?;
    let article = article(&l, &a.article)?;
    let anchor = locate(&l, &article, &a.quote)?;
    let t = &a.attribution;
    let source = t
        .source
        .as_deref()
        .map(|s| source_id(&l, "--source", s))
        .transpose()?;
    let relayed_by = t
        .relayed_by
        .as_deref()
        .map(|s| source_id(&l, "--relayed-by", s))
        .transpose()?;
    let mode = t.mode.unwrap_or(if t.direct_quote.is_some() {
        Mode::DirectQuote
    } else {
        Mode::Paraphrase
    });
    drop(l);
    let body = Body::ClaimRecord(ClaimRecord {
        article: article.id,
        proposition: a.proposition,
        anchor,
        attribution: Attribution {
            source,
            cue: t.cue.clone(),
            hedge: t.hedge.unwrap_or(Hedge::None),
            mode,
            quote: t.direct_quote.clone(),
            relayed_by,
        },
    });
    a.signing.append_one(ledger, body)
}

/// A revise flag's new value: not given (keep), "none" (clear) or a value.
fn update<T>(
    flag: Option<&str>,
    keep: Option<T>,
    parse: impl FnOnce(&str) -> Result<T>,
) -> Result<Option<T>> {
    match flag {
        None => Ok(keep),
        Some("none") => Ok(None),
        Some(v) => parse(v).map(Some),
    }
}

fn revise(ledger: &Path, a: ReviseArgs) -> Result<()> {
    let l = Ledger::open(ledger)?;
    let claim_id = l.resolve(&a.claim, &[Kind::ClaimRecord])?.id;
    let current = l
        .state()
        .claim(&claim_id)?
        .with_context(|| format!("claim {} is not in the index", short(&claim_id)))?;
    let article = match &a.article {
        Some(p) => article(&l, p)?,
        None => {
            let chain = l
                .state()
                .article_chain(&current.article.id)?
                .context("the claim's article is not in the index")?;
            chain.latest().clone()
        }
    };
    let change = if a.removed {
        Change::Removed
    } else {
        let quote = a.quote.as_deref().unwrap_or(&current.anchor.exact);
        let anchor = locate(&l, &article, quote).with_context(|| {
            if a.quote.is_none() {
                "the claim's current passage is not in this version; give its new wording with --quote"
                    .to_string()
            } else {
                "--quote".to_string()
            }
        })?;
        let t = &a.attribution;
        let was = &current.attribution;
        let source = update(
            t.source.as_deref(),
            was.source.as_ref().map(|s| s.id),
            |s| source_id(&l, "--source", s),
        )?;
        let relayed_by = update(
            t.relayed_by.as_deref(),
            was.relayed_by.as_ref().map(|s| s.id),
            |s| source_id(&l, "--relayed-by", s),
        )?;
        let cue = update(t.cue.as_deref(), was.cue.clone(), |s| Ok(s.to_string()))?;
        let quote = update(t.direct_quote.as_deref(), was.quote.clone(), |s| {
            Ok(s.to_string())
        })?;
        let mode = match (t.mode, &t.direct_quote) {
            (Some(m), _) => m,
            (None, Some(q)) if q != "none" => Mode::DirectQuote,
            (None, Some(_)) => Mode::Paraphrase,
            (None, None) => was.mode,
        };
        Change::Content(ClaimContent {
            proposition: a.proposition.unwrap_or(current.proposition.clone()),
            anchor,
            attribution: Attribution {
                source,
                cue,
                hedge: t.hedge.unwrap_or(was.hedge),
                mode,
                quote,
                relayed_by,
            },
        })
    };
    drop(l);
    let body = Body::ClaimRevise(ClaimRevise {
        claim: claim_id,
        article: article.id,
        change,
        reason: a.reason,
        note: a.note,
    });
    a.signing.append_one(ledger, body)
}

fn retract(ledger: &Path, a: RetractArgs) -> Result<()> {
    let l = Ledger::open(ledger)?;
    let claim = l.resolve(&a.claim, &[Kind::ClaimRecord])?.id;
    drop(l);
    a.signing.append_one(
        ledger,
        Body::ClaimRetract(ClaimRetract {
            claim,
            reason: a.reason,
        }),
    )
}
