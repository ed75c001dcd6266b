//! `provledger claim import`: many sources and claims from one JSON file,
//! appended as one batch.
//!
//! Nothing is signed until the whole file has passed: first the JSON Schema
//! (schemas/claim-import.schema.json, embedded in the binary), then local
//! checks (refs unique and known, every `exact` located once in the
//! article text). Sources are signed first, because their ids (the SHA-256
//! of their signed bytes) are what the claims refer to; then the claims;
//! then everything is appended in one batch, which the rules check as a
//! whole before the first byte is written. Every error names the JSON
//! pointer of the field at fault.

use super::article::text_of;
use super::claim::source_id;
use super::output::{print_committed, say, write_json, Signing};
use super::render::{clip, short, Esc};
use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use provledger::digest::Digest;
use provledger::ledger::{Ledger, LedgerError};
use provledger::statement::{
    Anchor, Attribution, Body, ClaimRecord, Hedge, Kind, Mode, SignedStatement, SourceCount,
    SourceKind, SourceRecord, Statement,
};
use serde::Deserialize;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The import file format, as published.
pub const SCHEMA: &str = include_str!("../../schemas/claim-import.schema.json");

/// Imports with at least this many statements show a progress bar.
const PROGRESS_FROM: usize = 100;

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The JSON file (format: schemas/claim-import.schema.json).
    file: PathBuf,
    /// The article version the claims are in: its id (prefix).
    #[arg(long)]
    article: String,
    #[command(flatten)]
    signing: Signing,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportFile {
    #[serde(rename = "$schema", default)]
    _schema: Option<String>,
    #[serde(rename = "$comment", default)]
    _comment: Option<String>,
    #[serde(default)]
    sources: Vec<SourceEntry>,
    claims: Vec<ClaimEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceEntry {
    /// The local ref.
    #[serde(rename = "ref")]
    key: String,
    label: String,
    kind: SourceKind,
    name: Option<String>,
    role: Option<String>,
    affiliation: Option<String>,
    place: Option<String>,
    #[serde(default)]
    on_record: bool,
    count: Option<SourceCount>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimEntry {
    /// The local ref.
    #[serde(rename = "ref")]
    key: String,
    proposition: String,
    exact: String,
    source: Option<String>,
    relayed_by: Option<String>,
    cue: Option<String>,
    hedge: Option<Hedge>,
    mode: Option<Mode>,
    quote: Option<String>,
}

/// Errors found in the file, each with the JSON pointer at fault.
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, pointer: String, what: impl std::fmt::Display) {
        self.0.push(format!("{pointer}: {what}"));
    }

    fn fail(self, file: &Path, what: &str) -> Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        bail!(
            "{} {what} ({} problem{}; nothing was written):\n  {}",
            file.display(),
            self.0.len(),
            if self.0.len() == 1 { "" } else { "s" },
            self.0.join("\n  ")
        )
    }
}

/// Checks `value` against the import schema; the messages name the JSON
/// pointer of each offending field.
pub fn validate(value: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value =
        serde_json::from_str(SCHEMA).expect("the embedded import schema is JSON");
    let validator =
        jsonschema::validator_for(&schema).expect("the embedded import schema is a valid schema");
    validator
        .iter_errors(value)
        .map(|e| {
            let at = e.instance_path().as_str();
            let at = if at.is_empty() { "/" } else { at };
            format!("{at}: {}", clip(&e.to_string(), 200))
        })
        .collect()
}

/// A `source` or `relayed_by` value: a ref of the file, or an existing
/// source's id prefix.
enum SourceRef {
    Local(usize),
    Ledger(Digest),
}

pub fn run(ledger: &Path, a: ImportArgs) -> Result<()> {
    let raw = std::fs::read_to_string(&a.file)
        .with_context(|| format!("cannot read {}", a.file.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&raw).with_context(|| format!("{} is not JSON", a.file.display()))?;
    Problems(validate(&value)).fail(&a.file, "does not follow schemas/claim-import.schema.json")?;
    // The schema admits nothing this cannot decode, but say where if it does.
    let file: ImportFile =
        serde_json::from_value(value).map_err(|e| anyhow!("{}: {e}", a.file.display()))?;

    let l = Ledger::open(ledger)?;
    let article_id = l.resolve(&a.article, &[Kind::ArticleRecord])?.id;
    let article = l
        .state()
        .article(&article_id)?
        .with_context(|| format!("article {} is not in the index", short(&article_id)))?;
    let text = text_of(&l, &article)?;

    let total = file.sources.len() + file.claims.len();
    let bar = if total >= PROGRESS_FROM {
        ProgressBar::new(total as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} {bar:40} {pos}/{len}").expect("a valid template"),
    );

    // Refs, then every claim's references and anchor, all reported at once.
    let mut problems = Problems(Vec::new());
    let mut local: HashMap<&str, usize> = HashMap::new();
    for (i, s) in file.sources.iter().enumerate() {
        if let Some(j) = local.insert(&s.key, i) {
            problems.add(
                format!("/sources/{i}/ref"),
                format!("\"{}\" is already the ref of /sources/{j}", s.key),
            );
        }
    }
    let mut claim_refs: HashMap<&str, usize> = HashMap::new();
    let resolve = |pointer: String, v: &str, problems: &mut Problems| -> Option<SourceRef> {
        if let Some(&i) = local.get(v) {
            return Some(SourceRef::Local(i));
        }
        match source_id(&l, "", v) {
            Ok(id) => Some(SourceRef::Ledger(id)),
            Err(e) => {
                let why = e.root_cause().to_string();
                problems.add(
                    pointer,
                    format!(
                        "\"{v}\" is not a source ref of this file ({}) nor a source in the ledger ({why})",
                        if local.is_empty() {
                            "it has none".to_string()
                        } else {
                            let mut refs: Vec<&str> = local.keys().copied().collect();
                            refs.sort_unstable();
                            refs.join(", ")
                        }
                    ),
                );
                None
            }
        }
    };
    let mut planned = Vec::with_capacity(file.claims.len());
    bar.set_message("checking");
    for (i, c) in file.claims.iter().enumerate() {
        if let Some(j) = claim_refs.insert(&c.key, i) {
            problems.add(
                format!("/claims/{i}/ref"),
                format!("\"{}\" is already the ref of /claims/{j}", c.key),
            );
        }
        let source = c
            .source
            .as_deref()
            .and_then(|v| resolve(format!("/claims/{i}/source"), v, &mut problems));
        let relayed_by = c
            .relayed_by
            .as_deref()
            .and_then(|v| resolve(format!("/claims/{i}/relayed_by"), v, &mut problems));
        let anchor = match Anchor::locate(&text, &c.exact) {
            Ok(anchor) => Some(anchor),
            Err(why) => {
                problems.add(format!("/claims/{i}/exact"), why);
                None
            }
        };
        planned.push((source, relayed_by, anchor));
        bar.inc(1);
    }
    bar.set_position(0);
    problems.fail(&a.file, "cannot be imported")?;
    drop(l);

    // Sign the sources; their ids are what the claims name.
    bar.set_message("signing");
    let signer = a.signing.signer(ledger)?;
    let operator = a.signing.operator(ledger)?;
    let at = super::now()?;
    let sign = |body: Body| -> Result<SignedStatement> {
        let st = SignedStatement::sign(&Statement { at, body }, &signer)?;
        bar.inc(1);
        Ok(st)
    };
    let mut statements = Vec::with_capacity(total);
    for s in &file.sources {
        statements.push(sign(Body::SourceRecord(SourceRecord {
            label: s.label.clone(),
            kind: s.kind,
            name: s.name.clone(),
            role: s.role.clone(),
            affiliation: s.affiliation.clone(),
            place: s.place.clone(),
            on_record: s.on_record,
            count: s.count.unwrap_or(super::source::default_count(s.kind)),
        }))?);
    }
    let source_ids: Vec<Digest> = statements.iter().map(|s| s.id()).collect();
    let id_of = |r: Option<SourceRef>| {
        r.map(|r| match r {
            SourceRef::Local(i) => source_ids[i],
            SourceRef::Ledger(id) => id,
        })
    };
    for (c, (source, relayed_by, anchor)) in file.claims.iter().zip(planned) {
        let anchor = anchor.expect("every anchor was located");
        let mode = c.mode.unwrap_or(if c.quote.is_some() {
            Mode::DirectQuote
        } else {
            Mode::Paraphrase
        });
        statements.push(sign(Body::ClaimRecord(ClaimRecord {
            article: article.id,
            proposition: c.proposition.clone(),
            anchor,
            attribution: Attribution {
                source: id_of(source),
                cue: c.cue.clone(),
                hedge: c.hedge.unwrap_or(Hedge::None),
                mode,
                quote: c.quote.clone(),
                relayed_by: id_of(relayed_by),
            },
        }))?);
    }

    bar.set_message("appending");
    let ids: Vec<Digest> = statements.iter().map(|s| s.id()).collect();
    let mut l = Ledger::open_writer(ledger)?;
    let receipts = l.append(statements, &operator, at).map_err(|e| {
        // Name the file entry behind the refused statement.
        let index = match &e {
            LedgerError::Refused { index, .. } | LedgerError::Statement { index, .. } => {
                Some(*index)
            }
            _ => None,
        };
        match index {
            Some(i) => {
                let n = file.sources.len();
                let (pointer, name) = if i < n {
                    (format!("/sources/{i}"), &file.sources[i].key)
                } else {
                    (format!("/claims/{}", i - n), &file.claims[i - n].key)
                };
                let why = match e {
                    LedgerError::Refused { source, .. } => source.to_string(),
                    LedgerError::Statement { source, .. } => source.to_string(),
                    other => other.to_string(),
                };
                anyhow!(
                    "{}: {pointer} (ref \"{name}\"): {why}; nothing was written",
                    a.file.display()
                )
            }
            None => anyhow::Error::from(e),
        }
    })?;
    bar.finish_and_clear();

    print_committed(&receipts, |out| {
        if a.signing.json {
            return write_json(out, &receipts);
        }
        let names = file
            .sources
            .iter()
            .map(|s| ("source", &s.key))
            .chain(file.claims.iter().map(|c| ("claim", &c.key)));
        for ((what, name), (id, r)) in names.zip(ids.iter().zip(&receipts)) {
            writeln!(
                out,
                "{what:<6}  {:<28}  {}  entry {}",
                Esc(name),
                short(id),
                r.seq
            )?;
        }
        Ok(())
    })?;
    say!(
        "imported {} sources and {} claims into article {} (version {}); tree size {}",
        file.sources.len(),
        file.claims.len(),
        short(&article.id),
        article.version,
        receipts.last().map_or(0, |r| r.tree_size)
    );
    Ok(())
}
