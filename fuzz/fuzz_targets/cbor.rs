//! Canonical CBOR (src/cbor.rs): the checker accepts exactly the bytes the
//! encoder writes.
//!
//! - Accepted bytes decode, and re-encode to the same bytes.
//! - Refused bytes are refused by every decoding entry point too.
//! - Anything ciborium can read, once re-encoded by us, is accepted by the
//!   checker (unless nested too deep) and decodes to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provledger::cbor::{self, CborError, MAX_DEPTH};

fn depth(v: &ciborium::Value) -> usize {
    use ciborium::Value;
    match v {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| depth(k).max(depth(v)))
                .max()
                .unwrap_or(0)
        }
        Value::Tag(_, inner) => 1 + depth(inner),
        _ => 0,
    }
}

fuzz_target!(|data: &[u8]| {
    match cbor::check_canonical(data) {
        Ok(()) => {
            let v = cbor::value_from_slice(data).expect("canonical bytes decode as a Value");
            let again = cbor::value_to_vec(&v).expect("a decoded canonical value re-encodes");
            assert_eq!(again, data, "decode then encode changed canonical bytes");
        }
        Err(e) => {
            assert!(matches!(e, CborError::NotCanonical { .. }), "{e:?}");
            assert_eq!(cbor::value_from_slice(data).unwrap_err(), e);
        }
    }
    if let Ok(v) = ciborium::from_reader::<ciborium::Value, _>(data) {
        if let Ok(bytes) = cbor::value_to_vec(&v) {
            match cbor::check_canonical(&bytes) {
                Ok(()) => {
                    let back = cbor::value_from_slice(&bytes).expect("accepted bytes decode");
                    assert_eq!(
                        cbor::value_to_vec(&back).expect("re-encodes"),
                        bytes,
                        "our encoding is not a fixed point"
                    );
                }
                Err(e) => assert!(
                    depth(&v) > MAX_DEPTH,
                    "our encoder wrote bytes our checker refuses: {e}"
                ),
            }
        }
    }
});
