//! Read queries for the CLI and the HTTP API: articles with their version
//! chains, sources, and claims with filters and full-text search, returned
//! as the views of `views.rs`.

use super::articles::{digest, opt_digest};
use super::views::{
    ArticleChain, ArticleInfo, ArticleRef, AttributionView, ClaimFilter, ClaimSummary, Signer,
    SourceInfo, SourceRef,
};
use super::{short, State, StateError};
use crate::digest::Digest;
use crate::statement::ClaimContent;
use rusqlite::{params_from_iter, OptionalExtension, Row, ToSql};

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

const ARTICLE_COLUMNS: &str =
    "id, url, publisher, title, published_at, retrieved_at, content, length,
     supersedes, superseded_by, chain, version, seq, at, signer, capture";

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
        capture: r
            .get::<_, Option<Vec<u8>>>(15)?
            .map(|b| crate::cbor::from_slice(&b))
            .transpose()
            .map_err(|e| StateError::Corrupt(format!("an article's capture record: {e}")))?,
    })
}

const SOURCE_COLUMNS: &str =
    "id, label, kind, name, role, affiliation, place, on_record, count, seq, at, anonymity, origin";

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
        anonymity: r
            .get::<_, Option<Vec<u8>>>(11)?
            .map(|b| crate::cbor::from_slice(&b))
            .transpose()
            .map_err(|e| StateError::Corrupt(format!("anonymity: {e}")))?,
        identity_commitment: state.source_identity(&id)?.map(|i| i.commitment),
        same_as: Some(digest(r.get(12)?)?).filter(|o| *o != id),
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

    /// The recorded source `id`, as a claim names it.
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

    /// The attribution of `c` with its sources looked up.
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

    /// The number of the newest version of the article whose version `id` is.
    pub(crate) fn newest_version(&self, id: &Digest) -> Result<u64, StateError> {
        let n: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT MAX(version) FROM articles WHERE chain = (SELECT chain FROM articles WHERE id = ?1)",
            )?
            .query_row([id.0.as_slice()], |r| r.get(0))?;
        n.map(|n| n as u64)
            .ok_or_else(|| StateError::Corrupt(format!("article {} has no row", short(id))))
    }

    /// The recorded article version `id`, as a claim names it.
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
        self.flush_status()?;
        Ok(collect(
            self,
            "SELECT content, revision, revisions, removed, retraction IS NOT NULL, status, seq, at, article
             FROM claims WHERE id = ?1",
            [id.0.as_slice()],
            |state, r| {
                let c = content(&r.get::<_, Vec<u8>>(0)?)?;
                let status: String = r.get(5)?;
                let article = digest(r.get(8)?)?;
                let newest_version = state.newest_version(&article)?;
                let article = state.article_ref(&article)?;
                let (removed, retracted): (bool, bool) = (r.get(3)?, r.get(4)?);
                Ok(ClaimSummary {
                    id: *id,
                    attribution: state.attribution_view(&c)?,
                    proposition: c.proposition,
                    anchor: c.anchor,
                    behind: article.version < newest_version && !removed && !retracted,
                    newest_version,
                    article,
                    revision: digest(r.get(1)?)?,
                    revisions: r.get::<_, i64>(2)? as u64,
                    removed,
                    retracted,
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
        self.flush_status()?;
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
        // The worklists (worklist.rs): SQL keeps the candidates, the
        // standing rule decides.
        let worklist = super::worklist::Worklist {
            stale: filter.stale,
            unjudged_by: filter.unjudged_by.as_ref(),
            checker: filter.checker.as_ref(),
        };
        if filter.stale {
            sql.push_str(
                " AND EXISTS (SELECT 1 FROM verifications v JOIN revisions r ON r.id = v.revision
                   WHERE v.claim = c.id AND v.withdrawal IS NULL AND r.substance IS NOT c.substance)",
            );
        }
        if filter.unjudged_by.is_some() {
            sql.push_str(" AND c.retraction IS NULL");
        }
        if let Some(k) = &filter.checker {
            sql.push_str(
                " AND EXISTS (SELECT 1 FROM verifications v
                   WHERE v.claim = c.id AND v.signer = ? AND v.withdrawal IS NULL)",
            );
            args.push(Box::new(k.to_vec()));
        }
        sql.push_str(" ORDER BY c.n");
        if !worklist.active() {
            sql.push_str(" LIMIT ? OFFSET ?");
            args.push(Box::new(filter.limit.map_or(-1, |l| l as i64)));
            args.push(Box::new(filter.offset as i64));
        }
        let ids: Vec<Vec<u8>> = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(args.iter()), |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        let mut skip = if worklist.active() { filter.offset } else { 0 };
        for id in ids {
            let id = digest(id)?;
            if worklist.active() {
                if filter.limit.is_some_and(|l| out.len() >= l) {
                    break;
                }
                if !self.on_worklist(&id, &worklist)? {
                    continue;
                }
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
            }
            out.extend(self.claim(&id)?);
        }
        Ok(out)
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
