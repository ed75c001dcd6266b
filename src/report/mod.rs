//! The web view: the ledger as HTML pages for people to read (issue 11
//! §2), rendered on the server (no page needs JavaScript) and written as a
//! static site by `provledger report --out DIR`.
//!
//! A [`Site`] over an opened [`Ledger`] renders one [`Page`] for a route
//! ([`Site::page`]) and lists every route of the static site
//! ([`Site::routes`]); [`write_site`] writes them all into a directory,
//! atomically. There is no HTTP here: a server maps a request path (and its
//! query string, which only the claims index reads) to [`Site::page`].
//!
//! Routes are relative paths, and every link a page holds is relative to
//! it, so the same pages work from `file://`, beside the tiles on a static
//! host, and under `/` of `provledger serve`:
//!
//! | route | page |
//! |---|---|
//! | `index.html` (also `` and `/`) | every claim, with a filter form (article, source, status, search) |
//! | `status/STATUS.html` | the claims with one status (the filter without JavaScript) |
//! | `articles/CHAIN.html` | an article: its versions, its claims, links to the diffs |
//! | `articles/CHAIN/diff-A-B.html` | a word diff of versions A and B (A < B); the static site holds B = A + 1 and A = 1, a server any pair |
//! | `sources/SOURCE.html` | a source and the claims attributed to or relayed by it |
//! | `claims/CLAIM.html` | a claim: status and deciding rule, timeline, verdicts, corroboration graph |
//! | `audit.html` | the checkpoint, its size and root, and how to verify offline |
//! | `style.css`, `filter.js` | the style sheet (screen and print) and the optional filter |
//!
//! The index honours a query string (`?status=verified&article=HEX&source=HEX&q=words`)
//! when a server passes one: the claims are then filtered by
//! [`State::claims`](crate::state::State::claims). The static site's index
//! lists every claim; `filter.js` applies the same query (and live
//! typing) in the browser, and the per-status, per-article and per-source
//! pages are the filters without JavaScript.
//!
//! Templates are files under `templates/`, embedded in the binary and
//! rendered by minijinja with HTML escaping on. Pages use no external font,
//! script or style sheet.

mod graph;
mod pages;
mod write;

pub use write::{write_site, Written, MARKER};

use crate::digest::Digest;
use crate::ledger::{Ledger, LedgerError};
use crate::state::StateError;
use crate::status::Status;
use minijinja::Environment;
use std::sync::OnceLock;

/// One rendered page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// Its media type (`text/html; charset=utf-8`, `text/css; charset=utf-8`, ...).
    pub content_type: &'static str,
    /// Its bytes.
    pub body: Vec<u8>,
}

/// Why a page could not be rendered or the site written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Reading the ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// Reading the index failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// A template failed to render (a bug: the templates are built in).
    #[error("rendering {template}: {message}")]
    Template {
        /// The template.
        template: String,
        /// What went wrong.
        message: String,
    },
    /// The output directory cannot be used (nothing was written).
    #[error("{0}")]
    Out(String),
    /// Writing the site failed (nothing was left in the output directory).
    #[error("{what} {}", path.display())]
    Io {
        /// What was being done.
        what: &'static str,
        /// Where.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

const HTML: &str = "text/html; charset=utf-8";

/// The templates, compiled once per process.
fn templates() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // Every `.html` template escapes what it prints (minijinja's default
        // for the extension); `|safe` is used only for the SVG graph, which
        // graph.rs builds with its own escaping.
        for (name, text) in [
            ("base.html", include_str!("../../templates/base.html")),
            ("macros.html", include_str!("../../templates/macros.html")),
            ("index.html", include_str!("../../templates/index.html")),
            ("article.html", include_str!("../../templates/article.html")),
            ("diff.html", include_str!("../../templates/diff.html")),
            ("source.html", include_str!("../../templates/source.html")),
            ("claim.html", include_str!("../../templates/claim.html")),
            ("audit.html", include_str!("../../templates/audit.html")),
        ] {
            env.add_template(name, text)
                .unwrap_or_else(|e| panic!("built-in template {name}: {e}"));
        }
        env
    })
}

/// The web view of one ledger.
pub struct Site<'a> {
    ledger: &'a Ledger,
}

/// What a route names.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    Index(pages::IndexQuery),
    Status(Status),
    Article(Digest),
    Diff(Digest, u64, u64),
    Source(Digest),
    Claim(Digest),
    Audit,
    Css,
    Js,
}

/// `HEX.html` → the digest.
fn hex_page(name: &str) -> Option<Digest> {
    let hex = name.strip_suffix(".html")?;
    (hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then(|| Digest::from_hex(hex).ok())
        .flatten()
}

fn parse_route(route: &str) -> Option<Route> {
    let (path, query) = route.split_once('?').unwrap_or((route, ""));
    let path = path.trim_start_matches('/');
    let parts: Vec<&str> = path.split('/').collect();
    Some(match parts.as_slice() {
        [""] | ["index.html"] => Route::Index(pages::IndexQuery::parse(query)),
        ["audit.html"] => Route::Audit,
        ["style.css"] => Route::Css,
        ["filter.js"] => Route::Js,
        ["status", s] => Route::Status(s.strip_suffix(".html")?.parse().ok()?),
        ["articles", a] => Route::Article(hex_page(a)?),
        ["articles", a, d] => {
            let chain = Digest::from_hex(a).ok().filter(|_| a.len() == 64)?;
            let (from, to) = d
                .strip_prefix("diff-")?
                .strip_suffix(".html")?
                .split_once('-')?;
            let num = |s: &str| {
                (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0'))
                    .then(|| s.parse::<u64>().ok())
                    .flatten()
            };
            let (from, to) = (num(from)?, num(to)?);
            if from >= to {
                return None;
            }
            Route::Diff(chain, from, to)
        }
        ["sources", s] => Route::Source(hex_page(s)?),
        ["claims", c] => Route::Claim(hex_page(c)?),
        _ => return None,
    })
}

impl<'a> Site<'a> {
    /// The web view of `ledger`.
    pub fn new(ledger: &'a Ledger) -> Site<'a> {
        Site { ledger }
    }

    /// The page for `route` (a path relative to the site's root, with an
    /// optional query string that the claims index reads), or `None` when
    /// the route names no page (an unknown path, or an id the ledger does
    /// not hold).
    pub fn page(&self, route: &str) -> Result<Option<Page>, ReportError> {
        let Some(route) = parse_route(route) else {
            return Ok(None);
        };
        let p = pages::Pages::new(self.ledger);
        Ok(match route {
            Route::Css => Some(Page {
                content_type: "text/css; charset=utf-8",
                body: include_bytes!("../../templates/style.css").to_vec(),
            }),
            Route::Js => Some(Page {
                content_type: "text/javascript; charset=utf-8",
                body: include_bytes!("../../templates/filter.js").to_vec(),
            }),
            Route::Index(q) => Some(p.index(&q)?),
            Route::Status(s) => Some(p.status(s)?),
            Route::Article(a) => p.article(&a)?,
            Route::Diff(a, from, to) => p.diff(&a, from, to)?,
            Route::Source(s) => p.source(&s)?,
            Route::Claim(c) => p.claim(&c)?,
            Route::Audit => Some(p.audit()?),
        })
    }

    /// Every route of the static site: the index, a list per status, each
    /// article with the diffs its page links (each version against the one
    /// before and against the first; [`Site::page`] renders any pair), each source,
    /// each claim, the audit page, the style sheet and the filter script.
    pub fn routes(&self) -> Result<Vec<String>, ReportError> {
        let state = self.ledger.state();
        let mut out = vec!["index.html".to_string(), "audit.html".to_string()];
        out.extend(Status::ALL.iter().map(|s| format!("status/{s}.html")));
        for chain in state.articles()? {
            let c = chain.chain.to_hex();
            out.push(format!("articles/{c}.html"));
            for (a, b) in pages::diff_pairs(chain.versions.len() as u64) {
                out.push(format!("articles/{c}/diff-{a}-{b}.html"));
            }
        }
        out.extend(
            state
                .sources()?
                .iter()
                .map(|s| format!("sources/{}.html", s.id.to_hex())),
        );
        out.extend(
            state
                .claims(&Default::default())?
                .iter()
                .map(|c| format!("claims/{}.html", c.id.to_hex())),
        );
        out.push("style.css".to_string());
        out.push("filter.js".to_string());
        Ok(out)
    }
}

/// Renders `template` with `ctx` into an HTML page.
fn render(template: &str, ctx: minijinja::Value) -> Result<Page, ReportError> {
    let fail = |e: minijinja::Error| ReportError::Template {
        template: template.to_string(),
        message: format!("{e:#}"),
    };
    let t = templates().get_template(template).map_err(fail)?;
    Ok(Page {
        content_type: HTML,
        body: t.render(ctx).map_err(fail)?.into_bytes(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_parse() {
        let h = "ab".repeat(32);
        assert_eq!(
            parse_route(""),
            Some(Route::Index(pages::IndexQuery::default()))
        );
        assert_eq!(parse_route("/audit.html"), Some(Route::Audit));
        assert_eq!(
            parse_route("status/in_review.html"),
            Some(Route::Status(Status::InReview))
        );
        assert_eq!(parse_route("status/nope.html"), None);
        let d = Digest::from_hex(&h).unwrap();
        assert_eq!(
            parse_route(&format!("claims/{h}.html")),
            Some(Route::Claim(d))
        );
        assert_eq!(parse_route(&format!("claims/{}.html", &h[..12])), None);
        assert_eq!(
            parse_route(&format!("claims/{}.html", h.to_uppercase())),
            None
        );
        assert_eq!(
            parse_route(&format!("articles/{h}/diff-1-2.html")),
            Some(Route::Diff(d, 1, 2))
        );
        assert_eq!(parse_route(&format!("articles/{h}/diff-2-1.html")), None);
        assert_eq!(parse_route(&format!("articles/{h}/diff-01-2.html")), None);
        assert_eq!(parse_route("../etc/passwd"), None);
        assert_eq!(parse_route("claims/../index.html"), None);
    }
}
