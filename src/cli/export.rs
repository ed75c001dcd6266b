//! `provledger export FORMAT`: the ledger in formats other tools read.

use super::Fail;
use anyhow::Result;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use provledger::export::{self, ExportError, Format, Progress, Publication, Scope};
use provledger::ledger::Ledger;
use provledger::statement::Kind;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Export the ledger for other tools (README "Exports").
///
/// claimreview: schema.org ClaimReview JSON-LD (schemas/claimreview.schema.json), one
/// review per verdict that counts now and one per claim status that is a finding; stale,
/// superseded, withdrawn, self-review and compromised-key verdicts are left out. prov: W3C
/// PROV-JSON of article versions, claim revisions, quotes, verdicts, sources, checkers and
/// outlets. jsonl: every statement of the log decoded, one JSON object a line
/// (schemas/export-jsonl.schema.json). csv: the claims with attribution and status (RFC 4180;
/// columns in the README).
///
/// Exit codes: 0 written; 4 no such article or claim; 2 a malformed id, or --article/--claim
/// with jsonl; 1 any other error (such as an unwritable --out, which is then left as it was).
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The format.
    format: FormatArg,
    /// Only the claims of this article (any version of it): its id (prefix, 6+ hex digits).
    #[arg(long)]
    article: Option<String>,
    /// Only this claim: its id (prefix, 6+ hex digits).
    #[arg(long)]
    claim: Option<String>,
    /// Write to this file (replaced atomically: whole or not at all) instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Where the web view is published (claim pages at BASE/claims/ID.html), for the
    /// ClaimReview `url` and the PROV namespace. Default: https://ORIGIN.
    #[arg(long)]
    base_url: Option<String>,
    /// The fact-checking organisation that publishes the reviews. Default: the ledger's
    /// origin.
    #[arg(long)]
    organization: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    /// schema.org ClaimReview JSON-LD.
    Claimreview,
    /// W3C PROV-JSON.
    Prov,
    /// JSON Lines, every statement.
    Jsonl,
    /// CSV of claims.
    Csv,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Claimreview => Format::ClaimReview,
            FormatArg::Prov => Format::Prov,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Csv => Format::Csv,
        }
    }
}

pub fn run(ledger: &Path, a: ExportArgs) -> Result<()> {
    let format = Format::from(a.format);
    if !format.takes_scope() && (a.article.is_some() || a.claim.is_some()) {
        return Err(Fail::Usage(ExportError::Unscoped(format.as_str()).to_string()).into());
    }
    let base_url = match &a.base_url {
        Some(u) => Some(check_base_url(u)?),
        None => None,
    };
    if let Some(o) = &a.organization {
        if o.trim().is_empty() {
            return Err(Fail::Usage("--organization is empty".into()).into());
        }
    }
    let l = Ledger::open(ledger)?;
    let scope = Scope {
        article: a
            .article
            .as_deref()
            .map(|p| l.resolve(p, &[Kind::ArticleRecord]).map(|r| r.id))
            .transpose()?,
        claim: a
            .claim
            .as_deref()
            .map(|p| l.resolve(p, &[Kind::ClaimRecord]).map(|r| r.id))
            .transpose()?,
    };
    let mut publication = Publication::defaults(&l);
    if let Some(u) = base_url {
        publication.base_url = u;
    }
    if let Some(o) = a.organization {
        publication.organization = o;
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("exporting {bar:40} {pos}/{len} ({per_sec}, {eta})")
            .expect("a valid template"),
    );
    let progress = |p: Progress| match p {
        Progress::Total(n) => bar.set_length(n),
        Progress::Done => bar.inc(1),
    };
    let done = match &a.out {
        Some(path) => export::write_atomically(path, |out| {
            export::export(&l, format, &scope, &publication, out, &progress)
        }),
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            export::export(&l, format, &scope, &publication, &mut out, &progress).and_then(|()| {
                out.flush().map_err(|source| ExportError::Write {
                    path: "stdout".into(),
                    source,
                })
            })
        }
    };
    bar.finish_and_clear();
    match done {
        Err(ExportError::NotFound(m)) => Err(Fail::NotFound(m).into()),
        Err(e @ ExportError::NotInArticle { .. }) => Err(Fail::NotFound(e.to_string()).into()),
        Err(e) => Err(e.into()),
        Ok(()) => {
            if let Some(path) = &a.out {
                super::output::say!("wrote {} ({})", path.display(), format.as_str());
            }
            Ok(())
        }
    }
}

/// A base URL: http(s), without a trailing slash.
fn check_base_url(u: &str) -> Result<String> {
    let trimmed = u.trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
            Ok(trimmed.to_string())
        }
        _ => Err(Fail::Usage(format!(
            "--base-url {u:?} is not an http(s) URL (such as https://example.org/ledger)"
        ))
        .into()),
    }
}
