//! Log leaves: the canonical CBOR record that wraps each statement and links
//! it to the previous leaf.

use crate::cbor::{self, CborError};
use crate::digest::Digest;
use serde::{Deserialize, Serialize};

/// The only leaf format version this code writes and accepts.
pub(crate) const LEAF_VERSION: u64 = 1;

/// The largest encoded leaf an entry bundle can hold: its length prefix is a
/// big-endian uint16 (c2sp.org/tlog-tiles).
pub const MAX_LEAF_BYTES: usize = u16::MAX as usize;

/// One log entry: leaf `seq` wrapping a statement, chained to leaf `seq - 1`.
///
/// Encoded as the canonical CBOR map
/// `{"v": 1, "seq", "prev", "logged_at", "statement"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    /// Position in the log (0 for the first leaf).
    pub seq: u64,
    /// RFC 6962 leaf hash of leaf `seq - 1` (all zero for leaf 0).
    pub prev: Digest,
    /// When the log admitted the leaf, in Unix seconds.
    pub logged_at: u64,
    /// The signed statement's exact bytes.
    pub statement: Vec<u8>,
}

/// Why bytes are not a valid leaf.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LeafError {
    /// Not canonical CBOR, or not a map with exactly the leaf's fields.
    /// Self-contained: the CBOR problem is in the message, not a source.
    #[error("leaf is not a canonical CBOR leaf map: {0}")]
    Cbor(CborError),
    /// A leaf format version we do not know.
    #[error("leaf has version {0}; this provledger reads version {LEAF_VERSION}")]
    Version(u64),
    /// Too large for a uint16-length-prefixed entry bundle.
    #[error("leaf {seq} is {len} bytes, more than the {max} bytes an entry bundle can hold")]
    TooLarge {
        /// The leaf's sequence number.
        seq: u64,
        /// Its encoded length.
        len: usize,
        /// The most a bundle entry can hold.
        max: usize,
    },
}

impl From<CborError> for LeafError {
    fn from(e: CborError) -> LeafError {
        LeafError::Cbor(e)
    }
}

/// The wire form; `deny_unknown_fields` makes extra keys an error.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    v: u64,
    seq: u64,
    prev: Digest,
    logged_at: u64,
    #[serde(with = "serde_bytes")]
    statement: Vec<u8>,
}

impl Leaf {
    /// Encodes the leaf as canonical CBOR, refusing leaves too large for an
    /// entry bundle.
    pub fn encode(&self) -> Result<Vec<u8>, LeafError> {
        let bytes = cbor::to_vec(&Wire {
            v: LEAF_VERSION,
            seq: self.seq,
            prev: self.prev,
            logged_at: self.logged_at,
            statement: self.statement.clone(),
        })?;
        if bytes.len() > MAX_LEAF_BYTES {
            return Err(LeafError::TooLarge {
                seq: self.seq,
                len: bytes.len(),
                max: MAX_LEAF_BYTES,
            });
        }
        Ok(bytes)
    }

    /// Decodes a leaf, refusing anything but the canonical encoding of a
    /// version-1 leaf map.
    pub fn decode(bytes: &[u8]) -> Result<Leaf, LeafError> {
        let w: Wire = cbor::from_slice(bytes)?;
        if w.v != LEAF_VERSION {
            return Err(LeafError::Version(w.v));
        }
        let leaf = Leaf {
            seq: w.seq,
            prev: w.prev,
            logged_at: w.logged_at,
            statement: w.statement,
        };
        // serde is lenient about types (a text string can fill a byte
        // string field); re-encoding pins the exact form down.
        let again = cbor::to_vec(&Wire {
            v: LEAF_VERSION,
            seq: leaf.seq,
            prev: leaf.prev,
            logged_at: leaf.logged_at,
            statement: leaf.statement.clone(),
        })?;
        if again != bytes {
            return Err(LeafError::Cbor(CborError::Shape(
                "a field does not have its leaf type (seq, logged_at: uint; prev, statement: bytes)"
                    .into(),
            )));
        }
        Ok(leaf)
    }

    /// The RFC 6962 leaf hash of an encoded leaf: SHA-256(0x00 ‖ bytes).
    pub fn hash_bytes(bytes: &[u8]) -> Digest {
        Digest(tlog_tiles::record_hash(bytes).0)
    }
}
