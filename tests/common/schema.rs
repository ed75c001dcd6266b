//! The one schema assertion: outputs checked against the JSON Schemas in
//! `schemas/` (draft 2020-12, formats checked).

use serde_json::Value;
use std::path::PathBuf;

/// The repository's `schemas/` directory.
pub fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

/// A published schema, by file name.
pub fn schema(name: &str) -> Value {
    let path = schema_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Where a schema's `$id` says it is published; a `$ref` to another of
/// our schemas is read from `schemas/` (never fetched).
const SCHEMA_BASE: &str = "https://provledger.example/schemas/";

/// Resolves a `$ref` to another published schema from `schemas/`.
struct Local;

impl jsonschema::Retrieve for Local {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        match uri.as_str().strip_prefix(SCHEMA_BASE) {
            Some(name) => Ok(schema(name)),
            None => Err(format!("{uri} is not one of our schemas").into()),
        }
    }
}

/// A validator for schemas/`name`: draft 2020-12, with formats checked.
pub fn validator(name: &str) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .with_retriever(Local)
        .build(&schema(name))
        .unwrap_or_else(|e| panic!("schemas/{name} is not a valid JSON Schema: {e}"))
}

/// Panics unless `value` is valid under schemas/`name`, listing every error.
#[track_caller]
pub fn assert_schema(name: &str, value: &Value) {
    let errors: Vec<String> = validator(name)
        .iter_errors(value)
        .map(|e| format!("  at {}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "output does not follow schemas/{name}:\n{}\n\noutput:\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(value).unwrap()
    );
}
