//! Command tests for the domain commands (issue 3): sources, articles,
//! claims, verdicts, links, status, history and reindex, driven through the
//! `provledger` binary on the seed article (sample/).
//!
//! - `scenario`: the seed article's life: import, verdicts, links, an
//!   update with reworded, re-attributed and dropped claims; status JSON
//!   and exit codes, stale verdicts, history diffs, audit.
//! - `lists`: the list and show commands and their JSON Schemas.
//! - `refusals`: every refusal these commands can trigger shows its
//!   message and writes nothing.
//! - `handles`: a write command resolves and appends on one writer handle.
//! - `bulk`: `status` for several claims or an article, `--require` sets,
//!   and the checkers' worklists of `claims`.
//! - `status_proof`: `proof status` files, checked offline by `proof
//!   verify`: the same status as `status`; left-out, reordered and tampered
//!   files refused.
//! - `forced`: statements forced past the rules into the log by hand are
//!   named by `audit`.

mod bulk;
mod forced;
mod handles;
mod lists;
mod refusals;
mod scenario;
mod status_proof;
