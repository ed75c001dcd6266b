//! Read queries for the CLI and the HTTP API: articles with their version
//! chains, sources, claims with filters and full-text search, and id
//! prefixes resolved to one statement of the wanted kind.
//!
//! Every type here is `serde::Serialize` for `--json` output; ids are
//! written as 64 hex digits.

use super::articles::{digest, opt_digest};
use super::{short, State, StateError};
use crate::digest::Digest;
use crate::statement::{Anchor, ClaimContent, Hedge, Kind, Mode, SourceCount, SourceKind, Verdict};
use crate::status::Status;
use rusqlite::{params, params_from_iter, OptionalExtension, Row, ToSql};
use serde::{Serialize, Serializer};

/// The fewest hex digits [`State::resolve`] accepts as an id prefix.
pub const MIN_ID_PREFIX: usize = 6;

/// Serializes a digest as 64 hex digits.
pub(crate) fn hex<S: Serializer>(d: &Digest, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.to_hex())
}

/// Serializes an optional digest as 64 hex digits or null.
pub(crate) fn hex_opt<S: Serializer>(d: &Option<Digest>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.to_hex()),
        None => s.serialize_none(),
    }
}

/// A key that signed something, as people know it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Signer {
    /// The key's signed-note name.
    pub key: String,
    /// Who holds it.
    pub display_name: String,
    /// The raw public key, hex.
    pub pubkey: String,
}

/// The signer with public key `pubkey` (every signer but the operator holds
/// a grant; the operator is named by the ledger's origin).
pub(crate) fn signer(state: &State, pubkey: &[u8]) -> Result<Signer, StateError> {
    let row: Option<(String, String)> = state
        .conn
        .prepare_cached("SELECT name, display_name FROM keys WHERE pubkey = ?1")?
        .query_row([pubkey], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (key, display_name) = match row {
        Some(r) => r,
        None => {
            let origin = state.origin()?.unwrap_or_default();
            (origin, "operator".to_string())
        }
    };
    Ok(Signer {
        key,
        display_name,
        pubkey: hex::encode(pubkey),
    })
}

/// One version of an article.
#[derive(Clone, Debug, Serialize)]
pub struct ArticleInfo {
    /// The `article.record` id.
    #[serde(serialize_with = "hex")]
    pub id: Digest,
    pub url: String,
    pub publisher: String,
    pub title: String,
    pub published_at: Option<u64>,
    pub retrieved_at: u64,
    /// SHA-256 of the text (the blob's address).
    #[serde(serialize_with = "hex")]
    pub content: Digest,
    /// The text's length in bytes.
    pub length: u64,
    /// The version this one updates.
    #[serde(serialize_with = "hex_opt")]
    pub supersedes: Option<Digest>,
    /// The version that updates this one.
    #[serde(serialize_with = "hex_opt")]
    pub superseded_by: Option<Digest>,
    /// The id of the chain's first version.
    #[serde(serialize_with = "hex")]
    pub chain: Digest,
    /// 1 for the first version.
    pub version: u64,
    /// Log index of the record.
    pub seq: u64,
    /// Statement time.
    pub at: u64,
    /// Who recorded it.
    pub signer: Signer,
}

/// An article: its versions, oldest first.
#[derive(Clone, Debug, Serialize)]
pub struct ArticleChain {
    /// The id of the first version.
    #[serde(serialize_with = "hex")]
    pub chain: Digest,
    /// Every version, oldest first.
    pub versions: Vec<ArticleInfo>,
    /// How many claims are recorded in any version.
    pub claims: u64,
}

impl ArticleChain {
    /// The newest version.
    pub fn latest(&self) -> &ArticleInfo {
        self.versions
            .last()
            .expect("a chain has at least one version")
    }
}

/// A source record.
#[derive(Clone, Debug, Serialize)]
pub struct SourceInfo {
    /// The `source.record` id.
    #[serde(serialize_with = "hex")]
    pub id: Digest,
    pub label: String,
    pub kind: SourceKind,
    pub name: Option<String>,
    pub role: Option<String>,
    pub affiliation: Option<String>,
    pub place: Option<String>,
    pub on_record: bool,
    pub count: SourceCount,
    pub seq: u64,
    pub at: u64,
    /// Claims currently attributed to it or relayed by it.
    pub claims: u64,
}

/// A source as a claim names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    #[serde(serialize_with = "hex")]
    pub id: Digest,
    pub label: String,
    pub kind: SourceKind,
    pub name: Option<String>,
}

/// A claim's attribution with its sources looked up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttributionView {
    /// `None`: the outlet's own assertion.
    pub source: Option<SourceRef>,
    pub cue: Option<String>,
    pub hedge: Hedge,
    pub mode: Mode,
    pub quote: Option<String>,
    pub relayed_by: Option<SourceRef>,
}

/// An article version as a claim names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArticleRef {
    #[serde(serialize_with = "hex")]
    pub id: Digest,
    pub version: u64,
    pub title: String,
    pub publisher: String,
    pub url: String,
}

/// A claim as it stands now.
#[derive(Clone, Debug, Serialize)]
pub struct ClaimSummary {
    /// The `claim.record` id.
    #[serde(serialize_with = "hex")]
    pub id: Digest,
    /// The proposition of its latest revision with text.
    pub proposition: String,
    /// Where that revision anchors it.
    pub anchor: Anchor,
    pub attribution: AttributionView,
    /// The article version its current revision reads.
    pub article: ArticleRef,
    /// Its current revision (the `claim.record` or the latest `claim.revise`).
    #[serde(serialize_with = "hex")]
    pub revision: Digest,
    /// How many revisions it has, the record included.
    pub revisions: u64,
    /// The current revision says the article no longer makes the claim.
    pub removed: bool,
    /// The claim was retracted.
    pub retracted: bool,
    /// Its derived status (crate::status).
    pub status: Status,
    /// Log index of the `claim.record`.
    pub seq: u64,
    /// Statement time of the `claim.record`.
    pub at: u64,
}

/// Which claims [`State::claims`] lists. Empty filters match everything;
/// set ones must all hold.
#[derive(Clone, Debug, Default)]
pub struct ClaimFilter {
    /// Claims in any version of this article's chain.
    pub article: Option<Digest>,
    /// Claims attributed to, or relayed by, this source.
    pub source: Option<Digest>,
    /// Claims with this status.
    pub status: Option<Status>,
    /// Words that must all occur in the proposition, the quote or the
    /// anchored text (whole words, case and diacritics ignored).
    pub search: Option<String>,
    /// At most this many, oldest first.
    pub limit: Option<usize>,
    /// Skip this many first.
    pub offset: usize,
}

/// A verdict, for commands that act on one (`verify withdraw`).
#[derive(Clone, Debug, Serialize)]
pub struct VerificationInfo {
    #[serde(serialize_with = "hex")]
    pub id: Digest,
    #[serde(serialize_with = "hex")]
    pub claim: Digest,
    #[serde(serialize_with = "hex")]
    pub revision: Digest,
    pub verdict: Verdict,
    pub signer: Signer,
    pub seq: u64,
    pub at: u64,
    /// The `verification.withdraw`, if withdrawn.
    #[serde(serialize_with = "hex_opt")]
    pub withdrawal: Option<Digest>,
}

/// Why an id prefix does not name exactly one statement of the wanted kind.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("'{0}' is not an id prefix: use {MIN_ID_PREFIX} to 64 hex digits of a statement id")]
    BadPrefix(String),
    #[error("'{0}' is not an id prefix: ids are hex digits (0-9, a-f)")]
    NotHex(String),
    #[error("no {want} has an id starting with {prefix}")]
    NotFound { prefix: String, want: String },
    #[error("{prefix} is {} {found}, not {} {want}", super::a(found.as_str()), super::a(want))]
    WrongKind {
        prefix: String,
        found: Kind,
        want: String,
    },
    #[error("id prefix {prefix} is ambiguous; it matches {}", candidates.iter().map(|(d, k)| format!("{} ({k})", short(d))).collect::<Vec<_>>().join(", "))]
    Ambiguous {
        prefix: String,
        candidates: Vec<(Digest, Kind)>,
    },
    #[error(transparent)]
    State(#[from] StateError),
}

impl From<rusqlite::Error> for ResolveError {
    fn from(e: rusqlite::Error) -> ResolveError {
        ResolveError::State(StateError::Sql(e))
    }
}

fn kinds_text(kinds: &[Kind]) -> String {
    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    names.join(" or ")
}

const ARTICLE_COLUMNS: &str =
    "id, url, publisher, title, published_at, retrieved_at, content, length,
     supersedes, superseded_by, chain, version, seq, at, signer";

fn article_from_row(state: &State, r: &Row) -> Result<ArticleInfo, StateError> {
    let signer_key: Vec<u8> = r.get(14)?;
    Ok(ArticleInfo {
        id: digest(r.get(0)?)?,
        url: r.get(1)?,
        publisher: r.get(2)?,
        title: r.get(3)?,
        published_at: r.get::<_, Option<i64>>(4)?.map(|v| v as u64),
        retrieved_at: r.get::<_, i64>(5)? as u64,
        content: digest(r.get(6)?)?,
        length: r.get::<_, i64>(7)? as u64,
        supersedes: opt_digest(r.get(8)?)?,
        superseded_by: opt_digest(r.get(9)?)?,
        chain: digest(r.get(10)?)?,
        version: r.get::<_, i64>(11)? as u64,
        seq: r.get::<_, i64>(12)? as u64,
        at: r.get::<_, i64>(13)? as u64,
        signer: signer(state, &signer_key)?,
    })
}

const SOURCE_COLUMNS: &str =
    "id, label, kind, name, role, affiliation, place, on_record, count, seq, at";

fn source_from_row(state: &State, r: &Row) -> Result<SourceInfo, StateError> {
    let id = digest(r.get(0)?)?;
    let kind: String = r.get(2)?;
    let count: String = r.get(8)?;
    let claims: i64 = state
        .conn
        .prepare_cached(
            "SELECT (SELECT count(*) FROM claims WHERE source = ?1)
                  + (SELECT count(*) FROM claims WHERE relayed_by = ?1)",
        )?
        .query_row([id.0.as_slice()], |r| r.get(0))?;
    Ok(SourceInfo {
        id,
        label: r.get(1)?,
        kind: kind.parse().map_err(StateError::Corrupt)?,
        name: r.get(3)?,
        role: r.get(4)?,
        affiliation: r.get(5)?,
        place: r.get(6)?,
        on_record: r.get(7)?,
        count: count.parse().map_err(StateError::Corrupt)?,
        seq: r.get::<_, i64>(9)? as u64,
        at: r.get::<_, i64>(10)? as u64,
        claims: claims as u64,
    })
}

/// Collects query rows through a mapping that needs the state (and so
/// cannot run inside rusqlite's row callback).
fn collect<T>(
    state: &State,
    sql: &str,
    params: impl rusqlite::Params,
    f: impl Fn(&State, &Row) -> Result<T, StateError>,
) -> Result<Vec<T>, StateError> {
    let mut stmt = state.conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(f(state, r)?);
    }
    Ok(out)
}

/// Decodes a claim's stored content.
pub(crate) fn content(bytes: &[u8]) -> Result<ClaimContent, StateError> {
    crate::cbor::from_slice(bytes).map_err(|e| StateError::Corrupt(format!("claim content: {e}")))
}

impl State {
    /// Every article, as version chains in the order they were first recorded.
    pub fn articles(&self) -> Result<Vec<ArticleChain>, StateError> {
        let all = collect(
            self,
            &format!("SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY n"),
            [],
            article_from_row,
        )?;
        let mut chains: Vec<ArticleChain> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for a in all {
            let i = *index.entry(a.chain).or_insert_with(|| {
                chains.push(ArticleChain {
                    chain: a.chain,
                    versions: Vec::new(),
                    claims: 0,
                });
                chains.len() - 1
            });
            chains[i].versions.push(a);
        }
        for c in &mut chains {
            c.versions.sort_by_key(|v| v.version);
            c.claims = self.claims_in_chain(&c.chain)?;
        }
        Ok(chains)
    }

    fn claims_in_chain(&self, chain: &Digest) -> Result<u64, StateError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM claims WHERE chain = ?1")?
            .query_row([chain.0.as_slice()], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// One article version.
    pub fn article(&self, id: &Digest) -> Result<Option<ArticleInfo>, StateError> {
        Ok(collect(
            self,
            &format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?1"),
            [id.0.as_slice()],
            article_from_row,
        )?
        .pop())
    }

    /// The chain (every version) of the article that `id` is a version of.
    pub fn article_chain(&self, id: &Digest) -> Result<Option<ArticleChain>, StateError> {
        let Some(a) = self.article(id)? else {
            return Ok(None);
        };
        let versions = collect(
            self,
            &format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE chain = ?1 ORDER BY version"),
            [a.chain.0.as_slice()],
            article_from_row,
        )?;
        Ok(Some(ArticleChain {
            chain: a.chain,
            claims: self.claims_in_chain(&a.chain)?,
            versions,
        }))
    }

    /// Every source, in the order recorded.
    pub fn sources(&self) -> Result<Vec<SourceInfo>, StateError> {
        collect(
            self,
            &format!("SELECT {SOURCE_COLUMNS} FROM sources ORDER BY n"),
            [],
            source_from_row,
        )
    }

    /// One source.
    pub fn source(&self, id: &Digest) -> Result<Option<SourceInfo>, StateError> {
        Ok(collect(
            self,
            &format!("SELECT {SOURCE_COLUMNS} FROM sources WHERE id = ?1"),
            [id.0.as_slice()],
            source_from_row,
        )?
        .pop())
    }

    pub(crate) fn source_ref(&self, id: &Digest) -> Result<SourceRef, StateError> {
        let row: Option<(String, String, Option<String>)> = self
            .conn
            .prepare_cached("SELECT label, kind, name FROM sources WHERE id = ?1")?
            .query_row([id.0.as_slice()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let (label, kind, name) =
            row.ok_or_else(|| StateError::Corrupt(format!("source {} has no row", short(id))))?;
        Ok(SourceRef {
            id: *id,
            label,
            kind: kind.parse().map_err(StateError::Corrupt)?,
            name,
        })
    }

    pub(crate) fn attribution_view(&self, c: &ClaimContent) -> Result<AttributionView, StateError> {
        let t = &c.attribution;
        Ok(AttributionView {
            source: t.source.map(|s| self.source_ref(&s)).transpose()?,
            cue: t.cue.clone(),
            hedge: t.hedge,
            mode: t.mode,
            quote: t.quote.clone(),
            relayed_by: t.relayed_by.map(|s| self.source_ref(&s)).transpose()?,
        })
    }

    pub(crate) fn article_ref(&self, id: &Digest) -> Result<ArticleRef, StateError> {
        let row: Option<(i64, String, String, String)> = self
            .conn
            .prepare_cached("SELECT version, title, publisher, url FROM articles WHERE id = ?1")?
            .query_row([id.0.as_slice()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let (version, title, publisher, url) =
            row.ok_or_else(|| StateError::Corrupt(format!("article {} has no row", short(id))))?;
        Ok(ArticleRef {
            id: *id,
            version: version as u64,
            title,
            publisher,
            url,
        })
    }

    /// One claim as it stands now.
    pub fn claim(&self, id: &Digest) -> Result<Option<ClaimSummary>, StateError> {
        Ok(collect(
            self,
            "SELECT content, revision, revisions, removed, retraction IS NOT NULL, status, seq, at, article
             FROM claims WHERE id = ?1",
            [id.0.as_slice()],
            |state, r| {
                let c = content(&r.get::<_, Vec<u8>>(0)?)?;
                let status: String = r.get(5)?;
                Ok(ClaimSummary {
                    id: *id,
                    attribution: state.attribution_view(&c)?,
                    proposition: c.proposition,
                    anchor: c.anchor,
                    article: state.article_ref(&digest(r.get(8)?)?)?,
                    revision: digest(r.get(1)?)?,
                    revisions: r.get::<_, i64>(2)? as u64,
                    removed: r.get(3)?,
                    retracted: r.get(4)?,
                    status: status.parse().map_err(StateError::Corrupt)?,
                    seq: r.get::<_, i64>(6)? as u64,
                    at: r.get::<_, i64>(7)? as u64,
                })
            },
        )?
        .pop())
    }

    /// The claims that match `filter`, oldest first.
    pub fn claims(&self, filter: &ClaimFilter) -> Result<Vec<ClaimSummary>, StateError> {
        let mut sql = String::from("SELECT c.id FROM claims c WHERE 1 = 1");
        let mut args: Vec<Box<dyn ToSql>> = Vec::new();
        if let Some(a) = &filter.article {
            // Every version of the chain: a claim moves along it by revisions.
            sql.push_str(" AND c.chain = (SELECT chain FROM articles WHERE id = ?)");
            args.push(Box::new(a.0.to_vec()));
        }
        if let Some(s) = &filter.source {
            sql.push_str(" AND (c.source = ? OR c.relayed_by = ?)");
            args.push(Box::new(s.0.to_vec()));
            args.push(Box::new(s.0.to_vec()));
        }
        if let Some(s) = &filter.status {
            sql.push_str(" AND c.status = ?");
            args.push(Box::new(s.as_str()));
        }
        if let Some(q) = filter.search.as_deref().and_then(fts_query) {
            sql.push_str(" AND c.n IN (SELECT rowid FROM claim_text WHERE claim_text MATCH ?)");
            args.push(Box::new(q));
        }
        sql.push_str(" ORDER BY c.n LIMIT ? OFFSET ?");
        args.push(Box::new(filter.limit.map_or(-1, |l| l as i64)));
        args.push(Box::new(filter.offset as i64));
        let ids: Vec<Vec<u8>> = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(args.iter()), |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let id = digest(id)?;
            out.extend(self.claim(&id)?);
        }
        Ok(out)
    }

    /// One verdict.
    pub fn verification(&self, id: &Digest) -> Result<Option<VerificationInfo>, StateError> {
        Ok(collect(
            self,
            "SELECT id, claim, revision, verdict, signer, seq, at, withdrawal FROM verifications WHERE id = ?1",
            [id.0.as_slice()],
            |state, r| {
                let verdict: String = r.get(3)?;
                let key: Vec<u8> = r.get(4)?;
                Ok(VerificationInfo {
                    id: digest(r.get(0)?)?,
                    claim: digest(r.get(1)?)?,
                    revision: digest(r.get(2)?)?,
                    verdict: verdict.parse().map_err(StateError::Corrupt)?,
                    signer: signer(state, &key)?,
                    seq: r.get::<_, i64>(5)? as u64,
                    at: r.get::<_, i64>(6)? as u64,
                    withdrawal: opt_digest(r.get(7)?)?,
                })
            },
        )?
        .pop())
    }

    /// The one statement of one of `kinds` whose id starts with `prefix`
    /// (at least [`MIN_ID_PREFIX`] hex digits, any case).
    pub fn resolve(&self, prefix: &str, kinds: &[Kind]) -> Result<Digest, ResolveError> {
        let p = prefix.trim().to_ascii_lowercase();
        if !p.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ResolveError::NotHex(prefix.to_string()));
        }
        if p.len() < MIN_ID_PREFIX || p.len() > 64 {
            return Err(ResolveError::BadPrefix(prefix.to_string()));
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, kind FROM statements WHERE id_hex >= ?1 AND id_hex < ?2
             ORDER BY id_hex LIMIT 50",
        )?;
        let upper = format!("{p}g");
        let all: Vec<(Digest, Kind)> = stmt
            .query_map(params![p, upper], |r| {
                Ok((digest(r.get(0)?)?, r.get::<_, String>(1)?))
            })?
            .map(|row| {
                let (d, k) = row?;
                Ok((d, Kind::parse(&k).map_err(StateError::Corrupt)?))
            })
            .collect::<Result<_, StateError>>()?;
        let want = if kinds.is_empty() {
            "statement".to_string()
        } else {
            kinds_text(kinds)
        };
        let matching: Vec<(Digest, Kind)> = all
            .iter()
            .copied()
            .filter(|(_, k)| kinds.is_empty() || kinds.contains(k))
            .collect();
        match (matching.as_slice(), all.as_slice()) {
            ([(d, _)], _) => Ok(*d),
            ([], [(_, found)]) if !kinds.is_empty() => Err(ResolveError::WrongKind {
                prefix: p,
                found: *found,
                want,
            }),
            ([], _) => Err(ResolveError::NotFound { prefix: p, want }),
            (many, _) => Err(ResolveError::Ambiguous {
                prefix: p,
                candidates: many.to_vec(),
            }),
        }
    }
}

/// Turns words typed by a person into an FTS5 query that matches claims
/// holding all of them: each word is quoted, so FTS5 operators and
/// punctuation in the input are taken literally. `None` when there are no
/// words.
fn fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}
