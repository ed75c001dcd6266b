//! Exports for other tools (README "Exports"): schema.org ClaimReview
//! JSON-LD for fact-check readers ([`claimreview`]), W3C PROV-JSON for
//! provenance tools ([`prov`]), every statement decoded as JSON Lines
//! ([`jsonl`]) and the claims with attribution and status as CSV for
//! spreadsheets ([`csv`]).
//!
//! Every export reads the ledger through the library's queries
//! ([`State::claims`](crate::state::State::claims),
//! [`history::claim_history`](crate::history::claim_history), the log's
//! entries): nothing here reads the database itself or decides a status.
//! What counts is what `status` says: a verdict that does not count now
//! (stale, superseded, withdrawn, signed by a compromised key, a
//! self-review) is never exported as a current review ([`claimreview`]);
//! PROV keeps every verdict, each with its standing ([`prov`]).

pub mod claimreview;
pub mod csv;
pub mod jsonl;
pub mod prov;

use crate::digest::Digest;
use crate::history::{claim_history, History};
use crate::ledger::{Ledger, LedgerError};
use crate::state::{ClaimFilter, StateError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// schema.org ClaimReview JSON-LD ([`claimreview`]).
    ClaimReview,
    /// W3C PROV-JSON ([`prov`]).
    Prov,
    /// Every statement decoded, one JSON object a line ([`jsonl`]).
    Jsonl,
    /// The claims with attribution and status, RFC 4180 CSV ([`csv`]).
    Csv,
}

impl Format {
    /// Every format, in documentation order.
    pub const ALL: &'static [Format] = &[
        Format::ClaimReview,
        Format::Prov,
        Format::Jsonl,
        Format::Csv,
    ];

    /// The format's name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::ClaimReview => "claimreview",
            Format::Prov => "prov",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
        }
    }

    /// Whether `--article` and `--claim` narrow this format (JSON Lines is
    /// the whole log, every statement, or it would not be a replayable
    /// record).
    pub fn takes_scope(self) -> bool {
        self != Format::Jsonl
    }
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The ledger (its log or index) failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The index failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// `--claim` names a claim of another article than `--article`.
    #[error("claim {claim} is not a claim of article {article} (nor of another version of it)")]
    NotInArticle {
        /// The claim.
        claim: Digest,
        /// The article.
        article: Digest,
    },
    /// `--article` or `--claim` given to an export that covers the whole
    /// log.
    #[error("export {0} writes every statement of the log: --article and --claim apply to claimreview, prov and csv")]
    Unscoped(&'static str),
    /// What was asked for is not in the ledger.
    #[error("{0}")]
    NotFound(String),
    /// The output could not be written.
    #[error("cannot write {path}")]
    Write {
        /// The file (or "stdout").
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A CSV record could not be written.
    #[error("cannot write CSV")]
    Csv(#[from] ::csv::Error),
    /// A JSON value could not be written.
    #[error("cannot write JSON")]
    Json(#[from] serde_json::Error),
}

/// Which claims an export covers: all of them, those of one article (any
/// version of its chain), or one claim.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Claims in any version of this article's chain (an `article.record` id).
    pub article: Option<Digest>,
    /// Only this claim (a `claim.record` id).
    pub claim: Option<Digest>,
}

impl Scope {
    /// The histories of the claims in scope, oldest claim first.
    pub fn histories(
        &self,
        ledger: &Ledger,
        progress: &dyn Fn(Progress),
    ) -> Result<Vec<History>, ExportError> {
        let state = ledger.state();
        let ids: Vec<Digest> = match (&self.claim, &self.article) {
            (Some(claim), article) => {
                if state.claim(claim)?.is_none() {
                    return Err(ExportError::NotFound(format!("no claim has id {claim}")));
                }
                if let Some(article) = article {
                    let filter = ClaimFilter {
                        article: Some(*article),
                        ..ClaimFilter::default()
                    };
                    if !state.claims(&filter)?.iter().any(|c| c.id == *claim) {
                        return Err(ExportError::NotInArticle {
                            claim: *claim,
                            article: *article,
                        });
                    }
                }
                vec![*claim]
            }
            (None, article) => {
                if let Some(a) = article {
                    if state.article(a)?.is_none() {
                        return Err(ExportError::NotFound(format!("no article has id {a}")));
                    }
                }
                let filter = ClaimFilter {
                    article: *article,
                    ..ClaimFilter::default()
                };
                state.claims(&filter)?.into_iter().map(|c| c.id).collect()
            }
        };
        progress(Progress::Total(ids.len() as u64));
        ids.iter()
            .map(|id| {
                let h = claim_history(state, id)?
                    .ok_or_else(|| ExportError::NotFound(format!("no claim has id {id}")))?;
                progress(Progress::Done);
                Ok(h)
            })
            .collect()
    }
}

/// Options of the exports that publish URLs and names.
#[derive(Clone, Debug)]
pub struct Publication {
    /// Where the ledger's web view is published, without a trailing slash
    /// (`https://example.org/ledger`): a claim's page is
    /// `BASE/claims/CLAIM.html`, as `provledger report` writes it.
    pub base_url: String,
    /// The fact-checking organisation that publishes the reviews.
    pub organization: String,
}

impl Publication {
    /// The defaults for `ledger`: the base URL `https://ORIGIN` (a c2sp
    /// origin reads as a URL without its scheme) and the origin as the
    /// organisation's name.
    pub fn defaults(ledger: &Ledger) -> Publication {
        let origin = ledger.log().origin().to_string();
        Publication {
            base_url: format!("https://{}", origin.trim_end_matches('/')),
            organization: origin,
        }
    }

    /// The web view's page of `claim`.
    pub fn claim_page(&self, claim: &Digest) -> String {
        format!("{}/claims/{}.html", self.base_url, claim.to_hex())
    }
}

/// Writes `format` of the claims in `scope` (every statement, for
/// [`Format::Jsonl`]) to `out`. `progress` is told each unit of work done
/// (a claim, or a statement for JSON Lines) and is first given the total.
pub fn export(
    ledger: &Ledger,
    format: Format,
    scope: &Scope,
    publication: &Publication,
    out: &mut dyn Write,
    progress: &dyn Fn(Progress),
) -> Result<(), ExportError> {
    if !format.takes_scope() && (scope.article.is_some() || scope.claim.is_some()) {
        return Err(ExportError::Unscoped(format.as_str()));
    }
    let io = |source| ExportError::Write {
        path: "output".into(),
        source,
    };
    match format {
        Format::Jsonl => jsonl::write(ledger, out, progress),
        Format::Csv => {
            let histories = scope.histories(ledger, progress)?;
            csv::write(&histories, out)
        }
        Format::ClaimReview => {
            let histories = scope.histories(ledger, progress)?;
            let reviews = claimreview::reviews(ledger, &histories, publication)?;
            serde_json::to_writer_pretty(&mut *out, &reviews)?;
            out.write_all(b"\n").map_err(io)
        }
        Format::Prov => {
            let histories = scope.histories(ledger, progress)?;
            let doc = prov::document(ledger, &histories, publication)?;
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            out.write_all(b"\n").map_err(io)
        }
    }
}

/// How far an export is.
#[derive(Clone, Copy, Debug)]
pub enum Progress {
    /// This many units to do.
    Total(u64),
    /// One more done.
    Done,
}

/// Runs `write` on a temporary file beside `path`, then syncs it and
/// renames it over `path`: a reader sees the old file or the whole new one,
/// and an export that fails (or is interrupted) leaves `path` as it was and
/// no temporary file behind. The output is streamed, never held in memory.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let err = |source| ExportError::Write {
        path: path.display().to_string(),
        source,
    };
    if path.is_dir() {
        return Err(err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "it is a directory",
        )));
    }
    let dir: PathBuf = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".export-");
    // tempfile's default is 0600; an export is for others to read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let tmp = builder.tempfile_in(&dir).map_err(err)?;
    let mut buf = std::io::BufWriter::new(tmp);
    write(&mut buf).map_err(|e| match e {
        ExportError::Write { source, .. } => err(source),
        other => other,
    })?;
    let tmp = buf.into_inner().map_err(|e| err(e.into_error()))?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}
