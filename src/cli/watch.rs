//! `provledger watch`: follow articles' updates on a schedule.

use super::capture::{outcome_text, refetch, FetchArgs, FetchReport};
use super::output::{print_json, say, Signing};
use super::render::{short, Esc};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use provledger::capture::http::parse_http_url;
use provledger::capture::watch::{host_of, parse_every, Event, Outcome, RobotsTxt, WatchList};
use provledger::ledger::Ledger;
use provledger::statement::Kind;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Follow articles' updates: a watch list in the ledger directory
/// (`watch.json`, not in the log) that `watch run` re-fetches when due.
///
/// `watch run` is meant for cron: each run re-fetches the watches that are
/// due, one request at a time per host, honouring robots.txt; a watch whose
/// article did not change backs off (its interval doubles, up to 8 times
/// --every), and a change resets it.
#[derive(Subcommand, Debug)]
pub enum WatchCommand {
    /// Watch an article (re-fetched by `watch run`, first due now).
    Add(AddArgs),
    /// List the watches and when each is due.
    List(ListArgs),
    /// Re-fetch every watch that is due, once. Exit 3 when any found its
    /// article gone or moved, or failed to fetch.
    Run(RunArgs),
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// The article: the id (prefix) of any of its versions.
    article: String,
    /// How often to re-fetch (90s, 30m, 6h, 1d).
    #[arg(long, default_value = "6h", value_parser = parse_every)]
    every: u64,
    /// Print the watch as JSON (an item of schemas/watch-list.schema.json).
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Print JSON (schemas/watch-list.schema.json).
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
#[command(mut_arg("json", |a| a.help("Print the run as JSON (schemas/watch-run.schema.json)")))]
pub struct RunArgs {
    /// Seconds between two requests to the same host.
    #[arg(long, default_value_t = 1.0, value_name = "SECONDS")]
    host_gap: f64,
    #[command(flatten)]
    fetch: FetchArgs,
    #[command(flatten)]
    signing: Signing,
}

pub fn run(ledger: &Path, cmd: WatchCommand) -> Result<ExitCode> {
    match cmd {
        WatchCommand::Add(a) => add(ledger, a).map(|()| ExitCode::SUCCESS),
        WatchCommand::List(a) => list(ledger, a).map(|()| ExitCode::SUCCESS),
        WatchCommand::Run(a) => run_due(ledger, a),
    }
}

fn add(ledger: &Path, a: AddArgs) -> Result<()> {
    // The writer lock serialises changes of the watch list.
    let l = Ledger::open_writer(ledger)?;
    let id = l.resolve(&a.article, &[Kind::ArticleRecord])?.id;
    let chain = l
        .state()
        .article_chain(&id)?
        .with_context(|| format!("article {} is not in the index", short(&id)))?;
    let url = chain.latest().url.clone();
    if let Err(e) = parse_http_url(&url) {
        return Err(super::Fail::Usage(format!(
            "article {} cannot be watched: {e}",
            short(&chain.chain)
        ))
        .into());
    }
    let mut list = WatchList::load(ledger)?;
    let now = super::now()?;
    let new = list.add(chain.chain, url.clone(), a.every, now);
    list.save(ledger)?;
    let w = list
        .watches
        .iter()
        .find(|w| w.article == chain.chain)
        .context("the watch just added is missing")?;
    if a.json {
        return print_json(w);
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} article {} ({}) every {}; due now",
        if new { "watching" } else { "re-scheduled" },
        short(&chain.chain),
        Esc(&url),
        every_text(a.every)
    )?;
    Ok(())
}

fn every_text(s: u64) -> String {
    match s {
        s if s % 86400 == 0 => format!("{}d", s / 86400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

fn list(ledger: &Path, a: ListArgs) -> Result<()> {
    // Opened to check it is a ledger.
    let _ = Ledger::open(ledger)?;
    let list = WatchList::load(ledger)?;
    if a.json {
        return print_json(&list);
    }
    if list.watches.is_empty() {
        say!("no watches yet; add one with `provledger watch add ARTICLE`");
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    for w in &list.watches {
        writeln!(
            out,
            "{}  every {:<4} now {:<4} due {}  last {}  {}",
            short(&w.article),
            every_text(w.every),
            every_text(w.interval),
            super::output::time(w.next_due),
            w.last_outcome.map(|o| o.as_str()).unwrap_or("never run"),
            Esc(&w.url)
        )?;
    }
    Ok(())
}

/// `watch run --json` (schemas/watch-run.schema.json).
#[derive(Serialize)]
struct RunReport {
    /// When the run started (unix seconds).
    at: u64,
    /// One result per watch that was due.
    results: Vec<RunResult>,
}

#[derive(Serialize)]
struct RunResult {
    article: provledger::digest::Digest,
    url: String,
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fetch: Option<FetchReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Exit 3 when a watch found its article gone or moved, or failed: a cron
/// job notices (as `article update --fetch` exits 3 for gone or moved).
fn run_due(ledger: &Path, a: RunArgs) -> Result<ExitCode> {
    let gap = Duration::try_from_secs_f64(a.host_gap).map_err(|_| {
        super::Fail::Usage(format!(
            "--host-gap {} is not a number of seconds (0 or more)",
            a.host_gap
        ))
    })?;
    let fetcher = a.fetch.fetcher()?;
    let mut w = a.signing.open(ledger, &[Kind::ArticleRecord])?;
    let mut list = WatchList::load(ledger)?;
    let now = super::now()?;
    let due = list.due(now);
    let bar = indicatif::ProgressBar::new(due.len() as u64);
    let mut last_request: HashMap<String, Instant> = HashMap::new();
    let mut robots: HashMap<String, RobotsTxt> = HashMap::new();
    let wait_for = |host: &str, last: &mut HashMap<String, Instant>| {
        if let Some(t) = last.get(host) {
            let since = t.elapsed();
            if since < gap {
                std::thread::sleep(gap - since);
            }
        }
        last.insert(host.to_string(), Instant::now());
    };
    let mut results = Vec::new();
    for i in due {
        let watch = list.watches[i].clone();
        let host = host_of(&watch.url);
        bar.set_message(watch.url.clone());
        if !robots.contains_key(&host) {
            wait_for(&host, &mut last_request);
            robots.insert(host.clone(), RobotsTxt::fetch(&fetcher, &watch.url));
        }
        let allowed = robots.get(&host).is_none_or(|r| r.allows(&watch.url));
        let at = super::now()?;
        let (outcome, fetch, error) = if let Some(RobotsTxt::Refused(msg)) = robots.get(&host) {
            // The host's address is refused: the watch failed, and says why.
            list.event(Event {
                at,
                article: watch.article,
                url: watch.url.clone(),
                outcome: Outcome::Failed,
                status: None,
                detail: Some(msg.clone()),
            });
            (Outcome::Failed, None, Some(msg.clone()))
        } else if !allowed {
            list.event(Event {
                at,
                article: watch.article,
                url: watch.url.clone(),
                outcome: Outcome::RobotsDisallowed,
                status: None,
                detail: Some(format!("robots.txt of {host} disallows it for provledger")),
            });
            (Outcome::RobotsDisallowed, None, None)
        } else {
            wait_for(&host, &mut last_request);
            let chain = w.ledger.state().article_chain(&watch.article)?;
            match chain {
                None => (
                    Outcome::Failed,
                    None,
                    Some("the article is not in the index".to_string()),
                ),
                Some(chain) => match refetch(&mut w, &fetcher, &chain, &mut list) {
                    Ok((report, outcome)) => (outcome, Some(report), None),
                    Err(e) => {
                        let msg = super::error::message(&e);
                        list.event(Event {
                            at,
                            article: watch.article,
                            url: watch.url.clone(),
                            outcome: Outcome::Failed,
                            status: None,
                            detail: Some(msg.clone()),
                        });
                        (Outcome::Failed, None, Some(msg))
                    }
                },
            }
        };
        list.ran(i, at, outcome);
        results.push(RunResult {
            article: watch.article,
            url: watch.url,
            outcome: outcome.as_str(),
            fetch,
            error,
        });
        bar.inc(1);
    }
    bar.finish_and_clear();
    list.save(ledger)?;
    drop(w);
    let report = RunReport { at: now, results };
    let attention: Vec<String> = report
        .results
        .iter()
        .filter(|r| matches!(r.outcome, "gone" | "moved" | "failed"))
        .map(|r| format!("article {} {}", short(&r.article), r.outcome))
        .collect();
    let answer = || {
        if attention.is_empty() {
            ExitCode::SUCCESS
        } else {
            super::error::no(&format!(
                "{} of {} watches need attention: {}",
                attention.len(),
                report.results.len(),
                attention.join(", ")
            ))
        }
    };
    if a.signing.json {
        print_json(&report)?;
        return Ok(answer());
    }
    let mut out = std::io::stdout().lock();
    if report.results.is_empty() {
        writeln!(out, "nothing due")?;
    }
    for r in &report.results {
        match (&r.fetch, &r.error) {
            (Some(f), _) => writeln!(out, "{}", outcome_text(f, ledger))?,
            (None, Some(e)) => writeln!(out, "article {}: failed: {}", short(&r.article), Esc(e))?,
            (None, None) => writeln!(
                out,
                "article {}: {} ({}); not fetched",
                short(&r.article),
                r.outcome,
                Esc(&r.url)
            )?,
        }
    }
    Ok(answer())
}
