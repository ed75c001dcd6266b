//! From raw body to text: the `Content-Encoding` undone with an output cap
//! (a decompression bomb is refused), then the charset chosen in the WHATWG
//! order — byte-order mark, the HTTP header's `charset`, a `<meta>` in the
//! first 1024 bytes, then `chardetng`'s guess — and decoded by
//! `encoding_rs`.

use super::CaptureError;
use crate::statement::CharsetSource;
use encoding_rs::Encoding;
use std::io::Read;

/// Undoes `content_encoding` (a comma-separated list, applied in order, so
/// undone last first), producing at most `cap` bytes.
pub fn content_decode(
    body: &[u8],
    content_encoding: Option<&str>,
    cap: u64,
) -> Result<Vec<u8>, CaptureError> {
    let codings: Vec<String> = content_encoding
        .unwrap_or_default()
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect();
    let mut data = body.to_vec();
    for coding in codings.iter().rev() {
        let reader: Box<dyn Read + '_> = match coding.as_str() {
            "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(data.as_slice())),
            // "deflate" is zlib-wrapped (RFC 9110 §8.4.1.2); some servers
            // send raw deflate, which the zlib header tells apart.
            "deflate" if looks_zlib(&data) => {
                Box::new(flate2::read::ZlibDecoder::new(data.as_slice()))
            }
            "deflate" => Box::new(flate2::read::DeflateDecoder::new(data.as_slice())),
            "br" => Box::new(brotli::Decompressor::new(data.as_slice(), 16 * 1024)),
            other => {
                return Err(CaptureError::Encoding(format!(
                    "Content-Encoding '{other}' is not one capture decodes (gzip, deflate, br)"
                )))
            }
        };
        let mut out = Vec::new();
        reader.take(cap + 1).read_to_end(&mut out).map_err(|e| {
            CaptureError::Encoding(format!("the {coding} body does not decode: {e}"))
        })?;
        if out.len() as u64 > cap {
            return Err(CaptureError::Bomb {
                coding: coding.clone(),
                raw: body.len() as u64,
                max: cap,
            });
        }
        data = out;
    }
    Ok(data)
}

fn looks_zlib(d: &[u8]) -> bool {
    d.len() >= 2 && d[0] & 0x0f == 8 && (u16::from(d[0]) << 8 | u16::from(d[1])) % 31 == 0
}

/// The charset chosen for a page and the rule that chose it.
#[derive(Clone, Copy, Debug)]
pub struct Charset {
    /// The encoding.
    pub encoding: &'static Encoding,
    /// Which rule decided.
    pub source: CharsetSource,
}

/// The `charset` parameter of a `Content-Type` value, if it names an
/// encoding.
pub fn header_charset(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        Encoding::for_label(v.trim().trim_matches(['"', '\'']).as_bytes())
    })
}

/// Chooses the charset of `html` (decoded bytes) in the WHATWG order.
/// `host` (its last label) helps the guess.
pub fn choose(html: &[u8], content_type: Option<&str>, host: &str) -> Charset {
    if let Some((encoding, _)) = Encoding::for_bom(html) {
        return Charset {
            encoding,
            source: CharsetSource::Bom,
        };
    }
    if let Some(encoding) = content_type.and_then(header_charset) {
        return Charset {
            encoding,
            source: CharsetSource::Header,
        };
    }
    if let Some(encoding) = meta_prescan(&html[..html.len().min(1024)]) {
        return Charset {
            encoding,
            source: CharsetSource::Meta,
        };
    }
    let mut det = chardetng::EncodingDetector::new();
    det.feed(html, true);
    let tld = host.rsplit('.').next().map(str::as_bytes);
    Charset {
        encoding: det.guess(tld, true),
        source: CharsetSource::Detected,
    }
}

/// Decodes `html` with `charset` (a BOM, if any, is removed; malformed
/// bytes become U+FFFD as a browser shows them).
pub fn decode(html: &[u8], charset: Charset) -> String {
    let (text, _, _) = charset.encoding.decode(html);
    text.into_owned()
}

/// The WHATWG "prescan a byte stream to determine its encoding", enough of
/// it for `<meta charset>` and `<meta http-equiv="content-type"
/// content="...; charset=...">` (comments are skipped).
pub fn meta_prescan(b: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = b.iter().map(u8::to_ascii_lowercase).collect();
    let mut i = 0;
    while i < lower.len() {
        if lower[i..].starts_with(b"<!--") {
            i = find(&lower, i + 4, b"-->").map_or(lower.len(), |e| e + 3);
            continue;
        }
        if lower[i..].starts_with(b"<meta")
            && lower
                .get(i + 5)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/')
        {
            let (attrs, end) = attributes(&lower, b, i + 5);
            i = end;
            let get = |name: &str| {
                attrs
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            };
            let label = if let Some(cs) = get("charset") {
                Some(cs)
            } else if get("http-equiv").is_some_and(|h| h.eq_ignore_ascii_case("content-type")) {
                get("content").and_then(|c| charset_in_content(&c))
            } else {
                None
            };
            if let Some(enc) = label.and_then(|l| Encoding::for_label(l.trim().as_bytes())) {
                // A page that says UTF-16 in ASCII is not UTF-16 (WHATWG).
                if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                    return Some(encoding_rs::UTF_8);
                }
                if enc == encoding_rs::X_USER_DEFINED {
                    return Some(encoding_rs::WINDOWS_1252);
                }
                return Some(enc);
            }
            continue;
        }
        i += 1;
    }
    None
}

fn find(h: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    h.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The attributes of a tag from `i` (after its name) to its `>`: names
/// lower-cased, values as written. Returns them and where the tag ends.
fn attributes(lower: &[u8], orig: &[u8], mut i: usize) -> (Vec<(String, String)>, usize) {
    let mut out = Vec::new();
    let n = lower.len();
    loop {
        while i < n && (lower[i].is_ascii_whitespace() || lower[i] == b'/') {
            i += 1;
        }
        if i >= n || lower[i] == b'>' {
            return (out, i + 1);
        }
        let ns = i;
        while i < n && !lower[i].is_ascii_whitespace() && !matches!(lower[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = String::from_utf8_lossy(&lower[ns..i]).into_owned();
        while i < n && lower[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < n && lower[i] == b'=' {
            i += 1;
            while i < n && lower[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < n && (lower[i] == b'"' || lower[i] == b'\'') {
                let q = lower[i];
                let vs = i + 1;
                i = vs;
                while i < n && lower[i] != q {
                    i += 1;
                }
                value = String::from_utf8_lossy(&orig[vs..i.min(n)]).into_owned();
                i += 1;
            } else {
                let vs = i;
                while i < n && !lower[i].is_ascii_whitespace() && lower[i] != b'>' {
                    i += 1;
                }
                value = String::from_utf8_lossy(&orig[vs..i]).into_owned();
            }
        }
        if !name.is_empty() && !out.iter().any(|(k, _)| *k == name) {
            out.push((name, value));
        }
    }
}

/// The charset named in a `content` attribute ("text/html; charset=x").
fn charset_in_content(c: &str) -> Option<String> {
    let l = c.to_ascii_lowercase();
    let at = l.find("charset")?;
    let rest = c[at + 7..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|ch: char| ch == ';' || ch == '"' || ch == '\'' || ch.is_whitespace())
        .unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prescan_finds_both_forms() {
        assert_eq!(
            meta_prescan(b"<html><head><meta charset=\"ISO-8859-2\">"),
            Some(encoding_rs::ISO_8859_2)
        );
        assert_eq!(
            meta_prescan(
                b"<!-- <meta charset=koi8-r> --><META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=windows-1251'>"
            ),
            Some(encoding_rs::WINDOWS_1251)
        );
        assert_eq!(meta_prescan(b"<meta name=x content=y>"), None);
        assert_eq!(
            meta_prescan(b"<meta charset=utf-16>"),
            Some(encoding_rs::UTF_8)
        );
    }

    #[test]
    fn codings_decode_and_unknown_ones_are_refused() {
        use std::io::Write;
        let text = b"<p>Hello, deflate.</p>".repeat(20);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&text).unwrap();
        let zlib = z.finish().unwrap();
        let mut d = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        d.write_all(&text).unwrap();
        let raw = d.finish().unwrap();
        assert_eq!(
            content_decode(&zlib, Some("deflate"), 1 << 20).unwrap(),
            text
        );
        assert_eq!(
            content_decode(&raw, Some("Deflate"), 1 << 20).unwrap(),
            text
        );
        assert_eq!(
            content_decode(&text, Some("identity"), 1 << 20).unwrap(),
            text
        );
        let e = content_decode(&text, Some("compress"), 1 << 20).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Content-Encoding 'compress' is not one capture decodes (gzip, deflate, br)"
        );
        let e = content_decode(&zlib, Some("deflate"), 100).unwrap_err();
        assert!(
            e.to_string()
                .contains("decodes to more than 100 bytes; refused as a decompression bomb"),
            "{e}"
        );
        let e = content_decode(b"not gzip", Some("gzip"), 100).unwrap_err();
        assert!(
            e.to_string().starts_with("the gzip body does not decode: "),
            "{e}"
        );
    }

    #[test]
    fn header_charset_reads_the_parameter() {
        assert_eq!(
            header_charset("text/html; Charset=\"Shift_JIS\""),
            Some(encoding_rs::SHIFT_JIS)
        );
        assert_eq!(header_charset("text/html"), None);
    }
}
