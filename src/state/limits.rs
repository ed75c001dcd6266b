//! Size limits of statement fields, and the checks that apply them.
//!
//! Lengths are counted in Unicode scalar values (`char`s), like the anchor
//! positions. The limits keep every statement well under the 60 000 bytes a
//! signed statement may have, and keep terminal output sane: one-line fields
//! refuse every control character (an escape sequence in a source label must
//! not repaint an auditor's terminal), free text allows only newline and tab.
//! Neither may hold directional formatting characters (U+202E and kin) or
//! other characters that hide text, nor consist of invisible characters
//! only: what a reviewer reads on screen must be what is signed.

use super::Refusal;

/// Source labels, names, roles, affiliations, places, publishers, cues and
/// key display names.
pub const MAX_LABEL_CHARS: usize = 200;
/// Article titles.
pub const MAX_TITLE_CHARS: usize = 500;
/// URLs (articles, evidence).
pub const MAX_URL_CHARS: usize = 2000;
/// A claim's proposition.
pub const MAX_PROPOSITION_CHARS: usize = 1000;
/// A claim's anchored text (`anchor.exact`).
pub const MAX_EXACT_CHARS: usize = 4000;
/// An anchor's `prefix` or `suffix`.
pub const MAX_CONTEXT_CHARS: usize = 200;
/// An attribution's quoted words.
pub const MAX_QUOTE_CHARS: usize = 2000;
/// Notes, reasons and descriptions.
pub const MAX_NOTE_CHARS: usize = 2000;
/// Evidence items in one verification.
pub const MAX_EVIDENCE: usize = 50;
/// An article text, in bytes.
pub const MAX_ARTICLE_BYTES: u64 = 4 * 1024 * 1024;
/// How many `cites` links the origin of a claim is followed through.
pub const MAX_CITES_HOPS: usize = 64;

/// Directional formatting characters (UAX #9): invisible, they make text
/// display in another order than it is stored and signed (a "Trojan source"
/// proposition reads differently on screen than what a checker verified).
const BIDI_CONTROLS: &[(char, &str)] = &[
    ('\u{061C}', "ARABIC LETTER MARK"),
    ('\u{200E}', "LEFT-TO-RIGHT MARK"),
    ('\u{200F}', "RIGHT-TO-LEFT MARK"),
    ('\u{202A}', "LEFT-TO-RIGHT EMBEDDING"),
    ('\u{202B}', "RIGHT-TO-LEFT EMBEDDING"),
    ('\u{202C}', "POP DIRECTIONAL FORMATTING"),
    ('\u{202D}', "LEFT-TO-RIGHT OVERRIDE"),
    ('\u{202E}', "RIGHT-TO-LEFT OVERRIDE"),
    ('\u{2066}', "LEFT-TO-RIGHT ISOLATE"),
    ('\u{2067}', "RIGHT-TO-LEFT ISOLATE"),
    ('\u{2068}', "FIRST STRONG ISOLATE"),
    ('\u{2069}', "POP DIRECTIONAL ISOLATE"),
];

/// Invisible characters that no field needs and that hide or smuggle text:
/// line and paragraph separators (a second line in a one-line field), the
/// byte order mark, invisible operators, deprecated format characters,
/// interlinear annotation and tag characters (invisible copies of ASCII).
fn is_smuggler(c: char) -> bool {
    matches!(c,
        '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{2061}'..='\u{2064}'
        | '\u{206A}'..='\u{206F}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
}

/// Characters that show nothing on their own: whitespace, format characters
/// (zero-width space and joiners, soft hyphen, ...), variation selectors and
/// the fillers and blanks that render as empty space.
pub fn is_invisible(c: char) -> bool {
    use unicode_general_category::{get_general_category, GeneralCategory};
    c.is_whitespace()
        || c.is_control()
        || matches!(get_general_category(c), GeneralCategory::Format)
        || matches!(c,
            '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
            | '\u{2800}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FFA0}'
            | '\u{E0100}'..='\u{E01EF}')
}

/// `U+202E RIGHT-TO-LEFT OVERRIDE`, or `U+0007 (a control character)`: a
/// character named so that a message shows what cannot be seen.
pub fn describe(c: char) -> String {
    let name = BIDI_CONTROLS
        .iter()
        .find(|(b, _)| *b == c)
        .map(|(_, n)| *n)
        .or(match c {
            '\u{00AD}' => Some("SOFT HYPHEN"),
            '\u{200B}' => Some("ZERO WIDTH SPACE"),
            '\u{200C}' => Some("ZERO WIDTH NON-JOINER"),
            '\u{200D}' => Some("ZERO WIDTH JOINER"),
            '\u{2028}' => Some("LINE SEPARATOR"),
            '\u{2029}' => Some("PARAGRAPH SEPARATOR"),
            '\u{2060}' => Some("WORD JOINER"),
            '\u{3164}' => Some("HANGUL FILLER"),
            '\u{FEFF}' => Some("ZERO WIDTH NO-BREAK SPACE (byte order mark)"),
            _ => None,
        });
    match name {
        Some(n) => format!("U+{:04X} {n}", c as u32),
        None if c.is_control() => format!("U+{:04X} (a control character)", c as u32),
        None if c.is_whitespace() => format!("U+{:04X} (a space character)", c as u32),
        None => format!("U+{:04X} (an invisible character)", c as u32),
    }
}

/// The first character of `v` that may not be in a field (position in
/// `char`s from 0, and the character): control characters other than those
/// in `allowed`, directional formatting characters and `is_smuggler`s.
pub fn refused_char(v: &str, allowed: &[char]) -> Option<(usize, char)> {
    v.chars().enumerate().find(|(_, c)| {
        (c.is_control() && !allowed.contains(c))
            || BIDI_CONTROLS.iter().any(|(b, _)| b == c)
            || is_smuggler(*c)
    })
}

/// A refusal by `rule`.
fn refusal(rule: &'static str, reason: String) -> Refusal {
    Refusal { rule, reason }
}

fn length(field: &str, v: &str, max: usize) -> Result<(), Refusal> {
    bounded(field, v, max)?;
    if let Some(c) = v.chars().find(|c| !c.is_whitespace()) {
        if v.chars().all(is_invisible) {
            return Err(refusal(
                "field.invisible",
                format!(
                    "{field} has no visible character (it holds only invisible ones such as {})",
                    describe(c)
                ),
            ));
        }
    }
    Ok(())
}

/// Not blank, at most `max` characters.
fn bounded(field: &str, v: &str, max: usize) -> Result<(), Refusal> {
    if v.trim().is_empty() {
        return Err(refusal("field.empty", format!("{field} is empty")));
    }
    let n = v.chars().count();
    if n > max {
        return Err(refusal(
            "field.too-long",
            format!("{field} is {n} characters; at most {max} are allowed"),
        ));
    }
    Ok(())
}

/// Control characters other than `allowed` (refused with `rule`), then
/// directional formatting and hiding characters, with their position.
fn visible(field: &str, v: &str, allowed: &[char], rule: &str) -> Result<(), Refusal> {
    if let Some(c) = v.chars().find(|c| c.is_control() && !allowed.contains(c)) {
        return Err(refusal(
            "field.control-character",
            format!(
                "{field} contains the control character U+{:04X}; {rule}",
                c as u32
            ),
        ));
    }
    match refused_char(v, allowed) {
        None => Ok(()),
        Some((i, c)) => Err(refusal(
            "field.hidden-character",
            format!(
                "{field} contains {} at char {i}; directional formatting and hidden characters are not allowed (what is shown must be what is signed)",
                describe(c)
            ),
        )),
    }
}

/// A one-line field: not blank, at most `max` characters, no control
/// characters, no directional formatting or other hiding characters, and
/// some visible character.
pub(crate) fn line(field: &str, v: &str, max: usize) -> Result<(), Refusal> {
    length(field, v, max)?;
    visible(field, v, &[], "it must be one line of text")
}

/// Free text: as [`line`], but newlines and tabs are allowed.
pub(crate) fn text(field: &str, v: &str, max: usize) -> Result<(), Refusal> {
    length(field, v, max)?;
    visible(
        field,
        v,
        &['\n', '\t'],
        "only newlines and tabs are allowed",
    )
}

/// Words copied from the article (a direct quote, which must occur in the
/// anchored passage): as [`text`], except that directional formatting and
/// other invisible characters are allowed. The article text is evidence and
/// may rightly hold them (right-to-left marks in Persian or Arabic copy);
/// the quote is checked against it, and every text view shows such
/// characters escaped.
pub(crate) fn quoted(field: &str, v: &Option<String>, max: usize) -> Result<(), Refusal> {
    let Some(v) = v.as_deref() else {
        return Ok(());
    };
    bounded(field, v, max)?;
    match v
        .chars()
        .find(|c| c.is_control() && !['\n', '\t'].contains(c))
    {
        Some(c) => Err(refusal(
            "field.control-character",
            format!(
                "{field} contains the control character U+{:04X}; only newlines and tabs are allowed",
                c as u32
            ),
        )),
        None => Ok(()),
    }
}

/// An absolute URL: `scheme:rest`, no spaces, at most [`MAX_URL_CHARS`].
pub(crate) fn url(field: &str, v: &str) -> Result<(), Refusal> {
    line(field, v, MAX_URL_CHARS)?;
    let scheme_ok = v.split_once(':').is_some_and(|(scheme, rest)| {
        !rest.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if !scheme_ok || v.contains(char::is_whitespace) {
        return Err(refusal(
            "field.url",
            format!("{field} '{v}' is not an absolute URL (like https://example.org/page)"),
        ));
    }
    Ok(())
}

/// Text that may be absent; when present, as [`line`].
pub(crate) fn opt_line(field: &str, v: &Option<String>, max: usize) -> Result<(), Refusal> {
    v.as_deref().map_or(Ok(()), |v| line(field, v, max))
}

/// Text that may be absent; when present, as [`text`].
pub(crate) fn opt_text(field: &str, v: &Option<String>, max: usize) -> Result<(), Refusal> {
    v.as_deref().map_or(Ok(()), |v| text(field, v, max))
}

/// The latest time a statement or log entry may carry, 9999-12-31T23:59:59Z
/// in unix seconds: the last second RFC 3339 can write, and far inside what
/// the index's signed 64-bit integers hold.
pub const MAX_TIME: u64 = crate::time::LAST_RFC3339_SECOND;

/// How far ahead of the clock of the machine that appends (or audits) a
/// statement's time or an entry's `logged_at` may be, in seconds (5
/// minutes): room for clocks that disagree a little. A time further ahead
/// would hold every later entry's `logged_at` at it, since log times never
/// go back.
pub const MAX_AHEAD_OF_CLOCK: u64 = 300;

/// The id under which a submission to the group commit whose statement
/// time is more than [`MAX_AHEAD_OF_CLOCK`] ahead of the writer's clock is
/// refused ([`Outcome::Ahead`](crate::ledger::Outcome::Ahead)). A check of
/// the machine, not a validity rule: a replay does not make it.
pub const RULE_CLOCK_AHEAD: &str = "time.clock-ahead";

/// A duration for people, to two units: "88 years 112 days", "2 hours",
/// "7 minutes 3 seconds".
fn span(secs: u64) -> String {
    const UNITS: &[(u64, &str)] = &[
        (31_557_600, "year"),
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    let plural = |n: u64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let Some(i) = UNITS.iter().position(|(size, _)| secs >= *size) else {
        return "0 seconds".into();
    };
    let (size, unit) = UNITS[i];
    let mut out = plural(secs / size, unit);
    if let Some((next, unit)) = UNITS.get(i + 1) {
        let n = secs % size / next;
        if n > 0 {
            out = format!("{out} {}", plural(n, unit));
        }
    }
    out
}

/// Refuses a time `t` (what it is: "statement time", "logged_at") more than
/// [`MAX_AHEAD_OF_CLOCK`] ahead of `clock`, saying by how much.
pub fn not_ahead(what: &str, t: u64, clock: u64) -> Result<(), String> {
    if t <= clock.saturating_add(MAX_AHEAD_OF_CLOCK) {
        return Ok(());
    }
    Err(format!(
        "{what} {} is {} ahead of this machine's clock ({}); at most {} ahead is allowed",
        crate::time::rfc3339(t),
        span(t - clock),
        crate::time::rfc3339(clock),
        span(MAX_AHEAD_OF_CLOCK)
    ))
}
