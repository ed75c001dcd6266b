//! The watch list: which articles `watch run` re-fetches, how often, and
//! what happened on the last runs.
//!
//! It lives in the ledger directory as `watch.json`, beside the log and not
//! in it: a schedule is the operator's working state, not a statement
//! anyone signs, and it changes on every run. What the log must hold — a
//! new version of an article — is appended as an `article.record`; what a
//! run saw that makes no version (304, the same text, a 404/410, a redirect
//! elsewhere, a robots.txt refusal) is kept here, in `events`, so a gone
//! article is reported without losing the versions recorded before.
//! Commands change the file only while they hold the ledger's writer
//! lock, and replace it atomically.

use crate::digest::Digest;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file's name in the ledger directory.
pub const WATCH_FILE: &str = "watch.json";
/// Most events kept (the oldest are dropped first).
pub const MAX_EVENTS: usize = 1000;
/// How far a watch backs off: its interval grows up to this many times
/// `every` while nothing changes.
pub const MAX_BACKOFF: u64 = 8;

/// One watched article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Watch {
    /// The article (the id of its first version).
    pub article: Digest,
    /// The URL fetched (the article's identity URL when added).
    pub url: String,
    /// The interval asked for, in seconds.
    pub every: u64,
    /// The interval in force (grows while nothing changes), in seconds.
    pub interval: u64,
    /// When it is next due (unix seconds).
    pub next_due: u64,
    /// Runs in a row that found nothing new.
    pub unchanged_runs: u64,
    /// When it was last fetched (unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_run: Option<u64>,
    /// What the last run found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_outcome: Option<Outcome>,
}

/// What one fetch of a watched (or updated) article found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// A new version was recorded.
    NewVersion,
    /// A new version was recorded, whose text is an earlier version's.
    Reverted,
    /// 304 Not Modified.
    NotModified,
    /// The same text (or the same raw bytes).
    SameText,
    /// 404 or 410.
    Gone,
    /// A redirect to another article URL.
    Moved,
    /// robots.txt disallows the URL for this tool.
    RobotsDisallowed,
    /// The fetch failed (timeout, refused, error status...).
    Failed,
}

impl Outcome {
    /// The name, as in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::NewVersion => "new-version",
            Outcome::Reverted => "reverted",
            Outcome::NotModified => "not-modified",
            Outcome::SameText => "same-text",
            Outcome::Gone => "gone",
            Outcome::Moved => "moved",
            Outcome::RobotsDisallowed => "robots-disallowed",
            Outcome::Failed => "failed",
        }
    }

    /// Whether the outcome recorded a version (and so resets the backoff).
    pub fn changed(self) -> bool {
        matches!(self, Outcome::NewVersion | Outcome::Reverted)
    }
}

/// What a fetch saw that the log does not hold (or a new version's note).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// When (unix seconds).
    pub at: u64,
    /// The article.
    pub article: Digest,
    /// The URL fetched.
    pub url: String,
    /// What was found.
    pub outcome: Outcome,
    /// The HTTP status, when there was a response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Details: where it moved, why it failed, the version recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The whole file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WatchList {
    /// The watched articles, in the order added.
    pub watches: Vec<Watch>,
    /// What fetches saw, oldest first (at most [`MAX_EVENTS`]).
    pub events: Vec<Event>,
}

/// Why the watch file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// It cannot be read or written.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// It is not a watch list.
    #[error("{} is not a valid watch list: {why}", .path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
}

/// Parses a watch interval such as `30m`, `6h`, `1d` or `90s` (a bare
/// number is seconds): positive, at most a year.
pub fn parse_every(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a duration; write it like 90s, 30m, 6h or 1d"))?;
    let mult = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => {
            return Err(format!(
                "'{s}' has an unknown unit '{unit}'; use s, m, h or d"
            ))
        }
    };
    match n.checked_mul(mult) {
        Some(0) => Err(format!("'{s}' is zero; a watch needs a positive interval")),
        Some(v) if v <= 366 * 86400 => Ok(v),
        _ => Err(format!("'{s}' is longer than a year")),
    }
}

impl WatchList {
    /// The path of the file in ledger `dir`.
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(WATCH_FILE)
    }

    /// Reads the list of ledger `dir` (empty when there is no file).
    pub fn load(dir: &Path) -> Result<WatchList, WatchError> {
        let path = Self::path(dir);
        let bytes = match crate::log::read_bounded(&path, 64 << 20, "the watch list") {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(WatchList::default()),
            Err(source) => return Err(WatchError::Io { path, source }),
        };
        serde_json::from_slice(&bytes).map_err(|e| WatchError::Invalid {
            path,
            why: e.to_string(),
        })
    }

    /// Writes the list to ledger `dir`, replacing the file atomically.
    /// The caller holds the ledger's writer lock.
    pub fn save(&self, dir: &Path) -> Result<(), WatchError> {
        let path = Self::path(dir);
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| WatchError::Invalid {
            path: path.clone(),
            why: e.to_string(),
        })?;
        bytes.push(b'\n');
        crate::log::replace_atomically(&path, &bytes).map_err(|e| WatchError::Io {
            path,
            source: std::io::Error::other(e.to_string()),
        })
    }

    /// Adds (or re-schedules) a watch of `article` at `url`, due now.
    /// Returns whether it was new.
    pub fn add(&mut self, article: Digest, url: String, every: u64, now: u64) -> bool {
        if let Some(w) = self.watches.iter_mut().find(|w| w.article == article) {
            w.url = url;
            w.every = every;
            w.interval = every;
            w.next_due = now;
            return false;
        }
        self.watches.push(Watch {
            article,
            url,
            every,
            interval: every,
            next_due: now,
            unchanged_runs: 0,
            last_run: None,
            last_outcome: None,
        });
        true
    }

    /// The indexes of the watches due at `now`, grouped by host so that
    /// a run takes one host's requests one after the other.
    pub fn due(&self, now: u64) -> Vec<usize> {
        let mut due: Vec<usize> = (0..self.watches.len())
            .filter(|&i| self.watches[i].next_due <= now)
            .collect();
        due.sort_by_key(|&i| (host_of(&self.watches[i].url), i));
        due
    }

    /// Records what a fetch of watch `i` found at `now`, and schedules it:
    /// a change resets the interval to `every`; nothing new doubles it, up
    /// to [`MAX_BACKOFF`] times `every`.
    pub fn ran(&mut self, i: usize, now: u64, outcome: Outcome) {
        let w = &mut self.watches[i];
        if outcome.changed() {
            w.unchanged_runs = 0;
            w.interval = w.every;
        } else {
            w.unchanged_runs += 1;
            w.interval = (w.interval.saturating_mul(2)).min(w.every.saturating_mul(MAX_BACKOFF));
        }
        w.last_run = Some(now);
        w.last_outcome = Some(outcome);
        w.next_due = now.saturating_add(w.interval);
    }

    /// Appends an event, dropping the oldest past [`MAX_EVENTS`].
    pub fn event(&mut self, e: Event) {
        self.events.push(e);
        if self.events.len() > MAX_EVENTS {
            let extra = self.events.len() - MAX_EVENTS;
            self.events.drain(..extra);
        }
    }
}

/// The host (and port) of a URL, for grouping requests.
pub fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .map(|u| {
            format!(
                "{}:{}",
                u.host_str().unwrap_or_default(),
                u.port_or_known_default().unwrap_or(0)
            )
        })
        .unwrap_or_default()
}

/// A host's robots.txt as a scheduled run found it (RFC 9309 §2.3.1).
#[derive(Clone, Debug)]
pub enum RobotsTxt {
    /// A 2xx: its rules (decoded).
    Rules(Vec<u8>),
    /// A 4xx: there is none, and everything is allowed.
    Missing,
    /// A 5xx, another status or a network error: everything is disallowed.
    Unreachable,
    /// The host is at a non-public address, which captures refuse
    /// (address.rs): the refusal, for the watch's error.
    Refused(String),
}

impl RobotsTxt {
    /// Fetches the robots.txt of `url`'s host.
    pub fn fetch(fetcher: &super::Fetcher, url: &str) -> RobotsTxt {
        let Ok(mut u) = super::http::parse_http_url(url) else {
            return RobotsTxt::Unreachable;
        };
        u.set_path("/robots.txt");
        u.set_query(None);
        u.set_fragment(None);
        let ex = match fetcher.get(u.as_str(), &super::Conditional::default()) {
            Ok(ex) => ex,
            Err(e @ super::CaptureError::PrivateAddress { .. }) => {
                return RobotsTxt::Refused(e.to_string())
            }
            Err(_) => return RobotsTxt::Unreachable,
        };
        match ex.status {
            200..=299 => {
                let enc = ex.header("content-encoding");
                match super::decode::content_decode(&ex.body, enc.as_deref(), 1 << 20) {
                    Ok(body) => RobotsTxt::Rules(body),
                    Err(_) => RobotsTxt::Unreachable,
                }
            }
            400..=499 => RobotsTxt::Missing,
            _ => RobotsTxt::Unreachable,
        }
    }

    /// Whether it lets this tool fetch `url`.
    pub fn allows(&self, url: &str) -> bool {
        match self {
            RobotsTxt::Rules(body) => robots_allow(Some(body), url),
            RobotsTxt::Missing => true,
            RobotsTxt::Unreachable | RobotsTxt::Refused(_) => false,
        }
    }
}

/// Whether robots.txt `body` (as fetched from the URL's host; `None` when
/// there is none, a 4xx) lets this tool fetch `url`. An unreadable file
/// allows everything, as RFC 9309 §2.3.1.3 says of a 4xx.
pub fn robots_allow(body: Option<&[u8]>, url: &str) -> bool {
    let Some(body) = body else { return true };
    match texting_robots::Robot::new("provledger", body) {
        Ok(r) => r.allowed(url),
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parses() {
        assert_eq!(parse_every("90s"), Ok(90));
        assert_eq!(parse_every("30m"), Ok(1800));
        assert_eq!(parse_every("6h"), Ok(21600));
        assert_eq!(parse_every("2d"), Ok(172800));
        assert!(parse_every("0m").unwrap_err().contains("positive"));
        assert!(parse_every("5w").unwrap_err().contains("unknown unit"));
        assert!(parse_every("soon").unwrap_err().contains("not a duration"));
    }

    #[test]
    fn backoff_doubles_up_to_the_bound_and_resets() {
        let mut l = WatchList::default();
        l.add(Digest([1; 32]), "http://a.example/x".into(), 60, 0);
        for n in 1..=5 {
            l.ran(0, 1000 * n, Outcome::SameText);
        }
        assert_eq!(l.watches[0].interval, 480);
        assert_eq!(l.watches[0].unchanged_runs, 5);
        l.ran(0, 9000, Outcome::NewVersion);
        assert_eq!(l.watches[0].interval, 60);
        assert_eq!(l.watches[0].next_due, 9060);
    }

    #[test]
    fn robots_rules() {
        let body = b"User-agent: *\nDisallow: /private/\n";
        assert!(!robots_allow(Some(body), "http://a.example/private/x"));
        assert!(robots_allow(Some(body), "http://a.example/news/x"));
        assert!(robots_allow(None, "http://a.example/private/x"));
        assert!(RobotsTxt::Missing.allows("http://a.example/private/x"));
        assert!(!RobotsTxt::Unreachable.allows("http://a.example/news/x"));
        assert!(!RobotsTxt::Rules(body.to_vec()).allows("http://a.example/private/x"));
    }
}
