//! c2sp.org/tlog-tiles layout: tile paths, entry bundles, and which tiles a
//! tree of a given size has.
//!
//! `tlog_tiles::Tile::path` writes the Go sumdb layout (`tile/H/L/...`,
//! `tile/H/data/...`); c2sp drops the height and names data tiles
//! `entries`, so the paths are built here.

use super::fsutil::read_limited;
use super::leaf::MAX_LEAF_BYTES;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use tlog_tiles::HASH_SIZE;

/// Tile height: a full tile holds 2^8 = 256 hashes or entries (c2sp fixes it).
pub(crate) const TILE_HEIGHT: u8 = 8;

/// Hashes (or entries) in a full tile.
pub const TILE_WIDTH: u64 = 1 << TILE_HEIGHT;

/// The most bytes a hash tile can hold: 256 hashes of 32 bytes. Readers
/// read no more than this, whatever the file's size.
pub(crate) const MAX_HASH_TILE_BYTES: u64 = TILE_WIDTH * HASH_SIZE as u64;

/// The most bytes an entry bundle can hold: 256 entries of a 2-byte length
/// and at most [`MAX_LEAF_BYTES`] bytes.
pub(crate) const MAX_BUNDLE_BYTES: u64 = TILE_WIDTH * (2 + MAX_LEAF_BYTES as u64);

/// Whether a tile holds hashes of one tree level or leaf entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TileKind {
    /// Hash tile at tile level `L`, holding tree-level `8·L` hashes.
    Hashes(u8),
    /// Entry bundle: the leaves themselves, uint16-length-prefixed.
    Entries,
}

/// One tile: its kind, index `n` within its level and width (1..=256).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TileRef {
    /// Hash tile level or entry bundle.
    pub kind: TileKind,
    /// Index of the tile within its level.
    pub n: u64,
    /// Number of hashes or entries in the tile (256 when full).
    pub width: u64,
}

/// Encodes a tile index as 3-digit path elements, all but the last prefixed
/// with `x`: 1234067 → `x001/x234/067`.
pub(crate) fn index_path(n: u64) -> String {
    let mut s = format!("{:03}", n % 1000);
    let mut n = n / 1000;
    while n > 0 {
        s = format!("x{:03}/{s}", n % 1000);
        n /= 1000;
    }
    s
}

/// The c2sp path of hash tile `level`/`n` of `width` hashes.
pub fn tile_path(level: u8, n: u64, width: u64) -> String {
    TileRef {
        kind: TileKind::Hashes(level),
        n,
        width,
    }
    .path()
}

/// The c2sp path of entry bundle `n` holding `width` entries.
pub fn entries_path(n: u64, width: u64) -> String {
    TileRef {
        kind: TileKind::Entries,
        n,
        width,
    }
    .path()
}

impl TileRef {
    /// A hash tile.
    pub fn hashes(level: u8, n: u64, width: u64) -> TileRef {
        TileRef {
            kind: TileKind::Hashes(level),
            n,
            width,
        }
    }

    /// An entry bundle.
    pub fn entries(n: u64, width: u64) -> TileRef {
        TileRef {
            kind: TileKind::Entries,
            n,
            width,
        }
    }

    /// The same tile at another width.
    pub(crate) fn with_width(self, width: u64) -> TileRef {
        TileRef { width, ..self }
    }

    /// The path relative to the ledger directory, e.g. `tile/0/x001/067.p/5`.
    pub fn path(&self) -> String {
        let level = match self.kind {
            TileKind::Hashes(l) => l.to_string(),
            TileKind::Entries => "entries".to_string(),
        };
        let partial = if self.width == TILE_WIDTH {
            String::new()
        } else {
            format!(".p/{}", self.width)
        };
        format!("tile/{level}/{}{partial}", index_path(self.n))
    }

    /// The most bytes a file of this kind of tile can hold.
    pub(crate) fn max_bytes(&self) -> u64 {
        match self.kind {
            TileKind::Hashes(_) => MAX_HASH_TILE_BYTES,
            TileKind::Entries => MAX_BUNDLE_BYTES,
        }
    }

    fn what(&self) -> &'static str {
        match self.kind {
            TileKind::Hashes(_) => "a hash tile",
            TileKind::Entries => "an entry bundle",
        }
    }

    /// The directory holding this tile's partial versions (`<N>.p`).
    fn partial_dir(&self, dir: &Path) -> PathBuf {
        dir.join(self.with_width(TILE_WIDTH).path() + ".p")
    }

    /// The tree level of the hashes in a hash tile (0 for entry bundles).
    pub(crate) fn tree_level(&self) -> u8 {
        match self.kind {
            TileKind::Hashes(l) => l * TILE_HEIGHT,
            TileKind::Entries => 0,
        }
    }

    /// The first leaf index this tile covers.
    pub(crate) fn first_entry(&self) -> u64 {
        (self.n * TILE_WIDTH)
            .checked_shl(u32::from(self.tree_level()))
            .unwrap_or(u64::MAX)
    }
}

/// How many hashes (or entries) `kind`'s level holds in a tree of `size`.
fn level_count(kind: TileKind, size: u64) -> u64 {
    match kind {
        TileKind::Entries => size,
        TileKind::Hashes(l) => size
            .checked_shr(u32::from(l) * u32::from(TILE_HEIGHT))
            .unwrap_or(0),
    }
}

/// The hash tile levels a tree of `size` has (level L exists while the tree
/// has at least one hash at tree level 8·L).
pub(crate) fn hash_levels(size: u64) -> impl Iterator<Item = u8> {
    (0u8..).take_while(move |&l| level_count(TileKind::Hashes(l), size) > 0)
}

/// The partial (rightmost, not full) tiles of a tree of `size`, hash tiles
/// and entry bundle alike. These are the only tiles an append supersedes.
pub(crate) fn partial_tiles(size: u64) -> Vec<TileRef> {
    hash_levels(size)
        .map(TileKind::Hashes)
        .chain([TileKind::Entries])
        .filter_map(|kind| {
            let count = level_count(kind, size);
            (!count.is_multiple_of(TILE_WIDTH)).then_some(TileRef {
                kind,
                n: count / TILE_WIDTH,
                width: count % TILE_WIDTH,
            })
        })
        .collect()
}

/// The tiles (hash tiles and entry bundles) that growing a tree from `old`
/// to `new` leaves creates; none of them exists in the tree of size `old`.
pub(crate) fn new_tiles(old: u64, new: u64) -> Vec<TileRef> {
    let mut out: Vec<TileRef> = tlog_tiles::Tile::new_tiles(TILE_HEIGHT, old, new)
        .into_iter()
        .map(|t| TileRef::hashes(t.level(), t.level_index(), u64::from(t.width())))
        .collect();
    if new > old {
        let first = old / TILE_WIDTH;
        let last = (new - 1) / TILE_WIDTH;
        for n in first..=last {
            out.push(TileRef::entries(n, (new - n * TILE_WIDTH).min(TILE_WIDTH)));
        }
    }
    out
}

/// Reads a tile of at least `t.width`: the exact file, or, when a writer has
/// since replaced that partial tile by a wider one or the full tile, the
/// wider one (tiles only grow, so its first `t.width` items are the same).
/// Returns the bytes and whether they came from the exact path; `None` when
/// no such tile exists. A link, special file or file larger than a tile can
/// be is an error (see [`super::RefusedPath`]), never followed or read.
pub(crate) fn read_tile(dir: &Path, t: TileRef) -> io::Result<Option<(Vec<u8>, bool)>> {
    // A writer deletes a superseded partial only after the wider tile is
    // durable, so one retry after a miss suffices; three is for good measure.
    for _ in 0..3 {
        if let Some(b) = read_if_exists(dir, t)? {
            return Ok(Some((b, true)));
        }
        if t.width == TILE_WIDTH {
            return Ok(None);
        }
        if let Some(b) = read_if_exists(dir, t.with_width(TILE_WIDTH))? {
            return Ok(Some((b, false)));
        }
        let mut wider: Vec<u64> = match fs::read_dir(t.partial_dir(dir)) {
            Ok(rd) => rd
                .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .filter(|&w| w > t.width && w < TILE_WIDTH)
                .collect(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        wider.sort_unstable();
        for w in wider {
            if let Some(b) = read_if_exists(dir, t.with_width(w))? {
                return Ok(Some((b, false)));
            }
        }
    }
    Ok(None)
}

/// Reads the widest partial version of `t` narrower than `t.width`, for
/// telling how far a tile that should exist actually got. Returns the bytes
/// and that version's width.
pub(crate) fn read_narrower(dir: &Path, t: TileRef) -> io::Result<Option<(Vec<u8>, u64)>> {
    let mut narrower: Vec<u64> = match fs::read_dir(t.partial_dir(dir)) {
        Ok(rd) => rd
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .filter(|&w| w > 0 && w < t.width)
            .collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    narrower.sort_unstable();
    for w in narrower.into_iter().rev() {
        if let Some(b) = read_if_exists(dir, t.with_width(w))? {
            return Ok(Some((b, w)));
        }
    }
    Ok(None)
}

fn read_if_exists(dir: &Path, t: TileRef) -> io::Result<Option<Vec<u8>>> {
    read_limited(dir, &dir.join(t.path()), t.max_bytes(), t.what())
}

/// The `<N>.p` directory that holds a tile's partial versions.
pub(crate) fn partial_dir_of(dir: &Path, t: TileRef) -> PathBuf {
    t.partial_dir(dir)
}

/// Appends one entry to an entry bundle: big-endian uint16 length ‖ bytes.
/// The caller has checked the length fits.
pub fn push_entry(bundle: &mut Vec<u8>, entry: &[u8]) {
    let len = u16::try_from(entry.len()).expect("leaf length checked against MAX_LEAF_BYTES");
    bundle.extend_from_slice(&len.to_be_bytes());
    bundle.extend_from_slice(entry);
}

/// Where and why an entry bundle could not be split into its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleError {
    /// Position within the bundle of the entry at fault.
    pub at: usize,
    /// What is wrong.
    pub why: String,
    /// The entries that could be read (those before `at`, or all of them
    /// when the fault is trailing bytes).
    pub read: Vec<Vec<u8>>,
}

/// Splits the first `width` entries off an entry bundle. With `exact`, bytes
/// after them are an error (the file should hold exactly `width` entries).
pub fn parse_bundle(bytes: &[u8], width: u64, exact: bool) -> Result<Vec<Vec<u8>>, BundleError> {
    let mut read = Vec::new();
    let walked = walk_bundle(bytes, width, |entry| read.push(entry.to_vec()));
    match walked {
        Err((at, why)) => Err(BundleError { at, why, read }),
        Ok(pos) if exact && pos != bytes.len() => {
            let why = format!(
                "has {} unexpected bytes after its {width} entries",
                bytes.len() - pos
            );
            let at = read.len().saturating_sub(1);
            Err(BundleError { at, why, read })
        }
        Ok(_) => Ok(read),
    }
}

/// The length in bytes of the first `width` entries of an entry bundle
/// (what a partial bundle `N.p/W` is of a wider or full one), checked as
/// [`parse_bundle`] checks them, without copying them.
pub fn bundle_prefix_len(bytes: &[u8], width: u64) -> Result<usize, BundleError> {
    walk_bundle(bytes, width, |_| {}).map_err(|(at, why)| BundleError {
        at,
        why,
        read: Vec::new(),
    })
}

/// Walks the first `width` entries of a bundle, handing each to `each`;
/// returns the position after them, or where and why the bundle is short.
fn walk_bundle(
    bytes: &[u8],
    width: u64,
    mut each: impl FnMut(&[u8]),
) -> Result<usize, (usize, String)> {
    let mut pos = 0usize;
    let mut at = 0usize;
    while (at as u64) < width {
        let Some(len) = bytes.get(pos..pos + 2) else {
            let why = if pos == bytes.len() {
                format!("ends after {at} of its {width} entries")
            } else {
                "ends inside an entry's length prefix".to_string()
            };
            return Err((at, why));
        };
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        let Some(entry) = bytes.get(pos + 2..pos + 2 + len) else {
            let why = format!(
                "is cut short: an entry claims {len} bytes but only {} remain",
                bytes.len() - pos - 2
            );
            return Err((at, why));
        };
        each(entry);
        at += 1;
        pos += 2 + len;
    }
    Ok(pos)
}

/// Splits hash tile bytes into hashes, ignoring any bytes past `width`
/// hashes (the caller checks exact lengths where they matter).
pub fn tile_hashes(bytes: &[u8], width: u64) -> Vec<[u8; HASH_SIZE]> {
    bytes
        .chunks_exact(HASH_SIZE)
        .take(usize::try_from(width).unwrap_or(usize::MAX))
        .map(|c| c.try_into().expect("chunk of HASH_SIZE"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every tile a tree of `size` leaves has at `kind`'s level: the full ones
    /// and, if the level does not end on a tile boundary, the partial one.
    fn tiles_at_level(kind: TileKind, size: u64) -> impl Iterator<Item = TileRef> {
        let count = level_count(kind, size);
        let full = count / TILE_WIDTH;
        let rest = count % TILE_WIDTH;
        (0..full)
            .map(move |n| TileRef {
                kind,
                n,
                width: TILE_WIDTH,
            })
            .chain((rest > 0).then_some(TileRef {
                kind,
                n: full,
                width: rest,
            }))
    }

    #[test]
    fn new_tiles_never_name_a_tile_of_the_old_tree() {
        for old in [0u64, 1, 255, 256, 257, 511, 512, 65535, 65536, 70000] {
            for new in [
                old + 1,
                old + 2,
                old + 255,
                old + 256,
                old + 300,
                old + 70000,
            ] {
                let before: Vec<TileRef> = hash_levels(old)
                    .map(TileKind::Hashes)
                    .chain([TileKind::Entries])
                    .flat_map(|k| tiles_at_level(k, old))
                    .collect();
                for t in new_tiles(old, new) {
                    assert!(!before.contains(&t), "{old}->{new}: {t:?} existed");
                }
            }
        }
    }

    #[test]
    fn a_bundle_prefix_is_as_long_as_the_entries_parse_bundle_reads() {
        let mut bundle = Vec::new();
        for e in [&b"one"[..], b"", b"three entries"] {
            push_entry(&mut bundle, e);
        }
        assert_eq!(bundle_prefix_len(&bundle, 0), Ok(0));
        assert_eq!(bundle_prefix_len(&bundle, 1), Ok(5));
        assert_eq!(bundle_prefix_len(&bundle, 2), Ok(7));
        assert_eq!(bundle_prefix_len(&bundle, 3), Ok(bundle.len()));
        assert_eq!(parse_bundle(&bundle[..7], 2, true).unwrap().len(), 2);
        // Short in the same places, with the same words, as parse_bundle.
        for (bytes, width) in [(&bundle[..], 4), (&bundle[..6], 2), (&bundle[..10], 3)] {
            let cut = bundle_prefix_len(bytes, width).unwrap_err();
            let parsed = parse_bundle(bytes, width, false).unwrap_err();
            assert_eq!((cut.at, &cut.why), (parsed.at, &parsed.why));
            assert!(cut.read.is_empty());
        }
        assert_eq!(
            bundle_prefix_len(&bundle, 4).unwrap_err().why,
            "ends after 3 of its 4 entries"
        );
        assert_eq!(
            bundle_prefix_len(&bundle[..6], 2).unwrap_err().why,
            "ends inside an entry's length prefix"
        );
        assert_eq!(
            bundle_prefix_len(&bundle[..10], 3).unwrap_err().why,
            "is cut short: an entry claims 13 bytes but only 1 remain"
        );
    }
}
