//! Command tests: the `provledger` binary run against scratch ledgers, with
//! its exit codes, exact error messages and `--json` output pinned.
//!
//! Each module covers one area:
//!
//! - `init_keys`: `init`, `key generate|grant|revoke|list`, key file checks.
//! - `show_log`: `log`, `show`, id prefixes (too short, unknown, ambiguous).
//! - `audit`: tampering with every kind of ledger file, caught by `audit`,
//!   which names the first entry at fault; `--since-checkpoint`.
//! - `proof`: inclusion proofs, offline proof files, consistency proofs.
//! - `schemas`: every `--json` output validates against its JSON Schema in
//!   `schemas/`, and every schema is a valid draft 2020-12 schema.
//!
//! The helpers in `crate::common` also check, for every command run, that no
//! private key material appears in its output.

mod audit;
mod init_keys;
mod proof;
mod schemas;
mod show_log;
pub mod trust;
