//! The single writer: creating a ledger, taking the lock, repairing a torn
//! tail, and durable batched appends.

use super::fsutil::{io_err, replace_atomically, tmp_path, write_all_at, DirtyDirs};
use super::hashes::Overlay;
use super::tiles::{self, TileKind, TileRef, TILE_HEIGHT, TILE_WIDTH};
use super::{
    blobs, Checkpoint, Leaf, Log, LogError, CHECKPOINT_FILE, HASHES_FILE, LOCK_FILE, PENDING_FILE,
    TILE_DIR,
};
use crate::digest::Digest;
use signed_note::Signer;
use std::fs::{self, File, TryLockError};
use std::io;
use std::ops::Deref;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};
use tlog_tiles::{stored_hash_count, stored_hashes, tree_hash, Hash, Tile, HASH_SIZE};

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

impl Pending {
    fn encode(&self) -> Vec<u8> {
        format!("{PENDING_MAGIC}\nold {}\nnew {}\n", self.old, self.new).into_bytes()
    }

    fn read(dir: &Path) -> Result<Option<Pending>, LogError> {
        let path = dir.join(PENDING_FILE);
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err("cannot read", &path)(e)),
        };
        let parse = || -> Option<Pending> {
            let mut lines = text.lines();
            (lines.next()? == PENDING_MAGIC).then_some(())?;
            let old = lines.next()?.strip_prefix("old ")?.parse().ok()?;
            let new = lines.next()?.strip_prefix("new ")?.parse().ok()?;
            (lines.next().is_none() && old < new).then_some(Pending { old, new })
        };
        parse().map(Some).ok_or_else(|| LogError::Damaged {
            path,
            why: "the append journal is not in the expected form".into(),
        })
    }
}

/// Takes the exclusive lock on `lock`, polling until `wait` has passed.
fn lock(dir: &Path, wait: Option<Duration>) -> Result<File, LogError> {
    let path = dir.join(LOCK_FILE);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
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
            crate::lockwait::waiting(dir, &path);
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
        let mut dirty = DirtyDirs::default();
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

    /// Opens the ledger in `dir` for appending: takes the writer lock (waiting
    /// up to `wait`, or failing at once for `None`), then repairs a torn tail
    /// left by an append that crashed before its checkpoint.
    pub fn open_writer(
        dir: impl AsRef<Path>,
        wait: Option<Duration>,
    ) -> Result<LogWriter, LogError> {
        let dir = dir.as_ref();
        if !dir.join(CHECKPOINT_FILE).is_file() {
            return Err(LogError::NotALedger {
                dir: dir.to_path_buf(),
                why: format!("it has no {CHECKPOINT_FILE} file"),
            });
        }
        let lock_file = lock(dir, wait)?;
        repair(dir)?;
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
    let note = fs::read(&cp_path).map_err(io_err("cannot read", &cp_path))?;
    let cp = Checkpoint::parse_unverified(&note).map_err(|source| LogError::Checkpoint {
        path: cp_path.clone(),
        source,
    })?;
    let mut dirty = DirtyDirs::default();
    // Temporaries of an interrupted atomic replace are never the real thing.
    dirty.remove_file(&tmp_path(&cp_path))?;
    dirty.remove_file(&tmp_path(&dir.join(PENDING_FILE)))?;

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
    let hashes = dir.join(HASHES_FILE);
    let want = stored_hash_count(cp.size) * HASH_SIZE as u64;
    let f = File::options()
        .write(true)
        .open(&hashes)
        .map_err(io_err("cannot open", &hashes))?;
    let len = f.metadata().map_err(io_err("cannot stat", &hashes))?.len();
    if len > want {
        f.set_len(want)
            .map_err(io_err("cannot truncate", &hashes))?;
        f.sync_all().map_err(io_err("cannot sync", &hashes))?;
    }
    dirty.sync()?;
    // Only now, with the repair durable, may the journal go.
    dirty.remove_file(&dir.join(PENDING_FILE))?;
    dirty.sync()
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
    /// Everything is checked (signer, leaf sizes) and computed before the
    /// first byte is written; the files are fsynced once per batch. Cost
    /// depends on the batch, not on the size of the log.
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
        if signer.name() != self.log.origin() || signer.key_id() != self.log.operator_key_id {
            return Err(LogError::WrongSigner {
                key: signer.name().to_owned(),
                key_id: signer.key_id(),
                origin: self.log.origin().to_owned(),
                origin_id: self.log.operator_key_id,
            });
        }
        if statements.is_empty() {
            return Ok(Vec::new());
        }
        let old = self.log.size();
        let new = old + statements.len() as u64;

        // Leaves, chained.
        let mut prev = match old {
            0 => Digest::ZERO,
            _ => self.log.leaf_hash(old - 1)?,
        };
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

        // Stored hashes, root and tiles, all in memory.
        let hash_err = |e: tlog_tiles::Error| LogError::Damaged {
            path: self.log.hashes.path.clone(),
            why: e.to_string(),
        };
        let mut new_hashes: Vec<Hash> = Vec::new();
        for (seq, bytes) in (old..).zip(&leaves) {
            let r = Overlay {
                file: &self.log.hashes,
                new: &new_hashes,
            };
            let hs = stored_hashes(seq, bytes, &r).map_err(hash_err)?;
            new_hashes.extend(hs);
        }
        let all = Overlay {
            file: &self.log.hashes,
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
                        for e in self.log.bundle(t.n)? {
                            tiles::push_entry(&mut bundle, &e);
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
        let note = cp.sign(signer).map_err(LogError::Sign)?;

        // From here on the disk changes. If anything fails, the in-memory
        // view may no longer match the disk: only a reopen (and its repair)
        // may append again.
        self.poisoned = true;
        let dir = self.log.dir.clone();
        replace_atomically(&dir.join(PENDING_FILE), &Pending { old, new }.encode())?;

        let hashes_path = self.log.hashes.path.clone();
        let hashes_file = &self.log.hashes.file;
        let base = self.log.hashes.count * HASH_SIZE as u64;
        let bytes: Vec<u8> = new_hashes.iter().flat_map(|h| h.0).collect();
        hashes_file
            .set_len(base)
            .and_then(|()| write_all_at(hashes_file, &bytes, base))
            .and_then(|()| hashes_file.sync_all())
            .map_err(io_err("cannot write", &hashes_path))?;

        let mut dirty = DirtyDirs::default();
        for (t, data) in &files {
            dirty.write_file(&dir.join(t.path()), data)?;
        }
        dirty.sync()?;
        if self.crash_at == Some(CrashPoint::BeforeCheckpoint) {
            return Err(LogError::SimulatedCrash);
        }

        // The commit point.
        replace_atomically(&dir.join(CHECKPOINT_FILE), &note)?;
        self.log.note = note;
        self.log.checkpoint = cp;
        self.log.hashes.count = stored_hash_count(new);
        if self.crash_at == Some(CrashPoint::BeforeCleanup) {
            return Err(LogError::SimulatedCrash);
        }

        // Tidying up is not part of the append: if it fails, the journal
        // stays and the next open_writer finishes it.
        let mut dirty = DirtyDirs::default();
        if remove_superseded(&dir, old, new, &mut dirty).is_ok() && dirty.sync().is_ok() {
            let _ = fs::remove_file(dir.join(PENDING_FILE));
        }
        self.poisoned = false;
        Ok((old..new).collect())
    }

    /// Makes the next append stop at `point` as if the process had died
    /// there (tests only).
    #[doc(hidden)]
    pub fn crash_at(&mut self, point: Option<CrashPoint>) {
        self.crash_at = point;
    }
}
