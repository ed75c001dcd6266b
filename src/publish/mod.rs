//! `provledger publish DEST`: the public part of a ledger — its checkpoint,
//! hash tiles, entry bundles and blobs — copied to a directory or an
//! S3-compatible bucket, laid out exactly as `provledger serve` serves
//! them, so that any static host or CDN over DEST is a c2sp.org/tlog-tiles
//! server (`mirror`, `audit --remote` read it).
//!
//! One publish ([`publish`]):
//!
//! 1. opens the ledger through a reader ([`Log::open`]: no writer lock) and
//!    snapshots its checkpoint: exactly what that checkpoint needs is
//!    published, whatever a writer appends meanwhile;
//! 2. reads DEST's checkpoint, if it has one, and refuses (nothing written)
//!    a DEST of another log, larger than the local log, or whose root is
//!    not the local tree's root at its size;
//! 3. lists what that checkpoint needs and DEST lacks: every tile of the
//!    tree (only those new since DEST's checkpoint, unless `full`), the
//!    partial tile of every level at the snapshot's size (the c2sp spec
//!    wants one for every checkpointed size, so none is ever deleted), and
//!    the blobs that the new statements reference (article texts, capture
//!    bodies and WARC files). Full tiles and blobs never change: a blob
//!    DEST already holds at the right size is skipped, and so is a full
//!    tile DEST holds at its size that DEST's checked checkpoint covers
//!    (without a checkpoint, DEST proves nothing of whose tiles it holds:
//!    they are written again). Partial tiles are rewritten;
//! 4. uploads them, in parallel, each read through the same checks as the
//!    server's reads (a tile cut to its width, a blob re-hashed);
//! 5. and only when every one of them is in place, writes the checkpoint:
//!    a reader of DEST never sees a checkpoint whose tiles are missing.
//!
//! Nothing else of the ledger directory is ever read for publishing:
//! paths are built from the tile grammar and blob digests, never from a
//! listing of the ledger, so `private/`, the index, the journal, `hashes`
//! and any stray file stay where they are, whatever they are named.
//!
//! DEST is a directory ([`dir::DirDest`]) or, with `s3://bucket/prefix`, a
//! bucket through the `object_store` crate ([`s3::S3Dest`]), whose objects
//! carry the `Content-Type` and `Cache-Control` that `serve` sends.

pub mod dir;
pub mod s3;

use crate::digest::Digest;
use crate::log::checkpoint::base64_root;
use crate::log::tiles::{new_tiles, parse_bundle, partial_tiles, TileKind, TileRef, TILE_WIDTH};
use crate::log::{Checkpoint, Leaf, Log, LogError};
use crate::statement::{Body, SignedStatement};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

pub use dir::DirDest;
pub use s3::{S3Dest, S3Options};

/// `Content-Type` of the checkpoint, as `provledger serve` sends it.
pub const CHECKPOINT_TYPE: &str = "text/plain; charset=utf-8";
/// `Cache-Control` of the checkpoint: it changes with every append.
pub const CHECKPOINT_CACHE: &str = "no-cache";
/// `Content-Type` of tiles and blobs.
pub const OCTETS_TYPE: &str = "application/octet-stream";
/// `Cache-Control` of tiles and blobs, as `provledger serve` sends it on a
/// 200: they never change.
pub const IMMUTABLE_CACHE: &str = "public, max-age=31536000, immutable";

/// What an object of DEST is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// The signed checkpoint (`checkpoint`).
    Checkpoint,
    /// A full hash tile or entry bundle (`tile/...`, never changes).
    Tile,
    /// A partial tile (`tile/.../<N>.p/<W>`; also never changes, but
    /// rewritten by each publish at its size).
    PartialTile,
    /// A blob (`blobs/<64 hex>`, never changes).
    Blob,
}

impl ObjectKind {
    /// The `Content-Type` `provledger serve` sends for it.
    pub fn content_type(self) -> &'static str {
        match self {
            ObjectKind::Checkpoint => CHECKPOINT_TYPE,
            _ => OCTETS_TYPE,
        }
    }

    /// The `Cache-Control` `provledger serve` sends for it.
    pub fn cache_control(self) -> &'static str {
        match self {
            ObjectKind::Checkpoint => CHECKPOINT_CACHE,
            _ => IMMUTABLE_CACHE,
        }
    }
}

/// Where a ledger is published: a destination's few operations. The paths
/// are relative (`checkpoint`, `tile/0/000.p/5`, `blobs/<hex>`); each
/// destination puts them under its root or prefix.
pub trait Dest: Sync {
    /// DEST as the user named it, for messages and the report.
    fn describe(&self) -> String;
    /// DEST's checkpoint, if it has one.
    fn read_checkpoint(&self) -> Result<Option<Vec<u8>>, PublishError>;
    /// The size of each of `paths` that DEST holds (as a regular file or
    /// object); those it lacks are left out.
    fn sizes(&self, paths: &[String]) -> Result<BTreeMap<String, u64>, PublishError>;
    /// Writes `bytes` at `path` whole (a reader sees the old object or the
    /// new one, never part of one), with `kind`'s metadata where DEST keeps
    /// metadata.
    fn put(&self, path: &str, kind: ObjectKind, bytes: Vec<u8>) -> Result<(), PublishError>;
}

/// Everything that can go wrong publishing; each message names DEST and
/// what is at fault. Nothing is written to DEST unless the checks of
/// DEST pass; a failure while uploading leaves DEST's old checkpoint.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// DEST cannot be used as given.
    #[error("cannot publish to {dest}: {why}")]
    BadDest {
        /// DEST as given.
        dest: String,
        /// Why.
        why: String,
    },
    /// DEST is inside the ledger directory, or holds it.
    #[error("cannot publish to {dest}: {why}; give a directory apart from the ledger {ledger} (neither in it nor holding it)", dest = .dest.display(), ledger = .ledger.display())]
    Overlaps {
        /// DEST.
        dest: PathBuf,
        /// The ledger directory.
        ledger: PathBuf,
        /// How they overlap.
        why: String,
    },
    /// DEST's checkpoint is not one of this ledger's checkpoints.
    #[error("refusing to publish to {dest}: it holds a checkpoint of size {dest_size} (root {dest_root}) and the local log has size {size} (root {root}): {why}; nothing was written")]
    Inconsistent {
        /// DEST.
        dest: String,
        /// The size DEST's checkpoint signs.
        dest_size: u64,
        /// Its root, base64.
        dest_root: String,
        /// The local log's size.
        size: u64,
        /// Its root, base64.
        root: String,
        /// What shows it.
        why: String,
    },
    /// DEST's checkpoint cannot be read as a checkpoint.
    #[error("refusing to publish to {dest}: its checkpoint is not a checkpoint ({why}); nothing was written")]
    BadCheckpoint {
        /// DEST.
        dest: String,
        /// Why.
        why: String,
    },
    /// A file of DEST cannot be read or written.
    #[error("{op} {path}", path = .path.display())]
    Io {
        /// What we were doing.
        op: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A request to the object store failed.
    #[error("{op} {url} (endpoint {endpoint}) failed: {why}")]
    Store {
        /// The request ("GET", "PUT", "HEAD", "LIST").
        op: &'static str,
        /// The object, as `s3://bucket/key`.
        url: String,
        /// The endpoint asked.
        endpoint: String,
        /// Why, with its causes.
        why: String,
    },
    /// The local ledger cannot be read.
    #[error(transparent)]
    Log(#[from] LogError),
}

/// DEST as parsed from the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A directory (a path or `file://` URL).
    Dir(PathBuf),
    /// An S3 bucket and key prefix (`s3://bucket/prefix`; prefix without
    /// leading or trailing `/`, possibly empty).
    S3 {
        /// The bucket.
        bucket: String,
        /// The key prefix.
        prefix: String,
    },
}

/// Parses DEST: a directory path, `file:///path`, or `s3://bucket/prefix`.
pub fn parse_dest(dest: &str) -> Result<Target, PublishError> {
    let bad = |why: &str| PublishError::BadDest {
        dest: dest.to_string(),
        why: why.to_string(),
    };
    if dest.is_empty() {
        return Err(bad("DEST is empty"));
    }
    let Some((scheme, rest)) = dest.split_once("://") else {
        return Ok(Target::Dir(PathBuf::from(dest)));
    };
    match scheme.to_ascii_lowercase().as_str() {
        "file" => {
            let url = url::Url::parse(dest).map_err(|e| bad(&format!("it is not a URL: {e}")))?;
            if url.query().is_some() || url.fragment().is_some() {
                return Err(bad("it has a query or fragment"));
            }
            let path = url.to_file_path().map_err(|()| {
                bad("a file:// URL names a local absolute path, as file:///srv/ledger")
            })?;
            Ok(Target::Dir(path))
        }
        // Read as written, not as a URL (which would resolve `..`).
        "s3" => {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.contains('@') {
                return Err(bad(
                    "it carries a user name or password; give credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)",
                ));
            }
            if bucket.is_empty() {
                return Err(bad("it names no bucket: give s3://bucket/prefix"));
            }
            let bucket_ok = bucket.len() >= 3
                && bucket.len() <= 63
                && bucket
                    .bytes()
                    .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-'));
            if !bucket_ok {
                return Err(bad(&format!(
                    "{bucket:?} is not a bucket name (3 to 63 lowercase letters, digits, '.' or '-')"
                )));
            }
            let prefix = prefix.trim_end_matches('/');
            let bad_part = prefix
                .split('/')
                .any(|p| p.is_empty() || p == "." || p == "..");
            if !prefix.is_empty() && bad_part
                || prefix
                    .bytes()
                    .any(|b| b.is_ascii_control() || b"%?#\\".contains(&b))
            {
                return Err(bad(
                    "its prefix has an empty, '.' or '..' part, or a '%', '?', '#', '\\' or control character",
                ));
            }
            Ok(Target::S3 {
                bucket: bucket.to_string(),
                prefix: prefix.to_string(),
            })
        }
        _ => Err(bad(&format!(
            "unknown scheme {scheme:?}: give a directory, file:///path or s3://bucket/prefix"
        ))),
    }
}

/// Opens `target` as a destination for the ledger in `ledger`.
pub fn open(target: &Target, ledger: &Path, s3: &S3Options) -> Result<Box<dyn Dest>, PublishError> {
    match target {
        Target::Dir(p) => Ok(Box::new(DirDest::new(p, ledger)?)),
        Target::S3 { bucket, prefix } => Ok(Box::new(S3Dest::new(bucket, prefix, s3)?)),
    }
}

/// How to publish.
#[derive(Debug, Clone)]
pub struct Options {
    /// Say what would be uploaded, upload nothing.
    pub dry_run: bool,
    /// Consider every tile and blob the checkpoint needs, not only those
    /// new since DEST's checkpoint (each still skipped if DEST has it).
    pub full: bool,
    /// Most uploads in flight at once.
    pub parallel: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            dry_run: false,
            full: false,
            parallel: 8,
        }
    }
}

/// What a publish did, as `publish --json` prints it
/// (schemas/publish.schema.json).
#[derive(Debug, Clone, Serialize)]
pub struct PublishReport {
    /// DEST.
    pub dest: String,
    /// The log's origin.
    pub origin: String,
    /// The size of the checkpoint published.
    pub size: u64,
    /// Its root, base64 as in checkpoints.
    pub root: String,
    /// The size of DEST's checkpoint before (`null`: it had none).
    pub dest_size: Option<u64>,
    /// Nothing was uploaded: the report says what would have been.
    pub dry_run: bool,
    /// Tiles uploaded (full and partial).
    pub tiles_uploaded: u64,
    /// Full tiles DEST already had.
    pub tiles_skipped: u64,
    /// Blobs uploaded.
    pub blobs_uploaded: u64,
    /// Blobs DEST already had.
    pub blobs_skipped: u64,
    /// Bytes uploaded (checkpoint included). With `dry_run`, the counts
    /// and lists of uploads say what would have been uploaded.
    pub bytes_uploaded: u64,
    /// Whether the checkpoint was written (last).
    pub checkpoint_uploaded: bool,
    /// Blobs a published statement references that the local ledger lacks
    /// (hex): not published (a mirror records such a statement void, as
    /// the local index does).
    pub blobs_missing: Vec<String>,
    /// Every object written, in the order the writes completed: the
    /// checkpoint is last.
    pub uploaded: Vec<Uploaded>,
    /// The paths skipped because DEST had them.
    pub skipped: Vec<String>,
}

/// One object written.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Uploaded {
    /// Its path under DEST.
    pub path: String,
    /// What it is.
    pub kind: ObjectKind,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Every tile (hash tiles of each level and entry bundles) of a tree of
/// `size` leaves: the full ones and the partial one of each level that
/// does not end on a tile boundary. This is what a tlog-tiles client with
/// a checkpoint of that size may ask for.
pub fn tiles_of(size: u64) -> Vec<TileRef> {
    let mut out = Vec::new();
    let mut level = 0u8;
    loop {
        let count = size.checked_shr(u32::from(level) * 8).unwrap_or(0);
        if count == 0 {
            break;
        }
        push_level(&mut out, TileKind::Hashes(level), count);
        level += 1;
    }
    push_level(&mut out, TileKind::Entries, size);
    out
}

fn push_level(out: &mut Vec<TileRef>, kind: TileKind, count: u64) {
    for n in 0..count / TILE_WIDTH {
        out.push(TileRef {
            kind,
            n,
            width: TILE_WIDTH,
        });
    }
    if !count.is_multiple_of(TILE_WIDTH) {
        out.push(TileRef {
            kind,
            n: count / TILE_WIDTH,
            width: count % TILE_WIDTH,
        });
    }
}

/// The path of blob `d` under DEST, as `provledger serve` serves it.
pub fn blob_path(d: &Digest) -> String {
    format!("blobs/{}", d.to_hex())
}

/// The blobs a statement references: an article record's text and, for a
/// captured one, the raw body and the WARC file (the blobs the rules read).
pub fn referenced_blobs(body: &Body) -> Vec<Digest> {
    match body {
        Body::ArticleRecord(a) => {
            let mut v = vec![a.content];
            if let Some(c) = &a.capture {
                v.push(c.raw);
                v.push(c.warc);
            }
            v
        }
        _ => Vec::new(),
    }
}

/// The blobs the statements of entries `range` of `log` reference. An
/// entry that does not decode references none (the rules never applied it).
fn blobs_of(log: &Log, range: std::ops::Range<u64>) -> Result<BTreeSet<Digest>, PublishError> {
    let mut out = BTreeSet::new();
    for e in log.entries(range) {
        let (_, bytes) = e?;
        let Ok(leaf) = Leaf::decode(&bytes) else {
            continue;
        };
        if let Ok(s) = SignedStatement::decode(&leaf.statement) {
            out.extend(referenced_blobs(&s.statement().body));
        }
    }
    Ok(out)
}

/// Checks DEST's checkpoint `note` against the local log: the same origin,
/// a size at most the local one and the local tree's root at that size.
/// Returns its size.
fn check_dest(dest: &str, log: &Log, note: &[u8]) -> Result<u64, PublishError> {
    let cp = Checkpoint::parse_unverified(note).map_err(|e| PublishError::BadCheckpoint {
        dest: dest.to_string(),
        why: crate::error::chain(&e),
    })?;
    let inconsistent = |why: String| PublishError::Inconsistent {
        dest: dest.to_string(),
        dest_size: cp.size,
        dest_root: base64_root(&cp.root),
        size: log.size(),
        root: base64_root(&log.root()),
        why,
    };
    if cp.origin != log.origin() {
        return Err(inconsistent(format!(
            "it is a checkpoint of the log {:?}, not of this ledger's log {:?}",
            cp.origin,
            log.origin()
        )));
    }
    if cp.size > log.size() {
        return Err(inconsistent(
            "DEST is ahead of the local log (publish from the ledger it was published from, or to a new DEST)".into(),
        ));
    }
    if cp.size > 0 {
        let ours = log.root_at(cp.size)?;
        if ours != cp.root {
            return Err(inconsistent(format!(
                "the local tree of {} entries has root {}, so DEST holds another log's history",
                cp.size,
                base64_root(&ours)
            )));
        }
    }
    Ok(cp.size)
}

/// The bytes of tile `t` of the ledger in `dir`: the exact file, or the
/// first `t.width` items of a wider one (tiles only grow), as the server
/// reads them.
fn tile_bytes(dir: &Path, t: TileRef) -> Result<Vec<u8>, PublishError> {
    let path = dir.join(t.path());
    let damaged = |why: String| {
        PublishError::Log(LogError::Damaged {
            path: path.clone(),
            why,
        })
    };
    let (mut bytes, _) = crate::log::tiles::read_tile(dir, t)
        .map_err(|source| {
            PublishError::Log(LogError::Io {
                op: "cannot read",
                path: path.clone(),
                source,
            })
        })?
        .ok_or_else(|| damaged("the tile is missing though the checkpoint covers it".into()))?;
    let want = match t.kind {
        TileKind::Hashes(_) => {
            Some(t.width as usize * tlog_tiles::HASH_SIZE).filter(|&w| w <= bytes.len())
        }
        TileKind::Entries => parse_bundle(&bytes, t.width, false)
            .ok()
            .map(|e| e.iter().map(|x| 2 + x.len()).sum()),
    };
    let want = want.ok_or_else(|| {
        damaged(format!(
            "the tile holds fewer than the {} items the checkpoint covers",
            t.width
        ))
    })?;
    bytes.truncate(want);
    Ok(bytes)
}

/// One object to write.
struct Job {
    path: String,
    kind: ObjectKind,
    what: What,
}

enum What {
    Tile(TileRef),
    Blob(Digest),
}

/// Publishes the ledger in `ledger` to `dest` (see the module's page).
/// `progress` is called with (objects done, objects to do) as uploads
/// complete, from the upload threads.
pub fn publish(
    ledger: &Path,
    dest: &dyn Dest,
    opts: &Options,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<PublishReport, PublishError> {
    let log = Log::open(ledger)?;
    let name = dest.describe();
    let size = log.size();
    let dest_size = match dest.read_checkpoint()? {
        Some(note) => Some(check_dest(&name, &log, &note)?),
        None => None,
    };
    let from = if opts.full { 0 } else { dest_size.unwrap_or(0) };

    // The tiles: every one of the tree, or those new since DEST's
    // checkpoint; and the partial ones of this size.
    let mut tiles: BTreeSet<TileRef> = if from == 0 {
        tiles_of(size).into_iter().collect()
    } else {
        new_tiles(from, size).into_iter().collect()
    };
    tiles.extend(partial_tiles(size));
    let blobs = blobs_of(&log, from..size)?;

    let mut jobs: Vec<Job> = tiles
        .iter()
        .map(|&t| Job {
            path: t.path(),
            kind: if t.width == TILE_WIDTH {
                ObjectKind::Tile
            } else {
                ObjectKind::PartialTile
            },
            what: What::Tile(t),
        })
        .collect();
    let mut missing = Vec::new();
    for d in &blobs {
        match crate::log::blobs::read_file(ledger, d) {
            Ok(Some(_)) => jobs.push(Job {
                path: blob_path(d),
                kind: ObjectKind::Blob,
                what: What::Blob(*d),
            }),
            Ok(None) => missing.push(d.to_hex()),
            Err(source) => {
                return Err(PublishError::Log(LogError::Io {
                    op: "cannot read",
                    path: crate::log::blobs::blob_path(ledger, d),
                    source,
                }))
            }
        }
    }

    // Skip the immutable objects DEST holds at their size: a blob (its
    // path is its digest), and a full tile only where DEST's checkpoint,
    // checked above, covers it (every full hash tile is 8,192 bytes, so
    // the size alone says nothing of whose tile it is: one left by an
    // interrupted publish of another ledger is written over).
    let covered: BTreeSet<TileRef> = dest_size
        .map(|ds| {
            tiles_of(ds)
                .into_iter()
                .filter(|t| t.width == TILE_WIDTH)
                .collect()
        })
        .unwrap_or_default();
    let immutable: Vec<String> = jobs
        .iter()
        .filter(|j| matches!(j.kind, ObjectKind::Tile | ObjectKind::Blob))
        .map(|j| j.path.clone())
        .collect();
    let have = dest.sizes(&immutable)?;
    let mut skipped = Vec::new();
    let mut todo = Vec::new();
    for j in jobs {
        let local = match (&j.kind, &j.what) {
            (ObjectKind::Tile, What::Tile(t)) if covered.contains(t) => {
                local_size(&ledger.join(t.path()))
            }
            (ObjectKind::Blob, What::Blob(d)) => {
                local_size(&crate::log::blobs::blob_path(ledger, d))
            }
            _ => None,
        };
        match (have.get(&j.path), local) {
            (Some(h), Some(l)) if *h == l => skipped.push(j),
            _ => todo.push(j),
        }
    }

    let mut report = PublishReport {
        dest: name,
        origin: log.origin().to_string(),
        size,
        root: base64_root(&log.root()),
        dest_size,
        dry_run: opts.dry_run,
        tiles_uploaded: 0,
        tiles_skipped: 0,
        blobs_uploaded: 0,
        blobs_skipped: 0,
        bytes_uploaded: 0,
        checkpoint_uploaded: false,
        blobs_missing: missing,
        uploaded: Vec::new(),
        skipped: Vec::new(),
    };
    for j in &skipped {
        match j.kind {
            ObjectKind::Blob => report.blobs_skipped += 1,
            _ => report.tiles_skipped += 1,
        }
        report.skipped.push(j.path.clone());
    }

    // Tiles and blobs, in parallel; the checkpoint only once all are in.
    let total = todo.len() as u64 + 1;
    let done = AtomicU64::new(0);
    let written: Mutex<Vec<Uploaded>> = Mutex::new(Vec::new());
    let upload = |j: &Job| -> Result<(), PublishError> {
        let bytes = match j.what {
            What::Tile(t) => tile_bytes(ledger, t)?,
            What::Blob(d) => log.get_blob(&d)?,
        };
        let n = bytes.len() as u64;
        if !opts.dry_run {
            dest.put(&j.path, j.kind, bytes)?;
        }
        written.lock().expect("no upload panics").push(Uploaded {
            path: j.path.clone(),
            kind: j.kind,
            bytes: n,
        });
        progress(done.fetch_add(1, Ordering::SeqCst) + 1, total);
        Ok(())
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.parallel.max(1))
        .thread_name(|i| format!("provledger-publish-{i}"))
        .build()
        .map_err(|e| PublishError::BadDest {
            dest: report.dest.clone(),
            why: format!("cannot start the upload threads: {e}"),
        })?;
    let results: Vec<Result<(), PublishError>> = pool.install(|| {
        use rayon::prelude::*;
        todo.par_iter().map(upload).collect()
    });
    // The first failure in path order; the checkpoint stays as it was.
    results.into_iter().collect::<Result<Vec<()>, _>>()?;

    let note = log.checkpoint_bytes().to_vec();
    let n = note.len() as u64;
    if !opts.dry_run {
        dest.put("checkpoint", ObjectKind::Checkpoint, note)?;
    }
    progress(total, total);
    let mut uploaded = written.into_inner().expect("no upload panics");
    uploaded.push(Uploaded {
        path: "checkpoint".into(),
        kind: ObjectKind::Checkpoint,
        bytes: n,
    });
    for u in &uploaded {
        match u.kind {
            ObjectKind::Blob => report.blobs_uploaded += 1,
            ObjectKind::Checkpoint => report.checkpoint_uploaded = !opts.dry_run,
            _ => report.tiles_uploaded += 1,
        }
        report.bytes_uploaded += u.bytes;
    }
    report.uploaded = uploaded;
    Ok(report)
}

/// The size of a regular file of the ledger (not through a link).
fn local_size(path: &Path) -> Option<u64> {
    std::fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tiles_of_a_tree() {
        let paths = |s| tiles_of(s).iter().map(TileRef::path).collect::<Vec<_>>();
        assert_eq!(paths(1), ["tile/0/000.p/1", "tile/entries/000.p/1"]);
        assert_eq!(
            paths(256),
            ["tile/0/000", "tile/1/000.p/1", "tile/entries/000"]
        );
        assert_eq!(
            paths(257),
            [
                "tile/0/000",
                "tile/0/001.p/1",
                "tile/1/000.p/1",
                "tile/entries/000",
                "tile/entries/001.p/1"
            ]
        );
        assert_eq!(tiles_of(65536).len(), 256 + 1 + 1 + 256);
        // Every tile that growing a tree from 0 creates, and no other.
        for size in [1u64, 255, 256, 257, 511, 512, 70_000] {
            let mut a = tiles_of(size);
            let mut b = new_tiles(0, size);
            a.sort();
            b.sort();
            assert_eq!(a, b, "size {size}");
        }
    }

    #[test]
    fn dest_forms() {
        assert_eq!(parse_dest("out").unwrap(), Target::Dir("out".into()));
        assert_eq!(
            parse_dest("file:///srv/pub").unwrap(),
            Target::Dir("/srv/pub".into())
        );
        assert_eq!(
            parse_dest("s3://bucket/a/b/").unwrap(),
            Target::S3 {
                bucket: "bucket".into(),
                prefix: "a/b".into()
            }
        );
        assert_eq!(
            parse_dest("s3://bucket").unwrap(),
            Target::S3 {
                bucket: "bucket".into(),
                prefix: String::new()
            }
        );
        for (bad, says) in [
            ("ftp://host/x", "unknown scheme \"ftp\""),
            ("s3:///x", "names no bucket"),
            ("s3://Bucket/x", "not a bucket name"),
            ("s3://bucket//x", "empty"),
            ("s3://bkt/a/../c", "'..'"),
            ("s3://key:secret@bkt/x", "user name or password"),
            ("file://host/x", "local absolute path"),
            ("", "DEST is empty"),
        ] {
            let e = parse_dest(bad).unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
