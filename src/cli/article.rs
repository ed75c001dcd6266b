//! `provledger article`: record article versions and read them back.

use super::output::{parse_time, print_json, say, time, Signing};
use super::render::{attribution, clip, esc, short, Esc, Style};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use provledger::ledger::Ledger;
use provledger::state::{ArticleChain, ArticleInfo, ClaimFilter, ClaimSummary};
use provledger::statement::{ArticleChanges, ArticleRecord, Body, Kind};
use serde::Serialize;
use std::io::IsTerminal;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Record articles and their updates, list them and show one.
///
/// An article version's exact text is kept as a blob beside the log,
/// addressed by its SHA-256; the `article.record` statement carries that
/// digest and the byte length, so the text can be checked by anyone.
#[derive(Subcommand, Debug)]
pub enum ArticleCommand {
    /// Record the first version of an article from a UTF-8 text file.
    Add(AddArgs),
    /// Capture an article from the web and record its first version.
    ///
    /// The page is fetched over HTTP(S) (redirects followed by hand, at
    /// most 10; body and decoding capped; no proxy), its main text
    /// extracted (dom_smoothie, with trafilatura as a second opinion) and
    /// normalised, and the record carries the capture: URLs, redirect
    /// chain, status, headers, remote address, TLS certificate digest,
    /// charset and its source, extractors and their agreement. The raw
    /// body, the text and a WARC/1.1 file of the exchange are stored as
    /// blobs. The article's URL is the final URL without utm_*, fbclid or
    /// gclid parameters.
    Fetch(super::capture::ArticleFetchArgs),
    /// Record a new version of an article (the outlet updated it).
    ///
    /// The new version supersedes the newest recorded version of the
    /// article; url, publisher and title are carried over unless given.
    /// Claims stay on the version they read until `claim revise` moves them.
    Update(UpdateArgs),
    /// List articles with their versions.
    List(ListArgs),
    /// Show one article version, its version chain and its claims.
    Show(ShowArgs),
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// The article's exact text (UTF-8), as retrieved.
    file: PathBuf,
    /// Where the article was published.
    #[arg(long)]
    url: String,
    /// The outlet ("The Sunday Guardian").
    #[arg(long)]
    publisher: String,
    /// The headline.
    #[arg(long)]
    title: String,
    /// When the outlet published this version (RFC 3339, e.g. 2025-11-08T10:00:00Z).
    #[arg(long, value_parser = parse_time)]
    published: Option<u64>,
    /// When the text was retrieved (RFC 3339) [default: now].
    #[arg(long, value_parser = parse_time)]
    retrieved: Option<u64>,
    #[command(flatten)]
    signing: Signing,
}

#[derive(Args, Debug)]
#[command(mut_arg("json", |a| a.help("Print the receipt as JSON (schemas/receipt.schema.json); with --fetch, what was done (schemas/article-fetch.schema.json)")))]
pub struct UpdateArgs {
    /// The article: the id (prefix) of any of its versions.
    article: String,
    /// The new version's exact text (UTF-8); not with --fetch.
    #[arg(required_unless_present = "fetch", conflicts_with = "fetch")]
    file: Option<PathBuf>,
    /// Re-fetch the article from its URL instead of reading a file: a 304
    /// or the same text records nothing; a changed text is a new version
    /// (said to be a revert when it repeats an earlier one); a 404/410 or
    /// a redirect elsewhere is reported (exit 3) and noted in
    /// LEDGER/watch.json, keeping every version.
    #[arg(long, conflicts_with_all = ["url", "publisher", "title", "published", "retrieved"])]
    fetch: bool,
    #[command(flatten)]
    fetch_options: super::capture::FetchArgs,
    /// The new version's url [default: the previous version's].
    #[arg(long)]
    url: Option<String>,
    /// The outlet [default: the previous version's].
    #[arg(long)]
    publisher: Option<String>,
    /// The headline [default: the previous version's].
    #[arg(long)]
    title: Option<String>,
    /// When the outlet published this version (RFC 3339).
    #[arg(long, value_parser = parse_time)]
    published: Option<u64>,
    /// When the text was retrieved (RFC 3339) [default: now].
    #[arg(long, value_parser = parse_time)]
    retrieved: Option<u64>,
    #[command(flatten)]
    signing: Signing,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Print JSON (schemas/article-list.schema.json).
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// The article version: its id or a unique prefix (6+ hex digits).
    article: String,
    /// Print JSON (schemas/article-show.schema.json).
    #[arg(long)]
    json: bool,
    /// Print the version's exact text (with --json: include it as `text`).
    #[arg(long)]
    text: bool,
}

pub fn run(ledger: &Path, cmd: ArticleCommand) -> Result<ExitCode> {
    let ok = |()| ExitCode::SUCCESS;
    match cmd {
        ArticleCommand::Add(a) => add(ledger, a).map(ok),
        ArticleCommand::Fetch(a) => super::capture::fetch(ledger, a),
        ArticleCommand::Update(a) if a.fetch => {
            super::capture::update_fetch(ledger, &a.article, &a.fetch_options, &a.signing)
        }
        ArticleCommand::Update(a) => update(ledger, a).map(ok),
        ArticleCommand::List(a) => list(ledger, a).map(ok),
        ArticleCommand::Show(a) => show(ledger, a).map(ok),
    }
}

fn add(ledger: &Path, a: AddArgs) -> Result<()> {
    let bytes = ArticleRecord::read_text(&a.file)?;
    let retrieved_at = match a.retrieved {
        Some(t) => t,
        None => super::now()?,
    };
    let record = ArticleRecord::first_version(
        &bytes,
        a.url,
        a.publisher,
        a.title,
        a.published,
        retrieved_at,
    );
    let body = Body::ArticleRecord(record);
    // Checked and appended on one writer handle; the text is stored only
    // if the record is admitted.
    let mut w = a.signing.open(ledger, &[Kind::ArticleRecord])?;
    w.add(body, &[bytes])
}

fn update(ledger: &Path, a: UpdateArgs) -> Result<()> {
    let file = a
        .file
        .as_deref()
        .context("a text file or --fetch is needed")?;
    let bytes = ArticleRecord::read_text(file)?;
    let fields = ArticleChanges {
        url: a.url,
        publisher: a.publisher,
        title: a.title,
        published_at: a.published,
        retrieved_at: match a.retrieved {
            Some(t) => t,
            None => super::now()?,
        },
    };
    // Resolved and appended on one writer handle: the version superseded
    // is the newest when the update lands.
    let mut w = a.signing.open(ledger, &[Kind::ArticleRecord])?;
    let id = w.ledger.resolve(&a.article, &[Kind::ArticleRecord])?.id;
    let chain = w
        .ledger
        .state()
        .article_chain(&id)?
        .with_context(|| format!("article {} is not in the index", short(&id)))?;
    let body = Body::ArticleRecord(ArticleRecord::next_version(chain.latest(), &bytes, fields));
    let receipts = w.append_with_blobs(vec![body], &[bytes])?;
    a.signing.print_receipts(&receipts)
}

fn list(ledger: &Path, a: ListArgs) -> Result<()> {
    let l = Ledger::open(ledger)?;
    let chains = l.state().articles()?;
    if a.json {
        return print_json(&chains);
    }
    if chains.is_empty() {
        say!("no articles recorded yet; add one with `provledger article add`");
        return Ok(());
    }
    let style = Style::detect();
    let mut out = std::io::stdout().lock();
    for (i, c) in chains.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        print_chain_head(&mut out, c, style)?;
        print_versions(&mut out, c, None)?;
    }
    Ok(())
}

fn print_chain_head(out: &mut impl Write, c: &ArticleChain, style: Style) -> Result<()> {
    let latest = c.latest();
    writeln!(
        out,
        "{}  {}",
        style.bold(&short(&c.chain)),
        style.bold(&esc(&latest.title))
    )?;
    writeln!(
        out,
        "              {} · {} · {} version{} · {} claim{}",
        Esc(&latest.publisher),
        Esc(&latest.url),
        c.versions.len(),
        if c.versions.len() == 1 { "" } else { "s" },
        c.claims,
        if c.claims == 1 { "" } else { "s" }
    )?;
    Ok(())
}

fn print_versions(
    out: &mut impl Write,
    c: &ArticleChain,
    mark: Option<&ArticleInfo>,
) -> Result<()> {
    for v in &c.versions {
        let here = mark.is_some_and(|m| m.id == v.id);
        writeln!(
            out,
            "  {} v{:<3} {}  retrieved {}  {:>7} bytes  by {}{}",
            if here { "→" } else { " " },
            v.version,
            short(&v.id),
            time(v.retrieved_at),
            v.length,
            Esc(&v.signer.key),
            v.published_at
                .map(|p| format!("  published {}", time(p)))
                .unwrap_or_default()
        )?;
    }
    Ok(())
}

/// `article show --json`.
#[derive(Serialize)]
struct ShowView<'a> {
    /// The version asked about.
    article: &'a ArticleInfo,
    /// Every version of the article, oldest first.
    versions: &'a [ArticleInfo],
    /// The article's claims (in any version), oldest first.
    claims: &'a [ClaimSummary],
    /// The exact text, with --text.
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
}

fn show(ledger: &Path, a: ShowArgs) -> Result<()> {
    let l = Ledger::open(ledger)?;
    let id = l.resolve(&a.article, &[Kind::ArticleRecord])?.id;
    let chain = l
        .state()
        .article_chain(&id)?
        .with_context(|| format!("article {} is not in the index", short(&id)))?;
    let article = chain
        .versions
        .iter()
        .find(|v| v.id == id)
        .context("the article is missing from its own chain")?;
    let text = if a.text {
        Some(l.article_text(&article.id)?.as_str().to_string())
    } else {
        None
    };
    if a.text && !a.json {
        // The exact bytes, so `article show X --text > file` restores the
        // file; on a terminal, escaped but for its line breaks.
        let text = text.unwrap_or_default();
        let mut out = std::io::stdout().lock();
        if out.is_terminal() {
            for (i, line) in text.split('\n').enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write!(out, "{}", Esc(line))?;
            }
        } else {
            out.write_all(text.as_bytes())?;
        }
        out.flush()?;
        return Ok(());
    }
    let claims = l.state().claims(&ClaimFilter {
        article: Some(id),
        ..ClaimFilter::default()
    })?;
    if a.json {
        return print_json(&ShowView {
            article,
            versions: &chain.versions,
            claims: &claims,
            text: text.as_deref(),
        });
    }
    let style = Style::detect();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", style.bold(&esc(&article.title)))?;
    writeln!(
        out,
        "article    {} (version {} of {})",
        article.id,
        article.version,
        chain.versions.len()
    )?;
    writeln!(out, "publisher  {}", Esc(&article.publisher))?;
    writeln!(out, "url        {}", Esc(&article.url))?;
    if let Some(p) = article.published_at {
        writeln!(out, "published  {}", time(p))?;
    }
    writeln!(out, "retrieved  {}", time(article.retrieved_at))?;
    writeln!(
        out,
        "text       {} bytes, sha256 {}",
        article.length, article.content
    )?;
    writeln!(
        out,
        "recorded   entry {} by {} ({})",
        article.seq,
        Esc(&article.signer.key),
        Esc(&article.signer.display_name)
    )?;
    writeln!(out)?;
    writeln!(out, "versions")?;
    print_versions(&mut out, &chain, Some(article))?;
    writeln!(out)?;
    writeln!(out, "claims ({})", claims.len())?;
    for c in &claims {
        writeln!(
            out,
            "  {}  {:<12}  v{}  {}",
            short(&c.id),
            c.status.as_str(),
            c.article.version,
            clip(&c.proposition, 90)
        )?;
        writeln!(
            out,
            "  {}",
            style.dim(&format!(
                "{:<12}  {}",
                "",
                attribution(&c.attribution, &c.article.publisher)
            ))
        )?;
    }
    Ok(())
}
