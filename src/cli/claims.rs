//! `provledger claims`: list claims with their attribution and status.

use super::output::{print_json, say};
use super::render::{attribution, clip, short, Style};
use super::Fail;
use anyhow::Result;
use clap::Args;
use provledger::ledger::Ledger;
use provledger::state::{ClaimFilter, ClaimSummary, KeyRefError};
use provledger::statement::Kind;
use provledger::status::Status;
use std::io::Write;
use std::path::Path;

/// List claims with their attribution and derived status, oldest first.
///
/// Filters combine: all given must hold.
#[derive(Args, Debug)]
pub struct ClaimsArgs {
    /// Only claims in this article (any version of it): an article id (prefix).
    #[arg(long)]
    article: Option<String>,
    /// Only claims attributed to, or relayed by, this source: a source id (prefix).
    #[arg(long)]
    source: Option<String>,
    /// Only claims with this status: retracted, verified, refuted, disputed,
    /// unverifiable, in_review or unreviewed.
    #[arg(long)]
    status: Option<Status>,
    /// Only claims whose proposition, passage or quote contain all these
    /// words (whole words; case and diacritics ignored).
    #[arg(long, value_name = "TEXT")]
    search: Option<String>,
    /// Only claims with a stale verdict: a checker's latest verdict judged
    /// text or attribution that has changed since (a checker's worklist).
    /// With --checker KEY, a stale verdict of KEY.
    #[arg(long)]
    stale: bool,
    /// Only claims, not retracted, that this key has no verdict in force
    /// on: never judged, every verdict withdrawn, or its latest stale. KEY
    /// is a key name (as `key list` shows it), its .pub file, or a prefix
    /// (6+ hex digits) of its kid.
    #[arg(long, value_name = "KEY")]
    unjudged_by: Option<String>,
    /// Only claims this key has a verdict on that it has not withdrawn (KEY
    /// as for --unjudged-by).
    #[arg(long, value_name = "KEY")]
    checker: Option<String>,
    /// Show at most this many.
    #[arg(long)]
    limit: Option<usize>,
    /// Print JSON (schemas/claim-list.schema.json).
    #[arg(long)]
    json: bool,
}

pub fn run(ledger: &Path, a: ClaimsArgs) -> Result<()> {
    let l = Ledger::open(ledger)?;
    let filter = ClaimFilter {
        article: a
            .article
            .as_deref()
            .map(|p| -> Result<_> { Ok(l.resolve(p, &[Kind::ArticleRecord])?.id) })
            .transpose()?,
        source: a
            .source
            .as_deref()
            .map(|p| -> Result<_> { Ok(l.resolve(p, &[Kind::SourceRecord])?.id) })
            .transpose()?,
        status: a.status,
        search: a.search,
        limit: a.limit,
        offset: 0,
        stale: a.stale,
        unjudged_by: a.unjudged_by.as_deref().map(|k| key(&l, k)).transpose()?,
        checker: a.checker.as_deref().map(|k| key(&l, k)).transpose()?,
    };
    let claims = l.state().claims(&filter)?;
    if a.json {
        return print_json(&claims);
    }
    if claims.is_empty() {
        say!("no claims match");
        return Ok(());
    }
    let style = Style::detect();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{:<12}  {:<12}  {:<4}  CLAIM", "ID", "STATUS", "VER")?;
    for c in &claims {
        print_claim(&mut out, c, style)?;
    }
    Ok(())
}

/// The raw public key of the granted key `text` names; one that names no
/// key is "not found" (exit 4).
fn key(l: &Ledger, text: &str) -> Result<[u8; 32]> {
    match l.state().resolve_key(text) {
        Ok(k) => Ok(k.pubkey),
        Err(e @ (KeyRefError::NotFound(_) | KeyRefError::NotGranted { .. })) => {
            Err(Fail::NotFound(e.to_string()).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// A status padded to `width`, coloured by what it means for a reader.
pub fn status_text(s: Status, style: Style, width: usize) -> String {
    let padded = format!("{:<width$}", s.as_str());
    match s {
        Status::Verified => style.green(&padded),
        Status::Refuted | Status::Retracted => style.red(&padded),
        Status::Disputed => style.yellow(&padded),
        _ => padded,
    }
}

/// One claim as two lines: id, status, version and proposition; then its
/// attribution.
fn print_claim(out: &mut impl Write, c: &ClaimSummary, style: Style) -> Result<()> {
    let mut notes = Vec::new();
    if c.removed {
        notes.push(format!("removed in v{}", c.article.version));
    }
    if c.revisions > 1 {
        notes.push(format!("{} revisions", c.revisions));
    }
    if c.behind {
        notes.push(format!("behind: newest is v{}", c.newest_version));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        style.dim(&format!(" [{}]", notes.join(", ")))
    };
    writeln!(
        out,
        "{}  {}  v{:<3}  {}{}",
        short(&c.id),
        status_text(c.status, style, 12),
        c.article.version,
        clip(&c.proposition, 80),
        notes
    )?;
    writeln!(
        out,
        "{:<34}{}",
        "",
        style.dim(&attribution(&c.attribution, &c.article.publisher))
    )?;
    Ok(())
}
