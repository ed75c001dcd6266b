//! A verified pull mirror: a full tlog-tiles copy of a remote ledger in a
//! directory of its own, brought up to the remote's checkpoint by
//! [`pull`], incrementally from the checkpoint it last reached.
//!
//! One pull, and nothing is kept unless every step holds:
//!
//! 1. the remote's checkpoint verifies under the pinned operator key;
//! 2. it is consistent with every checkpoint this mirror has seen of the
//!    remote: a smaller or equal one must have the root of the mirror's
//!    first entries, a larger one must extend the mirror's tree (the root
//!    of the mirror's entries followed by those fetched is the signed
//!    root), and every checkpoint seen in between must be a prefix of it;
//! 3. the new entries (entry bundles, fetched in parallel) decode, are
//!    numbered and chained (`prev`), and give the signed root; every hash
//!    tile fetched is the tile of that tree (a tampered tile is named);
//! 4. every new entry goes through the one replay (`src/replay.rs`:
//!    decode, verify the signature, [`State::apply`]) into the
//!    mirror's own index, inside one transaction; the blobs the rules read
//!    are fetched (each checked against its digest) and stored; an entry
//!    the rules refuse is in the remote's signed log, so it is applied as
//!    nothing and recorded void, as `reindex --skip-refused` does (audit on
//!    the mirror reports it, as on the remote's own files);
//! 5. the log writer appends the fetched leaves under the remote's signed
//!    checkpoint (stored hashes, tiles, bundles, fsynced; the checkpoint
//!    last), then the index commits.
//!
//! The mirror is an ordinary ledger directory (without `private/`): every
//! read command, `audit` and `serve` work on it. Its `remote/` directory
//! pins the remote's URL and operator key and lists the checkpoints seen.

use super::client::{FetchedTile, Remote, RemoteOptions};
use super::RemoteError;
use crate::digest::Digest;
use crate::keys::PublicKey;
use crate::log::checkpoint::base64_root;
use crate::log::tiles::{new_tiles, TileKind, TileRef, TILE_WIDTH};
use crate::log::{Checkpoint, Leaf, Log, LogError};
use crate::state::{BlobError, Blobs, State, VoidEntry};
use serde::Serialize;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tlog_tiles::{record_hash, stored_hash_count, stored_hash_index, tree_hash, Hash, HashReader};

/// The directory inside a mirror that pins its remote.
pub const REMOTE_DIR: &str = "remote";

/// How long a pull waits for another pull (or writer) of the same mirror.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// What a pull did, as `mirror --json` prints it
/// (schemas/mirror.schema.json).
#[derive(Debug, Clone, Serialize)]
pub struct MirrorReport {
    /// The remote's base URL.
    pub url: String,
    /// The mirror directory.
    pub dir: String,
    /// The log's origin.
    pub origin: String,
    /// The operator key the checkpoint verified under (c2sp vkey form).
    pub operator_key: String,
    /// The mirror's size before the pull.
    pub old_size: u64,
    /// The mirror's size after it.
    pub size: u64,
    /// The root at `size`, base64 as in checkpoints.
    pub root: String,
    /// The remote checkpoint's size (smaller than `size` when the remote
    /// is behind the mirror, which it then is consistent with).
    pub remote_size: u64,
    /// Entries fetched, checked and appended.
    pub entries_added: u64,
    /// Tiles (hash tiles and entry bundles) fetched.
    pub tiles_fetched: u64,
    /// Blobs fetched (each checked against its digest).
    pub blobs_fetched: u64,
    /// The entries of this pull that the rules refuse, applied as nothing
    /// and recorded void (step 4 above), in log order.
    pub void: Vec<VoidEntry>,
}

/// A mirror's pin: its remote, the operator key, the checkpoints seen.
struct Pin {
    url: String,
    operator: Option<PublicKey>,
    /// (size, root) of every checkpoint seen that verified.
    seen: BTreeMap<u64, Digest>,
}

fn pin_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(REMOTE_DIR).join(name)
}

fn read_small(path: &Path) -> Result<Option<String>, RemoteError> {
    match crate::log::read_bounded(path, 1 << 20, "a mirror's pin file") {
        Ok(b) => String::from_utf8(b)
            .map(Some)
            .map_err(|_| RemoteError::Pin {
                path: path.to_path_buf(),
                why: "it is not UTF-8".into(),
            }),
        Err(_) if !path.exists() => Ok(None),
        Err(e) => Err(RemoteError::Pin {
            path: path.to_path_buf(),
            why: crate::error::chain(&e),
        }),
    }
}

fn read_pin(dir: &Path) -> Result<Option<Pin>, RemoteError> {
    let Some(url) = read_small(&pin_path(dir, "url"))? else {
        return Ok(None);
    };
    let op_path = pin_path(dir, "operator.pub");
    let operator = read_small(&op_path)?
        .map(|t| {
            PublicKey::parse(t.trim(), "the mirror's pinned operator key").map_err(|e| {
                RemoteError::Pin {
                    path: op_path.clone(),
                    why: crate::error::chain(&e),
                }
            })
        })
        .transpose()?;
    let seen_path = pin_path(dir, "seen");
    let mut seen = BTreeMap::new();
    for line in read_small(&seen_path)?.unwrap_or_default().lines() {
        let bad = || RemoteError::Pin {
            path: seen_path.clone(),
            why: format!("line {line:?} is not \"SIZE BASE64-ROOT\""),
        };
        let (s, r) = line.split_once(' ').ok_or_else(bad)?;
        let size: u64 = s.parse().map_err(|_| bad())?;
        let root = tlog_tiles::Hash::parse_hash(r).map_err(|_| bad())?;
        seen.insert(size, Digest(root.0));
    }
    Ok(Some(Pin {
        url: url.trim().to_string(),
        operator,
        seen,
    }))
}

fn write_pin(dir: &Path, pin: &Pin) -> Result<(), RemoteError> {
    let d = dir.join(REMOTE_DIR);
    let io = |path: &Path, e: std::io::Error| RemoteError::Pin {
        path: path.to_path_buf(),
        why: format!("cannot write it: {e}"),
    };
    std::fs::create_dir_all(&d).map_err(|e| io(&d, e))?;
    let mut files = vec![("url", format!("{}\n", pin.url))];
    if let Some(op) = &pin.operator {
        files.push(("operator.pub", format!("{}\n", op.to_note_string())));
    }
    let seen: String = pin
        .seen
        .iter()
        .map(|(s, r)| format!("{s} {}\n", base64_root(r)))
        .collect();
    files.push(("seen", seen));
    for (name, text) in files {
        let p = d.join(name);
        crate::log::replace_atomically(&p, text.as_bytes()).map_err(|e| RemoteError::Pin {
            path: p.clone(),
            why: crate::error::chain(&e),
        })?;
    }
    Ok(())
}

/// Records the checkpoint (`size`, `root`) as seen of the remote the
/// mirror `dir` pins, after a write's answer carrying it was checked
/// ([`super::submit`]): every later pull refuses a remote whose tree does
/// not have it as a prefix.
pub(crate) fn remember_checkpoint(dir: &Path, size: u64, root: &Digest) -> Result<(), RemoteError> {
    let Some(mut pin) = read_pin(dir)? else {
        return Err(RemoteError::NotAMirror {
            dir: dir.to_path_buf(),
        });
    };
    pin.seen.insert(size, *root);
    write_pin(dir, &pin)
}

/// Blobs for the rules during a pull: the mirror's own, then those fetched
/// (checked against their digest), kept to be stored if the pull commits.
struct PullBlobs<'a> {
    dir: &'a Path,
    remote: &'a Remote,
    fetched: RefCell<BTreeMap<Digest, Vec<u8>>>,
    failed: RefCell<Option<RemoteError>>,
}

impl Blobs for PullBlobs<'_> {
    fn blob(&self, digest: &Digest) -> Result<Option<Vec<u8>>, BlobError> {
        let path = crate::log::blobs::blob_path(self.dir, digest);
        match crate::log::blobs::read_file(self.dir, digest) {
            Ok(Some(b)) if Digest::of(&b) == *digest => return Ok(Some(b)),
            Ok(Some(_)) => return Err(BlobError::Mismatch { path }),
            Ok(None) => {}
            Err(source) => return Err(BlobError::Read { path, source }),
        }
        if let Some(b) = self.fetched.borrow().get(digest) {
            return Ok(Some(b.clone()));
        }
        match self.remote.blob(digest) {
            Ok(Some(b)) => {
                self.fetched.borrow_mut().insert(*digest, b.clone());
                Ok(Some(b))
            }
            Ok(None) => Ok(None),
            Err(e) => {
                let msg = e.to_string();
                *self.failed.borrow_mut() = Some(e);
                Err(BlobError::Read {
                    path,
                    source: std::io::Error::other(msg),
                })
            }
        }
    }
}

/// The hashes of the fetched hash tiles, by stored hash index.
fn tile_hashes(tiles: &[(TileRef, &[u8])]) -> BTreeMap<u64, (Hash, TileRef)> {
    let mut out = BTreeMap::new();
    for (t, bytes) in tiles {
        let TileKind::Hashes(l) = t.kind else {
            continue;
        };
        for (i, h) in crate::log::tiles::tile_hashes(bytes, t.width)
            .into_iter()
            .enumerate()
        {
            let idx = stored_hash_index(l * 8, t.n * TILE_WIDTH + i as u64);
            out.insert(idx, (Hash(h), *t));
        }
    }
    out
}

/// Pulls the remote ledger at `url` into the mirror `dir` (created on the
/// first pull, which needs `operator`; later pulls use the pinned key, and
/// refuse another). `progress` is called with (entries replayed, entries
/// to replay).
pub fn pull(
    url: &str,
    dir: &Path,
    operator: Option<PublicKey>,
    opts: RemoteOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<MirrorReport, RemoteError> {
    let remote = Remote::new(url, opts)?;
    let url = remote.base().to_string();
    let has_checkpoint = std::fs::symlink_metadata(dir.join("checkpoint")).is_ok();
    let pin = read_pin(dir)?;
    if has_checkpoint && pin.is_none() {
        return Err(RemoteError::NotAMirror {
            dir: dir.to_path_buf(),
        });
    }
    if pin.is_none() {
        if let Some(entry) = foreign_entry(dir)? {
            return Err(RemoteError::NotEmpty {
                dir: dir.to_path_buf(),
                entry,
            });
        }
    }
    if let Some(p) = &pin {
        if p.url != url {
            return Err(RemoteError::OtherRemote {
                dir: dir.to_path_buf(),
                pinned: p.url.clone(),
                given: url,
            });
        }
    }
    let pinned = pin.as_ref().and_then(|p| p.operator.clone());
    let operator = match (operator, pinned) {
        (Some(g), Some(p)) if g.to_note_string() != p.to_note_string() => {
            return Err(RemoteError::OperatorChanged {
                dir: dir.to_path_buf(),
                pinned: p.to_note_string(),
                given: g.to_note_string(),
            })
        }
        (Some(g), _) => g,
        (None, Some(p)) => p,
        (None, None) => return Err(RemoteError::NeedOperator { url }),
    };
    let mut pin = pin.unwrap_or(Pin {
        url: url.clone(),
        operator: Some(operator.clone()),
        seen: BTreeMap::new(),
    });
    pin.operator = Some(operator.clone());

    let note = remote.checkpoint()?;
    let cp = Checkpoint::verify(&note, &operator.note_verifier()).map_err(|e| {
        RemoteError::BadCheckpoint {
            url: remote.url("checkpoint"),
            why: crate::error::chain(&e),
        }
    })?;
    if cp.size == 0 {
        return Err(RemoteError::Empty { url });
    }
    // Bound the pull before anything is sized by the signed size, or
    // written: one pull is one append of the mirror's log.
    let mirrored = if has_checkpoint {
        Log::open(dir)?.size()
    } else {
        0
    };
    check_gap(&url, mirrored, cp.size)?;
    // Same size, other root: inconsistent whatever the mirror holds.
    if let Some(r) = pin.seen.get(&cp.size) {
        if *r != cp.root {
            return Err(RemoteError::Inconsistent {
                url,
                seen_size: cp.size,
                seen_root: base64_root(r),
                size: cp.size,
                root: base64_root(&cp.root),
                why: "both sign a tree of that size with other roots".into(),
            });
        }
    }

    std::fs::create_dir_all(dir).map_err(|e| RemoteError::Pin {
        path: dir.to_path_buf(),
        why: format!("cannot create the mirror directory: {e}"),
    })?;
    let mut writer = Log::open_mirror(dir, &cp.origin, Some(LOCK_WAIT))?;
    if writer.size() > 0 && writer.origin() != cp.origin {
        return Err(RemoteError::BadCheckpoint {
            url: remote.url("checkpoint"),
            why: format!(
                "its origin is {}, but the mirror holds the log {}",
                cp.origin,
                writer.origin()
            ),
        });
    }
    let old = writer.size();
    let before = Before {
        size: old,
        root: (old > 0).then(|| writer.root()),
    };
    let mut report = MirrorReport {
        url: url.clone(),
        dir: dir.display().to_string(),
        origin: cp.origin.clone(),
        operator_key: operator.to_note_string(),
        old_size: old,
        size: old,
        root: base64_root(&writer.root()),
        remote_size: cp.size,
        entries_added: 0,
        tiles_fetched: 0,
        blobs_fetched: 0,
        void: Vec::new(),
    };
    if cp.size <= old {
        let ours = writer.root_at(cp.size)?;
        if ours != cp.root {
            return Err(RemoteError::Inconsistent {
                url,
                seen_size: old,
                seen_root: base64_root(&writer.root()),
                size: cp.size,
                root: base64_root(&cp.root),
                why: format!(
                    "the first {} entries of the tree seen have root {}",
                    cp.size,
                    base64_root(&ours)
                ),
            });
        }
        pin.seen.insert(cp.size, cp.root);
        write_pin(dir, &pin)?;
        return Ok(report);
    }

    // Fetch the new entry bundles and hash tiles, in parallel.
    let new = cp.size;
    check_gap(&url, old, new)?;
    let mut wanted: Vec<TileRef> = (old / TILE_WIDTH..=(new - 1) / TILE_WIDTH)
        .map(|n| TileRef::entries(n, (new - n * TILE_WIDTH).min(TILE_WIDTH)))
        .collect();
    wanted.extend(
        new_tiles(old, new)
            .into_iter()
            .filter(|t| matches!(t.kind, TileKind::Hashes(_))),
    );
    let fetched = remote.tiles(&wanted)?;
    report.tiles_fetched = wanted.len() as u64;

    // The new leaves: numbered, chained, and the entries the mirror has
    // already served unchanged.
    let mut leaves: Vec<Vec<u8>> = Vec::with_capacity((new - old) as usize);
    let mut leaf_bundle: Vec<TileRef> = Vec::with_capacity(leaves.capacity());
    let mut prev = if old == 0 {
        Digest::ZERO
    } else {
        writer.leaf_hash(old - 1)?
    };
    // Split by kind, moving (not copying) what was fetched: the entries
    // move on into `leaves`, which the replay and the append borrow.
    let mut hash_tiles: Vec<(TileRef, Vec<u8>)> = Vec::new();
    let mut entry_tiles: Vec<(TileRef, Vec<Vec<u8>>)> = Vec::new();
    for (t, f) in wanted.iter().zip(fetched) {
        match f {
            FetchedTile::Hashes(b) => hash_tiles.push((*t, b)),
            FetchedTile::Entries(e) => entry_tiles.push((*t, e)),
        }
    }
    let remote_hashes = {
        let view: Vec<(TileRef, &[u8])> = hash_tiles.iter().map(|(t, b)| (*t, &b[..])).collect();
        tile_hashes(&view)
    };
    for (t, entries) in entry_tiles {
        let t = &t;
        for (k, owned) in entries.into_iter().enumerate() {
            let bytes = &owned;
            let seq = t.n * TILE_WIDTH + k as u64;
            let bad = |why: String| RemoteError::BadEntry {
                url: remote.url(&t.path()),
                seq,
                why,
            };
            if seq < old {
                if *bytes != writer.entry(seq)? {
                    return Err(RemoteError::Inconsistent {
                        url: url.clone(),
                        seen_size: old,
                        seen_root: base64_root(&writer.root()),
                        size: new,
                        root: base64_root(&cp.root),
                        why: format!("{} serves entry {seq} changed", remote.url(&t.path())),
                    });
                }
                continue;
            }
            // An entry that is not the one the remote's own level-0 tile
            // names: the bundle was tampered with (or the tile, which the
            // root check below then names).
            if let Some((h, tile)) = remote_hashes.get(&stored_hash_index(0, seq)) {
                if record_hash(bytes) != *h {
                    return Err(RemoteError::TamperedEntry {
                        url: remote.url(&t.path()),
                        seq,
                        tile: remote.url(&tile.path()),
                    });
                }
            }
            let leaf = Leaf::decode(bytes).map_err(|e| bad(crate::error::chain(&e)))?;
            if leaf.seq != seq {
                return Err(bad(format!("the leaf says it is entry {}", leaf.seq)));
            }
            if leaf.prev != prev && seq == old {
                return Err(RemoteError::Inconsistent {
                    url: url.clone(),
                    seen_size: old,
                    seen_root: base64_root(&writer.root()),
                    size: new,
                    root: base64_root(&cp.root),
                    why: format!(
                        "its entry {seq} chains to {}, not to the mirror's entry {} ({})",
                        leaf.prev.to_hex(),
                        seq - 1,
                        prev.to_hex()
                    ),
                });
            }
            if leaf.prev != prev {
                return Err(bad(format!(
                    "its prev is {}, not the leaf hash of entry {} ({})",
                    leaf.prev.to_hex(),
                    seq.wrapping_sub(1),
                    prev.to_hex()
                )));
            }
            prev = Leaf::hash_bytes(bytes);
            leaves.push(owned);
            leaf_bundle.push(*t);
        }
    }

    // The index, caught up to the mirror's checkpoint (a reader's open
    // does that), then the new entries replayed into it in one transaction.
    let index = dir.join(crate::ledger::INDEX_FILE);
    if old == 0 {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", index.display()));
        }
    } else {
        drop(crate::ledger::Ledger::open(dir)?);
    }
    let mut state = State::open(&index)?;
    // The mirror's index has one writer, this pull.
    state.tune_for_writer()?;
    index_in_step(&index, state.applied()?, old)?;
    let blobs = PullBlobs {
        dir,
        remote: &remote,
        fetched: RefCell::new(BTreeMap::new()),
        failed: RefCell::new(None),
    };
    let mut failure: Option<RemoteError> = None;
    let appended = {
        let mut check = |ncp: &Checkpoint, reader: &dyn HashReader| -> Result<Vec<u8>, LogError> {
            let fail = |failure: &mut Option<RemoteError>, e: RemoteError| {
                let msg = e.to_string();
                *failure = Some(e);
                LogError::BadRequest(msg)
            };
            if ncp.root != cp.root {
                let e = diagnose(
                    &remote,
                    &url,
                    &before,
                    &cp,
                    ncp,
                    reader,
                    &remote_hashes,
                    &leaves,
                    &leaf_bundle,
                );
                return Err(fail(&mut failure, e));
            }
            // Every hash tile fetched is the tile of the tree just proven.
            for (t, bytes) in &hash_tiles {
                let TileKind::Hashes(l) = t.kind else {
                    continue;
                };
                let w = u32::try_from(t.width).expect("tile width <= 256");
                let ours = tlog_tiles::Tile::new(8, l, t.n, w, false)
                    .read_data(&Reader(reader))
                    .map_err(|e| LogError::BadRequest(e.to_string()))?;
                if ours != *bytes {
                    let k = ours
                        .chunks(32)
                        .zip(bytes.chunks(32))
                        .position(|(a, b)| a != b)
                        .unwrap_or(0);
                    let e = RemoteError::TamperedTile {
                        url: remote.url(&t.path()),
                        hash: k as u64,
                        size: new,
                    };
                    return Err(fail(&mut failure, e));
                }
            }
            // Every checkpoint seen in between is a prefix of this tree.
            for (&s, r) in pin.seen.range(old + 1..new) {
                let h = tree_hash(s, &Reader(reader))
                    .map_err(|e| LogError::BadRequest(e.to_string()))?;
                if h.0 != r.0 {
                    let e = RemoteError::Inconsistent {
                        url: url.clone(),
                        seen_size: s,
                        seen_root: base64_root(r),
                        size: new,
                        root: base64_root(&cp.root),
                        why: format!(
                            "the first {s} entries of the new tree have root {}",
                            base64_root(&Digest(h.0))
                        ),
                    };
                    return Err(fail(&mut failure, e));
                }
            }
            // Each entry through the one replay, into the mirror's index.
            if let Err(e) = replay(&mut state, &blobs, old, &leaves, progress) {
                let e = match blobs.failed.borrow_mut().take() {
                    Some(fetch) => fetch,
                    None => e,
                };
                return Err(fail(&mut failure, e));
            }
            for b in blobs.fetched.borrow().values() {
                crate::log::blobs::put(dir, b)?;
            }
            Ok(note.clone())
        };
        writer.append_leaves(&leaves, &mut check)
    };
    match appended {
        Ok(_) => state.commit()?,
        Err(e) => {
            let _ = state.rollback();
            return Err(failure.unwrap_or(RemoteError::Log(e)));
        }
    }
    report.size = new;
    report.root = base64_root(&cp.root);
    report.entries_added = new - old;
    report.blobs_fetched = blobs.fetched.borrow().len() as u64;
    report.void = state.void_entries()?;
    report.void.retain(|v| v.seq >= old);
    pin.seen.insert(new, cp.root);
    write_pin(dir, &pin)?;
    Ok(report)
}

/// Refuses to replay into an index that has not applied exactly the
/// mirror's `old` entries (the reader's catch-up before it could not write
/// them, on a full disk: it answered from memory instead).
fn index_in_step(index: &Path, applied: u64, old: u64) -> Result<(), RemoteError> {
    if applied != old {
        return Err(RemoteError::Pin {
            path: index.to_path_buf(),
            why: format!(
                "the mirror's index has applied {applied} entries, its log {old}; remove it and pull again"
            ),
        });
    }
    Ok(())
}

/// The names a first pull creates in its directory before its checkpoint
/// is written: an interrupted one leaves only these, and may be retried.
const FIRST_PULL_NAMES: &[&str] = &[
    crate::log::LOCK_FILE,
    crate::log::HASHES_FILE,
    crate::log::PENDING_FILE,
    crate::log::TILE_DIR,
    crate::log::blobs::BLOBS_DIR,
    crate::ledger::INDEX_FILE,
    "index.sqlite-wal",
    "index.sqlite-shm",
    "index.sqlite-journal",
    REMOTE_DIR,
];

/// For a directory that is not a mirror yet: the first entry in it that a
/// first pull did not create (a first pull writes ledger files there and
/// deletes `index*`, so it must not run in a directory holding anything
/// else), or `None` if it is absent, empty, or holds only what an
/// interrupted first pull left.
fn foreign_entry(dir: &Path) -> Result<Option<String>, RemoteError> {
    let unreadable = |e: std::io::Error| RemoteError::Pin {
        path: dir.to_path_buf(),
        why: format!("cannot read the mirror directory: {e}"),
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unreadable(e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let name = entry.map_err(unreadable)?.file_name();
        let name = name.to_string_lossy().into_owned();
        if !FIRST_PULL_NAMES.contains(&name.as_str()) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names.into_iter().next())
}

/// Refuses a pull that would add more entries than one append of the
/// mirror's log may ([`crate::log::MAX_APPEND_ENTRIES`]), before anything
/// is fetched or written.
fn check_gap(url: &str, old: u64, new: u64) -> Result<(), RemoteError> {
    let max = crate::log::MAX_APPEND_ENTRIES;
    if new > old && new - old > max {
        return Err(RemoteError::TooFarBehind {
            url: url.to_string(),
            old,
            new,
            max,
        });
    }
    Ok(())
}

/// What the mirror had seen before the pull, for messages.
struct Before {
    size: u64,
    root: Option<Digest>,
}

/// A `&dyn HashReader` as a sized reader.
struct Reader<'a>(&'a dyn HashReader);

impl HashReader for Reader<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        self.0.read_hashes(indexes)
    }
}

/// Why the fetched entries, after the mirror's, do not give the signed
/// root: the remote's hash tiles rewrite the tree seen before
/// (inconsistent), or they agree with it and the root but an entry does
/// not hash to its leaf hash (a tampered bundle), or neither.
#[allow(clippy::too_many_arguments)]
fn diagnose(
    remote: &Remote,
    url: &str,
    before: &Before,
    cp: &Checkpoint,
    ours: &Checkpoint,
    reader: &dyn HashReader,
    remote_hashes: &BTreeMap<u64, (Hash, TileRef)>,
    leaves: &[Vec<u8>],
    leaf_bundle: &[TileRef],
) -> RemoteError {
    let old = before.size;
    let inconsistent = |why: String| RemoteError::Inconsistent {
        url: url.to_string(),
        seen_size: old,
        seen_root: before
            .root
            .map(|r| base64_root(&r))
            .unwrap_or_else(|| "(none)".into()),
        size: cp.size,
        root: base64_root(&cp.root),
        why,
    };
    let old_count = stored_hash_count(old);
    for (&idx, (h, t)) in remote_hashes.range(..old_count) {
        if reader
            .read_hashes(&[idx])
            .ok()
            .and_then(|v| v.first().copied())
            != Some(*h)
        {
            return inconsistent(format!(
                "its tile {} changes a hash of the tree of {old} entries seen before",
                remote.url(&t.path())
            ));
        }
    }
    for (i, leaf) in leaves.iter().enumerate() {
        let seq = old + i as u64;
        if let Some((h, t)) = remote_hashes.get(&stored_hash_index(0, seq)) {
            if record_hash(leaf) != *h {
                return RemoteError::TamperedEntry {
                    url: remote.url(&leaf_bundle[i].path()),
                    seq,
                    tile: remote.url(&t.path()),
                };
            }
        }
    }
    inconsistent(format!(
        "the {} entries it serves after them give the root {}",
        cp.size - old,
        base64_root(&ours.root)
    ))
}

/// Replays `leaves` (entries `old..`) through the one replay into `state`,
/// inside a transaction the caller commits or rolls back.
fn replay(
    state: &mut State,
    blobs: &dyn Blobs,
    old: u64,
    leaves: &[Vec<u8>],
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(), RemoteError> {
    use crate::replay::{apply, pipeline, Input, Item};
    state.begin()?;
    let all = leaves.len() as u64;
    let mut last = None;
    let mut one = |state: &mut State, item: Item| -> Result<(), RemoteError> {
        // An entry the rules refuse is in the remote's signed log: applied
        // as nothing and recorded void, as `reindex --skip-refused` does,
        // so the mirror holds the same log and its audit reports it.
        if let Some(r) = apply(state, blobs, &item)? {
            let (id, kind) = (r.id_kind.map(|(i, _)| i), r.id_kind.map(|(_, k)| k));
            state.record_void(item.seq, id.as_ref(), kind, r.rule, &r.what)?;
        }
        last = item.leaf_hash;
        progress(item.seq + 1 - old, all);
        Ok(())
    };
    pipeline(|p| -> Result<(), RemoteError> {
        for (i, leaf) in leaves.iter().enumerate() {
            for item in p.push(old + i as u64, Input::Leaf(leaf.clone())) {
                one(state, item)?;
            }
        }
        for item in p.drain() {
            one(state, item)?;
        }
        Ok(())
    })?;
    if let Some(h) = last {
        state.set_last_leaf_hash(&h)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index check of a pull: reachable only when the reader's
    /// catch-up fell back to memory (a full disk), so tested here.
    #[test]
    fn an_index_out_of_step_with_the_mirror_is_refused() {
        let index = Path::new("m/index.sqlite");
        index_in_step(index, 63, 63).unwrap();
        let e = index_in_step(index, 10, 63).unwrap_err();
        assert_eq!(
            e.to_string(),
            "m/index.sqlite: the mirror's index has applied 10 entries, its log 63; remove it and pull again"
        );
    }
}
