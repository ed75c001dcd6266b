//! provledger: a source-verification and provenance ledger.
#![forbid(unsafe_code)]

pub mod cbor;
pub mod digest;
pub mod keys;
pub mod statement;
pub mod state;
