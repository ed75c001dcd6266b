//! The extraction evaluation set (eval/extract/): every gold file follows
//! schemas/extract-gold.schema.json, every span's text is the article's
//! slice (offsets in Unicode scalar values), every attribution's source is
//! a source of the file and its mention one of that source's mentions, and
//! the set is as large as issue 8 asks (at least 12 self-written articles
//! and 200 attributions). The gold files and the README's phenomena table
//! are what eval/extract/build_gold.py writes.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn eval_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("eval/extract")
}

/// Every gold file: (file name, parsed JSON, article text).
fn gold_files() -> Vec<(String, Value, String)> {
    let dir = eval_dir().join("gold");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let path = dir.join(&name);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let gold: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
            let article = article_text(&dir, &name, &gold);
            (name, gold, article)
        })
        .collect()
}

/// The article a gold file names: a file in eval/extract/articles/, or a
/// path relative to eval/extract/gold/ when it has a slash.
fn article_text(gold_dir: &Path, name: &str, gold: &Value) -> String {
    let article = gold["article"]
        .as_str()
        .unwrap_or_else(|| panic!("{name}: field article is not a string"));
    let path = if article.contains('/') {
        gold_dir.join(article)
    } else {
        eval_dir().join("articles").join(article)
    };
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{name}: article {} unreadable: {e}", path.display()))
}

/// The problems of one gold file beyond its schema, each naming the file,
/// the attribution or source id and the field.
fn problems(name: &str, gold: &Value, article: &str) -> Vec<String> {
    let chars: Vec<char> = article.chars().collect();
    let mut out = Vec::new();
    let span = |what: String, v: &Value, out: &mut Vec<String>| {
        if v.is_null() {
            return;
        }
        let (start, end) = (v["start"].as_u64(), v["end"].as_u64());
        let (Some(start), Some(end)) = (start, end) else {
            out.push(format!("{name}: {what}: start/end missing"));
            return;
        };
        let (start, end) = (start as usize, end as usize);
        if start >= end || end > chars.len() {
            out.push(format!(
                "{name}: {what}: span {start}..{end} outside the article ({} chars)",
                chars.len()
            ));
            return;
        }
        let slice: String = chars[start..end].iter().collect();
        if v["text"].as_str() != Some(slice.as_str()) {
            out.push(format!(
                "{name}: {what}: text {} but the article has {slice:?} at {start}..{end}",
                v["text"]
            ));
        }
    };
    let mut sources: BTreeMap<String, &Value> = BTreeMap::new();
    for s in gold["sources"].as_array().into_iter().flatten() {
        let id = s["id"].as_str().unwrap_or("?").to_string();
        for (i, m) in s["mentions"].as_array().into_iter().flatten().enumerate() {
            span(format!("source {id}: mentions[{i}]"), m, &mut out);
        }
        if sources.insert(id.clone(), s).is_some() {
            out.push(format!("{name}: source {id}: id used twice"));
        }
    }
    let mut ids = std::collections::BTreeSet::new();
    for a in gold["attributions"].as_array().into_iter().flatten() {
        let id = a["id"].as_str().unwrap_or("?").to_string();
        if !ids.insert(id.clone()) {
            out.push(format!("{name}: attribution {id}: id used twice"));
        }
        for field in ["content", "source", "cue", "relayed_by"] {
            span(format!("attribution {id}: {field}"), &a[field], &mut out);
        }
        let Some(source_id) = a["source_id"].as_str() else {
            continue;
        };
        let Some(source) = sources.get(source_id) else {
            out.push(format!(
                "{name}: attribution {id}: source_id {source_id:?} is no source of the file"
            ));
            continue;
        };
        let mentioned = source["mentions"]
            .as_array()
            .is_some_and(|ms| ms.contains(&a["source"]));
        if !mentioned {
            out.push(format!(
                "{name}: attribution {id}: source {} is not a mention of source {source_id}",
                a["source"]
            ));
        }
        if a["kind"] != source["kind"] {
            out.push(format!(
                "{name}: attribution {id}: kind {} but source {source_id} is {}",
                a["kind"], source["kind"]
            ));
        }
    }
    out
}

#[test]
fn every_gold_file_follows_the_schema_and_its_article() {
    let validator = crate::common::validator("extract-gold.schema.json");
    let mut errors = Vec::new();
    for (name, gold, article) in gold_files() {
        for e in validator.iter_errors(&gold) {
            errors.push(format!("{name}: at {}: {e}", e.instance_path()));
        }
        errors.extend(problems(&name, &gold, &article));
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn the_set_has_at_least_12_self_written_articles_and_200_attributions() {
    let own: Vec<_> = gold_files()
        .into_iter()
        .filter(|(name, _, _)| !name.starts_with("sample-"))
        .collect();
    let attributions: usize = own
        .iter()
        .map(|(_, g, _)| g["attributions"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(own.len() >= 12, "{} self-written articles", own.len());
    assert!(attributions >= 200, "{attributions} attributions");
    for (name, gold, _) in &own {
        let path = eval_dir()
            .join("articles")
            .join(gold["article"].as_str().unwrap());
        assert!(
            path.exists(),
            "{name}: {} is not in eval/extract/articles",
            path.display()
        );
    }
}

#[test]
fn the_checks_name_the_file_the_attribution_and_the_field() {
    let article = "Ana Ruiz said rain would come. She said it twice.";
    let span = |s: usize, e: usize| {
        let text: String = article.chars().skip(s).take(e - s).collect();
        json!({"start": s, "end": e, "text": text})
    };
    let good = json!({
        "article": "x.txt", "description": "test",
        "sources": [{"id": "s1", "label": "Ana Ruiz", "kind": "named_person",
            "name": "Ana Ruiz", "role": null, "affiliation": null, "place": null,
            "on_record": true, "count": "one", "mentions": [span(0, 8), span(31, 34)]}],
        "attributions": [{"id": "a1", "content": span(14, 29), "source": span(0, 8),
            "source_id": "s1", "cue": span(9, 13), "kind": "named_person", "hedge": "none",
            "mode": "paraphrase", "relayed_by": null, "phenomena": []}]
    });
    let validator = crate::common::validator("extract-gold.schema.json");
    assert!(validator.is_valid(&good));
    assert_eq!(problems("x.json", &good, article), Vec::<String>::new());

    let mut bad = good.clone();
    bad["attributions"][0]["cue"]["text"] = json!("says");
    assert_eq!(
        problems("x.json", &bad, article),
        ["x.json: attribution a1: cue: text \"says\" but the article has \"said\" at 9..13"]
    );
    let mut bad = good.clone();
    bad["attributions"][0]["source_id"] = json!("s9");
    assert_eq!(
        problems("x.json", &bad, article),
        ["x.json: attribution a1: source_id \"s9\" is no source of the file"]
    );
    let mut bad = good.clone();
    bad["attributions"][0]["source"] = span(9, 13);
    assert!(problems("x.json", &bad, article)[0]
        .starts_with("x.json: attribution a1: source {\"end\":13"));
    assert!(problems("x.json", &bad, article)[0].ends_with("is not a mention of source s1"));
    let mut bad = good.clone();
    bad["sources"][0]["mentions"][1] = span(31, 70);
    assert_eq!(
        problems("x.json", &bad, article),
        ["x.json: source s1: mentions[1]: span 31..70 outside the article (49 chars)"]
    );
    let mut bad = good.clone();
    bad["attributions"][0]["kind"] = json!("document");
    assert_eq!(
        problems("x.json", &bad, article),
        ["x.json: attribution a1: kind \"document\" but source s1 is \"named_person\""]
    );
    // The schema: strict objects, the none kind has no source.
    let mut bad = good.clone();
    bad["attributions"][0]["speaker"] = json!("Ana");
    assert!(!validator.is_valid(&bad));
    let mut bad = good.clone();
    bad["attributions"][0]["kind"] = json!("none");
    assert!(!validator.is_valid(&bad));
    let mut bad = good.clone();
    bad["attributions"][0]["hedge"] = json!("maybe");
    assert!(!validator.is_valid(&bad));
}

#[test]
fn the_gold_files_and_the_phenomena_table_are_what_build_gold_writes() {
    let done = Command::new("python3")
        .arg(eval_dir().join("build_gold.py"))
        .arg("--check")
        .output()
        .expect("python3 runs eval/extract/build_gold.py");
    assert!(
        done.status.success(),
        "{}{}",
        String::from_utf8_lossy(&done.stdout),
        String::from_utf8_lossy(&done.stderr)
    );
}

#[test]
fn build_gold_fails_loudly_on_an_absent_or_ambiguous_span() {
    // find_span turns a span string into offsets; each bad case must raise
    // AnnError naming the place and the problem.
    let script = r#"
import sys
sys.path.insert(0, sys.argv[1])
import build_gold as b
text = "She said he said. He said it, she said."
assert b.find_span(text, "[[He]] said it", "x") == {"start": 18, "end": 20, "text": "He"}
assert b.find_span(text, "said@3", "x")["start"] == 21
assert b.find_span(text, "he said", "x")["start"] == 9   # not inside "She said"
for spec, msg in [
    ("rain", "x: span 'rain' is not in the article"),
    ("said", "x: span 'said' occurs 4 times; add @N or [[context]]"),
    ("said@5", "x: span 'said' has 4 occurrence(s), not @5"),
    ("[[ He]] said it", "x: span ' He' starts or ends with white space"),
]:
    try:
        b.find_span(text, spec, "x")
    except b.AnnError as e:
        assert str(e) == msg, (spec, str(e))
    else:
        raise SystemExit(f"{spec!r} did not fail")
print("ok")
"#;
    let done = Command::new("python3")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .arg("-c")
        .arg(script)
        .arg(eval_dir())
        .output()
        .expect("python3 runs");
    assert!(
        done.status.success() && done.stdout == b"ok\n",
        "{}{}",
        String::from_utf8_lossy(&done.stdout),
        String::from_utf8_lossy(&done.stderr)
    );
}
