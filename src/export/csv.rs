//! The claims with their attribution and status as CSV (RFC 4180: a
//! header row, fields quoted when they hold a comma, a quote or a line
//! break, CRLF line ends), one row a claim, oldest first, for
//! spreadsheets. The columns are [`COLUMNS`] (README "Exports"). A field
//! that a spreadsheet would run as a formula (it starts with `=`, `+`,
//! `-`, `@`, a tab or a carriage return: an article's text is written by
//! others) is written with a leading apostrophe, as OWASP's advice on CSV
//! injection has it.

use super::ExportError;
use crate::history::History;
use crate::time::rfc3339;
use std::io::Write;

/// The columns, in order.
pub const COLUMNS: &[&str] = &[
    "claim_id",
    "proposition",
    "anchored_text",
    "status",
    "source_id",
    "source_label",
    "source_kind",
    "source_name",
    "cue",
    "hedge",
    "mode",
    "quote",
    "relayed_by_label",
    "relayed_by_kind",
    "article_id",
    "article_version",
    "article_url",
    "publisher",
    "revisions",
    "verdicts_counted",
    "verdicts_stale",
    "removed",
    "retracted",
    "recorded_at",
];

/// Writes one row for each of `histories` to `out`, after the header.
pub fn write(histories: &[History], out: &mut dyn Write) -> Result<(), ExportError> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(COLUMNS)?;
    for h in histories {
        let c = &h.claim;
        let a = &c.attribution;
        let counted = h
            .verdicts
            .iter()
            .filter(|j| j.standing == crate::status::Standing::Current)
            .count();
        let stale = h
            .verdicts
            .iter()
            .filter(|j| j.standing == crate::status::Standing::Stale)
            .count();
        let opt = |s: Option<&str>| s.unwrap_or("").to_string();
        let row: Vec<String> = vec![
            c.id.to_hex(),
            c.proposition.clone(),
            c.anchor.exact.clone(),
            h.status.as_str().to_string(),
            a.source.as_ref().map(|s| s.id.to_hex()).unwrap_or_default(),
            opt(a.source.as_ref().map(|s| s.label.as_str())),
            a.source
                .as_ref()
                .map_or("outlet", |s| s.kind.as_str())
                .to_string(),
            opt(a.source.as_ref().and_then(|s| s.name.as_deref())),
            opt(a.cue.as_deref()),
            a.hedge.as_str().to_string(),
            a.mode.as_str().to_string(),
            opt(a.quote.as_deref()),
            opt(a.relayed_by.as_ref().map(|s| s.label.as_str())),
            opt(a.relayed_by.as_ref().map(|s| s.kind.as_str())),
            c.article.id.to_hex(),
            c.article.version.to_string(),
            c.article.url.clone(),
            c.article.publisher.clone(),
            c.revisions.to_string(),
            counted.to_string(),
            stale.to_string(),
            c.removed.to_string(),
            c.retracted.to_string(),
            rfc3339(c.at),
        ];
        w.write_record(row.iter().map(|f| formula_safe(f).into_owned()))?;
    }
    w.flush().map_err(|source| ExportError::Write {
        path: "output".into(),
        source,
    })?;
    Ok(())
}

/// `field`, with a leading apostrophe when a spreadsheet would read it as a
/// formula.
pub fn formula_safe(field: &str) -> std::borrow::Cow<'_, str> {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}").into()
    } else {
        field.into()
    }
}

#[cfg(test)]
mod tests {
    use super::formula_safe;

    #[test]
    fn a_field_a_spreadsheet_would_run_gets_an_apostrophe() {
        for f in ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(formula_safe(f), format!("'{f}"));
        }
        for f in ["plain", "", "a=b", "'quoted"] {
            assert_eq!(formula_safe(f), f);
        }
    }
}
