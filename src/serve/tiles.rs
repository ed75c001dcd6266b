//! The c2sp.org/tlog-tiles read paths: `/checkpoint`, `/tile/<L>/<N>[.p/<W>]`,
//! `/tile/entries/<N>[.p/<W>]` and `/blobs/<sha256>`.
//!
//! A request path is parsed against the tile grammar ([`parse_tile`]) —
//! the raw path, never percent-decoded or normalised — before any file is
//! touched, and only a tile inside the tree of the current checkpoint is
//! read. So no other file of the ledger directory (`private/`, the index,
//! `pending`, `hashes`) can be named, whatever the path's encoding.
//!
//! A partial tile `N.p/W` stays servable for every checkpointed size: when
//! the writer has replaced it by a wider or the full tile, its first `W`
//! hashes or entries are sent from that file (tiles only grow).

use super::{blocking, Failure, Shared};
use crate::digest::Digest;
use crate::log::tiles::{bundle_prefix_len, read_tile, TileKind, TileRef, TILE_WIDTH};
use crate::log::LogError;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY};
use axum::http::{HeaderMap, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::io::Write as _;
use tlog_tiles::HASH_SIZE;

/// `Cache-Control` of tiles and blobs (200 answers only): they never change.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The highest hash tile level a 64-bit tree can have.
const MAX_LEVEL: u8 = 7;

/// The tile routes, to merge into the application router.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/checkpoint", get(checkpoint))
        .route("/tile/{*rest}", get(tile))
        .route("/blobs/{*rest}", get(blob))
}

/// Parses a request path (`/tile/...`) against the c2sp tile grammar:
/// `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`, `L` a level
/// (0–7, no leading zero), `N` in `x001/x234/067` form (3-digit groups,
/// all but the last prefixed with `x`, no leading `x000`), `W` in 1–255
/// (no leading zero). Anything else is `None`.
pub fn parse_tile(path: &str) -> Option<TileRef> {
    let rest = path.strip_prefix("/tile/")?;
    let mut parts = rest.split('/');
    let kind = match parts.next()? {
        "entries" => TileKind::Entries,
        l => TileKind::Hashes(u8::try_from(decimal(l)?).ok().filter(|&l| l <= MAX_LEVEL)?),
    };
    let mut n: u64 = 0;
    let mut groups = 0usize;
    let mut width = TILE_WIDTH;
    loop {
        let seg = parts.next()?;
        groups += 1;
        if let Some(g) = seg.strip_prefix('x') {
            let g = group(g)?;
            if groups == 1 && g == 0 {
                return None;
            }
            n = n.checked_mul(1000)?.checked_add(g)?;
            continue;
        }
        let (last, partial) = match seg.strip_suffix(".p") {
            Some(g) => (g, true),
            None => (seg, false),
        };
        n = n.checked_mul(1000)?.checked_add(group(last)?)?;
        if partial {
            let w = decimal(parts.next()?)?;
            if w == 0 || w >= TILE_WIDTH {
                return None;
            }
            width = w;
        }
        break;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(TileRef { kind, n, width })
}

/// A decimal number without sign or leading zero (at most 19 digits).
fn decimal(s: &str) -> Option<u64> {
    let ok = !s.is_empty()
        && s.len() <= 19
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'));
    ok.then(|| s.parse().ok()).flatten()
}

/// Exactly three decimal digits.
fn group(s: &str) -> Option<u64> {
    (s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Whether tile `t` lies inside the tree of `size` entries: all of its
/// `width` hashes or entries exist at that size.
pub fn in_tree(t: TileRef, size: u64) -> bool {
    let count = match t.kind {
        TileKind::Entries => size,
        TileKind::Hashes(l) => size.checked_shr(u32::from(l) * 8).unwrap_or(0),
    };
    t.n.checked_mul(TILE_WIDTH)
        .and_then(|first| first.checked_add(t.width))
        .is_some_and(|end| end <= count)
}

fn octets(bytes: impl Into<Bytes>, cache: &'static str) -> Response {
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            ),
            (CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        bytes.into(),
    )
        .into_response()
}

async fn checkpoint(State(state): State<Shared>) -> Result<Response, Failure> {
    let snap = blocking(move || Ok(state.snapshot()?)).await?;
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        snap.log.checkpoint_bytes().to_vec(),
    )
        .into_response())
}

async fn tile(
    State(state): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let Some(t) = parse_tile(uri.path()) else {
        return Err(Failure::not_found(format!(
            "{} is not a tile path (c2sp.org/tlog-tiles: /tile/<L>/<N>[.p/<W>] or /tile/entries/<N>[.p/<W>], N as x001/x234/067)",
            uri.path()
        )));
    };
    // Entry bundles compress well (CBOR text); hash tiles do not.
    let gzip = t.kind == TileKind::Entries && accepts_gzip(&headers);
    // A full tile once read is final: answered from memory (cache.rs).
    if let Some(bytes) = state.tiles().get(t, gzip) {
        return Ok(tile_response(t, gzip, bytes));
    }
    let path = uri.path().to_string();
    let bytes = blocking(move || {
        let bytes = Bytes::from(read_tile_in(&state, t, &path)?);
        state.tiles().put(t, false, bytes.clone());
        if !gzip {
            return Ok(bytes);
        }
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let zipped = enc
            .write_all(&bytes)
            .and_then(|()| enc.finish())
            .map_err(|e| Failure::internal(format!("cannot compress {path}: {e}")))?;
        let zipped = Bytes::from(zipped);
        state.tiles().put(t, true, zipped.clone());
        Ok(zipped)
    })
    .await?;
    Ok(tile_response(t, gzip, bytes))
}

/// The 200 answer of tile `t`: immutable, and for an entry bundle `Vary:
/// accept-encoding` (and `Content-Encoding: gzip` when `gzip`).
fn tile_response(t: TileRef, gzip: bool, bytes: Bytes) -> Response {
    let mut r = octets(bytes, IMMUTABLE);
    if t.kind == TileKind::Entries {
        let h = r.headers_mut();
        h.insert(VARY, HeaderValue::from_static("accept-encoding"));
        if gzip {
            h.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
    }
    r
}

/// Whether `Accept-Encoding` admits gzip (`gzip` or `*`, without `q=0`).
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .is_some_and(|q| q.parse::<f32>().map_or(true, |q| q <= 0.0))
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
}

/// The bytes of tile `t` at the current checkpoint, cut to its width.
fn read_tile_in(state: &Shared, t: TileRef, path: &str) -> Result<Vec<u8>, Failure> {
    let snap = state.snapshot()?;
    let size = snap.log.size();
    if !in_tree(t, size) {
        return Err(Failure::not_found(format!(
            "{path}: the log has no such tile at its current size ({size} entries)"
        )));
    }
    let dir = state.dir();
    let file = dir.join(t.path());
    let damaged = |why: String| {
        Failure::from(LogError::Damaged {
            path: file.clone(),
            why,
        })
    };
    let (bytes, _) = read_tile(dir, t)
        .map_err(|source| {
            Failure::from(LogError::Io {
                op: "cannot read",
                path: file.clone(),
                source,
            })
        })?
        .ok_or_else(|| damaged("the tile is missing though the checkpoint covers it".into()))?;
    let want = match t.kind {
        TileKind::Hashes(_) => {
            let want = t.width as usize * HASH_SIZE;
            (want <= bytes.len()).then_some(want).ok_or_else(|| {
                format!(
                    "the tile holds {} bytes, fewer than the {} hashes the checkpoint covers",
                    bytes.len(),
                    t.width
                )
            })
        }
        TileKind::Entries => bundle_prefix_len(&bytes, t.width).map_err(|e| {
            format!(
                "the bundle {} (it should hold the {} entries the checkpoint covers)",
                e.why, t.width
            )
        }),
    };
    let mut bytes = bytes;
    bytes.truncate(want.map_err(damaged)?);
    Ok(bytes)
}

async fn blob(State(state): State<Shared>, uri: Uri) -> Result<Response, Failure> {
    let path = uri.path();
    let hex = path.strip_prefix("/blobs/").unwrap_or_default();
    let lower_hex = hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let digest = match Digest::from_hex(hex) {
        Ok(d) if lower_hex => d,
        _ => {
            return Err(Failure::not_found(format!(
                "{path} is not a blob path (/blobs/ and 64 lowercase hex digits of its SHA-256)"
            )))
        }
    };
    let bytes = blocking(move || {
        let snap = state.snapshot()?;
        Ok(snap.log.get_blob(&digest)?)
    })
    .await?;
    Ok(octets(bytes, IMMUTABLE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tile_grammar() {
        let t = |p| parse_tile(p);
        assert_eq!(t("/tile/0/000"), Some(TileRef::hashes(0, 0, 256)));
        assert_eq!(
            t("/tile/2/x001/x234/067.p/5"),
            Some(TileRef::hashes(2, 1_234_067, 5))
        );
        assert_eq!(
            t("/tile/entries/x001/000"),
            Some(TileRef::entries(1000, 256))
        );
        assert_eq!(t("/tile/entries/000.p/255"), Some(TileRef::entries(0, 255)));
        for bad in [
            "/tile/0/00",
            "/tile/0/0000",
            "/tile/00/000",
            "/tile/8/000",
            "/tile/0/x000/001",
            "/tile/0/000.p/0",
            "/tile/0/000.p/256",
            "/tile/0/000.p/05",
            "/tile/0/000.p/",
            "/tile/0/000/",
            "/tile/0//000",
            "/tile/../private/operator.key",
            "/tile/0/%2e%2e",
            "/tile/0/x001",
            "/tile/entries/000.p",
            "/tile/0/x999/x999/x999/x999/x999/x999/x999/999",
            "/tile/data/000",
            "/tile/-1/000",
            "/tile/+1/000",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
    }

    #[test]
    fn tiles_in_a_tree() {
        assert!(in_tree(TileRef::entries(0, 5), 5));
        assert!(!in_tree(TileRef::entries(0, 6), 5));
        assert!(!in_tree(TileRef::entries(0, 256), 255));
        assert!(in_tree(TileRef::hashes(1, 0, 1), 256));
        assert!(!in_tree(TileRef::hashes(1, 0, 2), 511));
        assert!(!in_tree(TileRef::entries(u64::MAX, 1), u64::MAX));
    }
}
