//! W3C PROV-JSON (the W3C member submission
//! <https://www.w3.org/submissions/prov-json/>): the provenance of claims
//! as entities, agents and relations, for provenance tools (Python `prov`
//! reads it with `prov.read(path, format="json")`).
//!
//! - **Entities**: every version of the articles in scope
//!   (`ledger:article-ID`, typed `schema:NewsArticle`), every revision of
//!   each claim (`ledger:revision-ID`, typed `provledger:ClaimRevision`,
//!   its proposition as `prov:value`), what a source said when a revision
//!   quotes it directly (`ledger:said-…`, `provledger:SourceStatement`),
//!   and every verdict (`ledger:verdict-ID`, `provledger:Verdict`, with its
//!   standing: a stale or withdrawn verdict is in the record, marked, and
//!   `provledger:counts` false).
//! - **Agents**: the sources (`ledger:source-ID`, `prov:Person` for people,
//!   else `prov:Organization`), the checkers (`ledger:key-PUBKEY`,
//!   `prov:Person`) and the outlets (`ledger:outlet-…`,
//!   `prov:Organization`).
//! - **Relations**: a claim revision `wasDerivedFrom` the article version
//!   it reads and is `wasAttributedTo` its source (the outlet for its own
//!   assertions; a relaying source with `prov:role`
//!   `provledger:relayedBy`); a direct quote is a `wasDerivedFrom` typed
//!   `prov:Quotation` from the source's statement, itself attributed to the
//!   source; each revision and each article version is a revision
//!   (`wasDerivedFrom` typed `prov:Revision`, PROV-JSON's form of
//!   `wasRevisionOf`) of the one before; a verdict is `wasAttributedTo` its
//!   checker and `wasDerivedFrom` the exact revision it judged; an article
//!   version is `wasAttributedTo` its outlet.
//!
//! Identifiers are qualified names in the namespace `ledger` =
//! `BASE/id/` (BASE the `--base-url`); relations are anonymous (`_:rN`).

use super::claimreview::is_people;
use super::{ExportError, Publication};
use crate::digest::Digest;
use crate::history::History;
use crate::ledger::Ledger;
use crate::state::{ArticleInfo, SourceRef};
use crate::statement::Mode;
use crate::time::rfc3339;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// The namespace of the project's own PROV terms.
pub const VOCABULARY: &str = "https://provledger.example/ns#";

/// A PROV-JSON document being built.
#[derive(Default)]
struct Doc {
    entity: Map<String, Value>,
    agent: Map<String, Value>,
    was_derived_from: Map<String, Value>,
    was_attributed_to: Map<String, Value>,
    relations: u64,
}

impl Doc {
    fn relation_id(&mut self) -> String {
        self.relations += 1;
        format!("_:r{}", self.relations)
    }

    fn derived(&mut self, generated: &str, used: &str, kind: Option<&str>) {
        let mut r = json!({"prov:generatedEntity": generated, "prov:usedEntity": used});
        if let Some(k) = kind {
            r["prov:type"] = qname(k);
        }
        let id = self.relation_id();
        self.was_derived_from.insert(id, r);
    }

    fn attributed(&mut self, entity: &str, agent: &str, role: Option<&str>) {
        let mut r = json!({"prov:entity": entity, "prov:agent": agent});
        if let Some(role) = role {
            r["prov:role"] = qname(role);
        }
        let id = self.relation_id();
        self.was_attributed_to.insert(id, r);
    }
}

fn qname(name: &str) -> Value {
    json!({"$": name, "type": "prov:QUALIFIED_NAME"})
}

fn datetime(secs: u64) -> Value {
    json!({"$": rfc3339(secs), "type": "xsd:dateTime"})
}

fn outlet_id(publisher: &str) -> String {
    format!(
        "ledger:outlet-{}",
        &Digest::of(publisher.as_bytes()).to_hex()[..16]
    )
}

fn article_id(id: &Digest) -> String {
    format!("ledger:article-{}", id.to_hex())
}

fn revision_id(id: &Digest) -> String {
    format!("ledger:revision-{}", id.to_hex())
}

fn source_id(id: &Digest) -> String {
    format!("ledger:source-{}", id.to_hex())
}

/// The PROV-JSON document of `histories` (see the module documentation).
pub fn document(
    ledger: &Ledger,
    histories: &[History],
    publication: &Publication,
) -> Result<Value, ExportError> {
    let mut doc = Doc::default();
    let mut chains: BTreeSet<Digest> = BTreeSet::new();
    for h in histories {
        for r in &h.revisions {
            chains.insert(r.article.id);
        }
    }
    // Every version of every article a revision reads, chain by chain.
    let mut seen_chain: BTreeSet<Digest> = BTreeSet::new();
    for id in &chains {
        let chain = ledger
            .state()
            .article_chain(id)?
            .ok_or_else(|| ExportError::NotFound(format!("no article has id {id}")))?;
        if !seen_chain.insert(chain.chain) {
            continue;
        }
        let mut previous: Option<&ArticleInfo> = None;
        for v in &chain.versions {
            add_article(&mut doc, v);
            if let Some(p) = previous {
                doc.derived(
                    &article_id(&v.id),
                    &article_id(&p.id),
                    Some("prov:Revision"),
                );
            }
            previous = Some(v);
        }
    }
    for h in histories {
        add_claim(&mut doc, h);
    }
    let mut out = Map::new();
    out.insert(
        "prefix".into(),
        json!({
            "ledger": format!("{}/id/", publication.base_url),
            "provledger": VOCABULARY,
            "schema": "https://schema.org/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        }),
    );
    out.insert("entity".into(), Value::Object(doc.entity));
    out.insert("agent".into(), Value::Object(doc.agent));
    out.insert("wasDerivedFrom".into(), Value::Object(doc.was_derived_from));
    out.insert(
        "wasAttributedTo".into(),
        Value::Object(doc.was_attributed_to),
    );
    Ok(Value::Object(out))
}

fn add_article(doc: &mut Doc, v: &ArticleInfo) {
    let mut e = json!({
        "prov:type": qname("schema:NewsArticle"),
        "prov:label": v.title,
        "schema:url": v.url,
        "provledger:version": v.version,
        "provledger:content": v.content.to_hex(),
        "provledger:retrievedAt": datetime(v.retrieved_at),
    });
    if let Some(at) = v.published_at {
        e["schema:datePublished"] = datetime(at);
    }
    doc.entity.insert(article_id(&v.id), e);
    let outlet = outlet_id(&v.publisher);
    doc.agent.insert(
        outlet.clone(),
        json!({"prov:type": qname("prov:Organization"), "prov:label": v.publisher}),
    );
    doc.attributed(&article_id(&v.id), &outlet, None);
}

fn add_source(doc: &mut Doc, s: &SourceRef) -> String {
    let id = source_id(&s.id);
    let mut a = json!({
        "prov:type": qname(if is_people(s.kind) { "prov:Person" } else { "prov:Organization" }),
        "prov:label": s.label,
        "provledger:kind": s.kind.as_str(),
    });
    if let Some(name) = &s.name {
        a["provledger:name"] = json!(name);
    }
    doc.agent.insert(id.clone(), a);
    id
}

fn add_claim(doc: &mut Doc, h: &History) {
    let claim = h.claim.id.to_hex();
    let mut previous: Option<String> = None;
    for r in &h.revisions {
        let id = revision_id(&r.id);
        let mut e = json!({
            "prov:type": qname("provledger:ClaimRevision"),
            "prov:label": format!("claim {} revision {}", &claim[..12], r.number),
            "provledger:claim": claim,
            "provledger:number": r.number,
            "provledger:kind": r.kind.as_str(),
            "provledger:recordedAt": datetime(r.at),
            "provledger:removed": r.removed,
            "provledger:current": r.current,
        });
        if let Some(reason) = r.reason {
            e["provledger:reason"] = json!(reason.as_str());
        }
        if let Some(c) = &r.content {
            e["prov:value"] = json!(c.proposition);
            e["provledger:anchoredText"] = json!(c.anchor.exact);
            e["provledger:hedge"] = json!(c.attribution.hedge.as_str());
            e["provledger:mode"] = json!(c.attribution.mode.as_str());
            if let Some(cue) = &c.attribution.cue {
                e["provledger:cue"] = json!(cue);
            }
        }
        doc.entity.insert(id.clone(), e);
        doc.derived(&id, &article_id(&r.article.id), None);
        if let Some(p) = &previous {
            doc.derived(&id, p, Some("prov:Revision"));
        }
        previous = Some(id.clone());
        let Some(c) = &r.content else { continue };
        let a = &c.attribution;
        match &a.source {
            Some(s) => {
                let agent = add_source(doc, s);
                doc.attributed(&id, &agent, None);
                if a.mode == Mode::DirectQuote {
                    let words = a.quote.as_deref().unwrap_or(&c.anchor.exact);
                    let said = said_id(&s.id, words);
                    doc.entity.insert(
                        said.clone(),
                        json!({
                            "prov:type": qname("provledger:SourceStatement"),
                            "prov:value": words,
                        }),
                    );
                    doc.attributed(&said, &agent, None);
                    doc.derived(&id, &said, Some("prov:Quotation"));
                }
            }
            None => {
                let outlet = outlet_id(&r.article.publisher);
                doc.attributed(&id, &outlet, None);
            }
        }
        if let Some(relay) = &a.relayed_by {
            let agent = add_source(doc, relay);
            doc.attributed(&id, &agent, Some("provledger:relayedBy"));
        }
    }
    for j in &h.verdicts {
        let id = format!("ledger:verdict-{}", j.id.to_hex());
        let mut e = json!({
            "prov:type": qname("provledger:Verdict"),
            "prov:label": j.verdict.label(),
            "provledger:verdict": j.verdict.as_str(),
            "provledger:standing": standing(j.standing),
            "provledger:counts": j.standing == crate::status::Standing::Current,
            "provledger:signedAt": datetime(j.at),
            "provledger:withdrawn": j.withdrawal.is_some(),
        });
        if let Some(r) = j.rating {
            e["provledger:rating"] = json!(r);
        }
        if let Some(note) = &j.note {
            e["provledger:note"] = json!(note);
        }
        doc.entity.insert(id.clone(), e);
        let checker = format!("ledger:key-{}", j.checker.pubkey);
        doc.agent.insert(
            checker.clone(),
            json!({
                "prov:type": qname("prov:Person"),
                "prov:label": j.checker.display_name,
                "provledger:key": j.checker.key,
            }),
        );
        doc.attributed(&id, &checker, None);
        doc.derived(&id, &revision_id(&j.revision), None);
    }
}

/// One entity for what a source said in these words, however many
/// revisions quote it.
fn said_id(source: &Digest, words: &str) -> String {
    let mut bytes = source.0.to_vec();
    bytes.extend_from_slice(words.as_bytes());
    format!("ledger:said-{}", &Digest::of(&bytes).to_hex()[..32])
}

fn standing(s: crate::status::Standing) -> &'static str {
    use crate::status::Standing as S;
    match s {
        S::Current => "current",
        S::Stale => "stale",
        S::RevokedKey => "revoked_key",
        S::SelfReview => "self_review",
        S::Superseded => "superseded",
        S::Withdrawn => "withdrawn",
    }
}
