//! `provledger extract`: every lexicon entry fires on its example, each
//! pattern, coreference, floating and multi-paragraph quotations, the
//! guards against nouns, hedges, bad input (messages asserted, nothing
//! written), and the round trip extract → claim import → claims.

use crate::common::{assert_schema, Env};
use provledger::extract::lexicon::Lexicon;
use provledger::extract::{extract, Extraction, Options, Proposal, Rule};
use provledger::statement::{Hedge, Mode, SourceKind};

fn run(text: &str) -> Extraction {
    extract(text, &Options::default())
}

fn all(text: &str) -> Extraction {
    extract(
        text,
        &Options {
            include_unattributed: true,
            min_confidence: 0.0,
        },
    )
}

/// The one proposal whose content is `content`.
#[track_caller]
fn find<'a>(x: &'a Extraction, content: &str) -> &'a Proposal {
    let hits: Vec<&Proposal> = x
        .proposals
        .iter()
        .filter(|p| p.content.text == content)
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "want one proposal with content {content:?}, got {:#?}",
        x.proposals
    );
    hits[0]
}

#[track_caller]
fn label(x: &Extraction, p: &Proposal) -> String {
    x.sources[p.source.expect("a source")].label.clone()
}

#[track_caller]
fn cue(p: &Proposal) -> &str {
    p.cue.as_ref().map(|c| c.text.as_str()).expect("a cue")
}

#[test]
fn every_lexicon_entry_fires_on_its_example() {
    let mut failures = Vec::new();
    let mut n = 0;
    for &lex in Lexicon::ALL {
        for (entry, example) in lex.examples() {
            n += 1;
            let x = all(example);
            let fired = x
                .proposals
                .iter()
                .any(|p| p.evidence.contains(&(lex, entry)));
            if !fired {
                failures.push(format!(
                    "{}: entry {entry:?} did not fire on {example:?}; proposals: {:?}",
                    lex.file(),
                    x.proposals
                        .iter()
                        .map(|p| (p.rule, &p.content.text, &p.evidence))
                        .collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(n > 250, "only {n} lexicon entries");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn quote_then_cue_and_inverted_cue() {
    let x = run("“We will not leave the talks,” he said. “The door stays open,” said Ahmed Khan, a spokesman for the ministry.");
    let p = find(&x, "The door stays open");
    assert_eq!(p.rule, Rule::QuoteThenInvertedCue);
    assert_eq!(p.mode, Mode::DirectQuote);
    assert_eq!(cue(p), "said");
    let s = &x.sources[p.source.unwrap()];
    // The mention is the name; the description after it gives role and affiliation.
    assert_eq!(s.label, "Ahmed Khan");
    assert_eq!(s.kind, SourceKind::NamedPerson);
    assert_eq!(s.name.as_deref(), Some("Ahmed Khan"));
    assert_eq!(s.role.as_deref(), Some("spokesman"));
    assert_eq!(s.affiliation.as_deref(), Some("the ministry"));
    // "he" has no one to refer to yet: no proposal for the first quote.
    assert!(x
        .proposals
        .iter()
        .all(|p| p.content.text != "We will not leave the talks"));

    let x = run("Mayor Nina Petrova spoke first. “We will rebuild,” she said.");
    let p = find(&x, "We will rebuild");
    assert_eq!(p.rule, Rule::QuoteThenCue);
    assert_eq!(label(&x, p), "Mayor Nina Petrova");
    assert_eq!(p.source_mention.as_ref().unwrap().text, "she");
}

#[test]
fn subject_cue_that_clause_colon_and_adverbials() {
    let x = run("The interior ministry said on Tuesday that the border would reopen. Police Chief Ali Reza told AFP: “Nobody was hurt.” The company said in a statement that profits had doubled.");
    let p = find(&x, "the border would reopen");
    assert_eq!(p.rule, Rule::SubjectCue);
    assert_eq!(label(&x, p), "The interior ministry");
    assert_eq!(
        x.sources[p.source.unwrap()].kind,
        SourceKind::NamedOrganization
    );
    let p = find(&x, "Nobody was hurt.");
    assert_eq!(cue(p), "told AFP");
    assert_eq!(p.mode, Mode::DirectQuote);
    assert_eq!(
        x.sources[p.source.unwrap()].role.as_deref(),
        Some("police chief")
    );
    let p = find(&x, "profits had doubled");
    assert_eq!(cue(p), "said in a statement");
}

#[test]
fn clause_then_cue_according_to_and_relayed_by() {
    let x = run("The talks collapsed on Friday, diplomats said. The dam burst overnight, said Maria Lopez, a local official. According to diplomatic sources, the delegation left early. The army retook the town, according to a military statement.");
    let p = find(&x, "The talks collapsed on Friday");
    assert_eq!(p.rule, Rule::ClauseThenCue);
    assert_eq!(
        x.sources[p.source.unwrap()].kind,
        SourceKind::AnonymousGroup
    );
    let p = find(&x, "The dam burst overnight");
    assert_eq!(label(&x, p), "Maria Lopez");
    let p = find(&x, "the delegation left early");
    assert_eq!(p.rule, Rule::AccordingTo);
    assert_eq!(cue(p), "According to");
    assert_eq!(label(&x, p), "diplomatic sources");
    let p = find(&x, "The army retook the town");
    assert_eq!(x.sources[p.source.unwrap()].kind, SourceKind::Document);

    let x = run("As reported by The Sunday Guardian last week, a phone call is believed to have derailed the deal.");
    let p = find(&x, "a phone call is believed to have derailed the deal");
    assert_eq!(p.rule, Rule::RelayedBy);
    assert_eq!(p.kind, Some(SourceKind::MediaReport));
    assert_eq!(p.hedge, Hedge::Believed);
    assert_eq!(cue(p), "As reported by");
    // The outlet is the only source printed: it is the source, not a relay.
    assert_eq!(p.relayed_by, None);
    let r = &x.sources[p.source.unwrap()];
    assert_eq!(r.name.as_deref(), Some("The Sunday Guardian"));
    assert_eq!(r.label, "The Sunday Guardian last week");

    // A report that cites a source relays it.
    let x = run("Two soldiers died in the ambush, the state news agency KNA reported, quoting a regional commander.");
    let p = find(&x, "Two soldiers died in the ambush");
    assert_eq!(label(&x, p), "a regional commander");
    assert_eq!(cue(p), "quoting");
    let r = &x.sources[p.relayed_by.unwrap()];
    assert_eq!(r.kind, SourceKind::MediaReport);
    assert_eq!(
        p.relayed_mention.as_ref().unwrap().text,
        "the state news agency KNA"
    );
}

#[test]
fn quoted_as_saying_relays() {
    let x = run("Reuters quoted the minister as saying that the mine would close.");
    let p = find(&x, "the mine would close");
    assert_eq!(p.rule, Rule::QuotedAsSaying);
    assert_eq!(cue(p), "quoted the minister as saying");
    assert_eq!(label(&x, p), "the minister");
    assert_eq!(
        x.sources[p.relayed_by.unwrap()].kind,
        SourceKind::MediaReport
    );
}

#[test]
fn participle_and_coordinated_cues_share_the_source() {
    let x = run("One Kabul-based source called the stance “paradoxical,” pointing out that the demand was new. Spokesperson Zabihullah Mujahid reiterated that the soil would not be used and reaffirmed the resolve to defend it.");
    let p = find(&x, "the demand was new");
    assert_eq!(p.rule, Rule::Participle);
    assert_eq!(label(&x, p), "One Kabul-based source");
    let s = &x.sources[p.source.unwrap()];
    assert_eq!(s.kind, SourceKind::AnonymousPerson);
    assert_eq!(s.place.as_deref(), Some("Kabul"));
    assert!(!s.on_record);
    let first = find(&x, "the soil would not be used");
    let second = find(&x, "the resolve to defend it");
    assert_eq!(second.rule, Rule::Coordinated);
    assert_eq!(first.source, second.source);
}

#[test]
fn coreference_makes_one_source_of_name_surname_pronoun_and_role() {
    let text = "Taliban spokesperson Zabihullah Mujahid said the talks had failed. Mujahid said the delegation would return home. He said Kabul would not bow to pressure. The spokesperson added that the ceasefire held.";
    let x = run(text);
    assert_eq!(x.proposals.len(), 4, "{:#?}", x.proposals);
    let s0 = x.proposals[0].source;
    assert!(x.proposals.iter().all(|p| p.source == s0));
    let s = &x.sources[s0.unwrap()];
    assert_eq!(s.label, "Taliban spokesperson Zabihullah Mujahid");
    assert_eq!(s.name.as_deref(), Some("Zabihullah Mujahid"));
    assert_eq!(s.affiliation.as_deref(), Some("Taliban"));
    let mentions: Vec<&str> = s.mentions.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        mentions,
        [
            "Taliban spokesperson Zabihullah Mujahid",
            "Mujahid",
            "He",
            "The spokesperson"
        ]
    );
    // Offsets are chars into the text.
    for m in &s.mentions {
        let got: String = text.chars().skip(m.start).take(m.end - m.start).collect();
        assert_eq!(got, m.text);
    }
}

#[test]
fn pronouns_resolve_to_the_nearest_compatible_source() {
    let x = run("Ms. Ana Silva said the vote was fair. Mr. Tom Reyes said it was rigged. She said the count would be public. Officials said they would appeal. They said the court would decide.");
    let p = find(&x, "the count would be public");
    assert_eq!(label(&x, p), "Ms. Ana Silva");
    let p = find(&x, "the court would decide");
    assert_eq!(label(&x, p), "Officials");
}

#[test]
fn floating_quotes_inherit_the_last_speaker() {
    let x = run("“We are ready to talk,” Foreign Minister Ana Silva said.\n\n“But we will not be bullied by anyone.”\n\nThe meeting ended at noon.");
    let p = find(&x, "But we will not be bullied by anyone.");
    assert_eq!(p.rule, Rule::FloatingQuote);
    assert_eq!(label(&x, p), "Foreign Minister Ana Silva");
    assert!(p.cue.is_none());
    assert_eq!(p.cue_words.as_deref(), Some("said"));
}

#[test]
fn a_multi_paragraph_quote_is_one_span() {
    let text = "Defence lawyer Mark Stone said: “My client was at home that night.\n\n“He never met the victim, and the police know it.”\n\nThe trial resumes on Monday.";
    let x = run(text);
    let p = find(
        &x,
        "My client was at home that night.\n\n“He never met the victim, and the police know it.",
    );
    assert_eq!(p.mode, Mode::DirectQuote);
    assert_eq!(label(&x, p), "Defence lawyer Mark Stone");
    assert_eq!(x.proposals.len(), 1, "{:#?}", x.proposals);
}

#[test]
fn nouns_that_look_like_cues_are_not_cues() {
    for text in [
        "The United States imposed new sanctions on Monday.",
        "The claims were rejected by the court.",
        "His claims of abuse went unanswered.",
        "The press release was published in May.",
        "The alleged plot was never proven.",
        "Reports of shelling could not be verified.",
    ] {
        let x = run(text);
        assert!(x.proposals.is_empty(), "{text}: {:#?}", x.proposals);
    }
    // The verb form after a subject is a cue.
    let x = run("The group claims that it shot down a drone.");
    let p = find(&x, "it shot down a drone");
    assert_eq!(p.hedge, Hedge::Claimed);
}

#[test]
fn hedges_map_to_the_vocabulary() {
    let x = run("The lawsuit alleged that the company had hidden the defect. The gunman apparently acted alone, police said. Officials said the ship was believed to be carrying arms.");
    assert_eq!(
        find(&x, "the company had hidden the defect").hedge,
        Hedge::Alleged
    );
    assert_eq!(
        find(&x, "The gunman apparently acted alone").hedge,
        Hedge::Apparently
    );
    assert_eq!(
        find(&x, "the ship was believed to be carrying arms").hedge,
        Hedge::Believed
    );
}

#[test]
fn the_outlets_own_assertions_only_when_asked() {
    let text = "The bridge closed on Monday. The minister said it would reopen soon. The rebels are believed to number about 300.";
    let x = run(text);
    assert_eq!(x.proposals.len(), 1);
    let x = all(text);
    let own = find(&x, "The bridge closed on Monday");
    assert_eq!(own.kind, None);
    assert_eq!(own.rule, Rule::Unattributed);
    let hedged = find(&x, "The rebels are believed to number about 300");
    assert_eq!(hedged.rule, Rule::PassiveHedge);
    assert_eq!(cue(hedged), "are believed to");
    assert_eq!(hedged.hedge, Hedge::Believed);
}

#[test]
fn min_confidence_filters() {
    let text =
        "“We are ready,” Foreign Minister Ana Silva said.\n\n“We will not be bullied by anyone.”";
    let x = extract(
        text,
        &Options {
            include_unattributed: false,
            min_confidence: 0.9,
        },
    );
    assert_eq!(x.proposals.len(), 1);
    assert!(x.proposals.iter().all(|p| p.confidence >= 0.9));
}

#[test]
fn sentences_survive_abbreviations() {
    let x = run("Mr. Smith of the U.S. Department of State said on Jan. 3 that the talks in Washington, D.C. had failed.");
    let p = find(&x, "the talks in Washington, D.C. had failed");
    // The mention keeps its restrictive modifier; it gives the affiliation.
    assert_eq!(label(&x, p), "Mr. Smith of the U.S. Department of State");
    let s = &x.sources[p.source.unwrap()];
    assert_eq!(s.name.as_deref(), Some("Smith"));
    assert_eq!(
        s.affiliation.as_deref(),
        Some("the U.S. Department of State")
    );
}

// --- the command line -----------------------------------------------------

const ARTICLE: &str = "Talks on the border collapse\n\nThe talks on the border collapsed on Friday, diplomats said.\n\n“We will not sign a deal that leaves our villages exposed,” Foreign Minister Ana Silva told reporters in the capital.\n\n“The door stays open, but not for ever.”\n\nAccording to a joint statement, the mediators will meet again in March.\n\nSilva said the army had been told to hold its positions.\n";

#[test]
fn text_view_marks_the_spans_and_lists_the_proposals() {
    let env = Env::new();
    std::fs::write(env.path("a.txt"), ARTICLE).unwrap();
    let out = env.ok(&["extract", "a.txt"]);
    assert!(
        out.contains("[c1 The talks on the border collapsed on Friday], <S1 diplomats> {said}."),
        "{out}"
    );
    assert!(out.contains("{According to} <S"), "{out}");
    assert!(out.contains("PROPOSALS"), "{out}");
    assert!(out.contains("floating_quote"), "{out}");
    assert!(out.contains("Foreign Minister Ana Silva"), "{out}");
}

#[test]
fn extract_json_imports_as_claims() {
    let env = Env::with_clock(1_762_600_000);
    env.ok(&["init", "--origin", "test.example/ledger"]);
    let keys = env.path("keys").display().to_string();
    env.ok(&["key", "generate", "eda", "--out", &keys]);
    env.ok(&[
        "key",
        "grant",
        &format!("{keys}/eda.pub"),
        "--role",
        "editor",
        "--display-name",
        "Eda Editor",
    ]);
    std::fs::write(env.path("a.txt"), ARTICLE).unwrap();
    let receipt = env.json(&[
        "article",
        "add",
        "a.txt",
        "--url",
        "https://news.example/border",
        "--publisher",
        "News Example",
        "--title",
        "Talks on the border collapse",
        "--published",
        "2025-11-08T06:00:00Z",
        "--key",
        &env.key("eda"),
    ]);
    let article = receipt[0]["id"].as_str().unwrap().to_string();

    // From the ledger (ARTICLE) and from the file: the same proposals.
    let from_ledger = env.json(&["extract", &article[..12]]);
    let from_file = env.json(&["extract", "a.txt"]);
    assert_eq!(from_ledger, from_file);
    assert_schema("claim-import.schema.json", &from_ledger);
    let claims = from_ledger["claims"].as_array().unwrap();
    assert!(claims.len() >= 5, "{from_ledger:#}");
    assert!(claims
        .iter()
        .all(|c| c["proposal"]["confidence"].is_number()));

    let out = env.run(&["extract", &article, "--json"]).ok();
    std::fs::write(env.path("c.json"), out.stdout).unwrap();
    env.ok(&[
        "claim",
        "import",
        "c.json",
        "--article",
        &article,
        "--key",
        &env.key("eda"),
    ]);
    let listed = env.json(&["claims", "--article", &article]);
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), claims.len());
    let text = serde_json::to_string(listed).unwrap();
    assert!(text.contains("Foreign Minister Ana Silva"), "{text}");
    assert!(text.contains("diplomats"), "{text}");
    env.assert_audit_clean();
}

#[test]
fn bad_input_is_refused_with_its_reason() {
    let env = Env::with_ledger();
    std::fs::write(env.path("bin.dat"), b"PK\x03\x04\x00\x00binary").unwrap();
    env.refused(
        &["extract", "bin.dat"],
        1,
        "holds a NUL byte at offset 4: it looks like a binary file",
    );
    std::fs::write(env.path("latin1.txt"), b"caf\xe9 said").unwrap();
    env.refused(
        &["extract", "latin1.txt"],
        1,
        "is not UTF-8 text (invalid byte at offset 3)",
    );
    std::fs::write(env.path("empty.txt"), b"").unwrap();
    env.refused(
        &["extract", "empty.txt"],
        1,
        "empty.txt is empty: there is no text to extract claims from",
    );
    std::fs::write(env.path("blank.txt"), b"  \n\n ").unwrap();
    env.refused(&["extract", "blank.txt"], 1, "is empty");
    let huge = "The minister said the talks failed. ".repeat(120_000);
    assert!(huge.len() as u64 > provledger::extract::MAX_EXTRACT_BYTES);
    std::fs::write(env.path("huge.txt"), huge).unwrap();
    env.refused(
        &["extract", "huge.txt"],
        1,
        "is larger than 4194304 bytes, the most it may hold",
    );
    std::fs::create_dir(env.path("dir")).unwrap();
    env.refused(&["extract", "dir"], 1, "is a directory, not a regular file");
    env.refused(
        &["extract", "deadbeef00"],
        4,
        "deadbeef00 is neither a file nor an article in the ledger",
    );
    env.refused(
        &["extract", "nothing.txt", "--json"],
        4,
        "nothing.txt is neither a file nor an article in the ledger",
    );
    std::fs::write(env.path("plain.txt"), "The bridge closed on Monday.\n").unwrap();
    env.refused(
        &["extract", "plain.txt", "--json"],
        4,
        "no claims to propose in plain.txt",
    );
    env.refused(
        &["extract", "plain.txt", "--min-confidence", "2"],
        2,
        "2 is outside 0 to 1",
    );
}

#[test]
fn descriptions_relatives_and_datelines() {
    let x = run("WASHINGTON (Reuters) - Growth slowed in the third quarter, the Commerce Department said on Thursday.\n\nThe town's mayor, Lena Mirov, told reporters that residents were sheltering in basements.\n\nDana Whitfield, an analyst at Harlow Research, said the price was too high.\n\nThe cost is estimated at 9 billion euros by analysts at Aldgate Energy, who said in a note that the timetable was ambitious.\n\nA senior official, who asked not to be named, said the cabinet was split.");
    let p = find(&x, "Growth slowed in the third quarter");
    assert_eq!(label(&x, p), "the Commerce Department");
    let p = find(&x, "residents were sheltering in basements");
    assert_eq!(label(&x, p), "The town's mayor, Lena Mirov");
    assert_eq!(
        x.sources[p.source.unwrap()].name.as_deref(),
        Some("Lena Mirov")
    );
    let p = find(&x, "the price was too high");
    assert_eq!(label(&x, p), "Dana Whitfield");
    assert_eq!(
        x.sources[p.source.unwrap()].role.as_deref(),
        Some("analyst")
    );
    let p = find(&x, "the timetable was ambitious");
    assert_eq!(label(&x, p), "analysts at Aldgate Energy");
    assert_eq!(cue(p), "said in a note");
    let p = find(&x, "the cabinet was split");
    assert_eq!(
        x.sources[p.source.unwrap()].kind,
        SourceKind::AnonymousPerson
    );
    assert!(p
        .evidence
        .contains(&(Lexicon::Anonymity, "asked not to be named")));
}

#[test]
fn transcript_turns_titles_and_two_statements() {
    let text = "Budget briefing: the minister answers\n\nFinance Minister Erik Halvorsen briefed reporters on Monday.\n\nQUESTION: The opposition says the package is too small. Is it?\n\nHALVORSEN: It is the largest package outside wartime. Nobody has to fill in a form.\n\nQUESTION: Will taxes rise?\n\nHALVORSEN: No. Not this year, and not next year.\n\nHe said that the payments would start in January and that no form was needed.\n";
    let x = run(text);
    // The title (no final punctuation) proposes nothing; the question's
    // "says" is an attribution; each answer is one, by the minister.
    let p = find(&x, "the package is too small");
    assert_eq!(label(&x, p), "The opposition");
    let a1 = find(
        &x,
        "It is the largest package outside wartime. Nobody has to fill in a form.",
    );
    let a2 = find(&x, "No. Not this year, and not next year.");
    assert_eq!(a1.rule, Rule::TranscriptTurn);
    assert_eq!(a1.source, a2.source);
    let s = &x.sources[a1.source.unwrap()];
    assert_eq!(s.label, "Finance Minister Erik Halvorsen");
    assert_eq!(s.kind, SourceKind::NamedPerson);
    assert_eq!(a1.source_mention.as_ref().unwrap().text, "HALVORSEN");
    // "said that A and that B": two statements of one source.
    let first = find(&x, "the payments would start in January");
    let second = find(&x, "no form was needed");
    assert_eq!(first.source, a1.source);
    assert_eq!(second.source, a1.source);
    assert_eq!(second.rule, Rule::Coordinated);
    // A dateline alone ("NEW DELHI:") is no speaker's label.
    let x = run(
        "Talks fail\n\nNEW DELHI: The talks failed, officials said.\n\nThe delegations left.\n",
    );
    let p = find(&x, "The talks failed");
    assert_eq!(label(&x, p), "officials");
    assert!(x.proposals.iter().all(|p| p.rule != Rule::TranscriptTurn));
}
