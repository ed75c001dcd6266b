//! Times as people read them: statements and leaves store unix seconds,
//! messages say RFC 3339.

/// Unix seconds as an RFC 3339 UTC time (`2023-11-14T22:13:20Z`); a time
/// beyond what RFC 3339 can say (after the year 9999) as `@SECS`.
pub fn rfc3339(secs: u64) -> String {
    i64::try_from(secs)
        .ok()
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .map(|t| t.to_string())
        .unwrap_or_else(|| format!("@{secs}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_unix_seconds() {
        assert_eq!(super::rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(u64::MAX), format!("@{}", u64::MAX));
    }
}
