//! The body of a batch submission (`POST /api/v1/batches`, README "Serving
//! the ledger"): canonical CBOR
//! `{"blobs": [bstr, ...], "statements": [bstr COSE_Sign1, ...]}`, and its
//! decoding into a [`Submission`] with every signature checked.
//!
//! Pure (bytes in, a submission or the reason out, no HTTP and no I/O) and
//! built without the `serve` feature, so the server
//! (`src/serve/write.rs`), clients that build batches and the fuzz target
//! `fuzz/fuzz_targets/batch.rs` share the one decoder.

use super::Submission;
use crate::cbor::CborError;
use crate::statement::{verify_batch, SignedStatement, StatementError, VerifiedStatement};
use serde::{Deserialize, Serialize};

/// The body of `POST /api/v1/batches`: canonical CBOR
/// `{"blobs": [bstr, ...], "statements": [bstr COSE_Sign1, ...]}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchBody {
    /// The signed statements, in log order.
    pub statements: Vec<serde_bytes::ByteBuf>,
    /// Blobs (article texts, capture records) the statements need.
    pub blobs: Vec<serde_bytes::ByteBuf>,
}

/// Why a batch body is not a submission.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The body is not the canonical CBOR of a [`BatchBody`].
    #[error("the body is not a canonical CBOR map {{\"blobs\": [bstr], \"statements\": [bstr]}}")]
    Undecodable(#[source] CborError),
    /// The body holds no statement.
    #[error("the batch holds no statements")]
    Empty,
    /// The statement at `at` (from 0) does not decode or its signature
    /// does not verify; the first such statement is named.
    #[error("statement {at} of the batch")]
    Statement {
        /// Its position in the batch.
        at: usize,
        /// What is wrong with it.
        #[source]
        source: StatementError,
    },
}

impl BatchBody {
    /// The canonical CBOR a client sends.
    pub fn to_cbor(&self) -> Result<Vec<u8>, CborError> {
        crate::cbor::to_vec(self)
    }

    /// Reads a body, which must be canonical CBOR (so a batch has one
    /// encoding); the statements are not decoded.
    pub fn from_cbor(bytes: &[u8]) -> Result<BatchBody, BatchError> {
        crate::cbor::from_slice(bytes).map_err(BatchError::Undecodable)
    }
}

/// A batch body as a submission: the body read ([`BatchBody::from_cbor`]),
/// at least one statement, every statement decoded and then every
/// signature checked (all at once, on all cores). Names the first
/// statement that fails.
pub fn decode(bytes: &[u8]) -> Result<Submission, BatchError> {
    let batch = BatchBody::from_cbor(bytes)?;
    if batch.statements.is_empty() {
        return Err(BatchError::Empty);
    }
    let at = |at| move |source| BatchError::Statement { at, source };
    let signed = batch
        .statements
        .iter()
        .enumerate()
        .map(|(i, b)| SignedStatement::decode(b).map_err(at(i)))
        .collect::<Result<Vec<_>, _>>()?;
    let statements: Vec<VerifiedStatement> = verify_batch(signed)
        .into_iter()
        .enumerate()
        .map(|(i, r)| r.map_err(at(i)))
        .collect::<Result<_, _>>()?;
    Ok(Submission {
        statements,
        blobs: batch.blobs.into_iter().map(|b| b.into_vec()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fuzz target's seeds (fuzz/corpus/batch/, written by
    /// fuzz/make-corpus.py from the sample ledger) are what their names say.
    #[test]
    fn the_fuzz_seeds_decode_as_named() {
        let seed = |name: &str| {
            let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fuzz/corpus/batch")
                .join(name);
            std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        };
        for (name, statements, blobs) in [("one", 1, 0), ("three", 3, 0), ("with-text", 12, 1)] {
            let sub = decode(&seed(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!((sub.statements.len(), sub.blobs.len()), (statements, blobs));
        }
        let refusal = |name: &str| {
            let e = decode(&seed(name)).expect_err(name);
            crate::error::chain(&e)
        };
        assert_eq!(refusal("empty"), "the batch holds no statements");
        assert!(
            refusal("forged")
                .starts_with("statement 1 of the batch: statement signature does not verify"),
            "{}",
            refusal("forged")
        );
        assert!(refusal("not-a-statement").starts_with("statement 1 of the batch: "));
        for name in ["keys-swapped", "not-a-map"] {
            assert!(
                refusal(name).starts_with(
                    "the body is not a canonical CBOR map {\"blobs\": [bstr], \"statements\": [bstr]}: "
                ),
                "{name}: {}",
                refusal(name)
            );
        }
    }
}
