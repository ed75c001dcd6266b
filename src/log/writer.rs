//! The single writer: creating a ledger, taking the lock, repairing a torn
//! tail, rebuilding `hashes`, and durable batched appends that sign only
//! what they have proven against the last signed checkpoint.

use super::fsutil::{
    check_replaceable, check_writable, io_err, open_regular, public_options, read_limited,
    rename_into_place, replace_atomically, sync_dir, tmp_path, write_all_at, DirtyDirs, Refusal,
    RefusedPath,
};
use super::hashes::{Frontier, Overlay, Verified};
use super::tiles::{self, TileKind, TileRef, TILE_HEIGHT, TILE_WIDTH};
use super::{
    blobs, Checkpoint, CheckpointError, Leaf, Log, LogError, CHECKPOINT_FILE, HASHES_FILE,
    LOCK_FILE, PENDING_FILE, TILE_DIR,
};
use crate::digest::Digest;
use signed_note::Signer;
use std::fs::{self, File, TryLockError};
use std::io::{self, BufWriter, Write};
use std::ops::Deref;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};
use tlog_tiles::{
    check_record, prove_record, record_hash, split_stored_hash_index, stored_hash_count,
    stored_hash_index, stored_hashes, tree_hash, Hash, Tile, HASH_SIZE,
};

/// Gives the signed note of a new tree (its checkpoint, a reader of its
/// stored hashes), or refuses it: see [`LogWriter::append_leaves`].
pub(crate) type NoteFor<'a> =
    dyn FnMut(&Checkpoint, &dyn tlog_tiles::HashReader) -> Result<Vec<u8>, LogError> + 'a;

/// Where a test can make [`LogWriter::append`] stop as if the process died.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashPoint {
    /// After hashes, tiles and bundles are durable, before the checkpoint.
    BeforeCheckpoint,
    /// After the new checkpoint, before superseded partial tiles are removed.
    BeforeCleanup,
}

/// The ledger opened for appending: a [`Log`] view that is always current,
/// plus the writer lock (released when dropped).
pub struct LogWriter {
    log: Log,
    _lock: File,
    poisoned: bool,
    crash_at: Option<CrashPoint>,
}

impl Deref for LogWriter {
    type Target = Log;
    fn deref(&self) -> &Log {
        &self.log
    }
}

/// The journal of the append in flight: the tree grows from `old` to `new`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pending {
    old: u64,
    new: u64,
}

const PENDING_MAGIC: &str = "provledger-pending 1";

/// The most entries one append may add. The journal's numbers are checked
/// against it before repair acts on them, so a forged journal cannot make a
/// writer plan (and allocate for) an impossible append.
pub(crate) const MAX_APPEND_ENTRIES: u64 = 1 << 20;

/// The most bytes a journal can hold: its magic line and two 20-digit numbers.
const MAX_PENDING_BYTES: u64 = 128;

impl Pending {
    fn encode(&self) -> Vec<u8> {
        format!("{PENDING_MAGIC}\nold {}\nnew {}\n", self.old, self.new).into_bytes()
    }

    fn read(dir: &Path) -> Result<Option<Pending>, LogError> {
        let path = dir.join(PENDING_FILE);
        let bytes = match read_limited(dir, &path, MAX_PENDING_BYTES, "an append journal") {
            Ok(Some(b)) => b,
            Ok(None) => return Ok(None),
            Err(e) => return Err(io_err("cannot read", &path)(e)),
        };
        let damaged = |why: String| LogError::Damaged {
            path: path.clone(),
            why,
        };
        let text = String::from_utf8(bytes)
            .map_err(|_| damaged("the append journal is not in the expected form".into()))?;
        let parse = || -> Option<Pending> {
            let mut lines = text.lines();
            (lines.next()? == PENDING_MAGIC).then_some(())?;
            let old = lines.next()?.strip_prefix("old ")?.parse().ok()?;
            let new = lines.next()?.strip_prefix("new ")?.parse().ok()?;
            (lines.next().is_none() && old < new).then_some(Pending { old, new })
        };
        let p = parse()
            .ok_or_else(|| damaged("the append journal is not in the expected form".into()))?;
        if p.new - p.old > MAX_APPEND_ENTRIES {
            return Err(LogError::Altered {
                path: path.clone(),
                why: format!(
                    "the append journal records an append from {} to {} entries, but one \
                     append adds at most {MAX_APPEND_ENTRIES}: no writer wrote it",
                    p.old, p.new
                ),
                mend: super::Mend::RemoveJournal,
            });
        }
        Ok(Some(p))
    }
}

/// What an append takes from the tree it extends, each part proven against
/// the signed root by [`LogWriter::verified_base`].
struct Base {
    /// The stored hashes the append reads.
    hashes: Verified,
    /// The entries of the partial entry bundle, which the append rewrites.
    partial: Vec<Vec<u8>>,
    /// The leaf hash of the last entry, which the first new leaf chains to.
    prev: Digest,
}

/// Takes the exclusive lock on `lock`, polling until `wait` has passed.
fn lock(dir: &Path, wait: Option<Duration>) -> Result<File, LogError> {
    let path = dir.join(LOCK_FILE);
    // Readable too: a waiter reads who holds the lock through this handle.
    let file = open_regular(
        &path,
        public_options()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true),
    )
    .map_err(io_err("cannot open the lock file", &path))?;
    let start = Instant::now();
    let deadline = wait.map(|w| start.checked_add(w));
    let mut told = false;
    loop {
        match file.try_lock() {
            Ok(()) => {
                crate::lockwait::taken(&file);
                return Ok(file);
            }
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(e)) => return Err(io_err("cannot lock", &path)(e)),
        }
        // Say once who we wait for (the lock file names its holder).
        if wait.is_some() && !told {
            crate::lockwait::waiting(dir, &file);
            told = true;
        }
        let now = Instant::now();
        match deadline {
            None => {
                return Err(LogError::Locked {
                    dir: dir.to_path_buf(),
                    lock: path,
                    waited: None,
                })
            }
            // A wait too long to represent means forever: block.
            Some(None) => {
                file.lock().map_err(io_err("cannot lock", &path))?;
                crate::lockwait::taken(&file);
                return Ok(file);
            }
            Some(Some(d)) if now >= d => {
                return Err(LogError::Locked {
                    dir: dir.to_path_buf(),
                    lock: path,
                    waited: Some(now - start),
                })
            }
            Some(Some(d)) => thread::sleep((d - now).min(Duration::from_millis(20))),
        }
    }
}

impl Log {
    /// Creates a ledger in `dir` (made if missing) with an empty log whose
    /// origin is `signer`'s key name, and returns it opened for writing.
    /// Refuses a directory that already holds a ledger.
    pub fn create(dir: impl AsRef<Path>, signer: &dyn Signer) -> Result<LogWriter, LogError> {
        let dir = dir.as_ref();
        let mut dirty = DirtyDirs::new(dir);
        dirty.create_dir_all(dir)?;
        refuse_existing(dir)?;
        let lock_file = lock(dir, None)?;
        // Checked again under the lock: another create may have won the race.
        refuse_existing(dir)?;

        let empty = Checkpoint {
            origin: signer.name().to_owned(),
            size: 0,
            root: Digest(tlog_tiles::EMPTY_HASH.0),
        };
        let note = empty.sign(signer).map_err(LogError::Sign)?;
        dirty.create_dir_all(&dir.join(TILE_DIR))?;
        dirty.create_dir_all(&dir.join(blobs::BLOBS_DIR))?;
        dirty.write_file(&dir.join(HASHES_FILE), &[])?;
        dirty.sync()?;
        // The checkpoint last: its presence is what makes this a ledger.
        replace_atomically(&dir.join(CHECKPOINT_FILE), &note)?;
        Ok(LogWriter {
            log: Log::load(dir, true)?,
            _lock: lock_file,
            poisoned: false,
            crash_at: None,
        })
    }

    #[cfg(feature = "remote")]
    /// Opens a mirror's ledger in `dir` for [`LogWriter::append_leaves`]:
    /// the ledger's writer when it has a checkpoint, else (a mirror not yet
    /// pulled) an empty tree of `origin` with no checkpoint file, which the
    /// first append writes; files a first pull left without a checkpoint
    /// are written over.
    pub(crate) fn open_mirror(
        dir: &Path,
        origin: &str,
        wait: Option<Duration>,
    ) -> Result<LogWriter, LogError> {
        let mut dirty = DirtyDirs::new(dir);
        dirty.create_dir_all(dir)?;
        if fs::symlink_metadata(dir.join(CHECKPOINT_FILE)).is_ok() {
            return Log::open_writer(dir, wait);
        }
        let lock_file = lock(dir, wait)?;
        if fs::symlink_metadata(dir.join(CHECKPOINT_FILE)).is_ok() {
            drop(lock_file);
            return Log::open_writer(dir, wait);
        }
        dirty.remove_file(&dir.join(PENDING_FILE))?;
        dirty.create_dir_all(&dir.join(TILE_DIR))?;
        dirty.create_dir_all(&dir.join(blobs::BLOBS_DIR))?;
        dirty.write_file(&dir.join(HASHES_FILE), &[])?;
        dirty.sync()?;
        let hashes = super::hashes::HashFile::open(&dir.join(HASHES_FILE), 0, true)?;
        Ok(LogWriter {
            log: Log {
                dir: dir.to_path_buf(),
                note: Vec::new(),
                checkpoint: Checkpoint {
                    origin: origin.to_owned(),
                    size: 0,
                    root: Digest(tlog_tiles::EMPTY_HASH.0),
                },
                hashes,
            },
            _lock: lock_file,
            poisoned: false,
            crash_at: None,
        })
    }

    /// Opens the ledger in `dir` for appending: takes the writer lock (waiting
    /// up to `wait`, or failing at once for `None`), repairs a torn tail
    /// left by an append that crashed before its checkpoint, and rebuilds a
    /// missing or cut-short `hashes` from the entry bundles (it is derived).
    pub fn open_writer(
        dir: impl AsRef<Path>,
        wait: Option<Duration>,
    ) -> Result<LogWriter, LogError> {
        Log::open_writer_inner(dir.as_ref(), wait, false, &mut |_, _| {})
    }

    /// [`Log::open_writer`], then rebuilds `hashes` from the entry bundles
    /// whatever state it is in (the way out when an append reports it
    /// damaged), calling `progress` with (entries done, entries in all).
    /// The rebuilt tree must have the checkpoint's root; if it does not,
    /// the old file stays in place. O(entries).
    pub fn open_writer_rebuilding_hashes(
        dir: impl AsRef<Path>,
        wait: Option<Duration>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<LogWriter, LogError> {
        Log::open_writer_inner(dir.as_ref(), wait, true, progress)
    }

    fn open_writer_inner(
        dir: &Path,
        wait: Option<Duration>,
        always_rebuild: bool,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<LogWriter, LogError> {
        // Not `is_file`: a link or FIFO there is refused by name below.
        if fs::symlink_metadata(dir.join(CHECKPOINT_FILE)).is_err() {
            return Err(LogError::NotALedger {
                dir: dir.to_path_buf(),
                why: format!("it has no {CHECKPOINT_FILE} file"),
            });
        }
        let lock_file = lock(dir, wait)?;
        repair(dir)?;
        if always_rebuild || hashes_need_rebuild(dir)? {
            rebuild_hashes(dir, progress)?;
        }
        Ok(LogWriter {
            log: Log::load(dir, true)?,
            _lock: lock_file,
            poisoned: false,
            crash_at: None,
        })
    }
}

/// Refuses to create a ledger over files that look like one.
fn refuse_existing(dir: &Path) -> Result<(), LogError> {
    let exists = |found: &Path| LogError::AlreadyExists {
        dir: dir.to_path_buf(),
        found: found.to_path_buf(),
    };
    let cp = dir.join(CHECKPOINT_FILE);
    if cp.exists() {
        return Err(exists(&cp));
    }
    // A create that crashed before its checkpoint leaves an empty `hashes`
    // and empty directories; anything more is somebody's data.
    let hashes = dir.join(HASHES_FILE);
    if fs::metadata(&hashes).is_ok_and(|m| m.len() > 0) {
        return Err(exists(&hashes));
    }
    let tile = dir.join(TILE_DIR);
    if fs::read_dir(&tile).is_ok_and(|mut rd| rd.next().is_some()) {
        return Err(exists(&tile));
    }
    Ok(())
}

/// Brings the files past the checkpoint back in line with it, using the
/// journal: an append that died before its checkpoint is undone (its new
/// tiles removed, `hashes` truncated); one that died after it is finished
/// (the partial tiles it superseded removed). O(tiles in one batch).
fn repair(dir: &Path) -> Result<(), LogError> {
    let cp_path = dir.join(CHECKPOINT_FILE);
    let note = super::read_checkpoint(dir)?.ok_or_else(|| LogError::NotALedger {
        dir: dir.to_path_buf(),
        why: format!("it has no {CHECKPOINT_FILE} file"),
    })?;
    let cp = Checkpoint::parse_unverified(&note).map_err(|source| LogError::Checkpoint {
        path: cp_path.clone(),
        source,
    })?;
    let mut dirty = DirtyDirs::new(dir);
    // Temporaries of an interrupted atomic replace are never the real thing.
    dirty.remove_file(&tmp_path(&cp_path))?;
    dirty.remove_file(&tmp_path(&dir.join(PENDING_FILE)))?;
    dirty.remove_file(&tmp_path(&dir.join(HASHES_FILE)))?;

    if let Some(p) = Pending::read(dir)? {
        if cp.size == p.old {
            for t in tiles::new_tiles(p.old, p.new) {
                dirty.remove_file(&dir.join(t.path()))?;
                dirty.remove_empty_dir(&tiles::partial_dir_of(dir, t));
            }
        } else if cp.size == p.new {
            remove_superseded(dir, p.old, p.new, &mut dirty)?;
        } else {
            return Err(LogError::Damaged {
                path: dir.join(PENDING_FILE),
                why: format!(
                    "the journal records an append from {} to {} entries, but the checkpoint \
                     has {}; restore the ledger from a copy",
                    p.old, p.new, cp.size
                ),
            });
        }
    }

    // Whatever the journal said, nothing past the checkpoint's hashes counts.
    // A missing `hashes` is rebuilt afterwards.
    let hashes = dir.join(HASHES_FILE);
    let want = stored_hash_count(cp.size) * HASH_SIZE as u64;
    let f = match open_regular(&hashes, File::options().write(true)) {
        Ok(f) => Some(f),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(io_err("cannot open", &hashes)(e)),
    };
    if let Some(f) = f {
        truncate_to(&f, &hashes, want)?;
    }
    dirty.sync()?;
    // Only now, with the repair durable, may the journal go.
    dirty.remove_file(&dir.join(PENDING_FILE))?;
    dirty.sync()
}

/// Cuts `f` (the file at `path`) to `want` bytes if it is longer.
fn truncate_to(f: &File, path: &Path, want: u64) -> Result<(), LogError> {
    let len = f.metadata().map_err(io_err("cannot stat", path))?.len();
    if len > want {
        f.set_len(want).map_err(io_err("cannot truncate", path))?;
        f.sync_all().map_err(io_err("cannot sync", path))?;
    }
    Ok(())
}

/// The signed checkpoint of `dir`, parsed but not verified.
fn read_checkpoint(dir: &Path) -> Result<Checkpoint, LogError> {
    let cp_path = dir.join(CHECKPOINT_FILE);
    let note = super::read_checkpoint(dir)?.ok_or_else(|| LogError::NotALedger {
        dir: dir.to_path_buf(),
        why: format!("it has no {CHECKPOINT_FILE} file"),
    })?;
    Checkpoint::parse_unverified(&note).map_err(|source| LogError::Checkpoint {
        path: cp_path,
        source,
    })
}

/// Whether `hashes` is missing or shorter than the checkpoint needs (after
/// [`repair`], it is never longer).
fn hashes_need_rebuild(dir: &Path) -> Result<bool, LogError> {
    let cp = read_checkpoint(dir)?;
    let path = dir.join(HASHES_FILE);
    // Not following a link: a `hashes` that is a link or special file is
    // refused by name, not measured through it.
    match fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() => Ok(m.len() != stored_hash_count(cp.size) * HASH_SIZE as u64),
        Ok(m) => {
            let why = super::fsutil::special_kind(&m).map_or(Refusal::Directory, Refusal::Special);
            Err(LogError::Refused(RefusedPath { path, why }))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(io_err("cannot stat", &path)(e)),
    }
}

/// Rebuilds `hashes` from the entry bundles (the only copy of the leaves,
/// so the one source that cannot be stale), checks that the rebuilt tree
/// has the checkpoint's root, and only then puts it in place atomically.
/// O(entries); `progress` gets (entries done, entries in all).
fn rebuild_hashes(dir: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<(), LogError> {
    let cp = read_checkpoint(dir)?;
    let size = cp.size;
    let path = dir.join(HASHES_FILE);
    let tmp = tmp_path(&path);
    let file = super::fsutil::create_public(&tmp).map_err(io_err("cannot create", &tmp))?;
    let mut out = BufWriter::with_capacity(1 << 16, file);
    let mut frontier = Frontier::default();
    progress(0, size);
    let written = (|| {
        for k in 0..size.div_ceil(TILE_WIDTH) {
            let start = k * TILE_WIDTH;
            let width = (size - start).min(TILE_WIDTH);
            for (i, entry) in (start..).zip(read_bundle(dir, k, width)?) {
                let hs = stored_hashes(i, &entry, &frontier)
                    .expect("the frontier holds every hash tlog needs to add records in order");
                for (level, h) in (0u8..).zip(hs) {
                    frontier.set(level, i >> level, h);
                    out.write_all(&h.0).map_err(io_err("cannot write", &tmp))?;
                }
            }
            progress(start + width, size);
        }
        let root = tree_hash(size, &frontier).expect("frontier");
        if root.0 != cp.root.0 {
            return Err(LogError::Altered {
                path: dir.join(TILE_DIR).join("entries"),
                why: format!(
                    "the entry bundles give the tree of {size} entries root {}, but {} says {}, \
                     so {HASHES_FILE} cannot be rebuilt from them (it was left as it was)",
                    Digest(root.0),
                    CHECKPOINT_FILE,
                    cp.root
                ),
                mend: super::Mend::RestoreFromCopy,
            });
        }
        let file = out
            .into_inner()
            .map_err(|e| io_err("cannot write", &tmp)(e.into_error()))?;
        file.sync_all().map_err(io_err("cannot sync", &tmp))
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    fs::rename(&tmp, &path).map_err(io_err("cannot rename into place", &path))?;
    sync_dir(dir)
}

/// The `width` entries of entry bundle `n` of the ledger in `dir`.
pub(super) fn read_bundle(dir: &Path, n: u64, width: u64) -> Result<Vec<Vec<u8>>, LogError> {
    let t = TileRef::entries(n, width);
    let path = dir.join(t.path());
    let (bytes, _) = tiles::read_tile(dir, t)
        .map_err(io_err("cannot read", &path))?
        .ok_or_else(|| LogError::Damaged {
            path: path.clone(),
            why: format!(
                "the entry bundle is missing (needed for entries {}..{})",
                n * TILE_WIDTH,
                n * TILE_WIDTH + width
            ),
        })?;
    tiles::parse_bundle(&bytes, width, false).map_err(|e| LogError::Damaged {
        path,
        why: format!(
            "entry bundle is malformed at entry {}: {}",
            n * TILE_WIDTH + e.at as u64,
            e.why
        ),
    })
}

/// Removes the partial tiles of the tree of size `old` that the tree of size
/// `new` replaced by wider ones, and `.p` directories left empty.
fn remove_superseded(
    dir: &Path,
    old: u64,
    new: u64,
    dirty: &mut DirtyDirs,
) -> Result<(), LogError> {
    let keep = tiles::partial_tiles(new);
    for t in tiles::partial_tiles(old) {
        if !keep.contains(&t) {
            dirty.remove_file(&dir.join(t.path()))?;
            dirty.remove_empty_dir(&tiles::partial_dir_of(dir, t));
        }
    }
    Ok(())
}

impl LogWriter {
    /// Appends `statements` as one batch of chained leaves, all logged at
    /// `logged_at`, and returns their sequence numbers once the new
    /// checkpoint, signed by the operator key `signer`, is durable.
    ///
    /// Everything is checked and computed before the first byte is written:
    /// the signer (its own valid signature must be on the checkpoint being
    /// extended), every stored hash of the current tree the append reads
    /// (each proven against the signed root),
    /// leaf sizes. The files are fsynced once per batch. Cost depends on
    /// the batch, not on the size of the log (beyond the tree's depth).
    pub fn append(
        &mut self,
        statements: &[Vec<u8>],
        logged_at: u64,
        signer: &dyn Signer,
    ) -> Result<Vec<u64>, LogError> {
        if self.poisoned {
            return Err(LogError::Poisoned {
                dir: self.log.dir.clone(),
            });
        }
        self.check_own_checkpoint(signer)?;
        if statements.is_empty() {
            return Ok(Vec::new());
        }
        if statements.len() as u64 > MAX_APPEND_ENTRIES {
            return Err(LogError::BadRequest(format!(
                "a batch of {} statements is more than one append may add \
                 (at most {MAX_APPEND_ENTRIES}); append it in parts",
                statements.len()
            )));
        }
        let old = self.log.size();
        let base = self.verified_base()?;

        // Leaves, chained.
        let mut prev = base.prev;
        let mut leaves = Vec::with_capacity(statements.len());
        for (seq, statement) in (old..).zip(statements) {
            let bytes = Leaf {
                seq,
                prev,
                logged_at,
                statement: statement.clone(),
            }
            .encode()?;
            prev = Leaf::hash_bytes(&bytes);
            leaves.push(bytes);
        }
        self.write_leaves(base, &leaves, &mut |cp, _| {
            cp.sign(signer).map_err(LogError::Sign)
        })
    }

    #[cfg(feature = "remote")]
    /// Appends leaves made elsewhere — a mirror's, fetched from the log it
    /// copies — under a checkpoint signed elsewhere: `note` is called with
    /// the checkpoint of the new tree and a reader of its stored hashes
    /// before anything is written, and returns the signed note to store
    /// (or refuses, and nothing is written). Each leaf must be entry `seq`
    /// of the log and chain to the one before ([`LogError::BadEntry`]
    /// otherwise). The caller checks the note's signature.
    pub(crate) fn append_leaves(
        &mut self,
        leaves: &[Vec<u8>],
        note: &mut NoteFor<'_>,
    ) -> Result<Vec<u64>, LogError> {
        if self.poisoned {
            return Err(LogError::Poisoned {
                dir: self.log.dir.clone(),
            });
        }
        if leaves.is_empty() {
            return Ok(Vec::new());
        }
        if leaves.len() as u64 > MAX_APPEND_ENTRIES {
            return Err(LogError::BadRequest(format!(
                "{} entries are more than one append may add (at most {MAX_APPEND_ENTRIES})",
                leaves.len()
            )));
        }
        let old = self.log.size();
        let base = if old == 0 {
            Base {
                hashes: Verified::default(),
                partial: Vec::new(),
                prev: Digest::ZERO,
            }
        } else {
            self.verified_base()?
        };
        let mut prev = base.prev;
        for (seq, bytes) in (old..).zip(leaves) {
            let bad = |why: String| LogError::BadRequest(format!("entry {seq}: {why}"));
            let leaf = Leaf::decode(bytes).map_err(|source| LogError::BadEntry {
                dir: self.log.dir.clone(),
                seq,
                source,
            })?;
            if leaf.seq != seq {
                return Err(bad(format!("it says it is entry {}", leaf.seq)));
            }
            if leaf.prev != prev {
                return Err(bad(format!(
                    "its prev is {}, not the leaf hash of entry {} ({})",
                    leaf.prev.to_hex(),
                    seq.wrapping_sub(1),
                    prev.to_hex()
                )));
            }
            prev = Leaf::hash_bytes(bytes);
        }
        self.write_leaves(base, leaves, note)
    }

    /// The part of an append after its leaves are made: stored hashes,
    /// tiles, bundles, the checkpoint `note` gives for the new tree, each
    /// durable in turn.
    fn write_leaves(
        &mut self,
        base: Base,
        leaves: &[Vec<u8>],
        note: &mut NoteFor<'_>,
    ) -> Result<Vec<u64>, LogError> {
        let old = self.log.size();
        let new = old + leaves.len() as u64;
        // Stored hashes, root and tiles, all in memory, from the verified
        // hashes of the old tree and the new leaves only.
        let hash_err = |e: tlog_tiles::Error| LogError::Damaged {
            path: self.log.hashes.path.clone(),
            why: e.to_string(),
        };
        let base_count = self.log.hashes.count;
        let mut new_hashes: Vec<Hash> = Vec::new();
        for (seq, bytes) in (old..).zip(leaves) {
            let r = Overlay {
                base: &base.hashes,
                base_count,
                new: &new_hashes,
            };
            let hs = stored_hashes(seq, bytes, &r).map_err(hash_err)?;
            new_hashes.extend(hs);
        }
        let all = Overlay {
            base: &base.hashes,
            base_count,
            new: &new_hashes,
        };
        let root = Digest(tree_hash(new, &all).map_err(hash_err)?.0);
        let mut files: Vec<(TileRef, Vec<u8>)> = Vec::new();
        for t in tiles::new_tiles(old, new) {
            let data = match t.kind {
                TileKind::Hashes(level) => {
                    let width = u32::try_from(t.width).expect("tile width <= 256");
                    Tile::new(TILE_HEIGHT, level, t.n, width, false)
                        .read_data(&all)
                        .map_err(hash_err)?
                }
                TileKind::Entries => {
                    let start = t.n * TILE_WIDTH;
                    let mut bundle = Vec::new();
                    if start < old {
                        for e in &base.partial {
                            tiles::push_entry(&mut bundle, e);
                        }
                    }
                    for seq in start.max(old)..start + t.width {
                        tiles::push_entry(&mut bundle, &leaves[(seq - old) as usize]);
                    }
                    bundle
                }
            };
            files.push((t, data));
        }
        let cp = Checkpoint {
            origin: self.log.origin().to_owned(),
            size: new,
            root,
        };
        let note = note(&cp, &all)?;
        // A link planted where a new file goes is refused before anything
        // is written, rather than followed out of the ledger.
        for (t, _) in &files {
            check_writable(&self.log.dir, &self.log.dir.join(t.path()))?;
        }

        check_replaceable(&self.log.dir.join(CHECKPOINT_FILE))?;

        // From here on the disk changes. If anything fails, the in-memory
        // view may no longer match the disk: only a reopen (and its repair)
        // may append again.
        self.poisoned = true;
        let dir = self.log.dir.clone();
        replace_atomically(&dir.join(PENDING_FILE), &Pending { old, new }.encode())?;

        // One round of fsyncs for everything the checkpoint will cover: the
        // new stored hashes, every new tile and bundle, their directories,
        // and the checkpoint's temporary file (not the checkpoint until it
        // is renamed), written and fsynced at once (DirtyDirs::
        // write_all_synced). All of it is durable before the rename below.
        let hashes_path = self.log.hashes.path.clone();
        let hashes_file = &self.log.hashes.file;
        let base = self.log.hashes.count * HASH_SIZE as u64;
        let bytes: Vec<u8> = new_hashes.iter().flat_map(|h| h.0).collect();
        let write_hashes = || {
            hashes_file
                .set_len(base)
                .and_then(|()| write_all_at(hashes_file, &bytes, base))
                .and_then(|()| hashes_file.sync_all())
                .map_err(io_err("cannot write", &hashes_path))
        };
        let cp_path = dir.join(CHECKPOINT_FILE);
        let mut writes: Vec<(std::path::PathBuf, &[u8])> = files
            .iter()
            .map(|(t, data)| (dir.join(t.path()), data.as_slice()))
            .collect();
        writes.push((tmp_path(&cp_path), note.as_slice()));
        let mut dirty = DirtyDirs::new(&dir);
        dirty.write_all_synced(&writes, vec![Box::new(write_hashes)])?;
        if self.crash_at == Some(CrashPoint::BeforeCheckpoint) {
            return Err(LogError::SimulatedCrash);
        }

        // The commit point.
        rename_into_place(&cp_path)?;
        self.log.note = note;
        self.log.checkpoint = cp;
        self.log.hashes.count = stored_hash_count(new);
        if self.crash_at == Some(CrashPoint::BeforeCleanup) {
            return Err(LogError::SimulatedCrash);
        }

        // Tidying up is not part of the append: if it fails, the journal
        // stays and the next open_writer finishes it. Nor is it fsynced
        // here (the append is durable already, and the answer should not
        // wait for two more rounds of fsyncs). On ext4 the next journal
        // commit makes the removals durable; elsewhere they may stay
        // undurable. If a crash loses them with the journal's removal, the
        // next open_writer finishes them; if it loses only the tiles'
        // removal, a superseded partial tile stays for good: it holds the
        // first items of the wider one, the same bytes the server would cut
        // from the wider file.
        let mut dirty = DirtyDirs::new(&dir);
        if remove_superseded(&dir, old, new, &mut dirty).is_ok() {
            let _ = fs::remove_file(dir.join(PENDING_FILE));
        }
        self.poisoned = false;
        Ok((old..new).collect())
    }

    /// Checks that the checkpoint this append extends carries a valid
    /// signature by `signer` ([`Log::check_signer`]).
    fn check_own_checkpoint(&self, signer: &dyn Signer) -> Result<(), LogError> {
        self.log.check_signer(signer)
    }

    /// Proves, against the root of the signed checkpoint, every hash of the
    /// current tree that an append reads: the right edge of the tree (which
    /// new hashes and the new root are computed from), the partial hash
    /// tiles it republishes wider, the leaf hashes of the partial entry
    /// bundle (recomputed from the entries it rewrites) and the leaf hash
    /// the first new leaf chains to. Costs at most a tile (256 hashes) per
    /// tile level (one level per factor of 256 in size) plus one inclusion
    /// proof. A stored hash that disagrees stops the append, naming the
    /// file at fault and how to rebuild it.
    fn verified_base(&self) -> Result<Base, LogError> {
        let size = self.log.size();
        let mut base = Base {
            hashes: Verified::default(),
            partial: Vec::new(),
            prev: Digest::ZERO,
        };
        if size == 0 {
            return Ok(base);
        }
        let w0 = size % TILE_WIDTH;
        if w0 > 0 {
            base.partial = self.log.bundle(size / TILE_WIDTH)?;
        }
        let leaves: Vec<Hash> = base.partial.iter().map(|e| record_hash(e)).collect();
        // Tile level L > 0: the hashes at tree level 8·L of the partial tile.
        let mut upper: Vec<(u8, u64, Vec<Hash>)> = Vec::new();
        for l in tiles::hash_levels(size).filter(|&l| l > 0) {
            let count = size >> (u32::from(l) * u32::from(TILE_HEIGHT));
            let first = count - count % TILE_WIDTH;
            let level = l * TILE_HEIGHT;
            let hs = (first..count)
                .map(|n| self.log.hashes.read(stored_hash_index(level, n)))
                .collect::<Result<Vec<_>, _>>()?;
            if !hs.is_empty() {
                upper.push((l, first, hs));
            }
        }

        let first0 = size - w0;
        let build = |leaves: &[Hash], upper: &[(u8, u64, Vec<Hash>)]| {
            let mut v = Verified::default();
            v.add_tile(0, first0, leaves);
            for (l, first, hs) in upper {
                v.add_tile(l * TILE_HEIGHT, *first, hs);
            }
            let root = tree_hash(size, &v).expect("a tile per level holds the right edge");
            (v, root.0 == self.log.root().0)
        };
        let (verified, ok) = build(&leaves, &upper);
        if !ok {
            return Err(self.diagnose_root(&base.partial, &leaves, first0, upper, build));
        }

        // The signed root is proven; `hashes` must agree with every hash of
        // it the append relies on (the tile bases above level 0 were read
        // from it, so they do).
        let read: std::collections::BTreeSet<u64> = upper
            .iter()
            .flat_map(|(l, first, hs)| {
                let level = l * TILE_HEIGHT;
                (*first..first + hs.len() as u64).map(move |n| stored_hash_index(level, n))
            })
            .collect();
        for (i, h) in verified.iter().filter(|(i, _)| !read.contains(i)) {
            if self.log.hashes.read(i)? != h {
                return Err(self.hashes_damaged_at(i));
            }
        }
        base.prev = match leaves.last() {
            Some(h) => Digest(h.0),
            None => self.verified_last_leaf()?,
        };
        base.hashes = verified;
        Ok(base)
    }

    /// The leaf hash of the last entry when it ends a full bundle (so no
    /// partial tile holds it), recomputed from the entry and proven by an
    /// inclusion proof against the signed root.
    fn verified_last_leaf(&self) -> Result<Digest, LogError> {
        let size = self.log.size();
        let seq = size - 1;
        let h = record_hash(&self.log.entry(seq)?);
        let root = Hash(self.log.root().0);
        let stored = self.log.hashes.read(stored_hash_index(0, seq))?;
        let proof = prove_record(size, seq, &self.log.hashes).ok();
        let proves = |leaf| {
            proof
                .as_ref()
                .is_some_and(|p| check_record(p, size, root, seq, leaf).is_ok())
        };
        if proves(h) {
            if stored != h {
                return Err(self.hashes_damaged_at(stored_hash_index(0, seq)));
            }
            return Ok(Digest(h.0));
        }
        if proves(stored) {
            return Err(self.entry_altered(seq));
        }
        Err(LogError::Derived {
            path: self.log.hashes.path.clone(),
            why: format!(
                "its stored hashes on the path of entry {seq} do not lead to the root of the \
                 signed {CHECKPOINT_FILE}; nothing was appended"
            ),
        })
    }

    /// Says which file is at fault when the right edge rebuilt from `hashes`
    /// and the partial entry bundle does not give the signed root: the
    /// bundle (if `hashes`' leaf hashes would have), or `hashes` (if the
    /// hash tiles would have; pinned on the first stored hash that differs
    /// from its tile), or both derived files.
    fn diagnose_root(
        &self,
        partial: &[Vec<u8>],
        leaves: &[Hash],
        first0: u64,
        upper: Vec<(u8, u64, Vec<Hash>)>,
        build: impl Fn(&[Hash], &[(u8, u64, Vec<Hash>)]) -> (Verified, bool),
    ) -> LogError {
        let stored: Option<Vec<Hash>> = (first0..first0 + leaves.len() as u64)
            .map(|n| self.log.hashes.read(stored_hash_index(0, n)).ok())
            .collect();
        if let Some(stored) = stored.filter(|s| build(s, &upper).1) {
            if let Some(j) = (0..partial.len()).find(|&j| leaves[j] != stored[j]) {
                return self.entry_altered(first0 + j as u64);
            }
        }
        // The hash tiles hold the same tile bases: if theirs give the signed
        // root, the first stored hash that differs is the damage.
        let from_tiles: Option<Vec<(u8, u64, Vec<Hash>)>> = upper
            .iter()
            .map(|(l, first, hs)| {
                let t = TileRef::hashes(*l, first / TILE_WIDTH, hs.len() as u64);
                let (bytes, _) = tiles::read_tile(&self.log.dir, t).ok()??;
                let got: Vec<Hash> = tiles::tile_hashes(&bytes, t.width)
                    .into_iter()
                    .map(Hash)
                    .collect();
                (got.len() == hs.len()).then_some((*l, *first, got))
            })
            .collect();
        if let Some(tiled) = from_tiles.filter(|t| build(leaves, t).1) {
            for ((l, first, hs), (_, _, good)) in upper.iter().zip(&tiled) {
                if let Some(k) = (0..hs.len()).find(|&k| hs[k] != good[k]) {
                    let n = first + k as u64;
                    return self.hashes_damaged_at(stored_hash_index(l * TILE_HEIGHT, n));
                }
            }
        }
        LogError::Derived {
            path: self.log.hashes.path.clone(),
            why: format!(
                "its stored hashes for the tree of {} entries do not give the root of the \
                 signed {CHECKPOINT_FILE}; nothing was appended",
                self.log.size()
            ),
        }
    }

    /// `hashes` is wrong at stored hash `index`.
    fn hashes_damaged_at(&self, index: u64) -> LogError {
        let (level, n) = split_stored_hash_index(index);
        let what = if level == 0 {
            format!("the leaf hash of entry {n}")
        } else {
            let first = n << level;
            format!(
                "the hash of entries {first}..{} at level {level}",
                (n + 1) << level
            )
        };
        LogError::Derived {
            path: self.log.hashes.path.clone(),
            why: format!(
                "stored hash {index} ({what}) is not the one the signed {CHECKPOINT_FILE} \
                 covers; nothing was appended"
            ),
        }
    }

    /// Entry `seq` does not hash to the leaf hash the signed root covers.
    fn entry_altered(&self, seq: u64) -> LogError {
        let size = self.log.size();
        let k = seq / TILE_WIDTH;
        let t = TileRef::entries(k, (size - k * TILE_WIDTH).min(TILE_WIDTH));
        LogError::Altered {
            path: self.log.dir.join(t.path()),
            why: format!(
                "entry {seq} is not the entry the signed {CHECKPOINT_FILE} covers (its leaf \
                 hash differs): the entry was altered; nothing was appended"
            ),
            mend: super::Mend::RestoreFromCopy,
        }
    }

    /// Makes the next append stop at `point` as if the process had died
    /// there (tests only).
    #[doc(hidden)]
    pub fn crash_at(&mut self, point: Option<CrashPoint>) {
        self.crash_at = point;
    }
}

impl Log {
    /// Checks that the current checkpoint carries a valid signature by
    /// `signer`, the key that must sign the next one (found by key name and
    /// id; lines by other keys are ignored, and the next checkpoint will not
    /// carry them).
    pub(crate) fn check_signer(&self, signer: &dyn Signer) -> Result<(), LogError> {
        check_signer_of(
            &self.dir,
            &self.note,
            &self.checkpoint,
            self.origin(),
            signer,
        )
    }

    /// [`Log::check_signer`] for the ledger in `dir`, reading only its
    /// checkpoint: nothing is written and no lock is taken, so a command
    /// can refuse a wrong key before it changes anything.
    pub(crate) fn check_signer_in(dir: &Path, signer: &dyn Signer) -> Result<(), LogError> {
        let Some(note) = super::read_checkpoint(dir)? else {
            return Err(LogError::NotALedger {
                dir: dir.to_path_buf(),
                why: format!("it has no {CHECKPOINT_FILE} file"),
            });
        };
        let checkpoint =
            Checkpoint::parse_unverified(&note).map_err(|source| LogError::Checkpoint {
                path: dir.join(CHECKPOINT_FILE),
                source,
            })?;
        check_signer_of(dir, &note, &checkpoint, &checkpoint.origin, signer)
    }
}

fn check_signer_of(
    dir: &Path,
    note: &[u8],
    checkpoint: &Checkpoint,
    origin: &str,
    signer: &dyn Signer,
) -> Result<(), LogError> {
    let wrong_signer = || LogError::WrongSigner {
        key: signer.name().to_owned(),
        key_id: signer.key_id(),
        origin: origin.to_owned(),
        origin_ids: checkpoint.origin_key_ids(note).unwrap_or_default(),
    };
    if signer.name() != origin {
        return Err(wrong_signer());
    }
    match Checkpoint::verify_own(note, signer) {
        Ok(_) => Ok(()),
        Err(CheckpointError::NotSignedBy { .. }) => Err(wrong_signer()),
        Err(source) => Err(LogError::Checkpoint {
            path: dir.join(CHECKPOINT_FILE),
            source,
        }),
    }
}
