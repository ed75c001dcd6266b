//! `provledger claim import`: many sources and claims from one JSON file,
//! appended as one batch.
//!
//! Nothing is signed until the whole file has passed: first a strict read
//! (at most [`MAX_IMPORT_BYTES`], no byte order mark, no key twice, every
//! parse error at its JSON pointer) and the field lengths, then the JSON Schema
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

/// The largest import file, in bytes (16 MiB). A claim's fields hold at
/// most about 7,300 characters (`state::limits`), some 30 KB as UTF-8 JSON:
/// this admits 500 claims at their longest, or thousands of ordinary ones
/// (an article has dozens), while bounding what an import holds in memory.
/// An import takes about 10 times its file size at its peak (the parsed
/// file, then every signed statement of the batch, its log entries and its
/// index rows; see BENCHMARKS.md), so under 200 MB.
pub const MAX_IMPORT_BYTES: u64 = 16 * 1024 * 1024;

/// Reads and parses the import file: at most [`MAX_IMPORT_BYTES`], UTF-8
/// without a byte order mark, strict JSON without duplicate keys. Each
/// problem names the JSON pointer at fault.
fn read(path: &Path) -> Result<serde_json::Value> {
    use std::io::{BufReader, Read};
    let f = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let size = f
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    let too_big = |size: String| {
        anyhow!(
            "{} is {size} bytes; an import file may have at most {MAX_IMPORT_BYTES} bytes (16 MiB): split it into several imports; nothing was written",
            path.display()
        )
    };
    if size > MAX_IMPORT_BYTES {
        return Err(too_big(size.to_string()));
    }
    // Parsed from a buffered reader, never held as one string: the parsed
    // value is all the file costs in memory. `take` bounds what a file that
    // grows while it is read can make us hold.
    let mut file = f;
    let mut limited = (&mut file).take(MAX_IMPORT_BYTES);
    let mut reader = BufReader::new(&mut limited);
    let mut bom = [0u8; 3];
    let n = reader
        .read(&mut bom)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let not_json = |pointer: &str, what: String| {
        Problems(vec![format!("{pointer}: {what}")])
            .fail(path, "is not JSON")
            .unwrap_err()
    };
    if bom[..n] == [0xEF, 0xBB, 0xBF] {
        return Err(not_json(
            "/",
            "the file starts with a byte order mark (U+FEFF), which JSON does not allow (RFC 8259 §8.1); save it as UTF-8 without a BOM".into(),
        ));
    }
    let at = std::cell::RefCell::new(None);
    let parsed = {
        let reader = std::io::Cursor::new(&bom[..n]).chain(reader);
        let mut de = serde_json::Deserializer::from_reader(reader);
        serde::de::DeserializeSeed::deserialize(
            Strict {
                pointer: String::new(),
                at: &at,
            },
            &mut de,
        )
        .and_then(|v| de.end().map(|()| v))
    };
    if limited.limit() == 0 && file.read(&mut [0u8; 1]).unwrap_or(0) > 0 {
        return Err(too_big(format!("more than {MAX_IMPORT_BYTES}")));
    }
    parsed.map_err(|e| {
        let pointer = at.borrow_mut().take().unwrap_or_default();
        let pointer = if pointer.is_empty() { "/".to_string() } else { pointer };
        let what = if e.is_io() {
            format!("cannot read the file: {e}")
        } else if e.to_string().contains("surrogate") || e.to_string().contains("hex escape") {
            format!("{e}: a \\uD800-\\uDFFF escape must be half of a surrogate pair; a lone one is no character")
        } else {
            e.to_string()
        };
        not_json(&pointer, what)
    })
}

/// Parses one JSON value into a [`serde_json::Value`], refusing an object
/// that has a key twice (serde_json keeps the last, so the file a reviewer
/// read would not be what is signed). `pointer` is the JSON pointer of the
/// value; `at` receives the pointer of the innermost value that fails.
struct Strict<'a> {
    pointer: String,
    at: &'a std::cell::RefCell<Option<String>>,
}

impl Strict<'_> {
    fn child(&self, token: &str) -> Self {
        Strict {
            pointer: format!(
                "{}/{}",
                self.pointer,
                token.replace('~', "~0").replace('/', "~1")
            ),
            at: self.at,
        }
    }

    fn mark(&self) {
        let mut at = self.at.borrow_mut();
        if at.is_none() {
            *at = Some(self.pointer.clone());
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Strict<'_> {
    type Value = serde_json::Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let at = self.at;
        let pointer = self.pointer.clone();
        d.deserialize_any(self).inspect_err(|_| {
            let mut at = at.borrow_mut();
            if at.is_none() {
                *at = Some(pointer);
            }
        })
    }
}

impl<'de> serde::de::Visitor<'de> for Strict<'_> {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(self.child(&out.len().to_string()))? {
            out.push(v);
        }
        Ok(out.into())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let child = self.child(&key);
            if out.contains_key(&key) {
                child.mark();
                return Err(serde::de::Error::custom(format!(
                    "the key \"{}\" appears twice in this object; a reader would see one value and the import sign the other: keep one",
                    key.escape_debug()
                )));
            }
            let v = map.next_value_seed(child)?;
            out.insert(key, v);
        }
        Ok(out.into())
    }
}

/// Fields of the file longer than the rules let a statement hold, each
/// named by its JSON pointer with the limit: checked before the schema, so
/// that the message says the limit rather than quoting the text.
fn lengths(value: &serde_json::Value) -> Vec<String> {
    use provledger::state::limits::{
        MAX_EXACT_CHARS, MAX_LABEL_CHARS, MAX_PROPOSITION_CHARS, MAX_QUOTE_CHARS,
    };
    let fields: [(&str, &[(&str, usize)]); 2] = [
        (
            "sources",
            &[
                ("label", MAX_LABEL_CHARS),
                ("name", MAX_LABEL_CHARS),
                ("role", MAX_LABEL_CHARS),
                ("affiliation", MAX_LABEL_CHARS),
                ("place", MAX_LABEL_CHARS),
            ],
        ),
        (
            "claims",
            &[
                ("proposition", MAX_PROPOSITION_CHARS),
                ("exact", MAX_EXACT_CHARS),
                ("cue", MAX_LABEL_CHARS),
                ("quote", MAX_QUOTE_CHARS),
                // A ref (at most 64 characters) or an id prefix (64 hex digits).
                ("source", 64),
                ("relayed_by", 64),
            ],
        ),
    ];
    let mut problems = Vec::new();
    for (section, limits) in fields {
        let Some(entries) = value.get(section).and_then(|v| v.as_array()) else {
            continue;
        };
        for (i, e) in entries.iter().enumerate() {
            for (field, max) in limits {
                let Some(v) = e.get(field).and_then(|v| v.as_str()) else {
                    continue;
                };
                let n = v.chars().count();
                if n > *max {
                    problems.push(format!(
                        "/{section}/{i}/{field}: {n} characters; at most {max} are allowed"
                    ));
                }
            }
        }
    }
    problems
}

/// A `source` or `relayed_by` value: a ref of the file, or an existing
/// source's id prefix.
enum SourceRef {
    Local(usize),
    Ledger(Digest),
}

pub fn run(ledger: &Path, a: ImportArgs) -> Result<()> {
    let value = read(&a.file)?;
    Problems(lengths(&value)).fail(&a.file, "has fields longer than a statement may hold")?;
    Problems(validate(&value)).fail(&a.file, "does not follow schemas/claim-import.schema.json")?;
    // The schema admits nothing this cannot decode, but say where if it does.
    let mut file: ImportFile = serde_json::from_value(value)
        .map_err(|e| anyhow!("{}: {e}; nothing was written", a.file.display()))?;

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
    // The claims move into their statements: the file's text is not held
    // twice while the batch is signed and appended.
    let claim_refs: Vec<String> = file.claims.iter().map(|c| c.key.clone()).collect();
    for (c, (source, relayed_by, anchor)) in
        std::mem::take(&mut file.claims).into_iter().zip(planned)
    {
        let anchor = anchor.expect("every anchor was located");
        let mode = c.mode.unwrap_or(if c.quote.is_some() {
            Mode::DirectQuote
        } else {
            Mode::Paraphrase
        });
        statements.push(sign(Body::ClaimRecord(ClaimRecord {
            article: article.id,
            proposition: c.proposition,
            anchor,
            attribution: Attribution {
                source: id_of(source),
                cue: c.cue,
                hedge: c.hedge.unwrap_or(Hedge::None),
                mode,
                quote: c.quote,
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
                    (format!("/claims/{}", i - n), &claim_refs[i - n])
                };
                let why = match e {
                    LedgerError::Refused { error, .. } => error.to_string(),
                    LedgerError::Statement { source, .. } => source.to_string(),
                    other => other.to_string(),
                };
                anyhow!(
                    "{}: {pointer} (ref \"{name}\"): {why}; nothing was written",
                    a.file.display()
                )
            }
            None => match e {
                LedgerError::Clock(why) => {
                    anyhow!("{}: {why}; nothing was written", a.file.display())
                }
                other => anyhow::Error::from(other),
            },
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
            .chain(claim_refs.iter().map(|c| ("claim", c)));
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
        claim_refs.len(),
        short(&article.id),
        article.version,
        receipts.last().map_or(0, |r| r.tree_size)
    );
    Ok(())
}
