//! Corroboration (rule 3 of `crate::status`): a claim's origin, and the
//! claims linked to it grouped by origin. Two sources are one origin when
//! a `source.merge` or a same-person `source.relate` put them in one
//! class (`state/sources.rs`); only links that count are read. [`group`] decides over rows
//! alone; [`corroboration`] fetches them from the state.

use crate::digest::Digest;
use crate::state::limits::MAX_CITES_HOPS;
use crate::state::rows::OriginRow;
use crate::state::{SourceRef, State, StateError};
use crate::statement::Relation;
use serde::Serialize;
use std::collections::HashMap;

/// What kind of thing an origin is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OriginKind {
    /// A recorded source.
    Source,
    /// The outlet's own assertion.
    Outlet,
}

/// Where a claim ultimately comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// A source or the outlet.
    pub kind: OriginKind,
    /// The source, for kind `source`.
    pub source: Option<SourceRef>,
    /// The publisher, for kind `outlet`.
    pub outlet: Option<String>,
    /// An anonymous source (anonymous_person or anonymous_group).
    pub anonymous: bool,
    /// The source this one is one origin with, when a `source.merge` or a
    /// same-person `source.relate` joined them (the first recorded source
    /// of the class); none when the source stands alone.
    pub same_as: Option<Digest>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum OriginKey {
    Source(Digest),
    Outlet(String),
}

impl Origin {
    /// The origin as listed in a group: each source once (two sources of
    /// one class are both listed), each outlet once whatever its spelling.
    fn listed_key(&self) -> OriginKey {
        match &self.source {
            Some(s) => OriginKey::Source(s.id),
            None => self.key(),
        }
    }

    fn key(&self) -> OriginKey {
        match (&self.source, &self.outlet) {
            (Some(s), _) => OriginKey::Source(self.same_as.unwrap_or(s.id)),
            (None, o) => OriginKey::Outlet(o.as_deref().unwrap_or("").trim().to_lowercase()),
        }
    }

    /// A short description for people ("Zabihullah Mujahid", "diplomatic
    /// sources", "The Sunday Guardian (own reporting)").
    pub fn label(&self) -> String {
        match (&self.source, &self.outlet) {
            (Some(s), _) => s.name.clone().unwrap_or_else(|| s.label.clone()),
            (None, o) => format!("{} (own reporting)", o.as_deref().unwrap_or("the outlet")),
        }
    }

    /// The origin of a claim whose cites chain ends at a claim with
    /// `row`: its attribution source, else its `relayed_by` source (as
    /// `source_ref` finds them, with the class `class_of` puts the source
    /// in), else its outlet.
    fn of(
        row: OriginRow,
        source_ref: impl Fn(&Digest) -> Result<SourceRef, StateError>,
        class_of: impl Fn(&Digest) -> Result<Digest, StateError>,
    ) -> Result<Origin, StateError> {
        Ok(match row.source.or(row.relayed_by) {
            Some(s) => {
                let class = class_of(&s)?;
                let s = source_ref(&s)?;
                Origin {
                    kind: OriginKind::Source,
                    anonymous: s.kind.is_anonymous(),
                    same_as: (class != s.id).then_some(class),
                    source: Some(s),
                    outlet: None,
                }
            }
            None => Origin {
                kind: OriginKind::Outlet,
                source: None,
                outlet: Some(row.publisher),
                anonymous: false,
                same_as: None,
            },
        })
    }
}

/// A claim linked to the one looked up.
#[derive(Clone, Debug, Serialize)]
pub struct LinkedClaim {
    /// The linked claim.
    pub claim: Digest,
    /// The `claim.link` id.
    pub link: Digest,
    /// `corroborates` or `contradicts`.
    pub relation: Relation,
    /// The linked claim's proposition.
    pub proposition: String,
    /// The linked claim's publisher.
    pub publisher: String,
    /// The linked claim's own origin.
    pub origin: Origin,
    /// The linked claim was retracted.
    pub retracted: bool,
    /// The linked claim was removed from its article.
    pub removed: bool,
}

/// Linked claims that share an origin (or are joined by `same_origin`).
#[derive(Clone, Debug, Serialize)]
pub struct OriginGroup {
    /// The distinct origins of the group's claims (more than one when
    /// `same_origin` links, a `source.merge` or a same-person
    /// `source.relate` join them).
    pub origins: Vec<Origin>,
    /// Not the claim's own origin.
    pub independent: bool,
    /// Every origin in the group is an anonymous source.
    pub anonymous: bool,
    /// Counted: independent, with a claim that is not retracted.
    pub counted: bool,
    /// The group's claims, in link order.
    pub claims: Vec<LinkedClaim>,
}

/// The linked claims on one side, grouped by origin.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Side {
    /// Counted groups.
    pub independent_origins: u64,
    /// Counted groups with a named origin.
    pub named: u64,
    /// Counted groups whose origins are all anonymous.
    pub anonymous: u64,
    /// Every group, counted or not.
    pub groups: Vec<OriginGroup>,
}

/// The claims that corroborate or contradict a claim, by independent origin.
#[derive(Clone, Debug, Serialize)]
pub struct Corroboration {
    /// The claim's own origin.
    pub origin: Origin,
    /// Claims linked by `corroborates`.
    pub corroborating: Side,
    /// Claims linked by `contradicts`.
    pub contradicting: Side,
}

/// The origin of `claim`: rule 3 of `crate::status`.
pub(crate) fn origin(state: &State, claim: &Digest) -> Result<Origin, StateError> {
    let mut end = *claim;
    for _ in 0..MAX_CITES_HOPS {
        match state.cited(&end)? {
            Some(next) => end = next,
            None => break,
        }
    }
    let row = state
        .origin_row(&end)?
        .ok_or_else(|| StateError::Corrupt(format!("claim {end} has no row")))?;
    Origin::of(row, |s| state.source_ref(s), |s| state.source_class(s))
}

/// A minimal union-find over the claims of one lookup.
struct Groups(Vec<usize>);

impl Groups {
    fn root(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }
    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        if a != b {
            self.0[a.max(b)] = a.min(b);
        }
    }
}

/// The corroboration of `claim`: its origin, its linked claims with theirs,
/// and the `same_origin` links among them, grouped by [`group`].
pub(crate) fn corroboration(state: &State, claim: &Digest) -> Result<Corroboration, StateError> {
    let linked = state.corroboration_links(claim)?;
    let own = origin(state, claim)?;
    let mut members = Vec::with_capacity(linked.len());
    for l in linked {
        let row = state.linked_claim(&l.other)?;
        members.push(LinkedClaim {
            claim: l.other,
            link: l.link,
            relation: l.relation,
            proposition: row.proposition,
            publisher: row.publisher,
            origin: origin(state, &l.other)?,
            retracted: row.retracted,
            removed: row.removed,
        });
    }
    let mut same_origin = Vec::new();
    for id in std::iter::once(claim).chain(members.iter().map(|m| &m.claim)) {
        for other in state.same_origin(id)? {
            same_origin.push((*id, other));
        }
    }
    Ok(group(claim, own, members, &same_origin))
}

/// Rule 3 over rows: groups `members` (the claims linked to `claim` by
/// `corroborates` or `contradicts`, in log order, each with its origin)
/// by origin, joining the pairs in `same_origin`; a group is independent
/// unless it shares `own` (the claim's origin) or is joined to the claim.
pub(crate) fn group(
    claim: &Digest,
    own: Origin,
    members: Vec<LinkedClaim>,
    same_origin: &[(Digest, Digest)],
) -> Corroboration {
    // Index 0 is the claim itself; the others are its linked claims.
    let ids: Vec<Digest> = std::iter::once(*claim)
        .chain(members.iter().map(|m| m.claim))
        .collect();
    let origins: Vec<&Origin> = std::iter::once(&own)
        .chain(members.iter().map(|m| &m.origin))
        .collect();
    let mut groups = Groups((0..ids.len()).collect());
    let mut first_with_key: HashMap<OriginKey, usize> = HashMap::new();
    for (i, o) in origins.iter().enumerate() {
        match first_with_key.get(&o.key()) {
            Some(&j) => groups.join(i, j),
            None => {
                first_with_key.insert(o.key(), i);
            }
        }
    }
    let mut position: HashMap<Digest, Vec<usize>> = HashMap::new();
    for (i, d) in ids.iter().enumerate() {
        position.entry(*d).or_default().push(i);
    }
    for (a, b) in same_origin {
        // Every position of `a` joins the last position of `b`, as the
        // lookup did when it asked each claim for its same_origin links.
        if let (Some(is), Some(js)) = (position.get(a), position.get(b)) {
            let j = *js.last().expect("positions are never empty");
            for &i in is {
                groups.join(i, j);
            }
        }
    }
    let own_root = groups.root(0);
    let mut sides = [Side::default(), Side::default()];
    let mut group_of: [HashMap<usize, usize>; 2] = [HashMap::new(), HashMap::new()];
    for (m, member) in members.into_iter().enumerate() {
        let side = usize::from(member.relation == Relation::Contradicts);
        let root = groups.root(m + 1);
        let g = *group_of[side].entry(root).or_insert_with(|| {
            sides[side].groups.push(OriginGroup {
                origins: Vec::new(),
                independent: root != own_root,
                anonymous: true,
                counted: false,
                claims: Vec::new(),
            });
            sides[side].groups.len() - 1
        });
        let group = &mut sides[side].groups[g];
        if !group
            .origins
            .iter()
            .any(|o| o.listed_key() == member.origin.listed_key())
        {
            group.anonymous &= member.origin.anonymous;
            group.origins.push(member.origin.clone());
        }
        group.counted |= group.independent && !member.retracted;
        group.claims.push(member);
    }
    for side in &mut sides {
        for g in &side.groups {
            if g.counted {
                side.independent_origins += 1;
                if g.anonymous {
                    side.anonymous += 1;
                } else {
                    side.named += 1;
                }
            }
        }
    }
    let [corroborating, contradicting] = sides;
    Corroboration {
        origin: own,
        corroborating,
        contradicting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::SourceKind;

    fn d(b: u8) -> Digest {
        Digest([b; 32])
    }

    fn source(b: u8, kind: SourceKind) -> Origin {
        Origin::of(
            OriginRow {
                source: Some(d(b)),
                relayed_by: None,
                publisher: "The Outlet".into(),
            },
            |id| {
                Ok(SourceRef {
                    id: *id,
                    label: format!("source {}", id.0[0]),
                    kind,
                    name: None,
                })
            },
            |id| Ok(*id),
        )
        .unwrap()
    }

    fn outlet(publisher: &str) -> Origin {
        Origin::of(
            OriginRow {
                source: None,
                relayed_by: None,
                publisher: publisher.into(),
            },
            |_| unreachable!("an outlet's own claim names no source"),
            |_| unreachable!("an outlet's own claim names no source"),
        )
        .unwrap()
    }

    fn linked(b: u8, relation: Relation, origin: Origin, retracted: bool) -> LinkedClaim {
        LinkedClaim {
            claim: d(b),
            link: d(100 + b),
            relation,
            proposition: format!("claim {b}"),
            publisher: "The Outlet".into(),
            origin,
            retracted,
            removed: false,
        }
    }

    #[test]
    fn linked_claims_are_grouped_by_origin_without_a_database() {
        use Relation::{Contradicts, Corroborates};
        let own = source(1, SourceKind::NamedPerson);
        let members = vec![
            // The claim's own origin: not independent.
            linked(2, Corroborates, source(1, SourceKind::NamedPerson), false),
            // Two origins joined by a same_origin link: one named group.
            linked(3, Corroborates, source(3, SourceKind::NamedPerson), false),
            linked(
                4,
                Corroborates,
                source(4, SourceKind::AnonymousGroup),
                false,
            ),
            // Anonymous, counted.
            linked(
                5,
                Corroborates,
                source(5, SourceKind::AnonymousPerson),
                false,
            ),
            // Independent but retracted: not counted.
            linked(6, Corroborates, source(6, SourceKind::NamedPerson), true),
            // The outlet itself, whatever the case and spacing of its name.
            linked(7, Contradicts, outlet("The Other Paper"), false),
            linked(8, Contradicts, outlet(" the other paper"), false),
        ];
        let c = group(&d(1), own.clone(), members, &[(d(4), d(3))]);
        assert_eq!(c.origin, own);
        let side = &c.corroborating;
        let shape: Vec<(Vec<u8>, bool, bool, bool)> = side
            .groups
            .iter()
            .map(|g| {
                (
                    g.claims.iter().map(|m| m.claim.0[0]).collect(),
                    g.independent,
                    g.anonymous,
                    g.counted,
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                (vec![2], false, false, false),
                (vec![3, 4], true, false, true),
                (vec![5], true, true, true),
                (vec![6], true, false, false),
            ]
        );
        assert_eq!(side.groups[1].origins.len(), 2);
        assert_eq!(
            (side.independent_origins, side.named, side.anonymous),
            (2, 1, 1)
        );
        let other = &c.contradicting;
        assert_eq!(other.groups.len(), 1);
        assert_eq!(other.groups[0].claims.len(), 2);
        assert_eq!(
            other.groups[0].origins[0].label(),
            "The Other Paper (own reporting)"
        );
        assert_eq!(other.independent_origins, 1);
    }

    #[test]
    fn a_same_origin_link_to_the_claim_itself_makes_a_group_dependent() {
        let own = outlet("The Outlet");
        let members = vec![linked(
            2,
            Relation::Corroborates,
            source(2, SourceKind::NamedPerson),
            false,
        )];
        let c = group(&d(1), own, members, &[(d(1), d(2))]);
        assert!(!c.corroborating.groups[0].independent);
        assert_eq!(c.corroborating.independent_origins, 0);
    }
}
