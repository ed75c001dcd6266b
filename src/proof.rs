//! Offline proofs in the c2sp.org/tlog-proof format.
//!
//! A proof file lets a newsroom tool check, with the operator's public key
//! alone, that a statement is in the ledger:
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! extra <base64 of the leaf bytes>
//! index <entry index>
//! <base64 inclusion-proof hash>
//! ...
//!
//! <the signed checkpoint>
//! ```
//!
//! The `extra` data is the whole leaf (the statement with its sequence
//! number, chain link and log time), so the checker recomputes the leaf hash
//! itself and can read the signed statement it proves.

pub mod status;

use crate::digest::Digest;
use crate::keys::PublicKey;
use crate::log::{verify_inclusion, Checkpoint, Leaf};
use crate::statement::{SignedStatement, VerifiedStatement};
use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};

/// The first line of a tlog-proof.
pub(crate) const HEADER: &str = "c2sp.org/tlog-proof@v1";

/// Largest proof file we parse: a checkpoint, a leaf and ~64 hashes fit
/// easily.
pub const MAX_PROOF_BYTES: usize = 256 * 1024;

/// Why a proof is malformed or does not check out.
#[derive(Debug, thiserror::Error)]
pub enum ProofFileError {
    /// The file does not parse as a tlog-proof.
    #[error("not a tlog-proof: {0}")]
    Malformed(String),
    /// The checkpoint is not signed by the operator key.
    #[error("the proof's checkpoint does not verify under the operator key {key}: {why}")]
    Checkpoint {
        /// The operator key it was checked with.
        key: String,
        /// Why it does not verify.
        why: String,
    },
    /// The inclusion proof does not lead to the checkpoint's root.
    #[error("the inclusion proof does not lead to the checkpoint's root: {0}")]
    Inclusion(String),
    /// The proven leaf does not decode as a log leaf.
    #[error("the proven leaf is invalid: {0}")]
    Leaf(String),
}

/// A parsed tlog-proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlogProof {
    /// Application data: for provledger, the leaf bytes.
    pub extra: Option<Vec<u8>>,
    /// The entry's index.
    pub index: u64,
    /// The inclusion proof, leaf to root.
    pub hashes: Vec<Digest>,
    /// The signed checkpoint, as the log issued it.
    pub checkpoint: Vec<u8>,
}

/// What a verified proof establishes.
#[derive(Debug)]
pub struct Proven {
    /// The checkpoint the entry is included under.
    pub checkpoint: Checkpoint,
    /// The leaf.
    pub leaf: Leaf,
    /// The statement in it, signature checked.
    pub statement: VerifiedStatement,
}

impl TlogProof {
    /// The proof in its text form.
    pub fn to_text(&self) -> String {
        let mut s = format!("{HEADER}\n");
        if let Some(extra) = &self.extra {
            s.push_str(&format!("extra {}\n", BASE64.encode(extra)));
        }
        s.push_str(&format!("index {}\n", self.index));
        for h in &self.hashes {
            s.push_str(&BASE64.encode(h.0));
            s.push('\n');
        }
        s.push('\n');
        s.push_str(&String::from_utf8_lossy(&self.checkpoint));
        s
    }

    /// Parses the text form.
    pub fn parse(text: &[u8]) -> Result<TlogProof, ProofFileError> {
        let bad = |m: &str| ProofFileError::Malformed(m.to_string());
        if text.len() > MAX_PROOF_BYTES {
            return Err(bad(&format!(
                "{} bytes is larger than the {MAX_PROOF_BYTES} a proof may be",
                text.len()
            )));
        }
        let text = std::str::from_utf8(text).map_err(|_| bad("not UTF-8"))?;
        let (head, checkpoint) = text
            .split_once("\n\n")
            .ok_or_else(|| bad("no blank line before the checkpoint"))?;
        let mut lines = head.lines();
        if lines.next() != Some(HEADER) {
            return Err(bad(&format!("the first line must be {HEADER}")));
        }
        let mut line = lines.next().ok_or_else(|| bad("no index line"))?;
        let mut extra = None;
        if let Some(b64) = line.strip_prefix("extra ") {
            extra = Some(
                BASE64
                    .decode(b64)
                    .map_err(|_| bad("the extra line is not base64"))?,
            );
            line = lines.next().ok_or_else(|| bad("no index line"))?;
        }
        let index = line
            .strip_prefix("index ")
            .and_then(|n| n.parse::<u64>().ok())
            .ok_or_else(|| bad("expected 'index <n>'"))?;
        let hashes = lines
            .map(|l| {
                BASE64
                    .decode(l)
                    .ok()
                    .and_then(|b| Digest::from_slice(&b))
                    .ok_or_else(|| bad(&format!("'{l}' is not a base64 SHA-256 hash")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TlogProof {
            extra,
            index,
            hashes,
            checkpoint: checkpoint.as_bytes().to_vec(),
        })
    }

    /// Checks the proof with the operator's public key alone: the
    /// checkpoint's signature, the inclusion of the leaf in `extra` at
    /// `index`, and the statement's own signature.
    pub fn verify(&self, operator: &PublicKey) -> Result<Proven, ProofFileError> {
        let verifier = operator.note_verifier();
        let checkpoint = Checkpoint::verify(&self.checkpoint, &verifier).map_err(|e| {
            ProofFileError::Checkpoint {
                key: operator.to_note_string(),
                why: e.to_string(),
            }
        })?;
        let leaf_bytes = self
            .extra
            .as_deref()
            .ok_or_else(|| ProofFileError::Leaf("the proof carries no leaf (extra line)".into()))?;
        verify_inclusion(
            &Leaf::hash_bytes(leaf_bytes).0,
            self.index,
            checkpoint.size,
            &self.hashes.iter().map(|h| h.0).collect::<Vec<_>>(),
            &checkpoint.root.0,
        )
        .map_err(|e| ProofFileError::Inclusion(e.to_string()))?;
        let leaf = Leaf::decode(leaf_bytes).map_err(|e| ProofFileError::Leaf(e.to_string()))?;
        if leaf.seq != self.index {
            return Err(ProofFileError::Leaf(format!(
                "the leaf says it is entry {}, the proof says {}",
                leaf.seq, self.index
            )));
        }
        let statement = SignedStatement::decode(&leaf.statement)
            .and_then(SignedStatement::verify)
            .map_err(|e| ProofFileError::Leaf(e.to_string()))?;
        Ok(Proven {
            checkpoint,
            leaf,
            statement,
        })
    }
}
