//! Scores `provledger extract` against an annotated evaluation set.
//!
//! ```text
//! cargo run --release --example extract-eval [-- [DIR] [--json] [--include-unattributed] [--verbose]]
//! ```
//!
//! DIR (default `eval/extract`) holds `articles/<slug>.txt` and
//! `gold/<slug>.json` (format: `eval/extract/README.md`, schema:
//! `schemas/extract-gold.schema.json` of the repository that holds DIR,
//! else of this one; checked when present, said when absent). Every gold
//! span's text must be the article's text at its offsets (chars).
//!
//! A gold attribution is found when an unmatched proposal's content covers
//! at least half of the gold content and the proposal's source mention (or
//! its source's label, or for a floating quotation any mention of its
//! source) overlaps the gold source mention or any mention of the same
//! gold source, or both have none. Reported: precision and recall of these
//! (content, source, cue) triples, source-kind and hedge accuracy over the
//! matches, exact-span F1 of content, source and cue, the confusion of
//! kinds, and each article's figures. Attributions of kind "none" (the
//! outlet's own assertions) count only with --include-unattributed.

use provledger::extract::{extract, Options, Proposal, Span};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A gold span (chars).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct G {
    start: usize,
    end: usize,
}

fn gspan(v: &Value) -> Option<G> {
    Some(G {
        start: v.get("start")?.as_u64()? as usize,
        end: v.get("end")?.as_u64()? as usize,
    })
}

fn pspan(s: &Span) -> G {
    G {
        start: s.start,
        end: s.end,
    }
}

fn overlap(a: G, b: G) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

struct Gold {
    content: G,
    source: Option<G>,
    /// Every mention of the gold source entity.
    mentions: Vec<G>,
    cue: Option<G>,
    kind: String,
    hedge: String,
}

#[derive(Default, Clone)]
struct Counts {
    gold: usize,
    proposed: usize,
    found: usize,
    kind_right: usize,
    hedge_right: usize,
    exact_content: usize,
    exact_source: usize,
    gold_sources: usize,
    proposed_sources: usize,
    exact_cue: usize,
    gold_cues: usize,
    proposed_cues: usize,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.gold += o.gold;
        self.proposed += o.proposed;
        self.found += o.found;
        self.kind_right += o.kind_right;
        self.hedge_right += o.hedge_right;
        self.exact_content += o.exact_content;
        self.exact_source += o.exact_source;
        self.gold_sources += o.gold_sources;
        self.proposed_sources += o.proposed_sources;
        self.exact_cue += o.exact_cue;
        self.gold_cues += o.gold_cues;
        self.proposed_cues += o.proposed_cues;
    }

    fn ratio(a: usize, b: usize) -> f64 {
        if b == 0 {
            0.0
        } else {
            a as f64 / b as f64
        }
    }

    fn f1(n: usize, proposed: usize, gold: usize) -> f64 {
        let p = Counts::ratio(n, proposed);
        let r = Counts::ratio(n, gold);
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn json(&self) -> Value {
        let p = Counts::ratio(self.found, self.proposed);
        let r = Counts::ratio(self.found, self.gold);
        json!({
            "gold": self.gold,
            "proposed": self.proposed,
            "found": self.found,
            "precision": round(p),
            "recall": round(r),
            "f1": round(Counts::f1(self.found, self.proposed, self.gold)),
            "kind_accuracy": round(Counts::ratio(self.kind_right, self.found)),
            "hedge_accuracy": round(Counts::ratio(self.hedge_right, self.found)),
            "exact_f1": {
                "content": round(Counts::f1(self.exact_content, self.proposed, self.gold)),
                "source": round(Counts::f1(self.exact_source, self.proposed_sources, self.gold_sources)),
                "cue": round(Counts::f1(self.exact_cue, self.proposed_cues, self.gold_cues)),
            }
        })
    }
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn fail(msg: String) -> ExitCode {
    eprintln!("extract-eval: {msg}");
    ExitCode::FAILURE
}

fn main() -> ExitCode {
    let mut dir = PathBuf::from("eval/extract");
    let (mut as_json, mut unattributed, mut verbose) = (false, false, false);
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--json" => as_json = true,
            "--include-unattributed" => unattributed = true,
            "--verbose" => verbose = true,
            "-h" | "--help" => {
                println!("usage: extract-eval [DIR] [--json] [--include-unattributed] [--verbose]");
                return ExitCode::SUCCESS;
            }
            s if s.starts_with('-') => return fail(format!("unknown option {s}")),
            s => dir = PathBuf::from(s),
        }
    }
    let gold_dir = dir.join("gold");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&gold_dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect(),
        Err(e) => return fail(format!("cannot read {}: {e}", gold_dir.display())),
    };
    files.sort();
    if files.is_empty() {
        return fail(format!("no gold files (*.json) in {}", gold_dir.display()));
    }
    // The schema of the repository that holds DIR (DIR/../../schemas), else this one's.
    let beside = dir.join("../../schemas/extract-gold.schema.json");
    let schema_path = if beside.exists() {
        beside
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/extract-gold.schema.json")
    };
    let validator = match std::fs::read_to_string(&schema_path) {
        Ok(s) => {
            let v: Value = match serde_json::from_str(&s) {
                Ok(v) => v,
                Err(e) => return fail(format!("{} is not JSON: {e}", schema_path.display())),
            };
            match jsonschema::draft202012::new(&v) {
                Ok(v) => Some(v),
                Err(e) => {
                    return fail(format!("{} is no valid schema: {e}", schema_path.display()))
                }
            }
        }
        Err(_) => {
            eprintln!(
                "extract-eval: {} is absent: gold files are not validated against a schema",
                schema_path.display()
            );
            None
        }
    };

    let mut total = Counts::default();
    let mut per_article = Vec::new();
    let mut confusion: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut problems = Vec::new();
    let opts = Options {
        include_unattributed: unattributed,
        min_confidence: 0.0,
    };
    for f in &files {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => return fail(format!("cannot read {}: {e}", f.display())),
        };
        let gold: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => return fail(format!("{} is not JSON: {e}", f.display())),
        };
        if let Some(v) = &validator {
            let errors: Vec<String> = v
                .iter_errors(&gold)
                .map(|e| format!("{} at {}: {e}", f.display(), e.instance_path()))
                .collect();
            if !errors.is_empty() {
                return fail(errors.join("\n"));
            }
        }
        let Some(name) = gold["article"].as_str() else {
            return fail(format!("{}: no \"article\"", f.display()));
        };
        let article_path = dir.join("articles").join(name);
        let article = match std::fs::read_to_string(&article_path) {
            Ok(t) => t,
            Err(e) => return fail(format!("cannot read {}: {e}", article_path.display())),
        };
        let chars: Vec<char> = article.chars().collect();
        let slice = |g: G| -> String {
            chars[g.start.min(chars.len())..g.end.min(chars.len())]
                .iter()
                .collect()
        };
        // Every span's text must be the article's.
        let bad_spans = std::cell::RefCell::new(Vec::new());
        let check = |v: &Value, at: String| {
            if let (Some(g), Some(t)) = (gspan(v), v.get("text").and_then(Value::as_str)) {
                if slice(g) != t {
                    bad_spans.borrow_mut().push(format!(
                        "{} {at}: text {t:?} is not the article's {:?}",
                        f.display(),
                        slice(g)
                    ));
                }
            }
        };
        let empty = vec![];
        let sources = gold["sources"].as_array().unwrap_or(&empty);
        let mut mentions: BTreeMap<String, Vec<G>> = BTreeMap::new();
        for (i, s) in sources.iter().enumerate() {
            let id = s["id"].as_str().unwrap_or_default().to_string();
            for (j, m) in s["mentions"]
                .as_array()
                .unwrap_or(&empty)
                .iter()
                .enumerate()
            {
                check(m, format!("sources[{i}].mentions[{j}]"));
                if let Some(g) = gspan(m) {
                    mentions.entry(id.clone()).or_default().push(g);
                }
            }
        }
        let mut golds = Vec::new();
        for (i, a) in gold["attributions"]
            .as_array()
            .unwrap_or(&empty)
            .iter()
            .enumerate()
        {
            for k in ["content", "source", "cue", "relayed_by"] {
                check(&a[k], format!("attributions[{i}].{k}"));
            }
            let kind = a["kind"].as_str().unwrap_or("none").to_string();
            if kind == "none" && !unattributed {
                continue;
            }
            let Some(content) = gspan(&a["content"]) else {
                bad_spans.borrow_mut().push(format!(
                    "{} attributions[{i}]: no content span",
                    f.display()
                ));
                continue;
            };
            let source = gspan(&a["source"]);
            let mut ms = a["source_id"]
                .as_str()
                .and_then(|id| mentions.get(id))
                .cloned()
                .unwrap_or_default();
            ms.extend(source);
            golds.push(Gold {
                content,
                source,
                mentions: ms,
                cue: gspan(&a["cue"]),
                kind,
                hedge: a["hedge"].as_str().unwrap_or("none").to_string(),
            });
        }
        problems.extend(bad_spans.take());
        let found = extract(&article, &opts);
        let props: Vec<&Proposal> = found.proposals.iter().collect();
        let mut c = Counts {
            gold: golds.len(),
            proposed: props.len(),
            gold_sources: golds.iter().filter(|g| g.source.is_some()).count(),
            proposed_sources: props.iter().filter(|p| p.source_mention.is_some()).count(),
            gold_cues: golds.iter().filter(|g| g.cue.is_some()).count(),
            proposed_cues: props.iter().filter(|p| p.cue.is_some()).count(),
            ..Counts::default()
        };
        let p_sources = |p: &Proposal| -> Vec<G> {
            let mut v: Vec<G> = p.source_mention.iter().map(pspan).collect();
            if let Some(s) = p.source {
                let src = &found.sources[s];
                if let Some(first) = src.mentions.first() {
                    v.push(pspan(first));
                }
                if p.source_mention.is_none() {
                    v.extend(src.mentions.iter().map(pspan));
                }
            }
            v
        };
        let mut used = vec![false; props.len()];
        let mut missed = Vec::new();
        for g in &golds {
            let need = (g.content.end - g.content.start).div_ceil(2).max(1);
            let best = props
                .iter()
                .enumerate()
                .filter(|(i, _)| !used[*i])
                .filter(|(_, p)| overlap(pspan(&p.content), g.content) >= need)
                .filter(|(_, p)| {
                    let ps = p_sources(p);
                    match (g.mentions.is_empty(), ps.is_empty()) {
                        (true, true) => true,
                        (false, false) => ps
                            .iter()
                            .any(|a| g.mentions.iter().any(|b| overlap(*a, *b) > 0)),
                        _ => false,
                    }
                })
                .max_by_key(|(_, p)| overlap(pspan(&p.content), g.content));
            let Some((i, p)) = best else {
                missed.push(g);
                continue;
            };
            used[i] = true;
            c.found += 1;
            let kind = p.kind.map_or("none", |k| k.as_str()).to_string();
            if kind == g.kind {
                c.kind_right += 1;
            }
            *confusion.entry((g.kind.clone(), kind)).or_default() += 1;
            if p.hedge.as_str() == g.hedge {
                c.hedge_right += 1;
            }
            if pspan(&p.content) == g.content {
                c.exact_content += 1;
            }
            if g.source.is_some() && p.source_mention.as_ref().map(pspan) == g.source {
                c.exact_source += 1;
            }
            if g.cue.is_some() && p.cue.as_ref().map(pspan) == g.cue {
                c.exact_cue += 1;
            }
        }
        if verbose {
            for g in &missed {
                eprintln!(
                    "MISSED {name} [{}] {:?} source {:?} cue {:?}",
                    g.kind,
                    slice(g.content),
                    g.source.map(slice),
                    g.cue.map(slice)
                );
            }
            for (i, p) in props.iter().enumerate() {
                if !used[i] {
                    eprintln!(
                        "EXTRA  {name} [{}] {} {:?} source {:?} cue {:?}",
                        p.kind.map_or("none", |k| k.as_str()),
                        p.rule.as_str(),
                        p.content.text,
                        p.source.map(|s| &found.sources[s].label),
                        p.cue.as_ref().map(|c| &c.text)
                    );
                }
            }
        }
        total.add(&c);
        let mut row = c.json();
        row["article"] = json!(name);
        per_article.push(row);
    }
    if !problems.is_empty() {
        return fail(format!(
            "the gold files have wrong spans:\n{}",
            problems.join("\n")
        ));
    }
    let confusion_json: Vec<Value> = confusion
        .iter()
        .map(|((g, p), n)| json!({"gold": g, "proposed": p, "count": n}))
        .collect();
    let report = json!({
        "dir": dir.display().to_string(),
        "include_unattributed": unattributed,
        "articles": per_article.len(),
        "total": total.json(),
        "per_article": per_article,
        "kind_confusion": confusion_json,
    });
    if as_json {
        println!("{}", serde_json::to_string_pretty(&report).expect("JSON"));
        return ExitCode::SUCCESS;
    }
    let t = &report["total"];
    println!(
        "extract-eval: {} articles in {}{}",
        per_article.len(),
        dir.display(),
        if unattributed {
            " (with the outlet's own assertions)"
        } else {
            ""
        }
    );
    println!(
        "triples: gold {}, proposed {}, found {}: precision {:.3}, recall {:.3}, F1 {:.3}",
        t["gold"],
        t["proposed"],
        t["found"],
        t["precision"].as_f64().unwrap_or(0.0),
        t["recall"].as_f64().unwrap_or(0.0),
        t["f1"].as_f64().unwrap_or(0.0)
    );
    println!(
        "source kind accuracy {:.3}, hedge accuracy {:.3} (over the found)",
        t["kind_accuracy"].as_f64().unwrap_or(0.0),
        t["hedge_accuracy"].as_f64().unwrap_or(0.0)
    );
    println!(
        "exact-span F1: content {:.3}, source {:.3}, cue {:.3}",
        t["exact_f1"]["content"].as_f64().unwrap_or(0.0),
        t["exact_f1"]["source"].as_f64().unwrap_or(0.0),
        t["exact_f1"]["cue"].as_f64().unwrap_or(0.0)
    );
    println!("\nper article:            gold  prop  found  P      R      kinds");
    for r in &per_article {
        println!(
            "  {:<22} {:>4}  {:>4}  {:>5}  {:.3}  {:.3}  {:.3}",
            r["article"].as_str().unwrap_or(""),
            r["gold"],
            r["proposed"],
            r["found"],
            r["precision"].as_f64().unwrap_or(0.0),
            r["recall"].as_f64().unwrap_or(0.0),
            r["kind_accuracy"].as_f64().unwrap_or(0.0)
        );
    }
    println!("\nkind confusion (gold -> proposed: count):");
    for ((g, p), n) in &confusion {
        println!("  {g:<20} -> {p:<20} {n}");
    }
    ExitCode::SUCCESS
}
