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
//! - `forced`: statements forced past the rules into the log by hand are
//!   named by `audit`.

#[path = "cli_domain/support.rs"]
mod support;

#[path = "cli_domain/forced.rs"]
mod forced;
#[path = "cli_domain/handles.rs"]
mod handles;
#[path = "cli_domain/lists.rs"]
mod lists;
#[path = "cli_domain/refusals.rs"]
mod refusals;
#[path = "cli_domain/scenario.rs"]
mod scenario;
