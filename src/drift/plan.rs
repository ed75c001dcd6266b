//! Claim drift on a ledger: the claims of one article version classified
//! against a newer version of the same article, and the `claim.revise`
//! statements of the classes that apply ([`DriftPlan::revisions`]).

use super::{ClaimDrift, Drift, DriftClaim, DriftClass, KnownSource, NewVersion};
use crate::digest::Digest;
use crate::ledger::{Ledger, LedgerError};
use crate::state::{short, ClaimFilter, ClaimSummary};
use crate::statement::{Body, Change, ChangeReason, ClaimRevise, ContentChanges};
use serde::Serialize;

/// Why drift cannot be computed; nothing is written.
#[derive(Debug, thiserror::Error)]
pub enum DriftError {
    /// The article has one version: nothing to drift to.
    #[error("article {article} has only one version: there is no newer version to re-anchor its claims in")]
    OneVersion {
        /// The article version (short id).
        article: String,
    },
    /// The version named is the newest of its article.
    #[error("article {article} is version {version}, the newest of its article: there is no newer version to re-anchor its claims in")]
    Newest {
        /// The article version (short id).
        article: String,
        /// Its number.
        version: u64,
    },
    /// The target version is not newer than the one the claims read.
    #[error("the target {to} is version {to_version}, not newer than version {from_version} ({from}) whose claims would be re-anchored")]
    NotNewer {
        /// The version whose claims are re-anchored (short id).
        from: String,
        /// Its number.
        from_version: u64,
        /// The target version (short id).
        to: String,
        /// Its number.
        to_version: u64,
    },
    /// The target version belongs to another article.
    #[error("the target {to} is not a version of the article of {from}")]
    OtherArticle {
        /// The version whose claims are re-anchored (short id).
        from: String,
        /// The target (short id).
        to: String,
    },
    /// The ledger failed, or an id is not in it.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl From<crate::state::StateError> for DriftError {
    fn from(e: crate::state::StateError) -> Self {
        DriftError::Ledger(e.into())
    }
}

/// A version as the drift report names it.
#[derive(Clone, Debug, Serialize)]
pub struct VersionRef {
    /// The `article.record` id.
    pub id: Digest,
    /// Its number in the chain (1 for the first).
    pub version: u64,
    /// Its text extraction is doubtful: no claim is dropped on its strength.
    pub low_confidence: bool,
}

/// The drift of an article version's claims to a newer version.
#[derive(Clone, Debug, Serialize)]
pub struct DriftPlan {
    /// The version the claims read.
    pub from: VersionRef,
    /// The newer version they were re-anchored in.
    pub to: VersionRef,
    /// How many claims of each class (every class, zeros included).
    pub counts: std::collections::BTreeMap<DriftClass, usize>,
    /// Each claim, in the order the ledger lists them.
    pub claims: Vec<ClaimDrift>,
    #[serde(skip)]
    current: Vec<ClaimSummary>,
}

/// Classifies every claim whose current revision reads article version
/// `from` (not removed, not retracted) against the newer version `to`
/// (default: the newest of the article).
pub fn plan(ledger: &Ledger, from: &Digest, to: Option<&Digest>) -> Result<DriftPlan, DriftError> {
    let state = ledger.state();
    let from = state.article(from)?.ok_or_else(|| {
        LedgerError::NotFound(format!("article {} is not in the index", short(from)))
    })?;
    let chain = state
        .article_chain(&from.id)?
        .ok_or_else(|| LedgerError::NotFound("the article's chain is not in the index".into()))?;
    let to = match to {
        Some(t) => {
            let t = state.article(t)?.ok_or_else(|| {
                LedgerError::NotFound(format!("article {} is not in the index", short(t)))
            })?;
            if t.chain != from.chain {
                return Err(DriftError::OtherArticle {
                    from: short(&from.id),
                    to: short(&t.id),
                });
            }
            if t.version <= from.version {
                return Err(DriftError::NotNewer {
                    from: short(&from.id),
                    from_version: from.version,
                    to: short(&t.id),
                    to_version: t.version,
                });
            }
            t
        }
        None if chain.versions.len() == 1 => {
            return Err(DriftError::OneVersion {
                article: short(&from.id),
            })
        }
        None if chain.latest().id == from.id => {
            return Err(DriftError::Newest {
                article: short(&from.id),
                version: from.version,
            })
        }
        None => chain.latest().clone(),
    };
    let current: Vec<ClaimSummary> = state
        .claims(&ClaimFilter {
            article: Some(from.id),
            ..ClaimFilter::default()
        })?
        .into_iter()
        .filter(|c| c.article.id == from.id && !c.removed && !c.retracted)
        .collect();
    let sources: Vec<KnownSource> = state
        .sources()?
        .into_iter()
        .map(|s| KnownSource {
            id: s.id.to_hex(),
            label: s.label,
        })
        .collect();
    let old_text = ledger.article_text(&from.id)?;
    let new_text = ledger.article_text(&to.id)?;
    let new = NewVersion {
        text: new_text.as_str(),
        low_confidence: to.low_confidence(),
    };
    let drift = Drift::new(old_text.as_str(), new, sources);
    let inputs: Vec<DriftClaim> = current
        .iter()
        .map(|c| DriftClaim {
            id: c.id.to_hex(),
            anchor: c.anchor.clone(),
            source_label: c.attribution.source.as_ref().map(|s| s.label.clone()),
            cue: c.attribution.cue.clone(),
            quote: c.attribution.quote.clone(),
        })
        .collect();
    let claims: Vec<ClaimDrift> = drift.classify_all(&inputs);
    let counts = DriftClass::ALL
        .into_iter()
        .map(|k| (k, claims.iter().filter(|c| c.class == k).count()))
        .collect();
    Ok(DriftPlan {
        from: VersionRef {
            id: from.id,
            version: from.version,
            low_confidence: from.low_confidence(),
        },
        to: VersionRef {
            id: to.id,
            version: to.version,
            low_confidence: new.low_confidence,
        },
        counts,
        claims,
        current,
    })
}

impl DriftPlan {
    /// The `claim.revise` of every claim whose class applies (unchanged,
    /// moved, edited: the passage re-anchored in the new version, every
    /// other field carried over, the quoted words as the new text has them;
    /// dropped: removed), for reason `article_updated`, in claim order.
    /// Needs-review, ambiguous and re-attributed claims have none.
    pub fn revisions(&self) -> Vec<Body> {
        self.claims
            .iter()
            .zip(&self.current)
            .filter(|(d, _)| d.class.applies())
            .filter_map(|(d, c)| {
                let change = match (&d.class, &d.new) {
                    (DriftClass::Dropped, _) => Change::Removed,
                    (_, Some(anchor)) => {
                        let quote = match (&d.new_quote, &c.attribution.quote) {
                            (Some(new), Some(old)) if new != old => Some(Some(new.clone())),
                            _ => None,
                        };
                        Change::Content(c.content().revised(
                            anchor.clone(),
                            ContentChanges {
                                quote,
                                ..ContentChanges::default()
                            },
                        ))
                    }
                    (_, None) => return None,
                };
                let note = match d.edit_ratio {
                    Some(r) if r > 0.0 => format!("claim drift: {} (edit ratio {r:.2})", d.class),
                    _ => format!("claim drift: {}", d.class),
                };
                Some(Body::ClaimRevise(ClaimRevise {
                    claim: c.id,
                    article: self.to.id,
                    change,
                    reason: ChangeReason::ArticleUpdated,
                    note: Some(note),
                }))
            })
            .collect()
    }

    /// The claims listed for the editor: needs review, ambiguous,
    /// re-attributed.
    pub fn for_review(&self) -> impl Iterator<Item = &ClaimDrift> {
        self.claims.iter().filter(|c| !c.class.applies())
    }
}
