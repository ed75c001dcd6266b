//! Canonical CBOR: RFC 8949 §4.2.1 core deterministic encoding.
//!
//! Everything provledger hashes or signs is canonical CBOR: shortest integer
//! and length arguments, definite lengths only, map keys sorted by the
//! bytewise order of their encodings, no duplicate keys, no floats, and no
//! bignums (tags 2 and 3: every integer we store fits 64 bits, and serde
//! reads a bignum as a plain integer, a second encoding of it). We encode
//! through [`ciborium::Value`] (sorting maps on the way out) and, on the way
//! in, validate the raw bytes *before* decoding them, so that an error can
//! name the exact offset and rule that a hostile or corrupted input breaks.
//! Checking the bytes directly (instead of decoding, re-encoding and
//! comparing) gives the same verdict with a better message; typed decoding
//! ([`from_slice`]) then also re-encodes, because serde's leniency lets
//! canonical bytes of the wrong shape decode.

use ciborium::Value;
use serde::{de::DeserializeOwned, Serialize};
use std::cmp::Ordering;

/// How deeply arrays and maps may nest. Our own data nests a handful of
/// levels; this bounds the recursion a hostile input can cause.
pub const MAX_DEPTH: usize = 32;

/// Why bytes were refused as canonical CBOR, or a value could not be encoded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CborError {
    /// The input breaks a rule of the deterministic encoding.
    #[error("non-canonical CBOR at byte {offset}: {problem}")]
    NotCanonical {
        /// Where in the input, in bytes.
        offset: usize,
        /// Which rule it breaks.
        problem: String,
    },
    /// The input is canonical CBOR but not of the expected shape.
    #[error("CBOR does not have the expected structure: {0}")]
    Shape(String),
    /// The value cannot be encoded canonically (for example, it holds a float).
    #[error("cannot encode as canonical CBOR: {0}")]
    Encode(String),
}

fn problem(offset: usize, p: impl Into<String>) -> CborError {
    CborError::NotCanonical {
        offset,
        problem: p.into(),
    }
}

/// Encodes `value` as canonical CBOR.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, CborError> {
    let v = Value::serialized(value).map_err(|e| CborError::Encode(e.to_string()))?;
    value_to_vec(&v)
}

/// Encodes a [`Value`] as canonical CBOR, sorting every map's keys.
///
/// Written directly, without copying the value first: every statement
/// decoded is encoded again to check that it is its own encoding, so this
/// is on the path of every append and audit. `value_to_vec_via_ciborium`
/// (tests only) is the reference it is tested against.
pub fn value_to_vec(value: &Value) -> Result<Vec<u8>, CborError> {
    let mut out = Vec::new();
    encode(value, &mut out)?;
    Ok(out)
}

/// Appends the head of a data item: major type and shortest argument.
pub(crate) fn write_head(major: u8, arg: u64, out: &mut Vec<u8>) {
    let m = major << 5;
    match arg {
        0..=23 => out.push(m | arg as u8),
        24..=0xff => out.extend_from_slice(&[m | 24, arg as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend_from_slice(&(arg as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend_from_slice(&(arg as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend_from_slice(&arg.to_be_bytes());
        }
    }
}

/// Appends the canonical encoding of `value` (see [`value_to_vec`]).
fn encode(value: &Value, out: &mut Vec<u8>) -> Result<(), CborError> {
    match value {
        Value::Integer(i) => {
            let n = i128::from(*i);
            if n >= 0 {
                write_head(0, n as u64, out);
            } else {
                write_head(1, (-1 - n) as u64, out);
            }
        }
        Value::Bytes(b) => {
            write_head(2, b.len() as u64, out);
            out.extend_from_slice(b);
        }
        Value::Text(t) => {
            write_head(3, t.len() as u64, out);
            out.extend_from_slice(t.as_bytes());
        }
        Value::Array(items) => {
            write_head(4, items.len() as u64, out);
            for item in items {
                encode(item, out)?;
            }
        }
        Value::Map(entries) => {
            // Each entry is encoded into one scratch buffer, then the
            // entries are written out in the order of their encoded keys.
            let mut scratch = Vec::new();
            let mut spans = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let start = scratch.len();
                encode(k, &mut scratch)?;
                let key_end = scratch.len();
                encode(v, &mut scratch)?;
                spans.push((start, key_end, scratch.len()));
            }
            spans.sort_by(|a, b| scratch[a.0..a.1].cmp(&scratch[b.0..b.1]));
            if spans
                .windows(2)
                .any(|w| scratch[w[0].0..w[0].1] == scratch[w[1].0..w[1].1])
            {
                return Err(CborError::Encode("duplicate map key".into()));
            }
            write_head(5, entries.len() as u64, out);
            for (start, _, end) in spans {
                out.extend_from_slice(&scratch[start..end]);
            }
        }
        Value::Tag(2 | 3, _) => {
            return Err(CborError::Encode(
                "bignums (tags 2, 3) are not allowed: integers must fit in 64 bits".into(),
            ))
        }
        Value::Tag(t, inner) => {
            write_head(6, *t, out);
            encode(inner, out)?;
        }
        Value::Bool(false) => out.push(0xf4),
        Value::Bool(true) => out.push(0xf5),
        Value::Null => out.push(0xf6),
        Value::Float(_) => {
            return Err(CborError::Encode(
                "floating-point numbers are not allowed".into(),
            ))
        }
        // `Value` is non-exhaustive; anything newer goes the old way.
        other => {
            let canon = canonicalize(other)?;
            ciborium::into_writer(&canon, out).map_err(|e| CborError::Encode(e.to_string()))?;
        }
    }
    Ok(())
}

/// The encoder [`value_to_vec`] replaced (copy, sort, then ciborium's
/// writer): the reference of its tests.
#[cfg(test)]
pub(crate) fn value_to_vec_via_ciborium(value: &Value) -> Result<Vec<u8>, CborError> {
    let canon = canonicalize(value)?;
    let mut out = Vec::new();
    ciborium::into_writer(&canon, &mut out).map_err(|e| CborError::Encode(e.to_string()))?;
    Ok(out)
}

/// Checks `bytes` is canonical CBOR, decodes it as `T`, and checks that `T`
/// encodes back to exactly `bytes`.
///
/// Canonical bytes alone do not make the decoding one-to-one: serde reads
/// an integer field through any tag in front of it (`1(5)` as 5), a byte
/// string field from a text string, an absent optional field from `null`.
/// Each would be a second encoding of one value (and of a statement, a
/// second id), so only the encoding `T` itself writes is accepted.
pub fn from_slice<T: Serialize + DeserializeOwned>(bytes: &[u8]) -> Result<T, CborError> {
    check_canonical(bytes)?;
    let value: T = ciborium::from_reader(bytes).map_err(|e| CborError::Shape(e.to_string()))?;
    if to_vec(&value)? != bytes {
        return Err(CborError::Shape(
            "it decodes, but is not the encoding of what it decodes to (a tag, a null \
             for an absent field, or a value of another CBOR type than its field's)"
                .into(),
        ));
    }
    Ok(value)
}

/// Checks `bytes` is exactly one canonical CBOR data item and decodes it as a
/// [`Value`].
pub fn value_from_slice(bytes: &[u8]) -> Result<Value, CborError> {
    from_slice(bytes)
}

/// Checks that `bytes` is exactly one data item in RFC 8949 §4.2.1
/// deterministic encoding (plus our rules: no floats, no bignums), naming
/// the first offending byte otherwise.
pub fn check_canonical(bytes: &[u8]) -> Result<(), CborError> {
    if bytes.is_empty() {
        return Err(problem(0, "empty input"));
    }
    let end = item(bytes, 0, 0)?;
    if end != bytes.len() {
        return Err(problem(
            end,
            format!("{} trailing bytes after the data item", bytes.len() - end),
        ));
    }
    Ok(())
}

/// Validates the data item at `pos`, returning the offset just past it.
fn item(b: &[u8], pos: usize, depth: usize) -> Result<usize, CborError> {
    if depth > MAX_DEPTH {
        return Err(problem(
            pos,
            format!("nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    let (major, arg, mut at) = head(b, pos)?;
    match major {
        0 | 1 => Ok(at),
        2 | 3 => {
            let len = length(b, pos, at, arg)?;
            if major == 3 && std::str::from_utf8(&b[at..at + len]).is_err() {
                return Err(problem(pos, "text string is not valid UTF-8"));
            }
            Ok(at + len)
        }
        4 => {
            for _ in 0..arg {
                at = item(b, at, depth + 1)?;
            }
            Ok(at)
        }
        5 => {
            let mut prev: Option<(usize, usize)> = None;
            for _ in 0..arg {
                let key_start = at;
                let key_end = item(b, at, depth + 1)?;
                if let Some((ps, pe)) = prev {
                    match b[ps..pe].cmp(&b[key_start..key_end]) {
                        Ordering::Less => {}
                        Ordering::Equal => {
                            return Err(problem(key_start, "duplicate map key"));
                        }
                        Ordering::Greater => {
                            return Err(problem(
                                key_start,
                                "map keys are not sorted by their encoded bytes",
                            ));
                        }
                    }
                }
                prev = Some((key_start, key_end));
                at = item(b, key_end, depth + 1)?;
            }
            Ok(at)
        }
        6 if arg == 2 || arg == 3 => Err(problem(
            pos,
            format!("bignum (tag {arg}) is not allowed: integers must fit in 64 bits"),
        )),
        6 => item(b, at, depth + 1),
        _ => match b[pos] & 0x1f {
            20..=22 => Ok(at),
            25..=27 => Err(problem(pos, "floating-point numbers are not allowed")),
            _ => Err(problem(
                pos,
                format!("simple value {arg} is not allowed (only false, true, null)"),
            )),
        },
    }
}

/// Bounds-checks a byte/text string length against the input.
fn length(b: &[u8], pos: usize, at: usize, arg: u64) -> Result<usize, CborError> {
    let left = b.len() - at;
    match usize::try_from(arg) {
        Ok(len) if len <= left => Ok(len),
        _ => Err(problem(
            pos,
            format!("string of {arg} bytes runs past the end of the input ({left} left)"),
        )),
    }
}

/// Reads an initial byte and its argument, insisting on the shortest form.
/// Returns (major type, argument, offset after the head).
fn head(b: &[u8], pos: usize) -> Result<(u8, u64, usize), CborError> {
    let ib = *b
        .get(pos)
        .ok_or_else(|| problem(pos, "input ends in the middle of a data item"))?;
    let major = ib >> 5;
    let ai = ib & 0x1f;
    let (n, min) = match ai {
        0..=23 => return Ok((major, u64::from(ai), pos + 1)),
        24 => (1, 24u64),
        25 => (2, 0x100),
        26 => (4, 0x1_0000),
        27 => (8, 0x1_0000_0000),
        31 => {
            return Err(problem(
                pos,
                if major == 7 {
                    "unexpected break byte"
                } else {
                    "indefinite-length items are not allowed"
                },
            ))
        }
        _ => {
            return Err(problem(
                pos,
                format!("reserved additional information {ai}"),
            ))
        }
    };
    let raw = b
        .get(pos + 1..pos + 1 + n)
        .ok_or_else(|| problem(pos, "input ends in the middle of a data item"))?;
    let arg = raw.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x));
    // Major type 7 with ai 25..27 are floats, refused by the caller; the
    // shortest-form rule is about integer and length arguments.
    if major != 7 && arg < min {
        return Err(problem(
            pos,
            format!("argument {arg} is not in its shortest form"),
        ));
    }
    Ok((major, arg, pos + 1 + n))
}

/// Returns `value` with every map sorted by encoded key, refusing floats and
/// duplicate keys.
fn canonicalize(value: &Value) -> Result<Value, CborError> {
    Ok(match value {
        Value::Float(_) => {
            return Err(CborError::Encode(
                "floating-point numbers are not allowed".into(),
            ))
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(canonicalize).collect::<Result<_, _>>()?)
        }
        Value::Map(entries) => {
            let mut keyed = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let k = canonicalize(k)?;
                let mut kb = Vec::new();
                ciborium::into_writer(&k, &mut kb).map_err(|e| CborError::Encode(e.to_string()))?;
                keyed.push((kb, k, canonicalize(v)?));
            }
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            if keyed.windows(2).any(|w| w[0].0 == w[1].0) {
                return Err(CborError::Encode("duplicate map key".into()));
            }
            Value::Map(keyed.into_iter().map(|(_, k, v)| (k, v)).collect())
        }
        Value::Tag(2 | 3, _) => {
            return Err(CborError::Encode(
                "bignums (tags 2, 3) are not allowed: integers must fit in 64 bits".into(),
            ))
        }
        Value::Tag(t, inner) => Value::Tag(*t, Box::new(canonicalize(inner)?)),
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(bytes: &[u8]) -> String {
        check_canonical(bytes).unwrap_err().to_string()
    }

    #[test]
    fn sorts_keys_by_encoded_bytes() {
        // "bb" (0x62..) sorts after "a" (0x61..) and before "aaa" (0x63..):
        // shorter keys first, as the encoded length comes first.
        let v = Value::Map(vec![
            (Value::Text("aaa".into()), Value::Integer(1.into())),
            (Value::Text("bb".into()), Value::Integer(2.into())),
            (Value::Text("a".into()), Value::Integer(3.into())),
        ]);
        let b = value_to_vec(&v).unwrap();
        assert_eq!(
            hex::encode(&b),
            "a3616103626262026361616101",
            "keys must come out as a, bb, aaa"
        );
        check_canonical(&b).unwrap();
    }

    #[test]
    fn refuses_non_shortest_integers() {
        assert_eq!(
            err(&[0x18, 0x05]),
            "non-canonical CBOR at byte 0: argument 5 is not in its shortest form"
        );
        assert!(err(&[0x19, 0x00, 0xff]).contains("shortest"));
    }

    #[test]
    fn refuses_indefinite_lengths() {
        assert_eq!(
            err(&[0x9f, 0x01, 0xff]),
            "non-canonical CBOR at byte 0: indefinite-length items are not allowed"
        );
    }

    #[test]
    fn refuses_floats() {
        assert_eq!(
            err(&[0xf9, 0x3c, 0x00]),
            "non-canonical CBOR at byte 0: floating-point numbers are not allowed"
        );
        assert!(to_vec(&1.5f64)
            .unwrap_err()
            .to_string()
            .contains("floating"));
    }

    #[test]
    fn refuses_duplicate_and_unsorted_keys() {
        assert_eq!(
            err(&[0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02]),
            "non-canonical CBOR at byte 4: duplicate map key"
        );
        assert_eq!(
            err(&[0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02]),
            "non-canonical CBOR at byte 4: map keys are not sorted by their encoded bytes"
        );
    }

    #[test]
    fn refuses_trailing_and_truncated_input() {
        assert_eq!(
            err(&[0x01, 0x02]),
            "non-canonical CBOR at byte 1: 1 trailing bytes after the data item"
        );
        assert!(err(&[0x82, 0x01]).contains("ends in the middle"));
        assert!(err(&[0x5a, 0xff, 0xff, 0xff, 0xff]).contains("runs past the end"));
        assert!(err(&[0x62, 0xff, 0xfe]).contains("UTF-8"));
    }

    #[test]
    fn refuses_bignums() {
        // Found by fuzz/fuzz_targets/cbor.rs: ciborium reads -(0xe626452c00)-1
        // from this and writes it back as a plain negative integer.
        assert_eq!(
            err(&[0xc3, 0x45, 0xe6, 0x26, 0x45, 0x2c, 0x00]),
            "non-canonical CBOR at byte 0: bignum (tag 3) is not allowed: integers must fit in 64 bits"
        );
        assert_eq!(
            err(&[0x81, 0xc2, 0x49, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
            "non-canonical CBOR at byte 1: bignum (tag 2) is not allowed: integers must fit in 64 bits"
        );
        assert_eq!(
            value_to_vec(&Value::Tag(2, Box::new(Value::Bytes(vec![1; 9]))))
                .unwrap_err()
                .to_string(),
            "cannot encode as canonical CBOR: bignums (tags 2, 3) are not allowed: integers must fit in 64 bits"
        );
        // Other tags are data, kept as they are.
        let tagged = [0xc1, 0x1a, 0x51, 0x4b, 0x67, 0xb0];
        check_canonical(&tagged).unwrap();
        assert_eq!(
            value_to_vec(&value_from_slice(&tagged).unwrap()).unwrap(),
            tagged
        );
    }

    #[test]
    fn typed_decoding_refuses_a_second_encoding_of_a_value() {
        #[derive(Serialize, serde::Deserialize, PartialEq, Debug)]
        struct S {
            n: u64,
            #[serde(with = "serde_bytes")]
            b: Vec<u8>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            o: Option<u64>,
        }
        let msg = "CBOR does not have the expected structure: it decodes, but is not the \
                   encoding of what it decodes to (a tag, a null for an absent field, or a \
                   value of another CBOR type than its field's)";
        // {"b": h'00', "n": 5}
        let good = [0xa2, 0x61, 0x62, 0x41, 0x00, 0x61, 0x6e, 0x05];
        assert_eq!(
            from_slice::<S>(&good).unwrap(),
            S {
                n: 5,
                b: vec![0],
                o: None
            }
        );
        // "n": 1(5): serde skips the tag.
        let tagged = [0xa2, 0x61, 0x62, 0x41, 0x00, 0x61, 0x6e, 0xc1, 0x05];
        assert_eq!(from_slice::<S>(&tagged).unwrap_err().to_string(), msg);
        // "o": null instead of leaving the field out.
        let null = [
            0xa3, 0x61, 0x62, 0x41, 0x00, 0x61, 0x6e, 0x05, 0x61, 0x6f, 0xf6,
        ];
        assert_eq!(from_slice::<S>(&null).unwrap_err().to_string(), msg);
    }

    /// Any value: integers across the whole range, strings, floats and
    /// bignums (both refused), tags, nested arrays and maps with keys of
    /// every type (and duplicates).
    fn any_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            any::<u64>().prop_map(|n| Value::Integer(n.into())),
            any::<i64>().prop_map(|n| Value::Integer(n.into())),
            (0u64..30).prop_map(|n| Value::Integer(n.into())),
            proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
            ".{0,30}".prop_map(Value::Text),
            "[ab]{0,2}".prop_map(Value::Text),
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Null),
            Just(Value::Float(1.5)),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                proptest::collection::vec((inner.clone(), inner.clone()), 0..6)
                    .prop_map(Value::Map),
                (0u64..70_000, inner).prop_map(|(t, v)| Value::Tag(t, Box::new(v))),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The direct encoder writes what copying, sorting and ciborium's
        /// writer wrote, and refuses what it refused with the same message.
        #[test]
        fn the_direct_encoder_agrees_with_the_reference(v in any_value()) {
            let direct = value_to_vec(&v);
            proptest::prop_assert_eq!(&direct, &value_to_vec_via_ciborium(&v));
            if let Ok(bytes) = direct {
                check_canonical(&bytes).unwrap();
            }
        }
    }

    #[test]
    fn refuses_deep_nesting() {
        let bytes = vec![0x81; 100];
        assert!(err(&bytes).contains("nested deeper"));
    }

    #[test]
    fn round_trips_structs() {
        #[derive(Serialize, serde::Deserialize, PartialEq, Debug)]
        struct S {
            zeta: u64,
            a: String,
            #[serde(with = "serde_bytes")]
            data: Vec<u8>,
        }
        let s = S {
            zeta: 500,
            a: "x".into(),
            data: vec![1, 2],
        };
        let b = to_vec(&s).unwrap();
        assert_eq!(from_slice::<S>(&b).unwrap(), s);
    }
}
