//! provledger: a source-verification and provenance ledger.
#![forbid(unsafe_code)]

pub mod cbor;
pub mod digest;
