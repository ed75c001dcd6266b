//! The one copy of the file helpers every module uses: walking a ledger's
//! files (to show that nothing was written), copying a ledger, flipping
//! bytes and entry-bundle surgery (uint16 big-endian length ‖ leaf, ...).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Every file under `dir`, by path relative to `dir` (with `/`), in path
/// order, leaving out what `skip` says of a relative path (a skipped
/// directory is not entered). Links are not followed: a link is listed as
/// a file.
pub fn walk(dir: &Path, skip: impl Fn(&str) -> bool) -> Vec<(String, PathBuf)> {
    fn go(base: &Path, dir: &Path, skip: &dyn Fn(&str) -> bool, out: &mut Vec<(String, PathBuf)>) {
        let rd = fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
        for e in rd {
            let e = e.unwrap();
            let p = e.path();
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
            if skip(&rel) {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                go(base, &p, skip, out);
            } else {
                out.push((rel, p));
            }
        }
    }
    let mut out = Vec::new();
    go(dir, dir, &skip, &mut out);
    out.sort();
    out
}

/// Every file under `dir` with its bytes (a link: its target's path; a
/// FIFO, socket or device: `<special>`, unread), as [`walk`] lists them.
pub fn files_under(dir: &Path, skip: impl Fn(&str) -> bool) -> BTreeMap<String, Vec<u8>> {
    walk(dir, skip)
        .into_iter()
        .map(|(rel, p)| {
            let ft = fs::symlink_metadata(&p).unwrap().file_type();
            let bytes = if ft.is_symlink() {
                fs::read_link(&p)
                    .unwrap()
                    .to_string_lossy()
                    .as_bytes()
                    .to_vec()
            } else if ft.is_file() {
                fs::read(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
            } else {
                b"<special>".to_vec()
            };
            (rel, bytes)
        })
        .collect()
}

/// Files that commands create or change without writing to the ledger:
/// the lock and the derived index (with SQLite's `-wal` and `-shm`).
pub fn is_local(rel: &str) -> bool {
    rel == "lock" || rel.starts_with("index.sqlite")
}

/// Every file of the ledger in `dir` (path → bytes), the derived index and
/// the lock file left out: what "nothing is written" is about.
pub fn ledger_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir, is_local)
}

/// Copies the directory `from` to `to` with each file's permissions,
/// leaving out what `skip` says of a relative path.
pub fn copy_tree(from: &Path, to: &Path, skip: impl Fn(&str) -> bool) {
    fs::create_dir_all(to).unwrap();
    for (rel, p) in walk(from, skip) {
        let target = to.join(&rel);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(&p, &target).unwrap_or_else(|e| panic!("copy {}: {e}", p.display()));
    }
}

/// Copies the ledger directory `from` to `to` (which must not exist).
pub fn copy_dir(from: &Path, to: &Path) {
    copy_tree(from, to, |_| false)
}

/// XORs byte `at` of `path` with `mask`.
pub fn flip_bits(path: &Path, at: usize, mask: u8) {
    let mut b = fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    b[at] ^= mask;
    fs::write(path, b).unwrap();
}

/// Flips the low bit of byte `at` of `path`.
pub fn flip(path: &Path, at: usize) {
    flip_bits(path, at, 1)
}

/// Flips every bit of byte `at` of `path`.
pub fn flip_byte(path: &Path, at: usize) {
    flip_bits(path, at, 0xff)
}

/// Splits an entry bundle into entries.
pub fn split_bundle(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let len = usize::from(u16::from_be_bytes([bytes[at], bytes[at + 1]]));
        out.push(bytes[at + 2..at + 2 + len].to_vec());
        at += 2 + len;
    }
    out
}

/// Joins entries into an entry bundle.
pub fn join_bundle(entries: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        out.extend_from_slice(&u16::try_from(e.len()).unwrap().to_be_bytes());
        out.extend_from_slice(e);
    }
    out
}

/// Byte offset of entry `k`'s content (after its length prefix) within an
/// entry bundle.
pub fn entry_offset(bytes: &[u8], k: usize) -> usize {
    let mut at = 0;
    for _ in 0..k {
        at += 2 + usize::from(u16::from_be_bytes([bytes[at], bytes[at + 1]]));
    }
    at + 2
}

/// The entries of the entry bundle in the file `path`.
pub fn read_bundle(path: &Path) -> Vec<Vec<u8>> {
    split_bundle(&fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display())))
}

/// Writes `entries` as an entry bundle to `path`.
pub fn write_bundle(path: &Path, entries: &[Vec<u8>]) {
    fs::write(path, join_bundle(entries)).unwrap();
}

/// Byte offset, within its entry bundle, of the first byte of entry `i`'s
/// leaf (after its length prefix).
pub fn leaf_offset(bundle: &[Vec<u8>], i: usize) -> usize {
    entry_offset(&join_bundle(bundle), i)
}
