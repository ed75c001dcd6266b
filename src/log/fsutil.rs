//! File-system helpers for durable writes: atomic replacement, directory
//! fsync, creating directories so that their entries survive a crash, and
//! positioned reads that do not need `&mut File`.

use super::LogError;
use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Returns a closure that wraps an `io::Error` with what we were doing and
/// the path it was done to.
pub(crate) fn io_err(op: &'static str, path: &Path) -> impl FnOnce(io::Error) -> LogError {
    let path = path.to_path_buf();
    move |source| LogError::Io { op, path, source }
}

/// Flushes a directory's entries (created, renamed or removed files) to disk.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), LogError> {
    // Directories cannot be opened as files on Windows; there the rename is
    // as durable as the platform makes it.
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io_err("cannot sync directory", dir))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Directories whose entries changed during one batch of writes, flushed
/// together at the end so that a batch costs one round of fsyncs.
#[derive(Default)]
pub(crate) struct DirtyDirs(BTreeSet<PathBuf>);

impl DirtyDirs {
    /// Creates `dir` and any missing ancestors, remembering each parent whose
    /// listing gained an entry.
    pub(crate) fn create_dir_all(&mut self, dir: &Path) -> Result<(), LogError> {
        if dir.is_dir() {
            return Ok(());
        }
        if let Some(parent) = dir.parent() {
            self.create_dir_all(parent)?;
            self.0.insert(parent.to_path_buf());
        }
        match fs::create_dir(dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(io_err("cannot create directory", dir)(e)),
        }
    }

    /// Writes `bytes` to `path` (replacing any file there) and fsyncs the
    /// file; the parent directory is synced later by [`DirtyDirs::sync`].
    pub(crate) fn write_file(&mut self, path: &Path, bytes: &[u8]) -> Result<(), LogError> {
        let parent = path.parent().expect("ledger paths have a parent");
        self.create_dir_all(parent)?;
        let mut f = File::create(path).map_err(io_err("cannot create", path))?;
        f.write_all(bytes).map_err(io_err("cannot write", path))?;
        f.sync_all().map_err(io_err("cannot sync", path))?;
        self.0.insert(parent.to_path_buf());
        Ok(())
    }

    /// Removes `path` if it exists, remembering its directory.
    pub(crate) fn remove_file(&mut self, path: &Path) -> Result<(), LogError> {
        match fs::remove_file(path) {
            Ok(()) => {
                self.0
                    .insert(path.parent().expect("has parent").to_path_buf());
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_err("cannot remove", path)(e)),
        }
    }

    /// Removes the directory `dir` if it exists and is empty.
    pub(crate) fn remove_empty_dir(&mut self, dir: &Path) {
        // A non-empty or missing directory is fine: this only tidies up.
        if fs::remove_dir(dir).is_ok() {
            if let Some(parent) = dir.parent() {
                self.0.insert(parent.to_path_buf());
            }
        }
    }

    /// Fsyncs every directory touched so far.
    pub(crate) fn sync(&mut self) -> Result<(), LogError> {
        for d in std::mem::take(&mut self.0) {
            if d.is_dir() {
                sync_dir(&d)?;
            }
        }
        Ok(())
    }
}

/// Replaces `path` with `bytes` atomically: write a temporary sibling, fsync
/// it, rename it over `path`, fsync the directory. Readers see the old or the
/// new content, never a mix, and after a crash the file holds one of them.
/// Only the lock holder calls this, so a fixed temporary name is safe.
pub(crate) fn replace_atomically(path: &Path, bytes: &[u8]) -> Result<(), LogError> {
    let tmp = tmp_path(path);
    {
        let mut f = File::create(&tmp).map_err(io_err("cannot create", &tmp))?;
        f.write_all(bytes).map_err(io_err("cannot write", &tmp))?;
        f.sync_all().map_err(io_err("cannot sync", &tmp))?;
    }
    fs::rename(&tmp, path).map_err(io_err("cannot rename into place", path))?;
    sync_dir(path.parent().expect("ledger paths have a parent"))
}

/// The temporary name [`replace_atomically`] writes before renaming.
pub(crate) fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().expect("file name").to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Reads exactly `buf.len()` bytes at `offset` without moving a cursor, so
/// that a shared `&File` can serve concurrent readers.
pub(crate) fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < buf.len() {
            let n = std::os::windows::fs::FileExt::seek_read(
                file,
                &mut buf[done..],
                offset + done as u64,
            )?;
            if n == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            done += n;
        }
        Ok(())
    }
}

/// Writes all of `buf` at `offset` without moving a cursor.
pub(crate) fn write_all_at(file: &File, buf: &[u8], offset: u64) -> io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::write_all_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < buf.len() {
            done += std::os::windows::fs::FileExt::seek_write(
                file,
                &buf[done..],
                offset + done as u64,
            )?;
        }
        Ok(())
    }
}
