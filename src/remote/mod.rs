//! Remote ledgers: read a ledger another machine serves (`provledger
//! serve`, or any static host of its tlog-tiles files) and check it as
//! though it were local.
//!
//! - [`client`]: the tlog-tiles client (checkpoint, hash tiles, entry
//!   bundles, blobs) with size caps, deadlines and parallel fetches;
//! - [`mirror`]: a verified pull mirror, every entry checked against the
//!   signed checkpoint and through the one replay ([`State::apply`](crate::state::State::apply))
//!   before it is kept, incremental, refusing a remote whose checkpoint is
//!   inconsistent with one it showed before;
//! - [`cache`]: the mirror behind `--remote URL` and `audit --remote`, one
//!   per remote in the user's cache directory.
//! - [`submit`]: writes with `--remote URL`: statements signed here with
//!   the user's key, submitted to `provledger serve --write`, its answer
//!   checked (operator signature, inclusion proofs, consistency with the
//!   cache mirror); [`submit::Sink`] is the one append of every write
//!   command, local or remote.

pub mod cache;
pub mod client;
pub mod mirror;
pub mod submit;

pub use client::{parse_remote_url, Remote, RemoteOptions};
pub use mirror::{pull, MirrorReport};

use std::path::PathBuf;

/// Everything that can go wrong reading a remote ledger; each message says
/// which check failed and names the URL at fault.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    /// The remote's URL cannot be used.
    #[error("the remote URL {url} cannot be used: {why}")]
    BadUrl {
        /// The URL given.
        url: String,
        /// Why.
        why: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
    /// A request failed, or its answer is not one (status, size, time,
    /// encoding).
    #[error("fetching {url}: {why}")]
    Http {
        /// The URL fetched.
        url: String,
        /// What went wrong.
        why: String,
    },
    /// The checkpoint does not verify under the operator key.
    #[error("the checkpoint at {url} is refused: {why}")]
    BadCheckpoint {
        /// The checkpoint's URL.
        url: String,
        /// Why.
        why: String,
    },
    /// The remote shows a checkpoint inconsistent with one seen before.
    #[error("the remote {url} is not consistent with what it showed before: its checkpoint of size {size} (root {root}) does not extend the checkpoint of size {seen_size} (root {seen_root}) seen before: {why}; refusing to follow it")]
    Inconsistent {
        /// The remote.
        url: String,
        /// The size of the checkpoint seen before.
        seen_size: u64,
        /// Its root.
        seen_root: String,
        /// The size of the checkpoint shown now.
        size: u64,
        /// Its root.
        root: String,
        /// What shows it.
        why: String,
    },
    /// A hash tile is not the tile of the tree the checkpoint signs.
    #[error("tampered tile: {url} is not the tile of the tree the checkpoint of size {size} signs (its hash {hash} differs)")]
    TamperedTile {
        /// The tile's URL.
        url: String,
        /// The first hash of the tile that differs.
        hash: u64,
        /// The checkpoint's size.
        size: u64,
    },
    /// An entry does not hash to the leaf hash the signed tree holds.
    #[error("tampered entry: entry {seq} in {url} does not hash to its leaf hash in {tile}, which the signed checkpoint covers")]
    TamperedEntry {
        /// The bundle's URL.
        url: String,
        /// The entry.
        seq: u64,
        /// The level-0 hash tile's URL.
        tile: String,
    },
    /// A tile's bytes are not a tile of its width.
    #[error("{url} is not a valid tile: {why}")]
    BadTile {
        /// The tile's URL.
        url: String,
        /// Why.
        why: String,
    },
    /// An entry is not a leaf of this log at its position.
    #[error("entry {seq} in {url} is refused: {why}")]
    BadEntry {
        /// The bundle's URL.
        url: String,
        /// The entry.
        seq: u64,
        /// Why.
        why: String,
    },
    /// A blob does not hash to its name.
    #[error("{url} is not the blob it names: its content hashes to {got}")]
    BadBlob {
        /// The blob's URL.
        url: String,
        /// The digest of what was served.
        got: String,
    },
    /// The remote's log is empty.
    #[error("the remote {url} has an empty log (size 0); there is nothing to mirror")]
    Empty {
        /// The remote.
        url: String,
    },
    /// The remote is further ahead of the mirror than one pull may go.
    #[error("the remote {url} signs a log of {new} entries and the mirror holds {old}: one pull adds at most {max} entries, so this one would add {gap}; nothing was fetched or written. Copy the remote's ledger directory instead (a copy of its files) and check it with `provledger --ledger DIR audit --operator KEY.pub`", gap = .new - .old)]
    TooFarBehind {
        /// The remote.
        url: String,
        /// The entries the mirror holds.
        old: u64,
        /// The size the remote's checkpoint signs.
        new: u64,
        /// The most one pull adds.
        max: u64,
    },
    /// The first pull of a remote needs its operator key.
    #[error("the first pull of {url} needs the operator's public key, to check its checkpoints: pass --operator KEY.pub (`--remote-operator KEY.pub` with `--remote` on reads); later pulls use the key pinned then")]
    NeedOperator {
        /// The remote.
        url: String,
    },
    /// Another operator key than the one pinned.
    #[error("{dir} pins the operator key {pinned}, not {given}; refusing to follow another key", dir = .dir.display())]
    OperatorChanged {
        /// The mirror.
        dir: PathBuf,
        /// The key pinned.
        pinned: String,
        /// The key given.
        given: String,
    },
    /// The directory holds a ledger that is not a mirror.
    #[error("{dir} holds a ledger that is not a mirror (it has no remote/url); refusing to pull into it", dir = .dir.display())]
    NotAMirror {
        /// The directory.
        dir: PathBuf,
    },
    /// The directory is not a mirror and holds other files.
    #[error("{dir} is not empty and is not a mirror (it has no remote/url; it holds {entry}); refusing to write a ledger into it: give a new or empty directory", dir = .dir.display())]
    NotEmpty {
        /// The directory.
        dir: PathBuf,
        /// The first entry in it (by name) that a mirror does not create.
        entry: String,
    },
    /// The directory mirrors another remote.
    #[error("{dir} mirrors {pinned}, not {given}", dir = .dir.display())]
    OtherRemote {
        /// The mirror.
        dir: PathBuf,
        /// The URL it mirrors.
        pinned: String,
        /// The URL given.
        given: String,
    },
    /// A mirror's pin file is unreadable.
    #[error("{path}: {why}", path = .path.display())]
    Pin {
        /// The file.
        path: PathBuf,
        /// Why.
        why: String,
    },
    /// The mirror's log.
    #[error(transparent)]
    Log(#[from] crate::log::LogError),
    /// The mirror's ledger.
    #[error(transparent)]
    Ledger(#[from] crate::ledger::LedgerError),
    /// The mirror's index.
    #[error(transparent)]
    State(#[from] crate::state::StateError),
}
