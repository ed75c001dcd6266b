//! The tlog-tiles client: the checkpoint, hash tiles, entry bundles and
//! blobs of a remote ledger over HTTP (reqwest's blocking client, the
//! project's one), each read with a size cap and a deadline, gzip or not,
//! tiles fetched in parallel (at most [`RemoteOptions::parallel`] at once).
//!
//! Nothing here trusts what it reads: [`super::mirror`] checks every tile
//! and entry against the signed checkpoint before anything is kept.

use super::RemoteError;
use crate::digest::Digest;
use crate::log::tiles::{parse_bundle, TileKind, TileRef, TILE_WIDTH};
use std::io::Read;
use std::time::Duration;
use url::Url;

/// Limits of the client.
#[derive(Clone, Debug)]
pub struct RemoteOptions {
    /// Longest wait for a connection.
    pub connect_timeout: Duration,
    /// Longest time one request may take, body included.
    pub request_timeout: Duration,
    /// Most requests in flight at once.
    pub parallel: usize,
}

impl Default for RemoteOptions {
    fn default() -> Self {
        RemoteOptions {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            parallel: 8,
        }
    }
}

/// A remote ledger's base URL and an HTTP client for it.
pub struct Remote {
    base: Url,
    http: reqwest::blocking::Client,
    pool: rayon::ThreadPool,
    deadline: Duration,
}

/// The base URL of a remote ledger: absolute http or https, without user
/// name, password, query or fragment; a trailing `/` is added.
pub fn parse_remote_url(url: &str) -> Result<Url, RemoteError> {
    let bad = |why: &str| RemoteError::BadUrl {
        url: url.to_string(),
        why: why.to_string(),
    };
    let mut u = Url::parse(url).map_err(|e| bad(&e.to_string()))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(bad("only http and https remotes are read"));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(bad("it carries a user name or password"));
    }
    if u.query().is_some() || u.fragment().is_some() {
        return Err(bad(
            "it has a query or fragment; give the ledger's base URL",
        ));
    }
    if !u.path().ends_with('/') {
        let p = format!("{}/", u.path());
        u.set_path(&p);
    }
    Ok(u)
}

/// What a GET gave.
enum Got {
    Body(Vec<u8>),
    NotFound,
}

impl Remote {
    /// A client for the ledger at `base` (see [`parse_remote_url`]).
    pub fn new(base: &str, opts: RemoteOptions) -> Result<Remote, RemoteError> {
        let base = parse_remote_url(base)?;
        let http = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::limited(5))
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.request_timeout)
            .no_proxy()
            .user_agent(format!("provledger/{} (mirror)", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| RemoteError::Client(e.to_string()))?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(opts.parallel.max(1))
            .thread_name(|i| format!("provledger-fetch-{i}"))
            .build()
            .map_err(|e| RemoteError::Client(e.to_string()))?;
        Ok(Remote {
            base,
            http,
            pool,
            deadline: opts.request_timeout,
        })
    }

    /// The base URL.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The full URL of `path` (relative to the base).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GETs `path`, reading at most `max` bytes of body (decoded, for a
    /// gzip response; at most `max` on the wire too).
    fn get(&self, path: &str, max: u64) -> Result<Got, RemoteError> {
        let url = self.url(path);
        let http = |why: String| RemoteError::Http {
            url: url.clone(),
            why,
        };
        let started = std::time::Instant::now();
        let resp = self
            .http
            .get(&url)
            .header(reqwest::header::ACCEPT_ENCODING, "gzip, identity")
            .send()
            .map_err(|e| http(crate::error::chain(&e)))?;
        let status = resp.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(Got::NotFound);
        }
        if !status.is_success() {
            return Err(http(format!("the server answered {status}")));
        }
        let gzip = match resp.headers().get(reqwest::header::CONTENT_ENCODING) {
            None => false,
            Some(v) => match v.to_str().map(|s| s.trim().to_ascii_lowercase()) {
                Ok(s) if s == "gzip" || s == "x-gzip" => true,
                Ok(s) if s == "identity" || s.is_empty() => false,
                _ => {
                    return Err(http(format!(
                        "it is sent with Content-Encoding {v:?}, which is neither gzip nor identity"
                    )))
                }
            },
        };
        let too_big = || {
            http(format!(
                "the response is larger than the {max} bytes it can be"
            ))
        };
        // reqwest's timeout bounds each read of the body, not the whole of
        // it: a server trickling a byte at a time is cut off here.
        let mut raw = Vec::new();
        let mut body = resp.take(max + 1);
        let mut buf = [0u8; 16 << 10];
        loop {
            if started.elapsed() > self.deadline {
                return Err(http(format!(
                    "the response took longer than {} s",
                    self.deadline.as_secs_f64()
                )));
            }
            match body.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => raw.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(http(format!(
                        "reading the body: {}",
                        crate::error::chain(&e)
                    )))
                }
            }
        }
        if raw.len() as u64 > max {
            return Err(too_big());
        }
        if !gzip {
            return Ok(Got::Body(raw));
        }
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .take(max + 1)
            .read_to_end(&mut out)
            .map_err(|e| http(format!("its gzip body does not decode: {e}")))?;
        if out.len() as u64 > max {
            return Err(too_big());
        }
        Ok(Got::Body(out))
    }

    /// The remote's signed checkpoint, unverified.
    pub fn checkpoint(&self) -> Result<Vec<u8>, RemoteError> {
        match self.get("checkpoint", crate::log::MAX_CHECKPOINT_BYTES)? {
            Got::Body(b) => Ok(b),
            Got::NotFound => Err(RemoteError::Http {
                url: self.url("checkpoint"),
                why:
                    "there is no checkpoint there (404): is this a provledger or tlog-tiles ledger?"
                        .into(),
            }),
        }
    }

    /// A tile's bytes, exactly as long as its width needs (hash tiles) or
    /// holding exactly its entries (bundles, returned split). A partial
    /// tile the server no longer has is read from the full tile, as the
    /// c2sp spec allows (tiles only grow).
    pub fn tile(&self, t: TileRef) -> Result<FetchedTile, RemoteError> {
        let max = match t.kind {
            TileKind::Hashes(_) => crate::log::tiles::MAX_HASH_TILE_BYTES,
            TileKind::Entries => crate::log::tiles::MAX_BUNDLE_BYTES,
        };
        let (bytes, exact) = match self.get(&t.path(), max)? {
            Got::Body(b) => (b, true),
            Got::NotFound if t.width < TILE_WIDTH => {
                let full = t.with_width(TILE_WIDTH);
                match self.get(&full.path(), max)? {
                    Got::Body(b) => (b, false),
                    Got::NotFound => return Err(self.missing(t)),
                }
            }
            Got::NotFound => return Err(self.missing(t)),
        };
        let url = self.url(&t.path());
        match t.kind {
            TileKind::Hashes(_) => {
                let want = (t.width * 32) as usize;
                if (exact && bytes.len() != want) || bytes.len() < want {
                    return Err(RemoteError::BadTile {
                        url,
                        why: format!(
                            "it is {} bytes, not the {want} of {} hashes",
                            bytes.len(),
                            t.width
                        ),
                    });
                }
                Ok(FetchedTile::Hashes(bytes[..want].to_vec()))
            }
            TileKind::Entries => parse_bundle(&bytes, t.width, exact)
                .map(FetchedTile::Entries)
                .map_err(|e| RemoteError::BadTile {
                    url,
                    why: format!("the entry bundle {} (entry {} of it)", e.why, e.at),
                }),
        }
    }

    fn missing(&self, t: TileRef) -> RemoteError {
        RemoteError::Http {
            url: self.url(&t.path()),
            why: "the tile is missing (404), though the checkpoint covers it".into(),
        }
    }

    /// [`Remote::tile`] for each of `tiles`, in parallel; the first error
    /// (in `tiles` order) if any fails.
    pub fn tiles(&self, tiles: &[TileRef]) -> Result<Vec<FetchedTile>, RemoteError> {
        use rayon::prelude::*;
        self.pool
            .install(|| tiles.par_iter().map(|&t| self.tile(t)).collect())
    }

    /// The blob with `digest`, checked against it; `None` if the server
    /// has none. Asked at `blobs/<hex>` (the protocol of `provledger
    /// serve`), then at `blobs/<2 hex>/<hex>` (a ledger directory on a
    /// static host).
    pub fn blob(&self, digest: &Digest) -> Result<Option<Vec<u8>>, RemoteError> {
        let hex = digest.to_hex();
        let mut path = format!("blobs/{hex}");
        let mut got = self.get(&path, crate::log::blobs::MAX_BLOB_BYTES)?;
        if matches!(got, Got::NotFound) {
            // A static host of a ledger directory: its on-disk layout.
            path = format!("blobs/{}/{hex}", &hex[..2]);
            got = self.get(&path, crate::log::blobs::MAX_BLOB_BYTES)?;
        }
        match got {
            Got::NotFound => Ok(None),
            Got::Body(b) => {
                let got = Digest::of(&b);
                if got != *digest {
                    return Err(RemoteError::BadBlob {
                        url: self.url(&path),
                        got: got.to_hex(),
                    });
                }
                Ok(Some(b))
            }
        }
    }
}

/// A tile as fetched.
#[derive(Debug, Clone)]
pub enum FetchedTile {
    /// A hash tile's bytes (width × 32).
    Hashes(Vec<u8>),
    /// An entry bundle's entries.
    Entries(Vec<Vec<u8>>),
}
