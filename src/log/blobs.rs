//! Content-addressed blobs (article texts, captured evidence) stored beside
//! the log as `blobs/<first 2 hex>/<64 hex>`, named by their SHA-256.

use super::fsutil::{io_err, sync_dir};
use super::LogError;
use crate::digest::Digest;
use sha2::{Digest as _, Sha256};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The blob directory's name inside a ledger.
pub const BLOBS_DIR: &str = "blobs";

/// Prefix of the temporary files a blob is written to before its rename;
/// audits skip them (they are what a crash mid-write leaves behind).
pub const BLOB_TMP_PREFIX: &str = ".tmp";

/// Where the blob with digest `d` lives under the ledger directory `dir`.
pub fn blob_path(dir: &Path, d: &Digest) -> PathBuf {
    let hex = d.to_hex();
    dir.join(BLOBS_DIR).join(&hex[..2]).join(hex)
}

/// Stores `bytes` and returns their digest. Idempotent: a blob already
/// present (and intact) is left alone; a damaged one is replaced.
pub(crate) fn put(dir: &Path, bytes: &[u8]) -> Result<Digest, LogError> {
    let d = Digest::of(bytes);
    let path = blob_path(dir, &d);
    if let Ok(have) = fs::read(&path) {
        if Digest::of(&have) == d {
            return Ok(d);
        }
    }
    let sub = path.parent().expect("blob path has a parent");
    let created = !sub.is_dir();
    fs::create_dir_all(sub).map_err(io_err("cannot create directory", sub))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(BLOB_TMP_PREFIX)
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

/// Reads the blob `d`, checking its content still hashes to `d`.
pub(crate) fn get(dir: &Path, d: &Digest) -> Result<Vec<u8>, LogError> {
    let path = blob_path(dir, d);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(LogError::BlobNotFound { digest: *d, path })
        }
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
/// the temporary files of interrupted writes.
pub(crate) fn list(dir: &Path) -> Result<Vec<BlobFile>, LogError> {
    let root = dir.join(BLOBS_DIR);
    let mut out = Vec::new();
    let subs = match fs::read_dir(&root) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io_err("cannot list", &root)(e)),
    };
    for sub in subs {
        let sub = sub.map_err(io_err("cannot list", &root))?;
        let sub_name = sub.file_name().to_string_lossy().into_owned();
        let sub_path = sub.path();
        let ok_prefix = sub_name.len() == 2 && is_lower_hex(&sub_name);
        if !ok_prefix || !sub_path.is_dir() {
            out.push(BlobFile::Stray(sub_path));
            continue;
        }
        for f in fs::read_dir(&sub_path).map_err(io_err("cannot list", &sub_path))? {
            let f = f.map_err(io_err("cannot list", &sub_path))?;
            let name = f.file_name().to_string_lossy().into_owned();
            let path = f.path();
            if name.starts_with(BLOB_TMP_PREFIX) {
                continue;
            }
            match Digest::from_hex(&name) {
                Ok(d) if is_lower_hex(&name) && name.starts_with(&sub_name) && path.is_file() => {
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

/// SHA-256 of a file's content, streamed.
pub(crate) fn hash_file(path: &Path) -> io::Result<Digest> {
    let mut h = Sha256::new();
    io::copy(&mut File::open(path)?, &mut h)?;
    Ok(Digest(h.finalize().into()))
}
