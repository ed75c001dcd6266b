//! Opening a source's identity commitment: the proof, to an ombudsman or a
//! court, of who an anonymous source was.
//!
//! An editor's `source.identity` holds only [`identity_commitment`]`(identity,
//! salt)`; the newsroom keeps the identity and the 32-byte salt (an
//! [`Opening`], written to a file outside the ledger by `source vouch`).
//! Anyone who is handed the opening checks it against the ledger with
//! [`check`]: the commitment recomputed from identity and salt must be the
//! one the source's `source.identity` holds. The salt keeps anyone without
//! it from testing guessed names against the ledger.

use crate::digest::Digest;
use crate::state::{IdentityRow, State, StateError};
use crate::statement::identity_commitment;
use serde::{Deserialize, Serialize};

/// The salt's length in bytes.
pub const SALT_BYTES: usize = 32;

/// What opens a commitment: which source, its commitment, and the identity
/// and salt that hash to it (schemas/source-opening.schema.json).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opening {
    /// The anonymous `source.record`.
    pub source: Digest,
    /// The commitment the `source.identity` holds.
    pub commitment: Digest,
    /// Who the source is.
    pub identity: String,
    /// The secret salt, as 64 hex digits.
    pub salt: String,
}

impl Opening {
    /// A new opening of `source` to `identity`, with a fresh random salt.
    pub fn new(source: Digest, identity: &str) -> Opening {
        use rand_core::RngCore;
        let mut salt = [0u8; SALT_BYTES];
        rand_core::OsRng.fill_bytes(&mut salt);
        Opening {
            source,
            commitment: identity_commitment(identity, &salt),
            identity: identity.to_string(),
            salt: hex::encode(salt),
        }
    }
}

/// An opening that checks out against the ledger.
#[derive(Clone, Debug, Serialize)]
pub struct Opened {
    /// Who the source is.
    pub identity: String,
    /// The `source.identity` it opens, with the editor who signed it.
    pub vouched: IdentityRow,
}

/// Why an opening does not check out.
#[derive(Debug, thiserror::Error)]
pub enum OpeningError {
    /// The salt is not 64 hex digits.
    #[error("the salt is not 64 hex digits (32 bytes): {0}")]
    Salt(String),
    /// No `source.identity` names the source.
    #[error(
        "source {0} has no source.identity in this ledger: no editor committed to its identity"
    )]
    NoIdentity(Digest),
    /// The opening's commitment is not the one the ledger holds.
    #[error("the opening names commitment {given}, but the source's source.identity {statement} (entry {seq}) holds commitment {recorded}")]
    OtherCommitment {
        /// The commitment the opening names.
        given: Digest,
        /// The commitment in the ledger.
        recorded: Digest,
        /// The `source.identity`.
        statement: Digest,
        /// Its log index.
        seq: u64,
    },
    /// Identity and salt do not hash to the commitment.
    #[error("identity and salt hash to {computed}, not to commitment {recorded} of source.identity {statement} (entry {seq}): the identity or the salt is not the one committed to")]
    Mismatch {
        /// What identity and salt hash to.
        computed: Digest,
        /// The commitment in the ledger.
        recorded: Digest,
        /// The `source.identity`.
        statement: Digest,
        /// Its log index.
        seq: u64,
    },
    /// The ledger could not be read.
    #[error(transparent)]
    State(#[from] StateError),
}

/// Checks `opening` against the ledger's state: the source's
/// `source.identity` must hold the opening's commitment, and identity and
/// salt must hash to it.
pub fn check(state: &State, opening: &Opening) -> Result<Opened, OpeningError> {
    let salt = hex::decode(&opening.salt)
        .ok()
        .filter(|s| s.len() == SALT_BYTES)
        .ok_or_else(|| OpeningError::Salt(format!("'{}'", opening.salt)))?;
    let Some(vouched) = state.source_identity(&opening.source)? else {
        return Err(OpeningError::NoIdentity(opening.source));
    };
    if vouched.commitment != opening.commitment {
        return Err(OpeningError::OtherCommitment {
            given: opening.commitment,
            recorded: vouched.commitment,
            statement: vouched.id,
            seq: vouched.seq,
        });
    }
    let computed = identity_commitment(&opening.identity, &salt);
    if computed != vouched.commitment {
        return Err(OpeningError::Mismatch {
            computed,
            recorded: vouched.commitment,
            statement: vouched.id,
            seq: vouched.seq,
        });
    }
    Ok(Opened {
        identity: opening.identity.clone(),
        vouched,
    })
}
