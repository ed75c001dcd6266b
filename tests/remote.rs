//! The client side of remote ledgers (issue 9 §2): `provledger mirror`,
//! `audit --remote`, reads with `--remote`, against a loopback server the
//! tests control (`server`), which serves a ledger directory and can lie;
//! writes with `--remote` to `provledger serve --write` (`submit`).

mod lying;
pub mod mirror;
mod review;
pub mod server;
mod submit;
