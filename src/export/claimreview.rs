//! schema.org ClaimReview JSON-LD, with what Google's Fact Check tools
//! require and recommend (schemas/claimreview.schema.json).
//!
//! The export is a JSON array of ClaimReview objects, each with its own
//! `@context`, as a page embeds them in one
//! `<script type="application/ld+json">`:
//!
//! - one **verdict review** per verdict that counts now (standing
//!   `current`, README "Status" rule 1), authored by its checker (a
//!   `Person` who `worksFor` the publishing organisation). A verdict that
//!   does not count — stale (the claim's text or attribution changed since),
//!   superseded by its checker's later verdict, withdrawn, signed by a key
//!   compromised at the time, or a self-review — is left out: it is never
//!   published as a current review. A retracted claim has no review.
//! - one **status review** per claim whose status is a finding (`verified`,
//!   `refuted`, `disputed`, `unverifiable`), authored by the organisation,
//!   dated by the latest verdict that counts. `in_review` and `unreviewed`
//!   claims have none.
//!
//! `reviewRating` puts verdicts on the 1–5 scale of
//! [`Verdict::rating`](crate::statement::Verdict::rating) (`bestRating` 5,
//! `worstRating` 1), with the verdict as `alternateName`; `unverifiable`
//! has no place on the scale, so no `ratingValue`. `itemReviewed` is the
//! `Claim` as the article prints it: its `author` the source as printed
//! (a `Person` for a person or a group of people, else an
//! `Organization`; the outlet for its own assertions), `appearance` the
//! article version its last revision with text reads (for a claim the
//! article dropped, the last version that made it), `firstAppearance` the
//! version it was first recorded in.

use super::{ExportError, Publication};
use crate::history::History;
use crate::ledger::Ledger;
use crate::state::{ArticleRef, AttributionView, SourceRef};
use crate::statement::SourceKind;
use crate::status::{Judgement, Standing, Status};
use crate::time::rfc3339;
use serde_json::{json, Map, Value};

/// The longest `claimReviewed` written, in characters: Google asks for a
/// short summary of the claim; a longer proposition is cut at a word and
/// ends with "…".
pub const CLAIM_REVIEWED_MAX: usize = 280;

/// The best and worst `ratingValue`.
pub const BEST_RATING: u8 = 5;
/// The worst `ratingValue`.
pub const WORST_RATING: u8 = 1;

/// The ClaimReviews of `histories` (see the module documentation).
pub fn reviews(
    ledger: &Ledger,
    histories: &[History],
    publication: &Publication,
) -> Result<Vec<Value>, ExportError> {
    let mut out = Vec::new();
    for h in histories {
        if h.claim.retracted {
            continue;
        }
        let item = claim_item(ledger, h)?;
        let counted: Vec<&Judgement> = h
            .verdicts
            .iter()
            .filter(|j| j.standing == Standing::Current && j.withdrawal.is_none())
            .collect();
        for j in &counted {
            out.push(verdict_review(h, j, &item, publication));
        }
        if let Some(review) = status_review(h, &counted, &item, publication) {
            out.push(review);
        }
    }
    Ok(out)
}

fn organization(publication: &Publication) -> Value {
    json!({
        "@type": "Organization",
        "name": publication.organization,
        "url": publication.base_url,
    })
}

fn short(text: &str) -> String {
    if text.chars().count() <= CLAIM_REVIEWED_MAX {
        return text.to_string();
    }
    let cut: String = text.chars().take(CLAIM_REVIEWED_MAX - 1).collect();
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(i) if i > CLAIM_REVIEWED_MAX / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", at_word.trim_end())
}

fn base(h: &History, anchor: &str, item: &Value, publication: &Publication) -> Map<String, Value> {
    let page = publication.claim_page(&h.claim.id);
    let mut m = Map::new();
    m.insert("@context".into(), json!("https://schema.org"));
    m.insert("@type".into(), json!("ClaimReview"));
    m.insert("@id".into(), json!(format!("{page}#{anchor}")));
    m.insert("url".into(), json!(page));
    m.insert("claimReviewed".into(), json!(short(&h.claim.proposition)));
    m.insert("itemReviewed".into(), item.clone());
    m.insert("publisher".into(), organization(publication));
    m
}

fn verdict_review(h: &History, j: &Judgement, item: &Value, publication: &Publication) -> Value {
    let mut m = base(h, &format!("verdict-{}", j.id.to_hex()), item, publication);
    m.insert("identifier".into(), json!(j.id.to_hex()));
    m.insert("datePublished".into(), json!(rfc3339(j.at)));
    m.insert(
        "author".into(),
        json!({
            "@type": "Person",
            "name": j.checker.display_name,
            "identifier": j.checker.key,
            "worksFor": organization(publication),
        }),
    );
    m.insert(
        "reviewRating".into(),
        rating(j.verdict.label(), j.verdict.rating()),
    );
    if let Some(note) = &j.note {
        m.insert("reviewBody".into(), json!(note));
    }
    if !j.evidence.is_empty() {
        let cites: Vec<Value> = j
            .evidence
            .iter()
            .map(|e| {
                let mut c = json!({"@type": "CreativeWork", "url": e.url});
                if let Some(note) = &e.note {
                    c["description"] = json!(note);
                }
                if let Some(sha) = &e.sha256 {
                    c["identifier"] = json!(format!("sha256:{}", sha.to_hex()));
                }
                c
            })
            .collect();
        m.insert("citation".into(), json!(cites));
    }
    Value::Object(m)
}

/// The rating of a claim's status, or `None` when the status is no finding.
pub fn status_rating(status: Status) -> Option<(&'static str, Option<u8>)> {
    match status {
        Status::Verified => Some(("Verified", Some(5))),
        Status::Disputed => Some(("Disputed", Some(3))),
        Status::Refuted => Some(("Refuted", Some(1))),
        Status::Unverifiable => Some(("Unverifiable", None)),
        Status::InReview | Status::Unreviewed | Status::Retracted => None,
    }
}

fn status_review(
    h: &History,
    counted: &[&Judgement],
    item: &Value,
    publication: &Publication,
) -> Option<Value> {
    let (label, value) = status_rating(h.status)?;
    let latest = counted.iter().map(|j| j.at).max()?;
    let mut m = base(h, "status", item, publication);
    m.insert(
        "identifier".into(),
        json!(format!("status-{}", h.claim.id.to_hex())),
    );
    m.insert("datePublished".into(), json!(rfc3339(latest)));
    m.insert("author".into(), organization(publication));
    m.insert("reviewRating".into(), rating(label, value));
    m.insert(
        "reviewBody".into(),
        json!(format!(
            "Status {} from {} verdict{} that count{}.",
            h.status.as_str(),
            counted.len(),
            if counted.len() == 1 { "" } else { "s" },
            if counted.len() == 1 { "s" } else { "" },
        )),
    );
    Some(Value::Object(m))
}

fn rating(label: &str, value: Option<u8>) -> Value {
    let mut r = json!({"@type": "Rating", "alternateName": label, "name": label});
    if let Some(v) = value {
        r["ratingValue"] = json!(v);
        r["bestRating"] = json!(BEST_RATING);
        r["worstRating"] = json!(WORST_RATING);
    }
    r
}

/// The claim as the article prints it: `itemReviewed`.
fn claim_item(ledger: &Ledger, h: &History) -> Result<Value, ExportError> {
    let first = h
        .revisions
        .first()
        .map(|r| r.article.clone())
        .unwrap_or_else(|| h.claim.article.clone());
    // The attribution of the claim as it stands (of its last revision
    // with text, for a claim the article dropped).
    let attribution = &h.claim.attribution;
    let author = claim_author(attribution, &h.claim.article);
    let mut m = Map::new();
    m.insert("@type".into(), json!("Claim"));
    m.insert("author".into(), author);
    if let Some(info) = ledger.state().article(&first.id)? {
        if let Some(at) = info.published_at {
            m.insert("datePublished".into(), json!(rfc3339(at)));
        }
    }
    // Where the claim appears: the version its last revision with text
    // reads (a revision that records the claim's removal reads a version
    // without it).
    let shown = h
        .revisions
        .iter()
        .rev()
        .find(|r| r.content.is_some())
        .map_or(&h.claim.article, |r| &r.article);
    m.insert(
        "appearance".into(),
        json!([appearance(shown, &h.claim.anchor.exact)]),
    );
    m.insert("firstAppearance".into(), appearance(&first, ""));
    Ok(Value::Object(m))
}

fn appearance(article: &ArticleRef, quote: &str) -> Value {
    let mut a = json!({
        "@type": "CreativeWork",
        "url": article.url,
        "headline": article.title,
        "version": article.version,
        "publisher": {"@type": "Organization", "name": article.publisher},
    });
    if !quote.is_empty() {
        a["text"] = json!(quote);
    }
    a
}

fn claim_author(attribution: &AttributionView, article: &ArticleRef) -> Value {
    match &attribution.source {
        Some(source) => source_agent(source),
        None => json!({"@type": "Organization", "name": article.publisher}),
    }
}

/// A source as printed, as a schema.org Person or Organization.
fn source_agent(source: &SourceRef) -> Value {
    let kind = if is_people(source.kind) {
        "Person"
    } else {
        "Organization"
    };
    let mut a = json!({"@type": kind, "name": source.label});
    if let Some(name) = &source.name {
        if name != &source.label {
            a["alternateName"] = json!(name);
        }
    }
    a
}

/// Whether a source of `kind` is people (a person, or a group of people)
/// rather than an organisation, a document or a report.
pub(crate) fn is_people(kind: SourceKind) -> bool {
    matches!(
        kind,
        SourceKind::NamedPerson | SourceKind::AnonymousPerson | SourceKind::AnonymousGroup
    )
}

#[cfg(test)]
mod tests {
    use super::{short, CLAIM_REVIEWED_MAX};

    #[test]
    fn a_long_proposition_is_cut_at_a_word_with_an_ellipsis() {
        assert_eq!(short("A short claim."), "A short claim.");
        let long = "word ".repeat(100);
        let cut = short(&long);
        assert!(cut.chars().count() <= CLAIM_REVIEWED_MAX, "{cut}");
        assert!(cut.ends_with("word…"), "{cut}");
        // One long word is cut inside it, never past the limit.
        let one = "x".repeat(1000);
        assert_eq!(short(&one).chars().count(), CLAIM_REVIEWED_MAX);
    }
}
