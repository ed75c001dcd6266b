//! Size limits of statement fields, and the checks that apply them.
//!
//! Lengths are counted in Unicode scalar values (`char`s), like the anchor
//! positions. The limits keep every statement well under the 60 000 bytes a
//! signed statement may have, and keep terminal output sane: one-line fields
//! refuse every control character (an escape sequence in a source label must
//! not repaint an auditor's terminal), free text allows only newline and tab.

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

fn length(field: &str, v: &str, max: usize) -> Result<(), String> {
    if v.trim().is_empty() {
        return Err(format!("{field} is empty"));
    }
    let n = v.chars().count();
    if n > max {
        return Err(format!(
            "{field} is {n} characters; at most {max} are allowed"
        ));
    }
    Ok(())
}

/// A one-line field: not blank, at most `max` characters, no control characters.
pub(crate) fn line(field: &str, v: &str, max: usize) -> Result<(), String> {
    length(field, v, max)?;
    if let Some(c) = v.chars().find(|c| c.is_control()) {
        return Err(format!(
            "{field} contains the control character U+{:04X}; it must be one line of text",
            c as u32
        ));
    }
    Ok(())
}

/// Free text: not blank, at most `max` characters, no control characters
/// other than newline and tab.
pub(crate) fn text(field: &str, v: &str, max: usize) -> Result<(), String> {
    length(field, v, max)?;
    if let Some(c) = v
        .chars()
        .find(|c| c.is_control() && *c != '\n' && *c != '\t')
    {
        return Err(format!(
            "{field} contains the control character U+{:04X}; only newlines and tabs are allowed",
            c as u32
        ));
    }
    Ok(())
}

/// An absolute URL: `scheme:rest`, no spaces, at most [`MAX_URL_CHARS`].
pub(crate) fn url(field: &str, v: &str) -> Result<(), String> {
    line(field, v, MAX_URL_CHARS)?;
    let scheme_ok = v.split_once(':').is_some_and(|(scheme, rest)| {
        !rest.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if !scheme_ok || v.contains(char::is_whitespace) {
        return Err(format!(
            "{field} '{v}' is not an absolute URL (like https://example.org/page)"
        ));
    }
    Ok(())
}

/// Text that may be absent; when present, as [`line`].
pub(crate) fn opt_line(field: &str, v: &Option<String>, max: usize) -> Result<(), String> {
    v.as_deref().map_or(Ok(()), |v| line(field, v, max))
}

/// Text that may be absent; when present, as [`text`].
pub(crate) fn opt_text(field: &str, v: &Option<String>, max: usize) -> Result<(), String> {
    v.as_deref().map_or(Ok(()), |v| text(field, v, max))
}
