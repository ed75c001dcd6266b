//! Saying an error with its causes.
//!
//! The library's errors do not repeat their `source` in their message: an
//! error that wraps another says what it was doing, and its source says
//! why. [`chain`] joins the two (and any further causes) where an error
//! becomes text: an audit problem, a refusal's reason, a message of the
//! command line. [`causes`] is the one walk of a source chain, for those
//! that look for one kind of cause in it.

use std::error::Error;

/// `err` and then each of its causes (`source()`, its source, ...), in
/// order.
pub fn causes<'a>(
    err: &'a (dyn Error + 'static),
) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
    std::iter::successors(Some(err), |&e| e.source())
}

/// `err`'s message followed by each of its causes, once each, joined by
/// ": ". A SQLite error is the last said: its message is SQLite's own, and
/// its source is the bare result code that message already describes.
pub fn chain(err: &(dyn Error + 'static)) -> String {
    let mut out = String::new();
    for (i, c) in causes(err).enumerate() {
        if i > 0 {
            out.push_str(": ");
        }
        out.push_str(&c.to_string());
        if c.is::<rusqlite::Error>() {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::chain;

    #[test]
    fn each_cause_is_said_once_after_its_parent() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let e = crate::keys::KeyError::Read {
            path: "keys/x.key".into(),
            source: io,
        };
        assert_eq!(chain(&e), "cannot read key file keys/x.key: no such file");
    }

    #[test]
    fn a_sqlite_error_ends_the_chain() {
        let sql = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            Some("database or disk is full".into()),
        );
        let e = crate::state::StateError::Sql(sql);
        assert_eq!(chain(&e), "index database: database or disk is full");
    }

    #[test]
    fn causes_are_the_error_then_each_source() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let e = crate::keys::KeyError::Read {
            path: "keys/x.key".into(),
            source: io,
        };
        let said: Vec<String> = super::causes(&e).map(|c| c.to_string()).collect();
        assert_eq!(said, ["cannot read key file keys/x.key", "no such file"]);
        assert!(super::causes(&e)
            .find_map(|c| c.downcast_ref::<std::io::Error>())
            .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound));
    }
}
