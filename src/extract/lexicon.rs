//! The lexicons of the extractor: data files under `data/lexicons/`,
//! embedded at build time and parsed once. Each line of a lexicon carries
//! an example sentence; a test runs the extractor over every example and
//! checks that the line's entry is what fired ([`Lexicon`] names the file
//! in a proposal's evidence).

use crate::statement::Hedge;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Which lexicon an entry comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lexicon {
    /// `cues.tsv`: reporting verbs and multi-word cues.
    Cues,
    /// `hedges.tsv`: hedging adverbs, passives and adjectives.
    Hedges,
    /// `anonymity.tsv`: nouns of unnamed people and anonymity phrases.
    Anonymity,
    /// `documents.tsv`: document heads.
    Documents,
    /// `media.tsv`: outlets and media nouns.
    Media,
    /// `titles.tsv`: roles and honorifics.
    Titles,
    /// `orgs.tsv`: organisation words and names.
    Orgs,
}

impl Lexicon {
    /// Every lexicon.
    pub const ALL: &'static [Lexicon] = &[
        Lexicon::Cues,
        Lexicon::Hedges,
        Lexicon::Anonymity,
        Lexicon::Documents,
        Lexicon::Media,
        Lexicon::Titles,
        Lexicon::Orgs,
    ];

    /// The file's name under `data/lexicons/`.
    pub fn file(self) -> &'static str {
        match self {
            Lexicon::Cues => "cues.tsv",
            Lexicon::Hedges => "hedges.tsv",
            Lexicon::Anonymity => "anonymity.tsv",
            Lexicon::Documents => "documents.tsv",
            Lexicon::Media => "media.tsv",
            Lexicon::Titles => "titles.tsv",
            Lexicon::Orgs => "orgs.tsv",
        }
    }

    /// The file's text, as embedded.
    pub fn text(self) -> &'static str {
        match self {
            Lexicon::Cues => include_str!("../../data/lexicons/cues.tsv"),
            Lexicon::Hedges => include_str!("../../data/lexicons/hedges.tsv"),
            Lexicon::Anonymity => include_str!("../../data/lexicons/anonymity.tsv"),
            Lexicon::Documents => include_str!("../../data/lexicons/documents.tsv"),
            Lexicon::Media => include_str!("../../data/lexicons/media.tsv"),
            Lexicon::Titles => include_str!("../../data/lexicons/titles.tsv"),
            Lexicon::Orgs => include_str!("../../data/lexicons/orgs.tsv"),
        }
    }

    /// Every entry of the file with its example: (entry, example), in
    /// file order. The entry is the line's first field.
    pub fn examples(self) -> Vec<(&'static str, &'static str)> {
        rows(self.text())
            .map(|f| (f[0], *f.last().expect("a row has fields")))
            .collect()
    }
}

/// The rows of a lexicon: its non-comment, non-empty lines split at tabs.
fn rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
}

/// How a cue takes its source and content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CueClass {
    /// A reporting verb: source before it (or after it, inverted).
    Verb,
    /// "according to NP".
    According,
    /// "as reported by NP": NP relays the claim.
    Relay,
    /// "NP quoted X as saying".
    Quoted,
    /// ", citing NP" / ", quoting NP" after a media report.
    Cite,
}

/// One cue lemma.
#[derive(Clone, Debug)]
pub struct Cue {
    /// The lemma (the entry's name).
    pub lemma: &'static str,
    /// How it takes its source.
    pub class: CueClass,
    /// A form is also a noun: guarded.
    pub noun: bool,
    /// Cues only before "that", a colon or a quotation.
    pub needs_that: bool,
    /// Takes the hearer as object ("told AFP").
    pub object: bool,
    /// Cues only with "as" later in its clause.
    pub needs_as: bool,
    /// The hedge the cue itself gives.
    pub hedge: Hedge,
}

/// How a hedge is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HedgeClass {
    /// An adverb ("reportedly").
    Adverb,
    /// A passive ("is believed to"): also a cue.
    Passive,
    /// An adjective ("alleged").
    Adjective,
}

/// One hedge entry.
#[derive(Clone, Debug)]
pub struct HedgeEntry {
    /// The words, lower case.
    pub words: &'static str,
    /// The hedge.
    pub hedge: Hedge,
    /// How it is written.
    pub class: HedgeClass,
}

/// All lexicons, parsed.
#[derive(Debug)]
pub struct Lexicons {
    /// Cue lemmas.
    pub cues: Vec<Cue>,
    /// Cue forms, as lower-case word sequences, to (lemma index), longest
    /// first for each first word.
    pub cue_forms: HashMap<&'static str, Vec<(Vec<&'static str>, usize)>>,
    /// Hedges by first word, longest first.
    pub hedges: HashMap<&'static str, Vec<(Vec<&'static str>, usize)>>,
    /// Hedge entries.
    pub hedge_entries: Vec<HedgeEntry>,
    /// Anonymous heads: word to plural?
    pub anon_heads: HashMap<&'static str, bool>,
    /// Anonymity markers as word sequences.
    pub anon_markers: Vec<(&'static str, Vec<&'static str>)>,
    /// Document heads as word sequences (lower case).
    pub documents: Vec<(&'static str, Vec<&'static str>)>,
    /// Outlet names as word sequences (as printed).
    pub outlets: Vec<(&'static str, Vec<&'static str>)>,
    /// Generic media nouns as word sequences (lower case).
    pub media_nouns: Vec<(&'static str, Vec<&'static str>)>,
    /// Last words of outlets' names ("Times", "Gazette").
    pub outlet_suffixes: Vec<&'static str>,
    /// Roles as lower-case word sequences.
    pub roles: Vec<(&'static str, Vec<&'static str>)>,
    /// Honorifics ("Mr.") with the gender they imply.
    pub honorifics: HashMap<&'static str, Option<Gender>>,
    /// Organisation words (lower case).
    pub org_words: Vec<&'static str>,
    /// Organisation names as word sequences (as printed).
    pub org_names: Vec<(&'static str, Vec<&'static str>)>,
}

/// A person's grammatical gender, as honorifics and pronouns show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gender {
    /// "he", "Mr."
    Male,
    /// "she", "Ms."
    Female,
}

fn words(s: &'static str) -> Vec<&'static str> {
    s.split(' ').filter(|w| !w.is_empty()).collect()
}

fn hedge_named(name: &str) -> Hedge {
    name.parse()
        .unwrap_or_else(|e| panic!("lexicon hedge {name}: {e}"))
}

impl Lexicons {
    /// The lexicons, parsed once.
    pub fn get() -> &'static Lexicons {
        static L: OnceLock<Lexicons> = OnceLock::new();
        L.get_or_init(Lexicons::parse)
    }

    fn parse() -> Lexicons {
        let mut cues = Vec::new();
        let mut cue_forms: HashMap<&'static str, Vec<(Vec<&'static str>, usize)>> = HashMap::new();
        for f in rows(Lexicon::Cues.text()) {
            assert_eq!(f.len(), 4, "cues.tsv: 4 fields in {f:?}");
            let flags: Vec<&str> = f[2].split(',').collect();
            let class = if flags.contains(&"according") {
                CueClass::According
            } else if flags.contains(&"relay") {
                CueClass::Relay
            } else if flags.contains(&"quoted") {
                CueClass::Quoted
            } else if flags.contains(&"cite") {
                CueClass::Cite
            } else {
                CueClass::Verb
            };
            let hedge = flags
                .iter()
                .find_map(|x| x.strip_prefix("hedge="))
                .map_or(Hedge::None, hedge_named);
            let i = cues.len();
            cues.push(Cue {
                lemma: f[0],
                class,
                noun: flags.contains(&"noun"),
                needs_that: flags.contains(&"that"),
                object: flags.contains(&"object"),
                needs_as: flags.contains(&"as"),
                hedge,
            });
            for form in f[1].split('|') {
                let w = words(form);
                cue_forms.entry(w[0]).or_default().push((w, i));
            }
        }
        for v in cue_forms.values_mut() {
            v.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
        let mut hedges: HashMap<&'static str, Vec<(Vec<&'static str>, usize)>> = HashMap::new();
        let mut hedge_entries = Vec::new();
        for f in rows(Lexicon::Hedges.text()) {
            assert_eq!(f.len(), 4, "hedges.tsv: 4 fields in {f:?}");
            let class = match f[2] {
                "adverb" => HedgeClass::Adverb,
                "passive" => HedgeClass::Passive,
                "adjective" => HedgeClass::Adjective,
                other => panic!("hedges.tsv: unknown class {other}"),
            };
            let w = words(f[0]);
            hedges
                .entry(w[0])
                .or_default()
                .push((w, hedge_entries.len()));
            hedge_entries.push(HedgeEntry {
                words: f[0],
                hedge: hedge_named(f[1]),
                class,
            });
        }
        for v in hedges.values_mut() {
            v.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
        let mut anon_heads = HashMap::new();
        let mut anon_markers = Vec::new();
        for f in rows(Lexicon::Anonymity.text()) {
            assert_eq!(f.len(), 4, "anonymity.tsv: 4 fields in {f:?}");
            match f[2] {
                "head" => {
                    anon_heads.insert(f[0], f[1] == "pl");
                }
                "marker" => anon_markers.push((f[0], words(f[0]))),
                other => panic!("anonymity.tsv: unknown class {other}"),
            }
        }
        let mut documents: Vec<(&str, Vec<&str>)> = rows(Lexicon::Documents.text())
            .map(|f| (f[0], words(f[0])))
            .collect();
        documents.sort_by_key(|(_, w)| std::cmp::Reverse(w.len()));
        let mut outlets = Vec::new();
        let mut media_nouns = Vec::new();
        let mut outlet_suffixes = Vec::new();
        for f in rows(Lexicon::Media.text()) {
            assert_eq!(f.len(), 3, "media.tsv: 3 fields in {f:?}");
            match f[1] {
                "outlet" => outlets.push((f[0], words(f[0]))),
                "generic" => media_nouns.push((f[0], words(f[0]))),
                "suffix" => outlet_suffixes.push(f[0]),
                other => panic!("media.tsv: unknown class {other}"),
            }
        }
        media_nouns.sort_by_key(|(_, w): &(&str, Vec<&str>)| std::cmp::Reverse(w.len()));
        let mut roles = Vec::new();
        let mut honorifics = HashMap::new();
        for f in rows(Lexicon::Titles.text()) {
            assert_eq!(f.len(), 4, "titles.tsv: 4 fields in {f:?}");
            match f[1] {
                "role" => roles.push((f[0], words(f[0]))),
                "honorific" => {
                    let g = match f[2] {
                        "male" => Some(Gender::Male),
                        "female" => Some(Gender::Female),
                        _ => None,
                    };
                    honorifics.insert(f[0], g);
                }
                other => panic!("titles.tsv: unknown class {other}"),
            }
        }
        roles.sort_by_key(|(_, w)| std::cmp::Reverse(w.len()));
        let mut org_words = Vec::new();
        let mut org_names = Vec::new();
        for f in rows(Lexicon::Orgs.text()) {
            assert_eq!(f.len(), 3, "orgs.tsv: 3 fields in {f:?}");
            match f[1] {
                "word" => org_words.push(f[0]),
                "name" => org_names.push((f[0], words(f[0]))),
                other => panic!("orgs.tsv: unknown class {other}"),
            }
        }
        Lexicons {
            cues,
            cue_forms,
            hedges,
            hedge_entries,
            anon_heads,
            anon_markers,
            documents,
            outlets,
            media_nouns,
            outlet_suffixes,
            roles,
            honorifics,
            org_words,
            org_names,
        }
    }
}
