//! How the domain reads on a terminal: short ids, attributions in words,
//! word diffs, and colour when stdout is a terminal (never when `NO_COLOR`
//! is set or output is piped).

use provledger::digest::Digest;
use provledger::history::{word_diff, DiffTag};
use provledger::state::{AttributionView, SourceRef};
use provledger::statement::{Hedge, Mode, SourceKind};
use std::io::IsTerminal;

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
    format!("{} ({})", s.label, kind(s.kind))
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
/// hedge and a direct quote follow after semicolons.
pub fn attribution(a: &AttributionView, publisher: &str) -> String {
    let with_cue = |who: String| match a.cue.as_deref() {
        Some(c) if cue_comes_first(c) => format!("{c} {who}"),
        Some(c) => format!("{who} {c}"),
        None => who,
    };
    let mut out = match (&a.source, &a.relayed_by) {
        (Some(s), Some(r)) => format!("{}, relayed by {}", with_cue(source(s)), source(r)),
        (Some(s), None) => with_cue(source(s)),
        (None, Some(r)) => with_cue(source(r)),
        (None, None) => format!("the outlet's own assertion ({publisher})"),
    };
    if a.hedge != Hedge::None {
        out.push_str(&format!("; hedged: {}", a.hedge));
    }
    if a.mode == Mode::DirectQuote {
        match &a.quote {
            Some(q) => out.push_str(&format!("; quoting “{q}”")),
            None => out.push_str("; direct quote"),
        }
    }
    out
}

/// `s` cut to at most `max` characters, with an ellipsis when cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let head: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{head}…")
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
    /// green when colour is on.
    pub fn diff(self, old: &str, new: &str) -> String {
        word_diff(old, new)
            .into_iter()
            .map(|p| match p.tag {
                DiffTag::Same => p.text,
                DiffTag::Removed if self.color => self.paint("31;9", &p.text),
                DiffTag::Added if self.color => self.paint("32;4", &p.text),
                DiffTag::Removed => format!("[-{}-]", p.text),
                DiffTag::Added => format!("{{+{}+}}", p.text),
            })
            .collect()
    }
}
