//! provledger: a source-verification and provenance ledger.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod audit;
pub mod cbor;
pub mod digest;
pub mod error;
pub mod history;
pub mod import;
pub mod keys;
pub mod ledger;
pub mod lockwait;
pub mod log;
pub mod proof;
pub(crate) mod replay;
pub mod state;
pub mod statement;
pub mod status;
pub mod time;
