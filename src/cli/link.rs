//! `provledger link`: relate two claims.

use super::output::Signing;
use anyhow::Result;
use clap::Args;
use provledger::statement::{Body, ClaimLink, Kind, Relation};
use std::path::Path;

/// Link two claims (signed by an editor or a checker).
///
/// Relations: corroborates and contradicts (counted in the corroboration
/// of `status`, grouped by independent origin); same_origin (the two
/// claims come from one origin, so neither is independent evidence for the
/// other); cites (FROM repeats TO: FROM's origin is TO's origin).
#[derive(Args, Debug)]
pub struct LinkArgs {
    /// The claim the relation is stated of: its id (prefix).
    from: String,
    /// The claim it relates to: its id (prefix).
    to: String,
    /// corroborates, contradicts, same_origin or cites.
    #[arg(long)]
    relation: Relation,
    /// Why.
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    signing: Signing,
}

pub fn run(ledger: &Path, a: LinkArgs) -> Result<()> {
    // Resolved and appended on one writer handle.
    let mut w = a.signing.open(ledger, &[Kind::ClaimLink])?;
    let from = w.ledger.resolve(&a.from, &[Kind::ClaimRecord])?.id;
    let to = w.ledger.resolve(&a.to, &[Kind::ClaimRecord])?.id;
    w.append_one(Body::ClaimLink(ClaimLink {
        from,
        to,
        relation: a.relation,
        note: a.note,
    }))
}
