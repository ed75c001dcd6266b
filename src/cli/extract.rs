//! `provledger extract`: proposes an article's attributed claims. The
//! extraction is the library's (`provledger::extract`); this reads the
//! text (a file, or an article's verified text in the ledger) and prints
//! the proposals: the article with the proposed spans marked and a list,
//! or (`--json`) a `claim import` file.

use super::error::Fail;
use super::output::{print_json, say};
use super::render::{clip, esc, Esc};
use anyhow::Result;
use clap::Args;
use provledger::extract::{extract, read_text_file, Extraction, Options};
use provledger::ledger::Ledger;
use provledger::statement::Kind;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Propose an article's attributed claims (source, cue, content, hedge)
/// for review and `claim import`.
///
/// FILE|ARTICLE is a UTF-8 text file (at most 4 MiB, the largest article), or
/// the id (prefix) of an article version in the ledger, whose verified
/// text is read. The text view shows the article with each proposal's
/// source <S1 …>, cue {…} and content [c1 …] marked, then the list of
/// proposals with their confidence and the rule that produced them.
///
/// --json prints the proposals as a `claim import` file
/// (schemas/claim-import.schema.json): review and edit it (the
/// propositions are the passages as printed), then
/// `provledger claim import FILE --article ID`. Each source and claim
/// carries a `proposal` object (confidence, rule, spans) that the importer
/// ignores.
///
/// The outlet's own, unattributed assertions are proposed only with
/// --include-unattributed.
#[derive(Args, Debug)]
pub struct ExtractArgs {
    /// A text file, or an article id (prefix) in the ledger.
    #[arg(value_name = "FILE|ARTICLE")]
    target: String,
    /// Print a `claim import` file (schemas/claim-import.schema.json).
    #[arg(long)]
    json: bool,
    /// Leave out proposals less sure than this (0 to 1).
    #[arg(long, value_name = "X", default_value_t = 0.0, value_parser = confidence)]
    min_confidence: f64,
    /// Also propose the outlet's own, unattributed assertions.
    #[arg(long)]
    include_unattributed: bool,
}

fn confidence(s: &str) -> Result<f64, String> {
    let x: f64 = s
        .parse()
        .map_err(|_| format!("'{s}' is not a number; give a confidence from 0 to 1"))?;
    if !(0.0..=1.0).contains(&x) {
        return Err(format!("{x} is outside 0 to 1"));
    }
    Ok(x)
}

/// The text to extract from: the file, else the article's text.
fn read_target(ledger: &Path, target: &str) -> Result<String> {
    let path = PathBuf::from(target);
    if path.exists() {
        return Ok(read_text_file(&path)?);
    }
    let l = Ledger::open(ledger).map_err(|e| {
        Fail::NotFound(format!(
            "{target} is no file, and no article id can be looked up: the ledger {} cannot be opened ({e})",
            ledger.display()
        ))
    })?;
    let article = l.resolve(target, &[Kind::ArticleRecord]).map_err(|e| {
        Fail::NotFound(format!(
            "{target} is neither a file nor an article in the ledger ({e})"
        ))
    })?;
    let text = l.article_text(&article.id)?;
    Ok(text.as_str().to_string())
}

pub fn run(ledger: &Path, a: ExtractArgs) -> Result<()> {
    let text = read_target(ledger, &a.target)?;
    let opts = Options {
        include_unattributed: a.include_unattributed,
        min_confidence: a.min_confidence,
    };
    let found = extract(&text, &opts);
    if a.json {
        let (file, dropped) = found.to_import(&text);
        for i in &dropped {
            say!(
                "left out proposal {} ({}): its passage occurs more than once in the text and cannot be made unique",
                i + 1,
                clip(&esc(&found.proposals[*i].content.text), 60)
            );
        }
        if file["claims"].as_array().is_none_or(|c| c.is_empty()) {
            return Err(Fail::NotFound(format!(
                "no claims to propose in {}: the extractor found no attribution{}",
                a.target,
                if a.include_unattributed {
                    ""
                } else {
                    " (--include-unattributed also proposes the outlet's own assertions)"
                }
            ))
            .into());
        }
        return print_json(&file);
    }
    print_text(&text, &found)
}

/// The article with the proposed spans marked, then the proposals.
fn print_text(text: &str, found: &Extraction) -> Result<()> {
    let mut out = std::io::stdout().lock();
    // (char offset, order, mark): closing marks before opening ones at one offset.
    let mut marks: Vec<(usize, u8, String)> = Vec::new();
    for (i, p) in found.proposals.iter().enumerate() {
        marks.push((p.content.start, 2, format!("[c{} ", i + 1)));
        marks.push((p.content.end, 0, "]".into()));
        if let (Some(m), Some(s)) = (&p.source_mention, p.source) {
            marks.push((m.start, 2, format!("<S{} ", s + 1)));
            marks.push((m.end, 0, ">".into()));
        }
        if let Some(c) = &p.cue {
            marks.push((c.start, 2, "{".into()));
            marks.push((c.end, 0, "}".into()));
        }
    }
    marks.sort_by_key(|m| (m.0, m.1));
    marks.dedup();
    let mut rendered = String::with_capacity(text.len() + marks.len() * 4);
    let mut m = 0;
    for (i, c) in text.chars().enumerate() {
        while m < marks.len() && marks[m].0 == i {
            rendered.push_str(&marks[m].2);
            m += 1;
        }
        rendered.push(c);
    }
    for mark in &marks[m..] {
        rendered.push_str(&mark.2);
    }
    for line in rendered.lines() {
        writeln!(out, "{}", Esc(line))?;
    }
    writeln!(out)?;
    if found.proposals.is_empty() {
        drop(out);
        say!("no attributions found");
        return Ok(());
    }
    writeln!(out, "SOURCES")?;
    for (i, s) in found.sources.iter().enumerate() {
        let mut details = vec![s.kind.as_str().to_string()];
        for (k, v) in [
            ("name", &s.name),
            ("role", &s.role),
            ("affiliation", &s.affiliation),
            ("place", &s.place),
        ] {
            if let Some(v) = v {
                details.push(format!("{k} \"{}\"", esc(v)));
            }
        }
        details.push(format!("count {}", s.count));
        details.push(format!(
            "{} mention{}",
            s.mentions.len(),
            if s.mentions.len() == 1 { "" } else { "s" }
        ));
        writeln!(
            out,
            "  S{:<3} \"{}\"  {}",
            i + 1,
            Esc(&s.label),
            details.join(", ")
        )?;
    }
    writeln!(out, "PROPOSALS")?;
    for (i, p) in found.proposals.iter().enumerate() {
        let who = match (p.source, p.relayed_by) {
            (Some(s), _) => format!("S{}", s + 1),
            (None, Some(r)) => format!("relayed by S{}", r + 1),
            (None, None) => "outlet's own".into(),
        };
        writeln!(
            out,
            "  c{:<3} {:.2}  {:<24} {:<18} {:<14} cue {:<16} hedge {:<11} {}  \"{}\"",
            i + 1,
            p.confidence,
            p.rule.as_str(),
            p.kind.map_or("none", |k| k.as_str()),
            who,
            format!("\"{}\"", esc(p.cue_words.as_deref().unwrap_or("-"))),
            p.hedge.as_str(),
            p.mode.as_str(),
            clip(&esc(&p.content.text), 70)
        )?;
    }
    Ok(())
}
