//! `provledger source`: record and list the sources claims are attributed to.

use super::output::{print_json, say, Signing};
use super::render::{kind, short, Esc};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use provledger::digest::Digest;
use provledger::ledger::Ledger;
use provledger::opening::Opening;
use provledger::statement::{
    Anonymity, Basis, Body, GroundRules, Kind, SourceCount, SourceIdentity, SourceKind,
    SourceMerge, SourceRecord, SourceRelate, SourceRelation,
};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
    /// Say, as an editor, that you know who an anonymous source is.
    ///
    /// Records a source.identity holding only a salted SHA-256 commitment
    /// to the identity; the identity never enters the ledger. The opening
    /// (identity and the random salt) is written to --opening-out, a new
    /// file (mode 0600) that the newsroom keeps outside the ledger and may
    /// later hand to an ombudsman or a court (`source check-opening`).
    Vouch(VouchArgs),
    /// Say that two anonymous sources, each with a source.identity, are the
    /// same person (one origin in corroboration) or distinct people.
    Relate(RelateArgs),
    /// Make two records of one named source (the same spokesperson recorded
    /// twice) one origin.
    Merge(MergeArgs),
    /// Check an opening (identity and salt) against the ledger: it must
    /// hash to the commitment of the source's source.identity. Exit 3 when
    /// it does not.
    CheckOpening(CheckOpeningArgs),
}

#[derive(Args, Debug)]
pub struct VouchArgs {
    /// The anonymous source: its id (prefix).
    source: String,
    /// Who the source is (kept only in the opening file). On the command
    /// line it is visible to other users of the machine (ps); prefer
    /// --identity-file.
    #[arg(
        long,
        required_unless_present = "identity_file",
        conflicts_with = "identity_file"
    )]
    identity: Option<String>,
    /// Read who the source is from FILE ("-": standard input), its first
    /// line; keeps the identity out of the process list.
    #[arg(long, value_name = "FILE")]
    identity_file: Option<PathBuf>,
    /// Where to write the opening (identity and salt); must not exist.
    #[arg(long, value_name = "FILE")]
    opening_out: PathBuf,
    #[command(flatten)]
    signing: Signing,
}

#[derive(Args, Debug)]
pub struct RelateArgs {
    /// One anonymous source: its id (prefix).
    a: String,
    /// The other: its id (prefix).
    b: String,
    /// same_person or distinct_person.
    #[arg(long)]
    relation: SourceRelation,
    /// Why.
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    signing: Signing,
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The record merged: its id (prefix).
    source: String,
    /// The record it is merged into: its id (prefix).
    into: String,
    /// Why.
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    signing: Signing,
}

#[derive(Args, Debug)]
pub struct CheckOpeningArgs {
    /// The opening file (schemas/source-opening.schema.json).
    file: PathBuf,
    /// Print JSON (schemas/source-opening-check.schema.json).
    #[arg(long)]
    json: bool,
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
    /// For an anonymous source: why anonymity was granted (with
    /// --ground-rules and --basis).
    #[arg(long, requires_all = ["ground_rules", "basis"])]
    anonymity_reason: Option<String>,
    /// The ground rules: background, deep_background or off_the_record.
    #[arg(long, requires = "anonymity_reason")]
    ground_rules: Option<GroundRules>,
    /// The basis of knowledge: direct or secondhand.
    #[arg(long, requires = "anonymity_reason")]
    basis: Option<Basis>,
    #[command(flatten)]
    signing: Signing,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Print JSON (schemas/source-list.schema.json).
    #[arg(long)]
    json: bool,
}

pub fn run(ledger: &Path, cmd: SourceCommand) -> Result<ExitCode> {
    let ok = |_| ExitCode::SUCCESS;
    match cmd {
        SourceCommand::Add(a) => {
            let anonymity = match (a.anonymity_reason, a.ground_rules, a.basis) {
                (Some(reason), Some(ground_rules), Some(basis)) => Some(Anonymity {
                    reason,
                    ground_rules,
                    basis,
                }),
                _ => None,
            };
            let body = Body::SourceRecord(SourceRecord {
                name: a.name,
                role: a.role,
                affiliation: a.affiliation,
                place: a.place,
                on_record: a.on_record,
                anonymity,
                ..SourceRecord::with_defaults(a.label, a.kind, a.count)
            });
            a.signing.append_one(ledger, body).map(ok)
        }
        SourceCommand::List(a) => list(ledger, a).map(ok),
        SourceCommand::Vouch(a) => vouch(ledger, a).map(ok),
        SourceCommand::Relate(a) => {
            a.signing.require_key_for(Kind::SourceRelate)?;
            let mut w = a.signing.open(ledger, &[Kind::SourceRelate])?;
            let commitment = |prefix: &str| -> Result<Digest> {
                let id = w.ledger.resolve(prefix, &[Kind::SourceRecord])?.id;
                match w.ledger.state().source_identity(&id)? {
                    Some(row) => Ok(row.commitment),
                    None => anyhow::bail!(
                        "source {} has no source.identity: an editor who knows who it is records one with `provledger source vouch`",
                        short(&id)
                    ),
                }
            };
            let (ca, cb) = (commitment(&a.a)?, commitment(&a.b)?);
            w.append_one(Body::SourceRelate(SourceRelate {
                a: ca,
                b: cb,
                relation: a.relation,
                note: a.note,
            }))
            .map(ok)
        }
        SourceCommand::Merge(a) => {
            a.signing.require_key_for(Kind::SourceMerge)?;
            let mut w = a.signing.open(ledger, &[Kind::SourceMerge])?;
            let source = w.ledger.resolve(&a.source, &[Kind::SourceRecord])?.id;
            let into = w.ledger.resolve(&a.into, &[Kind::SourceRecord])?.id;
            w.append_one(Body::SourceMerge(SourceMerge {
                source,
                into,
                note: a.note,
            }))
            .map(ok)
        }
        SourceCommand::CheckOpening(a) => check_opening(ledger, a),
    }
}

/// The first line of `path` ("-": standard input), without its line end:
/// who an anonymous source is. At most 4 KiB; empty is refused.
fn read_identity(path: &Path) -> Result<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    let what = if path == Path::new("-") {
        "standard input".to_string()
    } else {
        path.display().to_string()
    };
    let reader: Box<dyn Read> = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(path)
                .with_context(|| format!("cannot read the identity from {what}"))?,
        )
    };
    reader
        .take(4097)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read the identity from {what}"))?;
    if bytes.len() > 4096 {
        anyhow::bail!("the identity in {what} is longer than 4096 bytes");
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("the identity in {what} is not UTF-8"))?;
    let line = text.lines().next().unwrap_or("").trim();
    if line.is_empty() {
        anyhow::bail!("{what} holds no identity (its first line is empty)");
    }
    Ok(line.to_string())
}

/// `source vouch`: the opening file first (never overwriting), then the
/// statement; if the statement is not appended, the file is removed again.
fn vouch(ledger: &Path, a: VouchArgs) -> Result<()> {
    a.signing.require_key_for(Kind::SourceIdentity)?;
    let mut w = a.signing.open(ledger, &[Kind::SourceIdentity])?;
    let source = w.ledger.resolve(&a.source, &[Kind::SourceRecord])?.id;
    let identity = match (&a.identity, &a.identity_file) {
        (Some(i), _) => i.clone(),
        (None, Some(f)) => read_identity(f)?,
        (None, None) => unreachable!("clap requires --identity or --identity-file"),
    };
    let opening = Opening::new(source, &identity);
    let text = super::output::json_text(&opening)?;
    write_private(&a.opening_out, &text)
        .with_context(|| format!("cannot write the opening to {}", a.opening_out.display()))?;
    let appended = w.append_one(Body::SourceIdentity(SourceIdentity {
        source,
        commitment: opening.commitment,
    }));
    // A statement that was committed keeps its opening, even when its
    // receipt could not be printed; one that was not leaves no file.
    if appended.is_err() {
        let committed = w.ledger.state().source_identity(&source)?;
        if committed.is_none_or(|r| r.commitment != opening.commitment) {
            let _ = std::fs::remove_file(&a.opening_out);
        }
    }
    appended
}

/// Writes `text` to a new file `path` readable by its owner only.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(text.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()
}

/// `source check-opening`: exit 3 when the opening does not check out.
fn check_opening(ledger: &Path, a: CheckOpeningArgs) -> Result<ExitCode> {
    let text = provledger::log::read_bounded(&a.file, 64 * 1024, "the opening file")?;
    let opening: Opening = serde_json::from_slice(&text).with_context(|| {
        format!(
            "{} is not an opening (schemas/source-opening.schema.json)",
            a.file.display()
        )
    })?;
    let l = Ledger::open(ledger)?;
    let opened = match provledger::opening::check(l.state(), &opening) {
        Ok(o) => o,
        Err(provledger::opening::OpeningError::State(e)) => return Err(e.into()),
        Err(e) => {
            return Ok(super::error::no(&format!(
                "opening {} does not check out: {e}",
                a.file.display()
            )))
        }
    };
    if a.json {
        print_json(&opened)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "ok: source {} is {}, as {} committed in source.identity {} (entry {})",
        short(&opening.source),
        Esc(&opened.identity),
        Esc(&opened.vouched.editor.display_name),
        short(&opened.vouched.id),
        opened.vouched.seq
    )?;
    Ok(ExitCode::SUCCESS)
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
            s.anonymity.as_ref().map(|a| {
                format!(
                    "anonymous because {}; {}, {} knowledge",
                    a.reason, a.ground_rules, a.basis
                )
            }),
            s.identity_commitment
                .map(|_| "an editor knows the identity".to_string()),
            s.same_as.map(|o| format!("one origin with {}", short(&o))),
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
