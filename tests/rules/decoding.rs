//! Statement bodies decode only in their one canonical shape before any
//! rule sees them.

use super::*;

// ---------------------------------------------------------------- decoding

fn value(pairs: Vec<(&str, ciborium::Value)>) -> ciborium::Value {
    ciborium::Value::Map(
        pairs
            .into_iter()
            .map(|(k, v)| (ciborium::Value::Text(k.into()), v))
            .collect(),
    )
}

fn text(s: &str) -> ciborium::Value {
    ciborium::Value::Text(s.into())
}

#[test]
fn bodies_decode_only_in_their_one_canonical_shape() {
    let good = || {
        vec![
            ("label", text("diplomatic sources")),
            ("kind", text("anonymous_group")),
            ("on_record", ciborium::Value::Bool(false)),
            ("count", text("several")),
        ]
    };
    assert!(Body::from_value(Kind::SourceRecord, value(good())).is_ok());

    let mut v = good();
    v[1] = ("kind", text("secret_person"));
    let e = Body::from_value(Kind::SourceRecord, value(v)).unwrap_err();
    assert!(
        e.starts_with(
            "source.record body: unknown variant `secret_person`, expected one of `named_person`"
        ),
        "{e}"
    );

    let mut v = good();
    v.push(("secret", text("x")));
    let e = Body::from_value(Kind::SourceRecord, value(v)).unwrap_err();
    assert!(
        e.starts_with("source.record body: unknown field `secret`"),
        "{e}"
    );

    let mut v = good();
    v.push(("name", ciborium::Value::Null));
    assert_eq!(
        Body::from_value(Kind::SourceRecord, value(v)).unwrap_err(),
        "source.record body is not in its canonical form (an absent field must be left out, not written as null)"
    );

    let revise = value(vec![
        ("claim", ciborium::Value::Bytes(vec![1; 32])),
        ("article", ciborium::Value::Bytes(vec![2; 32])),
        ("change", text("deleted")),
        ("reason", text("article_updated")),
    ]);
    let e = Body::from_value(Kind::ClaimRevise, revise).unwrap_err();
    assert!(
        e.starts_with("claim.revise body: change is 'deleted'; it must be \"removed\" or a map"),
        "{e}"
    );

    // `removed` round-trips as the text "removed".
    let removed = Body::ClaimRevise(ClaimRevise {
        claim: Digest([1; 32]),
        article: Digest([2; 32]),
        change: Change::Removed,
        reason: ChangeReason::ArticleUpdated,
        note: None,
    });
    let v = removed.to_value().unwrap();
    assert_eq!(Body::from_value(Kind::ClaimRevise, v).unwrap(), removed);
}
