//! `provledger source`: record and list the sources claims are attributed to.

use super::output::{print_json, say, Signing};
use super::render::{kind, short, Esc};
use anyhow::Result;
use clap::{Args, Subcommand};
use provledger::ledger::Ledger;
use provledger::statement::{Body, SourceCount, SourceKind, SourceRecord};
use std::io::Write;
use std::path::Path;

/// Record and list sources: the people, groups, documents and outlets that
/// articles attribute claims to.
#[derive(Subcommand, Debug)]
pub enum SourceCommand {
    /// Record a source as an article describes it (signed by an editor).
    ///
    /// Prints the receipt; the statement id is the source's id, which
    /// `claim add --source` takes (any unique prefix of 6+ hex digits).
    Add(AddArgs),
    /// List the recorded sources, oldest first.
    List(ListArgs),
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// The words the article uses for the source, as printed ("diplomatic
    /// sources", "One Kabul-based source").
    #[arg(long)]
    label: String,
    /// What kind of source: named_person, named_organization,
    /// anonymous_person, anonymous_group, document or media_report.
    #[arg(long)]
    kind: SourceKind,
    /// The person's, organisation's, document's or outlet's name (required
    /// for named kinds and media reports; refused for anonymous ones).
    #[arg(long)]
    name: Option<String>,
    /// Role or title ("spokesperson", "Intelligence Chief").
    #[arg(long)]
    role: Option<String>,
    /// Who the source speaks for ("Taliban", "Afghan government").
    #[arg(long)]
    affiliation: Option<String>,
    /// A place qualifier ("Kabul-based").
    #[arg(long)]
    place: Option<String>,
    /// The source speaks on the record (AP sense); without it, on background.
    #[arg(long)]
    on_record: bool,
    /// How many people the source stands for: one, several or unknown
    /// [default: one for a person, else unknown].
    #[arg(long)]
    count: Option<SourceCount>,
    #[command(flatten)]
    signing: Signing,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Print JSON (schemas/source-list.schema.json).
    #[arg(long)]
    json: bool,
}

pub fn run(ledger: &Path, cmd: SourceCommand) -> Result<()> {
    match cmd {
        SourceCommand::Add(a) => {
            let body = Body::SourceRecord(SourceRecord {
                name: a.name,
                role: a.role,
                affiliation: a.affiliation,
                place: a.place,
                on_record: a.on_record,
                ..SourceRecord::with_defaults(a.label, a.kind, a.count)
            });
            a.signing.append_one(ledger, body)
        }
        SourceCommand::List(a) => list(ledger, a),
    }
}

fn list(ledger: &Path, a: ListArgs) -> Result<()> {
    let l = Ledger::open(ledger)?;
    let sources = l.state().sources()?;
    if a.json {
        return print_json(&sources);
    }
    if sources.is_empty() {
        say!("no sources recorded yet; add one with `provledger source add`");
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<12}  {:<18}  {:<10}  {:>6}  LABEL",
        "SOURCE", "KIND", "RECORD", "CLAIMS"
    )?;
    for s in sources {
        let details: Vec<String> = [
            s.name
                .as_ref()
                .filter(|n| !s.label.contains(n.as_str()))
                .cloned(),
            s.role.clone(),
            s.affiliation.clone(),
            s.place.clone(),
            Some(format!("count {}", s.count)),
        ]
        .into_iter()
        .flatten()
        .map(|d| Esc(&d).to_string())
        .collect();
        writeln!(
            out,
            "{:<12}  {:<18}  {:<10}  {:>6}  {} ({})",
            short(&s.id),
            kind(s.kind),
            if s.on_record {
                "on record"
            } else {
                "background"
            },
            s.claims,
            Esc(&s.label),
            details.join(", ")
        )?;
    }
    Ok(())
}
