//! The server's in-memory cache of full tiles (hash tiles and entry
//! bundles of 256 items), which never change once written: a tile whose
//! 256 items are all inside a checkpoint the server has served is final,
//! and the server never steps back to a smaller tree
//! ([`super::AppState::snapshot`]), so a cached full tile is answered
//! without touching the disk, without a blocking task, and without even
//! looking at the checkpoint. Partial tiles (which a writer replaces) are
//! never cached.
//!
//! Bounded by bytes ([`super::Options::tile_cache_bytes`]); quick_cache
//! evicts what is least worth keeping (CLOCK-Pro) past that. An entry
//! bundle is kept as stored and, once asked for, gzip-compressed too.

use crate::log::tiles::{TileKind, TileRef, TILE_WIDTH};
use axum::body::Bytes;

/// A cached tile: the full tile `(kind, n)`, as stored (`false`) or
/// gzip-compressed (`true`).
type Key = (TileKind, u64, bool);

#[derive(Clone)]
struct ByLength;

impl quick_cache::Weighter<Key, Bytes> for ByLength {
    fn weight(&self, _key: &Key, bytes: &Bytes) -> u64 {
        // Never zero (a zero weight is never evicted); a hash tile is 8 KiB.
        bytes.len().max(1) as u64
    }
}

/// Full tiles held in memory, at most a given number of bytes.
pub struct TileCache {
    cache: Option<quick_cache::sync::Cache<Key, Bytes, ByLength>>,
}

impl TileCache {
    /// A cache of at most `bytes` bytes of tiles; 0 caches nothing.
    pub fn new(bytes: u64) -> TileCache {
        TileCache {
            cache: (bytes > 0).then(|| {
                // quick_cache sizes its tables from an estimate of the item
                // count: hash tiles are 8 KiB, bundles usually more.
                let items = usize::try_from(bytes / 8192).unwrap_or(usize::MAX).max(16);
                quick_cache::sync::Cache::with_weighter(items, bytes, ByLength)
            }),
        }
    }

    /// The full tile `t` (of width 256), as stored or gzip-compressed.
    pub fn get(&self, t: TileRef, gzip: bool) -> Option<Bytes> {
        if t.width != TILE_WIDTH {
            return None;
        }
        self.cache.as_ref()?.get(&(t.kind, t.n, gzip))
    }

    /// Keeps `bytes` as the full tile `t` (a tile of another width is not
    /// kept): the caller read it inside a checkpoint's tree.
    pub fn put(&self, t: TileRef, gzip: bool, bytes: Bytes) {
        if t.width != TILE_WIDTH {
            return;
        }
        if let Some(c) = &self.cache {
            c.insert((t.kind, t.n, gzip), bytes);
        }
    }

    /// How many bytes of tiles are held now.
    pub fn weight(&self) -> u64 {
        self.cache.as_ref().map_or(0, |c| c.weight())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_full_tiles_are_kept_and_the_bound_holds() {
        let c = TileCache::new(64 * 1024);
        let full = TileRef::hashes(0, 3, 256);
        c.put(full, false, Bytes::from(vec![1u8; 8192]));
        assert_eq!(c.get(full, false).as_deref(), Some(&[1u8; 8192][..]));
        assert_eq!(c.get(full, true), None, "the gzip form is its own entry");
        let partial = TileRef::hashes(0, 4, 17);
        c.put(partial, false, Bytes::from(vec![2u8; 17 * 32]));
        assert_eq!(c.get(partial, false), None);
        assert_eq!(c.get(TileRef::hashes(0, 4, 256), false), None);
        for n in 0..100 {
            c.put(
                TileRef::entries(n, 256),
                false,
                Bytes::from(vec![3u8; 8192]),
            );
        }
        assert!(c.weight() <= 64 * 1024, "{} bytes held", c.weight());
        let none = TileCache::new(0);
        none.put(full, false, Bytes::from(vec![1u8; 8192]));
        assert_eq!(none.get(full, false), None);
    }
}
