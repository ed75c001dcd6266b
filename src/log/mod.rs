//! The transparency log: opaque statement bytes in, a durable C2SP log out.
//!
//! A ledger directory holds
//!
//! | path | what |
//! |---|---|
//! | `checkpoint` | c2sp.org/tlog-checkpoint in a c2sp.org/signed-note by the operator key (key name = origin) |
//! | `tile/<L>/<N>[.p/<W>]` | hash tiles, c2sp.org/tlog-tiles layout, height 8 |
//! | `tile/entries/<N>[.p/<W>]` | entry bundles: the leaves themselves (uint16 length ‖ leaf), the only copy |
//! | `hashes` | every RFC 6962 stored hash in `tlog::stored_hash_index` order; derived, for O(1) reads and proofs |
//! | `blobs/<2 hex>/<64 hex>` | content-addressed blobs |
//! | `lock` | the writer's OS lock |
//! | `pending` | journal of the append in progress, for torn-tail repair |
//!
//! Leaf `i` is the canonical CBOR map `{v: 1, seq: i, prev, logged_at,
//! statement}` ([`Leaf`]), `prev` being the RFC 6962 leaf hash of leaf
//! `i - 1`. Merkle math, proofs and checkpoint text come from `tlog_tiles`,
//! notes from `signed_note` (Rust ports of Go's sumdb `tlog` and `note`);
//! this module adds the storage, durability and audit around them.
//!
//! **Readers** ([`Log::open`]) take no lock: they read the checkpoint once
//! and only ever touch data at or below its size, which no writer changes
//! (new data goes to new files or past the end of `hashes`; a superseded
//! partial tile is deleted only after the wider one is durable, and
//! `tiles::read_tile` falls back to it).
//!
//! **The writer** ([`Log::open_writer`]) holds `lock`. An append writes the
//! journal, then hashes, tiles and bundles, fsyncs them and their
//! directories (in one round, all at once), and only then replaces
//! `checkpoint` atomically; the checkpoint is the commit point. Opening a writer finishes or undoes
//! whatever the journal says was in flight, so a crash at any instant loses
//! nothing that was acknowledged.
//!
//! **Audit** ([`audit::audit`]) replays every entry and recomputes every
//! stored hash, tile and root, naming the first entry at fault.

pub mod audit;
pub mod blobs;
pub mod checkpoint;
mod fsutil;
mod hashes;
pub mod leaf;
pub mod proof;
pub mod tiles;
mod writer;

pub use audit::{audit, Advice, AuditOptions, AuditReport, Problem};
pub use checkpoint::{open_note, Checkpoint, CheckpointError};
#[cfg(any(feature = "capture", feature = "remote"))]
pub(crate) use fsutil::replace_atomically;
pub(crate) use fsutil::special_kind;
pub use fsutil::{read_bounded, Refusal, RefusedPath};
pub use leaf::{Leaf, LeafError, MAX_LEAF_BYTES};
pub use proof::{root_of, verify_consistency, verify_inclusion, ProofError};
pub use tiles::{entries_path, tile_path, TILE_WIDTH};
#[doc(hidden)]
pub use writer::CrashPoint;
pub use writer::LogWriter;
#[cfg(feature = "remote")]
pub(crate) use writer::MAX_APPEND_ENTRIES;

use crate::digest::Digest;
use fsutil::io_err;
use hashes::HashFile;
use std::fs;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tlog_tiles::{prove_record, prove_tree, stored_hash_count, stored_hash_index, tree_hash};

/// File name of the signed checkpoint inside a ledger directory.
pub(crate) const CHECKPOINT_FILE: &str = "checkpoint";
/// File name of the stored-hash file.
pub(crate) const HASHES_FILE: &str = "hashes";
/// File name of the writer lock.
pub(crate) const LOCK_FILE: &str = "lock";
/// File name of the append journal.
pub(crate) const PENDING_FILE: &str = "pending";
/// Directory of hash tiles and entry bundles.
pub(crate) const TILE_DIR: &str = "tile";
/// The most bytes a checkpoint file may hold: a signed note carries at most
/// 100 signatures (signed_note's limit), each well under 300 bytes, after a
/// few lines of checkpoint text.
pub const MAX_CHECKPOINT_BYTES: u64 = 64 * 1024;

/// Reads the checkpoint file of the ledger in `dir` (at most
/// [`MAX_CHECKPOINT_BYTES`], a regular file, not a link); `None` when there
/// is none.
pub(crate) fn read_checkpoint(dir: &Path) -> Result<Option<Vec<u8>>, LogError> {
    let path = dir.join(CHECKPOINT_FILE);
    fsutil::read_limited(dir, &path, MAX_CHECKPOINT_BYTES, "a checkpoint")
        .map_err(io_err("cannot read", &path))
}

/// Checks the `hashes` file of the ledger in `dir` is a regular file (or
/// missing, which opening it then reports), before anything opens it.
fn check_hashes_file(dir: &Path) -> Result<(), LogError> {
    let path = dir.join(HASHES_FILE);
    match fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(m) => {
            let why = fsutil::special_kind(&m).map_or(Refusal::Directory, Refusal::Special);
            Err(LogError::Refused(RefusedPath { path, why }))
        }
        Err(_) => Ok(()),
    }
}

/// What mends a ledger file that is [`LogError::Altered`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mend {
    /// The append journal records an append no writer made: remove it once
    /// an audit of the log is clean.
    RemoveJournal,
    /// The log itself was altered: restore the ledger from a copy (an
    /// audit finds the entry at fault).
    RestoreFromCopy,
}

/// Everything that can go wrong reading or writing a log; each message names
/// the file, entry or size at fault.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// An operating-system error on a ledger file.
    #[error("{op} {path}", path = .path.display())]
    Io {
        /// What we were doing ("cannot read").
        op: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// `create` found a ledger already there.
    #[error("{dir} already holds a ledger ({found} exists); refusing to overwrite it", dir = .dir.display(), found = .found.display())]
    AlreadyExists {
        /// The ledger directory.
        dir: PathBuf,
        /// The file that shows it.
        found: PathBuf,
    },
    /// The directory is not a ledger.
    #[error("{dir} is not a provledger ledger: {why}", dir = .dir.display())]
    NotALedger {
        /// The directory.
        dir: PathBuf,
        /// What is missing.
        why: String,
    },
    /// Another process holds the writer lock.
    #[error("another provledger process is writing to the ledger {dir} (it holds the lock file {lock}){waited}; try again when it has finished", dir = .dir.display(), lock = .lock.display(), waited = match .waited { Some(w) => format!("; waited {:.1} s", w.as_secs_f64()), None => String::new() })]
    Locked {
        /// The ledger directory.
        dir: PathBuf,
        /// The lock file.
        lock: PathBuf,
        /// How long we waited, if at all.
        waited: Option<Duration>,
    },
    /// A ledger file is inconsistent with the checkpoint.
    #[error("{path} is damaged: {why}", path = .path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// A ledger file is damaged in a way an audit pinpoints, and `mend`
    /// says what mends it (the command line turns it into advice).
    #[error("{path} is damaged: {why}", path = .path.display())]
    Altered {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
        /// What mends it, once an audit has found what is at fault.
        mend: Mend,
    },
    /// A file derived from the entry bundles (`hashes`) is inconsistent
    /// with the checkpoint or missing: a rebuild from the bundles (the
    /// writer's, or a reindex) mends it, and nothing is lost.
    #[error("{path} is damaged: {why}; the file is derived from the entry bundles", path = .path.display())]
    Derived {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// The checkpoint file cannot be parsed or verified.
    #[error("{path}", path = .path.display())]
    Checkpoint {
        /// The checkpoint file.
        path: PathBuf,
        /// Why.
        source: CheckpointError,
    },
    /// Signing a new checkpoint failed (nothing was written).
    #[error("{0}")]
    Sign(CheckpointError),
    /// A leaf cannot be encoded or decoded.
    #[error(transparent)]
    Leaf(#[from] LeafError),
    /// An entry's bytes are not a valid leaf.
    #[error("entry {seq} of {dir}", dir = .dir.display())]
    BadEntry {
        /// The ledger.
        dir: PathBuf,
        /// The entry.
        seq: u64,
        /// Why.
        source: LeafError,
    },
    /// Appending with a key that is not the operator's.
    #[error("key {key}+{key_id:08x} cannot sign checkpoints of the ledger {origin}, whose operator key is {}", .origin_ids.iter().map(|id| format!("{origin}+{id:08x}")).collect::<Vec<_>>().join(" or "))]
    WrongSigner {
        /// The signer's key name.
        key: String,
        /// The signer's key id.
        key_id: u32,
        /// The log's origin (operator key name).
        origin: String,
        /// The ids of the keys named like the origin that signed the
        /// checkpoint (one, unless someone added a line).
        origin_ids: Vec<u32>,
    },
    /// An entry index at or past the log's size.
    #[error("entry {seq} is not in the log (it has {size} entries)")]
    NoSuchEntry {
        /// The index asked for.
        seq: u64,
        /// The log size.
        size: u64,
    },
    /// A tree size larger than the log, or an impossible proof request.
    #[error("{0}")]
    BadRequest(String),
    /// No blob with that digest.
    #[error("blob {digest} not found (looked for {path})", path = .path.display())]
    BlobNotFound {
        /// The digest.
        digest: Digest,
        /// Where it should be.
        path: PathBuf,
    },
    /// A blob whose content does not hash to its name.
    #[error("blob {path} is corrupt: its content hashes to {actual}, not {expected}", path = .path.display())]
    BlobCorrupt {
        /// The blob file.
        path: PathBuf,
        /// Digest of the content found.
        actual: Digest,
        /// Digest it is stored under.
        expected: Digest,
    },
    /// An earlier append failed half-way; the writer must be reopened.
    #[error("an earlier append to {dir} failed part-way; reopen the ledger for writing to repair it", dir = .dir.display())]
    Poisoned {
        /// The ledger.
        dir: PathBuf,
    },
    /// A link, special file or oversized file where the ledger format
    /// wants a regular file or directory; nothing was read or written
    /// through it.
    #[error(transparent)]
    Refused(RefusedPath),
    /// A test hook stopped an append as if the process had died.
    #[doc(hidden)]
    #[error("simulated crash")]
    SimulatedCrash,
}

/// A read-only view of a ledger at the checkpoint current when it was opened.
pub struct Log {
    dir: PathBuf,
    note: Vec<u8>,
    checkpoint: Checkpoint,
    hashes: HashFile,
}

impl Log {
    /// Opens the ledger in `dir` for reading, without a lock.
    pub fn open(dir: impl AsRef<Path>) -> Result<Log, LogError> {
        Log::load(dir.as_ref(), false)
    }

    fn load(dir: &Path, write: bool) -> Result<Log, LogError> {
        let cp_path = dir.join(CHECKPOINT_FILE);
        let Some(note) = read_checkpoint(dir)? else {
            return Err(LogError::NotALedger {
                dir: dir.to_path_buf(),
                why: format!("it has no {CHECKPOINT_FILE} file"),
            });
        };
        let cp_err = |source| LogError::Checkpoint {
            path: cp_path.clone(),
            source,
        };
        let checkpoint = Checkpoint::parse_unverified(&note).map_err(cp_err)?;
        checkpoint.origin_key_ids(&note).map_err(cp_err)?;
        check_hashes_file(dir)?;
        let hashes = HashFile::open(
            &dir.join(HASHES_FILE),
            stored_hash_count(checkpoint.size),
            write,
        )?;
        Ok(Log {
            dir: dir.to_path_buf(),
            note,
            checkpoint,
            hashes,
        })
    }

    /// The ledger directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Number of entries at this view's checkpoint.
    pub fn size(&self) -> u64 {
        self.checkpoint.size
    }

    /// The log's origin: its name and its operator key's name.
    pub fn origin(&self) -> &str {
        &self.checkpoint.origin
    }

    /// Merkle root at this view's checkpoint.
    pub fn root(&self) -> Digest {
        self.checkpoint.root
    }

    /// The parsed (not yet verified) checkpoint.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The signed checkpoint exactly as stored.
    pub fn checkpoint_bytes(&self) -> &[u8] {
        &self.note
    }

    /// Checks the checkpoint's signature under the operator key `verifier`.
    pub fn verify_checkpoint(
        &self,
        verifier: &dyn signed_note::Verifier,
    ) -> Result<Checkpoint, LogError> {
        Checkpoint::verify(&self.note, verifier).map_err(|source| LogError::Checkpoint {
            path: self.dir.join(CHECKPOINT_FILE),
            source,
        })
    }

    fn check_seq(&self, seq: u64) -> Result<(), LogError> {
        if seq >= self.size() {
            return Err(LogError::NoSuchEntry {
                seq,
                size: self.size(),
            });
        }
        Ok(())
    }

    fn check_size(&self, size: u64) -> Result<(), LogError> {
        if size > self.size() {
            return Err(LogError::BadRequest(format!(
                "tree size {size} is larger than the log ({} entries)",
                self.size()
            )));
        }
        Ok(())
    }

    /// The RFC 6962 leaf hash of entry `seq`.
    pub fn leaf_hash(&self, seq: u64) -> Result<Digest, LogError> {
        self.check_seq(seq)?;
        Ok(Digest(self.hashes.read(stored_hash_index(0, seq))?.0))
    }

    /// The entries of bundle `n` that this view's size covers.
    fn bundle(&self, n: u64) -> Result<Vec<Vec<u8>>, LogError> {
        let width = (self.size() - n * TILE_WIDTH).min(TILE_WIDTH);
        writer::read_bundle(&self.dir, n, width)
    }

    /// The raw leaf bytes of entry `seq`.
    pub fn entry(&self, seq: u64) -> Result<Vec<u8>, LogError> {
        self.check_seq(seq)?;
        let mut b = self.bundle(seq / TILE_WIDTH)?;
        Ok(b.swap_remove((seq % TILE_WIDTH) as usize))
    }

    /// Entry `seq`, decoded.
    pub fn leaf(&self, seq: u64) -> Result<Leaf, LogError> {
        Leaf::decode(&self.entry(seq)?).map_err(|source| LogError::BadEntry {
            dir: self.dir.clone(),
            seq,
            source,
        })
    }

    /// Iterates over the raw bytes of the entries in `range` (clamped to the
    /// log's size), reading each entry bundle once.
    pub fn entries(&self, range: Range<u64>) -> Entries<'_> {
        let end = range.end.min(self.size());
        Entries {
            log: self,
            next: range.start.min(end),
            end,
            bundle: Vec::new(),
            bundle_n: None,
        }
    }

    /// The Merkle root of the first `size` entries.
    pub fn root_at(&self, size: u64) -> Result<Digest, LogError> {
        self.check_size(size)?;
        let h = tree_hash(size, &self.hashes).map_err(|e| self.hash_err(e))?;
        Ok(Digest(h.0))
    }

    /// The RFC 6962 inclusion proof (audit path) of entry `seq` in the tree
    /// of the first `size` entries.
    pub fn inclusion_proof(&self, seq: u64, size: u64) -> Result<Vec<Digest>, LogError> {
        self.check_size(size)?;
        if seq >= size {
            return Err(LogError::BadRequest(format!(
                "entry {seq} is not in a tree of size {size}"
            )));
        }
        let p = prove_record(size, seq, &self.hashes).map_err(|e| self.hash_err(e))?;
        Ok(p.into_iter().map(|h| Digest(h.0)).collect())
    }

    /// The RFC 6962 consistency proof from the tree of `old` entries to the
    /// tree of `new` entries (1 ≤ old ≤ new ≤ size).
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Digest>, LogError> {
        self.check_size(new)?;
        if old == 0 || old > new {
            return Err(LogError::BadRequest(format!(
                "no consistency proof from size {old} to size {new}: need 1 <= old <= new"
            )));
        }
        let p = prove_tree(new, old, &self.hashes).map_err(|e| self.hash_err(e))?;
        Ok(p.into_iter().map(|h| Digest(h.0)).collect())
    }

    fn hash_err(&self, e: tlog_tiles::Error) -> LogError {
        LogError::Damaged {
            path: self.hashes.path.clone(),
            why: e.to_string(),
        }
    }

    /// Stores a blob (temp file, fsync, rename; idempotent) and returns its
    /// SHA-256. Needs no lock: equal content lands on the same name.
    pub fn put_blob(&self, bytes: &[u8]) -> Result<Digest, LogError> {
        blobs::put(&self.dir, bytes)
    }

    /// Reads a blob, checking its content hashes to `digest`.
    pub fn get_blob(&self, digest: &Digest) -> Result<Vec<u8>, LogError> {
        blobs::get(&self.dir, digest)
    }

    /// The digests of all blobs stored, sorted (misnamed files are skipped;
    /// [`audit()`] reports them).
    pub fn blobs(&self) -> Result<Vec<Digest>, LogError> {
        Ok(blobs::list(&self.dir)?
            .into_iter()
            .filter_map(|b| match b {
                blobs::BlobFile::Blob(d, _) => Some(d),
                blobs::BlobFile::Stray(_) => None,
            })
            .collect())
    }
}

/// Iterator over raw entries, from [`Log::entries`]; yields `(seq, bytes)`.
pub struct Entries<'a> {
    log: &'a Log,
    next: u64,
    end: u64,
    bundle: Vec<Vec<u8>>,
    bundle_n: Option<u64>,
}

impl Iterator for Entries<'_> {
    type Item = Result<(u64, Vec<u8>), LogError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        let seq = self.next;
        let n = seq / TILE_WIDTH;
        if self.bundle_n != Some(n) {
            match self.log.bundle(n) {
                Ok(b) => {
                    self.bundle = b;
                    self.bundle_n = Some(n);
                }
                Err(e) => {
                    // Stop after reporting: the rest depends on this bundle.
                    self.next = self.end;
                    return Some(Err(e));
                }
            }
        }
        self.next += 1;
        let entry = std::mem::take(&mut self.bundle[(seq % TILE_WIDTH) as usize]);
        Some(Ok((seq, entry)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::try_from(self.end - self.next).unwrap_or(usize::MAX);
        (n, Some(n))
    }
}
