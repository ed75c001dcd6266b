//! `provledger mirror URL DIR` and the `--remote URL` of reads and audit:
//! a verified pull of a remote ledger (the library's `remote` module).

use super::output::{print_json, say};
use super::render::esc;
use anyhow::Result;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use provledger::keys::{self, PublicKey};
use provledger::remote::{self, MirrorReport, RemoteOptions};
use std::path::{Path, PathBuf};

/// Keep a verified pull mirror of a remote ledger in DIR: fetch the
/// remote's checkpoint (it must verify under the operator key and be
/// consistent with every checkpoint this mirror saw of that remote), the
/// new entry bundles and hash tiles (in parallel; each checked against the
/// signed root, a tampered tile named), replay each new entry through the
/// same validity rules as an append and an audit, fetch the blobs they
/// read (each checked against its digest), then append them to DIR with
/// its own index. Incremental: a second run fetches only what is new.
///
/// DIR is an ordinary ledger directory (without private/): `status`,
/// `history`, `claims`, `proof`, `audit` and `serve` work on it with
/// `--ledger DIR`. Its remote/ directory pins the URL and operator key.
///
/// Exits 0 when DIR holds the remote's checkpoint (or a newer one the
/// remote is consistent with), 1 when any check failed (nothing kept).
#[derive(Args, Debug)]
pub struct MirrorArgs {
    /// The remote ledger's base URL (where /checkpoint and /tile/ are).
    url: String,
    /// The mirror directory (created on the first pull).
    dir: PathBuf,
    /// The operator's public key (.pub); needed on the first pull, after
    /// that the pinned key is used and another is refused.
    #[arg(long, value_name = "KEY.pub")]
    operator: Option<PathBuf>,
    /// Print JSON (schemas/mirror.schema.json).
    #[arg(long)]
    json: bool,
}

/// Pulls `url` into `dir` (or the cache mirror when `dir` is `None`) with a
/// progress bar; returns the mirror directory and the report.
pub fn pull(
    url: &str,
    dir: Option<&Path>,
    operator: Option<PublicKey>,
) -> Result<(PathBuf, MirrorReport)> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "checking {bar:40} {pos}/{len} remote entries ({per_sec}, {eta})",
        )
        .expect("a valid template"),
    );
    let mut progress = |done, all| {
        bar.set_length(all);
        bar.set_position(done);
    };
    let opts = RemoteOptions::default();
    let out = match dir {
        Some(d) => {
            remote::pull(url, d, operator, opts, &mut progress).map(|r| (d.to_path_buf(), r))
        }
        None => remote::cache::sync(url, operator, opts, &mut progress),
    };
    bar.finish_and_clear();
    let (dir, report) = out?;
    if report.remote_size < report.size {
        say!(
            "note: the remote serves a checkpoint of {} entries, older than the {} this mirror holds (it is consistent with them)",
            report.remote_size,
            report.size
        );
    }
    Ok((dir, report))
}

pub fn run(a: MirrorArgs) -> Result<()> {
    let operator = a
        .operator
        .as_deref()
        .map(keys::load_public_key)
        .transpose()?;
    let (_, report) = pull(&a.url, Some(&a.dir), operator)?;
    if a.json {
        print_json(&report)?;
    } else {
        println!(
            "mirrored {} into {}: {} entries (was {}), root {}; fetched {} tiles, {} blobs",
            report.url,
            report.dir,
            report.size,
            report.old_size,
            report.root,
            report.tiles_fetched,
            report.blobs_fetched
        );
        for v in &report.void {
            // The reason quotes the refused entry's own text: escaped.
            println!(
                "void: entry {} ({}) is refused by rule {} and was applied as nothing: {}",
                v.seq,
                v.kind.map_or("undecodable", |k| k.as_str()),
                v.rule,
                esc(&v.reason)
            );
        }
        match report.void.len() {
            0 => {}
            1 => println!("1 entry of the remote's log is refused by the rules (`provledger audit` on the mirror reports it)"),
            n => println!("{n} entries of the remote's log are refused by the rules (`provledger audit` on the mirror reports them)"),
        }
    }
    Ok(())
}

/// The ledger directory a read command uses: `ledger`, or with `--remote
/// URL` the cached mirror of that remote, pulled first (with the operator
/// key given, else the one pinned at the first pull).
pub fn ledger_for(ledger: &Path, remote: Option<&str>, operator: Option<&Path>) -> Result<PathBuf> {
    let Some(url) = remote else {
        return Ok(ledger.to_path_buf());
    };
    let operator = operator.map(keys::load_public_key).transpose()?;
    let (dir, _) = pull(url, None, operator)?;
    Ok(dir)
}
