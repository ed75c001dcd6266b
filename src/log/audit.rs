//! Structural verification of a whole ledger: every entry replayed from 0 to
//! the checkpoint's size, every stored hash, hash tile and entry bundle
//! recomputed, the root and signature of the checkpoint checked, and the
//! blobs re-hashed.
//!
//! The entry bundles are the ground truth (they are the only copy of the
//! leaves); `hashes` and the hash tiles are derived from them and must agree.
//! A mismatch is pinned on the first entry it concerns. A stored hash above
//! level 0 that is wrong only because a leaf below it is wrong is not
//! reported again: the leaf already was.

use super::blobs::{self, BlobFile};
use super::fsutil::special_type;
use super::hashes::Frontier;
use super::tiles::{self, TileRef, TILE_HEIGHT, TILE_WIDTH};
use super::{
    Checkpoint, Leaf, LogError, Refusal, RefusedPath, CHECKPOINT_FILE, HASHES_FILE, TILE_DIR,
};
use crate::digest::Digest;
use rayon::prelude::*;
use signed_note::Verifier;
use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use tlog_tiles::{
    stored_hash_index, stored_hashes_for_record_hash, tree_hash, Hash, EMPTY_HASH, HASH_SIZE,
};

/// At most this many problems are listed; the rest are only counted.
pub(crate) const MAX_PROBLEMS: usize = 1000;

/// What to check a ledger against.
pub struct AuditOptions<'a> {
    /// The operator key: checkpoints must be signed by it (its name is the origin).
    pub verifier: &'a dyn Verifier,
    /// A checkpoint trusted earlier (signed note bytes); the log must extend it.
    pub trusted_checkpoint: Option<&'a [u8]>,
}

/// One thing found wrong, and the first entry it concerns (`None` for the
/// checkpoint as a whole, blobs and other ledger-wide problems).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The first entry at fault, if the problem concerns entries.
    pub entry: Option<u64>,
    /// For an entry the rules refuse, the refusing rule's id (README:
    /// "Rule ids"); `None` for every other problem.
    pub rule: Option<&'static str>,
    /// What is wrong, naming the file at fault.
    pub what: String,
    /// What mends it, when the ledger can say: a fact for the tool that
    /// shows the problem to word (the CLI says which command to run).
    pub advice: Option<Advice>,
}

/// What mends a problem audit found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Advice {
    /// The index is derived: rebuild it from the log (nothing is lost).
    Reindex,
    /// The checkpoint could not be checked without the operator's public
    /// key: give it.
    GiveOperatorKey,
}

/// The outcome of an audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    /// The checkpoint's size (0 when it could not be read).
    pub size: u64,
    /// The checkpoint's root, when it could be read.
    pub root: Option<Digest>,
    /// Entries replayed.
    pub entries_checked: u64,
    /// Blob files re-hashed.
    pub blobs_checked: u64,
    /// Problems found, by first entry at fault, ledger-wide ones last.
    pub problems: Vec<Problem>,
    /// Problems found beyond the first 1000 (`MAX_PROBLEMS`), not listed.
    pub omitted: u64,
}

impl AuditReport {
    /// True when nothing is wrong.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty() && self.omitted == 0
    }

    /// The first entry any problem names.
    pub fn first_entry_at_fault(&self) -> Option<u64> {
        self.problems.iter().filter_map(|p| p.entry).min()
    }
}

/// Replays the ledger in `dir` and reports every problem found. `visit` is
/// called with each entry that decodes as a leaf (so the statement layer can
/// check signatures and rules); an `Err` it returns becomes a problem at that
/// entry. `progress` is called with (entries done, entries in all).
///
/// Returns `Err` only when the audit itself cannot run (no such directory,
/// an I/O error other than a missing file); everything wrong with the ledger
/// is a [`Problem`].
pub fn audit<V, P>(
    dir: &Path,
    opts: &AuditOptions<'_>,
    mut visit: V,
    mut progress: P,
) -> Result<AuditReport, LogError>
where
    V: FnMut(u64, &Leaf) -> Result<(), String>,
    P: FnMut(u64, u64),
{
    if !dir.is_dir() {
        return Err(LogError::NotALedger {
            dir: dir.to_path_buf(),
            why: "no such directory".into(),
        });
    }
    let mut a = Auditor {
        dir: dir.to_path_buf(),
        problems: Vec::new(),
        omitted: 0,
        bad_leaves: BTreeSet::new(),
        hashes: None,
        hashes_random: None,
        next_stored: 0,
        tile_bufs: Vec::new(),
    };
    let mut report = AuditReport {
        size: 0,
        root: None,
        entries_checked: 0,
        blobs_checked: 0,
        problems: Vec::new(),
        omitted: 0,
    };

    if let Some(cp) = a.checkpoint(opts)? {
        report.size = cp.size;
        report.root = Some(cp.root);
        let trusted = a.trusted(opts, &cp);
        report.entries_checked = a.replay(&cp, trusted.as_ref(), &mut visit, &mut progress)?;
    }
    report.blobs_checked = a.blobs()?;
    a.walk();

    a.problems.sort_by_key(|p| (p.entry.is_none(), p.entry));
    report.problems = a.problems;
    report.omitted = a.omitted;
    Ok(report)
}

struct Auditor {
    dir: PathBuf,
    problems: Vec<Problem>,
    omitted: u64,
    /// Entries whose own leaf hash disagrees with a stored one, or could not
    /// be read: stored hashes above them are expected to differ too.
    bad_leaves: BTreeSet<u64>,
    /// `hashes`, read front to back alongside the replay.
    hashes: Option<BufReader<File>>,
    /// `hashes` again, for stand-in leaf hashes of unreadable entries.
    hashes_random: Option<File>,
    /// Stored index of the next hash `hashes` should yield.
    next_stored: u64,
    /// Per hash-tile level: the tile being filled and its hashes so far.
    tile_bufs: Vec<(u64, Vec<Hash>)>,
}

impl Auditor {
    fn problem(&mut self, entry: Option<u64>, what: impl Into<String>) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem {
                entry,
                rule: None,
                what: what.into(),
                advice: None,
            });
        } else {
            self.omitted += 1;
        }
    }

    /// Reads and checks the checkpoint; `None` when it cannot be parsed at
    /// all (then there is nothing to replay against).
    fn checkpoint(&mut self, opts: &AuditOptions<'_>) -> Result<Option<Checkpoint>, LogError> {
        let note = match super::read_checkpoint(&self.dir) {
            Ok(Some(n)) => n,
            Ok(None) => {
                self.problem(None, format!("{CHECKPOINT_FILE} is missing"));
                return Ok(None);
            }
            Err(LogError::Refused(r)) => {
                self.problem(None, r.to_string());
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let cp = match Checkpoint::parse_unverified(&note) {
            Ok(cp) => cp,
            Err(e) => {
                self.problem(None, format!("{CHECKPOINT_FILE}: {e}"));
                return Ok(None);
            }
        };
        if let Err(e) = Checkpoint::verify(&note, opts.verifier) {
            self.problem(None, format!("{CHECKPOINT_FILE} is not valid: {e}"));
        }
        Ok(Some(cp))
    }

    /// Checks the previously trusted checkpoint, if any, against the current
    /// one; returns it when its root must be recomputed during the replay.
    fn trusted(&mut self, opts: &AuditOptions<'_>, cp: &Checkpoint) -> Option<Checkpoint> {
        let note = opts.trusted_checkpoint?;
        let t = match Checkpoint::verify(note, opts.verifier) {
            Ok(t) => t,
            Err(e) => {
                self.problem(None, format!("the trusted checkpoint is not valid: {e}"));
                return None;
            }
        };
        if t.size > cp.size {
            self.problem(
                Some(cp.size),
                format!(
                    "the log has {} entries but a previously trusted checkpoint has {}: \
                     entries {}.. were removed (the log was truncated or rolled back)",
                    cp.size, t.size, cp.size
                ),
            );
            return None;
        }
        if t.size == 0 {
            if t.root.0 != EMPTY_HASH.0 {
                self.problem(
                    None,
                    format!(
                        "the trusted checkpoint has size 0 but root {}, not the empty-tree hash",
                        t.root
                    ),
                );
            }
            return None;
        }
        Some(t)
    }

    fn replay<V, P>(
        &mut self,
        cp: &Checkpoint,
        trusted: Option<&Checkpoint>,
        visit: &mut V,
        progress: &mut P,
    ) -> Result<u64, LogError>
    where
        V: FnMut(u64, &Leaf) -> Result<(), String>,
        P: FnMut(u64, u64),
    {
        let size = cp.size;
        self.open_hashes(size);
        progress(0, size);
        let mut frontier = Frontier::default();
        let mut prev = Digest::ZERO;
        for k in 0..size.div_ceil(TILE_WIDTH) {
            let start = k * TILE_WIDTH;
            let width = (size - start).min(TILE_WIDTH);
            let entries = self.bundle(k, width);
            // Hash tile 0/k holds exactly the leaf hashes of bundle k.
            let tile0 = self.read_hash_tile(TileRef::hashes(0, k, width));
            for ((i, j), entry) in (start..).zip(0usize..).zip(entries) {
                let (leaf_hash, reported) = match entry {
                    Some(bytes) => {
                        let reported = self.leaf(i, &bytes, prev, visit);
                        (tlog_tiles::record_hash(&bytes), reported)
                    }
                    None => {
                        // Unreadable (already reported): go on with the
                        // stored hash so the rest of the tree can be checked.
                        self.bad_leaves.insert(i);
                        (self.stored_leaf_hash(i).unwrap_or_default(), true)
                    }
                };
                prev = Digest(leaf_hash.0);
                let hs = stored_hashes_for_record_hash(i, leaf_hash, &frontier)
                    .expect("the frontier holds every hash tlog needs to add records in order");
                for (level, h) in (0u8..).zip(hs) {
                    let n = i >> level;
                    frontier.set(level, n, h);
                    let stored = self.read_stored(level, n);
                    if level == 0 {
                        let in_tile = tile0.get(j).copied();
                        self.check_leaf_hash(i, h, stored, in_tile, reported, k, width);
                    } else {
                        if stored.is_some_and(|x| x != h.0) {
                            let index = self.next_stored - 1;
                            self.mismatch(
                                level,
                                n,
                                &format!("{HASHES_FILE} (stored hash {index})"),
                            );
                        }
                        if level % TILE_HEIGHT == 0 {
                            self.push_tile_hash(level / TILE_HEIGHT, n, h);
                        }
                    }
                }
                if let Some(t) = trusted.filter(|t| t.size == i + 1) {
                    let r = tree_hash(t.size, &frontier).expect("frontier");
                    if r.0 != t.root.0 {
                        self.problem(
                            None,
                            format!(
                                "the first {} entries have root {}, but the previously trusted \
                                 checkpoint of that size has root {}: the log was rewritten",
                                t.size,
                                Digest(r.0),
                                t.root
                            ),
                        );
                    }
                }
            }
            progress(start + width, size);
        }
        self.flush_partial_tiles();
        let root = tree_hash(size, &frontier).expect("frontier");
        if root.0 != cp.root.0 {
            self.problem(
                None,
                format!(
                    "the tree of the {size} entries has root {}, but {CHECKPOINT_FILE} says {}",
                    Digest(root.0),
                    cp.root
                ),
            );
        }
        Ok(size)
    }

    /// Checks one leaf's encoding, position and chain link, then visits it.
    /// Returns true when the leaf is undecodable or out of place (which
    /// explains its hash differing from the stored ones).
    fn leaf<V>(&mut self, i: u64, bytes: &[u8], prev: Digest, visit: &mut V) -> bool
    where
        V: FnMut(u64, &Leaf) -> Result<(), String>,
    {
        let leaf = match Leaf::decode(bytes) {
            Ok(l) => l,
            Err(e) => {
                self.problem(Some(i), e.to_string());
                return true;
            }
        };
        let misplaced = leaf.seq != i;
        if misplaced {
            self.problem(
                Some(i),
                format!(
                    "the leaf says it is entry {}: entries were dropped, duplicated or reordered",
                    leaf.seq
                ),
            );
        }
        if leaf.prev != prev {
            self.problem(
                Some(i),
                format!(
                    "prev is {} but the previous entry's leaf hash is {}: the hash chain is broken",
                    leaf.prev, prev
                ),
            );
        }
        if let Err(what) = visit(i, &leaf) {
            self.problem(Some(i), what);
        }
        misplaced
    }

    /// Compares entry `i`'s leaf hash `h` with its two stored copies (in
    /// `hashes` and in hash tile 0/`k`) and says which side was altered.
    #[allow(clippy::too_many_arguments)]
    fn check_leaf_hash(
        &mut self,
        i: u64,
        h: Hash,
        in_hashes: Option<[u8; HASH_SIZE]>,
        in_tile: Option<[u8; HASH_SIZE]>,
        reported: bool,
        k: u64,
        width: u64,
    ) {
        let bad_h = in_hashes.is_some_and(|x| x != h.0);
        let bad_t = in_tile.is_some_and(|x| x != h.0);
        if !bad_h && !bad_t {
            return;
        }
        self.bad_leaves.insert(i);
        if reported {
            return;
        }
        let tile = format!("hash tile {}", TileRef::hashes(0, k, width).path());
        let index = stored_hash_index(0, i);
        let what = match (bad_h, bad_t) {
            (true, true) if in_hashes == in_tile => format!(
                "the entry was altered: its leaf hash {} differs from the one stored in both \
                 {HASHES_FILE} and {tile}",
                Digest(h.0)
            ),
            (true, true) => format!(
                "the entry's leaf hash differs from the ones stored in {HASHES_FILE} and {tile}, \
                 which differ from each other too"
            ),
            (true, false) if in_tile.is_some() => format!(
                "{HASHES_FILE} holds a wrong leaf hash for the entry (stored hash {index}): \
                 the file was altered"
            ),
            (false, true) if in_hashes.is_some() => {
                format!("{tile} holds a wrong leaf hash for the entry: the tile was altered")
            }
            (true, _) => format!(
                "the entry's leaf hash differs from the one stored in {HASHES_FILE} \
                 (stored hash {index}): the entry or that file was altered"
            ),
            (false, _) => format!(
                "the entry's leaf hash differs from the one stored in {tile}: \
                 the entry or the tile was altered"
            ),
        };
        self.problem(Some(i), what);
    }

    /// Reads entry bundle `k`; entries that cannot be read are `None`.
    fn bundle(&mut self, k: u64, width: u64) -> Vec<Option<Vec<u8>>> {
        let t = TileRef::entries(k, width);
        let rel = t.path();
        let first = t.first_entry();
        let mut out: Vec<Option<Vec<u8>>> = Vec::new();
        match tiles::read_tile(&self.dir, t) {
            Err(e) => self.problem(Some(first), format!("cannot read entry bundle {rel}: {e}")),
            Ok(None) => match tiles::read_narrower(&self.dir, t) {
                // A narrower version tells where the entries run out.
                Ok(Some((bytes, w))) => {
                    let narrow = t.with_width(w).path();
                    self.problem(
                        Some(first + w),
                        format!(
                            "entry bundle {rel} is missing; {narrow} ends at entry {}",
                            first + w - 1
                        ),
                    );
                    if let Ok(es) = tiles::parse_bundle(&bytes, w, false) {
                        out = es.into_iter().map(Some).collect();
                    }
                }
                _ => self.problem(Some(first), format!("entry bundle {rel} is missing")),
            },
            Ok(Some((bytes, exact))) => match tiles::parse_bundle(&bytes, width, exact) {
                Ok(es) => out = es.into_iter().map(Some).collect(),
                Err(e) => {
                    let at = first + e.at as u64;
                    self.problem(Some(at), format!("entry bundle {rel} {}", e.why));
                    out = e.read.into_iter().map(Some).collect();
                }
            },
        }
        out.resize(usize::try_from(width).expect("width <= 256"), None);
        out
    }

    fn open_hashes(&mut self, size: u64) {
        let path = self.dir.join(HASHES_FILE);
        match super::fsutil::open_regular(&path, File::options().read(true)) {
            Ok(f) => {
                self.hashes_random = f.try_clone().ok();
                self.hashes = Some(BufReader::with_capacity(1 << 16, f));
            }
            Err(e) => {
                let what = format!("cannot read {HASHES_FILE}: {e}");
                self.problem((size > 0).then_some(0), what);
            }
        }
    }

    fn stored_leaf_hash(&self, i: u64) -> Option<Hash> {
        let f = self.hashes_random.as_ref()?;
        let mut h = [0u8; HASH_SIZE];
        super::fsutil::read_exact_at(f, &mut h, stored_hash_index(0, i) * HASH_SIZE as u64).ok()?;
        Some(Hash(h))
    }

    /// Reads the next hash in `hashes`, which holds the hash of subtree `n`
    /// at `level`; `None` once the file has run out or failed (reported once).
    fn read_stored(&mut self, level: u8, n: u64) -> Option<[u8; HASH_SIZE]> {
        let r = self.hashes.as_mut()?;
        let index = self.next_stored;
        self.next_stored += 1;
        let mut got = [0u8; HASH_SIZE];
        if let Err(e) = r.read_exact(&mut got) {
            self.hashes = None;
            let what = if e.kind() == io::ErrorKind::UnexpectedEof {
                format!("{HASHES_FILE} ends at stored hash {index}; the tree needs more")
            } else {
                format!("cannot read {HASHES_FILE}: {e}")
            };
            self.problem(Some(first_leaf(level, n)), what);
            return None;
        }
        Some(got)
    }

    /// Reports a stored hash of subtree `n` at `level` (above the leaves),
    /// kept in `file`, that differs from the one recomputed from the entries
    /// — unless a bad leaf below it already explains that.
    fn mismatch(&mut self, level: u8, n: u64, file: &str) {
        let first = first_leaf(level, n);
        let end = first_leaf(level, n + 1);
        if self.bad_leaves.range(first..end).next().is_some() {
            return;
        }
        self.problem(
            Some(first),
            format!(
                "{file} holds a wrong hash for the subtree of entries {first}..{end} \
                 (level {level}): the file was altered"
            ),
        );
    }

    /// Collects recomputed tree-level `8·tile_level` hashes (tile level 1 and
    /// up) into tiles and checks each tile once it is full.
    fn push_tile_hash(&mut self, tile_level: u8, n: u64, h: Hash) {
        let l = usize::from(tile_level);
        if self.tile_bufs.len() <= l {
            self.tile_bufs.resize(l + 1, (0, Vec::new()));
        }
        let buf = &mut self.tile_bufs[l];
        if buf.1.is_empty() {
            buf.0 = n / TILE_WIDTH;
        }
        buf.1.push(h);
        if buf.1.len() as u64 == TILE_WIDTH {
            let (tn, hashes) = std::mem::take(buf);
            self.check_tile(TileRef::hashes(tile_level, tn, TILE_WIDTH), &hashes);
        }
    }

    /// Checks the partial tiles left at the end.
    fn flush_partial_tiles(&mut self) {
        for l in 0..self.tile_bufs.len() {
            let (tn, hashes) = std::mem::take(&mut self.tile_bufs[l]);
            if !hashes.is_empty() {
                let level = u8::try_from(l).expect("at most 8 tile levels");
                self.check_tile(TileRef::hashes(level, tn, hashes.len() as u64), &hashes);
            }
        }
    }

    /// Reads hash tile `t`, reporting it missing or of the wrong length;
    /// returns the hashes it holds (as many as could be read, up to `t.width`).
    fn read_hash_tile(&mut self, t: TileRef) -> Vec<[u8; HASH_SIZE]> {
        let rel = t.path();
        // `exact`: Some(whether the exact path was read); None for a
        // narrower stand-in, whose shortness is reported here.
        let (bytes, exact) = match tiles::read_tile(&self.dir, t) {
            Ok(Some((b, exact))) => (b, Some(exact)),
            Ok(None) => {
                // A narrower version tells where the hashes run out.
                let (bytes, w) = match tiles::read_narrower(&self.dir, t) {
                    Ok(Some(n)) => n,
                    _ => (Vec::new(), 0),
                };
                let first = first_leaf(t.tree_level(), t.n * TILE_WIDTH + w);
                self.problem(Some(first), format!("hash tile {rel} is missing"));
                (bytes, None)
            }
            Err(e) => {
                let what = format!("cannot read hash tile {rel}: {e}");
                self.problem(Some(t.first_entry()), what);
                return Vec::new();
            }
        };
        let want_len = t.width * HASH_SIZE as u64;
        let present = bytes.len() as u64;
        let bad_len = match exact {
            Some(true) => present != want_len,
            Some(false) => present < want_len,
            None => false,
        };
        if bad_len {
            let whole = (present / HASH_SIZE as u64).min(t.width - 1);
            let entry = first_leaf(t.tree_level(), t.n * TILE_WIDTH + whole);
            self.problem(
                Some(entry),
                format!(
                    "hash tile {rel} is {present} bytes; a tile of {} hashes is {want_len}",
                    t.width
                ),
            );
        }
        tiles::tile_hashes(&bytes, t.width)
    }

    /// Checks a hash tile above level 0 against the recomputed hashes.
    fn check_tile(&mut self, t: TileRef, expected: &[Hash]) {
        let got = self.read_hash_tile(t);
        let file = format!("hash tile {}", t.path());
        for ((k, g), e) in (0u64..).zip(&got).zip(expected) {
            if *g != e.0 {
                self.mismatch(t.tree_level(), t.n * TILE_WIDTH + k, &file);
            }
        }
    }

    /// Re-hashes every blob (in parallel) and flags misnamed files.
    fn blobs(&mut self) -> Result<u64, LogError> {
        let files = blobs::list(&self.dir)?;
        let dir = self.dir.clone();
        let rel = |p: &Path| p.strip_prefix(&dir).unwrap_or(p).display().to_string();
        let results: Vec<Option<String>> = files
            .par_iter()
            .map(|f| match f {
                BlobFile::Blob(d, path) => match blobs::hash_file(&dir, path) {
                    Ok(actual) if actual == *d => None,
                    Ok(actual) => Some(format!(
                        "blob {} is corrupt: its content hashes to {actual}",
                        rel(path)
                    )),
                    Err(e) => Some(format!("cannot read blob {}: {e}", rel(path))),
                },
                BlobFile::Stray(path) => Some(format!(
                    "unexpected file {} among the blobs (blobs are stored as \
                     blobs/<first 2 hex digits>/<64 hex digits of their SHA-256>)",
                    rel(path)
                )),
            })
            .collect();
        let mut checked = 0;
        for (f, r) in files.iter().zip(results) {
            if matches!(f, BlobFile::Blob(..)) {
                checked += 1;
            }
            if let Some(what) = r {
                self.problem(None, what);
            }
        }
        Ok(checked)
    }
}

impl Auditor {
    /// Walks the whole ledger directory without following links, reporting
    /// every link, FIFO, device or socket in it, and every file under
    /// `tile/` that is not named as a tile.
    fn walk(&mut self) {
        let root = self.dir.clone();
        let rel = |p: &Path| p.strip_prefix(&root).unwrap_or(p).to_path_buf();
        let mut stack = vec![root.clone()];
        while let Some(d) = stack.pop() {
            let mut entries: Vec<(PathBuf, io::Result<fs::FileType>)> = match fs::read_dir(&d) {
                Ok(rd) => rd
                    .filter_map(Result::ok)
                    .map(|e| (e.path(), e.file_type()))
                    .collect(),
                Err(e) => {
                    self.problem(None, format!("cannot list {}: {e}", rel(&d).display()));
                    continue;
                }
            };
            entries.sort_by(|a, b| b.0.cmp(&a.0));
            for (path, ft) in entries {
                let r = rel(&path);
                let ft = match ft {
                    Ok(ft) => ft,
                    Err(e) => {
                        self.problem(None, format!("cannot stat {}: {e}", r.display()));
                        continue;
                    }
                };
                if let Some(kind) = special_type(&ft) {
                    let why = Refusal::Special(kind);
                    self.problem(None, RefusedPath { path: r, why }.to_string());
                } else if ft.is_dir() {
                    stack.push(path);
                } else if r.starts_with(TILE_DIR) && !is_tile_file(&r) {
                    self.problem(
                        None,
                        format!(
                            "unexpected file {} among the tiles (tiles are stored as \
                             tile/<level>/<N>[.p/<width>] and tile/entries/<N>[.p/<width>])",
                            r.display()
                        ),
                    );
                }
            }
        }
    }
}

/// Whether `rel` (relative to the ledger) names a hash tile or entry
/// bundle in the c2sp tlog-tiles layout.
fn is_tile_file(rel: &Path) -> bool {
    let parts: Option<Vec<&str>> = rel.iter().map(|c| c.to_str()).collect();
    let Some(parts) = parts else { return false };
    let [tile, level, rest @ ..] = parts.as_slice() else {
        return false;
    };
    let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let three = |s: &str| s.len() == 3 && number(s);
    let level_ok = *level == "entries"
        || (number(level) && (level.len() == 1 || !level.starts_with('0')) && level.len() <= 2);
    if *tile != TILE_DIR || !level_ok || rest.is_empty() {
        return false;
    }
    let (index, partial) = match rest {
        [.., n, w] if n.strip_suffix(".p").is_some_and(three) => {
            let width_ok =
                number(w) && !w.starts_with('0') && w.parse::<u64>().is_ok_and(|w| w < TILE_WIDTH);
            if !width_ok {
                return false;
            }
            (&rest[..rest.len() - 1], true)
        }
        _ => (rest, false),
    };
    let (last, dirs) = index.split_last().expect("rest is not empty");
    let last_ok = if partial {
        last.strip_suffix(".p").is_some_and(three)
    } else {
        three(last)
    };
    last_ok && dirs.iter().all(|d| d.strip_prefix('x').is_some_and(three))
}

/// The first leaf under subtree `n` at `level` (saturating for huge values).
fn first_leaf(level: u8, n: u64) -> u64 {
    if level >= 64 || n.leading_zeros() < u32::from(level) {
        u64::MAX
    } else {
        n << level
    }
}

#[cfg(test)]
mod tests {
    use super::is_tile_file;
    use std::path::Path;

    #[test]
    fn tile_names_are_told_from_strays() {
        for ok in [
            "tile/0/000",
            "tile/0/000.p/1",
            "tile/1/x001/067.p/255",
            "tile/entries/x001/x234/067",
            "tile/entries/001.p/17",
            "tile/12/999",
        ] {
            assert!(is_tile_file(Path::new(ok)), "{ok}");
        }
        for stray in [
            "tile/0/00",
            "tile/0/000.p/0",
            "tile/0/000.p/256",
            "tile/0/000.p/07",
            "tile/0/000.p",
            "tile/01/000",
            "tile/data/000",
            "tile/0/x01/000",
            "tile/0/001/000",
            "tile/0/000/1",
            "tile/000",
            "tile/entries/000.tmp",
        ] {
            assert!(!is_tile_file(Path::new(stray)), "{stray}");
        }
    }
}
