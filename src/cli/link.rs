//! `provledger link`: relate two claims, or withdraw a link.

use super::output::Signing;
use anyhow::Result;
use clap::{Args, Subcommand};
use provledger::statement::{Body, ClaimLink, ClaimLinkWithdraw, Kind, Relation};
use std::path::Path;

/// Link two claims (signed by an editor or a checker).
///
/// Relations: corroborates and contradicts (counted in the corroboration
/// of `status`, grouped by independent origin); same_origin (the two
/// claims come from one origin, so neither is independent evidence for the
/// other); cites (FROM repeats TO: FROM's origin is TO's origin).
/// `link withdraw LINK` takes a link back.
#[derive(Args, Debug)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    subcommand_help_heading = "Withdraw a link",
    override_usage = "provledger link [OPTIONS] --relation <RELATION> --key <NAME.key> <FROM> <TO>\n       \
                      provledger link withdraw [OPTIONS] --reason <REASON> --key <NAME.key> <LINK>"
)]
pub struct LinkArgs {
    #[command(subcommand)]
    withdraw: Option<LinkCommand>,
    /// The claim the relation is stated of: its id (prefix).
    #[arg(required = true)]
    from: Option<String>,
    /// The claim it relates to: its id (prefix).
    #[arg(required = true)]
    to: Option<String>,
    /// corroborates, contradicts, same_origin or cites.
    #[arg(long, required = true)]
    relation: Option<Relation>,
    /// Why.
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    signing: Signing,
}

#[derive(Subcommand, Debug)]
pub enum LinkCommand {
    /// Withdraw a link (yours, or any as an editor): it stops counting in
    /// corroboration and stays in the claims' history.
    Withdraw(WithdrawArgs),
}

#[derive(Args, Debug)]
pub struct WithdrawArgs {
    /// The link: its id (prefix), as `history` lists it.
    link: String,
    /// Why you withdraw it.
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    signing: Signing,
}

pub fn run(ledger: &Path, a: LinkArgs) -> Result<()> {
    if let Some(LinkCommand::Withdraw(w)) = a.withdraw {
        w.signing.require_key_for(Kind::ClaimLinkWithdraw)?;
        let mut writer = w.signing.open(ledger, &[Kind::ClaimLinkWithdraw])?;
        let link = writer.ledger.resolve(&w.link, &[Kind::ClaimLink])?.id;
        return writer.append_one(Body::ClaimLinkWithdraw(ClaimLinkWithdraw {
            link,
            reason: w.reason,
        }));
    }
    let (Some(from), Some(to), Some(relation)) = (a.from, a.to, a.relation) else {
        return Err(super::Fail::Usage(
            "link needs FROM, TO and --relation (or: link withdraw LINK)".into(),
        )
        .into());
    };
    // Resolved and appended on one writer handle.
    let mut w = a.signing.open(ledger, &[Kind::ClaimLink])?;
    let from = w.ledger.resolve(&from, &[Kind::ClaimRecord])?.id;
    let to = w.ledger.resolve(&to, &[Kind::ClaimRecord])?.id;
    w.append_one(Body::ClaimLink(ClaimLink {
        from,
        to,
        relation,
        note: a.note,
    }))
}
