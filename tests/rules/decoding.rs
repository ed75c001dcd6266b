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

/// The trust fields are optional and left out when absent, so every body
/// written before them decodes and encodes to the same bytes; an explicit
/// `allow_self_review: false` is a second encoding of the default and is
/// refused; the new kinds refuse unknown fields and values.
#[test]
fn trust_fields_keep_old_bodies_byte_identical() {
    let old_genesis = value(vec![
        ("origin", text("o")),
        ("operator", text("o+00000000+AAAA")),
        ("description", text("d")),
        (
            "policy",
            value(vec![("quorum", ciborium::Value::Integer(1.into()))]),
        ),
    ]);
    let g = Body::from_value(Kind::Genesis, old_genesis.clone()).unwrap();
    assert_eq!(g.to_value().unwrap(), old_genesis);
    let with = |b: bool| {
        value(vec![
            ("origin", text("o")),
            ("operator", text("o+00000000+AAAA")),
            ("description", text("d")),
            (
                "policy",
                value(vec![
                    ("quorum", ciborium::Value::Integer(1.into())),
                    ("allow_self_review", ciborium::Value::Bool(b)),
                ]),
            ),
        ])
    };
    assert_eq!(
        Body::from_value(Kind::Genesis, with(false)).unwrap_err(),
        "ledger.genesis body is not in its canonical form (an absent field must be left out, not written as null)"
    );
    assert!(Body::from_value(Kind::Genesis, with(true)).is_ok());

    let old_revoke = value(vec![("key", text("k")), ("reason", text("r"))]);
    let r = Body::from_value(Kind::KeyRevoke, old_revoke.clone()).unwrap();
    assert_eq!(r, Body::KeyRevoke(KeyRevoke::new("k".into(), "r".into())));
    assert_eq!(r.to_value().unwrap(), old_revoke);
    let mut v = vec![
        ("key", text("k")),
        ("reason", text("r")),
        ("mode", text("fired")),
    ];
    let e = Body::from_value(Kind::KeyRevoke, value(v.clone())).unwrap_err();
    assert!(
        e.starts_with(
            "key.revoke body: unknown variant `fired`, expected `retired` or `compromised`"
        ),
        "{e}"
    );
    v[2] = ("since", ciborium::Value::Integer(3.into()));
    let e = Body::from_value(Kind::KeyRevoke, value(v)).unwrap_err();
    assert!(
        e.starts_with("key.revoke body: unknown field `since`"),
        "{e}"
    );

    let e = Body::from_value(
        Kind::SourceRelate,
        value(vec![
            ("a", ciborium::Value::Bytes(vec![1; 32])),
            ("b", ciborium::Value::Bytes(vec![2; 32])),
            ("relation", text("cousins")),
        ]),
    )
    .unwrap_err();
    assert!(
        e.starts_with("source.relate body: unknown variant `cousins`"),
        "{e}"
    );
    let e = Body::from_value(
        Kind::SourceIdentity,
        value(vec![
            ("source", ciborium::Value::Bytes(vec![1; 32])),
            ("commitment", ciborium::Value::Bytes(vec![2; 32])),
            ("identity", text("never in the ledger")),
        ]),
    )
    .unwrap_err();
    assert!(
        e.starts_with("source.identity body: unknown field `identity`"),
        "{e}"
    );
}

/// The commitment is SHA-256 over the canonical CBOR array of domain,
/// identity and salt: a fixed vector, and no two splittings collide.
#[test]
fn the_identity_commitment_is_the_documented_hash() {
    use sha2::{Digest as _, Sha256};
    let salt = [7u8; 32];
    let mut cbor = vec![0x83, 0x78, IDENTITY_COMMITMENT_DOMAIN.len() as u8];
    cbor.extend_from_slice(IDENTITY_COMMITMENT_DOMAIN.as_bytes());
    cbor.push(0x60 + 3);
    cbor.extend_from_slice(b"Ann");
    cbor.extend_from_slice(&[0x58, 32]);
    cbor.extend_from_slice(&salt);
    let want: [u8; 32] = Sha256::digest(&cbor).into();
    assert_eq!(identity_commitment("Ann", &salt), Digest(want));
    assert_ne!(
        identity_commitment("Ann", &salt),
        identity_commitment("Ann", &[8; 32])
    );
    assert_ne!(
        identity_commitment("Ann", &salt),
        identity_commitment("Anne", &salt)
    );
}
