//! A claim's corroboration as a graph (inline SVG, readable without
//! JavaScript): the claim on the left with its own origin, and on the right
//! one box per origin group (rule 3 of `crate::status`) with each of its
//! origins, joined to the claim by an edge that says `corroborates` or
//! `contradicts`. Each origin is drawn once: an origin that a second group
//! names again (a source on both sides) is referred to, not redrawn.
//!
//! The SVG is built here with its own escaping (it is inserted into the
//! page unescaped); [`groups`] gives the same groups as data for the text
//! list beside it.

use crate::status::{ClaimStatus, Origin, OriginGroup};
use serde_json::json;
use std::collections::HashSet;
use std::fmt::Write as _;

/// Text for XML content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` cut to `max` characters with an ellipsis.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let head: String = s.chars().take(max - 1).collect();
        format!("{head}…")
    }
}

/// The key that tells origins apart: the source's id, or the outlet's name.
pub(super) fn origin_key(o: &Origin) -> String {
    match (&o.source, &o.outlet) {
        (Some(s), _) => s.id.to_hex(),
        (None, o) => format!(
            "outlet:{}",
            o.as_deref().unwrap_or("").trim().to_lowercase()
        ),
    }
}

fn origin_words(o: &Origin) -> String {
    let mut s = o.label();
    if o.anonymous {
        s.push_str(" (anonymous)");
    }
    s
}

fn group_words(g: &OriginGroup) -> &'static str {
    match (g.independent, g.counted) {
        (false, _) => "same origin as this claim: not independent",
        (true, true) => "independent origin: counted",
        (true, false) => "independent origin: not counted (every claim retracted)",
    }
}

const WIDTH: u32 = 760;
const CLAIM_W: u32 = 250;
const GROUP_X: u32 = 380;
const GROUP_W: u32 = 370;
const LINE: u32 = 18;

/// The corroboration graph of `st` as an `<svg>` element.
pub fn svg(st: &ClaimStatus) -> String {
    let c = &st.corroboration;
    let sides = [
        ("corroborates", &c.corroborating),
        ("contradicts", &c.contradicting),
    ];
    // Lay out the group boxes first: their heights decide the canvas.
    let mut boxes = Vec::new();
    let mut y = 10;
    for (relation, side) in sides {
        for g in &side.groups {
            let h = 2 * LINE + 10 + LINE * g.origins.len() as u32;
            boxes.push((relation, g, y, h));
            y += h + 14;
        }
    }
    let height = y.max(120) + 10;
    let claim_h = 96;
    let claim_y = (height - claim_h) / 2;
    let n_groups = boxes.len();
    let summary = format!(
        "{} corroborating and {} contradicting independent origin{}; {} group{} of linked claims in all.",
        c.corroborating.independent_origins,
        c.contradicting.independent_origins,
        if c.contradicting.independent_origins == 1 { "" } else { "s" },
        n_groups,
        if n_groups == 1 { "" } else { "s" },
    );
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-labelledby="graph-title graph-desc"><title id="graph-title">Corroboration of this claim by origin</title><desc id="graph-desc">{}</desc>"#,
        esc(&summary)
    );
    // The claim.
    let _ = write!(
        s,
        r#"<g class="claim-node"><rect x="10" y="{claim_y}" width="{CLAIM_W}" height="{claim_h}" rx="6"/><text x="22" y="{}" class="node-title">This claim</text><text x="22" y="{}">{}</text><text x="22" y="{}" class="own-origin" data-origin="{}">origin: {}</text></g>"#,
        claim_y + 24,
        claim_y + 46,
        esc(&clip(&st.claim.proposition, 36)),
        claim_y + 70,
        esc(&origin_key(&c.origin)),
        esc(&clip(&origin_words(&c.origin), 30)),
    );
    if boxes.is_empty() {
        let _ = write!(
            s,
            r#"<text x="{GROUP_X}" y="{}" class="empty">No claim corroborates or contradicts this one.</text>"#,
            claim_y + claim_h / 2
        );
    }
    let mut drawn: HashSet<String> = HashSet::new();
    for (i, (relation, g, y, h)) in boxes.iter().enumerate() {
        let (y, h) = (*y, *h);
        let cls = format!(
            "group {relation}{}{}",
            if g.independent {
                " independent"
            } else {
                " same-origin"
            },
            if g.counted { " counted" } else { "" }
        );
        let (x1, y1) = (10 + CLAIM_W, claim_y + claim_h / 2);
        let (x2, y2) = (GROUP_X, y + h / 2);
        let _ = write!(
            s,
            r#"<g class="{cls}"><line class="edge {relation}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/><text class="edge-label {relation}" x="{}" y="{}" text-anchor="end">{relation}</text>"#,
            x2 - 8,
            y2 - 6
        );
        let _ = write!(
            s,
            r#"<rect x="{GROUP_X}" y="{y}" width="{GROUP_W}" height="{h}" rx="6"/><text x="{}" y="{}" class="node-title">Group {}: {}</text>"#,
            GROUP_X + 12,
            y + LINE + 2,
            i + 1,
            esc(group_words(g))
        );
        for (k, o) in g.origins.iter().enumerate() {
            let key = origin_key(o);
            let ty = y + LINE * (k as u32 + 2) + 2;
            let words = clip(&origin_words(o), 48);
            if drawn.insert(key.clone()) {
                let _ = write!(
                    s,
                    r#"<text x="{}" y="{ty}" class="origin" data-origin="{}"><title>{}</title>● {}</text>"#,
                    GROUP_X + 20,
                    esc(&key),
                    esc(&origin_words(o)),
                    esc(&words)
                );
            } else {
                let _ = write!(
                    s,
                    r#"<text x="{}" y="{ty}" class="origin-ref" data-origin="{}">↑ {} (shown above)</text>"#,
                    GROUP_X + 20,
                    esc(&key),
                    esc(&words)
                );
            }
        }
        let n = g.claims.len();
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" class="claims-count">{n} linked claim{}</text></g>"#,
            GROUP_X + 12,
            y + h - 8,
            if n == 1 { "" } else { "s" }
        );
    }
    s.push_str("</svg>");
    s
}

/// The groups of both sides as data for the page's text list.
pub fn groups(st: &ClaimStatus) -> serde_json::Value {
    let c = &st.corroboration;
    let side = |name: &str, s: &crate::status::Side| {
        json!({
            "name": name,
            "independent_origins": s.independent_origins,
            "named": s.named,
            "anonymous": s.anonymous,
            "groups": s.groups.iter().map(|g| json!({
                "words": group_words(g),
                "counted": g.counted,
                "independent": g.independent,
                "origins": g.origins.iter().map(origin_words).collect::<Vec<_>>(),
                "claims": g.claims.iter().map(|l| json!({
                    "id": l.claim.to_hex(),
                    "short": l.claim.to_hex()[..12].to_string(),
                    "proposition": l.proposition,
                    "publisher": l.publisher,
                    "retracted": l.retracted,
                    "removed": l.removed,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    };
    json!({
        "origin": origin_words(&c.origin),
        "sides": [side("Corroborating", &c.corroborating), side("Contradicting", &c.contradicting)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_text_is_escaped() {
        assert_eq!(
            esc(r#"<script>"a"&'b'</script>"#),
            "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;&lt;/script&gt;"
        );
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
    }
}
