//! A directory as DEST: the served layout as files (`checkpoint`,
//! `tile/...`, `blobs/<hex>`), each written to a temporary file beside it,
//! fsynced and renamed into place (a reader of the directory sees the old
//! file or the new one), the directory fsynced after.
//!
//! A directory DEST may not be the ledger, lie inside it, or hold it (a
//! host serving DEST would serve `private/`), nor be another ledger.

use super::{Dest, ObjectKind, PublishError};
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// Prefix of the temporary files a write goes through; a publish killed
/// mid-write can leave one behind (the next publish does not read it).
const TMP_PREFIX: &str = ".publish-tmp";

/// Files whose presence shows a directory is a ledger, not a DEST.
const LEDGER_FILES: &[&str] = &["hashes", "private", "index.sqlite", "pending", "lock"];

/// A directory to publish into.
pub struct DirDest {
    root: PathBuf,
}

fn io_err<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> PublishError + 'a {
    move |source| PublishError::Io {
        op,
        path: path.to_path_buf(),
        source,
    }
}

/// `path` made absolute and free of `.`/`..` and links as far as it
/// exists, resolved as the kernel opens it (a link before a `..` is
/// followed first, so `DEST/link/..` is the link target's parent, not
/// DEST); the rest, not yet created, appended as written, where a `..`
/// is refused.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let comps: Vec<Component> = abs.components().collect();
    // The longest prefix that exists (the root always does).
    let mut split = comps.len();
    while split > 1 && fs::symlink_metadata(comps[..split].iter().collect::<PathBuf>()).is_err() {
        split -= 1;
    }
    let mut out = fs::canonicalize(comps[..split].iter().collect::<PathBuf>())?;
    for c in &comps[split..] {
        match c {
            Component::CurDir => {}
            Component::Normal(name) => out.push(name),
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "a `..` after a directory that does not exist yet",
                ))
            }
        }
    }
    Ok(out)
}

impl DirDest {
    /// DEST `root` for the ledger in `ledger`: refused if it is the ledger,
    /// inside it or holding it, if it is a ledger, or if it is not a
    /// directory. Nothing is created until the first write.
    pub fn new(root: &Path, ledger: &Path) -> Result<DirDest, PublishError> {
        let abs = resolve(root).map_err(io_err("cannot resolve", root))?;
        let led = resolve(ledger).map_err(io_err("cannot resolve", ledger))?;
        let overlap = |why: &str| PublishError::Overlaps {
            dest: root.to_path_buf(),
            ledger: ledger.to_path_buf(),
            why: why.to_string(),
        };
        if abs == led {
            return Err(overlap("it is the ledger directory"));
        }
        if abs.starts_with(&led) {
            return Err(overlap(
                "it is inside the ledger directory (the ledger's files are not published in place)",
            ));
        }
        if led.starts_with(&abs) {
            return Err(overlap(
                "the ledger directory is inside it, and a host serving it would serve the ledger's private files",
            ));
        }
        match fs::symlink_metadata(root) {
            Ok(m) if !(m.is_dir() || m.file_type().is_symlink() && root.is_dir()) => {
                return Err(PublishError::BadDest {
                    dest: root.display().to_string(),
                    why: "it exists and is not a directory".into(),
                })
            }
            _ => {}
        }
        for f in LEDGER_FILES {
            if fs::symlink_metadata(root.join(f)).is_ok() {
                return Err(PublishError::BadDest {
                    dest: root.display().to_string(),
                    why: format!(
                        "it holds {f}: it is a ledger directory, not a copy to publish into; give a directory of its own"
                    ),
                });
            }
        }
        Ok(DirDest {
            root: root.to_path_buf(),
        })
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Creates `dir` and its missing parents under the root, fsyncing the
    /// parent of each one created.
    fn create_dirs(&self, dir: &Path) -> Result<(), PublishError> {
        // Nothing under DEST is followed through a link: a `tile` or
        // `blobs` that points elsewhere would have the files written
        // there.
        let mut under = self.root.clone();
        if let Ok(rel) = dir.strip_prefix(&self.root) {
            for c in rel.components() {
                under.push(c);
                if fs::symlink_metadata(&under).is_ok_and(|m| m.file_type().is_symlink()) {
                    return Err(io_err("refusing to write through the link", &under)(
                        io::Error::new(io::ErrorKind::InvalidInput, "a link inside DEST"),
                    ));
                }
            }
        }
        let mut missing = Vec::new();
        let mut d = dir;
        while fs::symlink_metadata(d).is_err() {
            missing.push(d.to_path_buf());
            match d.parent() {
                Some(p) if !p.as_os_str().is_empty() => d = p,
                _ => break,
            }
        }
        for m in missing.into_iter().rev() {
            match fs::create_dir(&m) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io_err("cannot create the directory", &m)(e)),
            }
            if let Some(p) = m.parent().filter(|p| !p.as_os_str().is_empty()) {
                sync_dir(p)?;
            }
        }
        Ok(())
    }
}

fn sync_dir(dir: &Path) -> Result<(), PublishError> {
    fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(io_err("cannot sync the directory", dir))
}

impl Dest for DirDest {
    fn describe(&self) -> String {
        self.root.display().to_string()
    }

    fn read_checkpoint(&self) -> Result<Option<Vec<u8>>, PublishError> {
        let path = self.root.join("checkpoint");
        match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err("cannot read", &path)(e)),
            Ok(m) if !m.is_file() => {
                return Err(PublishError::BadCheckpoint {
                    dest: self.describe(),
                    why: format!("{} is not a regular file", path.display()),
                })
            }
            Ok(_) => {}
        }
        crate::log::read_bounded(&path, crate::log::MAX_CHECKPOINT_BYTES, "a checkpoint")
            .map(Some)
            .map_err(|e| PublishError::BadCheckpoint {
                dest: self.describe(),
                why: crate::error::chain(&e),
            })
    }

    fn sizes(&self, paths: &[String]) -> Result<BTreeMap<String, u64>, PublishError> {
        let mut out = BTreeMap::new();
        for p in paths {
            if let Ok(m) = fs::symlink_metadata(self.root.join(p)) {
                if m.is_file() {
                    out.insert(p.clone(), m.len());
                }
            }
        }
        Ok(out)
    }

    fn put(&self, path: &str, _: ObjectKind, bytes: Vec<u8>) -> Result<(), PublishError> {
        let target = self.root.join(path);
        let parent = target.parent().expect("an object path has a parent");
        self.create_dirs(parent)?;
        let mut b = tempfile::Builder::new();
        b.prefix(TMP_PREFIX);
        // Public files (tempfile's default is 0600), as the ledger's own.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            b.permissions(fs::Permissions::from_mode(0o644));
        }
        let mut tmp = b
            .tempfile_in(parent)
            .map_err(io_err("cannot create a temporary file in", parent))?;
        tmp.write_all(&bytes)
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(io_err("cannot write", tmp.path()))?;
        tmp.persist(&target)
            .map_err(|e| io_err("cannot write", &target)(e.error))?;
        sync_dir(parent)
    }
}
