//! `provledger status`: what a newsroom tool asks about a claim.

use super::claims::status_text;
use super::output::{print_json, time};
use super::render::{attribution, kind, short, Esc, Style};
use super::Fail;
use anyhow::Result;
use clap::Args;
use provledger::digest::Digest;
use provledger::ledger::Ledger;
use provledger::state::ClaimFilter;
use provledger::statement::Kind;
use provledger::status::{
    claim_status, ClaimStatus, Judgement, Origin, Requirement, Side, Standing,
};
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// A claim's derived status, verdicts and corroboration (README: "Status").
///
/// One claim prints its full status (JSON: schemas/status.schema.json);
/// several ids, or --article, print one line per claim (JSON: an array,
/// schemas/status-list.schema.json), in the order given, then the
/// article's claims oldest first, each claim once.
///
/// Exit codes: 0 every claim was found (and is in the --require'd set);
/// 3 all were found but some are not in the --require'd set (the JSON or
/// text is still printed, each mismatch is said on stderr), or --article
/// names an article without claims and --require is given; 4 no such claim; 2 a malformed id; 1 any other error. An
/// unknown --article is 4 too, a malformed --require 2.
#[derive(Args, Debug)]
pub struct StatusArgs {
    /// The claims: ids (prefixes, 6+ hex digits).
    #[arg(required_unless_present = "article", value_name = "CLAIM")]
    claims: Vec<String>,
    /// Every claim of this article (any version of it): an article id
    /// (prefix).
    #[arg(long, value_name = "ARTICLE")]
    article: Option<String>,
    /// Print JSON (schemas/status.schema.json for one claim,
    /// schemas/status-list.schema.json for several or --article).
    #[arg(long)]
    json: bool,
    /// Exit 3 unless every claim is in this set of statuses: one status
    /// (verified), several separated by commas (verified,unverifiable), or
    /// any but these (not:refuted,disputed). Statuses: retracted, verified,
    /// refuted, disputed, unverifiable, in_review, unreviewed.
    #[arg(long, value_name = "SET")]
    require: Option<Requirement>,
}

pub fn run(ledger: &Path, a: StatusArgs) -> Result<ExitCode> {
    let l = Ledger::open(ledger)?;
    let mut ids: Vec<Digest> = Vec::new();
    let mut seen: HashSet<Digest> = HashSet::new();
    for prefix in &a.claims {
        let id = l.resolve(prefix, &[Kind::ClaimRecord])?.id;
        if seen.insert(id) {
            ids.push(id);
        }
    }
    let article = a
        .article
        .as_deref()
        .map(|p| -> Result<_> { Ok(l.resolve(p, &[Kind::ArticleRecord])?.id) })
        .transpose()?;
    if let Some(article) = &article {
        for c in l.state().claims(&ClaimFilter {
            article: Some(*article),
            ..ClaimFilter::default()
        })? {
            if seen.insert(c.id) {
                ids.push(c.id);
            }
        }
    }
    let mut all = Vec::with_capacity(ids.len());
    for id in &ids {
        all.push(
            claim_status(l.state(), id)?
                .ok_or_else(|| Fail::NotFound(format!("no claim has id {id}")))?,
        );
    }
    let bulk = article.is_some() || a.claims.len() > 1;
    if bulk {
        if a.json {
            print_json(&all)?;
        } else {
            print_lines(&all, Style::detect())?;
        }
    } else if a.json {
        print_json(&all[0])?;
    } else {
        print_status(&all[0], Style::detect())?;
    }
    let Some(want) = a.require else {
        return Ok(ExitCode::SUCCESS);
    };
    if let (Some(article), true) = (&article, all.is_empty()) {
        return Ok(super::error::no(&format!(
            "article {} has no claims: none is {want} as required",
            short(article)
        )));
    }
    let unmet: Vec<String> = all
        .iter()
        .filter(|st| !want.admits(st.status))
        .map(|st| format!("claim {} is {}", short(&st.claim.id), want.unmet(st.status)))
        .collect();
    if unmet.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(super::error::no(&unmet.join("\nprovledger: ")))
    }
}

/// Several claims: one line each, as `claims` lists them, with the count
/// of verdicts behind the status.
fn print_lines(all: &[ClaimStatus], style: Style) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if all.is_empty() {
        super::output::say!("no claims");
        return Ok(());
    }
    writeln!(
        out,
        "{:<12}  {:<12}  {:<9}  CLAIM",
        "ID", "STATUS", "VERDICTS"
    )?;
    for st in all {
        let t = &st.tally;
        writeln!(
            out,
            "{}  {}  {:<9}  {}",
            short(&st.claim.id),
            status_text(st.status, style, 12),
            format!(
                "{}/{}",
                t.supporting + t.refuting + t.mixed + t.unverifiable,
                st.verdicts.len()
            ),
            super::render::clip(&st.claim.proposition, 80)
        )?;
    }
    Ok(())
}

pub fn print_status(st: &ClaimStatus, style: Style) -> Result<()> {
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
    if t.self_review > 0 {
        not_counted.push(format!("{} self-review", t.self_review));
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
        Standing::SelfReview => "self-review: not counted",
    };
    let padded = format!("{word:<width$}");
    match s {
        Standing::Current => style.green(&padded),
        Standing::Stale => style.yellow(&padded),
        Standing::RevokedKey | Standing::SelfReview => style.red(&padded),
        Standing::Superseded | Standing::Withdrawn => style.dim(&padded),
    }
}

/// The mark of a verdict whose key was revoked: retired (it counts) or
/// compromised (it counts only if signed before the compromise).
pub fn key_mark(k: provledger::status::KeyState) -> &'static str {
    match k {
        provledger::status::KeyState::Active => "",
        provledger::status::KeyState::Retired => "  [key retired]",
        provledger::status::KeyState::Compromised => "  [key revoked as compromised]",
    }
}

/// One verdict line with its details.
pub fn print_verdict(j: &Judgement, style: Style) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let standing = standing(j.standing, style, 11);
    writeln!(
        out,
        "  {}  {:<14} {:<20} {:<13} {} rev {}  {}{}",
        short(&j.id),
        Esc(&j.checker.key),
        Esc(&j.checker.display_name),
        j.verdict.as_str(),
        standing,
        j.revision_number,
        time(j.at),
        key_mark(j.key_state)
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
