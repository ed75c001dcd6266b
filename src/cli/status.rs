//! `provledger status`: what a newsroom tool asks about a claim.

use super::claims::status_text;
use super::output::{print_json, time};
use super::render::{attribution, kind, short, Esc, Style};
use super::Fail;
use anyhow::Result;
use clap::Args;
use provledger::ledger::Ledger;
use provledger::statement::Kind;
use provledger::status::{claim_status, ClaimStatus, Judgement, Origin, Side, Standing, Status};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// A claim's derived status, verdicts and corroboration (README: "Status").
///
/// Exit codes: 0 the claim was found (and is in the --require'd status);
/// 3 it was found but is not in the --require'd status (the JSON or text is
/// still printed, the mismatch is said on stderr); 4 no such claim; 2 a
/// malformed id; 1 any other error.
#[derive(Args, Debug)]
pub struct StatusArgs {
    /// The claim: its id (prefix, 6+ hex digits).
    claim: String,
    /// Print JSON (schemas/status.schema.json).
    #[arg(long)]
    json: bool,
    /// Exit 3 unless the claim has this status: retracted, verified,
    /// refuted, disputed, unverifiable, in_review or unreviewed.
    #[arg(long, value_name = "STATUS")]
    require: Option<Status>,
}

pub fn run(ledger: &Path, a: StatusArgs) -> Result<ExitCode> {
    let l = Ledger::open(ledger)?;
    let id = l.resolve(&a.claim, &[Kind::ClaimRecord])?.id;
    let st = claim_status(l.state(), &id)?
        .ok_or_else(|| Fail::NotFound(format!("no claim has id {}", id)))?;
    if a.json {
        print_json(&st)?;
    } else {
        print_status(&st, Style::detect())?;
    }
    match a.require {
        Some(want) if want != st.status => Ok(super::error::no(&format!(
            "claim {} is {}, not {} as required",
            short(&id),
            st.status,
            want
        ))),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn print_status(st: &ClaimStatus, style: Style) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let c = &st.claim;
    writeln!(
        out,
        "claim       {}  {}",
        style.bold(&short(&c.id)),
        Esc(&c.proposition)
    )?;
    writeln!(out, "passage     “{}”", Esc(&c.anchor.exact))?;
    writeln!(
        out,
        "attributed  {}",
        attribution(&c.attribution, &c.article.publisher)
    )?;
    writeln!(
        out,
        "article     v{} {}  {} ({})",
        c.article.version,
        short(&c.article.id),
        Esc(&c.article.title),
        Esc(&c.article.publisher)
    )?;
    let mut marks = Vec::new();
    if c.removed {
        marks.push(format!(
            "removed from the article in v{}",
            c.article.version
        ));
    }
    if c.retracted {
        marks.push("retracted".to_string());
    }
    if c.behind {
        marks.push(format!(
            "behind: the article's newest version is v{}; `provledger claim drift {}` re-anchors it",
            c.newest_version,
            short(&c.article.id)
        ));
    }
    writeln!(
        out,
        "revision    {} (the latest of {} revision{}){}",
        short(&c.revision),
        c.revisions,
        if c.revisions == 1 { "" } else { "s" },
        if marks.is_empty() {
            String::new()
        } else {
            format!("  [{}]", marks.join("; "))
        }
    )?;
    let t = &st.tally;
    let mut not_counted = Vec::new();
    if t.stale > 0 {
        not_counted.push(format!("{} stale", t.stale));
    }
    if t.revoked_key > 0 {
        not_counted.push(format!("{} by revoked keys", t.revoked_key));
    }
    writeln!(
        out,
        "status      {}  quorum {}: {} supporting, {} refuting, {} mixed, {} unverifiable{}",
        status_text(st.status, style, 0),
        st.quorum,
        t.supporting,
        t.refuting,
        t.mixed,
        t.unverifiable,
        if not_counted.is_empty() {
            String::new()
        } else {
            format!("; not counted: {}", not_counted.join(", "))
        }
    )?;
    writeln!(out)?;
    if st.verdicts.is_empty() {
        writeln!(out, "verdicts    none yet")?;
    } else {
        writeln!(out, "verdicts    (each checker's latest)")?;
        for j in &st.verdicts {
            print_verdict(j, style)?;
        }
    }
    writeln!(out)?;
    let co = &st.corroboration;
    writeln!(
        out,
        "corroboration (this claim's origin: {})",
        origin(&co.origin)
    )?;
    print_side("corroborated", &co.corroborating)?;
    print_side("contradicted", &co.contradicting)
}

/// A verdict's standing in words: `current` counts; the others say why not.
/// Padded to `width` before colouring, so columns stay aligned.
pub fn standing(s: Standing, style: Style, width: usize) -> String {
    let word = match s {
        Standing::Current => "current",
        Standing::Stale => "STALE",
        Standing::RevokedKey => "REVOKED KEY",
        Standing::Superseded => "superseded",
        Standing::Withdrawn => "WITHDRAWN",
    };
    let padded = format!("{word:<width$}");
    match s {
        Standing::Current => style.green(&padded),
        Standing::Stale => style.yellow(&padded),
        Standing::RevokedKey => style.red(&padded),
        Standing::Superseded | Standing::Withdrawn => style.dim(&padded),
    }
}

/// One verdict line with its details.
pub fn print_verdict(j: &Judgement, style: Style) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let standing = standing(j.standing, style, 11);
    writeln!(
        out,
        "  {}  {:<14} {:<20} {:<13} {} rev {}  {}",
        short(&j.id),
        Esc(&j.checker.key),
        Esc(&j.checker.display_name),
        j.verdict.as_str(),
        standing,
        j.revision_number,
        time(j.at)
    )?;
    print_verdict_details(j, true)
}

/// A verdict's evidence, note and (with `withdrawal`) its withdrawal.
pub fn print_verdict_details(j: &Judgement, withdrawal: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for e in &j.evidence {
        let mut extra = Vec::new();
        if let Some(h) = &e.sha256 {
            extra.push(format!("sha256 {}", short(h)));
        }
        if let Some(n) = &e.note {
            extra.push(Esc(n).to_string());
        }
        writeln!(
            out,
            "      evidence {}{}",
            Esc(&e.url),
            if extra.is_empty() {
                String::new()
            } else {
                format!(" ({})", extra.join("; "))
            }
        )?;
    }
    if let Some(n) = &j.note {
        writeln!(out, "      note: {}", Esc(n))?;
    }
    if let (true, Some(w)) = (withdrawal, &j.withdrawal) {
        writeln!(
            out,
            "      withdrawn {} by {}: {}",
            time(w.at),
            short(&w.id),
            Esc(&w.reason)
        )?;
    }
    Ok(())
}

/// An origin in words: "Zabihullah Mujahid (named person)".
fn origin(o: &Origin) -> String {
    match &o.source {
        Some(s) => format!("{} ({})", Esc(&o.label()), kind(s.kind)),
        None => Esc(&o.label()).to_string(),
    }
}

fn print_side(verb: &str, side: &Side) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "  {verb} by {} independent origin{} ({} named, {} anonymous)",
        side.independent_origins,
        if side.independent_origins == 1 {
            ""
        } else {
            "s"
        },
        side.named,
        side.anonymous
    )?;
    for g in &side.groups {
        let names: Vec<String> = g.origins.iter().map(origin).collect();
        let mark = if g.counted {
            ""
        } else if !g.independent {
            " [same origin as this claim: not counted]"
        } else {
            " [every claim retracted: not counted]"
        };
        writeln!(out, "    {}{mark}", names.join(" = "))?;
        for c in &g.claims {
            let mut flags = Vec::new();
            if c.retracted {
                flags.push("retracted");
            }
            if c.removed {
                flags.push("removed");
            }
            writeln!(
                out,
                "      {} {} ({}){}  {}",
                short(&c.claim),
                c.relation,
                Esc(&c.publisher),
                if flags.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", flags.join(", "))
                },
                super::render::clip(&c.proposition, 80)
            )?;
        }
    }
    Ok(())
}
