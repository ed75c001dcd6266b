//! The `article.capture-*` rules (`src/state/captures.rs`): a record with a
//! capture is admitted only when the capture is coherent and its blobs are
//! stored; each refusal has its rule id and message, and the state is left
//! as it was.

use crate::state_harness::World;
use provledger::digest::Digest;
use provledger::statement::*;

const TEXT: &str = "Negotiations ended without agreement in Istanbul on Friday.";

fn captured(w: &mut World) -> ArticleRecord {
    let raw = b"<html><body><p>Negotiations ended without agreement in Istanbul on Friday.</p></body></html>";
    let warc = b"WARC/1.1\r\n";
    w.blobs.0.insert(Digest::of(raw), raw.to_vec());
    w.blobs.0.insert(Digest::of(warc), warc.to_vec());
    let mut a = w.article_body(TEXT, None);
    a.url = "https://news.example/a?id=3".into();
    a.capture = Some(Box::new(Capture {
        requested_url: "http://news.example/a?id=3&utm_source=feed".into(),
        final_url: "https://news.example/a?id=3".into(),
        redirects: vec![Redirect {
            url: "http://news.example/a?id=3&utm_source=feed".into(),
            status: 301,
            location: "https://news.example/a?id=3".into(),
        }],
        status: 200,
        headers: CapturedHeaders {
            etag: Some("\"v1\"".into()),
            content_type: Some("text/html; charset=utf-8".into()),
            ..CapturedHeaders::default()
        },
        remote_addr: Some("192.0.2.7:443".into()),
        tls_certificate: Some(Digest::of(b"certificate")),
        raw: Digest::of(raw),
        raw_length: raw.len() as u64,
        warc: Digest::of(warc),
        charset: "UTF-8".into(),
        charset_source: CharsetSource::Header,
        canonical_url: Some("https://news.example/a".into()),
        og_url: None,
        extractor: "dom_smoothie 0.19 formatted".into(),
        second_opinion: "trafilatura 0.6".into(),
        agreement: 950,
        low_confidence: false,
    }));
    a
}

fn refused(w: &mut World, a: ArticleRecord) -> (&'static str, String) {
    let ed = w.editor.clone();
    w.refused_by(&ed, Body::ArticleRecord(a))
}

#[test]
fn a_coherent_capture_is_admitted_and_kept_in_the_index() {
    let mut w = World::new(2);
    let a = captured(&mut w);
    let ed = w.editor.clone();
    let id = w.ok(&ed, Body::ArticleRecord(a.clone()));
    let info = w.state.article(&id).unwrap().unwrap();
    assert_eq!(info.capture.as_ref(), a.capture.as_deref());
    assert!(!info.low_confidence());
    assert!(!a.low_confidence());
}

#[test]
fn every_capture_rule_refuses_with_its_id() {
    let mut w = World::new(2);
    let base = captured(&mut w);
    let with = |f: &dyn Fn(&mut Capture)| {
        let mut a = base.clone();
        f(a.capture.as_mut().unwrap());
        a
    };
    let cases: Vec<(ArticleRecord, &str, &str)> = vec![
        (
            ArticleRecord {
                url: "https://news.example/a?id=3&utm_medium=x".into(),
                ..base.clone()
            },
            "article.capture-tracking-url",
            "url 'https://news.example/a?id=3&utm_medium=x' carries a tracking parameter (utm_*, fbclid or gclid)",
        ),
        (
            with(&|c| c.final_url = "ftp://news.example/a".into()),
            "article.capture-url",
            "capture final_url 'ftp://news.example/a' is not an http or https URL",
        ),
        (
            with(&|c| c.redirects[0].status = 200),
            "article.capture-redirects",
            "redirects[0] has status 200, which is not a redirect",
        ),
        (
            with(&|c| c.redirects[0].url = "http://other.example/".into()),
            "article.capture-redirects",
            "redirects[0] starts at 'http://other.example/' but the chain is at 'http://news.example/a?id=3&utm_source=feed'",
        ),
        (
            with(&|c| c.final_url = "https://news.example/b".into()),
            "article.capture-redirects",
            "the redirect chain ends at 'https://news.example/a?id=3' but final_url is 'https://news.example/b'",
        ),
        (
            with(&|c| {
                let r = c.redirects[0].clone();
                c.redirects = vec![r; 11];
            }),
            "article.capture-redirects",
            "the capture followed 11 redirects; at most 10 are allowed",
        ),
        (
            with(&|c| c.status = 404),
            "article.capture-status",
            "capture status is 404; an article version is captured from a 2xx response",
        ),
        (
            with(&|c| c.remote_addr = Some("somewhere".into())),
            "article.capture-remote-addr",
            "capture remote_addr 'somewhere' is not an IP address and port",
        ),
        (
            with(&|c| c.charset = "latin1".into()),
            "article.capture-charset",
            "capture charset 'latin1' is not the name of a WHATWG encoding",
        ),
        (
            with(&|c| c.agreement = 1001),
            "article.capture-agreement",
            "capture agreement is 1001; it is in thousandths, at most 1000",
        ),
        (
            with(&|c| c.agreement = 499),
            "article.capture-low-confidence",
            "capture agreement is 499 (below 500) but low_confidence is false; extractors that disagree make the text low-confidence",
        ),
        (
            ArticleRecord {
                url: "https://other.example/b".into(),
                ..base.clone()
            },
            "article.capture-identity-url",
            "url 'https://other.example/b' is not the identity of the capture's final_url (want 'https://news.example/a?id=3')",
        ),
        (
            with(&|c| c.og_url = Some("https://alice:s3cret@news.example/a".into())),
            "article.capture-url",
            "capture og_url carries a user name or password; a capture never records credentials",
        ),
        (
            with(&|c| c.raw = Digest::of(b"never stored")),
            "article.capture-blob-missing",
            "the capture's raw body (blob",
        ),
        (
            with(&|c| c.raw_length += 1),
            "article.capture-raw-length",
            "capture raw_length is",
        ),
        (
            with(&|c| c.warc = Digest::of(b"no warc")),
            "article.capture-blob-missing",
            "the capture's WARC file (blob",
        ),
    ];
    for (a, rule, msg) in cases {
        let (got_rule, got) = refused(&mut w, a);
        assert_eq!(got_rule, rule, "{got}");
        assert!(got.contains(msg), "want {msg:?} in {got:?}");
    }
}

#[test]
fn a_record_without_capture_encodes_as_before() {
    // The optional field is left out: a record made before capture existed
    // has the same canonical bytes.
    let mut w = World::new(2);
    let a = w.article_body(TEXT, None);
    let v = provledger::cbor::to_vec(&a).unwrap();
    let text = format!("{v:?}");
    assert!(!String::from_utf8_lossy(&v).contains("capture"), "{text}");
    let back: ArticleRecord = provledger::cbor::from_slice(&v).unwrap();
    assert_eq!(back, a);
    let c = captured(&mut w);
    let v = provledger::cbor::to_vec(&c).unwrap();
    let back: ArticleRecord = provledger::cbor::from_slice(&v).unwrap();
    assert_eq!(back, c);
}
