//! Claim-import JSON (`provledger claim import`).
//!
//! Fuzzes the library's import reader (`provledger::import`) and the
//! published contract the command relies on:
//! - bytes in, read by `ImportFile::read` exactly as the command does (the
//!   strict reader, the length limits, the schema and the readable messages
//!   its problems are said in: none may panic, and a refusal has problems);
//! - JSON validated against the embedded schemas/claim-import.schema.json
//!   decodes through `ImportFile::from_value` when the schema admits it;
//! - whatever the schema admits decodes into the library's types (source
//!   kind and count, hedge, mode): the schema and the code agree;
//! - every admitted claim's `exact` is anchored in the sample article with
//!   `Anchor::locate`, and a located anchor passes `Anchor::check`.
//!   Inputs that are not JSON are split at the first U+0001 into an
//!   article text and a quote, to anchor arbitrary text too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provledger::import::ImportFile;
use provledger::statement::{Anchor, Hedge, Mode, SourceCount, SourceKind};
use serde_json::Value;
use std::sync::OnceLock;

const SCHEMA: &str = include_str!("../../schemas/claim-import.schema.json");
const ARTICLE: &str = include_str!("../../sample/article-v1.txt");

fn anchored(text: &str, exact: &str) {
    if let Ok(anchor) = Anchor::locate(text, exact) {
        assert_eq!(anchor.exact, exact);
        if let Err(e) = anchor.check(text) {
            panic!("Anchor::locate made an anchor that Anchor::check refuses: {e}");
        }
    }
}

fn decodes<T: serde::de::DeserializeOwned>(v: Option<&Value>, what: &str) {
    if let Some(v) = v {
        if let Err(e) = serde_json::from_value::<T>(v.clone()) {
            panic!("the schema admits {what} {v} but the library refuses it: {e}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    match ImportFile::read(data) {
        Ok(file) => {
            for c in &file.claims {
                anchored(ARTICLE, &c.exact);
            }
        }
        Err(p) => {
            assert!(!p.problems.is_empty(), "a refusal without problems");
            let _ = p.to_string();
        }
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        if let Some((article, exact)) = text.split_once('\u{1}') {
            anchored(article, exact);
        }
        return;
    };
    let validator = VALIDATOR.get_or_init(|| {
        let schema: Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
        jsonschema::validator_for(&schema).expect("the schema is a valid schema")
    });
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    if !errors.is_empty() {
        assert!(!validator.is_valid(&value));
        return;
    }
    if let Err(p) = ImportFile::from_value(value.clone()) {
        panic!("the schema admits {value} but the library refuses it: {p}");
    }
    let list = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    for s in list("sources") {
        decodes::<SourceKind>(s.get("kind"), "source kind");
        decodes::<SourceCount>(s.get("count"), "source count");
    }
    for c in list("claims") {
        decodes::<Hedge>(c.get("hedge"), "hedge");
        decodes::<Mode>(c.get("mode"), "mode");
        let exact = c.get("exact").and_then(Value::as_str);
        anchored(
            ARTICLE,
            exact.expect("the schema requires a claim's exact text"),
        );
    }
});
