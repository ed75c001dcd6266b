//! Rules and table for `article.record`, and article version chains.
//!
//! An article's text is a blob beside the log; the statement carries its
//! SHA-256 and length, and the rules check the blob is there and matches, so
//! that every claim anchor can be checked against the exact text (at append
//! and again at audit). An update `supersedes` the latest version of its
//! chain: a chain is a line, never a tree, which is what lets a claim
//! revision say "a newer version of the same article" with two integers.

use super::limits::{line, url, MAX_ARTICLE_BYTES, MAX_LABEL_CHARS, MAX_TITLE_CHARS};
use super::{refuse, short, Blobs, Check, Entry, Refusal, State, StateError};
use crate::digest::Digest;
use crate::statement::{ArticleRecord, IndexedText, Kind};
use rusqlite::{params, OptionalExtension};
use std::sync::Arc;

/// Where a new version goes in its chain.
pub(super) struct Plan {
    chain: Digest,
    version: u64,
}

/// An article version as the rules see it.
#[derive(Clone, Debug)]
pub(crate) struct ArticleRow {
    pub id: Digest,
    pub chain: Digest,
    pub version: u64,
    pub content: Digest,
    pub retrieved_at: u64,
    pub superseded_by: Option<Digest>,
}

pub(crate) fn digest(b: Vec<u8>) -> rusqlite::Result<Digest> {
    Digest::from_slice(&b).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            b.len(),
            rusqlite::types::Type::Blob,
            "an id in the index is not 32 bytes".into(),
        )
    })
}

pub(crate) fn opt_digest(b: Option<Vec<u8>>) -> rusqlite::Result<Option<Digest>> {
    b.map(digest).transpose()
}

/// The article version `id`, if recorded.
pub(crate) fn row(state: &State, id: &Digest) -> Result<Option<ArticleRow>, StateError> {
    type Row = (Vec<u8>, i64, Vec<u8>, i64, Option<Vec<u8>>, Option<Vec<u8>>);
    let row: Option<Row> = state
        .conn
        .prepare_cached(
            "SELECT chain, version, content, retrieved_at, superseded_by, mac FROM articles WHERE id = ?1",
        )?
        .query_row([id.0.as_slice()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })
        .optional()?;
    let Some((chain, version, content, retrieved_at, superseded_by, mac)) = row else {
        return Ok(None);
    };
    state.check_row(
        "articles",
        &short(id),
        &mac_fields(&id.0, &chain, version, &content, retrieved_at),
        mac.as_deref(),
    )?;
    Ok(Some(ArticleRow {
        id: *id,
        chain: digest(chain)?,
        version: version as u64,
        content: digest(content)?,
        retrieved_at: retrieved_at as u64,
        superseded_by: opt_digest(superseded_by)?,
    }))
}

/// The columns of an article row that never change and that the rules
/// read, as its MAC covers them (state::seal). `superseded_by` changes
/// once and is not covered.
fn mac_fields<'a>(
    id: &'a [u8],
    chain: &'a [u8],
    version: i64,
    content: &'a [u8],
    retrieved_at: i64,
) -> [rusqlite::types::ValueRef<'a>; 5] {
    use rusqlite::types::ValueRef;
    [
        ValueRef::Blob(id),
        ValueRef::Blob(chain),
        ValueRef::Integer(version),
        ValueRef::Blob(content),
        ValueRef::Integer(retrieved_at),
    ]
}

/// Most bytes of article text [`TextCache`] holds; past it, it starts over.
const MAX_CACHED_BYTES: usize = 64 << 20;

/// The article texts read and verified in the batch in progress, by content
/// digest, each with its offset and window tables: the claims of one batch
/// read, hash and index their article's text once, not once per claim.
/// [`State::begin`], `commit` and `rollback` empty it, so a blob damaged on
/// disk is noticed by the next batch; a replay in one transaction (audit)
/// keeps at most [`MAX_CACHED_BYTES`] of text.
///
/// A text read and verified just before a batch by the same handle (the
/// article text a `claim import` plan located its passages in) can be
/// handed to the next batch ([`TextCache::keep_for_next_batch`]), so that
/// the batch does not read, hash and index it again.
#[derive(Default)]
pub(crate) struct TextCache {
    texts: std::collections::HashMap<Digest, Arc<IndexedText<'static>>>,
    bytes: usize,
    /// A verified text for the next batch to start with.
    next: Option<(Digest, Arc<IndexedText<'static>>)>,
}

impl TextCache {
    pub(crate) fn clear(&mut self) {
        self.texts.clear();
        self.bytes = 0;
    }

    /// Empties the cache for a new batch, which starts with the text kept
    /// for it, if any.
    pub(crate) fn start_batch(&mut self) {
        self.clear();
        if let Some((digest, text)) = self.next.take() {
            self.bytes = text.as_str().len();
            self.texts.insert(digest, text);
        }
    }

    /// Keeps `text`, whose bytes hash to `digest` (checked by the caller,
    /// as [`text`] checks them), for the next batch only.
    pub(crate) fn keep_for_next_batch(&mut self, digest: Digest, text: Arc<IndexedText<'static>>) {
        self.next = Some((digest, text));
    }

    fn put(&mut self, digest: Digest, text: String) -> Arc<IndexedText<'static>> {
        if self.bytes + text.len() > MAX_CACHED_BYTES {
            self.clear();
        }
        self.bytes += text.len();
        let t = Arc::new(IndexedText::new(text));
        self.texts.insert(digest, t.clone());
        t
    }
}

/// The text of a recorded article version, from the blob store (once per
/// batch: see [`TextCache`]).
pub(crate) fn text(
    state: &State,
    blobs: &dyn Blobs,
    article: &ArticleRow,
) -> Result<Arc<IndexedText<'static>>, Check> {
    if let Some(t) = state.texts.borrow().texts.get(&article.content) {
        return Ok(t.clone());
    }
    let Some(bytes) = blobs.blob(&article.content).map_err(StateError::from)? else {
        refuse!(
            "article.text-missing",
            "the text of article {} (blob {}) is not in the blob store",
            short(&article.id),
            short(&article.content)
        );
    };
    // The article.record rules checked this text; a blob store that now
    // returns other bytes is damaged, and a claim must not be anchored in it.
    if Digest::of(&bytes) != article.content {
        refuse!(
            "article.text-digest",
            "the blob store's copy of article {}'s text (blob {}) does not match its digest",
            short(&article.id),
            short(&article.content)
        );
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        Check::Refused(Refusal {
            rule: "article.text-utf8",
            reason: format!(
                "the text of article {} is not valid UTF-8",
                short(&article.id)
            ),
        })
    })?;
    // Kept only for the batch in progress: outside a transaction (a reader
    // asking for a text) nothing ends the batch that would empty the cache,
    // so a blob damaged later would still be served from it.
    if state.conn.is_autocommit() {
        return Ok(Arc::new(IndexedText::new(text)));
    }
    Ok(state.texts.borrow_mut().put(article.content, text))
}

/// Checks an `article.record`.
pub(super) fn check(
    state: &State,
    entry: &Entry,
    a: &ArticleRecord,
    blobs: &dyn Blobs,
) -> Result<Plan, Check> {
    let at = entry.statement.statement().at;
    url("url", &a.url)?;
    line("publisher", &a.publisher, MAX_LABEL_CHARS)?;
    line("title", &a.title, MAX_TITLE_CHARS)?;
    if let Some(p) = a.published_at {
        if p > a.retrieved_at {
            refuse!("article.published-after-retrieved",
                "published_at {} is after retrieved_at {}; an article cannot be retrieved before it is published",
                crate::time::rfc3339(p),
                crate::time::rfc3339(a.retrieved_at)
            );
        }
    }
    if a.retrieved_at > at {
        refuse!(
            "article.retrieved-after-statement",
            "retrieved_at {} is after the statement time {}",
            crate::time::rfc3339(a.retrieved_at),
            crate::time::rfc3339(at)
        );
    }
    if a.length == 0 {
        refuse!("article.empty", "length is 0; an article needs text");
    }
    if a.length > MAX_ARTICLE_BYTES {
        refuse!(
            "article.too-large",
            "length is {} bytes; an article text may be at most {MAX_ARTICLE_BYTES} bytes",
            a.length
        );
    }
    let Some(bytes) = blobs.blob(&a.content).map_err(StateError::from)? else {
        refuse!(
            "article.content-missing",
            "content blob {} is not in the blob store; store the article text first",
            short(&a.content)
        );
    };
    if Digest::of(&bytes) != a.content {
        refuse!(
            "article.content-digest",
            "content blob {} in the blob store does not hash to its address",
            short(&a.content)
        );
    }
    if bytes.len() as u64 != a.length {
        refuse!(
            "article.length-mismatch",
            "length is {} bytes but content blob {} is {} bytes",
            a.length,
            short(&a.content),
            bytes.len()
        );
    }
    let Ok(text) = String::from_utf8(bytes) else {
        refuse!(
            "article.content-utf8",
            "content blob {} is not valid UTF-8 text",
            short(&a.content)
        );
    };
    if let Some(c) = &a.capture {
        super::captures::check(a, c, blobs)?;
    }
    // Verified: the claims anchored in it later in the batch need not read it again.
    state.texts.borrow_mut().put(a.content, text);
    let Some(prev_id) = a.supersedes else {
        return Ok(Plan {
            chain: entry.statement.id(),
            version: 1,
        });
    };
    state.reference("supersedes", &prev_id, &[Kind::ArticleRecord], at)?;
    let prev = row(state, &prev_id)?
        .ok_or_else(|| StateError::Corrupt(format!("article {} has no row", short(&prev_id))))?;
    if let Some(next) = prev.superseded_by {
        refuse!("article.supersedes-superseded",
            "supersedes {}, which is already superseded by {}; an update must supersede the latest version",
            short(&prev_id),
            short(&next)
        );
    }
    if prev.content == a.content {
        refuse!("article.unchanged",
            "content is the same as that of the version it supersedes ({}); record an update only when the text changed",
            short(&prev_id)
        );
    }
    if a.retrieved_at < prev.retrieved_at {
        refuse!(
            "article.retrieved-before-previous",
            "retrieved_at {} is before the retrieved_at {} of the version it supersedes ({})",
            crate::time::rfc3339(a.retrieved_at),
            crate::time::rfc3339(prev.retrieved_at),
            short(&prev_id)
        );
    }
    Ok(Plan {
        chain: prev.chain,
        version: prev.version + 1,
    })
}

/// Records a checked `article.record`.
pub(super) fn record(
    state: &State,
    entry: &Entry,
    a: &ArticleRecord,
    plan: Plan,
) -> Result<(), StateError> {
    let st = entry.statement;
    let id = st.id();
    // The capture record, as canonical CBOR, for readers (no rule reads it).
    let capture = a
        .capture
        .as_ref()
        .map(crate::cbor::to_vec)
        .transpose()
        .map_err(|e| StateError::Corrupt(format!("a capture record does not encode: {e}")))?;
    let mac = state.row_mac(
        "articles",
        &mac_fields(
            &id.0,
            &plan.chain.0,
            plan.version as i64,
            &a.content.0,
            a.retrieved_at as i64,
        ),
    )?;
    state
        .conn
        .prepare_cached(
            "INSERT INTO articles (id, url, publisher, title, published_at, retrieved_at, content, length,
                                   supersedes, chain, version, seq, at, signer, mac, capture)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?
        .execute(params![
            id.0.as_slice(),
            a.url,
            a.publisher,
            a.title,
            a.published_at.map(|v| v as i64),
            a.retrieved_at as i64,
            a.content.0.as_slice(),
            a.length as i64,
            a.supersedes.as_ref().map(|d| d.0.to_vec()),
            plan.chain.0.as_slice(),
            plan.version as i64,
            entry.seq as i64,
            st.statement().at as i64,
            st.signer().as_bytes().as_slice(),
            mac,
            capture,
        ])?;
    if let Some(prev) = a.supersedes {
        state
            .conn
            .prepare_cached("UPDATE articles SET superseded_by = ?2 WHERE id = ?1")?
            .execute(params![prev.0.as_slice(), id.0.as_slice()])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text kept for the next batch is in that batch's cache, and in no
    /// later one (each batch reads and verifies its texts anew).
    #[test]
    fn a_kept_text_serves_the_next_batch_only() {
        let text = "A text verified just before the batch.".to_string();
        let digest = Digest::of(text.as_bytes());
        let mut cache = TextCache::default();
        cache.keep_for_next_batch(digest, Arc::new(IndexedText::new(text.clone())));
        assert!(cache.texts.is_empty());
        cache.start_batch();
        assert_eq!(cache.texts[&digest].as_str(), text);
        assert_eq!(cache.bytes, text.len());
        cache.clear();
        cache.start_batch();
        assert!(cache.texts.is_empty());
    }
}
