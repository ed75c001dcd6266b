//! Signed checkpoints: a c2sp.org/tlog-checkpoint body (origin, size, root)
//! in a c2sp.org/signed-note signed by the operator key, whose name is the
//! origin.

use crate::digest::Digest;
use signed_note::{Note, NoteError, Signature, Signer, VerificationError, Verifier, Verifiers};
use tlog_tiles::Hash;

/// A tree hash as checkpoints and proofs write it: standard base64 (the
/// root line of [`Checkpoint::text`]).
pub fn base64_root(root: &Digest) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(root.0)
}

/// A log's signed statement of its size and Merkle root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's name; also the name of the key that signs its checkpoints.
    pub origin: String,
    /// Number of leaves.
    pub size: u64,
    /// RFC 6962 Merkle tree hash of the first `size` leaves.
    pub root: Digest,
}

/// Why a signed note or checkpoint was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CheckpointError {
    /// The bytes are not a c2sp signed note.
    #[error("not a well-formed signed note (text, blank line, '— name signature' lines)")]
    MalformedNote,
    /// The note text is not origin / decimal size / base64 root lines.
    #[error(
        "note text is not a c2sp checkpoint (origin line, decimal size line, base64 root line)"
    )]
    MalformedCheckpoint,
    /// No signature line names the checkpoint's origin.
    #[error("no signature by the log's own key {origin:?}")]
    NoOperatorSignature {
        /// The checkpoint's origin.
        origin: String,
    },
    /// No signature line from the expected key.
    #[error("not signed by key {name}+{id:08x}")]
    NotSignedBy {
        /// Key name expected.
        name: String,
        /// Key id expected.
        id: u32,
    },
    /// The expected key's signature does not verify.
    #[error("the signature by key {name}+{id:08x} is invalid")]
    BadSignature {
        /// Key name.
        name: String,
        /// Key id.
        id: u32,
    },
    /// The checkpoint's origin differs from the signing key's name.
    #[error("checkpoint origin {origin:?} is not the name of key {key:?}")]
    OriginMismatch {
        /// Origin line of the checkpoint.
        origin: String,
        /// Name of the verifier key.
        key: String,
    },
    /// The signer could not sign.
    #[error("cannot sign the checkpoint: {0}")]
    Sign(String),
}

/// Exactly one trusted key, as a `signed_note::Verifiers`.
struct OneKey<'a>(&'a dyn Verifier);

impl Verifiers for OneKey<'_> {
    fn verifier(&self, name: &str, id: u32) -> Result<&dyn Verifier, VerificationError> {
        if name == self.0.name() && id == self.0.key_id() {
            Ok(self.0)
        } else {
            Err(VerificationError::UnknownKey {
                name: name.to_owned(),
                id,
            })
        }
    }
}

/// A signer used as the verifier of its own (deterministic) signatures.
struct Resigner<'a>(&'a dyn Signer);

impl Verifier for Resigner<'_> {
    fn name(&self) -> &str {
        self.0.name()
    }

    fn key_id(&self) -> u32 {
        self.0.key_id()
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        self.0.sign(msg).is_ok_and(|own| own == sig)
    }
}

/// Checks that `note` is a signed note carrying a valid signature by
/// `verifier` (other signatures are ignored) and returns its text.
pub fn open_note(note: &[u8], verifier: &dyn Verifier) -> Result<Vec<u8>, CheckpointError> {
    let n = Note::from_bytes(note).map_err(|_| CheckpointError::MalformedNote)?;
    match n.verify(&OneKey(verifier)) {
        Ok(_) => Ok(n.text().to_vec()),
        Err(NoteError::InvalidSignature { name, id }) => {
            Err(CheckpointError::BadSignature { name, id })
        }
        Err(NoteError::UnverifiedNote) => Err(CheckpointError::NotSignedBy {
            name: verifier.name().to_owned(),
            id: verifier.key_id(),
        }),
        Err(_) => Err(CheckpointError::MalformedNote),
    }
}

impl Checkpoint {
    /// Verifies a signed checkpoint under the operator key `verifier` (whose
    /// name must be the origin) and returns its contents.
    pub fn verify(note: &[u8], verifier: &dyn Verifier) -> Result<Checkpoint, CheckpointError> {
        let text = open_note(note, verifier)?;
        let cp = Checkpoint::parse_text(&text)?;
        if cp.origin != verifier.name() {
            return Err(CheckpointError::OriginMismatch {
                origin: cp.origin,
                key: verifier.name().to_owned(),
            });
        }
        Ok(cp)
    }

    /// Parses a signed checkpoint WITHOUT checking any signature. For the
    /// log's own bookkeeping and for audits that go on past a bad
    /// signature; anything shown as trustworthy goes through
    /// [`Checkpoint::verify`].
    pub fn parse_unverified(note: &[u8]) -> Result<Checkpoint, CheckpointError> {
        let n = Note::from_bytes(note).map_err(|_| CheckpointError::MalformedNote)?;
        Checkpoint::parse_text(n.text())
    }

    /// The key ids of the signatures on `note` by keys named like the
    /// checkpoint's origin, in the order they appear, without verifying
    /// them. More than one means a line was added by someone else (any
    /// key can carry the origin's name); only the operator key's signature,
    /// found by verifying, counts.
    pub fn origin_key_ids(&self, note: &[u8]) -> Result<Vec<u32>, CheckpointError> {
        // Note keeps its signatures private; the signature block is the
        // part after the last blank line.
        let sigs = note
            .windows(2)
            .rposition(|w| w == b"\n\n")
            .map(|i| &note[i + 2..])
            .unwrap_or_default();
        let mut ids: Vec<u32> = Vec::new();
        for s in sigs
            .split(|&b| b == b'\n')
            .filter_map(|line| Signature::from_bytes(line).ok())
            .filter(|s| s.name() == self.origin)
        {
            if !ids.contains(&s.id()) {
                ids.push(s.id());
            }
        }
        if ids.is_empty() {
            return Err(CheckpointError::NoOperatorSignature {
                origin: self.origin.clone(),
            });
        }
        Ok(ids)
    }

    /// Verifies a signed checkpoint under the key `signer` signs with: the
    /// writer's check that the checkpoint it extends is its own. Other
    /// signature lines, whatever name they bear, are ignored.
    ///
    /// Ed25519 signatures are deterministic (RFC 8032 §5.1.6), so a genuine
    /// signature by `signer` over the note text is byte for byte what
    /// `signer` produces for that text again.
    pub(crate) fn verify_own(
        note: &[u8],
        signer: &dyn Signer,
    ) -> Result<Checkpoint, CheckpointError> {
        Checkpoint::verify(note, &Resigner(signer))
    }

    /// Parses the checkpoint body (the note text).
    pub fn parse_text(text: &[u8]) -> Result<Checkpoint, CheckpointError> {
        let c = tlog_tiles::Checkpoint::from_bytes(text)
            .map_err(|_| CheckpointError::MalformedCheckpoint)?;
        Ok(Checkpoint {
            origin: c.origin().to_owned(),
            size: c.size(),
            root: Digest(c.hash().0),
        })
    }

    /// The checkpoint body: origin, size and base64 root, one per line.
    pub fn text(&self) -> Result<Vec<u8>, CheckpointError> {
        tlog_tiles::Checkpoint::new(&self.origin, self.size, Hash(self.root.0), "")
            .map(|c| c.to_bytes())
            .map_err(|_| CheckpointError::MalformedCheckpoint)
    }

    /// Signs the checkpoint with `signer`, whose name must be the origin,
    /// returning the signed note.
    pub fn sign(&self, signer: &dyn Signer) -> Result<Vec<u8>, CheckpointError> {
        if signer.name() != self.origin {
            return Err(CheckpointError::OriginMismatch {
                origin: self.origin.clone(),
                key: signer.name().to_owned(),
            });
        }
        let mut note =
            Note::new(&self.text()?, &[]).map_err(|_| CheckpointError::MalformedCheckpoint)?;
        note.add_sigs(&[signer])
            .map_err(|e| CheckpointError::Sign(e.to_string()))?;
        Ok(note.to_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_root_is_the_root_line_of_the_text() {
        let c = Checkpoint {
            origin: "example.org/log".into(),
            size: 7,
            root: Digest::of(b"seven"),
        };
        let text = String::from_utf8(c.text().unwrap()).unwrap();
        assert_eq!(text.lines().nth(2), Some(base64_root(&c.root).as_str()));
    }
}
