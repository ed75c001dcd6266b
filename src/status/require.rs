//! `status --require`: the set of statuses a tool accepts, as a set
//! (`verified,unverifiable`) or its complement (`not:refuted,disputed`).

use super::Status;
use std::str::FromStr;

/// The statuses a caller requires a claim to be in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// The statuses named, in the order given, without repeats.
    pub named: Vec<Status>,
    /// The requirement is any status but those named (`not:`).
    pub negated: bool,
}

impl Requirement {
    /// Whether `status` meets the requirement.
    pub fn admits(&self, status: Status) -> bool {
        self.named.contains(&status) != self.negated
    }

    /// Why `status` does not meet it, for a person: "not verified or
    /// unverifiable as required", "which is excluded by not:refuted".
    pub fn unmet(&self, status: Status) -> String {
        if self.negated {
            format!("{status}, which --require {self} excludes")
        } else {
            let names: Vec<&str> = self.named.iter().map(|s| s.as_str()).collect();
            format!("{status}, not {} as required", names.join(" or "))
        }
    }
}

impl std::fmt::Display for Requirement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.named.iter().map(|s| s.as_str()).collect();
        write!(
            f,
            "{}{}",
            if self.negated { "not:" } else { "" },
            names.join(",")
        )
    }
}

impl From<Status> for Requirement {
    fn from(s: Status) -> Requirement {
        Requirement {
            named: vec![s],
            negated: false,
        }
    }
}

impl FromStr for Requirement {
    type Err = String;
    /// `S[,S...]` or `not:S[,S...]`, each S a status name.
    fn from_str(text: &str) -> Result<Requirement, String> {
        let (negated, list) = match text.strip_prefix("not:") {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let mut named = Vec::new();
        for part in list.split(',') {
            let part = part.trim();
            if part.is_empty() {
                return Err(format!(
                    "'{text}' names an empty status: give statuses separated by commas, as verified,unverifiable or not:refuted"
                ));
            }
            let s: Status = part.parse()?;
            if !named.contains(&s) {
                named.push(s);
            }
        }
        if negated && named.len() == Status::ALL.len() {
            return Err(format!(
                "'{text}' excludes every status: no claim could meet it"
            ));
        }
        Ok(Requirement { named, negated })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_and_negations_parse_and_admit() {
        let r: Requirement = "verified,unverifiable".parse().unwrap();
        assert!(r.admits(Status::Verified) && r.admits(Status::Unverifiable));
        assert!(!r.admits(Status::Refuted));
        assert_eq!(
            r.unmet(Status::Refuted),
            "refuted, not verified or unverifiable as required"
        );
        let n: Requirement = "not:refuted,disputed".parse().unwrap();
        assert!(n.admits(Status::Verified) && n.admits(Status::Unreviewed));
        assert!(!n.admits(Status::Refuted) && !n.admits(Status::Disputed));
        assert_eq!(
            n.unmet(Status::Disputed),
            "disputed, which --require not:refuted,disputed excludes"
        );
        assert_eq!(
            "verified,verified"
                .parse::<Requirement>()
                .unwrap()
                .named
                .len(),
            1
        );
        assert_eq!(
            "verified,".parse::<Requirement>().unwrap_err(),
            "'verified,' names an empty status: give statuses separated by commas, as verified,unverifiable or not:refuted"
        );
        assert!("not:".parse::<Requirement>().is_err());
        assert!("true"
            .parse::<Requirement>()
            .unwrap_err()
            .starts_with("unknown status 'true'"));
        let all: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            format!("not:{}", all.join(","))
                .parse::<Requirement>()
                .unwrap_err(),
            format!(
                "'not:{}' excludes every status: no claim could meet it",
                all.join(",")
            )
        );
    }
}
