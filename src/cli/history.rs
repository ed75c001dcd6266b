//! `provledger history`: everything that happened to a claim.

use super::claims::status_text;
use super::output::{print_json, time};
use super::render::{attribution, clip, short, Style};
use super::status::{print_verdict_details, resolve_claim, standing};
use super::Fail;
use anyhow::Result;
use clap::Args;
use provledger::history::{claim_history, Direction, Event, History, Revision};
use provledger::ledger::Ledger;
use provledger::state::Signer;
use std::path::Path;

/// Everything that happened to a claim, oldest first.
///
/// Every revision with who signed it, when and why (changes to its wording, passage and attribution shown as
/// word diffs: [-removed-]{+added+}, or in colour on a terminal), every
/// verdict with its standing (current, STALE, superseded, WITHDRAWN,
/// REVOKED KEY), links to other claims, and the retraction.
///
/// Exit codes: 0 found; 4 no such claim; 1 any other error.
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
    let id = resolve_claim(&l, &a.claim)?;
    let h = claim_history(l.state(), &id)?
        .ok_or_else(|| Fail::NotFound(format!("no claim has id {id}")))?;
    if a.json {
        return print_json(&h);
    }
    print_history(&h, Style::detect());
    Ok(())
}

fn who(s: &Signer) -> String {
    format!("{} ({})", s.key, s.display_name)
}

fn print_history(h: &History, style: Style) {
    let c = &h.claim;
    println!("claim   {}  {}", style.bold(&short(&c.id)), c.proposition);
    println!(
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
    );
    for (seq, event) in h.timeline() {
        println!();
        let when = |at: u64| style.dim(&format!("{}  entry {seq}", time(at)));
        match event {
            Event::Revision(r) => print_revision(h, r, &when(r.at), style),
            Event::Verdict(j) => {
                println!(
                    "{}  {} {} by {} on revision {}  [{}]  {}",
                    when(j.at),
                    style.bold("verdict"),
                    j.verdict,
                    who(&j.checker),
                    j.revision_number,
                    short(&j.id),
                    standing(j.standing, style, 0)
                );
                print_verdict_details(j, false);
            }
            Event::Withdrawal(j) => {
                let w = j.withdrawal.as_ref().expect("a withdrawal event has one");
                println!(
                    "{}  {} of verdict {} ({}) by {}: {}",
                    when(w.at),
                    style.bold("withdrawal"),
                    short(&j.id),
                    j.verdict,
                    who(&j.checker),
                    w.reason
                );
            }
            Event::Link(l) => {
                let (a, b) = match l.direction {
                    Direction::Outgoing => ("this claim".to_string(), short(&l.other)),
                    Direction::Incoming => (short(&l.other), "this claim".to_string()),
                };
                println!(
                    "{}  {} {a} {} {b}, by {}",
                    when(l.at),
                    style.bold("link"),
                    l.relation,
                    who(&l.signer)
                );
                println!("    other claim  {}", clip(&l.other_proposition, 100));
                if let Some(n) = &l.note {
                    println!("    note         {n}");
                }
            }
            Event::Retraction(r) => {
                println!(
                    "{}  {} by {}: {}",
                    when(r.at),
                    style.red("RETRACTED"),
                    who(&r.signer),
                    r.reason
                );
            }
        }
    }
}

fn print_revision(h: &History, r: &Revision, when: &str, style: Style) {
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
    println!("{when}  {head}  [{}]{stale}", short(&r.id));
    println!(
        "    article      v{} {}  {}",
        r.article.version,
        short(&r.article.id),
        r.article.title
    );
    if let Some(n) = &r.note {
        println!("    note         {n}");
    }
    let Some(now) = &r.content else {
        println!(
            "    {}",
            style.yellow(&format!(
                "removed: version {} of the article no longer makes this claim",
                r.article.version
            ))
        );
        return;
    };
    let now_attr = attribution(&now.attribution, publisher);
    match h.previous_content(r.number) {
        None => {
            println!("    proposition  {}", now.proposition);
            println!("    passage      “{}”", now.anchor.exact);
            println!("    attributed   {now_attr}");
        }
        Some(before) => {
            if r.changed.is_empty() {
                println!("    unchanged    same proposition, passage and attribution");
            }
            if r.changed.contains(&"proposition") {
                println!(
                    "    proposition  {}",
                    style.diff(&before.proposition, &now.proposition)
                );
            }
            if r.changed.contains(&"anchor.exact") {
                println!(
                    "    passage      “{}”",
                    style.diff(&before.anchor.exact, &now.anchor.exact)
                );
            }
            if r.changed.iter().any(|f| f.starts_with("attribution.")) {
                let before_attr = attribution(&before.attribution, publisher);
                println!("    attributed   {}", style.diff(&before_attr, &now_attr));
            }
        }
    }
}
