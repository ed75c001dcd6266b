//! `provledger article fetch`, `article update --fetch` and `watch`: the
//! presentation of the library's capture (`provledger::capture`).

use super::output::{print_committed, say, write_json, Signing, Writer};
use super::render::{short, Esc};
use anyhow::{Context, Result};
use clap::Args;
use provledger::capture::watch::{Event, Outcome, WatchList};
use provledger::capture::{self, FetchOptions, Fetcher, Page, Update};
use provledger::digest::Digest;
use provledger::ledger::Receipt;
use provledger::state::ArticleChain;
use provledger::statement::{Body, Kind};
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// The HTTP options of a capture.
#[derive(Args, Debug, Clone)]
pub struct FetchArgs {
    /// How the operator can be reached (an email address or URL), sent in
    /// the User-Agent so a site can complain to a person.
    #[arg(long, env = "PROVLEDGER_CONTACT", value_name = "EMAIL|URL")]
    pub contact: Option<String>,
    /// Longest time for the whole exchange, redirects and body included, in
    /// seconds.
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
    pub timeout: f64,
    /// Longest wait for a connection, in seconds.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub connect_timeout: f64,
    /// Most bytes of body read (the raw body, at most 3932160: it is stored
    /// twice, as a blob and in the WARC file); a larger one is refused.
    #[arg(long, default_value_t = capture::http::DEFAULT_MAX_BODY, value_name = "BYTES")]
    pub max_bytes: u64,
    /// Most bytes a Content-Encoding (gzip, deflate, br) may decode to;
    /// more is refused as a decompression bomb.
    #[arg(long, default_value_t = capture::http::DEFAULT_MAX_DECODED, value_name = "BYTES")]
    pub max_decoded_bytes: u64,
    /// Also connect to private, loopback, link-local and other non-public
    /// addresses (RFC 1918, 127/8, ::1, fc00::/7, 169.254/16, 0.0.0.0, …),
    /// which a capture refuses by default, for every redirect hop too: a URL
    /// from a tip must not reach the ledger host's own network.
    /// The variable takes 1/0, true/false, yes/no, on/off.
    #[arg(
        long,
        env = "PROVLEDGER_ALLOW_PRIVATE_ADDRESSES",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub allow_private_addresses: bool,
    /// Longest Retry-After waited for, in seconds; a longer one is reported.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub max_retry_after: u64,
}

impl FetchArgs {
    pub fn fetcher(&self) -> Result<Fetcher> {
        let secs = |what: &str, v: f64| -> Result<Duration> {
            Duration::try_from_secs_f64(v)
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or_else(|| {
                    super::Fail::Usage(format!("--{what} {v} is not a positive number of seconds"))
                        .into()
                })
        };
        Ok(Fetcher::new(FetchOptions {
            connect_timeout: secs("connect-timeout", self.connect_timeout)?,
            total_timeout: secs("timeout", self.timeout)?,
            max_body: self.max_bytes,
            max_decoded: self.max_decoded_bytes,
            max_retry_after: Duration::from_secs(self.max_retry_after),
            contact: self.contact.clone(),
            allow_private: self.allow_private_addresses,
            ..FetchOptions::default()
        })?)
    }
}

/// `article fetch`.
#[derive(Args, Debug)]
#[command(mut_arg("json", |a| a.help("Print what was done as JSON (schemas/article-fetch.schema.json)")))]
pub struct ArticleFetchArgs {
    /// The article's URL (http or https).
    url: String,
    /// The outlet [default: the page's og:site_name, else its host].
    #[arg(long)]
    publisher: Option<String>,
    /// The headline [default: the page's].
    #[arg(long)]
    title: Option<String>,
    #[command(flatten)]
    fetch: FetchArgs,
    #[command(flatten)]
    signing: Signing,
}

/// What a fetch did (`--json`: schemas/article-fetch.schema.json).
#[derive(Serialize)]
pub struct FetchReport {
    /// new-version, reverted, not-modified, same-text, gone, moved.
    pub outcome: &'static str,
    /// The article (the id of its first version).
    pub article: Digest,
    /// The version recorded, or the version that is still current.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    /// The `article.record` appended, if one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt: Option<Receipt>,
    /// The earlier version whose text a revert repeats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revert_of: Option<u64>,
    /// The URL fetched.
    pub url: String,
    /// The HTTP status, when there was a page or a 404/410.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Where a moved article now is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<String>,
    /// The capture of a recorded version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture: Option<provledger::statement::Capture>,
    /// The recorded text's length in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_length: Option<u64>,
}

fn say_page(page: &Page) {
    let c = &page.capture;
    for r in &c.redirects {
        say!(
            "redirect {} {} -> {}",
            r.status,
            Esc(&r.url),
            Esc(&r.location)
        );
    }
    say!(
        "captured {} ({}, {} bytes raw, charset {} from {}); text {} bytes; extractors agree {}.{:03}",
        Esc(&c.final_url),
        c.status,
        c.raw_length,
        c.charset,
        c.charset_source.as_str(),
        page.text.len(),
        c.agreement / 1000,
        c.agreement % 1000
    );
    if c.low_confidence {
        say!(
            "low confidence: the extracted text may be wrong (extractors agree {}/1000, or the text shrank by more than half); claim drift marks no claim dropped on it",
            c.agreement
        );
    }
}

fn print_report(signing: &Signing, report: &FetchReport, text: &str) -> Result<()> {
    let receipts: Vec<Receipt> = report.receipt.iter().cloned().collect();
    print_committed(&receipts, |out| {
        if signing.json {
            return write_json(out, report);
        }
        writeln!(out, "{text}")?;
        Ok(())
    })
}

/// `article fetch URL`.
pub fn fetch(ledger: &Path, a: ArticleFetchArgs) -> Result<ExitCode> {
    capture::http::parse_http_url(&a.url)?;
    capture::check_given(a.publisher.as_deref(), a.title.as_deref())
        .map_err(|e| super::Fail::Usage(e.to_string()))?;
    let fetcher = a.fetch.fetcher()?;
    // The writer lock is held from here to the append: no other record of
    // the same article lands in between.
    let mut w = a.signing.open(ledger, &[Kind::ArticleRecord])?;
    let page = capture::first(&fetcher, &a.url)?;
    if let Some(c) = chain_with_url(&w, &page.identity_url)? {
        return Err(super::Fail::Usage(format!(
            "article {} already records {}; re-fetch it with `provledger article update {} --fetch`",
            short(&c.chain),
            page.identity_url,
            short(&c.chain)
        ))
        .into());
    }
    say_page(&page);
    let record = capture::first_record(&page, a.publisher, a.title);
    let receipts = w.append_with_blobs(vec![Body::ArticleRecord(record)], &page.blobs())?;
    let r = receipts[0].clone();
    let report = FetchReport {
        outcome: Outcome::NewVersion.as_str(),
        article: r.id,
        version: Some(1),
        receipt: Some(r.clone()),
        revert_of: None,
        url: page.identity_url.clone(),
        status: Some(page.capture.status),
        moved_to: None,
        text_length: Some(page.text.len() as u64),
        capture: Some(page.capture),
    };
    print_report(
        &a.signing,
        &report,
        &format!("{} {} at entry {}", r.kind, r.id, r.seq),
    )?;
    Ok(ExitCode::SUCCESS)
}

fn chain_with_url(w: &Writer<'_>, url: &str) -> Result<Option<ArticleChain>> {
    Ok(w.ledger
        .state()
        .articles()?
        .into_iter()
        .find(|c| c.versions.iter().any(|v| v.url == url)))
}

/// One re-fetch of the article whose chain is `chain`, on writer `w`:
/// appends a new version when the text changed, and records in the watch
/// list what makes no version. Returns the report and its outcome.
pub fn refetch(
    w: &mut Writer<'_>,
    fetcher: &Fetcher,
    chain: &ArticleChain,
    watches: &mut WatchList,
) -> Result<(FetchReport, Outcome)> {
    let latest = chain.latest();
    let now = super::now()?;
    let mut report = FetchReport {
        outcome: "",
        article: chain.chain,
        version: Some(latest.version),
        receipt: None,
        revert_of: None,
        url: latest.url.clone(),
        status: None,
        moved_to: None,
        capture: None,
        text_length: None,
    };
    let event = |outcome: Outcome, status: Option<u16>, detail: Option<String>| Event {
        at: now,
        article: chain.chain,
        url: latest.url.clone(),
        outcome,
        status,
        detail,
    };
    let outcome = match capture::update(fetcher, chain)? {
        Update::NotModified { .. } => {
            report.status = Some(304);
            Outcome::NotModified
        }
        Update::SameText { .. } => Outcome::SameText,
        Update::Gone { status, .. } => {
            report.status = Some(status);
            watches.event(event(Outcome::Gone, Some(status), None));
            Outcome::Gone
        }
        Update::Moved {
            to, chain: hops, ..
        } => {
            watches.event(event(Outcome::Moved, None, Some(hops)));
            report.moved_to = Some(to);
            Outcome::Moved
        }
        Update::Changed { page, revert_of } => {
            say_page(&page);
            let record = capture::next_record(latest, &page);
            let receipts = w.append_with_blobs(vec![Body::ArticleRecord(record)], &page.blobs())?;
            let r = receipts[0].clone();
            report.version = Some(latest.version + 1);
            report.receipt = Some(r);
            report.revert_of = revert_of;
            report.status = Some(page.capture.status);
            report.text_length = Some(page.text.len() as u64);
            report.capture = Some(page.capture);
            let outcome = if revert_of.is_some() {
                Outcome::Reverted
            } else {
                Outcome::NewVersion
            };
            watches.event(event(
                outcome,
                report.status,
                Some(format!("version {}", latest.version + 1)),
            ));
            outcome
        }
    };
    report.outcome = outcome.as_str();
    Ok((report, outcome))
}

/// The sentence for a re-fetch's outcome.
pub fn outcome_text(r: &FetchReport, ledger: &Path) -> String {
    let a = short(&r.article);
    let v = r.version.unwrap_or(0);
    let watch = WatchList::path(ledger);
    match r.outcome {
        "new-version" => format!("article {a}: new version {v} recorded"),
        "reverted" => format!(
            "article {a}: new version {v} recorded; its text reverts to version {}",
            r.revert_of.unwrap_or(0)
        ),
        "not-modified" => format!(
            "article {a}: unchanged (304 Not Modified); version {v} is current, no new version recorded"
        ),
        "same-text" => format!(
            "article {a}: unchanged (same text); version {v} is current, no new version recorded"
        ),
        "gone" => format!(
            "article {a}: gone ({} answered {}); recorded in {}; its {v} version(s) are kept",
            Esc(&r.url),
            r.status.unwrap_or(0),
            watch.display()
        ),
        "moved" => format!(
            "article {a}: moved ({} now redirects to {}); recorded in {}; no version recorded, its {v} version(s) are kept",
            Esc(&r.url),
            Esc(r.moved_to.as_deref().unwrap_or("")),
            watch.display()
        ),
        other => format!("article {a}: {other}"),
    }
}

/// `article update ARTICLE --fetch`.
pub fn update_fetch(
    ledger: &Path,
    article: &str,
    fetch: &FetchArgs,
    signing: &Signing,
) -> Result<ExitCode> {
    let fetcher = fetch.fetcher()?;
    let mut w = signing.open(ledger, &[Kind::ArticleRecord])?;
    let id = w.ledger.resolve(article, &[Kind::ArticleRecord])?.id;
    let chain = w
        .ledger
        .state()
        .article_chain(&id)?
        .with_context(|| format!("article {} is not in the index", short(&id)))?;
    let mut watches = WatchList::load(ledger)?;
    let before = watches.clone();
    let (report, outcome) = refetch(&mut w, &fetcher, &chain, &mut watches)?;
    if let Some(i) = watches
        .watches
        .iter()
        .position(|x| x.article == chain.chain)
    {
        watches.ran(i, super::now()?, outcome);
    }
    if watches != before {
        watches.save(ledger)?;
    }
    drop(w);
    print_report(signing, &report, &outcome_text(&report, ledger))?;
    Ok(if matches!(outcome, Outcome::Gone | Outcome::Moved) {
        super::error::no(&outcome_text(&report, ledger))
    } else {
        ExitCode::SUCCESS
    })
}
