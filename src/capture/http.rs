//! One HTTP exchange as evidence: reqwest's blocking client with automatic
//! redirects and decompression off, so that what is recorded is what the
//! server sent. Redirects are followed here (at most
//! [`FetchOptions::max_redirects`], http and https only, loops refused),
//! the body is read with a cap whatever `Content-Length` says, the whole
//! exchange has a deadline, and `Retry-After` is honoured up to a bound.

use super::CaptureError;
use crate::digest::Digest;
use crate::statement::{CapturedHeaders, Redirect};
use reqwest::header::{HeaderMap, HeaderValue};
use std::io::Read;
use std::time::{Duration, Instant};
use url::Url;

/// The most raw body a capture may keep: the raw body and the WARC file
/// that holds it are blobs, which are at most 4 MiB
/// ([`MAX_BLOB_BYTES`](crate::log::blobs::MAX_BLOB_BYTES)); 256 KiB is left for the
/// WARC records' heads.
pub const MAX_RAW_BYTES: u64 = crate::state::limits::MAX_ARTICLE_BYTES - (256 << 10);

/// The default of [`FetchOptions::max_body`] (and of `--max-bytes`).
pub const DEFAULT_MAX_BODY: u64 = 3 << 20;

/// The default of [`FetchOptions::max_decoded`] (and of
/// `--max-decoded-bytes`): a page's HTML with its inline scripts and
/// styles rarely decodes past a few MiB; 20 MiB leaves room, and a
/// decompression bomb (a few kB that decode to gigabytes) is refused long
/// before memory runs short.
pub const DEFAULT_MAX_DECODED: u64 = 20 << 20;

/// The limits and identity of a capture's HTTP client.
#[derive(Clone, Debug)]
pub struct FetchOptions {
    /// Longest wait for a TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Longest time for the whole exchange, redirects and body included.
    pub total_timeout: Duration,
    /// Most bytes of body read from the wire (the raw, still encoded body);
    /// at most [`MAX_RAW_BYTES`].
    pub max_body: u64,
    /// Most bytes a `Content-Encoding` may decode to.
    pub max_decoded: u64,
    /// Most redirects followed.
    pub max_redirects: usize,
    /// Longest `Retry-After` waited for (once per exchange); a longer one
    /// is reported instead.
    pub max_retry_after: Duration,
    /// How the operator can be reached, put in the User-Agent (an email
    /// address or a URL).
    pub contact: Option<String>,
    /// Certificates (DER) trusted as roots besides the Web PKI's (a private
    /// CA; the tests' own).
    pub extra_roots: Vec<Vec<u8>>,
    /// Connect to private, loopback, link-local and other non-public
    /// addresses too (off by default: see [`super::address`]).
    pub allow_private: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_body: DEFAULT_MAX_BODY,
            max_decoded: DEFAULT_MAX_DECODED,
            max_redirects: 10,
            max_retry_after: Duration::from_secs(10),
            contact: None,
            extra_roots: Vec::new(),
            allow_private: false,
        }
    }
}

impl FetchOptions {
    /// The User-Agent: the tool, its version and the contact option.
    pub fn user_agent(&self) -> String {
        let contact = match &self.contact {
            Some(c) => format!("contact: {c}"),
            None => "no contact given".to_string(),
        };
        format!(
            "provledger/{} (source-verification ledger; {contact})",
            env!("CARGO_PKG_VERSION")
        )
    }
}

/// Validators of the previous capture, sent as a conditional request.
#[derive(Clone, Debug, Default)]
pub struct Conditional {
    /// Sent as `If-None-Match`.
    pub etag: Option<String>,
    /// Sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// One completed HTTP exchange (whatever its status), with everything a
/// capture record and its WARC file need.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// The URL asked for.
    pub requested_url: String,
    /// The URL that gave this response.
    pub final_url: Url,
    /// The redirects followed on the way.
    pub redirects: Vec<Redirect>,
    /// The HTTP status.
    pub status: u16,
    /// The status line's version ("HTTP/1.1").
    pub version: String,
    /// Every response header, in the order the client gave them.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The request as sent, head only (for the WARC request record).
    pub request_head: Vec<u8>,
    /// The peer address.
    pub remote_addr: Option<String>,
    /// SHA-256 of the TLS leaf certificate's DER, on https.
    pub tls_certificate: Option<Digest>,
    /// The body exactly as received (transfer coding removed, content
    /// coding kept).
    pub body: Vec<u8>,
    /// When the response arrived (unix seconds, the ledger's clock).
    pub retrieved_at: u64,
    /// The redirect exchanges before this one, in order (each with no
    /// hops of its own), for the WARC file.
    pub hops: Vec<Exchange>,
}

impl Exchange {
    /// The first value of header `name` (lower case), as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    }

    /// The headers a capture record keeps.
    pub fn kept_headers(&self) -> CapturedHeaders {
        CapturedHeaders {
            date: self.header("date"),
            etag: self.header("etag"),
            last_modified: self.header("last-modified"),
            content_type: self.header("content-type"),
            content_encoding: self.header("content-encoding"),
        }
    }
}

/// `u` with its user name and password replaced by `***`, for messages.
fn redact_userinfo(u: &Url) -> String {
    let mut r = u.clone();
    let _ = r.set_username("***");
    let _ = r.set_password(None);
    r.to_string()
}

/// Whether `url` may be fetched: absolute http or https, without a user
/// name or password.
pub fn parse_http_url(url: &str) -> Result<Url, CaptureError> {
    let u = Url::parse(url).map_err(|e| CaptureError::BadUrl {
        url: url.to_string(),
        why: e.to_string(),
    })?;
    if !u.username().is_empty() || u.password().is_some() {
        // A signed capture is public and cannot be taken back: a user name
        // or password in the URL would be published with it.
        return Err(CaptureError::BadUrl {
            url: redact_userinfo(&u),
            why: "it carries a user name or password, which a capture would publish".into(),
        });
    }
    match u.scheme() {
        "http" | "https" if u.host_str().is_some_and(|h| !h.is_empty()) => Ok(u),
        "http" | "https" => Err(CaptureError::BadUrl {
            url: url.to_string(),
            why: "it has no host".into(),
        }),
        other => Err(CaptureError::BadUrl {
            url: url.to_string(),
            why: format!("its scheme is {other}:; only http and https are fetched"),
        }),
    }
}

/// The HTTP client of a capture run: one connection pool, the options.
pub struct Fetcher {
    client: reqwest::blocking::Client,
    opts: FetchOptions,
}

impl Fetcher {
    /// A client with `opts`: no automatic redirects, no proxy from the
    /// environment, TLS details kept.
    pub fn new(opts: FetchOptions) -> Result<Fetcher, CaptureError> {
        if opts.max_body > MAX_RAW_BYTES {
            return Err(CaptureError::Client(format!(
                "a body cap of {} bytes is more than the {MAX_RAW_BYTES} a capture can store",
                opts.max_body
            )));
        }
        let mut builder = reqwest::blocking::Client::builder();
        for der in &opts.extra_roots {
            let cert = reqwest::Certificate::from_der(der)
                .map_err(|e| CaptureError::Client(format!("a root certificate: {e}")))?;
            builder = builder.add_root_certificate(cert);
        }
        if !opts.allow_private {
            // Every name resolved is checked before the connector sees its
            // addresses (address.rs).
            builder = builder.dns_resolver(super::address::GuardedResolver::arc());
        }
        // object_store (feature `publish`) turns on reqwest's HTTP/2 and
        // system roots for the one client of the project. A capture keeps
        // its own: HTTP/1.1, the protocol its WARC record says, and
        // webpki's roots only, the same on every machine.
        #[cfg(feature = "publish")]
        {
            builder = builder.tls_built_in_native_certs(false);
        }
        let client = builder
            .http1_only()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.total_timeout)
            .user_agent(opts.user_agent())
            .tls_info(true)
            .no_proxy()
            .build()
            .map_err(|e| CaptureError::Client(e.to_string()))?;
        Ok(Fetcher { client, opts })
    }

    /// The options.
    pub fn options(&self) -> &FetchOptions {
        &self.opts
    }

    /// GETs `url`, following redirects by the capture's policy, with the
    /// validators of `cond` (sent to the first URL only when it is the
    /// one they came from: see [`Conditional`]).
    pub fn get(&self, url: &str, cond: &Conditional) -> Result<Exchange, CaptureError> {
        let start = Instant::now();
        let first = parse_http_url(url)?;
        let mut current = first.clone();
        let mut redirects: Vec<Redirect> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        seen.insert(current.to_string());
        let mut retried = false;
        let mut hops: Vec<Exchange> = Vec::new();
        loop {
            let mut ex = self.one(url, &current, cond, &redirects, start)?;
            if matches!(ex.status, 429 | 503) && !retried {
                if let Some(wait) = ex.header("retry-after") {
                    let secs = retry_after_secs(&wait).ok_or_else(|| CaptureError::Http {
                        url: current.to_string(),
                        why: format!(
                            "status {} with an unreadable Retry-After '{wait}'",
                            ex.status
                        ),
                    })?;
                    if Duration::from_secs(secs) > self.opts.max_retry_after {
                        return Err(CaptureError::RetryLater {
                            url: current.to_string(),
                            status: ex.status,
                            seconds: secs,
                            bound: self.opts.max_retry_after.as_secs(),
                        });
                    }
                    let left = self.opts.total_timeout.saturating_sub(start.elapsed());
                    if Duration::from_secs(secs) >= left {
                        return Err(CaptureError::Timeout {
                            url: current.to_string(),
                            seconds: self.opts.total_timeout.as_secs_f64(),
                        });
                    }
                    std::thread::sleep(Duration::from_secs(secs));
                    retried = true;
                    continue;
                }
            }
            if !matches!(ex.status, 301 | 302 | 303 | 307 | 308) {
                ex.hops = std::mem::take(&mut hops);
                return Ok(ex);
            }
            let Some(loc) = ex.header("location") else {
                return Err(CaptureError::Http {
                    url: current.to_string(),
                    why: format!("redirect {} without a Location header", ex.status),
                });
            };
            let next = current.join(loc.trim()).map_err(|e| CaptureError::Http {
                url: current.to_string(),
                why: format!("redirect to an unreadable Location '{loc}': {e}"),
            })?;
            redirects.push(Redirect {
                url: current.to_string(),
                status: ex.status,
                location: next.to_string(),
            });
            if !matches!(next.scheme(), "http" | "https") {
                return Err(CaptureError::RedirectScheme {
                    from: current.to_string(),
                    to: next.to_string(),
                });
            }
            if !next.username().is_empty() || next.password().is_some() {
                return Err(CaptureError::Http {
                    url: current.to_string(),
                    why: format!(
                        "redirect to {}, which carries a user name or password that a capture would publish",
                        redact_userinfo(&next)
                    ),
                });
            }
            if !seen.insert(next.to_string()) {
                return Err(CaptureError::RedirectLoop {
                    chain: chain_text(&redirects),
                });
            }
            if redirects.len() > self.opts.max_redirects {
                return Err(CaptureError::TooManyRedirects {
                    max: self.opts.max_redirects,
                    chain: chain_text(&redirects),
                });
            }
            hops.push(ex);
            current = next;
        }
    }

    /// One request and its whole body, within what is left of the deadline.
    fn one(
        &self,
        requested: &str,
        url: &Url,
        cond: &Conditional,
        redirects: &[Redirect],
        start: Instant,
    ) -> Result<Exchange, CaptureError> {
        let timeout = || CaptureError::Timeout {
            url: url.to_string(),
            seconds: self.opts.total_timeout.as_secs_f64(),
        };
        let left = self.opts.total_timeout.saturating_sub(start.elapsed());
        if left.is_zero() {
            return Err(timeout());
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            "accept",
            HeaderValue::from_static("text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"),
        );
        headers.insert(
            "accept-encoding",
            HeaderValue::from_static("gzip, deflate, br"),
        );
        // Validators belong to the URL they came from: only the first hop.
        if redirects.is_empty() {
            if let Some(e) = cond
                .etag
                .as_deref()
                .and_then(|v| HeaderValue::from_str(v).ok())
            {
                headers.insert("if-none-match", e);
            }
            if let Some(m) = cond
                .last_modified
                .as_deref()
                .and_then(|v| HeaderValue::from_str(v).ok())
            {
                headers.insert("if-modified-since", m);
            }
        }
        if !self.opts.allow_private {
            // An IP literal is not resolved: checked here.
            let literal = match url.host() {
                Some(url::Host::Ipv4(a)) => Some(std::net::IpAddr::V4(a)),
                Some(url::Host::Ipv6(a)) => Some(std::net::IpAddr::V6(a)),
                _ => None,
            };
            if let Some(ip) = literal {
                super::address::check(&ip.to_string(), ip).map_err(|r| refused(url, r))?;
            }
        }
        let request_head = request_head(url, &self.opts.user_agent(), &headers);
        let resp = self
            .client
            .get(url.clone())
            .headers(headers)
            .timeout(left)
            .send()
            .map_err(|e| {
                if let Some(r) = find_refused(&e) {
                    refused(url, r)
                } else if e.is_timeout() {
                    timeout()
                } else {
                    CaptureError::Http {
                        url: url.to_string(),
                        why: super::error_chain(&e),
                    }
                }
            })?;
        let status = resp.status().as_u16();
        let version = format!("{:?}", resp.version());
        if !self.opts.allow_private {
            // The address actually connected, whatever led to it.
            if let Some(peer) = resp.remote_addr() {
                super::address::check(url.host_str().unwrap_or_default(), peer.ip())
                    .map_err(|r| refused(url, r))?;
            }
        }
        let remote_addr = resp.remote_addr().map(|a| a.to_string());
        let tls_certificate = resp
            .extensions()
            .get::<reqwest::tls::TlsInfo>()
            .and_then(|t| t.peer_certificate())
            .map(Digest::of);
        let response_headers: Vec<(String, Vec<u8>)> = resp
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), v.as_bytes().to_vec()))
            .collect();
        let body = read_capped(
            resp,
            self.opts.max_body,
            url,
            start,
            self.opts.total_timeout,
        )?;
        Ok(Exchange {
            requested_url: requested.to_string(),
            final_url: url.clone(),
            redirects: redirects.to_vec(),
            status,
            version,
            headers: response_headers,
            request_head,
            remote_addr,
            tls_certificate,
            body,
            // The ledger's clock (SOURCE_DATE_EPOCH when set), as for statements.
            retrieved_at: crate::ledger::now().unwrap_or(0),
            hops: Vec::new(),
        })
    }
}

/// The address refusal in `e`'s chain of sources, if that is why it failed.
fn find_refused(e: &(dyn std::error::Error + 'static)) -> Option<super::address::Refused> {
    crate::error::causes(e)
        .find_map(|c| c.downcast_ref::<super::address::Refused>())
        .cloned()
}

fn refused(url: &Url, r: super::address::Refused) -> CaptureError {
    CaptureError::PrivateAddress {
        url: url.to_string(),
        why: r.to_string(),
    }
}

/// Reads at most `cap` bytes of `r`, refusing more, and gives up at the
/// deadline however slowly the bytes come.
fn read_capped(
    mut r: impl Read,
    cap: u64,
    url: &Url,
    start: Instant,
    total: Duration,
) -> Result<Vec<u8>, CaptureError> {
    let mut out = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        if start.elapsed() > total {
            return Err(CaptureError::Timeout {
                url: url.to_string(),
                seconds: total.as_secs_f64(),
            });
        }
        let n = match r.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let timed_out = e.kind() == std::io::ErrorKind::TimedOut
                    || super::error_chain(&e).contains("timed out");
                return Err(if timed_out {
                    CaptureError::Timeout {
                        url: url.to_string(),
                        seconds: total.as_secs_f64(),
                    }
                } else {
                    CaptureError::Http {
                        url: url.to_string(),
                        why: format!("reading the body: {}", super::error_chain(&e)),
                    }
                });
            }
        };
        if n == 0 {
            return Ok(out);
        }
        if out.len() as u64 + n as u64 > cap {
            return Err(CaptureError::TooLarge {
                url: url.to_string(),
                max: cap,
            });
        }
        out.extend_from_slice(&buf[..n]);
    }
}

/// The request head as the client was told to send it (reqwest adds no
/// other header to a GET without a body), for the WARC request record.
fn request_head(url: &Url, user_agent: &str, headers: &HeaderMap) -> Vec<u8> {
    let mut target = url.path().to_string();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    let host = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    };
    let mut s = format!("GET {target} HTTP/1.1\r\nhost: {host}\r\nuser-agent: {user_agent}\r\n");
    for (n, v) in headers {
        s.push_str(n.as_str());
        s.push_str(": ");
        s.push_str(&String::from_utf8_lossy(v.as_bytes()));
        s.push_str("\r\n");
    }
    s.push_str("\r\n");
    s.into_bytes()
}

/// A redirect chain as one line: `URL -302-> URL -301-> URL`.
pub(crate) fn chain_text(redirects: &[Redirect]) -> String {
    let mut s = String::new();
    for r in redirects {
        if s.is_empty() {
            s.push_str(&r.url);
        }
        s.push_str(&format!(" -{}-> {}", r.status, r.location));
    }
    s
}

/// Seconds to wait from a `Retry-After` value: delta-seconds or an
/// HTTP-date (RFC 9110 §10.2.3).
pub fn retry_after_secs(v: &str) -> Option<u64> {
    let v = v.trim();
    if let Ok(s) = v.parse::<u64>() {
        return Some(s);
    }
    let when = jiff::fmt::rfc2822::parse(v).ok()?.timestamp().as_second();
    let now = crate::ledger::clock().ok()? as i64;
    Some(when.saturating_sub(now).max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(retry_after_secs(" 120 "), Some(120));
        // A date in the past: no wait.
        assert_eq!(retry_after_secs("Sun, 06 Nov 1994 08:49:37 GMT"), Some(0));
        assert_eq!(retry_after_secs("soon"), None);
    }

    #[test]
    fn only_http_urls_are_fetched() {
        assert!(parse_http_url("https://news.example/a").is_ok());
        assert_eq!(
            parse_http_url("mailto:desk@news.example").unwrap_err().to_string(),
            "cannot fetch 'mailto:desk@news.example': its scheme is mailto:; only http and https are fetched"
        );
    }

    #[test]
    fn the_user_agent_names_tool_version_and_contact() {
        let o = FetchOptions {
            contact: Some("desk@news.example".into()),
            ..FetchOptions::default()
        };
        assert_eq!(
            o.user_agent(),
            format!(
                "provledger/{} (source-verification ledger; contact: desk@news.example)",
                env!("CARGO_PKG_VERSION")
            )
        );
        assert!(FetchOptions::default()
            .user_agent()
            .ends_with("no contact given)"));
        let big = FetchOptions {
            max_body: MAX_RAW_BYTES + 1,
            ..FetchOptions::default()
        };
        assert!(Fetcher::new(big).is_err());
    }
}
