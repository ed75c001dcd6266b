//! Times as people read them: statements and leaves store unix seconds,
//! messages say RFC 3339.

/// The last second RFC 3339 can write, 9999-12-31T23:59:59Z, in unix
/// seconds.
pub(crate) const LAST_RFC3339_SECOND: u64 = 253_402_300_799;

/// Unix seconds as an RFC 3339 UTC time (`2023-11-14T22:13:20Z`); a time
/// after 9999-12-31T23:59:59Z as `unix time SECS`.
pub fn rfc3339(secs: u64) -> String {
    // Civil time, because jiff's Timestamp stops a day short of year 10000.
    i64::try_from(secs)
        .ok()
        .filter(|_| secs <= LAST_RFC3339_SECOND)
        .and_then(|s| {
            jiff::civil::DateTime::constant(1970, 1, 1, 0, 0, 0, 0)
                .checked_add(jiff::SignedDuration::from_secs(s))
                .ok()
        })
        .map_or_else(
            || format!("unix time {secs}"),
            |dt| dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_unix_seconds() {
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(LAST_RFC3339_SECOND), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(LAST_RFC3339_SECOND + 1), "unix time 253402300800");
        assert_eq!(rfc3339(u64::MAX), format!("unix time {}", u64::MAX));
    }
}
