//! The strict read of an import file: UTF-8 JSON without a byte order
//! mark, no object with a key twice, every parse error at its JSON pointer;
//! then the field lengths, the JSON Schema and the decoding into
//! [`ImportFile`].

use super::schema;
use super::{ImportFile, ImportProblems, Problem, ProblemKind, Stage};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest import file, in bytes (16 MiB). A claim's fields hold at
/// most about 7,300 characters (`state::limits`), some 30 KB as UTF-8 JSON:
/// this admits 500 claims at their longest, or thousands of ordinary ones
/// (an article has dozens), while bounding what an import holds in memory.
/// An import takes about 10 times its file size at its peak (the parsed
/// file, then every signed statement of the batch, its log entries and its
/// index rows; see BENCHMARKS.md), so under 200 MB.
pub const MAX_IMPORT_BYTES: u64 = 16 * 1024 * 1024;

/// Why an import file cannot be read ([`ImportFile::read_bounded`]). Each
/// names the file and says that nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file cannot be opened or read.
    #[error("cannot read {}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What reading it failed with.
        source: std::io::Error,
    },
    /// The file holds more than [`MAX_IMPORT_BYTES`] (`size`: its size,
    /// or `None` when it grew past the limit while it was read).
    #[error(
        "{} is {} bytes; an import file may have at most {MAX_IMPORT_BYTES} bytes (16 MiB): split it into several imports; nothing was written",
        .path.display(),
        .size.map_or(format!("more than {MAX_IMPORT_BYTES}"), |s| s.to_string())
    )]
    TooBig {
        /// The file.
        path: PathBuf,
        /// Its size, if known.
        size: Option<u64>,
    },
    /// The file's content has problems, each at its JSON pointer.
    #[error("{} {problems}", .path.display())]
    Problems {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        problems: ImportProblems,
    },
}

impl ImportFile {
    /// Reads an import file from `reader` (the caller bounds it to
    /// [`MAX_IMPORT_BYTES`]) and checks it: strict JSON, then the field
    /// lengths, then the schema. Each problem names its JSON pointer.
    /// The file is parsed from the reader, never held as one string.
    pub fn read(reader: impl Read) -> Result<ImportFile, ImportProblems> {
        let value = strict_json(reader)?;
        ImportFile::from_value(value)
    }

    /// Reads and checks the import file at `path`: at most
    /// [`MAX_IMPORT_BYTES`], also for a file that grows while it is read,
    /// parsed from a buffered reader, never held as one string.
    pub fn read_bounded(path: &Path) -> Result<ImportFile, ReadError> {
        let io = |source| ReadError::Io {
            path: path.to_path_buf(),
            source,
        };
        let too_big = |size| ReadError::TooBig {
            path: path.to_path_buf(),
            size,
        };
        let mut file = std::fs::File::open(path).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        if size > MAX_IMPORT_BYTES {
            return Err(too_big(Some(size)));
        }
        // `take` bounds what a file that grows while it is read can make us hold.
        let mut limited = (&mut file).take(MAX_IMPORT_BYTES);
        let parsed = ImportFile::read(&mut limited);
        if limited.limit() == 0 && file.read(&mut [0u8; 1]).unwrap_or(0) > 0 {
            return Err(too_big(None));
        }
        parsed.map_err(|problems| ReadError::Problems {
            path: path.to_path_buf(),
            problems,
        })
    }

    /// Checks a parsed import file: the field lengths (so that an over-long
    /// field is reported with its limit, not quoted), then the schema.
    pub fn from_value(value: serde_json::Value) -> Result<ImportFile, ImportProblems> {
        ImportProblems::fail(Stage::TooLong, lengths(&value))?;
        ImportProblems::fail(Stage::Schema, schema::check(&value))?;
        // The schema admits nothing this cannot decode, but say where if it does.
        serde_json::from_value(value).map_err(|e| ImportProblems {
            stage: Stage::Schema,
            problems: vec![Problem::new("/", ProblemKind::InvalidValue, e.to_string())],
        })
    }
}

fn not_json(pointer: &str, what: String) -> ImportProblems {
    ImportProblems {
        stage: Stage::NotJson,
        problems: vec![Problem::new(pointer, ProblemKind::NotJson, what)],
    }
}

/// Parses strict JSON from `reader` into a value (see the module docs).
pub fn strict_json(reader: impl Read) -> Result<serde_json::Value, ImportProblems> {
    let mut reader = std::io::BufReader::new(reader);
    let mut bom = [0u8; 3];
    let mut n = 0;
    // Up to three bytes, however the reader splits them.
    while n < bom.len() {
        match reader.read(&mut bom[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(not_json("/", format!("cannot read the file: {e}"))),
        }
    }
    if bom[..n] == [0xEF, 0xBB, 0xBF] {
        return Err(not_json(
            "/",
            "the file starts with a byte order mark (U+FEFF), which JSON does not allow (RFC 8259 §8.1); save it as UTF-8 without a BOM".into(),
        ));
    }
    let at = std::cell::RefCell::new(None);
    let parsed = {
        let reader = std::io::Cursor::new(&bom[..n]).chain(reader);
        let mut de = serde_json::Deserializer::from_reader(reader);
        serde::de::DeserializeSeed::deserialize(
            Strict {
                pointer: String::new(),
                at: &at,
            },
            &mut de,
        )
        .and_then(|v| de.end().map(|()| v))
    };
    parsed.map_err(|e| {
        let pointer = at.borrow_mut().take().unwrap_or_default();
        let pointer = if pointer.is_empty() { "/".to_string() } else { pointer };
        let what = if e.is_io() {
            format!("cannot read the file: {e}")
        } else if e.to_string().contains("surrogate") || e.to_string().contains("hex escape") {
            format!("{e}: a \\uD800-\\uDFFF escape must be half of a surrogate pair; a lone one is no character")
        } else {
            e.to_string()
        };
        not_json(&pointer, what)
    })
}

/// Parses one JSON value into a [`serde_json::Value`], refusing an object
/// that has a key twice (serde_json keeps the last, so the file a reviewer
/// read would not be what is signed). `pointer` is the JSON pointer of the
/// value; `at` receives the pointer of the innermost value that fails.
struct Strict<'a> {
    pointer: String,
    at: &'a std::cell::RefCell<Option<String>>,
}

impl Strict<'_> {
    fn child(&self, token: &str) -> Self {
        Strict {
            pointer: format!(
                "{}/{}",
                self.pointer,
                token.replace('~', "~0").replace('/', "~1")
            ),
            at: self.at,
        }
    }

    fn mark(&self) {
        let mut at = self.at.borrow_mut();
        if at.is_none() {
            *at = Some(self.pointer.clone());
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Strict<'_> {
    type Value = serde_json::Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let at = self.at;
        let pointer = self.pointer.clone();
        d.deserialize_any(self).inspect_err(|_| {
            let mut at = at.borrow_mut();
            if at.is_none() {
                *at = Some(pointer);
            }
        })
    }
}

impl<'de> serde::de::Visitor<'de> for Strict<'_> {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(self.child(&out.len().to_string()))? {
            out.push(v);
        }
        Ok(out.into())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let child = self.child(&key);
            if out.contains_key(&key) {
                child.mark();
                return Err(serde::de::Error::custom(format!(
                    "the key \"{}\" appears twice in this object; a reader would see one value and the import sign the other: keep one",
                    key.escape_debug()
                )));
            }
            let v = map.next_value_seed(child)?;
            out.insert(key, v);
        }
        Ok(out.into())
    }
}

/// Fields of the file longer than the rules let a statement hold, each
/// named by its JSON pointer with the limit: checked before the schema, so
/// that the message says the limit rather than quoting the text.
fn lengths(value: &serde_json::Value) -> Vec<Problem> {
    use crate::state::limits::{
        MAX_EXACT_CHARS, MAX_LABEL_CHARS, MAX_PROPOSITION_CHARS, MAX_QUOTE_CHARS,
    };
    let fields: [(&str, &[(&str, usize)]); 2] = [
        (
            "sources",
            &[
                ("label", MAX_LABEL_CHARS),
                ("name", MAX_LABEL_CHARS),
                ("role", MAX_LABEL_CHARS),
                ("affiliation", MAX_LABEL_CHARS),
                ("place", MAX_LABEL_CHARS),
            ],
        ),
        (
            "claims",
            &[
                ("proposition", MAX_PROPOSITION_CHARS),
                ("exact", MAX_EXACT_CHARS),
                ("cue", MAX_LABEL_CHARS),
                ("quote", MAX_QUOTE_CHARS),
                // A ref (at most 64 characters) or an id prefix (64 hex digits).
                ("source", 64),
                ("relayed_by", 64),
            ],
        ),
    ];
    let mut problems = Vec::new();
    for (section, limits) in fields {
        let Some(entries) = value.get(section).and_then(|v| v.as_array()) else {
            continue;
        };
        for (i, e) in entries.iter().enumerate() {
            for (field, max) in limits {
                let Some(v) = e.get(field).and_then(|v| v.as_str()) else {
                    continue;
                };
                let n = v.chars().count();
                if n > *max {
                    problems.push(Problem::new(
                        format!("/{section}/{i}/{field}"),
                        ProblemKind::TooLong,
                        format!("{n} characters; at most {max} are allowed"),
                    ));
                }
            }
        }
    }
    problems
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_file_that_grows_past_the_limit_while_read_is_refused() {
        // A FIFO: its size is 0 when looked at, then more than the limit
        // arrives (a well-formed start, then whitespace the parser reads on).
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("growing.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        let writer = {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
                let _ = f.write_all(b"{\"sources\": [");
                let chunk = vec![b' '; 1 << 20];
                for _ in 0..=MAX_IMPORT_BYTES >> 20 {
                    if f.write_all(&chunk).is_err() {
                        return;
                    }
                }
            })
        };
        let e = ImportFile::read_bounded(&path).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{} is more than 16777216 bytes; an import file may have at most 16777216 bytes (16 MiB): split it into several imports; nothing was written",
                path.display()
            )
        );
        writer.join().unwrap();
    }

    #[test]
    fn a_missing_file_is_named() {
        let e = ImportFile::read_bounded(Path::new("no/such.json")).unwrap_err();
        assert_eq!(e.to_string(), "cannot read no/such.json");
        assert!(matches!(e, ReadError::Io { .. }));
    }
}
