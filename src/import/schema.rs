//! The import schema (schemas/claim-import.schema.json, embedded) and its
//! problems said in the file's own terms: the entry (pointer and ref), the
//! field, and what is wrong with it ("unknown field", "missing field", the
//! allowed values), never the validator's wording of the schema keyword.

use super::{Problem, ProblemKind};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

/// The import file format, as published.
pub const SCHEMA: &str = include_str!("../../schemas/claim-import.schema.json");

/// Checks `value` against the import schema.
pub(super) fn check(value: &Value) -> Vec<Problem> {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the embedded import schema is JSON");
    let validator =
        jsonschema::validator_for(&schema).expect("the embedded import schema is a valid schema");
    let mut problems = Vec::new();
    for e in validator.iter_errors(value) {
        let at = e.instance_path().as_str().to_string();
        let fallback = clip(&e.to_string(), 200);
        problems.extend(readable(value, &at, e.kind(), e.instance(), fallback));
    }
    problems
}

/// The tokens of a JSON pointer, unescaped.
fn tokens(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `s` cut to `max` characters.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let head: String = s.chars().take(max).collect();
    format!("{head}…")
}

/// A JSON value as the message shows it.
fn shown(v: &Value) -> String {
    clip(&v.to_string(), 60)
}

/// The problems of one validation error: the entry it is in, the field,
/// and what is wrong.
fn readable(
    file: &Value,
    at: &str,
    kind: &ValidationErrorKind,
    instance: &Value,
    fallback: String,
) -> Vec<Problem> {
    let t = tokens(at);
    // The entry (/claims/3 or /sources/1) and the field in it, if any.
    let (entry, field): (String, Option<String>) = match t.as_slice() {
        [section, i, rest @ ..] if section == "claims" || section == "sources" => (
            format!("/{}/{}", escape(section), escape(i)),
            rest.first().cloned(),
        ),
        [top, ..] => ("/".to_string(), Some(top.clone())),
        [] => ("/".to_string(), None),
    };
    let entry_value = file.pointer(&entry).filter(|_| entry != "/");
    let source_kind = entry_value
        .and_then(|e| e.get("kind"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let problem = |pointer: String, message: String| Problem {
        entry: Some(entry.clone()),
        reference: entry_value
            .and_then(|e| e.get("ref"))
            .and_then(Value::as_str)
            .map(str::to_string),
        field: None,
        rule: None,
        pointer,
        kind: ProblemKind::InvalidValue,
        message,
    };
    let in_field = |message: String| {
        let mut p = problem(at.to_string(), message);
        p.field = field.clone();
        p
    };
    let for_kind = || {
        source_kind
            .as_deref()
            .map(|k| format!(" for a source of kind \"{k}\""))
            .unwrap_or_default()
    };
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|name| {
                let mut p = problem(
                    format!("{}/{}", at.trim_end_matches('/'), escape(name)),
                    format!("unknown field \"{}\"", name.escape_debug()),
                );
                p.kind = ProblemKind::UnknownField;
                p.field = Some(name.clone());
                p
            })
            .collect(),
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default().to_string();
            let why = match name.as_str() {
                "cue" => " (the attributing words are required with source or relayed_by)",
                "quote" => " (the quoted words are required for mode \"direct_quote\")",
                "name" => " (required for a named source, a document or a media report)",
                _ => "",
            };
            let mut p = problem(
                format!("{}/{}", at.trim_end_matches('/'), escape(&name)),
                format!("missing field \"{}\"{why}", name.escape_debug()),
            );
            p.kind = ProblemKind::MissingField;
            p.field = Some(name);
            vec![p]
        }
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<String> = options
                .as_array()
                .map(|o| {
                    o.iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            vec![in_field(format!(
                "{} is not one of: {}",
                shown(instance),
                allowed.join(", ")
            ))]
        }
        ValidationErrorKind::Type { kind } => {
            let want = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(ts) => format!("{ts:?}"),
            };
            vec![in_field(format!(
                "must be {} {want}, not {}",
                a(&want),
                shown(instance)
            ))]
        }
        ValidationErrorKind::FalseSchema => {
            let mut p = in_field(format!(
                "field \"{}\" is not allowed{}",
                field.as_deref().unwrap_or_default().escape_debug(),
                for_kind()
            ));
            p.kind = ProblemKind::NotAllowed;
            vec![p]
        }
        ValidationErrorKind::Constant { expected_value } => vec![in_field(format!(
            "must be {}{}",
            expected_value,
            for_kind()
        ))],
        ValidationErrorKind::MinLength { .. } => vec![in_field("must not be empty".into())],
        ValidationErrorKind::MaxLength { limit } => vec![in_field(format!(
            "{} characters; at most {limit} are allowed",
            instance.as_str().map_or(0, |s| s.chars().count())
        ))],
        ValidationErrorKind::Pattern { .. } if field.as_deref() == Some("ref") => {
            vec![in_field(format!(
                "{} is not a ref: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
                shown(instance)
            ))]
        }
        ValidationErrorKind::Pattern { .. } => {
            vec![in_field("must hold more than spaces".into())]
        }
        ValidationErrorKind::MinItems { .. } => {
            vec![in_field("must hold at least one entry".into())]
        }
        _ => vec![in_field(fallback)],
    }
}

/// "a" or "an" before `word`.
fn a(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
