//! Stored hashes: the `hashes` file (every RFC 6962 stored hash in
//! `tlog::stored_hash_index` order, 32 bytes each) and the in-memory
//! [`HashReader`]s that appends and audits compute new hashes with.

use super::fsutil::{io_err, open_regular, read_exact_at};
use super::LogError;
use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use tlog_tiles::{
    node_hash, split_stored_hash_index, stored_hash_index, Error as TlogError, Hash, HashReader,
    HASH_SIZE,
};

/// The `hashes` file, readable up to the hashes of a given tree size.
pub(crate) struct HashFile {
    pub(crate) file: File,
    pub(crate) path: PathBuf,
    /// Hashes readers may see: `stored_hash_count(size)` for the view's size.
    pub(crate) count: u64,
}

impl HashFile {
    /// Opens `path`, checking it holds at least `count` hashes.
    pub(crate) fn open(path: &Path, count: u64, write: bool) -> Result<HashFile, LogError> {
        // Not following a link, and not blocking on a FIFO, whatever a
        // check before this saw: the handle is what counts.
        let file = match open_regular(path, File::options().read(true).write(write)) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(LogError::Derived {
                    path: path.to_path_buf(),
                    why: "the file is missing".into(),
                })
            }
            Err(e) => return Err(io_err("cannot open", path)(e)),
        };
        let len = file.metadata().map_err(io_err("cannot stat", path))?.len();
        let want = count * HASH_SIZE as u64;
        if len < want {
            return Err(LogError::Derived {
                path: path.to_path_buf(),
                why: format!("it is {len} bytes but the checkpoint needs {want} ({count} hashes)"),
            });
        }
        Ok(HashFile {
            file,
            path: path.to_path_buf(),
            count,
        })
    }

    /// Reads the hash with stored index `index`.
    pub(crate) fn read(&self, index: u64) -> Result<Hash, LogError> {
        self.read_hashes(&[index])
            .map(|v| v[0])
            .map_err(|e| LogError::Damaged {
                path: self.path.clone(),
                why: e.to_string(),
            })
    }
}

impl HashReader for HashFile {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        indexes
            .iter()
            .map(|&i| {
                if i >= self.count {
                    return Err(TlogError::IndexesNotInTree);
                }
                let mut h = [0u8; HASH_SIZE];
                read_exact_at(&self.file, &mut h, i * HASH_SIZE as u64).map_err(|e| {
                    TlogError::InvalidInput(format!(
                        "cannot read stored hash {i} from {}: {e}",
                        self.path.display()
                    ))
                })?;
                Ok(Hash(h))
            })
            .collect()
    }
}

/// The hashes of a tree being extended: the committed ones (`base`, the
/// first `base_count` stored hashes) and, past them, the batch's new ones
/// still in memory.
pub(crate) struct Overlay<'a> {
    pub(crate) base: &'a dyn HashReader,
    pub(crate) base_count: u64,
    pub(crate) new: &'a [Hash],
}

impl HashReader for Overlay<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        let base = self.base_count;
        indexes
            .iter()
            .map(|&i| {
                if i < base {
                    Ok(self.base.read_hashes(&[i])?[0])
                } else {
                    usize::try_from(i - base)
                        .ok()
                        .and_then(|j| self.new.get(j).copied())
                        .ok_or(TlogError::IndexesNotInTree)
                }
            })
            .collect()
    }
}

/// The right edge of a tree being rebuilt leaf by leaf: for each level, the
/// most recently completed subtree hash. That is every hash
/// `tlog::stored_hashes_for_record_hash` and `tlog::tree_hash` ask for when
/// records are added in order, so an audit recomputes the whole tree in
/// O(log n) memory.
#[derive(Default)]
pub(crate) struct Frontier {
    last: Vec<Option<(u64, Hash)>>,
}

impl Frontier {
    /// Records the hash of subtree `n` at `level`.
    pub(crate) fn set(&mut self, level: u8, n: u64, h: Hash) {
        let l = usize::from(level);
        if self.last.len() <= l {
            self.last.resize(l + 1, None);
        }
        self.last[l] = Some((n, h));
    }
}

impl HashReader for Frontier {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        indexes
            .iter()
            .map(|&i| {
                let (level, n) = split_stored_hash_index(i);
                match self.last.get(usize::from(level)) {
                    Some(Some((m, h))) if *m == n => Ok(*h),
                    _ => Err(TlogError::IndexesNotInTree),
                }
            })
            .collect()
    }
}

/// Stored hashes of a signed tree that have been proven against its root,
/// keyed by stored index: all an append reads of the tree it extends (the
/// right edge and the partial tiles it republishes). Reading any other
/// index is an error, so nothing unproven can reach a signed checkpoint.
#[derive(Default)]
pub(crate) struct Verified {
    hashes: BTreeMap<u64, Hash>,
}

impl Verified {
    /// Adds the `base.len()` consecutive hashes at tree level `level` from
    /// subtree `first` on (one tile's worth, `first` a multiple of 256),
    /// and the hashes of the complete subtrees they span, largest first:
    /// those are the tree's right-edge hashes at levels `level..level+8`.
    pub(crate) fn add_tile(&mut self, level: u8, first: u64, base: &[Hash]) {
        for (n, h) in (first..).zip(base) {
            self.hashes.insert(stored_hash_index(level, n), *h);
        }
        let mut at = 0usize;
        for b in (0..8u8).rev() {
            let span = 1usize << b;
            if base.len() & span != 0 {
                let h = subtree_hash(&base[at..at + span]);
                let n = (first + at as u64) >> b;
                self.hashes.insert(stored_hash_index(level + b, n), h);
                at += span;
            }
        }
    }

    /// The hashes held, by stored index.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, Hash)> + '_ {
        self.hashes.iter().map(|(i, h)| (*i, *h))
    }
}

impl HashReader for Verified {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        indexes
            .iter()
            .map(|i| {
                self.hashes.get(i).copied().ok_or_else(|| {
                    TlogError::InvalidInput(format!(
                        "the append needed stored hash {i}, which it had not verified"
                    ))
                })
            })
            .collect()
    }
}

/// The RFC 6962 hash of a complete subtree (a power of two of hashes).
fn subtree_hash(hashes: &[Hash]) -> Hash {
    match hashes {
        [h] => *h,
        _ => {
            let (l, r) = hashes.split_at(hashes.len() / 2);
            node_hash(subtree_hash(l), subtree_hash(r))
        }
    }
}
