//! `provledger claim drift`: what became of an article version's claims in
//! a newer version, and (`--apply`) the revisions that follow, in one
//! batch. The classes and their rules are the library's
//! (`provledger::drift`); this file prints them.

use super::error::no;
use super::output::{print_committed, say, write_json, Signing};
use super::render::{clip, esc, short, Style};
use anyhow::Result;
use clap::Args;
use provledger::drift::{self, ClaimDrift, DriftClass, DriftError, DriftPlan};
use provledger::ledger::{Ledger, Receipt};
use provledger::statement::Kind;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The arguments of `claim drift` (its help is on `ClaimCommand::Drift`).
#[derive(Args, Debug)]
pub struct DriftArgs {
    /// The article version whose claims are re-anchored: its id (prefix).
    article: String,
    /// The newer version to re-anchor them in: its id (prefix) [default:
    /// the newest version of the article].
    #[arg(long, value_name = "VERSION")]
    to: Option<String>,
    /// Sign the revisions of the unchanged, moved, edited and dropped
    /// claims, in one batch.
    #[arg(long)]
    apply: bool,
    /// Print JSON (schemas/claim-drift.schema.json).
    #[arg(long)]
    json: bool,
    /// Private key that signs the revisions (NAME.key), for --apply.
    #[arg(long, env = "PROVLEDGER_KEY", value_name = "NAME.key")]
    key: Option<PathBuf>,
    /// The operator key that signs the ledger's new checkpoint [default:
    /// LEDGER/private/operator.key], for --apply.
    #[arg(long, env = "PROVLEDGER_OPERATOR_KEY")]
    operator_key: Option<PathBuf>,
}

/// `claim drift --json`: the drift report and, with --apply, what was
/// committed.
#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    plan: &'a DriftPlan,
    /// The receipts of the applied revisions; `null` without --apply.
    applied: Option<&'a [Receipt]>,
    /// The claims left for the editor (ids).
    for_review: Vec<&'a str>,
}

fn plan(l: &Ledger, a: &DriftArgs) -> Result<DriftPlan> {
    let from = l.resolve(&a.article, &[Kind::ArticleRecord])?.id;
    let to =
        a.to.as_deref()
            .map(|p| -> Result<_> { Ok(l.resolve(p, &[Kind::ArticleRecord])?.id) })
            .transpose()?;
    drift::plan(l, &from, to.as_ref()).map_err(|e| match e {
        // A ledger error keeps its type (not found: exit 4).
        DriftError::Ledger(e) => e.into(),
        e => e.into(),
    })
}

pub fn run(ledger: &Path, a: DriftArgs) -> Result<ExitCode> {
    let (plan, receipts) = if a.apply {
        let signing = Signing {
            key: a.key.clone(),
            operator_key: a.operator_key.clone(),
            json: a.json,
        };
        // One writer handle: the claims read are current when the batch
        // lands.
        signing.require_key_for(Kind::ClaimRevise)?;
        let mut w = signing.open(ledger, &[Kind::ClaimRevise])?;
        let plan = plan(&w.ledger, &a)?;
        let bodies = plan.revisions();
        let receipts = if bodies.is_empty() {
            Vec::new()
        } else {
            w.append_with_blobs(bodies, &[])?
        };
        (plan, Some(receipts))
    } else {
        (plan(&Ledger::open(ledger)?, &a)?, None)
    };
    let review: Vec<&ClaimDrift> = plan.for_review().collect();
    let print = |out: &mut std::io::StdoutLock<'static>| -> Result<()> {
        if a.json {
            return write_json(
                out,
                &Report {
                    plan: &plan,
                    applied: receipts.as_deref(),
                    for_review: review.iter().map(|c| c.claim.as_str()).collect(),
                },
            );
        }
        print_plan(out, &plan, receipts.as_deref(), Style::detect())
    };
    match &receipts {
        Some(r) if !r.is_empty() => print_committed(r, print)?,
        _ => {
            let mut out = std::io::stdout().lock();
            print(&mut out)?;
            out.flush()?;
        }
    }
    if a.apply && receipts.as_ref().is_some_and(|r| r.is_empty()) {
        say!("nothing to apply: no claim is unchanged, moved, edited or dropped; nothing was written");
    }
    if !review.is_empty() {
        return Ok(no(&format!(
            "{} claim{} left for the editor (needs review, ambiguous or re-attributed); revise {} with `provledger claim revise CLAIM --reason article_updated ...`",
            review.len(),
            if review.len() == 1 { " is" } else { "s are" },
            if review.len() == 1 { "it" } else { "them" }
        )));
    }
    Ok(ExitCode::SUCCESS)
}

fn class_text(c: DriftClass, style: Style) -> String {
    let padded = format!("{:<12}", c.as_str());
    match c {
        DriftClass::Unchanged | DriftClass::Moved => padded,
        DriftClass::Edited => style.green(&padded),
        DriftClass::Dropped => style.red(&padded),
        _ => style.yellow(&padded),
    }
}

fn print_plan(
    out: &mut impl Write,
    p: &DriftPlan,
    receipts: Option<&[Receipt]>,
    style: Style,
) -> Result<()> {
    writeln!(
        out,
        "claim drift: article {} (version {}) to {} (version {}){}: {} claim{}",
        short(&p.from.id),
        p.from.version,
        short(&p.to.id),
        p.to.version,
        if p.to.low_confidence {
            ", its text extraction low-confidence"
        } else {
            ""
        },
        p.claims.len(),
        if p.claims.len() == 1 { "" } else { "s" }
    )?;
    let counts: Vec<String> = p.counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
    writeln!(out, "{}", counts.join(", "))?;
    for c in &p.claims {
        let id = c.claim.get(..12).unwrap_or(&c.claim);
        let ratio = match c.edit_ratio {
            Some(r) if r > 0.0 => format!("  (edit ratio {r:.2})"),
            _ => String::new(),
        };
        writeln!(
            out,
            "\n{}  {}{}  \"{}\"",
            style.bold(id),
            class_text(c.class, style),
            ratio,
            clip(&c.old.exact, 70)
        )?;
        writeln!(out, "    why: {}", esc(&c.reason))?;
        if let Some(new) = &c.new {
            if c.text_changed {
                writeln!(out, "    diff: {}", style.diff(&c.old.exact, &new.exact))?;
            }
            writeln!(out, "    at: {}..{} of the new version", new.start, new.end)?;
        }
        if let Some(s) = &c.source.proposed {
            let recorded = match &s.id {
                Some(id) => format!("recorded source {}", id.get(..12).unwrap_or(id)),
                None => "not a recorded source: record it first".to_string(),
            };
            writeln!(
                out,
                "    source: now stands by it: \"{}\" ({recorded})",
                esc(&s.label)
            )?;
        }
        if c.class == DriftClass::Ambiguous {
            for k in &c.candidates {
                writeln!(
                    out,
                    "    candidate: {}..{} (edit ratio {:.2})",
                    k.start, k.end, k.edit_ratio
                )?;
            }
        }
    }
    match receipts {
        Some(r) if !r.is_empty() => {
            writeln!(
                out,
                "\napplied: {} revision{} in one batch",
                r.len(),
                if r.len() == 1 { "" } else { "s" }
            )?;
            for r in r {
                writeln!(out, "{} {} at entry {}", r.kind, r.id, r.seq)?;
            }
        }
        Some(_) => writeln!(out, "\napplied: nothing")?,
        None => {
            let n = p.claims.iter().filter(|c| c.class.applies()).count();
            if n > 0 {
                writeln!(
                    out,
                    "\n{n} revision{} would be signed with --apply",
                    if n == 1 { "" } else { "s" }
                )?;
            }
        }
    }
    Ok(())
}
