//! `provledger publish DEST`: the ledger's public files to a directory or
//! an S3-compatible bucket (the library's `publish` module; README
//! "Publishing to a static host or S3").

use super::error::Fail;
use super::output::{print_json, say};
use anyhow::Result;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use provledger::publish::{self, Options, S3Options};
use std::path::Path;
use std::time::Duration;

/// Publish the ledger's public part — its checkpoint, hash tiles, entry
/// bundles and blobs — to DEST, laid out exactly as `provledger serve`
/// serves them, so that any static host or CDN over DEST is a tlog-tiles
/// server that `mirror` and `audit --remote` read.
///
/// DEST is a directory (a path or file:///path) or s3://bucket/prefix (an
/// S3-compatible bucket; endpoint, region and credentials from the
/// environment: AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID,
/// AWS_SECRET_ACCESS_KEY; plain http needs AWS_ALLOW_HTTP=true unless the
/// endpoint is on loopback).
///
/// Tiles and blobs are written first, the checkpoint last, so a reader of
/// DEST never sees a checkpoint whose tiles are missing. Incremental: full
/// tiles and blobs never change, and those DEST already has (tiles: under
/// its checkpoint) are skipped.
/// Nothing else of the ledger directory (private/, the index, the journal,
/// hashes) is ever published. Refuses, writing nothing, a DEST whose
/// checkpoint is not one of this ledger's (another log, a larger size, or
/// another root at its size). Reads the ledger without the writer lock.
#[derive(Args, Debug)]
pub struct PublishArgs {
    /// Where to publish: a directory, file:///path or s3://bucket/prefix.
    dest: String,
    /// The S3 endpoint URL (an S3-compatible server), instead of
    /// AWS_ENDPOINT_URL.
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// Longest time, in seconds, one S3 request may take (retries included).
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    timeout: u64,
    /// Uploads in flight at once.
    #[arg(long, value_name = "N", default_value_t = 8)]
    parallel: usize,
    /// Consider every tile and blob, not only those new since DEST's
    /// checkpoint (each still skipped if DEST has it under its checkpoint).
    #[arg(long)]
    full: bool,
    /// Say what would be uploaded; upload nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print JSON (schemas/publish.schema.json).
    #[arg(long)]
    json: bool,
}

pub fn run(ledger: &Path, a: PublishArgs) -> Result<()> {
    // A DEST that does not parse is a usage error (exit 2).
    let target = publish::parse_dest(&a.dest).map_err(|e| Fail::Usage(e.to_string()))?;
    let s3 = S3Options {
        endpoint: a.endpoint.clone(),
        timeout: Duration::from_secs(a.timeout.max(1)),
        connect_timeout: Duration::from_secs(a.timeout.clamp(1, 10)),
        ..S3Options::default()
    };
    let dest = publish::open(&target, ledger, &s3)?;
    let opts = Options {
        dry_run: a.dry_run,
        full: a.full,
        parallel: a.parallel.max(1),
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("publishing {bar:40} {pos}/{len} objects ({per_sec}, {eta})")
            .expect("a valid template"),
    );
    let progress = |done, all| {
        bar.set_length(all);
        bar.set_position(done);
    };
    let out = publish::publish(ledger, dest.as_ref(), &opts, &progress);
    bar.finish_and_clear();
    let report = out?;
    if !report.blobs_missing.is_empty() {
        say!(
            "warning: {} blob(s) that published statements reference are not in the local ledger, so not published: {}",
            report.blobs_missing.len(),
            report.blobs_missing.join(", ")
        );
    }
    if a.json {
        return print_json(&report);
    }
    let verb = if report.dry_run {
        "would publish"
    } else {
        "published"
    };
    let before = match report.dest_size {
        Some(s) => format!("{s} entries before"),
        None => "no checkpoint before".into(),
    };
    println!(
        "{verb} the checkpoint of {} entries (root {}) to {} ({before}): {} tiles and {} blobs uploaded ({} bytes), {} tiles and {} blobs already there",
        report.size,
        report.root,
        report.dest,
        report.tiles_uploaded,
        report.blobs_uploaded,
        report.bytes_uploaded,
        report.tiles_skipped,
        report.blobs_skipped
    );
    Ok(())
}
