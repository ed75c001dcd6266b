//! Saying an error with its causes.
//!
//! The library's errors do not repeat their `source` in their message: an
//! error that wraps another says what it was doing, and its source says
//! why. [`chain`] joins the two (and any further causes) where an error
//! becomes text: an audit problem, a refusal's reason, a message of the
//! command line.

use std::error::Error;

/// `err`'s message followed by each of its causes, once each, joined by
/// ": ". A SQLite error is the last said: its message is SQLite's own, and
/// its source is the bare result code that message already describes.
pub fn chain(err: &(dyn Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut cause = if err.is::<rusqlite::Error>() {
        None
    } else {
        err.source()
    };
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = if c.is::<rusqlite::Error>() {
            None
        } else {
            c.source()
        };
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
}
