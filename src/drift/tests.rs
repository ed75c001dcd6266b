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

/// The ends [`Drift::align_ends`] found before its one-pass form: every
/// end and start scored with a full distance (same span).
fn align_ends_brute(
    d: &Drift,
    q: &[char],
    ctx: (&[char], &[char]),
    s: usize,
    e: usize,
    r: f64,
) -> (usize, usize, f64) {
    let v = d.newv.chars();
    let n = v.len();
    let boundary =
        |i: usize| i == 0 || i >= n || !v[i - 1].is_alphanumeric() || !v[i].is_alphanumeric();
    let span = (q.len() / 2 + 12).min(ALIGN_SPAN);
    let end_cost =
        |s: usize, e: usize| distance(q, &v[s..e]) + distance(ctx.1, &v[e..(e + CONTEXT).min(n)]);
    let (mut ne, mut best) = (e, end_cost(s, e));
    for i in e.saturating_sub(12).max(s + 1)..=(e + span).min(n) {
        if i != e && boundary(i) && v[i - 1] != ' ' {
            let c = end_cost(s, i);
            if c < best {
                (ne, best) = (i, c);
            }
        }
    }
    let start_cost =
        |s: usize| distance(q, &v[s..ne]) + distance(ctx.0, &v[s.saturating_sub(CONTEXT)..s]);
    let (mut ns, mut best) = (s, start_cost(s));
    let (lo, hi) = (s.saturating_sub(span), (s + 12).min(ne - 1));
    for (i, &ch) in v.iter().enumerate().take(hi + 1).skip(lo) {
        if i != s && boundary(i) && ch != ' ' {
            let c = start_cost(i);
            if c < best {
                (ns, best) = (i, c);
            }
        }
    }
    if (ns, ne) == (s, e) {
        return (s, e, r);
    }
    (ns, ne, distance(q, &v[ns..ne]) as f64 / q.len() as f64)
}

/// Where `needle` first occurs in `hay`.
fn find_chars(hay: &[char], needle: &str) -> usize {
    let n: Vec<char> = needle.chars().collect();
    hay.windows(n.len())
        .position(|w| w == n.as_slice())
        .unwrap()
}

#[test]
fn prefix_distances_equal_full_distances() {
    let cases = [
        ("", ""),
        ("abc", ""),
        ("", "abc"),
        ("kitten", "sitting on the mat"),
        (
            "gritted in the afternoon",
            "gritted earlier on Sunday afternoon.",
        ),
        (
            "12 people were injured",
            "14 people were hurt, officials said",
        ),
    ];
    for (q, t) in cases {
        let (q, t): (Vec<char>, Vec<char>) = (q.chars().collect(), t.chars().collect());
        let d = prefix_distances(&q, &t);
        assert_eq!(d.len(), t.len() + 1);
        for (j, &dj) in d.iter().enumerate() {
            assert_eq!(dj, distance(&q, &t[..j]), "{q:?} {t:?} {j}");
        }
    }
}

#[test]
fn one_pass_ends_equal_the_brute_force_ones() {
    let edits = [
        ("12 people were injured", "14 people were injured"),
        (
            "hit remote provinces hardest this year",
            "hit the remote northern provinces hardest this winter",
        ),
        ("broke down on Tuesday", "collapsed late on Tuesday night"),
    ];
    let quotes = [
        "12 people were injured in a separate incident near the airport",
        "winter shortages would hit remote provinces hardest",
        "Talks between the two delegations broke down on Tuesday",
    ];
    let mut moved = 0;
    for ((from, to), quote) in edits.iter().zip(quotes) {
        let new = OLD.replace(from, to);
        let d = Drift::new(OLD, NewVersion::from_file(&new), sources());
        let (ov, nv) = (d.old.chars(), d.newv.chars());
        let a = find_chars(ov, quote);
        let b = a + quote.chars().count();
        let q = &ov[a..b];
        let ctx = d.old_context(a, b);
        let at = nv
            .windows(8)
            .position(|w| w == &q[8..16])
            .expect("the quote's second word is kept")
            - 8;
        for ds in [0, 3, 7] {
            for len in [q.len() - 9, q.len() - 2, q.len(), q.len() + 5] {
                let (s, e) = (at + ds, (at + ds + len).min(nv.len()));
                let got = d.align_ends(q, ctx, s, e, 0.5);
                let want = align_ends_brute(&d, q, ctx, s, e, 0.5);
                assert_eq!(got.0, want.0, "start of {quote:?} from {s}..{e}");
                assert_eq!(got.1, want.1, "end of {quote:?} from {s}..{e}");
                assert!((got.2 - want.2).abs() < 1e-12);
                moved += usize::from((got.0, got.1) != (s, e));
            }
        }
    }
    assert!(moved > 0, "some cases move an end");
}

#[test]
fn a_passage_of_the_maximum_length_edited_near_its_end_is_edited() {
    // ≈4000 chars of varied words (no repeated sentence), edited in two
    // places: the end alignment once took O(|q|³) on such a passage.
    let words = [
        "council",
        "members",
        "voted",
        "against",
        "the",
        "plan",
        "after",
        "hours",
        "of",
        "debate",
        "residents",
        "protested",
        "outside",
        "town",
        "hall",
        "while",
        "police",
        "watched",
        "from",
        "nearby",
        "streets",
        "budget",
        "school",
        "roads",
        "water",
        "prices",
        "rose",
        "sharply",
    ];
    let mut x: u64 = 7;
    let mut passage = String::new();
    while passage.chars().count() < 3990 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        passage.push_str(words[(x >> 33) as usize % words.len()]);
        passage.push(if (x >> 20).is_multiple_of(9) {
            '.'
        } else {
            ' '
        });
        if passage.ends_with('.') {
            passage.push(' ');
        }
    }
    let passage = passage.trim_end().trim_end_matches('.').to_string();
    assert!(passage.chars().count() <= 4000);
    let old = format!("Officials said {passage}. Aid groups warned of shortages.");
    let cut = passage.len() - 60;
    let edited = format!(
        "{}{}",
        &passage[..cut].replacen(" the ", " a ", 1),
        passage[cut..].replacen(' ', " and then ", 1)
    );
    let new = format!("Officials said {edited}. Aid groups warned of shortages.");
    let c = claim(&old, &passage, Some("Officials"), Some("said"));
    let d = Drift::new(&old, NewVersion::from_file(&new), sources()).classify(&c);
    assert_eq!(d.class, DriftClass::Edited, "{:?}", d.class);
    let a = d.new.unwrap();
    assert_eq!(a.exact, edited);
    a.check(&new).unwrap();
}
