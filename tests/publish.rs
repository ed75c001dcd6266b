//! `provledger publish DEST` (issue 9 §2): the ledger's public files to a
//! directory or an S3-compatible bucket, in the layout `provledger serve`
//! serves, checkpoint last.
//!
//! - `support`: ledgers to publish, a static loopback host of a DEST
//!   directory, and an in-process S3-compatible server (s3s-fs on a
//!   loopback port, objects in a temp directory: a real server, not a mock).
//! - `dir`: to a directory: the tree equals what serve serves, nothing
//!   private, incremental, checkpoint last, `mirror`/`audit --remote` over
//!   a static host of it, and every refusal.
//! - `s3`: to the S3 server: objects and their metadata read back,
//!   incremental, an unreachable endpoint, an inconsistent bucket.

pub mod support;

mod dir;
mod s3;
