//! Property tests for the round trips (issue 12 §5): canonical CBOR, signed
//! statements, leaves and entry bundles, checkpoints and tlog-proofs encode
//! → decode → encode to identical bytes, and any single-byte change to a
//! signed statement is refused.
//!
//! Case counts are kept modest so the suite stays fast; the fuzz targets in
//! fuzz/ search the same properties from the decoding side for longer.

use ciborium::Value;
use ed25519_dalek::SigningKey;
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::string::string_regex;
use provledger::cbor;
use provledger::digest::Digest;
use provledger::keys::SecretKey;
use provledger::log::tiles::{parse_bundle, push_entry};
use provledger::log::{Checkpoint, Leaf};
use provledger::proof::TlogProof;
use provledger::statement::*;

/// A signing key that is published on purpose (keys/demo), parsed from
/// text so file modes do not matter.
fn editor() -> SecretKey {
    SecretKey::parse(
        include_str!("../keys/demo/demo-editor.key"),
        "demo-editor.key",
    )
    .unwrap()
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

// ---- canonical CBOR ----

/// Any CBOR value our encoder takes: no floats, and no bignum tags (2, 3),
/// which ciborium reads back as integers.
fn cbor_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<u64>().prop_map(|n| Value::Integer(n.into())),
        any::<i64>().prop_map(|n| Value::Integer(n.into())),
        vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
        ".{0,12}".prop_map(Value::Text),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            btree_map(".{0,8}", inner.clone(), 0..6).prop_map(|m| {
                Value::Map(m.into_iter().map(|(k, v)| (Value::Text(k), v)).collect())
            }),
            btree_map(any::<i64>(), inner.clone(), 0..6).prop_map(|m| {
                Value::Map(
                    m.into_iter()
                        .map(|(k, v)| (Value::Integer(k.into()), v))
                        .collect(),
                )
            }),
            (4u64..1_000_000, inner).prop_map(|(t, v)| Value::Tag(t, Box::new(v))),
        ]
    })
}

/// The value with every map's entries in reverse order.
fn reversed(v: &Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.iter().map(reversed).collect()),
        Value::Map(entries) => Value::Map(
            entries
                .iter()
                .rev()
                .map(|(k, v)| (reversed(k), reversed(v)))
                .collect(),
        ),
        Value::Tag(t, inner) => Value::Tag(*t, Box::new(reversed(inner))),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn cbor_encode_decode_encode_is_identical(v in cbor_value()) {
        let bytes = cbor::value_to_vec(&v).unwrap();
        cbor::check_canonical(&bytes).unwrap();
        let back = cbor::value_from_slice(&bytes).unwrap();
        prop_assert_eq!(cbor::value_to_vec(&back).unwrap(), bytes);
    }

    #[test]
    fn cbor_encoding_ignores_map_entry_order(v in cbor_value()) {
        prop_assert_eq!(
            cbor::value_to_vec(&reversed(&v)).unwrap(),
            cbor::value_to_vec(&v).unwrap()
        );
    }
}

// ---- statements ----

/// Text as people write it (letters, digits, punctuation, some non-ASCII);
/// what the statement rules refuse (control and invisible characters) is
/// tested where those rules are.
fn text() -> impl Strategy<Value = String> {
    string_regex("[A-Za-z0-9][A-Za-z0-9 .,:;'’()éüßçłΩж中文-]{0,40}").unwrap()
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn digest() -> impl Strategy<Value = Digest> {
    any::<[u8; 32]>().prop_map(Digest)
}

fn one_of<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(all)
}

fn anchor() -> impl Strategy<Value = Anchor> {
    (text(), text(), text(), 0u64..100_000, 1u64..500).prop_map(
        |(exact, prefix, suffix, start, len)| Anchor {
            exact,
            prefix,
            suffix,
            start,
            end: start + len,
        },
    )
}

fn attribution() -> impl Strategy<Value = Attribution> {
    (
        proptest::option::of(digest()),
        opt_text(),
        one_of(Hedge::ALL),
        one_of(Mode::ALL),
        opt_text(),
        proptest::option::of(digest()),
    )
        .prop_map(
            |(source, cue, hedge, mode, quote, relayed_by)| Attribution {
                source,
                cue,
                hedge,
                mode,
                quote,
                relayed_by,
            },
        )
}

fn content() -> impl Strategy<Value = ClaimContent> {
    (text(), anchor(), attribution()).prop_map(|(proposition, anchor, attribution)| ClaimContent {
        proposition,
        anchor,
        attribution,
    })
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        (text(), text(), text(), 1u64..10).prop_map(|(origin, operator, description, quorum)| {
            Body::Genesis(Genesis {
                origin,
                operator,
                description,
                policy: Policy::quorum(quorum),
            })
        }),
        (
            text(),
            text(),
            vec(one_of(&[Role::Editor, Role::Checker, Role::Auditor]), 1..3)
        )
            .prop_map(|(key, display_name, roles)| Body::KeyGrant(KeyGrant {
                key,
                display_name,
                roles
            })),
        (text(), text()).prop_map(|(key, reason)| Body::KeyRevoke(KeyRevoke::new(key, reason))),
        (
            text(),
            one_of(SourceKind::ALL),
            (opt_text(), opt_text(), opt_text(), opt_text()),
            any::<bool>(),
            one_of(SourceCount::ALL)
        )
            .prop_map(
                |(label, kind, (name, role, affiliation, place), on_record, count)| {
                    Body::SourceRecord(SourceRecord {
                        label,
                        kind,
                        name,
                        role,
                        affiliation,
                        place,
                        on_record,
                        count,
                        anonymity: None,
                    })
                }
            ),
        (
            (text(), text(), text()),
            proptest::option::of(0u64..2_000_000_000),
            0u64..2_000_000_000,
            digest(),
            0u64..1_000_000,
            proptest::option::of(digest())
        )
            .prop_map(
                |(
                    (url, publisher, title),
                    published_at,
                    retrieved_at,
                    content,
                    length,
                    supersedes,
                )| {
                    Body::ArticleRecord(ArticleRecord {
                        url,
                        publisher,
                        title,
                        published_at,
                        retrieved_at,
                        content,
                        length,
                        supersedes,
                        capture: None,
                    })
                }
            ),
        (digest(), content()).prop_map(|(article, c)| Body::ClaimRecord(ClaimRecord {
            article,
            proposition: c.proposition,
            anchor: c.anchor,
            attribution: c.attribution,
        })),
        (
            digest(),
            digest(),
            prop_oneof![content().prop_map(Change::Content), Just(Change::Removed)],
            one_of(ChangeReason::ALL),
            opt_text()
        )
            .prop_map(|(claim, article, change, reason, note)| Body::ClaimRevise(
                ClaimRevise {
                    claim,
                    article,
                    change,
                    reason,
                    note,
                }
            )),
        (digest(), text())
            .prop_map(|(claim, reason)| Body::ClaimRetract(ClaimRetract { claim, reason })),
        (digest(), digest(), one_of(Relation::ALL), opt_text()).prop_map(
            |(from, to, relation, note)| Body::ClaimLink(ClaimLink {
                from,
                to,
                relation,
                note
            })
        ),
        (
            digest(),
            digest(),
            one_of(Verdict::ALL),
            vec(
                (text(), proptest::option::of(digest()), opt_text())
                    .prop_map(|(url, sha256, note)| Evidence { url, sha256, note }),
                0..3
            ),
            opt_text()
        )
            .prop_map(|(claim, revision, verdict, evidence, note)| {
                Body::Verification(Verification {
                    claim,
                    revision,
                    verdict,
                    evidence,
                    note,
                })
            }),
        (digest(), text()).prop_map(|(verification, reason)| {
            Body::VerificationWithdraw(VerificationWithdraw {
                verification,
                reason,
            })
        }),
        (digest(), text())
            .prop_map(|(link, reason)| Body::ClaimLinkWithdraw(ClaimLinkWithdraw { link, reason })),
        (
            text(),
            opt_text(),
            proptest::option::of(vec(
                one_of(&[Role::Editor, Role::Checker, Role::Auditor]),
                1..3
            )),
            opt_text()
        )
            .prop_map(
                |(key, display_name, roles, note)| Body::KeyUpdate(KeyUpdate {
                    key,
                    display_name,
                    roles,
                    note
                })
            ),
        (
            text(),
            text(),
            proptest::option::of(one_of(RevokeMode::ALL)),
            proptest::option::of(0u64..2_000_000_000),
            proptest::option::of(0u64..1_000_000)
        )
            .prop_map(
                |(key, reason, mode, since_at, since_entry)| Body::KeyRevoke(KeyRevoke {
                    key,
                    reason,
                    mode,
                    since_at,
                    since_entry
                })
            ),
        (text(), one_of(GroundRules::ALL), one_of(Basis::ALL)).prop_map(
            |(reason, ground_rules, basis)| Body::SourceRecord(SourceRecord {
                anonymity: Some(Anonymity {
                    reason,
                    ground_rules,
                    basis
                }),
                ..SourceRecord::with_defaults("a source".into(), SourceKind::AnonymousPerson, None)
            })
        ),
        (digest(), digest()).prop_map(|(source, commitment)| Body::SourceIdentity(
            SourceIdentity { source, commitment }
        )),
        (digest(), digest(), one_of(SourceRelation::ALL), opt_text()).prop_map(
            |(a, b, relation, note)| Body::SourceRelate(SourceRelate {
                a,
                b,
                relation,
                note
            })
        ),
        (digest(), digest(), opt_text())
            .prop_map(|(source, into, note)| Body::SourceMerge(SourceMerge { source, into, note })),
    ]
}

/// Statements made at a time in the past (2000 to 2025).
fn statement() -> impl Strategy<Value = Statement> {
    (946_684_800u64..1_735_689_600, body()).prop_map(|(at, body)| Statement { at, body })
}

/// Whether `bytes` are refused as a signed statement, by decoding or by the
/// signature check.
fn refused(bytes: &[u8]) -> bool {
    SignedStatement::decode(bytes)
        .and_then(SignedStatement::verify)
        .is_err()
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn statement_sign_encode_decode_encode_is_identical(st in statement()) {
        let key = editor();
        let payload = st.to_payload().unwrap();
        prop_assert_eq!(Statement::from_payload(&payload).unwrap(), st.clone());
        let signed = SignedStatement::sign(&st, &key).unwrap();
        let decoded = SignedStatement::decode(signed.bytes()).unwrap();
        prop_assert_eq!(decoded.statement(), &st);
        prop_assert_eq!(decoded.bytes(), signed.bytes());
        prop_assert_eq!(decoded.id(), Digest::of(signed.bytes()));
        prop_assert_eq!(decoded.statement().to_payload().unwrap(), payload);
        // Ed25519 signatures are deterministic: signing again is the same bytes.
        let again = SignedStatement::sign(&st, &key).unwrap();
        prop_assert_eq!(again.bytes(), signed.bytes());
        let verified = decoded.verify().unwrap();
        prop_assert_eq!(verified.signer(), key.public().verifying_key());
    }

    #[test]
    fn any_single_byte_change_to_a_signed_statement_is_refused(
        st in statement(),
        at in any::<prop::sample::Index>(),
        delta in 1u8..=255,
    ) {
        let signed = SignedStatement::sign(&st, &editor()).unwrap();
        let mut bytes = signed.bytes().to_vec();
        let i = at.index(bytes.len());
        bytes[i] ^= delta;
        prop_assert!(refused(&bytes), "byte {} ^ {:#04x} of {} accepted", i, delta, hex::encode(signed.bytes()));
    }

    #[test]
    fn a_signed_statement_with_bytes_cut_or_added_is_refused(
        st in statement(),
        at in any::<prop::sample::Index>(),
        extra in vec(any::<u8>(), 1..4),
    ) {
        let bytes = SignedStatement::sign(&st, &editor()).unwrap().bytes().to_vec();
        let i = at.index(bytes.len());
        let mut longer = bytes.clone();
        longer.splice(i..i, extra.iter().copied());
        prop_assert!(refused(&longer), "{} bytes inserted at {} accepted", extra.len(), i);
        let mut shorter = bytes.clone();
        shorter.remove(i);
        prop_assert!(refused(&shorter), "byte {} removed and accepted", i);
    }
}

#[test]
fn every_bit_flip_of_a_signed_statement_is_refused() {
    let st = Statement {
        at: 1_700_000_000,
        body: Body::Verification(Verification {
            claim: Digest([7; 32]),
            revision: Digest([7; 32]),
            verdict: Verdict::MostlyTrue,
            evidence: vec![Evidence {
                url: "https://example.org/report".into(),
                sha256: Some(Digest([9; 32])),
                note: Some("the minister's own statement".into()),
            }],
            note: None,
        }),
    };
    let bytes = SignedStatement::sign(&st, &editor())
        .unwrap()
        .bytes()
        .to_vec();
    assert!(!refused(&bytes));
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut m = bytes.clone();
            m[i] ^= 1 << bit;
            assert!(refused(&m), "flipping bit {bit} of byte {i} was accepted");
        }
    }
}

// ---- leaves, entry bundles ----

fn leaf() -> impl Strategy<Value = Leaf> {
    (
        any::<u64>(),
        digest(),
        any::<u64>(),
        vec(any::<u8>(), 0..400),
    )
        .prop_map(|(seq, prev, logged_at, statement)| Leaf {
            seq,
            prev,
            logged_at,
            statement,
        })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn leaf_encode_decode_encode_is_identical(l in leaf()) {
        let bytes = l.encode().unwrap();
        let back = Leaf::decode(&bytes).unwrap();
        prop_assert_eq!(&back, &l);
        prop_assert_eq!(back.encode().unwrap(), bytes);
    }

    #[test]
    fn entry_bundles_round_trip(leaves in vec(leaf(), 1..20)) {
        let encoded: Vec<Vec<u8>> = leaves.iter().map(|l| l.encode().unwrap()).collect();
        let mut bundle = Vec::new();
        for e in &encoded {
            push_entry(&mut bundle, e);
        }
        let read = parse_bundle(&bundle, encoded.len() as u64, true).unwrap();
        prop_assert_eq!(&read, &encoded);
        let decoded: Vec<Leaf> = read.iter().map(|e| Leaf::decode(e).unwrap()).collect();
        prop_assert_eq!(decoded, leaves);
    }
}

// ---- checkpoints, tlog-proofs ----

fn origin() -> impl Strategy<Value = String> {
    string_regex("[a-z][a-z0-9.-]{0,30}(/[a-z0-9]{1,8})?").unwrap()
}

fn checkpoint() -> impl Strategy<Value = Checkpoint> {
    (origin(), any::<u64>(), digest()).prop_map(|(origin, size, root)| Checkpoint {
        origin,
        size,
        root,
    })
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn checkpoints_sign_parse_and_verify_round_trip(cp in checkpoint(), seed in any::<[u8; 32]>()) {
        let text = cp.text().unwrap();
        prop_assert_eq!(&Checkpoint::parse_text(&text).unwrap(), &cp);
        prop_assert_eq!(Checkpoint::parse_text(&text).unwrap().text().unwrap(), text);
        let key = SecretKey::from_signing_key(&cp.origin, SigningKey::from_bytes(&seed)).unwrap();
        let note = cp.sign(&key.note_signer()).unwrap();
        prop_assert_eq!(&Checkpoint::parse_unverified(&note).unwrap(), &cp);
        prop_assert_eq!(&Checkpoint::verify(&note, &key.public().note_verifier()).unwrap(), &cp);
        prop_assert_eq!(cp.origin_key_ids(&note).unwrap(), vec![key.public().id()]);
    }

    #[test]
    fn tlog_proofs_write_and_parse_round_trip(
        cp in checkpoint(),
        seed in any::<[u8; 32]>(),
        extra in proptest::option::of(vec(any::<u8>(), 0..200)),
        index in any::<u64>(),
        hashes in vec(digest(), 0..12),
    ) {
        let key = SecretKey::from_signing_key(&cp.origin, SigningKey::from_bytes(&seed)).unwrap();
        let p = TlogProof {
            extra,
            index,
            hashes,
            checkpoint: cp.sign(&key.note_signer()).unwrap(),
        };
        let text = p.to_text();
        let back = TlogProof::parse(text.as_bytes()).unwrap();
        prop_assert_eq!(&back, &p);
        prop_assert_eq!(back.to_text(), text);
    }
}

// ---- regressions found by fuzzing ----

/// A statement's payload with a CBOR tag put in front of its `at` value.
fn payload_with_tagged_at(st: &Statement) -> Vec<u8> {
    let payload = st.to_payload().unwrap();
    let key = b"\x62at";
    let i = payload.windows(3).position(|w| w == key).unwrap() + key.len();
    [&payload[..i], &[0xc1], &payload[i..]].concat()
}

#[test]
fn a_tag_in_front_of_a_payload_field_is_refused() {
    // Found by fuzz/fuzz_targets/cbor.rs (seed: fuzz/corpus/payload/
    // regress-tagged-at): serde reads 1(T) as T, so the same statement had a
    // second encoding, and a second id, under a valid signature.
    let st = Statement {
        at: 1_700_000_000,
        body: Body::ClaimRetract(ClaimRetract {
            claim: Digest([1; 32]),
            reason: "recorded twice".into(),
        }),
    };
    let tagged = payload_with_tagged_at(&st);
    cbor::check_canonical(&tagged).unwrap();
    let msg = "statement is not canonical CBOR: CBOR does not have the expected structure: it \
               decodes, but is not the encoding of what it decodes to (a tag, a null for an \
               absent field, or a value of another CBOR type than its field's)";
    assert_eq!(
        Statement::from_payload(&tagged).unwrap_err().to_string(),
        msg
    );

    // Signed properly, by a key, over the tagged payload: still refused.
    use coset::CborSerializable;
    use ed25519_dalek::Signer;
    let key = editor();
    let mut protected = vec![0xa2, 0x01, 0x27, 0x04, 0x58, 0x20];
    protected.extend_from_slice(&key.public().bytes());
    let mut sign1 = coset::CoseSign1 {
        protected: coset::ProtectedHeader::from_cbor_bstr(Value::Bytes(protected)).unwrap(),
        unprotected: coset::Header::default(),
        payload: Some(tagged),
        signature: Vec::new(),
    };
    sign1.signature = key
        .signing_key()
        .sign(&sign1.tbs_data(&[]))
        .to_bytes()
        .to_vec();
    let bytes = sign1.to_vec().unwrap();
    assert_eq!(
        SignedStatement::decode(&bytes).unwrap_err().to_string(),
        msg
    );
}
