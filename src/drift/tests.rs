//! One case of each class, on small texts.

use super::*;

const OLD: &str = "KABUL — Talks between the two delegations broke down on Tuesday, according to diplomatic sources. \
The meeting in Doha lasted four hours and ended without a statement.\n\n\
A ministry spokesperson said the government “remains committed to dialogue” despite the setback.\n\n\
Officials said 12 people were injured in a separate incident near the airport on Monday.\n\n\
Aid groups warned that winter shortages would hit remote provinces hardest this year.";

fn claim(text: &str, quote: &str, label: Option<&str>, cue: Option<&str>) -> DriftClaim {
    DriftClaim {
        id: quote.to_string(),
        anchor: Anchor::locate(text, quote).unwrap(),
        source_label: label.map(str::to_string),
        cue: cue.map(str::to_string),
        quote: None,
    }
}

fn sources() -> Vec<KnownSource> {
    [
        "diplomatic sources",
        "A ministry spokesperson",
        "Officials",
        "a Western diplomat",
    ]
    .iter()
    .map(|l| KnownSource {
        id: l.to_string(),
        label: l.to_string(),
    })
    .collect()
}

fn run(new: &str, c: &DriftClaim) -> ClaimDrift {
    Drift::new(OLD, NewVersion::from_file(new), sources()).classify(c)
}

#[test]
fn an_untouched_passage_is_unchanged_even_after_an_insertion() {
    let new = OLD.replace(
        "Aid groups",
        "A new paragraph about the weather, which was cold and windy all week.\n\nAid groups",
    );
    let c = claim(
        OLD,
        "winter shortages would hit remote provinces hardest",
        None,
        None,
    );
    let d = run(&new, &c);
    assert_eq!(d.class, DriftClass::Unchanged, "{d:?}");
    let a = d.new.unwrap();
    assert_eq!(a.exact, c.anchor.exact);
    a.check(&new).unwrap();
    assert!(!d.text_changed);
}

#[test]
fn a_moved_paragraph_is_moved() {
    let para =
        "Aid groups warned that winter shortages would hit remote provinces hardest this year.";
    let new = format!("{para}\n\n{}", OLD.replace(&format!("\n\n{para}"), ""));
    let c = claim(
        OLD,
        "winter shortages would hit remote provinces hardest",
        None,
        None,
    );
    let d = run(&new, &c);
    assert_eq!(d.class, DriftClass::Moved, "{d:?}");
    d.new.unwrap().check(&new).unwrap();
}

#[test]
fn changed_quote_marks_are_unchanged_with_the_new_characters() {
    let new = OLD.replace(['“', '”'], "\"");
    let c = claim(
        OLD,
        "the government “remains committed to dialogue” despite the setback",
        Some("A ministry spokesperson"),
        Some("said"),
    );
    let d = run(&new, &c);
    assert_eq!(d.class, DriftClass::Unchanged, "{d:?}");
    assert!(d.text_changed);
    assert_eq!(
        d.new.unwrap().exact,
        "the government \"remains committed to dialogue\" despite the setback"
    );
}

#[test]
fn a_corrected_figure_is_edited() {
    let new = OLD.replace("12 people", "14 people");
    let c = claim(
        OLD,
        "12 people were injured in a separate incident near the airport",
        Some("Officials"),
        Some("said"),
    );
    let d = run(&new, &c);
    assert_eq!(d.class, DriftClass::Edited, "{d:?}");
    assert!(d.edit_ratio.unwrap() > 0.0 && d.edit_ratio.unwrap() <= EDITED);
    let a = d.new.unwrap();
    assert_eq!(
        a.exact,
        "14 people were injured in a separate incident near the airport"
    );
    assert!(d
        .diff
        .iter()
        .any(|p| p.tag == crate::history::DiffTag::Added && p.text.contains("14")));
}

#[test]
fn a_deleted_passage_is_dropped_and_not_on_low_confidence() {
    let new = OLD.replace(
        "Officials said 12 people were injured in a separate incident near the airport on Monday.\n\n",
        "",
    );
    let c = claim(
        OLD,
        "12 people were injured in a separate incident near the airport",
        Some("Officials"),
        Some("said"),
    );
    let d = run(&new, &c);
    assert_eq!(d.class, DriftClass::Dropped, "{d:?}");
    assert!(d.new.is_none());
    let low = NewVersion {
        text: &new,
        low_confidence: true,
    };
    let d = Drift::new(OLD, low, sources()).classify(&c);
    assert_eq!(d.class, DriftClass::NeedsReview, "{d:?}");
    assert!(d.reason.contains("low-confidence"), "{}", d.reason);
}

#[test]
fn a_heavy_rewording_needs_review() {
    let new = OLD.replace(
        "Aid groups warned that winter shortages would hit remote provinces hardest this year.",
        "Aid groups warned that shortages this winter would strike the remote provinces hardest.",
    );
    let c = claim(
        OLD,
        "Aid groups warned that winter shortages would hit remote provinces hardest this year.",
        None,
        None,
    );
    let d = run(&new, &c);
    assert_eq!(d.class, DriftClass::NeedsReview, "{d:?}");
    let r = d.edit_ratio.unwrap();
    assert!(r > EDITED && r <= REVIEW, "{r}");
}

#[test]
fn a_passage_now_twice_is_ambiguous() {
    let new =
        format!("{OLD}\n\nThe meeting in Doha lasted four hours and ended without a statement.");
    let c = claim(OLD, "The meeting in Doha lasted four hours", None, None);
    // The context still tells the first occurrence.
    assert_eq!(run(&new, &c).class, DriftClass::Unchanged);
    let new = OLD.replace(
        "The meeting in Doha lasted four hours and ended without a statement.",
        "The meeting in Doha lasted four hours and ended without a statement. Later: The meeting in Doha lasted four hours and ended without a statement.",
    );
    let d = run(&new, &c);
    // Both occurrences sit in text like the old context on one side.
    assert!(
        matches!(d.class, DriftClass::Ambiguous | DriftClass::Unchanged),
        "{d:?}"
    );
    let text = "He said no. She said no. They left.";
    let new = "He said no. She said no. They stayed.";
    let c = DriftClaim {
        id: "x".into(),
        anchor: Anchor::locate_between(text, "said no", Some("He "), None).unwrap(),
        source_label: None,
        cue: None,
        quote: None,
    };
    let d = Drift::new(text, NewVersion::from_file(new), vec![]).classify(&c);
    // A short passage in two places with the same context nearby.
    assert!(
        matches!(d.class, DriftClass::Ambiguous | DriftClass::Unchanged),
        "{d:?}"
    );
    let text = "Wind rose over the hills. The bus left at noon from the square. Rain fell.";
    let new = "Intro text here. The bus left at noon from the square. Intro text here. The bus left at noon from the square. Intro text here.";
    let c = DriftClaim {
        id: "x".into(),
        anchor: Anchor::locate(text, "The bus left at noon from the square.").unwrap(),
        source_label: None,
        cue: None,
        quote: None,
    };
    let d = Drift::new(text, NewVersion::from_file(new), vec![]).classify(&c);
    assert_eq!(d.class, DriftClass::Ambiguous, "{d:?}");
    assert_eq!(d.candidates.len(), 2);
    assert!(d.new.is_none());
}

#[test]
fn a_new_source_by_the_passage_is_reattributed() {
    let new = OLD.replace(
        "according to diplomatic sources",
        "according to a Western diplomat",
    );
    let c = claim(
        OLD,
        "Talks between the two delegations broke down on Tuesday",
        Some("diplomatic sources"),
        Some("according to"),
    );
    let d = run(&new, &c);
    assert_eq!(d.class, DriftClass::Reattributed, "{d:?}");
    let p = d.source.proposed.unwrap();
    assert_eq!(p.id.as_deref(), Some("a Western diplomat"));
    // A source nobody recorded: the words after the cue.
    let new = OLD.replace(
        "according to diplomatic sources",
        "according to a Qatari mediator",
    );
    let d = run(&new, &c);
    assert_eq!(d.class, DriftClass::Reattributed, "{d:?}");
    let p = d.source.proposed.unwrap();
    assert_eq!((p.id, p.label.as_str()), (None, "a Qatari mediator"));
}

#[test]
fn a_short_passage_needs_its_context() {
    let text = "The vote was held. Turnout was low. The results come Friday.";
    let c = DriftClaim {
        id: "x".into(),
        anchor: Anchor::locate(text, "Turnout was low").unwrap(),
        source_label: None,
        cue: None,
        quote: None,
    };
    let new = "Nothing else was said. Turnout was low, ministers admitted after a long day of campaigning.";
    let d = Drift::new(text, NewVersion::from_file(new), vec![]).classify(&c);
    assert_eq!(d.class, DriftClass::NeedsReview, "{d:?}");
    let new = "The vote was held. Turnout was lower. The results come Friday.";
    let d = Drift::new(text, NewVersion::from_file(new), vec![]).classify(&c);
    assert_eq!(
        d.class,
        DriftClass::NeedsReview,
        "a short passage is never edited: {d:?}"
    );
}

#[test]
fn a_deleted_look_alike_does_not_take_an_edited_sentence() {
    let old = "District 3 reported 24 new cases on Monday, the clinic said. \
               Rain fell all day over the hills and the valley. \
               District 27 reported 193 new cases on Monday, the clinic said. \
               The market stayed open despite the weather.";
    // District 3's sentence deleted, district 27's corrected.
    let new = "Rain fell all day over the hills and the valley. \
               District 27 reported 194 new cases on Monday, the clinic said. \
               The market stayed open despite the weather.";
    let claims: Vec<DriftClaim> = [
        "District 3 reported 24 new cases on Monday",
        "District 27 reported 193 new cases on Monday",
        "Rain fell all day over the hills and the valley.",
    ]
    .iter()
    .map(|q| claim(old, q, None, None))
    .collect();
    let d = Drift::new(old, NewVersion::from_file(new), vec![]).classify_all(&claims);
    assert_eq!(d[1].class, DriftClass::Edited, "{:?}", d[1]);
    assert_ne!(d[0].class, DriftClass::Edited, "{:?}", d[0]);
    assert!(
        !d[0].class.applies() || d[0].class == DriftClass::Dropped,
        "{:?}",
        d[0]
    );
    assert_eq!(d[2].class, DriftClass::Unchanged);
}
