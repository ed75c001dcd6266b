//! `provledger report --out DIR`: the web view written as a static site.

use super::output::{print_json, say};
use super::render::Esc;
use super::Fail;
use anyhow::Result;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use provledger::ledger::Ledger;
use provledger::report::{write_site, ReportError, Site};
use std::path::{Path, PathBuf};

/// Write the ledger's web view as a static site: the claims (with filters by
/// article, source, status and a search), each article with its versions and
/// a word diff of any two, each claim with its timeline, verdicts, status and
/// corroboration graph, and the audit page.
///
/// The pages need no server and no JavaScript (a small script filters the
/// claims list when it runs); host them beside the tiles, or open
/// DIR/index.html. DIR must be new, empty, or an earlier report (which is
/// replaced in one step: readers see the old site or the new one).
///
/// Exit codes: 0 written; 2 DIR cannot be used (nothing written); 1 any
/// other error.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The directory to write the site into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Print JSON (schemas/report.schema.json): where, how many files and bytes.
    #[arg(long)]
    json: bool,
}

pub fn run(ledger: &Path, a: ReportArgs) -> Result<()> {
    let l = Ledger::open(ledger)?;
    let site = Site::new(&l);
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("writing {bar:40} {pos}/{len} pages ({per_sec}, {eta})")
            .expect("a valid template"),
    );
    let written = write_site(&site, &a.out, |done, all| {
        bar.set_length(all);
        bar.set_position(done);
    })
    .map_err(|e| match e {
        ReportError::Out(m) => anyhow::Error::new(Fail::Usage(m)),
        e => anyhow::Error::new(e),
    });
    bar.finish_and_clear();
    let written = written?;
    say!(
        "wrote {} files ({} bytes) of the web view at log size {} to {}{}",
        written.files,
        written.bytes,
        written.size,
        Esc(&a.out.display().to_string()),
        if written.replaced {
            " (replacing the earlier report)"
        } else {
            ""
        }
    );
    if a.json {
        print_json(&written)?;
    }
    Ok(())
}
