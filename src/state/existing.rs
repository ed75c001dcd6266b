//! What is already recorded, for the checks that keep a command from
//! recording it twice (`claim import` run again, `article add` of a text
//! already added). These are not validity rules: the log may hold such
//! repeats from before the checks existed, and audit accepts them.

use super::query::content;
use super::{ArticleInfo, State, StateError};
use crate::digest::Digest;
use crate::statement::{Body, ClaimContent};
use rusqlite::OptionalExtension;

/// Why a command does not record a statement: the ledger has it already.
#[derive(Debug, thiserror::Error)]
pub enum Repeat {
    /// An `article.record` of a url and text already recorded.
    #[error("this text of {url} is already recorded as article {} (version {version}); nothing was written", super::short(.id))]
    Article {
        /// The url.
        url: String,
        /// The article version that has that url and text.
        id: Digest,
        /// Its version number.
        version: u64,
    },
    /// A `claim.record` of a proposition at a passage that a claim of the
    /// same article version already has.
    #[error("this claim is already recorded as claim {} (the same proposition at the same passage of this article version); nothing was written", super::short(.id))]
    Claim {
        /// The claim that has it.
        id: Digest,
    },
    /// The index failed.
    #[error(transparent)]
    State(#[from] StateError),
}

/// What makes two claims of one article version the same claim: the same
/// proposition at the same passage (the same `exact` at the same position).
/// The attribution is left out: a claim recorded again with another
/// attribution is a revision of the first, not a second claim.
pub fn claim_identity(
    anchor: &crate::statement::Anchor,
    proposition: &str,
) -> (u64, String, String) {
    (anchor.start, anchor.exact.clone(), proposition.to_string())
}

impl State {
    /// Refuses a statement that would record again what the ledger holds:
    /// an article's first version whose url and text an article version
    /// already has (an update of the same text is `article update`'s
    /// business, and a different url is another publication), or a claim
    /// that its article version has already ([`claim_identity`]).
    pub fn refuse_repeat(&self, body: &Body) -> Result<(), Repeat> {
        match body {
            Body::ArticleRecord(a) if a.supersedes.is_none() => {
                if let Some(found) = self.article_with_text(&a.url, &a.content)? {
                    return Err(Repeat::Article {
                        url: a.url.clone(),
                        id: found.id,
                        version: found.version,
                    });
                }
            }
            Body::ClaimRecord(c) => {
                let key = claim_identity(&c.anchor, &c.proposition);
                if let Some((id, _)) = self
                    .claims_reading(&c.article)?
                    .into_iter()
                    .find(|(_, was)| claim_identity(&was.anchor, &was.proposition) == key)
                {
                    return Err(Repeat::Claim { id });
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The first recorded article version at `url` whose text has the
    /// digest `content`. Articles are one row per version, so this reads
    /// the article table, not the claims.
    pub fn article_with_text(
        &self,
        url: &str,
        content: &Digest,
    ) -> Result<Option<ArticleInfo>, StateError> {
        let id: Option<Vec<u8>> = self
            .conn
            .prepare_cached(
                "SELECT id FROM articles WHERE content = ?1 AND url = ?2 ORDER BY n LIMIT 1",
            )?
            .query_row(rusqlite::params![content.0.as_slice(), url], |r| r.get(0))
            .optional()?;
        match id {
            Some(id) => self.article(&super::articles::digest(id)?),
            None => Ok(None),
        }
    }

    /// The claims that read the article version `article` in any of their
    /// revisions (their current text may have moved to a later version),
    /// with the content that revision gave them, in log order; retracted
    /// claims and revisions that removed the text are left out. One
    /// indexed lookup (`revisions_article`).
    pub fn claims_reading(
        &self,
        article: &Digest,
    ) -> Result<Vec<(Digest, ClaimContent)>, StateError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.claim, r.content FROM revisions r JOIN claims c ON c.id = r.claim
             WHERE r.article = ?1 AND r.content IS NOT NULL AND c.retraction IS NULL
             ORDER BY r.seq",
        )?;
        let mut rows = stmt.query([article.0.as_slice()])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let id: Vec<u8> = r.get(0)?;
            let bytes: Vec<u8> = r.get(1)?;
            out.push((super::articles::digest(id)?, content(&bytes)?));
        }
        Ok(out)
    }
}

impl super::ClaimSummary {
    /// The claim's current content, as its latest revision with text
    /// states it (what a revision carries over).
    pub fn content(&self) -> ClaimContent {
        let a = &self.attribution;
        ClaimContent {
            proposition: self.proposition.clone(),
            anchor: self.anchor.clone(),
            attribution: crate::statement::Attribution {
                source: a.source.as_ref().map(|s| s.id),
                cue: a.cue.clone(),
                hedge: a.hedge,
                mode: a.mode,
                quote: a.quote.clone(),
                relayed_by: a.relayed_by.as_ref().map(|s| s.id),
            },
        }
    }
}
