//! How the domain reads on a terminal: short ids, attributions in words,
//! word diffs, and colour when stdout is a terminal (never when `NO_COLOR`
//! is set or output is piped).
//!
//! Text that came from the ledger or from files (passages, propositions,
//! labels, names, titles, URLs, notes, reasons) reaches the terminal only
//! through [`esc`] (or its `Display` form [`Esc`]): an article holding
//! `ESC[2J` must not clear the screen of whoever reads its claims.

use provledger::digest::Digest;
use provledger::history::{word_diff, DiffTag};
use provledger::state::{AttributionView, SourceRef};
use provledger::statement::{Hedge, Mode, SourceKind};
use std::borrow::Cow;
use std::fmt;
use std::io::IsTerminal;
use unicode_general_category::{get_general_category, GeneralCategory};

/// Whether `c` must not reach a terminal raw: C0 and C1 controls and DEL
/// (newline and tab included: every line of text output is laid out by the
/// printer, so a newline inside a field would forge a line of its own),
/// invisible format characters (bidi controls such as U+202E, zero-width
/// spaces, U+FEFF, soft hyphens, tags) and the line and paragraph
/// separators. Zero-width (non-)joiners stay: Persian, Indic scripts and
/// emoji need them to render.
pub fn needs_escape(c: char) -> bool {
    match c {
        '\u{200c}' | '\u{200d}' => false,
        _ => matches!(
            get_general_category(c),
            GeneralCategory::Control
                | GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        ),
    }
}

/// `s` safe to print on a terminal: every character [`needs_escape`] says
/// so of is written visibly as Rust writes it, `\u{1b}` for ESC, `\u{d}`
/// for CR, `\u{a}` for a newline, `\u{202e}` for RIGHT-TO-LEFT OVERRIDE.
/// Backslashes are left as they are: this is for reading, not a reversible
/// encoding (`--json` is).
pub fn esc(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`esc`] for text laid out in lines of its own, such as an error message
/// listing several problems: its line breaks stay, all else is escaped.
pub fn esc_lines(s: &str) -> String {
    s.split('\n').map(esc).collect::<Vec<_>>().join("\n")
}

/// [`esc`] as a `Display` value, so format strings can escape in place
/// (`{}` and padding such as `{:<16}` both work).
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&esc(self.0))
    }
}

/// JSON text (as serde_json writes it) safe on a terminal and still the
/// same JSON: serde_json escapes C0 controls in strings but writes DEL, C1
/// controls and invisible format characters raw; these become `\uXXXX`
/// escapes (UTF-16 surrogate pairs beyond the BMP), which decode to the
/// same strings. Such characters only occur inside JSON strings.
pub fn json_safe(json: &str) -> Cow<'_, str> {
    if !json.chars().any(needs_escape) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if needs_escape(c) && !matches!(c, '\n' | ' ' | '\t' | '\r') {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The short form of an id: its first 12 hex digits.
pub fn short(id: &Digest) -> String {
    id.to_hex()[..12].to_string()
}

/// A source kind in words ("anonymous group").
pub fn kind(k: SourceKind) -> String {
    k.as_str().replace('_', " ")
}

/// A source as a reader sees it: its label and kind, e.g. `diplomatic
/// sources (anonymous group)`.
pub fn source(s: &SourceRef) -> String {
    format!("{} ({})", Esc(&s.label), kind(s.kind))
}

/// Whether a cue introduces its source ("according to X", "as reported by
/// X") rather than following it as a verb ("X said", "X accused").
fn cue_comes_first(cue: &str) -> bool {
    let c = cue.trim().to_lowercase();
    c.starts_with("according")
        || c.starts_with("as ")
        || c.starts_with("per ")
        || ["to", "by", "from", "via", "citing", "per"]
            .iter()
            .any(|w| c == *w || c.ends_with(&format!(" {w}")))
}

/// An attribution in words, e.g. `according to diplomatic sources
/// (anonymous group)`, `Taliban spokesperson Zabihullah Mujahid (named
/// person) accused`, or `the outlet's own assertion (PUBLISHER)`; the
/// hedge and a direct quote follow after semicolons. Escaped for the
/// terminal ([`esc`]).
pub fn attribution(a: &AttributionView, publisher: &str) -> String {
    let with_cue = |who: String| match a.cue.as_deref() {
        Some(c) if cue_comes_first(c) => format!("{} {who}", Esc(c)),
        Some(c) => format!("{who} {}", Esc(c)),
        None => who,
    };
    let mut out = match (&a.source, &a.relayed_by) {
        (Some(s), Some(r)) => format!("{}, relayed by {}", with_cue(source(s)), source(r)),
        (Some(s), None) => with_cue(source(s)),
        (None, Some(r)) => with_cue(source(r)),
        (None, None) => format!("the outlet's own assertion ({})", Esc(publisher)),
    };
    if a.hedge != Hedge::None {
        out.push_str(&format!("; hedged: {}", a.hedge));
    }
    if a.mode == Mode::DirectQuote {
        match &a.quote {
            Some(q) => out.push_str(&format!("; quoting “{}”", Esc(q))),
            None => out.push_str("; direct quote"),
        }
    }
    out
}

/// `s` cut to at most `max` characters, with an ellipsis when cut, then
/// escaped for the terminal ([`esc`]; escapes may make it longer).
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        esc(s).into_owned()
    } else {
        let head: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", esc(&head))
    }
}

/// Text styles for terminal output.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Colour when stdout is a terminal and `NO_COLOR` is not set.
    pub fn detect() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: !no_color && std::io::stdout().is_terminal(),
        }
    }

    fn paint(self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    pub fn bold(self, s: &str) -> String {
        self.paint("1", s)
    }

    pub fn dim(self, s: &str) -> String {
        self.paint("2", s)
    }

    pub fn red(self, s: &str) -> String {
        self.paint("31", s)
    }

    pub fn green(self, s: &str) -> String {
        self.paint("32", s)
    }

    pub fn yellow(self, s: &str) -> String {
        self.paint("33", s)
    }

    /// A word diff of `old` to `new`: removed words as `[-old-]`, added ones
    /// as `{+new+}` (the `git diff --word-diff` notation), or in red and
    /// green when colour is on. The words are escaped for the terminal
    /// ([`esc`]); pass raw text, not text already escaped.
    pub fn diff(self, old: &str, new: &str) -> String {
        word_diff(old, new)
            .into_iter()
            .map(|p| {
                let text = esc(&p.text);
                match p.tag {
                    DiffTag::Same => text.into_owned(),
                    DiffTag::Removed if self.color => self.paint("31;9", &text),
                    DiffTag::Added if self.color => self.paint("32;4", &text),
                    DiffTag::Removed => format!("[-{text}-]"),
                    DiffTag::Added => format!("{{+{text}+}}"),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esc_shows_controls_and_invisible_characters() {
        assert_eq!(
            esc("plain text, “quoted” — ok"),
            "plain text, “quoted” — ok"
        );
        assert!(matches!(esc("plain"), Cow::Borrowed(_)));
        assert_eq!(esc("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(esc("a\rb\nc\td"), "a\\u{d}b\\u{a}c\\u{9}d");
        assert_eq!(esc("\u{7f}\u{85}\u{9b}"), "\\u{7f}\\u{85}\\u{9b}");
        assert_eq!(
            esc("\u{202e}\u{2066}\u{200b}\u{feff}\u{ad}\u{2028}\u{e0041}"),
            "\\u{202e}\\u{2066}\\u{200b}\\u{feff}\\u{ad}\\u{2028}\\u{e0041}"
        );
        // Joiners shape Persian and emoji: kept.
        assert_eq!(
            esc("می\u{200c}خواهم 👩\u{200d}💻"),
            "می\u{200c}خواهم 👩\u{200d}💻"
        );
        assert_eq!(format!("[{:<6}]", Esc("a\u{1b}")), "[a\\u{1b}]");
        assert_eq!(format!("[{:<6}]", Esc("ab")), "[ab    ]");
        assert_eq!(esc_lines("one\u{1b}\ntwo"), "one\\u{1b}\ntwo");
    }

    #[test]
    fn clip_escapes_after_cutting() {
        assert_eq!(clip("ab\u{1b}cdef", 4), "ab\\u{1b}…");
        assert_eq!(clip("a\u{1b}", 4), "a\\u{1b}");
    }

    #[test]
    fn json_safe_is_the_same_json() {
        let s = "a\u{1b}\u{7f}\u{85}\u{202e}\u{e0041}\n\"\\ z";
        let json = serde_json::to_string_pretty(&serde_json::json!({ "k": s })).unwrap();
        let safe = json_safe(&json);
        assert!(safe.contains(r"\u007f\u0085\u202e\udb40\udc41"), "{safe}");
        assert!(
            !safe.chars().any(|c| needs_escape(c) && c != '\n'),
            "{safe}"
        );
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["k"], s);
    }
}
