//! Rules of `article.record` and article version chains
//! (`src/state/articles.rs`).

use super::*;

// ---------------------------------------------------------------- articles

#[test]
fn article_field_rules() {
    let mut f = fx();
    let ed = ed(&f.w);
    let text = "A short article about the talks.";
    let base = f.w.article_body(text, None);
    let now = f.w.now;
    let mut refuse = |a: ArticleRecord| f.w.refused(&ed, Body::ArticleRecord(a));
    assert_eq!(
        refuse(ArticleRecord {
            url: "not a url".into(),
            ..base.clone()
        }),
        "article.record refused: url 'not a url' is not an absolute URL (like https://example.org/page)"
    );
    assert_eq!(
        refuse(ArticleRecord {
            url: "x".repeat(MAX_URL_CHARS + 1),
            ..base.clone()
        }),
        "article.record refused: url is 2001 characters; at most 2000 are allowed"
    );
    assert_eq!(
        refuse(ArticleRecord {
            publisher: "".into(),
            ..base.clone()
        }),
        "article.record refused: publisher is empty"
    );
    assert_eq!(
        refuse(ArticleRecord {
            title: "t".repeat(MAX_TITLE_CHARS + 1),
            ..base.clone()
        }),
        "article.record refused: title is 501 characters; at most 500 are allowed"
    );
    assert_eq!(
        refuse(ArticleRecord {
            published_at: Some(base.retrieved_at + 1),
            ..base.clone()
        }),
        format!(
            "article.record refused: published_at {} is after retrieved_at {}; an article cannot be retrieved before it is published",
            t(base.retrieved_at + 1),
            t(base.retrieved_at)
        )
    );
    assert_eq!(
        refuse(ArticleRecord {
            retrieved_at: now + 1,
            published_at: None,
            ..base.clone()
        }),
        format!(
            "article.record refused: retrieved_at {} is after the statement time {}",
            t(now + 1),
            t(now)
        )
    );
    assert_eq!(
        refuse(ArticleRecord {
            length: 0,
            ..base.clone()
        }),
        "article.record refused: length is 0; an article needs text"
    );
    assert_eq!(
        refuse(ArticleRecord {
            length: MAX_ARTICLE_BYTES + 1,
            ..base.clone()
        }),
        "article.record refused: length is 4194305 bytes; an article text may be at most 4194304 bytes"
    );
    assert_eq!(
        refuse(ArticleRecord {
            length: text.len() as u64 + 1,
            ..base.clone()
        }),
        format!(
            "article.record refused: length is {} bytes but content blob {} is {} bytes",
            text.len() + 1,
            short(&base.content),
            text.len()
        )
    );
}

#[test]
fn article_content_must_be_in_the_blob_store_and_match() {
    let mut f = fx();
    let ed = ed(&f.w);
    let missing = Digest::of(b"never stored");
    let mut a = f.w.article_body("some text", None);
    a.content = missing;
    assert_eq!(
        f.w.refused(&ed, Body::ArticleRecord(a.clone())),
        format!(
            "article.record refused: content blob {} is not in the blob store; store the article text first",
            short(&missing)
        )
    );
    // A damaged store: other bytes under the address. A ledger on disk
    // cannot be made to hold them (put_blob names blobs by their hash), and
    // audit reports such files as corrupt blobs (tests/log_audit.rs).
    f.w.forced_audit = false;
    f.w.blobs.0.insert(missing, b"tampered".to_vec());
    a.length = 8;
    assert_eq!(
        f.w.refused(&ed, Body::ArticleRecord(a.clone())),
        format!(
            "article.record refused: content blob {} in the blob store does not hash to its address",
            short(&missing)
        )
    );
    let latin1 = vec![0x43, 0x61, 0x66, 0xe9];
    let d = Digest::of(&latin1);
    f.w.blobs.0.insert(d, latin1);
    a.content = d;
    a.length = 4;
    assert_eq!(
        f.w.refused(&ed, Body::ArticleRecord(a)),
        format!(
            "article.record refused: content blob {} is not valid UTF-8 text",
            short(&d)
        )
    );
}

#[test]
fn article_versions_form_one_line() {
    let mut f = fx();
    let ed = ed(&f.w);
    let nowhere = Digest::of(b"nothing");
    let a = f.w.article_body("v3 text", Some(nowhere));
    assert_eq!(
        f.w.refused(&ed, Body::ArticleRecord(a)),
        format!(
            "article.record refused: supersedes {} is not in the ledger",
            short(&nowhere)
        )
    );
    let a = f.w.article_body("v3 text", Some(f.kabul));
    assert_eq!(
        f.w.refused(&ed, Body::ArticleRecord(a)),
        format!(
            "article.record refused: supersedes {} is a source.record, not an article.record",
            short(&f.kabul)
        )
    );
    // A fork: version 1 already has a successor.
    let a = f.w.article_body("another v2", Some(f.a1));
    assert_eq!(
        f.w.refused(&ed, Body::ArticleRecord(a)),
        format!(
            "article.record refused: supersedes {}, which is already superseded by {}; an update must supersede the latest version",
            short(&f.a1),
            short(&f.a2)
        )
    );
    let a = f.w.article_body(TEXT_V2, Some(f.a2));
    assert_eq!(
        f.w.refused(&ed, Body::ArticleRecord(a)),
        format!(
            "article.record refused: content is the same as that of the version it supersedes ({}); record an update only when the text changed",
            short(&f.a2)
        )
    );
    let mut a = f.w.article_body(TEXT_V3, Some(f.a2));
    let prev_retrieved = f.w.now - 1 - 10; // a2 was recorded one step ago
    a.retrieved_at = prev_retrieved - 5;
    a.published_at = None;
    assert_eq!(
        f.w.refused(&ed, Body::ArticleRecord(a)),
        format!(
            "article.record refused: retrieved_at {} is before the retrieved_at {} of the version it supersedes ({})",
            t(prev_retrieved - 5),
            t(prev_retrieved),
            short(&f.a2)
        )
    );
    // Dated before the version it supersedes.
    let a2_at = f.w.now - 10;
    let mut a = f.w.article_body(TEXT_V3, Some(f.a2));
    a.retrieved_at = a2_at - 5;
    a.published_at = None;
    assert_eq!(
        f.w.refused_at(&ed, a2_at - 1, Body::ArticleRecord(a)),
        format!(
            "article.record refused: statement time {} is before the time ({}) of supersedes {}, which it refers to",
            t(a2_at - 1),
            t(a2_at),
            short(&f.a2)
        )
    );
    // And the straight line is accepted.
    f.w.article(TEXT_V3, Some(f.a2));
}
