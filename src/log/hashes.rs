//! Stored hashes: the `hashes` file (every RFC 6962 stored hash in
//! `tlog::stored_hash_index` order, 32 bytes each) and the in-memory
//! [`HashReader`]s that appends and audits compute new hashes with.

use super::fsutil::{io_err, read_exact_at};
use super::LogError;
use std::fs::File;
use std::path::{Path, PathBuf};
use tlog_tiles::{split_stored_hash_index, Error as TlogError, Hash, HashReader, HASH_SIZE};

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
        let file = File::options()
            .read(true)
            .write(write)
            .open(path)
            .map_err(io_err("cannot open", path))?;
        let len = file.metadata().map_err(io_err("cannot stat", path))?.len();
        let want = count * HASH_SIZE as u64;
        if len < want {
            return Err(LogError::Damaged {
                path: path.to_path_buf(),
                why: format!(
                    "it is {len} bytes but the checkpoint needs {want} ({count} hashes); \
                     run an audit, and restore the ledger from a copy"
                ),
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

/// The hashes of a tree being extended: the committed ones from the file
/// and, past them, the batch's new ones still in memory.
pub(crate) struct Overlay<'a> {
    pub(crate) file: &'a HashFile,
    pub(crate) new: &'a [Hash],
}

impl HashReader for Overlay<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        let base = self.file.count;
        indexes
            .iter()
            .map(|&i| {
                if i < base {
                    Ok(self.file.read_hashes(&[i])?[0])
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
