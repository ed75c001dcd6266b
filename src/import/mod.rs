//! `claim import` as a plan: many sources and claims of one article
//! version from one JSON file, appended as one batch.
//!
//! Nothing is signed until the whole file has passed. [`ImportFile::read`]
//! reads it strictly (no byte order mark, no key twice, every parse error at
//! its JSON pointer), then checks the field lengths and the JSON Schema
//! ([`SCHEMA`], schemas/claim-import.schema.json). [`ImportPlan::check`]
//! then checks it against the ledger: refs unique and known, every `exact`
//! located once in the article text (read once for the whole file), and no
//! claim recorded twice. [`ImportPlan::sign`] signs the sources first,
//! because their ids (the SHA-256 of their signed bytes) are what the claims
//! refer to, then the claims; [`SignedImport::append`] appends everything in
//! one batch, which the rules check as a whole before the first byte is
//! written. Every problem is a [`Problem`] that names the JSON pointer of
//! the field at fault.
//!
//! A claim is recorded twice when a claim of the same article version
//! already has the same proposition at the same passage (same `exact` at
//! the same position): running an import again is refused, naming the
//! claims already recorded. This is the plan's check, not a validity rule:
//! ledgers written before it may hold such repeats, and audit accepts them.

mod read;
mod schema;

pub use read::{strict_json, ReadError, MAX_IMPORT_BYTES};
pub use schema::SCHEMA;

use crate::digest::Digest;
use crate::keys::SecretKey;
use crate::ledger::{Ledger, LedgerError, Receipt};
use crate::state::{claim_identity, ArticleInfo};
use crate::statement::{
    Anchor, Attribution, Body, ClaimRecord, Hedge, Kind, Mode, SignedStatement, SourceCount,
    SourceKind, SourceRecord, Statement, StatementError,
};
use serde::Deserialize;
use std::collections::HashMap;

/// Claims signed together on all cores between two progress steps.
const SIGN_CHUNK: usize = 1024;

/// An import file, as schemas/claim-import.schema.json describes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportFile {
    #[serde(rename = "$schema", default)]
    _schema: Option<String>,
    #[serde(rename = "$comment", default)]
    _comment: Option<String>,
    /// New sources, in order.
    #[serde(default)]
    pub sources: Vec<SourceEntry>,
    /// Claims, in order.
    pub claims: Vec<ClaimEntry>,
}

/// A source of the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceEntry {
    /// The local ref that claims of the file name it by.
    #[serde(rename = "ref")]
    pub key: String,
    /// See [`SourceRecord::label`].
    pub label: String,
    /// See [`SourceRecord::kind`].
    pub kind: SourceKind,
    /// See [`SourceRecord::name`].
    pub name: Option<String>,
    /// See [`SourceRecord::role`].
    pub role: Option<String>,
    /// See [`SourceRecord::affiliation`].
    pub affiliation: Option<String>,
    /// See [`SourceRecord::place`].
    pub place: Option<String>,
    /// See [`SourceRecord::on_record`] (default false).
    #[serde(default)]
    pub on_record: bool,
    /// See [`SourceRecord::count`] (default [`SourceCount::default_for`]).
    pub count: Option<SourceCount>,
    /// See [`SourceRecord::anonymity`].
    pub anonymity: Option<crate::statement::Anonymity>,
    /// What `provledger extract` said of the source: never signed, ignored.
    #[serde(default, rename = "proposal")]
    _proposal: Option<serde::de::IgnoredAny>,
}

impl SourceEntry {
    /// The `source.record` this entry stands for.
    pub fn record(&self) -> SourceRecord {
        SourceRecord {
            name: self.name.clone(),
            role: self.role.clone(),
            affiliation: self.affiliation.clone(),
            place: self.place.clone(),
            on_record: self.on_record,
            anonymity: self.anonymity.clone(),
            ..SourceRecord::with_defaults(self.label.clone(), self.kind, self.count)
        }
    }
}

/// A claim of the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimEntry {
    /// The local ref.
    #[serde(rename = "ref")]
    pub key: String,
    /// The proposition.
    pub proposition: String,
    /// The passage of the article, located in its text.
    pub exact: String,
    /// A source ref of the file or a source id prefix.
    pub source: Option<String>,
    /// A source ref of the file or a source id prefix.
    pub relayed_by: Option<String>,
    /// The attributing words.
    pub cue: Option<String>,
    /// The hedge (default none).
    pub hedge: Option<Hedge>,
    /// The mode (default [`Mode::default_for`] the quote).
    pub mode: Option<Mode>,
    /// The quoted words.
    pub quote: Option<String>,
    /// What `provledger extract` said of the claim: never signed, ignored.
    #[serde(default, rename = "proposal")]
    _proposal: Option<serde::de::IgnoredAny>,
}

/// What is wrong with a part of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file is not strict JSON (syntax, byte order mark, a key twice,
    /// a lone surrogate, a read error).
    NotJson,
    /// A text field is longer than a statement may hold.
    TooLong,
    /// A field the schema does not know.
    UnknownField,
    /// A field the schema requires is absent.
    MissingField,
    /// A field the schema does not allow with the entry's other fields
    /// (a name for an anonymous source).
    NotAllowed,
    /// A field's value does not follow the schema.
    InvalidValue,
    /// A ref used by two entries.
    DuplicateRef,
    /// A `source` or `relayed_by` that is no ref of the file nor a source
    /// in the ledger.
    UnknownSource,
    /// An `exact` that does not occur once in the article text.
    Anchor,
    /// A claim already recorded (or given twice in the file).
    AlreadyRecorded,
    /// A statement the ledger's rules refuse.
    Refused,
}

/// One problem of an import file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The JSON pointer of the value at fault ("/claims/3/mode").
    pub pointer: String,
    /// What kind of problem it is.
    pub kind: ProblemKind,
    /// What is wrong, in words.
    pub message: String,
    /// The entry the problem is in ("/claims/3"), when the message names it.
    pub entry: Option<String>,
    /// That entry's ref, if it has one.
    pub reference: Option<String>,
    /// The field at fault, when the message names it.
    pub field: Option<String>,
    /// For a statement the ledger's rules refused, the rule's id (README,
    /// "Rule ids"), so tools can match it without reading the message.
    pub rule: Option<&'static str>,
}

impl Problem {
    fn new(pointer: impl Into<String>, kind: ProblemKind, message: impl Into<String>) -> Problem {
        Problem {
            pointer: pointer.into(),
            kind,
            message: message.into(),
            entry: None,
            reference: None,
            rule: None,
            field: None,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Some(entry) = &self.entry else {
            return match (&self.field, self.kind) {
                (Some(field), ProblemKind::InvalidValue) => {
                    write!(f, "/: field \"{}\": {}", field.escape_debug(), self.message)
                }
                _ => write!(f, "{}: {}", self.pointer, self.message),
            };
        };
        f.write_str(entry)?;
        if let Some(r) = &self.reference {
            write!(f, " (ref \"{}\")", r.escape_debug())?;
        }
        f.write_str(": ")?;
        if let (Some(field), ProblemKind::InvalidValue) = (&self.field, self.kind) {
            write!(f, "field \"{}\": ", field.escape_debug())?;
        }
        f.write_str(&self.message)
    }
}

/// Which check the problems come from, which says what they mean for the
/// file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// [`ProblemKind::NotJson`].
    NotJson,
    /// [`ProblemKind::TooLong`].
    TooLong,
    /// The schema's problems.
    Schema,
    /// The plan's problems: refs, anchors, claims already recorded.
    Plan,
}

impl Stage {
    /// What the problems mean for the file ("is not JSON").
    pub fn what(self) -> &'static str {
        match self {
            Stage::NotJson => "is not JSON",
            Stage::TooLong => "has fields longer than a statement may hold",
            Stage::Schema => "does not follow schemas/claim-import.schema.json",
            Stage::Plan => "cannot be imported",
        }
    }
}

/// Everything wrong with a file at one stage, all reported at once.
/// Displayed as "`what` (N problems; nothing was written):" and one problem
/// a line; the caller puts the file's name in front.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportProblems {
    /// The stage that found them.
    pub stage: Stage,
    /// The problems, in file order within each check.
    pub problems: Vec<Problem>,
}

impl ImportProblems {
    fn fail(stage: Stage, problems: Vec<Problem>) -> Result<(), ImportProblems> {
        if problems.is_empty() {
            return Ok(());
        }
        Err(ImportProblems { stage, problems })
    }
}

impl std::fmt::Display for ImportProblems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{} ({n} problem{}; nothing was written):",
            self.stage.what(),
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportProblems {}

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has problems (the caller names the file before them).
    #[error("{0}")]
    Problems(ImportProblems),
    /// The rules refused a statement of the batch: the entry behind it.
    /// Nothing was written.
    #[error("{0}")]
    Refused(Box<Problem>),
    /// The statement times are ahead of the clock. Nothing was written.
    #[error("{0}; nothing was written")]
    Clock(crate::ledger::ClockError),
    /// Signing failed.
    #[error(transparent)]
    Sign(#[from] StatementError),
    /// The ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The append failed elsewhere ([`AppendFailed::Other`]: a remote
    /// server's answer); nothing was written.
    #[error(transparent)]
    Other(Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl From<ImportProblems> for ImportError {
    fn from(p: ImportProblems) -> ImportError {
        ImportError::Problems(p)
    }
}

/// A `source` or `relayed_by` value: a ref of the file, or a source in the
/// ledger.
#[derive(Clone, Copy, Debug)]
enum SourceRef {
    Local(usize),
    Ledger(Digest),
}

/// A claim of the file, checked.
#[derive(Debug)]
struct PlannedClaim {
    entry: ClaimEntry,
    anchor: Anchor,
    source: Option<SourceRef>,
    relayed_by: Option<SourceRef>,
}

/// A checked import: every ref resolved, every passage anchored, nothing
/// already recorded. Check, sign and append it on one writer handle
/// ([`Ledger::open_writer`]) so that no other append lands in between.
#[derive(Debug)]
pub struct ImportPlan {
    article: ArticleInfo,
    sources: Vec<SourceEntry>,
    claims: Vec<PlannedClaim>,
    /// The article's text, verified and indexed, which the append's rules
    /// then read without reading and indexing it again.
    text: std::sync::Arc<crate::statement::IndexedText<'static>>,
}

impl ImportPlan {
    /// Checks `file` against the ledger for import into the article
    /// version `article`: refs unique and known (a file's ref, else a
    /// source id prefix in the ledger), every `exact` located exactly once
    /// in the article text, and no claim that the article version already
    /// has (or that the file gives twice). All problems are reported at
    /// once. `progress` is called once for each claim checked.
    pub fn check(
        ledger: &Ledger,
        article: &Digest,
        file: ImportFile,
        progress: &mut dyn FnMut(),
    ) -> Result<ImportPlan, ImportError> {
        let info = ledger
            .state()
            .article(article)
            .map_err(LedgerError::from)?
            .ok_or_else(|| {
                LedgerError::NotFound(format!(
                    "article {} is not in the index",
                    crate::state::short(article)
                ))
            })?;
        // Read and checked once for the whole file.
        let text = ledger.article_text(article)?;
        let ImportFile {
            sources, claims, ..
        } = file;

        let mut problems = Vec::new();
        let mut local: HashMap<&str, usize> = HashMap::new();
        for (i, s) in sources.iter().enumerate() {
            if let Some(j) = local.insert(&s.key, i) {
                problems.push(Problem::new(
                    format!("/sources/{i}/ref"),
                    ProblemKind::DuplicateRef,
                    format!("\"{}\" is already the ref of /sources/{j}", s.key),
                ));
            }
        }
        let refs = || {
            if local.is_empty() {
                "it has none".to_string()
            } else {
                let mut refs: Vec<&str> = local.keys().copied().collect();
                refs.sort_unstable();
                refs.join(", ")
            }
        };
        let resolve = |pointer: String, v: &str, problems: &mut Vec<Problem>| {
            if let Some(&i) = local.get(v) {
                return Some(SourceRef::Local(i));
            }
            match ledger.resolve(v, &[Kind::SourceRecord]) {
                Ok(r) => Some(SourceRef::Ledger(r.id)),
                Err(e) => {
                    problems.push(Problem::new(
                        pointer,
                        ProblemKind::UnknownSource,
                        format!(
                            "\"{v}\" is not a source ref of this file ({}) nor a source in the ledger ({e})",
                            refs()
                        ),
                    ));
                    None
                }
            }
        };
        // The claims already recorded on this version, by passage and
        // proposition: one indexed lookup for the whole file.
        let recorded: HashMap<(u64, String, String), Digest> = ledger
            .state()
            .claims_reading(article)
            .map_err(LedgerError::from)?
            .into_iter()
            .map(|(id, c)| (claim_identity(&c.anchor, &c.proposition), id))
            .collect();
        let mut in_file: HashMap<(u64, String, String), usize> = HashMap::new();
        let mut claim_refs: HashMap<String, usize> = HashMap::new();
        let mut repeated = Vec::new();
        let n_claims = claims.len();
        let mut planned = Vec::with_capacity(n_claims);
        let mut ok = true;
        for (i, c) in claims.into_iter().enumerate() {
            if let Some(j) = claim_refs.insert(c.key.clone(), i) {
                problems.push(Problem::new(
                    format!("/claims/{i}/ref"),
                    ProblemKind::DuplicateRef,
                    format!("\"{}\" is already the ref of /claims/{j}", c.key),
                ));
            }
            let source = c
                .source
                .as_deref()
                .and_then(|v| resolve(format!("/claims/{i}/source"), v, &mut problems));
            let relayed_by = c
                .relayed_by
                .as_deref()
                .and_then(|v| resolve(format!("/claims/{i}/relayed_by"), v, &mut problems));
            match text.locate(&c.exact) {
                Ok(anchor) => {
                    let key = claim_identity(&anchor, &c.proposition);
                    if let Some(id) = recorded.get(&key) {
                        repeated.push((i, c.key.clone(), *id));
                    } else if let Some(j) = in_file.insert(key, i) {
                        problems.push(Problem::new(
                            format!("/claims/{i}"),
                            ProblemKind::AlreadyRecorded,
                            format!(
                                "claim \"{}\" has the same proposition at the same passage as /claims/{j}: keep one",
                                c.key
                            ),
                        ));
                    }
                    if ok {
                        planned.push(PlannedClaim {
                            entry: c,
                            anchor,
                            source,
                            relayed_by,
                        });
                    }
                }
                Err(why) => {
                    problems.push(Problem::new(
                        format!("/claims/{i}/exact"),
                        ProblemKind::Anchor,
                        why,
                    ));
                    // The claims are kept only for a plan that passes.
                    ok = false;
                    planned.clear();
                }
            }
            progress();
        }
        match repeated.as_slice() {
            [] => {}
            all if all.len() == n_claims => {
                let (first, last) = (&all[0].2, &all[all.len() - 1].2);
                problems.push(Problem::new(
                    "/claims",
                    ProblemKind::AlreadyRecorded,
                    format!(
                        "every claim of this file is already recorded in article {} (version {}), as claims {}{}: the file was imported before",
                        crate::state::short(article),
                        info.version,
                        crate::state::short(first),
                        if all.len() > 1 {
                            format!(" to {}", crate::state::short(last))
                        } else {
                            String::new()
                        }
                    ),
                ));
            }
            some => {
                for (i, key, id) in some {
                    problems.push(Problem::new(
                        format!("/claims/{i}"),
                        ProblemKind::AlreadyRecorded,
                        format!(
                            "claim \"{key}\" is already recorded as claim {} (the same proposition at the same passage of this article version)",
                            crate::state::short(id)
                        ),
                    ));
                }
            }
        }
        ImportProblems::fail(Stage::Plan, problems)?;
        Ok(ImportPlan {
            article: info,
            sources,
            claims: planned,
            text,
        })
    }

    /// The article version the claims are in.
    pub fn article(&self) -> &ArticleInfo {
        &self.article
    }

    /// How many statements the plan signs: its sources and its claims.
    pub fn len(&self) -> usize {
        self.sources.len() + self.claims.len()
    }

    /// Whether the plan signs nothing (never, for a file that passed).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Signs the plan's statements with `signer`, dated `at`: the sources,
    /// whose ids the claims then name, then the claims. `progress` is
    /// called once for each statement signed.
    pub fn sign(
        self,
        signer: &SecretKey,
        at: u64,
        progress: &mut dyn FnMut(),
    ) -> Result<SignedImport, StatementError> {
        let mut sign = |body: Body| {
            let st = SignedStatement::sign(&Statement { at, body }, signer);
            progress();
            st
        };
        let mut statements = Vec::with_capacity(self.len());
        let mut entries = Vec::with_capacity(self.len());
        for s in &self.sources {
            let st = sign(Body::SourceRecord(s.record()))?;
            entries.push(ImportedEntry {
                kind: Kind::SourceRecord,
                reference: s.key.clone(),
                id: st.id(),
            });
            statements.push(st);
        }
        let id_of = |r: Option<SourceRef>| {
            r.map(|r| match r {
                SourceRef::Local(i) => entries[i].id,
                SourceRef::Ledger(id) => id,
            })
        };
        let mut claims = Vec::with_capacity(self.claims.len());
        for p in self.claims {
            let attribution = Attribution::with_defaults(
                id_of(p.source),
                p.entry.cue,
                p.entry.hedge,
                p.entry.mode,
                p.entry.quote,
                id_of(p.relayed_by),
            );
            // The claim's text moves into its statement: the file's text
            // is not held twice while the batch is signed and appended.
            claims.push((
                p.entry.key,
                Body::ClaimRecord(ClaimRecord {
                    article: self.article.id,
                    proposition: p.entry.proposition,
                    anchor: p.anchor,
                    attribution,
                }),
            ));
        }
        // The claims are signed on all cores (signing is as costly as
        // anything else an import does), a chunk at a time so that progress
        // moves; the first failure in file order is the one reported.
        let mut claims = claims.into_iter().peekable();
        while claims.peek().is_some() {
            let chunk: Vec<(String, Body)> = claims.by_ref().take(SIGN_CHUNK).collect();
            let signed: Vec<(String, Result<SignedStatement, StatementError>)> = {
                use rayon::prelude::*;
                chunk
                    .into_par_iter()
                    .map(|(key, body)| {
                        (key, SignedStatement::sign(&Statement { at, body }, signer))
                    })
                    .collect()
            };
            for (key, st) in signed {
                let st = st?;
                progress();
                entries.push(ImportedEntry {
                    kind: Kind::ClaimRecord,
                    reference: key,
                    id: st.id(),
                });
                statements.push(st);
            }
        }
        Ok(SignedImport {
            article: self.article,
            sources: self.sources.len(),
            statements,
            entries,
            text: self.text,
        })
    }
}

/// One statement of an import: a source or a claim, by its ref.
#[derive(Clone, Debug)]
pub struct ImportedEntry {
    /// `source.record` or `claim.record`.
    pub kind: Kind,
    /// Its ref in the file.
    pub reference: String,
    /// The statement id.
    pub id: Digest,
}

/// Why the append of [`SignedImport::append_with`] failed: the ledger's
/// refusal or failure, or another (a remote server's, `--remote`), which
/// [`ImportError::Other`] keeps as it is.
#[derive(Debug)]
pub enum AppendFailed {
    /// A refusal or failure as a local append gives it.
    Ledger(LedgerError),
    /// Any other failure.
    Other(Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl From<LedgerError> for AppendFailed {
    fn from(e: LedgerError) -> AppendFailed {
        AppendFailed::Ledger(e)
    }
}

/// A signed import, ready to append.
#[derive(Debug)]
pub struct SignedImport {
    article: ArticleInfo,
    sources: usize,
    statements: Vec<SignedStatement>,
    entries: Vec<ImportedEntry>,
    text: std::sync::Arc<crate::statement::IndexedText<'static>>,
}

/// What an import appended.
#[derive(Debug)]
pub struct Imported {
    /// The article version the claims are in.
    pub article: ArticleInfo,
    /// Each statement, sources first, in file order.
    pub entries: Vec<ImportedEntry>,
    /// Where each landed, in the same order.
    pub receipts: Vec<Receipt>,
    /// How many of the entries are sources (the rest are claims).
    pub sources: usize,
}

impl SignedImport {
    /// Appends the batch to `ledger` (open for writing) with the
    /// checkpoint signed by `operator`: every statement or none. A refused
    /// statement is named by its entry in the file.
    pub fn append(
        self,
        ledger: &mut Ledger,
        operator: &SecretKey,
        now: u64,
    ) -> Result<Imported, ImportError> {
        self.keep_text(ledger);
        self.append_with(|statements| Ok(ledger.append(statements, operator, now)?))
    }

    /// Hands the text the plan located its passages in (read and verified
    /// through `ledger`) to `ledger`'s anchor rule for the next batch, so
    /// the append does not read, hash and index it again. Call it just
    /// before appending through `ledger`; without it the rule reads the
    /// text itself.
    pub fn keep_text(&self, ledger: &Ledger) {
        ledger
            .state()
            .keep_text_for_next_batch(self.article.content, self.text.clone());
    }

    /// As [`SignedImport::append`], the batch appended by `append` (the
    /// local ledger, or a remote server: `--remote`): every statement or
    /// none. A refusal it returns ([`LedgerError::Refused`]) is named by
    /// its entry in the file.
    pub fn append_with(
        self,
        append: impl FnOnce(Vec<SignedStatement>) -> Result<Vec<Receipt>, AppendFailed>,
    ) -> Result<Imported, ImportError> {
        let SignedImport {
            article,
            sources,
            statements,
            entries,
            text: _,
        } = self;
        let receipts = append(statements).map_err(|e| {
            let e = match e {
                AppendFailed::Ledger(e) => e,
                AppendFailed::Other(e) => return ImportError::Other(e),
            };
            let index = match &e {
                LedgerError::Refused { index, .. } | LedgerError::Statement { index, .. } => *index,
                LedgerError::Clock(why) => return ImportError::Clock(why.clone()),
                _ => return ImportError::Ledger(e),
            };
            let entry = if index < sources {
                format!("/sources/{index}")
            } else {
                format!("/claims/{}", index - sources)
            };
            let (why, rule) = match e {
                LedgerError::Refused { error, .. } => (error.to_string(), Some(error.rule)),
                LedgerError::Statement { source, .. } => (source.to_string(), None),
                other => (other.to_string(), None),
            };
            ImportError::Refused(Box::new(Problem {
                pointer: entry.clone(),
                kind: ProblemKind::Refused,
                message: why,
                entry: Some(entry),
                reference: entries.get(index).map(|e| e.reference.clone()),
                field: None,
                rule,
            }))
        })?;
        Ok(Imported {
            article,
            entries,
            receipts,
            sources,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(json: &[u8]) -> ImportProblems {
        ImportFile::read(json).expect_err("the file has problems")
    }

    #[test]
    fn problems_are_typed_with_their_pointer_ref_and_field() {
        let p = problems(
            br#"{"claims": [{"ref": "c1", "proposition": "P", "exact": "E", "mode": "sung", "colour": 1}]}"#,
        );
        assert_eq!(p.stage, Stage::Schema);
        let mut got: Vec<_> = p
            .problems
            .iter()
            .map(|p| {
                (
                    p.kind,
                    p.pointer.as_str(),
                    p.field.as_deref(),
                    p.to_string(),
                )
            })
            .collect();
        got.sort_by_key(|g| g.1.to_string());
        assert_eq!(
            got,
            [
                (
                    ProblemKind::UnknownField,
                    "/claims/0/colour",
                    Some("colour"),
                    "/claims/0 (ref \"c1\"): unknown field \"colour\"".to_string()
                ),
                (
                    ProblemKind::InvalidValue,
                    "/claims/0/mode",
                    Some("mode"),
                    "/claims/0 (ref \"c1\"): field \"mode\": \"sung\" is not one of: direct_quote, paraphrase".to_string()
                ),
            ]
        );
        assert!(p.to_string().starts_with(
            "does not follow schemas/claim-import.schema.json (2 problems; nothing was written):\n  "
        ));
    }

    #[test]
    fn the_strict_reader_names_the_pointer() {
        let p = problems(b"\xEF\xBB\xBF{}");
        assert_eq!(
            (p.stage, p.problems[0].kind),
            (Stage::NotJson, ProblemKind::NotJson)
        );
        let p = problems(br#"{"claims": [{"ref": "a", "ref": "b"}]}"#);
        assert_eq!(p.problems[0].pointer, "/claims/0/ref");
        assert!(p.problems[0].message.contains("appears twice"), "{p}");
        let long = "x".repeat(crate::state::limits::MAX_PROPOSITION_CHARS + 1);
        let p = problems(
            format!(r#"{{"claims": [{{"ref": "a", "proposition": "{long}", "exact": "e"}}]}}"#)
                .as_bytes(),
        );
        assert_eq!(
            (p.stage, p.problems[0].kind),
            (Stage::TooLong, ProblemKind::TooLong)
        );
        assert_eq!(p.problems[0].pointer, "/claims/0/proposition");
        // A file that passes decodes, with its defaults left to the plan.
        let f = ImportFile::read(
            &br#"{"sources": [{"ref": "s", "label": "officials", "kind": "anonymous_group"}],
                 "claims": [{"ref": "a", "proposition": "p", "exact": "e", "source": "s", "cue": "said"}]}"#[..],
        )
        .unwrap();
        assert_eq!(f.sources[0].record().count, SourceCount::Unknown);
        assert_eq!(f.claims[0].source.as_deref(), Some("s"));
    }

    #[test]
    fn a_plan_is_checked_signed_and_appended_on_one_writer_and_not_twice() {
        use crate::statement::{ArticleRecord, KeyGrant, Role};
        const T: u64 = 1_762_400_000;
        let dir = tempfile::tempdir().unwrap();
        let operator = SecretKey::generate("operator").unwrap();
        let editor = SecretKey::generate("eda").unwrap();
        let mut ledger = Ledger::init(dir.path(), &operator, "test", 1, T).unwrap();
        let sign = |key: &SecretKey, body: Body| {
            SignedStatement::sign(&Statement { at: T, body }, key).unwrap()
        };
        let grant = sign(
            &operator,
            Body::KeyGrant(KeyGrant {
                key: editor.public().to_note_string(),
                display_name: "Eda Editor".into(),
                roles: vec![Role::Editor],
            }),
        );
        ledger.append(vec![grant], &operator, T).unwrap();
        let text = b"Officials said the talks failed. Others said they went well.".to_vec();
        let article = sign(
            &editor,
            Body::ArticleRecord(ArticleRecord::first_version(
                &text,
                "https://news.example/talks".into(),
                "News".into(),
                "Talks".into(),
                None,
                T,
            )),
        );
        let article_id = article.id();
        ledger
            .append_with_blobs(vec![article], &[text], &operator, T)
            .unwrap();
        let file = br#"{"sources": [{"ref": "officials", "label": "Officials", "kind": "anonymous_group"}],
            "claims": [
                {"ref": "failed", "proposition": "The talks failed.", "exact": "the talks failed", "source": "officials", "cue": "said"},
                {"ref": "well", "proposition": "The talks went well.", "exact": "they went well"}
            ]}"#;
        let plan = ImportPlan::check(
            &ledger,
            &article_id,
            ImportFile::read(&file[..]).unwrap(),
            &mut || {},
        )
        .unwrap();
        assert_eq!(plan.len(), 3);
        let imported = plan
            .sign(&editor, T, &mut || {})
            .unwrap()
            .append(&mut ledger, &operator, T)
            .unwrap();
        assert_eq!(imported.receipts.len(), 3);
        assert_eq!(imported.sources, 1);
        let failed = ledger
            .state()
            .claim(&imported.entries[1].id)
            .unwrap()
            .unwrap();
        assert_eq!(
            failed.attribution.source.as_ref().map(|s| s.id),
            Some(imported.entries[0].id)
        );
        assert_eq!(failed.attribution.mode, Mode::Paraphrase);
        // The same file again: refused, as one problem at /claims.
        let again = ImportPlan::check(
            &ledger,
            &article_id,
            ImportFile::read(&file[..]).unwrap(),
            &mut || {},
        )
        .unwrap_err();
        let ImportError::Problems(p) = again else {
            panic!("{again}");
        };
        assert_eq!(p.stage, Stage::Plan);
        assert_eq!(
            p.problems
                .iter()
                .map(|p| (p.kind, p.pointer.as_str()))
                .collect::<Vec<_>>(),
            [(ProblemKind::AlreadyRecorded, "/claims")]
        );
        // Refused by a rule at append: the problem names the entry, its ref
        // and the rule's id.
        let file = br#"{"claims": [{"ref": "quote", "proposition": "Others said so.", "exact": "Others said", "mode": "direct_quote", "quote": "not there"}]}"#;
        let refused = ImportPlan::check(
            &ledger,
            &article_id,
            ImportFile::read(&file[..]).unwrap(),
            &mut || {},
        )
        .unwrap()
        .sign(&editor, T, &mut || {})
        .unwrap()
        .append(&mut ledger, &operator, T)
        .unwrap_err();
        let ImportError::Refused(p) = refused else {
            panic!("{refused}");
        };
        assert_eq!(
            (p.pointer.as_str(), p.reference.as_deref(), p.rule),
            (
                "/claims/0",
                Some("quote"),
                Some("claim.quote-not-in-anchor")
            )
        );
        assert!(
            p.message.starts_with(
                "claim.record refused: attribution.quote does not occur in anchor.exact"
            ),
            "{}",
            p.message
        );
    }
}
