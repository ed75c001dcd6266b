//! The test suite as one binary (as ripgrep does, `autotests = false` in
//! Cargo.toml): the crate is linked into one test executable, not one per
//! file. Each module below was a test binary of its own; a test's name is
//! its old name with the module as prefix (`log_store::tile_paths_follow_c2sp`).
//!
//! Helpers shared by the modules:
//!
//! - `common`: a scratch directory (`Env`) that runs the `provledger`
//!   binary and checks every command's output for private key material;
//!   deterministic keys, library-built ledgers, byte surgery on ledgers.
//! - `support`: the seed article's ledger (`Seeded`) and refusal checks.
//! - `log_support`: log-layer keys and an independent RFC 6962 to check
//!   against.
//! - `state_harness`: a `State` driven statement by statement, without the
//!   log.

mod common;
mod log_support;
mod state_harness;
#[path = "cli_domain/support.rs"]
mod support;

mod capture;
mod cli;
mod cli_domain;
mod drift;
mod eval_gold;
mod export;
mod extract;
mod frictions;
mod harden_files;
mod harden_index;
mod harden_input;
mod harden_log;
mod harden_output;
mod interop;
mod ledger_crash;
mod log_audit;
mod log_crash;
mod log_store;
mod proptest_roundtrip;
mod publish;
mod remote;
mod report;
mod rules;
mod sample;
mod sequencer;
mod serve;
mod state_batch;
mod status;
mod status_trust;
mod vectors;
