//! The extractor's input (a text file, checked) and its output in the
//! `claim import` format (schemas/claim-import.schema.json).

use super::{Extraction, Proposal, Span};
use crate::state::limits::{
    MAX_EXACT_CHARS, MAX_LABEL_CHARS, MAX_PROPOSITION_CHARS, MAX_QUOTE_CHARS,
};
use crate::statement::{IndexedText, Mode};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// The largest text `extract` reads, in bytes: 4 MiB, the largest article
/// text the ledger records (`state::limits::MAX_ARTICLE_BYTES`).
pub const MAX_EXTRACT_BYTES: u64 = crate::state::limits::MAX_ARTICLE_BYTES;

/// Why a text file cannot be read for extraction.
#[derive(Debug, thiserror::Error)]
pub enum ExtractInputError {
    /// It cannot be read, is no regular file, or is larger than
    /// [`MAX_EXTRACT_BYTES`] (the message names the file).
    #[error("{0}")]
    Read(std::io::Error),
    /// It is not UTF-8.
    #[error("{} is not UTF-8 text (invalid byte at offset {offset}): extract reads UTF-8 text; convert it first", .path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Its first invalid byte.
        offset: usize,
    },
    /// It holds NUL bytes: a binary file.
    #[error("{} holds a NUL byte at offset {offset}: it looks like a binary file, not text", .path.display())]
    Binary {
        /// The file.
        path: PathBuf,
        /// Its first NUL byte.
        offset: usize,
    },
    /// It is empty (or only white space).
    #[error("{} is empty: there is no text to extract claims from", .path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

/// Reads the text file at `path` for extraction: a regular file of at
/// most [`MAX_EXTRACT_BYTES`], UTF-8, no NUL byte, not blank.
pub fn read_text_file(path: &Path) -> Result<String, ExtractInputError> {
    let bytes = crate::log::read_bounded(path, MAX_EXTRACT_BYTES, "the text file")
        .map_err(ExtractInputError::Read)?;
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(ExtractInputError::Binary {
            path: path.to_path_buf(),
            offset,
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| ExtractInputError::NotUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(ExtractInputError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(text)
}

/// `s` cut to at most `max` chars.
fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((b, _)) => s[..b].to_string(),
        None => s.to_string(),
    }
}

fn span_json(s: &Span) -> Value {
    json!({"start": s.start, "end": s.end, "text": s.text})
}

/// A ref from words: lower-case letters and digits joined by '-'.
fn slug(n: usize, words: &str) -> String {
    let mut out = format!("s{n}");
    let mut parts = 0;
    for w in words.split(|c: char| !c.is_alphanumeric()) {
        let w: String = w.chars().filter(char::is_ascii_alphanumeric).collect();
        if w.is_empty() {
            continue;
        }
        out.push('-');
        out.push_str(&w.to_ascii_lowercase());
        parts += 1;
        if parts == 4 || out.len() > 40 {
            break;
        }
    }
    out.truncate(64);
    out
}

impl Extraction {
    /// The proposals in the `claim import` format, for the article whose
    /// text is `text`. Each claim's `exact` is its content, widened to the
    /// whole sentence (and beyond) when the content alone occurs more than
    /// once in the text; a proposal whose passage cannot be made unique is
    /// left out (its index is in the answer's second part). Each source
    /// and claim carries a `proposal` object (confidence, rule, spans) that
    /// the importer ignores.
    pub fn to_import(&self, text: &str) -> (Value, Vec<usize>) {
        let indexed = IndexedText::new(text);
        let mut sources = Vec::new();
        let refs: Vec<String> = self
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| slug(i + 1, s.name.as_deref().unwrap_or(&s.label)))
            .collect();
        for (i, s) in self.sources.iter().enumerate() {
            let mut o = Map::new();
            o.insert("ref".into(), json!(refs[i]));
            o.insert("label".into(), json!(clip(&s.label, MAX_LABEL_CHARS)));
            o.insert("kind".into(), json!(s.kind));
            for (k, v) in [
                ("name", &s.name),
                ("role", &s.role),
                ("affiliation", &s.affiliation),
                ("place", &s.place),
            ] {
                if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                    o.insert(k.into(), json!(clip(v, MAX_LABEL_CHARS)));
                }
            }
            o.insert("on_record".into(), json!(s.on_record));
            o.insert("count".into(), json!(s.count));
            o.insert(
                "proposal".into(),
                json!({"mentions": s.mentions.iter().map(span_json).collect::<Vec<_>>()}),
            );
            sources.push(Value::Object(o));
        }
        let mut claims = Vec::new();
        let mut dropped = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, p) in self.proposals.iter().enumerate() {
            let Some(exact) = unique_exact(text, &indexed, p) else {
                dropped.push(i);
                continue;
            };
            let proposition = clip(p.content.text.trim(), MAX_PROPOSITION_CHARS);
            // The importer refuses one proposition twice at one passage.
            if !seen.insert((exact.clone(), proposition.clone())) {
                dropped.push(i);
                continue;
            }
            let mut o = Map::new();
            o.insert("ref".into(), json!(format!("c{}", i + 1)));
            o.insert("proposition".into(), json!(proposition));
            o.insert("exact".into(), json!(exact));
            if let Some(s) = p.source {
                o.insert("source".into(), json!(refs[s]));
            }
            if let Some(s) = p.relayed_by {
                o.insert("relayed_by".into(), json!(refs[s]));
            }
            if p.source.is_some() || p.relayed_by.is_some() {
                let cue = p.cue_words.clone().unwrap_or_else(|| "said".into());
                o.insert("cue".into(), json!(clip(&cue, MAX_LABEL_CHARS)));
            }
            o.insert("hedge".into(), json!(p.hedge));
            let quote = p
                .quote
                .as_ref()
                .map(|q| clip(q.text.trim(), MAX_QUOTE_CHARS))
                .filter(|q| !q.is_empty() && exact.contains(q.as_str()));
            match (p.mode, quote) {
                (Mode::DirectQuote, Some(q)) => {
                    o.insert("mode".into(), json!(Mode::DirectQuote));
                    o.insert("quote".into(), json!(q));
                }
                _ => {
                    o.insert("mode".into(), json!(Mode::Paraphrase));
                }
            }
            o.insert("proposal".into(), proposal_json(p));
            claims.push(Value::Object(o));
        }
        let mut file = Map::new();
        file.insert(
            "$comment".into(),
            json!("Proposed by `provledger extract`: review every source and claim (edit the propositions), then `provledger claim import FILE --article ID`. Each `proposal` object says how sure the extractor is and which rule fired; the importer ignores it."),
        );
        file.insert("sources".into(), Value::Array(sources));
        file.insert("claims".into(), Value::Array(claims));
        (Value::Object(file), dropped)
    }
}

fn proposal_json(p: &Proposal) -> Value {
    let opt = |s: &Option<Span>| s.as_ref().map_or(Value::Null, span_json);
    json!({
        "confidence": p.confidence,
        "rule": p.rule.as_str(),
        "kind": p.kind.map_or("none", |k| k.as_str()),
        "content": span_json(&p.content),
        "source_mention": opt(&p.source_mention),
        "cue": opt(&p.cue),
        "relayed_mention": opt(&p.relayed_mention),
        "evidence": p.evidence.iter().map(|(l, e)| format!("{}:{e}", l.file())).collect::<Vec<_>>(),
    })
}

/// The content of `p`, widened until it occurs once in `text`: to the
/// enclosing line, then by one line on each side.
fn unique_exact(text: &str, indexed: &IndexedText, p: &Proposal) -> Option<String> {
    let content = p.content.text.as_str();
    let clipped = clip(content, MAX_EXACT_CHARS);
    if !clipped.trim().is_empty() && clipped.trim() == clipped && indexed.locate(&clipped).is_ok() {
        return Some(clipped);
    }
    // Byte offsets of the content: found by its char offsets.
    let start = text.char_indices().nth(p.content.start).map(|(b, _)| b)?;
    let end = start + content.len();
    let mut a = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let mut b = text[end..].find('\n').map_or(text.len(), |i| end + i);
    for _ in 0..3 {
        let candidate = text[a..b].trim();
        if candidate.chars().count() > MAX_EXACT_CHARS {
            return None;
        }
        if !candidate.is_empty() && indexed.locate(candidate).is_ok() {
            return Some(candidate.to_string());
        }
        a = text[..a.saturating_sub(1)].rfind('\n').map_or(0, |i| i + 1);
        b = text[(b + 1).min(text.len())..]
            .find('\n')
            .map_or(text.len(), |i| b + 1 + i);
    }
    None
}
