//! File-system helpers for durable writes: atomic replacement, directory
//! fsync, creating directories so that their entries survive a crash, and
//! positioned reads that do not need `&mut File`.
//!
//! They are also where the ledger defends itself against its own directory:
//! a ledger holds only regular files and directories, so every write
//! refuses a symlink (or FIFO, device, socket) at the file or at any
//! directory on the way from the ledger root, and creates files without
//! following links; every read refuses the same, never blocks on a FIFO,
//! and reads at most what the format lets the file hold.

use super::LogError;
use std::collections::BTreeSet;
use std::fmt;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Mode of the ledger's public files (tiles, bundles, checkpoint, hashes,
/// blobs): world-readable, so an auditor running as another user can read
/// them. The umask may take bits away.
pub const PUBLIC_FILE_MODE: u32 = 0o644;
/// Mode of the ledger's public directories (`private/` stays 0700).
pub const PUBLIC_DIR_MODE: u32 = 0o755;

/// Why a path inside a ledger cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A symlink, FIFO, device or socket ("symlink", "FIFO", ...).
    Special(&'static str),
    /// A directory where a file belongs.
    Directory,
    /// A file where a directory belongs.
    NotDirectory,
    /// More bytes than the format lets this file hold.
    TooLarge {
        /// The most it may hold.
        limit: u64,
        /// What the file is, with its article ("a hash tile").
        what: &'static str,
    },
}

/// A ledger path refused by [`Refusal`]; carried inside an `io::Error` so
/// that the tile readers keep their `io::Result`, and turned into
/// [`LogError::Refused`] by `io_err`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedPath {
    /// The path at fault.
    pub path: PathBuf,
    /// What is wrong with it.
    pub why: Refusal,
}

impl fmt::Display for RefusedPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.path.display();
        match &self.why {
            Refusal::Special(kind) => write!(
                f,
                "{p} is a {kind}; a ledger holds only regular files and directories"
            ),
            Refusal::Directory => write!(f, "{p} is a directory where a file belongs"),
            Refusal::NotDirectory => write!(f, "{p} is a file where a directory belongs"),
            Refusal::TooLarge { limit, what } => write!(
                f,
                "{p} is larger than {limit} bytes, the most {what} can hold"
            ),
        }
    }
}

impl std::error::Error for RefusedPath {}

fn refused(path: &Path, why: Refusal) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        RefusedPath {
            path: path.to_path_buf(),
            why,
        },
    )
}

/// What kind of non-regular file `m` describes, for messages.
pub(crate) fn special_kind(m: &Metadata) -> Option<&'static str> {
    special_type(&m.file_type())
}

/// What kind of non-regular file `t` is, for messages; `None` for regular
/// files and directories.
pub(crate) fn special_type(t: &fs::FileType) -> Option<&'static str> {
    if t.is_file() || t.is_dir() {
        return None;
    }
    if t.is_symlink() {
        return Some("symlink");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("FIFO");
        }
        if t.is_socket() {
            return Some("socket");
        }
        if t.is_block_device() {
            return Some("block device");
        }
        if t.is_char_device() {
            return Some("character device");
        }
    }
    Some("special file")
}

/// Checks every directory that exists on the way from `root` (itself not
/// checked: a ledger may be reached through a link) down to `path`'s parent
/// is a real directory, not a link to one elsewhere.
pub(crate) fn check_dirs(root: &Path, path: &Path) -> io::Result<()> {
    let Ok(rel) = path.strip_prefix(root) else {
        return Ok(());
    };
    let mut at = root.to_path_buf();
    let comps: Vec<_> = rel.components().collect();
    for c in comps.iter().take(comps.len().saturating_sub(1)) {
        at.push(c);
        match fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => {}
            Ok(m) => {
                let why = special_kind(&m).map_or(Refusal::NotDirectory, Refusal::Special);
                return Err(refused(&at, why));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Checks that `path` (under `root`) may be written: the directories on the
/// way are real ones, and whatever is at `path` is a regular file or nothing.
pub(crate) fn check_writable(root: &Path, path: &Path) -> Result<(), LogError> {
    check_dirs(root, path).map_err(io_err("cannot write", path))?;
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(m) => {
            let why = special_kind(&m).map_or(Refusal::Directory, Refusal::Special);
            Err(io_err("cannot write", path)(refused(path, why)))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err("cannot stat", path)(e)),
    }
}

/// Options that never follow a link at the last component and never block
/// opening a FIFO.
fn no_follow(opts: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    opts
}

/// Opens `path` with `opts` without following a link, and checks the handle
/// is a regular file (a FIFO or device opens, but is refused here).
pub(crate) fn open_regular(path: &Path, opts: &mut OpenOptions) -> io::Result<File> {
    let file = match no_follow(opts).open(path) {
        Ok(f) => f,
        Err(e) => {
            // O_NOFOLLOW fails with ELOOP on a link; say so plainly.
            if let Ok(m) = fs::symlink_metadata(path) {
                if let Some(kind) = special_kind(&m) {
                    return Err(refused(path, Refusal::Special(kind)));
                }
            }
            return Err(e);
        }
    };
    let m = file.metadata()?;
    if m.is_dir() {
        return Err(refused(path, Refusal::Directory));
    }
    if let Some(kind) = special_kind(&m) {
        return Err(refused(path, Refusal::Special(kind)));
    }
    Ok(file)
}

/// Reads the regular file `path` under the ledger `root`, refusing links and
/// special files on the way and more than `limit` bytes (`what` names the
/// kind of file for the message). `None` when there is no such file.
pub(crate) fn read_limited(
    root: &Path,
    path: &Path,
    limit: u64,
    what: &'static str,
) -> io::Result<Option<Vec<u8>>> {
    check_dirs(root, path)?;
    let file = match open_regular(path, File::options().read(true)) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let too_large = || refused(path, Refusal::TooLarge { limit, what });
    let len = file.metadata()?.len();
    if len > limit {
        return Err(too_large());
    }
    let mut buf = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    // The length can change under us; the limit cannot.
    file.take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(Some(buf))
}

/// Creates the regular file `path` afresh for writing with the public
/// mode. A regular file already there is unlinked first and the new one
/// made with `O_EXCL`, so a hard link planted at `path` is replaced, never
/// written through (truncating it would overwrite the file it shares with
/// whatever is outside the ledger); a symlink or special file there is
/// refused, not followed or removed.
pub(crate) fn create_public(path: &Path) -> io::Result<File> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => match fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        },
        Ok(m) => {
            let why = special_kind(&m).map_or(Refusal::Directory, Refusal::Special);
            return Err(refused(path, why));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    // Whatever appears at `path` between the unlink and here (another
    // planted link) makes this fail with "already exists": never followed.
    open_regular(path, public_options().write(true).create_new(true))
}

/// Reads a user-given file outside the ledger (a key, a proof, a trusted
/// checkpoint, an article text): at most `limit` bytes, from a regular
/// file only. `what` names the file for messages ("the proof file").
///
/// A symlink is followed (the user chose the path, and keys are often
/// reached through one), but what it leads to must be a regular file: a
/// FIFO is opened without blocking and refused, as are devices such as
/// `/dev/zero` and sockets; a file larger than `limit` is refused without
/// reading more than `limit + 1` bytes. Every error names the file, and a
/// refusal names the limit.
pub fn read_bounded(path: &Path, limit: u64, what: &str) -> io::Result<Vec<u8>> {
    let p = path.display();
    let mut opts = File::options();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts
        .open(path)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot read {p}: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| io::Error::new(e.kind(), format!("cannot stat {what} {p}: {e}")))?;
    if !meta.is_file() {
        let kind = if meta.is_dir() {
            "directory"
        } else {
            special_kind(&meta).unwrap_or("special file")
        };
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{what} {p} is a {kind}, not a regular file; it must be a regular file of at \
                 most {limit} bytes"
            ),
        ));
    }
    let too_large = || {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{what} {p} is larger than {limit} bytes, the most it may hold"),
        )
    };
    if meta.len() > limit {
        return Err(too_large());
    }
    let mut buf = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // The length can change under us; the limit cannot.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot read {what} {p}: {e}")))?;
    if buf.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(buf)
}

/// Open options that create files with [`PUBLIC_FILE_MODE`].
pub(crate) fn public_options() -> OpenOptions {
    let mut opts = File::options();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(PUBLIC_FILE_MODE);
    }
    opts
}

/// Creates the directory `dir` with the public mode.
fn create_public_dir(dir: &Path) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(PUBLIC_DIR_MODE);
    }
    b.create(dir)
}

/// Returns a closure that wraps an `io::Error` with what we were doing and
/// the path it was done to.
/// A refused path ([`RefusedPath`]) becomes [`LogError::Refused`], which
/// names the path at fault itself.
pub(crate) fn io_err(op: &'static str, path: &Path) -> impl FnOnce(io::Error) -> LogError {
    let path = path.to_path_buf();
    move |source| {
        if source.get_ref().is_some_and(|e| e.is::<RefusedPath>()) {
            let inner = source.into_inner().expect("checked above");
            let r = inner.downcast::<RefusedPath>().expect("checked above");
            return LogError::Refused(*r);
        }
        LogError::Io { op, path, source }
    }
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
///
/// Made with [`DirtyDirs::new`], it refuses a link or special file at any
/// directory between the ledger root and what it writes; made with
/// `default()` it checks only the directories it looks at.
#[derive(Default)]
pub(crate) struct DirtyDirs {
    dirs: BTreeSet<PathBuf>,
    root: Option<PathBuf>,
}

impl DirtyDirs {
    /// Writes under the ledger directory `root`.
    pub(crate) fn new(root: &Path) -> DirtyDirs {
        DirtyDirs {
            dirs: BTreeSet::new(),
            root: Some(root.to_path_buf()),
        }
    }

    /// Creates `dir` and any missing ancestors, remembering each parent whose
    /// listing gained an entry. An existing link or file on the way is
    /// refused, never followed.
    pub(crate) fn create_dir_all(&mut self, dir: &Path) -> Result<(), LogError> {
        if let Some(root) = &self.root {
            check_dirs(root, &dir.join("x")).map_err(io_err("cannot create directory", dir))?;
        }
        self.create_dirs(dir)
    }

    fn create_dirs(&mut self, dir: &Path) -> Result<(), LogError> {
        match fs::symlink_metadata(dir) {
            Ok(m) if m.is_dir() => return Ok(()),
            Ok(m) => {
                let why = special_kind(&m).map_or(Refusal::NotDirectory, Refusal::Special);
                return Err(io_err("cannot create directory", dir)(refused(dir, why)));
            }
            Err(_) => {}
        }
        if let Some(parent) = dir.parent() {
            self.create_dirs(parent)?;
            self.dirs.insert(parent.to_path_buf());
        }
        match create_public_dir(dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
            Err(e) => Err(io_err("cannot create directory", dir)(e)),
        }
    }

    /// Writes `bytes` to `path` (replacing any regular file there, refusing
    /// anything else) and fsyncs the file; the parent directory is synced
    /// later by [`DirtyDirs::sync`].
    pub(crate) fn write_file(&mut self, path: &Path, bytes: &[u8]) -> Result<(), LogError> {
        let parent = path.parent().expect("ledger paths have a parent");
        self.create_dir_all(parent)?;
        let mut f = create_public(path).map_err(io_err("cannot create", path))?;
        f.write_all(bytes).map_err(io_err("cannot write", path))?;
        f.sync_all().map_err(io_err("cannot sync", path))?;
        self.dirs.insert(parent.to_path_buf());
        Ok(())
    }

    /// Removes `path` if it exists, remembering its directory.
    pub(crate) fn remove_file(&mut self, path: &Path) -> Result<(), LogError> {
        match fs::remove_file(path) {
            Ok(()) => {
                self.dirs
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
                self.dirs.insert(parent.to_path_buf());
            }
        }
    }

    /// Writes each of `files` and fsyncs it, runs each of `also`, and
    /// fsyncs every directory touched so far, all at once, each on a
    /// thread of its own: one round of fsyncs, which the file system can
    /// commit together (on ext4 each fsync of a new file or a directory is
    /// a journal commit; several waiting at once share one), instead of one
    /// after another. Every file is created before any directory is synced,
    /// so each directory's fsync covers its new entries. When it returns
    /// `Ok`, all of it is durable; otherwise it returns the first error
    /// (in the order files, directories, `also`), after every thread ended.
    pub(crate) fn write_all_synced<'a>(
        &mut self,
        files: &[(PathBuf, &'a [u8])],
        also: Vec<Box<dyn FnOnce() -> Result<(), LogError> + Send + 'a>>,
    ) -> Result<(), LogError> {
        let mut opened = Vec::with_capacity(files.len());
        for (path, bytes) in files {
            let parent = path.parent().expect("ledger paths have a parent");
            self.create_dir_all(parent)?;
            let f = create_public(path).map_err(io_err("cannot create", path))?;
            self.dirs.insert(parent.to_path_buf());
            opened.push((f, path.as_path(), *bytes));
        }
        let dirs: Vec<PathBuf> = std::mem::take(&mut self.dirs).into_iter().collect();
        std::thread::scope(|s| {
            let mut jobs = Vec::with_capacity(opened.len() + dirs.len() + also.len());
            for (mut f, path, bytes) in opened {
                jobs.push((
                    path,
                    s.spawn(move || {
                        f.write_all(bytes).map_err(io_err("cannot write", path))?;
                        f.sync_all().map_err(io_err("cannot sync", path))
                    }),
                ));
            }
            for d in &dirs {
                jobs.push((
                    d.as_path(),
                    s.spawn(move || if d.is_dir() { sync_dir(d) } else { Ok(()) }),
                ));
            }
            let root = self.root.as_deref().unwrap_or(Path::new("."));
            for job in also {
                jobs.push((root, s.spawn(job)));
            }
            let mut first = Ok(());
            for (path, job) in jobs {
                let done = job.join().unwrap_or_else(|_| {
                    Err(io_err("cannot sync", path)(io::Error::other(
                        "the thread writing it panicked",
                    )))
                });
                if first.is_ok() {
                    first = done;
                }
            }
            first
        })
    }

    /// Fsyncs every directory touched so far.
    pub(crate) fn sync(&mut self) -> Result<(), LogError> {
        for d in std::mem::take(&mut self.dirs) {
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
/// Only the lock holder calls this, so a fixed temporary name is safe. A
/// link at either name is refused, not followed (the rename would replace
/// the link itself, but the link says the ledger has been tampered with).
pub(crate) fn replace_atomically(path: &Path, bytes: &[u8]) -> Result<(), LogError> {
    let tmp = tmp_path(path);
    if let Ok(m) = fs::symlink_metadata(path) {
        if let Some(kind) = special_kind(&m) {
            return Err(io_err("cannot replace", path)(refused(
                path,
                Refusal::Special(kind),
            )));
        }
    }
    {
        let mut f = create_public(&tmp).map_err(io_err("cannot create", &tmp))?;
        f.write_all(bytes).map_err(io_err("cannot write", &tmp))?;
        f.sync_all().map_err(io_err("cannot sync", &tmp))?;
    }
    fs::rename(&tmp, path).map_err(io_err("cannot rename into place", path))?;
    sync_dir(path.parent().expect("ledger paths have a parent"))
}

/// Refuses to replace `path` if a link or special file is there (what
/// [`replace_atomically`] checks before it writes).
pub(crate) fn check_replaceable(path: &Path) -> Result<(), LogError> {
    if let Ok(m) = fs::symlink_metadata(path) {
        if let Some(kind) = special_kind(&m) {
            return Err(io_err("cannot replace", path)(refused(
                path,
                Refusal::Special(kind),
            )));
        }
    }
    Ok(())
}

/// The second half of [`replace_atomically`], for a temporary written and
/// fsynced already (at [`tmp_path`]): renames it over `path` and fsyncs
/// the directory.
pub(crate) fn rename_into_place(path: &Path) -> Result<(), LogError> {
    fs::rename(tmp_path(path), path).map_err(io_err("cannot rename into place", path))?;
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
