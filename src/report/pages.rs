//! The pages: each gathers what it shows from the ledger (the same
//! queries and views the CLI prints: `State::claims`, `claim_history`,
//! `claim_status`) into a plain context for its template.

use super::{graph, render, Page, ReportError};
use crate::digest::Digest;
use crate::history::{claim_history, word_diff, ClaimField, DiffPart, Event, History, Revision};
use crate::ledger::Ledger;
use crate::state::{AttributionView, ClaimFilter, ClaimSummary, Signer, SourceRef};
use crate::statement::{Hedge, Mode};
use crate::status::{claim_status, ClaimStatus, Judgement, KeyState, Standing, Status};
use crate::time::rfc3339;
use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use minijinja::{context, Value};
use serde::Serialize;
use serde_json::json;

/// The claims index's filter, from a query string: `status`, `article`
/// (an article version or chain id, hex), `source` (hex) and `q` (words).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexQuery {
    pub status: Option<Status>,
    pub article: Option<Digest>,
    pub source: Option<Digest>,
    pub q: Option<String>,
}

impl IndexQuery {
    /// Reads a query string; a parameter that is empty or does not parse
    /// is ignored (the page says which filters it applied).
    pub fn parse(query: &str) -> IndexQuery {
        let mut out = IndexQuery::default();
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            match &*k {
                "status" => out.status = v.parse().ok(),
                "article" => out.article = Digest::from_hex(v).ok(),
                "source" => out.source = Digest::from_hex(v).ok(),
                "q" => out.q = Some(v.to_string()),
                _ => {}
            }
        }
        out
    }

    fn is_empty(&self) -> bool {
        *self == IndexQuery::default()
    }
}

/// The diffs of an article of `n` versions that its page links and the
/// static site writes: each version against the one before it, then each
/// against the first (2n - 3 pages, not the n(n - 1)/2 of every pair). A
/// server renders the diff of any other pair when asked for its route.
pub(super) fn diff_pairs(n: u64) -> Vec<(u64, u64)> {
    let adjacent = (1..n).map(|a| (a, a + 1));
    let from_first = (3..=n).map(|b| (1, b));
    adjacent.chain(from_first).collect()
}

pub struct Pages<'a> {
    ledger: &'a Ledger,
}

fn short(d: &Digest) -> String {
    d.to_hex()[..12].to_string()
}

/// A status in words ("in review").
pub(super) fn status_words(s: Status) -> String {
    s.as_str().replace('_', " ")
}

fn source_words(s: &SourceRef) -> String {
    format!("{} ({})", s.label, s.kind.as_str().replace('_', " "))
}

/// Who the article says says it, in words (as `provledger history` prints it).
fn attribution_words(a: &AttributionView, publisher: &str) -> String {
    let with_cue = |who: String| match a.cue.as_deref() {
        Some(c) if ["according to", "as reported by", "per"].contains(&c) => format!("{c} {who}"),
        Some(c) => format!("{who} {c}"),
        None => who,
    };
    let mut out = match (&a.source, &a.relayed_by) {
        (Some(s), Some(r)) => format!(
            "{}, relayed by {}",
            with_cue(source_words(s)),
            source_words(r)
        ),
        (Some(s), None) => with_cue(source_words(s)),
        (None, Some(r)) => with_cue(source_words(r)),
        (None, None) => format!("the outlet's own assertion ({publisher})"),
    };
    if a.hedge != Hedge::None {
        out.push_str(&format!("; hedged: {}", a.hedge));
    }
    if a.mode == Mode::DirectQuote {
        match &a.quote {
            Some(q) => out.push_str(&format!("; quoting “{q}”")),
            None => out.push_str("; direct quote"),
        }
    }
    out
}

/// `url` as a link target when it is an http(s) URL; other schemes
/// (`javascript:`, `data:`, ...) are shown as text, never linked.
fn href(url: &str) -> Option<&str> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then_some(url)
}

fn signer(s: &Signer) -> serde_json::Value {
    json!({ "key": s.key, "name": s.display_name })
}

/// Each article version's chain (its first version).
type Chains = std::collections::HashMap<Digest, Digest>;

/// A claim as a row of a listing.
fn claim_row(c: &ClaimSummary, chains: &Chains) -> serde_json::Value {
    let source = c
        .attribution
        .source
        .as_ref()
        .or(c.attribution.relayed_by.as_ref());
    let text = format!(
        "{} {} {}",
        c.proposition,
        c.anchor.exact,
        c.attribution.quote.as_deref().unwrap_or("")
    );
    let sources = [&c.attribution.source, &c.attribution.relayed_by]
        .into_iter()
        .flatten()
        .map(|s| s.id.to_hex())
        .collect::<Vec<_>>()
        .join(" ");
    json!({
        "id": c.id.to_hex(),
        "short": short(&c.id),
        "proposition": c.proposition,
        "status": c.status.as_str(),
        "status_words": status_words(c.status),
        "article": c.article.id.to_hex(),
        "chain": chains.get(&c.article.id).map(|d| d.to_hex()),
        "article_title": c.article.title,
        "version": c.article.version,
        "publisher": c.article.publisher,
        "attribution": attribution_words(&c.attribution, &c.article.publisher),
        "source": source.map(|s| s.id.to_hex()),
        "sources": sources,
        "text": text.to_lowercase(),
        "removed": c.removed,
        "retracted": c.retracted,
        "behind": c.behind,
    })
}

/// Why the status is what it is: rule 2 of README "Status", in words.
pub(super) fn deciding_rule(st: &ClaimStatus) -> String {
    let t = &st.tally;
    let q = st.quorum;
    let n = |k: u64, what: &str| {
        format!(
            "{k} counted verdict{} {what}",
            if k == 1 { "" } else { "s" }
        )
    };
    let main = match st.status {
        Status::Retracted => "Retracted: a claim.retract exists, which decides the status whatever the verdicts.".to_string(),
        Status::Disputed => format!(
            "Disputed: counted verdicts on both sides ({} true or mostly true, {} false, mostly false or misleading).",
            t.supporting, t.refuting
        ),
        Status::Verified => format!(
            "Verified: {} (true or mostly true), at least the quorum of {q}, and none refutes it.",
            n(t.supporting, if t.supporting == 1 { "supports it" } else { "support it" })
        ),
        Status::Refuted => format!(
            "Refuted: {} (false, mostly false or misleading), at least the quorum of {q}, and none supports it.",
            n(t.refuting, if t.refuting == 1 { "refutes it" } else { "refute it" })
        ),
        Status::Unverifiable => format!(
            "Unverifiable: {}, at least the quorum of {q}, all unverifiable.",
            n(t.unverifiable, "")
                .trim_end()
        ),
        Status::InReview => format!(
            "In review: some counted verdicts ({} supporting, {} refuting, {} mixed, {} unverifiable), not enough for the quorum of {q} on one side.",
            t.supporting, t.refuting, t.mixed, t.unverifiable
        ),
        Status::Unreviewed => "Unreviewed: no verdict counts.".to_string(),
    };
    let mut not = Vec::new();
    if t.stale > 0 {
        not.push(format!(
            "{} stale (judged other text or attribution)",
            t.stale
        ));
    }
    if t.self_review > 0 {
        not.push(format!(
            "{} self-review (the checker recorded or revised the claim)",
            t.self_review
        ));
    }
    if t.revoked_key > 0 {
        not.push(format!(
            "{} signed by a key revoked as compromised",
            t.revoked_key
        ));
    }
    if !not.is_empty() {
        format!("{main} Not counted: {}.", not.join("; "))
    } else {
        main
    }
}

#[derive(Serialize)]
struct Mark {
    class: &'static str,
    text: String,
}

fn mark(class: &'static str, text: impl Into<String>) -> Mark {
    Mark {
        class,
        text: text.into(),
    }
}

/// The marks of a verdict: its standing and its key's state.
fn verdict_marks(j: &Judgement) -> Vec<Mark> {
    let mut m = vec![match j.standing {
        Standing::Current => mark("current", "counted"),
        Standing::Stale => mark(
            "stale",
            "stale: judged other text or attribution, not counted",
        ),
        Standing::Superseded => mark("superseded", "superseded by a later verdict of its checker"),
        Standing::Withdrawn => mark("withdrawn", "withdrawn"),
        Standing::SelfReview => mark(
            "self-review",
            "self-review: its checker recorded or revised the claim, not counted",
        ),
        Standing::RevokedKey => mark(
            "revoked",
            "revoked: signed by a key revoked as compromised, not counted",
        ),
    }];
    match j.key_state {
        KeyState::Active => {}
        KeyState::Retired => m.push(mark("retired", "key retired since (still counts)")),
        KeyState::Compromised if j.standing != Standing::RevokedKey => {
            m.push(mark("revoked", "key revoked as compromised since"))
        }
        KeyState::Compromised => {}
    }
    m
}

fn verdict_view(j: &Judgement) -> serde_json::Value {
    json!({
        "id": j.id.to_hex(),
        "short": short(&j.id),
        "verdict": j.verdict.to_string(),
        "verdict_words": j.verdict.to_string().replace('_', " "),
        "checker": signer(&j.checker),
        "revision": j.revision_number,
        "standing": serde_json::to_value(j.standing).unwrap_or_default(),
        "marks": verdict_marks(j),
        "evidence": j.evidence.iter().map(|e| json!({
            "url": e.url, "href": href(&e.url), "note": e.note,
        })).collect::<Vec<_>>(),
        "note": j.note,
        "seq": j.seq,
        "at": rfc3339(j.at),
        "withdrawal": j.withdrawal.as_ref().map(|w| json!({
            "reason": w.reason, "at": rfc3339(w.at), "seq": w.seq, "short": short(&w.id)
        })),
    })
}

/// A field of a revision: its name and a diff (all `same` when there is
/// nothing to compare with).
#[derive(Serialize)]
struct FieldView {
    name: &'static str,
    parts: Vec<DiffPart>,
    changed: bool,
}

fn plain(name: &'static str, text: &str) -> FieldView {
    FieldView {
        name,
        parts: vec![DiffPart {
            tag: crate::history::DiffTag::Same,
            text: text.to_string(),
        }],
        changed: false,
    }
}

fn revision_view(h: &History, r: &Revision) -> serde_json::Value {
    let publisher = &r.article.publisher;
    let mut fields = Vec::new();
    let mut marks = Vec::new();
    match (&r.content, h.previous_content(r.number)) {
        (None, _) => marks.push(mark(
            "removed",
            format!(
                "removed: version {} of the article no longer makes this claim",
                r.article.version
            ),
        )),
        (Some(now), None) => {
            fields.push(plain("proposition", &now.proposition));
            fields.push(plain("passage", &now.anchor.exact));
            fields.push(plain(
                "attributed",
                &attribution_words(&now.attribution, publisher),
            ));
        }
        (Some(now), Some(before)) => {
            let field = |name, changed: bool, old: &str, new: &str| FieldView {
                name,
                parts: if changed {
                    word_diff(old, new)
                } else {
                    plain(name, new).parts
                },
                changed,
            };
            let a =
                |c: &crate::history::RevisionContent| attribution_words(&c.attribution, publisher);
            fields.push(field(
                "proposition",
                r.changed.contains(&ClaimField::Proposition),
                &before.proposition,
                &now.proposition,
            ));
            fields.push(field(
                "passage",
                r.changed.contains(&ClaimField::AnchorExact),
                &before.anchor.exact,
                &now.anchor.exact,
            ));
            fields.push(field(
                "attributed",
                r.changed.iter().any(|f| f.is_attribution()),
                &a(before),
                &a(now),
            ));
            if r.changed.is_empty() {
                marks.push(mark(
                    "unchanged",
                    "unchanged: same proposition, passage and attribution",
                ));
            }
        }
    }
    if r.content.is_some() && !r.current {
        marks.push(mark(
            "stale",
            "since changed: verdicts on this revision are stale",
        ));
    }
    json!({
        "kind": "revision",
        "anchor": format!("rev-{}", r.number),
        "number": r.number,
        "title": if r.number == 0 { "Recorded".to_string() } else { format!("Revision {}", r.number) },
        "id": r.id.to_hex(),
        "short": short(&r.id),
        "signer": signer(&r.signer),
        "seq": r.seq,
        "at": rfc3339(r.at),
        "reason": r.reason.map(|x| x.as_str().replace('_', " ")),
        "note": r.note,
        "article": json!({
            "id": r.article.id.to_hex(), "version": r.article.version, "title": r.article.title
        }),
        "fields": fields,
        "marks": marks,
    })
}

fn event_view(h: &History, seq: u64, e: Event<'_>) -> serde_json::Value {
    match e {
        Event::Revision(r) => revision_view(h, r),
        Event::Verdict(j) => {
            let mut v = verdict_view(j);
            v["kind"] = json!("verdict");
            v["title"] = json!(format!(
                "Verdict: {}",
                j.verdict.to_string().replace('_', " ")
            ));
            v["signer"] = signer(&j.checker);
            v
        }
        Event::Withdrawal(j) => {
            let w = j.withdrawal.as_ref().expect("a withdrawal event has one");
            json!({
                "kind": "withdrawal",
                "title": format!("Verdict {} withdrawn", short(&j.id)),
                "signer": signer(&j.checker),
                "seq": seq, "at": rfc3339(w.at), "short": short(&w.id),
                "reason": w.reason, "marks": [mark("withdrawn", "withdrawn")],
            })
        }
        Event::Link(l) => json!({
            "kind": "link",
            "title": format!("Link: {}", l.relation.to_string().replace('_', " ")),
            "signer": signer(&l.signer),
            "seq": seq, "at": rfc3339(l.at), "short": short(&l.id),
            "direction": serde_json::to_value(l.direction).unwrap_or_default(),
            "relation": match l.relation {
                crate::statement::Relation::SameOrigin => "has the same origin as".to_string(),
                r => r.to_string(),
            },
            "other": l.other.to_hex(), "other_proposition": l.other_proposition,
            "note": l.note,
            "marks": if l.withdrawal.is_none() && !l.counts {
                vec![mark("revoked", "not counted: signed by a key revoked as compromised")]
            } else { vec![] },
        }),
        Event::LinkWithdrawal(l) => {
            let w = l
                .withdrawal
                .as_ref()
                .expect("a link withdrawal event has one");
            json!({
                "kind": "link-withdrawal",
                "title": format!("Link {} withdrawn", short(&l.id)),
                "signer": signer(&w.signer),
                "seq": seq, "at": rfc3339(w.at), "short": short(&w.id),
                "reason": w.reason, "marks": [mark("withdrawn", "withdrawn")],
            })
        }
        Event::Retraction(r) => json!({
            "kind": "retraction",
            "title": "Retracted",
            "signer": signer(&r.signer),
            "seq": seq, "at": rfc3339(r.at), "short": short(&r.id),
            "reason": r.reason, "marks": [mark("retracted", "retracted")],
        }),
    }
}

impl<'a> Pages<'a> {
    pub fn new(ledger: &'a Ledger) -> Pages<'a> {
        Pages { ledger }
    }

    /// What every page shows in its header and footer.
    fn common(&self, root: &str, title: &str, nav: &str) -> Result<Value, ReportError> {
        let log = self.ledger.log();
        Ok(context! {
            root => root,
            title => title,
            nav => nav,
            origin => log.origin(),
            size => log.size(),
        })
    }

    fn page(&self, template: &str, common: Value, own: Value) -> Result<Page, ReportError> {
        render(template, context! { ..own, ..common })
    }

    fn filter_lists(&self) -> Result<Value, ReportError> {
        let state = self.ledger.state();
        let articles: Vec<_> = state
            .articles()?
            .iter()
            .map(|a| {
                json!({
                    "chain": a.chain.to_hex(),
                    "title": a.latest().title,
                    "publisher": a.latest().publisher,
                    "versions": a.versions.len(),
                    "claims": a.claims,
                })
            })
            .collect();
        let sources: Vec<_> = state
            .sources()?
            .iter()
            .map(|s| {
                json!({
                    "id": s.id.to_hex(),
                    "label": s.label,
                    "name": s.name,
                    "kind": s.kind.as_str().replace('_', " "),
                    "claims": s.claims,
                })
            })
            .collect();
        let statuses: Vec<_> = Status::ALL
            .iter()
            .map(|s| json!({ "id": s.as_str(), "words": status_words(*s) }))
            .collect();
        Ok(context! { articles => articles, sources => sources, statuses => statuses })
    }

    /// The rows of a listing of `claims`, each with its article's chain
    /// (looked up once per article version).
    fn rows(&self, claims: &[ClaimSummary]) -> Result<Vec<serde_json::Value>, ReportError> {
        let mut chains = Chains::new();
        for c in claims {
            if let std::collections::hash_map::Entry::Vacant(e) = chains.entry(c.article.id) {
                if let Some(a) = self.ledger.state().article(&c.article.id)? {
                    e.insert(a.chain);
                }
            }
        }
        Ok(claims.iter().map(|c| claim_row(c, &chains)).collect())
    }

    pub fn index(&self, q: &IndexQuery) -> Result<Page, ReportError> {
        let state = self.ledger.state();
        let filter = ClaimFilter {
            article: q.article,
            source: q.source,
            status: q.status,
            search: q.q.clone(),
            ..Default::default()
        };
        let claims = self.rows(&state.claims(&filter)?)?;
        let total = if q.is_empty() {
            claims.len()
        } else {
            state.claims(&ClaimFilter::default())?.len()
        };
        let own = context! {
            claims => claims,
            total => total,
            filtered => !q.is_empty(),
            q => context! {
                status => q.status.map(|s| s.as_str()),
                article => q.article.map(|d| d.to_hex()),
                source => q.source.map(|d| d.to_hex()),
                q => q.q,
            },
            lists => self.filter_lists()?,
        };
        self.page("index.html", self.common("", "Claims", "claims")?, own)
    }

    pub fn status(&self, s: Status) -> Result<Page, ReportError> {
        let claims = self.rows(&self.ledger.state().claims(&ClaimFilter {
            status: Some(s),
            ..Default::default()
        })?)?;
        let title = format!("Claims {}", status_words(s));
        let own = context! {
            claims => claims,
            status => s.as_str(),
            status_words => status_words(s),
        };
        self.page("source.html", self.common("../", &title, "claims")?, own)
    }

    pub fn source(&self, id: &Digest) -> Result<Option<Page>, ReportError> {
        let state = self.ledger.state();
        let Some(s) = state.source(id)? else {
            return Ok(None);
        };
        let claims = self.rows(&state.claims(&ClaimFilter {
            source: Some(*id),
            ..Default::default()
        })?)?;
        let title = format!("Source: {}", s.name.as_deref().unwrap_or(&s.label));
        let own = context! {
            claims => claims,
            source => json!({
                "id": s.id.to_hex(), "short": short(&s.id), "label": s.label, "name": s.name,
                "kind": s.kind.as_str().replace('_', " "), "role": s.role,
                "affiliation": s.affiliation, "place": s.place, "on_record": s.on_record,
                "same_as": s.same_as.map(|d| d.to_hex()),
                "vouched": s.identity_commitment.is_some(),
                "recorded": rfc3339(s.at),
            }),
        };
        Ok(Some(self.page(
            "source.html",
            self.common("../", &title, "claims")?,
            own,
        )?))
    }

    pub fn article(&self, chain: &Digest) -> Result<Option<Page>, ReportError> {
        let state = self.ledger.state();
        let Some(a) = state.article_chain(chain)?.filter(|a| a.chain == *chain) else {
            return Ok(None);
        };
        let versions: Vec<_> = a
            .versions
            .iter()
            .map(|v| {
                json!({
                    "id": v.id.to_hex(), "short": short(&v.id), "version": v.version,
                    "title": v.title, "url": v.url, "publisher": v.publisher,
                    "published": v.published_at.map(rfc3339),
                    "retrieved": rfc3339(v.retrieved_at), "length": v.length,
                    "signer": signer(&v.signer), "low_confidence": v.low_confidence(),
                    "captured": v.capture.is_some(),
                })
            })
            .collect();
        let pairs: Vec<_> = diff_pairs(a.versions.len() as u64)
            .into_iter()
            .map(|(x, y)| json!({ "from": x, "to": y }))
            .collect();
        let claims = self.rows(&state.claims(&ClaimFilter {
            article: Some(*chain),
            ..Default::default()
        })?)?;
        let title = format!("Article: {}", a.latest().title);
        let own = context! {
            chain => chain.to_hex(),
            article => json!({
                "title": a.latest().title, "publisher": a.latest().publisher,
                "url": a.latest().url, "href": href(&a.latest().url),
            }),
            versions => versions,
            pairs => pairs,
            claims => claims,
        };
        Ok(Some(self.page(
            "article.html",
            self.common("../", &title, "claims")?,
            own,
        )?))
    }

    pub fn diff(&self, chain: &Digest, from: u64, to: u64) -> Result<Option<Page>, ReportError> {
        let state = self.ledger.state();
        let Some(a) = state.article_chain(chain)?.filter(|a| a.chain == *chain) else {
            return Ok(None);
        };
        let version = |n: u64| a.versions.iter().find(|v| v.version == n);
        let (Some(old), Some(new)) = (version(from), version(to)) else {
            return Ok(None);
        };
        let old_text = self.ledger.article_text(&old.id)?;
        let new_text = self.ledger.article_text(&new.id)?;
        let parts = word_diff(old_text.as_str(), new_text.as_str());
        let count = |tag| {
            parts
                .iter()
                .filter(|p| p.tag == tag)
                .map(|p| p.text.split_whitespace().count())
                .sum::<usize>()
        };
        let v = |x: &crate::state::ArticleInfo| json!({ "version": x.version, "title": x.title, "short": short(&x.id), "retrieved": rfc3339(x.retrieved_at), "url": x.url });
        let title = format!("Diff of versions {from} and {to}: {}", a.latest().title);
        let own = context! {
            chain => chain.to_hex(),
            old => v(old),
            new => v(new),
            title_parts => word_diff(&old.title, &new.title),
            parts => parts,
            removed => count(crate::history::DiffTag::Removed),
            added => count(crate::history::DiffTag::Added),
        };
        Ok(Some(self.page(
            "diff.html",
            self.common("../../", &title, "claims")?,
            own,
        )?))
    }

    pub fn claim(&self, id: &Digest) -> Result<Option<Page>, ReportError> {
        let state = self.ledger.state();
        let Some(h) = claim_history(state, id)? else {
            return Ok(None);
        };
        let Some(st) = claim_status(state, id)? else {
            return Ok(None);
        };
        let timeline: Vec<_> = h
            .timeline()
            .into_iter()
            .map(|(seq, e)| event_view(&h, seq, e))
            .collect();
        let verdicts: Vec<_> = h.verdicts.iter().map(verdict_view).collect();
        let c = &h.claim;
        let title = format!("Claim {}", short(&c.id));
        let sources: Vec<_> = [&c.attribution.source, &c.attribution.relayed_by]
            .into_iter()
            .flatten()
            .map(|s| json!({ "id": s.id.to_hex(), "words": source_words(s) }))
            .collect();
        let own = context! {
            claim => json!({
                "id": c.id.to_hex(), "short": short(&c.id), "proposition": c.proposition,
                "passage": c.anchor.exact, "prefix": c.anchor.prefix, "suffix": c.anchor.suffix,
                "attribution": attribution_words(&c.attribution, &c.article.publisher),
                "article": c.article.id.to_hex(), "version": c.article.version,
                "newest_version": c.newest_version,
                "article_title": c.article.title, "publisher": c.article.publisher,
                "url": c.article.url, "removed": c.removed, "retracted": c.retracted,
                "behind": c.behind, "revisions": c.revisions,
                "sources": sources,
            }),
            chain => state.article(&c.article.id)?.map(|a| a.chain.to_hex()),
            status => st.status.as_str(),
            status_words => status_words(st.status),
            rule => deciding_rule(&st),
            quorum => st.quorum,
            tally => st.tally,
            timeline => timeline,
            verdicts => verdicts,
            graph => Value::from_safe_string(graph::svg(&st)),
            corroboration => graph::groups(&st),
        };
        Ok(Some(self.page(
            "claim.html",
            self.common("../", &title, "claims")?,
            own,
        )?))
    }

    pub fn audit(&self) -> Result<Page, ReportError> {
        let log = self.ledger.log();
        let root = log.root();
        let operator = self.ledger.state().operator_key()?;
        let own = context! {
            checkpoint => String::from_utf8_lossy(log.checkpoint_bytes()).into_owned(),
            root_b64 => BASE64.encode(root.0),
            root_hex => root.to_hex(),
            operator => operator.map(hex::encode),
        };
        self.page("audit.html", self.common("", "Audit", "audit")?, own)
    }
}
