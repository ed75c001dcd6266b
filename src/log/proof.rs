//! Checking RFC 6962 inclusion and consistency proofs.
//!
//! The Merkle work is `tlog_tiles::check_record` / `check_tree`; this layer
//! checks the inputs first (hash lengths, index and size ranges, the
//! degenerate cases), since proofs and roots usually arrive from outside as
//! bytes of any length, and the tlog functions take well-formed arguments.

use super::hashes::Frontier;
use crate::digest::Digest;
use tlog_tiles::{check_record, check_tree, stored_hashes, tree_hash, Hash, HASH_SIZE};

/// A proof never needs more hashes than a 2^64-leaf tree is deep (inclusion)
/// or twice that (consistency); longer ones are refused before any hashing.
const MAX_PROOF_HASHES: usize = 128;

/// Why a proof was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProofError {
    /// A hash that is not 32 bytes long.
    #[error("{what} is {len} bytes; a SHA-256 hash is 32")]
    HashLength {
        /// Which input ("root", "leaf hash", "proof hash 3").
        what: String,
        /// Its length.
        len: usize,
    },
    /// Leaf index outside the tree.
    #[error("leaf index {index} is not in a tree of size {size}")]
    IndexOutOfRange {
        /// The index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// Consistency from size 0 proves nothing.
    #[error("a consistency proof from the empty tree (size 0) proves nothing and is refused")]
    FromEmptyTree,
    /// The old tree is larger than the new one.
    #[error("old size {old} is larger than new size {new}")]
    SizeOrder {
        /// The old size.
        old: u64,
        /// The new size.
        new: u64,
    },
    /// Equal sizes need an empty proof.
    #[error("sizes are equal ({size}) but the proof is not empty")]
    NonEmptyProof {
        /// The size.
        size: u64,
    },
    /// Equal sizes need equal roots.
    #[error("sizes are equal ({size}) but the roots differ")]
    RootsDiffer {
        /// The size.
        size: u64,
    },
    /// More hashes than any valid proof has.
    #[error("the proof has {len} hashes, more than any valid proof")]
    TooLong {
        /// Number of hashes.
        len: usize,
    },
    /// The proof does not lead to the given root(s).
    #[error("the proof does not verify: {0}")]
    Invalid(String),
}

fn hash(what: impl FnOnce() -> String, b: &[u8]) -> Result<Hash, ProofError> {
    <[u8; HASH_SIZE]>::try_from(b)
        .map(Hash)
        .map_err(|_| ProofError::HashLength {
            what: what(),
            len: b.len(),
        })
}

fn hashes<T: AsRef<[u8]>>(proof: &[T]) -> Result<Vec<Hash>, ProofError> {
    if proof.len() > MAX_PROOF_HASHES {
        return Err(ProofError::TooLong { len: proof.len() });
    }
    proof
        .iter()
        .enumerate()
        .map(|(i, p)| hash(|| format!("proof hash {i}"), p.as_ref()))
        .collect()
}

/// Checks that `proof` shows the leaf with hash `leaf_hash` at `index` in the
/// tree of `size` leaves whose root is `root`.
pub fn verify_inclusion<T: AsRef<[u8]>>(
    leaf_hash: &[u8],
    index: u64,
    size: u64,
    proof: &[T],
    root: &[u8],
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let leaf = hash(|| "leaf hash".into(), leaf_hash)?;
    let root = hash(|| "root".into(), root)?;
    let proof = hashes(proof)?;
    check_record(&proof, size, root, index, leaf).map_err(|e| ProofError::Invalid(e.to_string()))
}

/// Checks that `proof` shows the tree of `old_size` leaves with root
/// `old_root` is a prefix of the tree of `new_size` leaves with root
/// `new_root`.
pub fn verify_consistency<T: AsRef<[u8]>>(
    old_size: u64,
    new_size: u64,
    proof: &[T],
    old_root: &[u8],
    new_root: &[u8],
) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::SizeOrder {
            old: old_size,
            new: new_size,
        });
    }
    if old_size == 0 {
        return Err(ProofError::FromEmptyTree);
    }
    if old_size == new_size {
        // Nothing to hash: the trees are the same tree. The roots are
        // compared as given (RFC 9162 §2.1.4.2 has no length rule here).
        if !proof.is_empty() {
            return Err(ProofError::NonEmptyProof { size: old_size });
        }
        if old_root != new_root {
            return Err(ProofError::RootsDiffer { size: old_size });
        }
        return Ok(());
    }
    let old = hash(|| "old root".into(), old_root)?;
    let new = hash(|| "new root".into(), new_root)?;
    let proof = hashes(proof)?;
    if proof.is_empty() {
        return Err(ProofError::Invalid(
            "empty proof for different sizes".into(),
        ));
    }
    check_tree(&proof, new_size, new, old_size, old).map_err(|e| ProofError::Invalid(e.to_string()))
}

/// The RFC 6962 Merkle tree hash of `leaves` (raw leaf inputs, hashed as
/// leaves here); SHA-256 of the empty string for no leaves.
pub fn root_of<T: AsRef<[u8]>>(leaves: &[T]) -> Digest {
    let mut f = Frontier::default();
    for (i, leaf) in (0u64..).zip(leaves) {
        let hs = stored_hashes(i, leaf.as_ref(), &f)
            .expect("the frontier holds every hash tlog needs to add records in order");
        for (level, h) in (0u8..).zip(hs) {
            f.set(level, i >> level, h);
        }
    }
    Digest(tree_hash(leaves.len() as u64, &f).expect("frontier").0)
}
