//! `provledger history`: everything that happened to a claim.

use super::claims::status_text;
use super::output::{print_json, time};
use super::render::{attribution, clip, esc, short, Esc, Style};
use super::status::{print_verdict_details, standing};
use super::Fail;
use anyhow::Result;
use clap::Args;
use provledger::history::{claim_history, ClaimField, Direction, Event, History, Revision};
use provledger::ledger::Ledger;
use provledger::state::Signer;
use provledger::statement::Kind;
use std::io::Write;
use std::path::Path;

/// Everything that happened to a claim, oldest first.
///
/// Every revision with who signed it, when and why (changes to its wording, passage and attribution shown as
/// word diffs: [-removed-]{+added+}, or in colour on a terminal), every
/// verdict with its standing (current, STALE, superseded, WITHDRAWN,
/// REVOKED KEY), links to other claims, and the retraction.
///
/// Exit codes: 0 found; 4 no such claim; 2 a malformed id; 1 any other
/// error.
#[derive(Args, Debug)]
pub struct HistoryArgs {
    /// The claim: its id (prefix, 6+ hex digits).
    claim: String,
    /// Print JSON (schemas/history.schema.json).
    #[arg(long)]
    json: bool,
}

pub fn run(ledger: &Path, a: HistoryArgs) -> Result<()> {
    let l = Ledger::open(ledger)?;
    let id = l.resolve(&a.claim, &[Kind::ClaimRecord])?.id;
    let h = claim_history(l.state(), &id)?
        .ok_or_else(|| Fail::NotFound(format!("no claim has id {id}")))?;
    if a.json {
        return print_json(&h);
    }
    print_history(&mut std::io::stdout().lock(), &h, Style::detect())
}

fn who(s: &Signer) -> String {
    format!("{} ({})", Esc(&s.key), Esc(&s.display_name))
}

fn print_history(out: &mut impl Write, h: &History, style: Style) -> Result<()> {
    let c = &h.claim;
    writeln!(
        out,
        "claim   {}  {}",
        style.bold(&short(&c.id)),
        Esc(&c.proposition)
    )?;
    writeln!(
        out,
        "status  {}  {} revision{}, {} verdict{}, {} link{}{}",
        status_text(h.status, style, 0),
        h.revisions.len(),
        if h.revisions.len() == 1 { "" } else { "s" },
        h.verdicts.len(),
        if h.verdicts.len() == 1 { "" } else { "s" },
        h.links.len(),
        if h.links.len() == 1 { "" } else { "s" },
        if h.retraction.is_some() {
            ", retracted"
        } else {
            ""
        }
    )?;
    for (seq, event) in h.timeline() {
        writeln!(out)?;
        let when = |at: u64| style.dim(&format!("{}  entry {seq}", time(at)));
        match event {
            Event::Revision(r) => print_revision(out, h, r, &when(r.at), style)?,
            Event::Verdict(j) => {
                writeln!(
                    out,
                    "{}  {} {} by {} on revision {}  [{}]  {}",
                    when(j.at),
                    style.bold("verdict"),
                    j.verdict,
                    who(&j.checker),
                    j.revision_number,
                    short(&j.id),
                    standing(j.standing, style, 0)
                )?;
                print_verdict_details(j, false)?;
            }
            Event::Withdrawal(j) => {
                let w = j.withdrawal.as_ref().expect("a withdrawal event has one");
                writeln!(
                    out,
                    "{}  {} of verdict {} ({}) by {}: {}",
                    when(w.at),
                    style.bold("withdrawal"),
                    short(&j.id),
                    j.verdict,
                    who(&j.checker),
                    Esc(&w.reason)
                )?;
            }
            Event::Link(l) => {
                let (a, b) = match l.direction {
                    Direction::Outgoing => ("this claim".to_string(), short(&l.other)),
                    Direction::Incoming => (short(&l.other), "this claim".to_string()),
                };
                writeln!(
                    out,
                    "{}  {} {a} {} {b}, by {}",
                    when(l.at),
                    style.bold("link"),
                    l.relation,
                    who(&l.signer)
                )?;
                writeln!(out, "    other claim  {}", clip(&l.other_proposition, 100))?;
                if let Some(n) = &l.note {
                    writeln!(out, "    note         {}", Esc(n))?;
                }
                if l.withdrawal.is_none() && !l.counts {
                    writeln!(
                        out,
                        "    {}",
                        style.red("not counted: signed by a key revoked as compromised")
                    )?;
                }
            }
            Event::LinkWithdrawal(l) => {
                let w = l
                    .withdrawal
                    .as_ref()
                    .expect("a link withdrawal event has one");
                writeln!(
                    out,
                    "{}  {} of link {} ({} {}) by {}: {}",
                    when(w.at),
                    style.bold("link withdrawn"),
                    short(&l.id),
                    l.relation,
                    short(&l.other),
                    who(&w.signer),
                    Esc(&w.reason)
                )?;
            }
            Event::Retraction(r) => {
                writeln!(
                    out,
                    "{}  {} by {}: {}",
                    when(r.at),
                    style.red("RETRACTED"),
                    who(&r.signer),
                    Esc(&r.reason)
                )?;
            }
        }
    }
    Ok(())
}

fn print_revision(
    out: &mut impl Write,
    h: &History,
    r: &Revision,
    when: &str,
    style: Style,
) -> Result<()> {
    let publisher = &r.article.publisher;
    let head = if r.number == 0 {
        format!("{} by {}", style.bold("recorded"), who(&r.signer))
    } else {
        format!(
            "{} {} by {}, {}",
            style.bold("revision"),
            r.number,
            who(&r.signer),
            r.reason.map(|x| x.as_str()).unwrap_or("no reason given")
        )
    };
    let stale = if r.content.is_some() && !r.current {
        style.yellow("  (since changed: verdicts on this revision are stale)")
    } else {
        String::new()
    };
    writeln!(out, "{when}  {head}  [{}]{stale}", short(&r.id))?;
    writeln!(
        out,
        "    article      v{} {}  {}",
        r.article.version,
        short(&r.article.id),
        Esc(&r.article.title)
    )?;
    if let Some(n) = &r.note {
        writeln!(out, "    note         {}", Esc(n))?;
    }
    let Some(now) = &r.content else {
        writeln!(
            out,
            "    {}",
            style.yellow(&format!(
                "removed: version {} of the article no longer makes this claim",
                r.article.version
            ))
        )?;
        return Ok(());
    };
    let now_attr = attribution(&now.attribution, publisher);
    match h.previous_content(r.number) {
        None => {
            writeln!(out, "    proposition  {}", esc(&now.proposition))?;
            writeln!(out, "    passage      “{}”", esc(&now.anchor.exact))?;
            writeln!(out, "    attributed   {now_attr}")?;
        }
        Some(before) => {
            if r.changed.is_empty() {
                writeln!(
                    out,
                    "    unchanged    same proposition, passage and attribution"
                )?;
            }
            if r.changed.contains(&ClaimField::Proposition) {
                writeln!(
                    out,
                    "    proposition  {}",
                    style.diff(&before.proposition, &now.proposition)
                )?;
            }
            if r.changed.contains(&ClaimField::AnchorExact) {
                writeln!(
                    out,
                    "    passage      “{}”",
                    style.diff(&before.anchor.exact, &now.anchor.exact)
                )?;
            }
            if r.changed.iter().any(|f| f.is_attribution()) {
                let before_attr = attribution(&before.attribution, publisher);
                writeln!(
                    out,
                    "    attributed   {}",
                    style.diff(&before_attr, &now_attr)
                )?;
            }
        }
    }
    Ok(())
}
