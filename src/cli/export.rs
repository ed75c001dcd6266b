//! `provledger export FORMAT`: the ledger in formats other tools read.

use super::render::{esc_lines, json_safe};
use super::Fail;
use anyhow::Result;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use provledger::export::{self, ExportError, Format, Progress, Publication, Scope};
use provledger::ledger::Ledger;
use provledger::statement::Kind;
use std::io::{IsTerminal, Write};
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
    // JSON is written safe on a terminal (and in files alike: the same
    // JSON once parsed); CSV fields cannot be escaped without changing
    // them, so CSV is escaped only when it goes to a terminal.
    let json = format != Format::Csv;
    let run = |out: &mut dyn Write| -> Result<(), ExportError> {
        if json {
            export::export(
                &l,
                format,
                &scope,
                &publication,
                &mut JsonSafe(out),
                &progress,
            )
        } else {
            export::export(&l, format, &scope, &publication, out, &progress)
        }
    };
    let stdout_err = |source| ExportError::Write {
        path: "stdout".into(),
        source,
    };
    let done = match &a.out {
        Some(path) => export::write_atomically(path, run),
        None if !json && std::io::stdout().is_terminal() => {
            let mut buf = Vec::new();
            run(&mut buf).and_then(|()| {
                let text = esc_lines(&String::from_utf8_lossy(&buf));
                std::io::stdout()
                    .lock()
                    .write_all(text.as_bytes())
                    .map_err(stdout_err)
            })
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            run(&mut out).and_then(|()| out.flush().map_err(stdout_err))
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

/// A writer of JSON text that escapes what [`json_safe`] escapes (DEL, C1
/// controls, invisible format characters such as a bidi override) as
/// `\uXXXX`: the same JSON once parsed, safe on a terminal. serde_json
/// writes whole UTF-8 pieces; a piece that is not UTF-8 is passed on as it
/// is.
struct JsonSafe<'a>(&'a mut dyn Write);

impl Write for JsonSafe<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // Printable ASCII and the layout's whitespace need no escape.
        if buf
            .iter()
            .all(|&b| (0x20..0x7f).contains(&b) || matches!(b, b'\n' | b'\t' | b'\r'))
        {
            self.0.write_all(buf)?;
            return Ok(buf.len());
        }
        match std::str::from_utf8(buf) {
            Ok(s) => self.0.write_all(json_safe(s).as_bytes())?,
            Err(_) => self.0.write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::JsonSafe;

    #[test]
    fn json_written_through_json_safe_is_the_same_json_without_raw_controls() {
        let value = serde_json::json!({"text": "a\u{202e}b\u{85}c\u{7f}d\u{1b}e é"});
        let mut out = Vec::new();
        serde_json::to_writer_pretty(&mut JsonSafe(&mut out), &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        for c in ['\u{202e}', '\u{85}', '\u{7f}', '\u{1b}'] {
            assert!(!text.contains(c), "{text:?} holds {c:?} raw");
        }
        assert!(text.contains("\\u202e"), "{text}");
        assert!(text.contains('é'), "printable text stays: {text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
