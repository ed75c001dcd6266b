//! Content-addressed blobs (article texts, captured evidence) stored beside
//! the log as `blobs/<first 2 hex>/<64 hex>`, named by their SHA-256.

use super::fsutil::{
    check_dirs, io_err, open_regular, read_limited, sync_dir, DirtyDirs, Refusal, RefusedPath,
};
use super::LogError;
use crate::digest::Digest;
use sha2::{Digest as _, Sha256};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The blob directory's name inside a ledger.
pub(crate) const BLOBS_DIR: &str = "blobs";

/// Prefix of the temporary files a blob is written to before its rename;
/// audits skip them (they are what a crash mid-write leaves behind).
pub(crate) const BLOB_TMP_PREFIX: &str = ".tmp";

/// The largest blob the store holds: blobs are article texts, and an article
/// text may be at most this long. Larger files are refused, not read.
pub const MAX_BLOB_BYTES: u64 = crate::state::limits::MAX_ARTICLE_BYTES;

/// Where the blob with digest `d` lives under the ledger directory `dir`.
pub(crate) fn blob_path(dir: &Path, d: &Digest) -> PathBuf {
    let hex = d.to_hex();
    dir.join(BLOBS_DIR).join(&hex[..2]).join(hex)
}

/// Stores `bytes` and returns their digest. Idempotent: a blob already
/// present (and intact) is left alone; a damaged one is replaced.
/// Refuses blobs larger than [`MAX_BLOB_BYTES`], and a link or special file
/// at the blob or its directories.
pub(crate) fn put(dir: &Path, bytes: &[u8]) -> Result<Digest, LogError> {
    let d = Digest::of(bytes);
    let path = blob_path(dir, &d);
    if bytes.len() as u64 > MAX_BLOB_BYTES {
        return Err(LogError::Refused(RefusedPath {
            path,
            why: Refusal::TooLarge {
                limit: MAX_BLOB_BYTES,
                what: "a blob (an article text)",
            },
        }));
    }
    super::fsutil::check_writable(dir, &path)?;
    if let Ok(Some(have)) = read_limited(dir, &path, MAX_BLOB_BYTES, "a blob (an article text)") {
        if Digest::of(&have) == d {
            return Ok(d);
        }
    }
    let sub = path.parent().expect("blob path has a parent");
    let created = fs::symlink_metadata(sub).is_err();
    DirtyDirs::new(dir).create_dir_all(sub)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(BLOB_TMP_PREFIX);
    // tempfile's default is 0600; blobs are public like the tiles.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(super::fsutil::PUBLIC_FILE_MODE));
    }
    let mut tmp = builder
        .tempfile_in(sub)
        .map_err(io_err("cannot create a temporary file in", sub))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(io_err("cannot write", tmp.path()))?;
    tmp.persist(&path)
        .map_err(|e| io_err("cannot rename into place", &path)(e.error))?;
    sync_dir(sub)?;
    if created {
        sync_dir(sub.parent().expect("blobs dir"))?;
    }
    Ok(d)
}

/// Reads the file of blob `d` in the ledger `dir` as it is, without checking
/// its content: at most [`MAX_BLOB_BYTES`], never through a link or from a
/// special file. `None` when there is no such file.
pub(crate) fn read_file(dir: &Path, d: &Digest) -> io::Result<Option<Vec<u8>>> {
    read_limited(
        dir,
        &blob_path(dir, d),
        MAX_BLOB_BYTES,
        "a blob (an article text)",
    )
}

/// Reads the blob `d`, checking its content still hashes to `d`.
pub(crate) fn get(dir: &Path, d: &Digest) -> Result<Vec<u8>, LogError> {
    let path = blob_path(dir, d);
    let bytes = match read_file(dir, d) {
        Ok(Some(b)) => b,
        Ok(None) => return Err(LogError::BlobNotFound { digest: *d, path }),
        Err(e) => return Err(io_err("cannot read", &path)(e)),
    };
    let actual = Digest::of(&bytes);
    if actual != *d {
        return Err(LogError::BlobCorrupt {
            path,
            actual,
            expected: *d,
        });
    }
    Ok(bytes)
}

/// One file found under `blobs/`, as an audit sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobFile {
    /// A well-named blob file: `blobs/ab/ab…` with 64 lowercase hex digits.
    Blob(Digest, PathBuf),
    /// Anything else (misplaced, misnamed, a directory where a file belongs).
    Stray(PathBuf),
}

/// Lists every blob file (and stray file) under `blobs/`, sorted, skipping
/// the temporary files of interrupted writes, and links and special files
/// (which are never followed; the audit's walk of the ledger reports them).
pub(crate) fn list(dir: &Path) -> Result<Vec<BlobFile>, LogError> {
    let root = dir.join(BLOBS_DIR);
    let mut out = Vec::new();
    if !fs::symlink_metadata(&root).is_ok_and(|m| m.is_dir()) {
        return Ok(out);
    }
    let subs = match fs::read_dir(&root) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io_err("cannot list", &root)(e)),
    };
    for sub in subs {
        let sub = sub.map_err(io_err("cannot list", &root))?;
        let sub_name = sub.file_name().to_string_lossy().into_owned();
        let sub_path = sub.path();
        let sub_type = sub.file_type().map_err(io_err("cannot stat", &sub_path))?;
        if !sub_type.is_dir() && !sub_type.is_file() {
            continue;
        }
        let ok_prefix = sub_name.len() == 2 && is_lower_hex(&sub_name);
        if !ok_prefix || !sub_type.is_dir() {
            out.push(BlobFile::Stray(sub_path));
            continue;
        }
        for f in fs::read_dir(&sub_path).map_err(io_err("cannot list", &sub_path))? {
            let f = f.map_err(io_err("cannot list", &sub_path))?;
            let name = f.file_name().to_string_lossy().into_owned();
            let path = f.path();
            let ft = f.file_type().map_err(io_err("cannot stat", &path))?;
            if name.starts_with(BLOB_TMP_PREFIX) || (!ft.is_file() && !ft.is_dir()) {
                continue;
            }
            match Digest::from_hex(&name) {
                Ok(d) if is_lower_hex(&name) && name.starts_with(&sub_name) && ft.is_file() => {
                    out.push(BlobFile::Blob(d, path))
                }
                _ => out.push(BlobFile::Stray(path)),
            }
        }
    }
    out.sort_by(|a, b| blob_file_path(a).cmp(blob_file_path(b)));
    Ok(out)
}

fn blob_file_path(b: &BlobFile) -> &Path {
    match b {
        BlobFile::Blob(_, p) | BlobFile::Stray(p) => p,
    }
}

fn is_lower_hex(s: &str) -> bool {
    s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// SHA-256 of the blob file `path` under the ledger `dir`, streamed; a link,
/// special file or file larger than [`MAX_BLOB_BYTES`] is refused.
pub(crate) fn hash_file(dir: &Path, path: &Path) -> io::Result<Digest> {
    check_dirs(dir, path)?;
    let file = open_regular(path, File::options().read(true))?;
    let mut h = Sha256::new();
    let n = io::copy(&mut file.take(MAX_BLOB_BYTES + 1), &mut h)?;
    if n > MAX_BLOB_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            RefusedPath {
                path: path.to_path_buf(),
                why: Refusal::TooLarge {
                    limit: MAX_BLOB_BYTES,
                    what: "a blob (an article text)",
                },
            },
        ));
    }
    Ok(Digest(h.finalize().into()))
}
