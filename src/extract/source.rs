//! Sources: what a noun phrase says about who speaks (kind, name, role,
//! affiliation, place, count), and the register that makes every mention
//! of one source ("Taliban spokesperson Zabihullah Mujahid", "Mujahid",
//! "he", "the spokesperson") one proposed source.

use super::lexicon::{Gender, Lexicon, Lexicons};
use super::text::Prepared;
use crate::statement::{SourceCount, SourceKind};

/// Words that open a phrase and say how many or which.
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "one", "two", "three", "four", "five", "several", "some", "many", "other",
    "another", "his", "her", "their", "its", "this", "these", "those", "both", "multiple", "few",
    "numerous", "most", "senior", "top",
];
/// Determiners that make a phrase plural.
const PLURAL_DETERMINERS: &[&str] = &[
    "two", "three", "four", "five", "several", "some", "many", "both", "multiple", "few",
    "numerous", "most",
];
/// Connectives stripped from the start of a subject.
const CONNECTIVES: &[&str] = &[
    "however",
    "but",
    "and",
    "meanwhile",
    "also",
    "still",
    "yet",
    "so",
    "separately",
    "instead",
    "later",
    "earlier",
    "now",
    "then",
    "moreover",
    "similarly",
];
/// Capitalised words that are no names (they open sentences).
const NOT_NAMES: &[&str] = &[
    "that",
    "this",
    "these",
    "those",
    "there",
    "here",
    "it",
    "what",
    "when",
    "where",
    "why",
    "how",
    "in",
    "on",
    "at",
    "for",
    "with",
    "after",
    "before",
    "following",
    "however",
    "meanwhile",
    "but",
    "and",
    "if",
    "as",
    "while",
    "we",
    "i",
    "you",
    "our",
    "my",
    "your",
    "no",
    "yes",
    "such",
    "all",
    "each",
    "every",
    "both",
    "then",
    "now",
    "today",
    "yesterday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "asked",
    "speaking",
    "according",
    "despite",
    "during",
    "since",
    "until",
    "under",
    "over",
    "by",
];
/// Verbs that show a phrase is a clause, not a source ("went on trial").
const VERBISH: &[&str] = &[
    "is", "was", "were", "are", "has", "had", "have", "been", "will", "would", "can", "could",
    "did", "do", "does", "went", "took", "gave", "came", "got", "began", "won", "lost", "spent",
    "broke", "should", "must", "may", "might", "shall", "being",
];
/// Words in -ed that are no verbs in a source phrase.
const ED_OK: &[&str] = &[
    "alleged",
    "suspected",
    "unconfirmed",
    "retired",
    "detained",
    "armed",
    "masked",
    "unnamed",
    "concerned",
    "interested",
    "united",
    "based",
    "related",
    "affected",
    "elected",
    "appointed",
    "named",
    "unidentified",
    "qualified",
    "licensed",
    "registered",
    "listed",
    "accused",
    "indicted",
    "jailed",
    "exiled",
    "banned",
    "ousted",
    "disgraced",
    "embattled",
    "revered",
    "respected",
    "renowned",
    "noted",
    "acclaimed",
    "trained",
    "experienced",
    "red",
    "authorised",
    "authorized",
    "informed",
    "anonymised",
    "unauthorised",
    "unauthorized",
];
/// Particles inside personal names.
const PARTICLES: &[&str] = &[
    "bin", "al", "de", "van", "von", "da", "la", "le", "du", "der", "ibn", "del", "di", "dos",
];
/// Words that end the head part of a phrase.
const POST: &[&str] = &[
    "for",
    "from",
    "at",
    "in",
    "with",
    "who",
    "which",
    "that",
    "familiar",
    "close",
    "speaking",
    "issued",
    "by",
    "on",
    "of",
    "published",
    "released",
    "seen",
    "obtained",
    "quoted",
    "cited",
    "involved",
    "based",
    "briefed",
    "said",
    "told",
    "whose",
    "not",
    "shared",
    "posted",
    "circulating",
    "commissioned",
    "broadcast",
    "read",
    "prepared",
    "written",
    "drafted",
    "conducted",
    "carried",
    "led",
    "signed",
    "filed",
    "submitted",
    "sent",
];

/// The pronouns that refer back to a source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pronoun {
    /// "he"
    He,
    /// "she"
    She,
    /// "they"
    They,
    /// "it"
    It,
}

/// What a noun phrase says about a source.
#[derive(Clone, Debug)]
pub struct Np {
    /// Its kind.
    pub kind: SourceKind,
    /// The name, where printed.
    pub name: Option<String>,
    /// The role.
    pub role: Option<String>,
    /// The affiliation.
    pub affiliation: Option<String>,
    /// The place qualifier.
    pub place: Option<String>,
    /// How many.
    pub count: SourceCount,
    /// Gender, where an honorific shows it.
    pub gender: Option<Gender>,
    /// The head noun (lower case) of an unnamed phrase.
    pub head: Option<String>,
    /// A pronoun.
    pub pronoun: Option<Pronoun>,
    /// Starts with "the" (or a possessive): may refer back.
    pub definite: bool,
    /// A single capitalised word that may be a surname seen before.
    pub bare_name: bool,
    /// The phrase says "unconfirmed" ("Unconfirmed reports on social media").
    pub unconfirmed: bool,
    /// The lexicon entries that decided.
    pub evidence: Vec<(Lexicon, &'static str)>,
}

impl Np {
    fn new(kind: SourceKind) -> Np {
        Np {
            kind,
            name: None,
            role: None,
            affiliation: None,
            place: None,
            count: SourceCount::default_for(kind),
            gender: None,
            head: None,
            pronoun: None,
            definite: false,
            bare_name: false,
            unconfirmed: false,
            evidence: Vec::new(),
        }
    }
}

/// Finds `seq` (lower-case words) as a run of `words` (lower case):
/// the index of its first word.
fn find_seq(words: &[String], seq: &[&str]) -> Option<usize> {
    if seq.is_empty() || seq.len() > words.len() {
        return None;
    }
    (0..=words.len() - seq.len()).find(|&i| {
        seq.iter()
            .zip(&words[i..])
            .all(|(a, b)| a.eq_ignore_ascii_case(b))
    })
}

fn strip_possessive(s: &str) -> &str {
    s.strip_suffix("'s")
        .or_else(|| s.strip_suffix("’s"))
        .unwrap_or(s)
}

/// Analyses the phrase of tokens `a..b`. `None`: it names no source the
/// lexicons know.
pub fn analyse(p: &Prepared, a: usize, b: usize) -> Option<Np> {
    let lx = Lexicons::get();
    let mut a = a;
    // Connectives and stray punctuation before the phrase.
    while a < b && (!p.tokens[a].word || CONNECTIVES.contains(&p.tokens[a].lower.as_str())) {
        a += 1;
    }
    let mut b = b;
    while b > a && !p.tokens[b - 1].word {
        b -= 1;
    }
    let first_comma = (a..b).find(|&i| p.tokens[i].lower == ",").unwrap_or(b);
    if a >= b || first_comma - a > 16 || b - a > 40 {
        return None;
    }
    let lower: Vec<String> = (a..b).map(|i| p.tokens[i].lower.clone()).collect();
    if lower.len() >= 2 && lower[0] == "one" && lower[1] == "of" {
        // "One of the sources", "One of them": one unnamed person.
        let mut np = Np::new(SourceKind::AnonymousPerson);
        np.count = SourceCount::One;
        np.head = Some("one".into());
        return Some(np);
    }
    if lower.len() == 1 {
        let pron = match lower[0].as_str() {
            "he" | "him" => Some(Pronoun::He),
            "she" | "her" => Some(Pronoun::She),
            "they" => Some(Pronoun::They),
            "it" => Some(Pronoun::It),
            _ => None,
        };
        if let Some(pr) = pron {
            let mut np = Np::new(SourceKind::NamedPerson);
            np.pronoun = Some(pr);
            return Some(np);
        }
    }
    let mut evidence = Vec::new();
    let anon_marker = lx
        .anon_markers
        .iter()
        .find(|(_, m)| find_seq(&lower, m).is_some());
    if let Some((e, _)) = anon_marker {
        evidence.push((Lexicon::Anonymity, *e));
    }
    // An appositive after a comma: "John Smith, a spokesman for the ministry".
    let comma = (a..b).find(|&i| p.tokens[i].lower == ",");
    let main_end = comma.unwrap_or(b);
    // The head part ends at the first post-modifier (not "of" inside a
    // capitalised name: "Ministry of Defence").
    let mut head_end = main_end;
    for i in a + 1..main_end {
        let w = p.tokens[i].lower.as_str();
        if POST.contains(&w) {
            let next_cap = p.tokens.get(i + 1).is_some_and(|t| t.cap);
            let prev_cap = p.tokens[i - 1].cap;
            if w == "of" && next_cap && prev_cap {
                continue;
            }
            head_end = i;
            break;
        }
    }
    // A finite verb before any relative clause: a clause, not a source.
    let clause_end = (a..main_end)
        .find(|&i| {
            matches!(
                p.tokens[i].lower.as_str(),
                "who" | "which" | "that" | "whose"
            )
        })
        .unwrap_or(main_end);
    for i in a..clause_end {
        let t = &p.tokens[i];
        let w = t.lower.as_str();
        let verb_ed = !t.cap
            && w.len() > 4
            && w.ends_with("ed")
            && !ED_OK.contains(&w)
            && !lx.anon_heads.contains_key(w);
        if !t.cap && (VERBISH.contains(&w) || (verb_ed && i < head_end)) {
            return None;
        }
    }
    let det = DETERMINERS.contains(&lower[0].as_str());
    let unconfirmed = lower.iter().any(|w| w == "unconfirmed");
    let definite = matches!(
        lower[0].as_str(),
        "the" | "his" | "her" | "their" | "its" | "that" | "this" | "these" | "those"
    ) || lower[0].ends_with("'s");
    let plural_det = PLURAL_DETERMINERS.contains(&lower[0].as_str());
    let text_of = |i: usize, j: usize| -> String {
        if i >= j {
            return String::new();
        }
        p.text[p.tokens[i].start..p.tokens[j - 1].end].to_string()
    };
    let after_det = if lower[0] == "the" || lower[0] == "a" || lower[0] == "an" {
        a + 1
    } else {
        a
    };
    let label_no_det = text_of(after_det, b);
    let head_i = head_end - 1;
    let head_tok = &p.tokens[head_i];
    let head_lower = strip_possessive(&head_tok.lower).to_string();
    let pre_lower: Vec<String> = lower[..head_end - a].to_vec();
    let place_of = |np: &mut Np| {
        for i in a..head_end {
            if let Some(stem) = p.tokens[i].lower.strip_suffix("-based") {
                if !stem.is_empty() {
                    let t = p.tok(i);
                    np.place = Some(t[..stem.len()].to_string());
                }
            }
        }
        if np.place.is_none() && head_end < main_end && p.tokens[head_end].lower == "in" {
            let s = head_end + 1;
            let mut e = s;
            while e < main_end && p.tokens[e].cap {
                e += 1;
            }
            if e > s {
                np.place = Some(text_of(s, e));
            }
        }
    };
    let post_affiliation = |np: &mut Np| {
        let from = head_end;
        if from < main_end
            && matches!(
                p.tokens[from].lower.as_str(),
                "for" | "of" | "at" | "from" | "with"
            )
        {
            let s = from + 1;
            let mut e = s;
            while e < main_end
                && (!POST.contains(&p.tokens[e].lower.as_str())
                    || (p.tokens[e].lower == "of" && p.tokens.get(e + 1).is_some_and(|t| t.cap)))
            {
                e += 1;
            }
            if e > s && np.affiliation.is_none() {
                np.affiliation = Some(text_of(s, e));
            }
        }
    };

    // 1. An outlet by name.
    let words_printed: Vec<&str> = (a..b).map(|i| p.tok(i)).collect();
    let mut best: Option<(usize, &Vec<&str>, &'static str)> = None;
    for (entry, o) in &lx.outlets {
        if o.len() <= words_printed.len() {
            for i in 0..=words_printed.len() - o.len() {
                if o.iter().zip(&words_printed[i..]).all(|(x, y)| x == y)
                    && best.is_none_or(|(_, b, _)| b.len() < o.len())
                {
                    best = Some((i, o, entry));
                }
            }
        }
    }
    if let Some((i, o, entry)) = best {
        // "a Reuters reporter" is a person, not the outlet: only a phrase
        // that ends with the outlet (or its post-modifier) is the outlet.
        let ends_at = a + i + o.len();
        let at_start = i == 0 || (i == 1 && words_printed[0] == "The");
        if ends_at >= head_end || ends_at == main_end || at_start {
            let mut np = Np::new(SourceKind::MediaReport);
            let start = if i > 0 && words_printed[i - 1] == "The" {
                a + i - 1
            } else {
                a + i
            };
            np.name = Some(text_of(start, ends_at));
            np.evidence = evidence;
            np.evidence.push((Lexicon::Media, entry));
            np.definite = definite;
            return Some(np);
        }
    }
    // 1b. An outlet by the last word of its name ("the Dunmore Echo").
    if head_tok.cap {
        if let Some(&suffix) = lx.outlet_suffixes.iter().find(|x| **x == p.tok(head_i)) {
            let mut f = head_i;
            while f > a
                && p.tokens[f - 1].cap
                && !DETERMINERS.contains(&p.tokens[f - 1].lower.as_str())
            {
                f -= 1;
            }
            if f < head_i {
                let mut np = Np::new(SourceKind::MediaReport);
                np.name = Some(text_of(f, head_end));
                np.definite = definite;
                np.evidence = evidence;
                np.evidence.push((Lexicon::Media, suffix));
                np.unconfirmed = unconfirmed;
                return Some(np);
            }
        }
    }
    // 2. A document.
    for (entry, d) in &lx.documents {
        if pre_lower.len() >= d.len()
            && pre_lower[pre_lower.len() - d.len()..]
                .iter()
                .map(|w| strip_possessive(w))
                .zip(d)
                .all(|(x, y)| {
                    x == *y
                        || (x.strip_suffix('s') == Some(*y)
                            && !lx.media_nouns.iter().any(|(m, _)| *m == x))
                })
        {
            let mut np = Np::new(SourceKind::Document);
            np.name = Some(label_no_det.clone());
            np.head = Some(d.join(" "));
            np.definite = definite;
            np.evidence = evidence;
            np.evidence.push((Lexicon::Documents, entry));
            post_affiliation(&mut np);
            return Some(np);
        }
    }
    // 3. A media noun ("local media", "state television").
    for (entry, m) in &lx.media_nouns {
        // At the end ("local media"), or before the outlet's name ("the
        // state news agency KNA").
        let at = find_seq(&pre_lower, m);
        let named_after = at.is_some_and(|i| {
            i + m.len() < pre_lower.len() && (a + i + m.len()..head_end).all(|k| p.tokens[k].cap)
        });
        if named_after
            || (pre_lower.len() >= m.len() && pre_lower[pre_lower.len() - m.len()..] == m[..])
        {
            let mut np = Np::new(SourceKind::MediaReport);
            np.name = Some(label_no_det.clone());
            np.head = Some(m.join(" "));
            np.unconfirmed = unconfirmed;
            np.definite = definite;
            np.evidence = evidence;
            np.evidence.push((Lexicon::Media, entry));
            return Some(np);
        }
    }
    let org_word = |w: &str| {
        let w = strip_possessive(w);
        lx.org_words
            .iter()
            .find(|o| o.eq_ignore_ascii_case(w))
            .copied()
    };
    // 4. An unnamed person or group.
    // A capitalised head is a name ("Afghan Officials" is rare), unless it
    // opens the phrase ("Diplomats said").
    if !head_tok.cap || anon_marker.is_some() || head_i == a || (head_i == a + 1 && det) {
        if let Some((&word, &plural)) = lx.anon_heads.get_key_value(head_lower.as_str()) {
            let kind = if plural || plural_det {
                SourceKind::AnonymousGroup
            } else {
                SourceKind::AnonymousPerson
            };
            let mut np = Np::new(kind);
            np.count = if kind == SourceKind::AnonymousGroup {
                SourceCount::Several
            } else {
                SourceCount::One
            };
            np.head = Some(head_lower.clone());
            np.definite = definite;
            if matches!(word, "spokesperson" | "spokesman" | "spokeswoman") {
                np.role = Some(word.to_string());
            }
            // Capitalised words before the head: "U.S. officials", "Afghan negotiators".
            let caps: Vec<usize> = (a..head_i)
                .filter(|&i| {
                    p.tokens[i].cap
                        && !p.tokens[i].lower.ends_with("-based")
                        && !DETERMINERS.contains(&p.tokens[i].lower.as_str())
                })
                .collect();
            if let (Some(&f), Some(&l)) = (caps.first(), caps.last()) {
                np.affiliation = Some(text_of(f, l + 1));
            }
            place_of(&mut np);
            post_affiliation(&mut np);
            np.evidence = evidence;
            np.evidence.push((Lexicon::Anonymity, word));
            return Some(np);
        }
    }
    // 5. An organisation: by a word of its name or its name.
    let org_name = lx
        .org_names
        .iter()
        .filter(|(_, o)| o.len() <= words_printed.len())
        .find(|(_, o)| {
            (0..=words_printed.len() - o.len()).any(|i| {
                o.iter()
                    .zip(&words_printed[i..])
                    .all(|(x, y)| x == &strip_possessive(y))
            })
        });
    let org_hit = (a..head_end).find_map(|i| org_word(&p.tokens[i].lower));
    if org_name.is_some() || org_hit.is_some() {
        // A person of an organisation: "Taliban spokesperson Zabihullah Mujahid".
        let person = person_parts(p, a, head_end);
        let last_org = (a..head_end)
            .rev()
            .find(|&i| {
                org_word(&p.tokens[i].lower).is_some()
                    || org_name.is_some_and(|(_, o)| {
                        o.last().is_some_and(|w| *w == strip_possessive(p.tok(i)))
                    })
            })
            .unwrap_or(a);
        let titled_after = (last_org + 1..head_end)
            .any(|i| role_at(p, i, head_end, lx).is_some() || lx.honorifics.contains_key(p.tok(i)));
        if !titled_after || person.as_ref().is_none_or(|x| x.name_len == 0) {
            let mut np = Np::new(SourceKind::NamedOrganization);
            np.name = Some(text_of(after_det, head_end));
            np.head = Some(head_lower.clone());
            np.definite = definite;
            np.evidence = evidence;
            if let Some((e, _)) = org_name {
                np.evidence.push((Lexicon::Orgs, e));
            }
            if let Some(w) = org_hit {
                np.evidence.push((Lexicon::Orgs, w));
            }
            return Some(np);
        }
    }
    // 6. A person by name, with role and affiliation.
    if let Some(pp) = person_parts(p, a, head_end) {
        if pp.name_len > 0 {
            let mut np = Np::new(SourceKind::NamedPerson);
            np.name = Some(pp.name);
            np.role = pp.role;
            np.affiliation = pp.affiliation;
            np.gender = pp.gender;
            np.evidence = evidence;
            np.evidence.extend(pp.evidence);
            np.bare_name = pp.name_len == 1 && !pp.titled;
            post_affiliation(&mut np);
            if let Some(c) = comma {
                appositive(p, c + 1, b, &mut np, lx);
            }
            if np.bare_name && !det {
                // Decided by the register: a surname seen before, else an
                // organisation or place that speaks ("Kabul said").
                np.kind = SourceKind::NamedPerson;
            }
            return Some(np);
        }
        if let Some(role) = pp.role {
            // "the minister", "the spokesperson": refers back, else an unnamed person.
            let mut np = Np::new(SourceKind::AnonymousPerson);
            np.count = SourceCount::One;
            np.role = Some(role);
            np.head = Some(head_lower.clone());
            np.definite = definite;
            np.affiliation = pp.affiliation;
            np.evidence = evidence;
            np.evidence.extend(pp.evidence);
            post_affiliation(&mut np);
            return Some(np);
        }
    }
    if anon_marker.is_some() {
        let mut np = Np::new(SourceKind::AnonymousPerson);
        np.count = SourceCount::One;
        np.evidence = evidence;
        return Some(np);
    }
    None
}

struct PersonParts {
    name: String,
    name_len: usize,
    role: Option<String>,
    affiliation: Option<String>,
    gender: Option<Gender>,
    titled: bool,
    evidence: Vec<(Lexicon, &'static str)>,
}

/// A role found at token `i`: its length in tokens and entry.
fn role_at(p: &Prepared, i: usize, end: usize, lx: &Lexicons) -> Option<(usize, &'static str)> {
    lx.roles.iter().find_map(|(entry, r)| {
        (i + r.len() <= end
            && r.iter()
                .enumerate()
                .all(|(k, w)| strip_possessive(&p.tokens[i + k].lower).eq_ignore_ascii_case(w)))
        .then_some((r.len(), *entry))
    })
}

/// The parts of "Taliban spokesperson Zabihullah Mujahid": affiliation,
/// role, name (trailing capitalised words) in tokens `a..e`.
fn person_parts(p: &Prepared, a: usize, e: usize) -> Option<PersonParts> {
    let lx = Lexicons::get();
    let mut evidence = Vec::new();
    // The name: trailing capitalised words (particles allowed inside).
    let mut n = e;
    while n > a {
        let t = &p.tokens[n - 1];
        let w = strip_possessive(&t.lower);
        let is_particle = PARTICLES.contains(&w) && n < e;
        if !(t.word && (t.cap || is_particle))
            || role_at(p, n - 1, e, lx).is_some()
            || lx.honorifics.contains_key(p.tok(n - 1))
            || DETERMINERS.contains(&w)
            || NOT_NAMES.contains(&w)
        {
            break;
        }
        n -= 1;
    }
    // Roles and honorifics before the name.
    let mut role_span: Option<(usize, usize)> = None;
    let mut gender = None;
    let mut titled = false;
    let mut i = a;
    while i < n {
        if let Some((&h, g)) = lx.honorifics.get_key_value(p.tok(i)) {
            gender = *g;
            titled = true;
            evidence.push((Lexicon::Titles, h));
            i += 1;
            continue;
        }
        if let Some((len, entry)) = role_at(p, i, n, lx) {
            role_span = Some((role_span.map_or(i, |r| r.0), i + len));
            evidence.push((Lexicon::Titles, entry));
            titled = true;
            i += len;
            continue;
        }
        i += 1;
    }
    let name_len = e - n;
    if name_len == 0 && role_span.is_none() {
        return None;
    }
    let text_of = |i: usize, j: usize| p.text[p.tokens[i].start..p.tokens[j - 1].end].to_string();
    let mut affiliation = None;
    let mut role = None;
    if let Some((rs, re)) = role_span {
        // Capitalised modifiers right before the role are part of it
        // ("Foreign Minister"); other capitalised words are the affiliation.
        let mut r0 = rs;
        let mut aff_end = rs;
        while r0 > a
            && p.tokens[r0 - 1].cap
            && !DETERMINERS.contains(&p.tokens[r0 - 1].lower.as_str())
        {
            r0 -= 1;
        }
        if r0 < rs {
            // "ISI Director General": the affiliation. "Foreign Minister": the role.
            let modifier = ROLE_MODIFIERS.contains(&p.tokens[rs - 1].lower.as_str());
            if modifier {
                let mut m = rs;
                while m > r0 && ROLE_MODIFIERS.contains(&p.tokens[m - 1].lower.as_str()) {
                    m -= 1;
                }
                aff_end = m;
                role = Some(text_of(m, re));
            } else {
                role = Some(text_of(rs, re));
            }
            if aff_end > r0 {
                affiliation = Some(strip_possessive(&text_of(r0, aff_end)).to_string());
            }
        } else {
            role = Some(text_of(rs, re));
        }
        if affiliation.is_none() && r0 > a && p.tokens[r0 - 1].lower.ends_with("'s") {
            let s = (a..r0).rev().take_while(|&k| p.tokens[k].cap).last();
            if let Some(s) = s {
                affiliation = Some(strip_possessive(&text_of(s, r0)).to_string());
            }
        }
    }
    Some(PersonParts {
        name: if name_len > 0 {
            strip_possessive(&text_of(n, e)).to_string()
        } else {
            String::new()
        },
        name_len,
        role: role.map(|r| r.to_lowercase()),
        affiliation,
        gender,
        titled,
        evidence,
    })
}

/// Words that qualify a role and belong to it ("Foreign Minister").
const ROLE_MODIFIERS: &[&str] = &[
    "foreign",
    "interior",
    "defence",
    "defense",
    "finance",
    "deputy",
    "vice",
    "acting",
    "former",
    "senior",
    "health",
    "justice",
    "home",
    "prime",
    "press",
    "state",
    "information",
    "trade",
    "economy",
    "energy",
    "education",
    "chief",
    "opposition",
    "police",
    "army",
    "military",
    "government",
    "intelligence",
];

/// Analyses the phrase `a..b` and completes it with the description in
/// tokens `d..e` set off by a comma ("The town's mayor, Lena Mirov";
/// "Dana Whitfield, a food-industry analyst at Harlow").
pub fn analyse_with(p: &Prepared, a: usize, b: usize, d: usize, e: usize) -> Option<Np> {
    let mut np = analyse(p, a, b)?;
    let lower: Vec<String> = (d..e).map(|i| p.tokens[i].lower.clone()).collect();
    if let Some((entry, _)) = Lexicons::get()
        .anon_markers
        .iter()
        .find(|(_, m)| find_seq(&lower, m).is_some())
    {
        np.evidence.push((Lexicon::Anonymity, *entry));
    }
    if np.kind == SourceKind::NamedPerson && np.name.is_some() {
        appositive(p, d, e, &mut np, Lexicons::get());
    }
    Some(np)
}

/// Role and affiliation from an appositive ("a spokesman for the ministry").
fn appositive(p: &Prepared, a: usize, b: usize, np: &mut Np, lx: &Lexicons) {
    for i in a..b {
        if let Some((len, entry)) = role_at(p, i, b, lx) {
            if np.role.is_none() {
                np.role = Some(p.text[p.tokens[i].start..p.tokens[i + len - 1].end].to_lowercase());
                np.evidence.push((Lexicon::Titles, entry));
            }
            let after = i + len;
            if after < b && matches!(p.tokens[after].lower.as_str(), "for" | "of" | "at" | "with") {
                let s = after + 1;
                if s < b && np.affiliation.is_none() {
                    np.affiliation =
                        Some(p.text[p.tokens[s].start..p.tokens[b - 1].end].to_string());
                }
            } else if i > a && np.affiliation.is_none() {
                let caps: Vec<usize> = (a..i).filter(|&k| p.tokens[k].cap).collect();
                if let (Some(&f), Some(&l)) = (caps.first(), caps.last()) {
                    np.affiliation = Some(
                        strip_possessive(&p.text[p.tokens[f].start..p.tokens[l].end]).to_string(),
                    );
                }
            }
            np.bare_name = false;
            return;
        }
    }
}

/// One proposed source as the register holds it.
#[derive(Clone, Debug)]
pub struct Registered {
    /// What its first mention said, completed by later ones.
    pub np: Np,
    /// The first mention (byte span).
    pub label: (usize, usize),
    /// Every mention (byte spans), in order.
    pub mentions: Vec<(usize, usize)>,
    /// Byte offset of its last mention.
    pub last: usize,
}

/// The sources of one article.
#[derive(Debug, Default)]
pub struct Register {
    /// The sources, in order of first mention.
    pub sources: Vec<Registered>,
}

fn synonyms(a: &str, b: &str) -> bool {
    let spokes = |x: &str| matches!(x, "spokesperson" | "spokesman" | "spokeswoman");
    a == b || (spokes(a) && spokes(b)) || a.trim_end_matches('s') == b.trim_end_matches('s')
}

impl Register {
    /// The source that the phrase `np` at byte span `span` refers to: an
    /// earlier one (coreference) or a new one. `None`: a pronoun with no
    /// earlier source it can refer to.
    pub fn resolve(&mut self, np: Np, span: (usize, usize)) -> Option<usize> {
        let found = self.find(&np);
        match found {
            Some(i) => {
                let s = &mut self.sources[i];
                // A mention that holds an earlier one ("The town's mayor,
                // Lena Mirov" around "Lena Mirov"): the same mention, wider.
                s.mentions
                    .retain(|m| !(span.0 <= m.0 && m.1 <= span.1 && *m != span));
                if span.0 <= s.label.0 && s.label.1 <= span.1 {
                    s.label = span;
                }
                if !s.mentions.contains(&span) {
                    s.mentions.push(span);
                }
                s.last = s.last.max(span.0);
                if let Some(pr) = np.pronoun {
                    let g = match pr {
                        Pronoun::He => Some(Gender::Male),
                        Pronoun::She => Some(Gender::Female),
                        _ => None,
                    };
                    if s.np.gender.is_none() {
                        s.np.gender = g;
                    }
                }
                if s.np.role.is_none() && np.role.is_some() {
                    s.np.role = np.role;
                }
                if s.np.affiliation.is_none() && np.affiliation.is_some() {
                    s.np.affiliation = np.affiliation;
                }
                if s.np.place.is_none() && np.place.is_some() {
                    s.np.place = np.place;
                }
                if s.np.gender.is_none() && np.gender.is_some() {
                    s.np.gender = np.gender;
                }
                Some(i)
            }
            None if np.pronoun.is_some() => None,
            None => {
                let mut np = np;
                if np.bare_name {
                    // A single capitalised word seen first here: an
                    // organisation or place that speaks ("Kabul said").
                    np.kind = SourceKind::NamedOrganization;
                    np.count = SourceCount::Unknown;
                }
                self.sources.push(Registered {
                    np,
                    label: span,
                    mentions: vec![span],
                    last: span.0,
                });
                Some(self.sources.len() - 1)
            }
        }
    }

    fn latest(&self, ok: impl Fn(&Registered) -> bool) -> Option<usize> {
        self.sources
            .iter()
            .enumerate()
            .filter(|(_, s)| ok(s))
            .max_by_key(|(_, s)| s.last)
            .map(|(i, _)| i)
    }

    fn find(&self, np: &Np) -> Option<usize> {
        if let Some(pr) = np.pronoun {
            return match pr {
                Pronoun::He | Pronoun::She => {
                    let want = if pr == Pronoun::He {
                        Gender::Male
                    } else {
                        Gender::Female
                    };
                    self.latest(|s| {
                        matches!(
                            s.np.kind,
                            SourceKind::NamedPerson | SourceKind::AnonymousPerson
                        ) && s.np.gender.is_none_or(|g| g == want)
                    })
                }
                Pronoun::They => self
                    .latest(|s| {
                        matches!(
                            s.np.kind,
                            SourceKind::AnonymousGroup | SourceKind::NamedOrganization
                        )
                    })
                    .or_else(|| self.latest(|s| s.np.count == SourceCount::Several)),
                Pronoun::It => self.latest(|s| {
                    matches!(
                        s.np.kind,
                        SourceKind::NamedOrganization
                            | SourceKind::Document
                            | SourceKind::MediaReport
                    )
                }),
            };
        }
        let norm = |s: &Option<String>| {
            s.as_deref().map(|x| {
                strip_possessive(x.trim_start_matches("The ").trim_start_matches("the "))
                    .to_lowercase()
            })
        };
        let name = norm(&np.name);
        if let Some(name) = &name {
            let last_word = name.rsplit(' ').next().unwrap_or(name).to_string();
            let person_like = np.kind == SourceKind::NamedPerson;
            let hit = self.latest(|s| {
                let Some(sn) = norm(&s.np.name) else {
                    return false;
                };
                if sn == *name {
                    return s.np.kind == np.kind
                        || (np.bare_name && s.np.kind == SourceKind::NamedOrganization);
                }
                if person_like && s.np.kind == SourceKind::NamedPerson {
                    let surname = sn.rsplit(' ').next().unwrap_or(&sn);
                    // "Mujahid" (or "Mr. Mujahid") after "Zabihullah Mujahid".
                    return surname == last_word && (np.bare_name || !name.contains(' '));
                }
                false
            });
            if hit.is_some() {
                return hit;
            }
        }
        // "the spokesperson", "the source", "the report", "the ministry".
        if np.definite && (np.name.is_none() || np.kind != SourceKind::NamedPerson) {
            let head = np.head.clone().or(np.role.clone());
            if let Some(h) = head {
                let hit = self.latest(|s| {
                    let same_head = s.np.head.as_deref().is_some_and(|x| synonyms(x, &h))
                        || s.np
                            .role
                            .as_deref()
                            .is_some_and(|r| synonyms(r.rsplit(' ').next().unwrap_or(r), &h))
                        || s.np.name.as_deref().is_some_and(|n| {
                            n.to_lowercase()
                                .rsplit(' ')
                                .next()
                                .is_some_and(|w| synonyms(w, &h))
                        });
                    same_head && compatible(s.np.kind, np.kind)
                });
                if hit.is_some() {
                    return hit;
                }
            }
        }
        None
    }
}

fn compatible(a: SourceKind, b: SourceKind) -> bool {
    use SourceKind::*;
    let person = |k| matches!(k, NamedPerson | AnonymousPerson);
    a == b || (person(a) && person(b)) || matches!((a, b), (NamedOrganization, AnonymousGroup))
}
