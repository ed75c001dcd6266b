//! Issue 12 §3: no input can make the ledger misbehave.
//!
//! - `claim import`: a bounded file size, parsed without holding the file
//!   as a string; duplicate keys, a byte order mark, a lone surrogate and an
//!   over-long field are refused naming the JSON pointer, and nothing is
//!   written.
//! - Anchors start and end on grapheme cluster boundaries (a rule, so audit
//!   applies it too).
//! - Directional formatting, hidden and invisible-only text is refused in
//!   propositions, labels, names, titles, display names and key names (also
//!   rules).
//! - Times: `SOURCE_DATE_EPOCH` past 9999-12-31 is refused; statement and
//!   log times more than 5 minutes ahead of the clock are refused at append
//!   and reported by audit.
//! - Malformed ids are usage errors (exit 2) in every command that takes one.

use crate::{state_harness, support};

use provledger::digest::Digest;
use provledger::keys::{KeyError, SecretKey};
use provledger::ledger::{Ledger, LedgerError};
use provledger::state::limits::{MAX_AHEAD_OF_CLOCK, MAX_TIME};
use provledger::statement::*;
use state_harness::*;
use support::{Env, Ran, Seeded};

// ---------------------------------------------------------------------------
// Invisible and control characters (rules: append and audit refuse them).

#[test]
fn bidi_controls_are_refused_in_every_displayed_field() {
    let mut w = World::new(1);
    let ed = w.editor.clone();
    let op = w.operator.clone();

    let mut s = source(
        SourceKind::AnonymousGroup,
        "diplomatic\u{202E}secruos",
        None,
    );
    let e = w.refused(&ed, Body::SourceRecord(s.clone()));
    assert_eq!(
        e,
        "source.record refused: label contains U+202E RIGHT-TO-LEFT OVERRIDE at char 10; directional formatting and hidden characters are not allowed (what is shown must be what is signed)"
    );
    s.label = "diplomatic sources".into();
    s.place = Some("\u{2066}Kabul\u{2069}".into());
    let e = w.refused(&ed, Body::SourceRecord(s));
    assert!(
        e.starts_with(
            "source.record refused: place contains U+2066 LEFT-TO-RIGHT ISOLATE at char 0;"
        ),
        "{e}"
    );

    let a1 = w.article(TEXT_V1, None);
    let mut c = claim_body(a1, TEXT_V1, "Intelligence Chief Abdul Haq Wasiq", None);
    c.proposition = "Wasiq led the delegation \u{200F}".into();
    let e = w.refused(&ed, Body::ClaimRecord(c));
    assert!(
        e.starts_with(
            "claim.record refused: proposition contains U+200F RIGHT-TO-LEFT MARK at char 25;"
        ),
        "{e}"
    );

    let mut art = w.article_body("Another text.", None);
    art.title = "Talks \u{202D}fail".into();
    let e = w.refused(&ed, Body::ArticleRecord(art.clone()));
    assert!(
        e.starts_with(
            "article.record refused: title contains U+202D LEFT-TO-RIGHT OVERRIDE at char 6;"
        ),
        "{e}"
    );
    art.title = "Talks fail".into();
    art.publisher = "News\u{061C}".into();
    let e = w.refused(&ed, Body::ArticleRecord(art));
    assert!(
        e.starts_with(
            "article.record refused: publisher contains U+061C ARABIC LETTER MARK at char 4;"
        ),
        "{e}"
    );

    let k = SecretKey::generate("newcomer").unwrap();
    let e = w.refused(
        &op,
        Body::KeyGrant(KeyGrant {
            key: k.public().to_note_string(),
            display_name: "Eda \u{202E}rotidE".into(),
            roles: vec![Role::Editor],
        }),
    );
    assert!(
        e.starts_with(
            "key.grant refused: display_name contains U+202E RIGHT-TO-LEFT OVERRIDE at char 4;"
        ),
        "{e}"
    );
}

#[test]
fn text_with_nothing_visible_is_refused() {
    let mut w = World::new(1);
    let ed = w.editor.clone();
    let s = source(SourceKind::AnonymousGroup, "\u{200B}\u{200B}", None);
    assert_eq!(
        w.refused(&ed, Body::SourceRecord(s)),
        "source.record refused: label has no visible character (it holds only invisible ones such as U+200B ZERO WIDTH SPACE)"
    );
    let mut s = source(SourceKind::NamedPerson, "a spokesperson", Some("x"));
    s.name = Some(" \u{3164} ".into());
    assert_eq!(
        w.refused(&ed, Body::SourceRecord(s)),
        "source.record refused: name has no visible character (it holds only invisible ones such as U+3164 HANGUL FILLER)"
    );
    let a1 = w.article(TEXT_V1, None);
    let mut c = claim_body(a1, TEXT_V1, "Intelligence Chief Abdul Haq Wasiq", None);
    c.proposition = "\u{2060}\u{FE0F}".into();
    assert_eq!(
        w.refused(&ed, Body::ClaimRecord(c)),
        "claim.record refused: proposition has no visible character (it holds only invisible ones such as U+2060 WORD JOINER)"
    );
}

#[test]
fn hidden_characters_are_refused_and_joiners_in_words_are_not() {
    let mut w = World::new(1);
    let ed = w.editor.clone();
    // Tag characters spell invisible ASCII; a line separator is a second line.
    for (label, what) in [
        (
            "sources\u{E0041}\u{E0042}",
            "U+E0041 (an invisible character) at char 7",
        ),
        ("two\u{2028}lines", "U+2028 LINE SEPARATOR at char 3"),
        (
            "\u{FEFF}sources",
            "U+FEFF ZERO WIDTH NO-BREAK SPACE (byte order mark) at char 0",
        ),
    ] {
        let s = source(SourceKind::AnonymousGroup, label, None);
        let e = w.refused(&ed, Body::SourceRecord(s));
        assert!(
            e.starts_with(&format!("source.record refused: label contains {what};")),
            "{e}"
        );
    }
    // A zero-width non-joiner inside a Persian word is part of its spelling.
    w.source(source(
        SourceKind::AnonymousGroup,
        "منابع دیپلماتیک\u{200C}ها",
        None,
    ));
    // Control characters keep their message.
    let s = source(SourceKind::AnonymousGroup, "bell\u{7}", None);
    assert_eq!(
        w.refused(&ed, Body::SourceRecord(s)),
        "source.record refused: label contains the control character U+0007; it must be one line of text"
    );
}
/// A direct quote is copied from the article, which is evidence and may hold
/// right-to-left marks (Persian and Arabic copy does): the quote is checked
/// against the anchored passage instead, and text views show the marks
/// escaped. A control character is still refused.
#[test]
fn a_direct_quote_may_carry_the_articles_direction_marks() {
    let text = "The spokesman said: \u{00AB}\u{0645}\u{0630}\u{0627}\u{200F}\u{06A9}\u{0631}\u{0627}\u{062A}\u{00BB} in Kabul.";
    let quoted = "\u{0645}\u{0630}\u{0627}\u{200F}\u{06A9}\u{0631}\u{0627}\u{062A}";
    let mut w = World::new(1);
    let ed = w.editor.clone();
    let src = w.source(source(
        SourceKind::NamedPerson,
        "the spokesman",
        Some("Spokesman"),
    ));
    let a1 = w.article(text, None);
    let mut c = claim_body(a1, text, quoted, Some(src));
    c.attribution.mode = Mode::DirectQuote;
    c.attribution.quote = Some(quoted.into());
    c.proposition = "The spokesman called the talks negotiations".into();
    w.ok(&ed, Body::ClaimRecord(c.clone()));

    // The proposition is the checker's words, not the article's: refused there.
    let mut p = c.clone();
    p.proposition = format!("He said {quoted}");
    let e = w.refused(&ed, Body::ClaimRecord(p));
    assert!(
        e.starts_with(
            "claim.record refused: proposition contains U+200F RIGHT-TO-LEFT MARK at char 11;"
        ),
        "{e}"
    );
    c.attribution.quote = Some("\u{0645}\u{0630}\u{0627}\u{0007}".into());
    assert_eq!(
        w.refused(&ed, Body::ClaimRecord(c)),
        "claim.record refused: attribution.quote contains the control character U+0007; only newlines and tabs are allowed"
    );
}

/// A verifier key string named `name`, built by hand as a foreign tool
/// could (this crate will not make one with a hidden name).
fn note_key_named(name: &str, key: &SecretKey) -> String {
    use base64::Engine as _;
    let mut raw = vec![0x01u8];
    raw.extend_from_slice(&key.public().bytes());
    let id = signed_note::key_id(name, &raw);
    format!(
        "{name}+{id:08x}+{}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

#[test]
fn key_names_must_be_visible() {
    let e = SecretKey::generate("eda\u{202E}lam").unwrap_err();
    assert!(matches!(e, KeyError::HiddenInName { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "key name 'eda\\u{202e}lam' contains U+202E RIGHT-TO-LEFT OVERRIDE at char 3; a key name must be visible text (no control, directional or hidden characters)"
    );
    let e = SecretKey::generate("\u{200B}").unwrap_err().to_string();
    assert!(
        e.contains("contains only invisible characters, such as U+200B ZERO WIDTH SPACE"),
        "{e}"
    );

    // A grant naming such a key is refused by the rules (so audit too).
    let mut w = World::new(1);
    let op = w.operator.clone();
    let k = SecretKey::generate("someone").unwrap();
    let e = w.refused(
        &op,
        Body::KeyGrant(KeyGrant {
            key: note_key_named("desk\u{2067}", &k),
            display_name: "A desk".into(),
            roles: vec![Role::Editor],
        }),
    );
    assert!(
        e.contains("key name 'desk\\u{2067}' contains U+2067 RIGHT-TO-LEFT ISOLATE at char 4"),
        "{e}"
    );

    // And `key generate NAME` says so, writing no file.
    let env = Env::new();
    let r = env.run(&["key", "generate", "eda\u{202E}", "--out", "keys"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("contains U+202E RIGHT-TO-LEFT OVERRIDE at char 3"),
        "{}",
        r.stderr
    );
    assert!(!env.root().join("keys").exists());
}

// ---------------------------------------------------------------------------
// Anchors on grapheme cluster boundaries.

/// "Le café est fermé. Le cafe est ouvert." with the first é decomposed
/// (NFD: e + U+0301 COMBINING ACUTE ACCENT).
const NFD: &str = "Le cafe\u{0301} est ferme\u{0301}. Ensuite le cafe est ouvert.";

#[test]
fn an_anchor_that_cuts_a_grapheme_is_refused() {
    // Locating: "Le cafe" occurs only as the start of "Le café".
    let e = Anchor::locate(NFD, "Le cafe").unwrap_err();
    assert_eq!(
        e,
        "\"Le cafe\" occurs in the article text only as part of longer characters (at position 0, it ends before U+0301, which belongs to its last character); quote whole characters, accents and marks included"
    );
    // "cafe" occurs twice; only the unaccented one is on boundaries.
    let a = Anchor::locate(NFD, "cafe").unwrap();
    assert_eq!(a.start, 32);
    // The whole character is fine.
    Anchor::locate(NFD, "Le cafe\u{0301}").unwrap();

    // The rule refuses a hand-made anchor that ends before the accent…
    let mut w = World::new(1);
    let ed = w.editor.clone();
    let a1 = w.article(NFD, None);
    let mut c = claim_body(a1, NFD, "Le cafe\u{0301} est", None);
    c.anchor = Anchor {
        exact: "Le cafe".into(),
        prefix: String::new(),
        suffix: "\u{0301} est".into(),
        start: 0,
        end: 7,
    };
    assert_eq!(
        w.refused(&ed, Body::ClaimRecord(c.clone())),
        "claim.record refused: anchor 0..7 cuts a character of the article text (it ends before U+0301, which belongs to its last character); an anchor must start and end on character (grapheme cluster) boundaries"
    );
    // …and one that starts on it.
    c.anchor = Anchor {
        exact: "\u{0301} est".into(),
        prefix: "Le cafe".into(),
        suffix: " ferme".into(),
        start: 7,
        end: 12,
    };
    assert_eq!(
        w.refused(&ed, Body::ClaimRecord(c)),
        "claim.record refused: anchor 7..12 cuts a character of the article text (it starts at U+0301, which belongs to the character before it); an anchor must start and end on character (grapheme cluster) boundaries"
    );
    // A flag is one character of two regional indicators.
    let flags = "Teams from \u{1F1F9}\u{1F1F7} and \u{1F1F6}\u{1F1E6} met.";
    let e = Anchor::locate(flags, "Teams from \u{1F1F9}").unwrap_err();
    assert!(e.contains("only as part of longer characters"), "{e}");
}

// ---------------------------------------------------------------------------
// Times.

/// Runs `provledger` in `env` with `SOURCE_DATE_EPOCH` set to `epoch`.
fn run_at(env: &Env, epoch: &str, args: &[&str]) -> Ran {
    env.cmd(args).env("SOURCE_DATE_EPOCH", epoch).run()
}

/// `run_at` must fail with exit 1 and `message`, writing nothing.
fn refused_at(env: &Env, epoch: &str, args: &[&str], message: &str) {
    let files = env.ledger_files();
    let r = run_at(env, epoch, args);
    assert_eq!(r.code, 1, "{args:?}: {}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(message), "{args:?}: {}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(env.ledger_files() == files, "{args:?} wrote to the ledger");
}

fn seconds_now() -> u64 {
    provledger::ledger::clock().unwrap()
}

#[test]
fn source_date_epoch_past_year_9999_is_refused() {
    let env = Env::new();
    env.ok(&["init", "--origin", "test.example/ledger"]);
    let source = [
        "source",
        "add",
        "--label",
        "diplomatic sources",
        "--kind",
        "anonymous_group",
        "--operator-key",
        "ledger/private/operator.key",
        "--key",
        "ledger/private/operator.key",
    ];
    for epoch in ["9223372036854775807", "9223372036854775808", "253402300800"] {
        refused_at(
            &env,
            epoch,
            &source,
            &format!("SOURCE_DATE_EPOCH={epoch} is after 9999-12-31T23:59:59Z (unix time 253402300799), the latest time a ledger can record"),
        );
    }
    refused_at(
        &env,
        "99999999999999999999999",
        &source,
        "SOURCE_DATE_EPOCH=99999999999999999999999 is after 9999-12-31T23:59:59Z",
    );
    refused_at(
        &env,
        "soon",
        &source,
        "provledger: error: SOURCE_DATE_EPOCH='soon' is not a whole number of seconds\nhint: set SOURCE_DATE_EPOCH to unix seconds, as `date +%s` prints them, or unset it\n",
    );
    refused_at(
        &env,
        "253402300800",
        &source,
        "provledger: error: SOURCE_DATE_EPOCH=253402300800 is after 9999-12-31T23:59:59Z (unix time 253402300799), the latest time a ledger can record\nhint: set SOURCE_DATE_EPOCH to unix seconds, as `date +%s` prints them, or unset it\n",
    );
    // Year 2261: representable, but far ahead of this machine's clock.
    refused_at(
        &env,
        "9183110400",
        &source,
        "statement time 2261-01-01T00:00:00Z is ",
    );
    let r = run_at(&env, "9183110400", &source);
    assert!(
        r.stderr.contains(" years ")
            && r.stderr.contains(" ahead of this machine's clock (")
            && r.stderr.contains(
                "); at most 5 minutes ahead is allowed\nhint: check this machine's clock, or SOURCE_DATE_EPOCH if it is set\n"
            ),
        "{}",
        r.stderr
    );
    env.assert_audit_clean();
}

#[test]
fn append_refuses_times_ahead_of_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger");
    let op = SecretKey::generate("test.example/ledger").unwrap();
    let now = seconds_now();
    let mut l = Ledger::init(&path, &op, "test", 1, now).unwrap();
    let checkpoint = std::fs::read(path.join("checkpoint")).unwrap();
    let body = Body::KeyRevoke(KeyRevoke::new(op.public().to_note_string(), "test".into()));
    let ahead = now + MAX_AHEAD_OF_CLOCK + 3 * 86_400;
    let st = SignedStatement::sign(
        &Statement {
            at: ahead,
            body: body.clone(),
        },
        &op,
    )
    .unwrap();
    let e = l.append(vec![st], &op, now).unwrap_err();
    assert!(matches!(e, LedgerError::Clock(_)), "{e}");
    let e = e.to_string();
    assert!(
        e.starts_with("statement time ")
            && e.contains(" is 3 days ahead of this machine's clock ("),
        "{e}"
    );
    // A log time ahead of the clock is refused too (the statement itself is fine).
    let st = SignedStatement::sign(&Statement { at: now, body }, &op).unwrap();
    let e = l
        .append(vec![st], &op, now + 7_230)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("logged_at ") && e.contains(" is 2 hours ahead of this machine's clock"),
        "{e}"
    );
    assert_eq!(std::fs::read(path.join("checkpoint")).unwrap(), checkpoint);
}

#[test]
fn a_log_time_ahead_of_the_clock_is_reported_by_audit_and_blocks_no_silent_pinning() {
    use provledger::log::Log;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger");
    let op = SecretKey::generate("test.example/ledger").unwrap();
    let now = seconds_now();
    drop(Ledger::init(&path, &op, "test", 1, now).unwrap());
    // A writer without the clock check logged an entry in year 2261.
    let far = 9_200_000_000;
    let k = SecretKey::generate("checker").unwrap();
    let st = World::sign_at(
        &op,
        far,
        Body::KeyGrant(KeyGrant {
            key: k.public().to_note_string(),
            display_name: "A checker".into(),
            roles: vec![Role::Checker],
        }),
    );
    let mut w = Log::open_writer(&path, Some(std::time::Duration::from_secs(30))).unwrap();
    w.append(&[st.bytes().to_vec()], far, &op.note_signer())
        .unwrap();
    drop(w);
    let report = provledger::audit::audit(&path, None, None, |_, _| {}).unwrap();
    assert!(!report.ok);
    assert_eq!(report.first_entry_at_fault, Some(1));
    assert!(
        report.problems.iter().any(|p| p.entry == Some(1)
            && p.what.starts_with("logged_at 2261-07-15T")
            && p.what.contains(" years ")
            && p.what.contains(" ahead of this machine's clock")),
        "{:#?}",
        report.problems
    );
    // Every later append would be logged in 2261 too: refused, saying why.
    let mut l = Ledger::open_writer(&path).unwrap();
    let k = SecretKey::generate("checker2").unwrap();
    let grant = World::sign_at(
        &op,
        now,
        Body::KeyGrant(KeyGrant {
            key: k.public().to_note_string(),
            display_name: "A checker".into(),
            roles: vec![Role::Checker],
        }),
    );
    let e = l
        .append(vec![(*grant).clone()], &op, now)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("the previous entry's logged_at 2261-07-15T")
            && e.ends_with("; entries cannot be logged before it (audit reports it)"),
        "{e}"
    );
}

#[test]
fn a_log_time_past_year_9999_is_refused_by_the_rules() {
    let mut w = World::new(1);
    // Audit would also report it as ahead of the clock, first; the rule is
    // what keeps it out of the index, where it would not fit.
    w.forced_audit = false;
    let ed = w.editor.clone();
    w.now = MAX_TIME + 1;
    let s = source(SourceKind::AnonymousGroup, "diplomatic sources", None);
    assert_eq!(
        w.refused_at(&ed, T0 + 1_000, Body::SourceRecord(s)),
        "source.record refused: logged_at 253402300800 is after 9999-12-31T23:59:59Z, the latest time a ledger can record"
    );
}

// ---------------------------------------------------------------------------
// Malformed ids: usage errors (exit 2); unknown ids: not found (exit 4).

#[test]
fn malformed_ids_are_usage_errors_in_every_command() {
    let s = Seeded::new();
    let eda = s.key("eda");
    let cem = s.key("cem");
    let claim = s.claim("wasiq-led").to_string();
    let article = support::sample("article-v2-illustrative.txt")
        .display()
        .to_string();
    let import_file = support::sample("claims-v1.json").display().to_string();
    let commands = |id: &str| -> Vec<Vec<String>> {
        let v = |a: &[&str]| a.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        vec![
            v(&["show", id]),
            v(&["status", id]),
            v(&["history", id]),
            v(&["verify", id, "--verdict", "true", "--key", &cem]),
            v(&["verify", "withdraw", id, "--reason", "wrong", "--key", &cem]),
            v(&[
                "link",
                id,
                &claim,
                "--relation",
                "corroborates",
                "--key",
                &cem,
            ]),
            v(&[
                "link",
                &claim,
                id,
                "--relation",
                "corroborates",
                "--key",
                &cem,
            ]),
            v(&["claim", "retract", id, "--reason", "wrong", "--key", &eda]),
            v(&["proof", "inclusion", id]),
            v(&["proof", "status", id]),
            v(&["status", &claim, id]),
            v(&["status", "--article", id]),
            v(&["article", "show", id]),
            v(&["claims", "--article", id]),
            v(&["claims", "--source", id]),
            v(&["claim", "revise", id, "--reason", "error", "--key", &eda]),
            v(&[
                "claim",
                "add",
                "--article",
                id,
                "--quote",
                "deadlock",
                "--proposition",
                "p",
                "--key",
                &eda,
            ]),
            v(&["article", "update", id, &article, "--key", &eda]),
            v(&[
                "claim",
                "import",
                &import_file,
                "--article",
                id,
                "--key",
                &eda,
            ]),
        ]
    };
    for (bad, message) in [
        (
            "12345",
            "'12345' is not an id prefix: use 6 to 64 hex digits of a statement id",
        ),
        (
            "abcdefxyz",
            "'abcdefxyz' is not an id prefix: ids are hex digits (0-9, a-f)",
        ),
    ] {
        for args in commands(bad) {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let r = s.refused(&args, 2, message);
            assert!(
                r.stderr.contains("hint: an id is 64 hex digits (0-9, a-f)"),
                "{args:?}: {}",
                r.stderr
            );
        }
    }
    // A well-formed id that names nothing is still "not found".
    for args in [
        ["show", "abcdef012345"],
        ["status", "abcdef012345"],
        ["history", "abcdef012345"],
    ] {
        s.refused(&args, 4, "abcdef012345");
    }
    s.refused(
        &["history", "abcdef012345"],
        4,
        "no claim.record has an id starting with abcdef012345",
    );
    // Their --help says so.
    for command in ["status", "history"] {
        let help = s.ok(&[command, "--help"]);
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(help.contains("4 no such claim; 2 a malformed id"), "{help}");
        assert!(!help.contains("without replaying"), "{help}");
    }
}

// ---------------------------------------------------------------------------
// claim import: strict JSON, pointers, limits.

fn import(s: &Seeded, name: &str, content: &[u8], message: &str) -> Ran {
    let path = s.root().join(name);
    std::fs::write(&path, content).unwrap();
    let eda = s.key("eda");
    let r = s.refused(
        &[
            "claim",
            "import",
            path.to_str().unwrap(),
            "--article",
            &s.v1,
            "--key",
            &eda,
        ],
        1,
        message,
    );
    assert!(
        r.stderr.contains("nothing was written"),
        "the message does not say that nothing was written:\n{}",
        r.stderr
    );
    r
}

#[test]
fn import_refuses_duplicate_keys_naming_their_pointer() {
    let s = Seeded::new();
    import(
        &s,
        "dup.json",
        br#"{"claims": [
            {"ref": "a", "proposition": "The talks failed", "exact": "ending in deadlock"},
            {"ref": "b", "proposition": "The talks failed", "exact": "Intelligence Chief Abdul Haq Wasiq",
             "proposition": "The talks succeeded"}
        ]}"#,
        "dup.json is not JSON (1 problem; nothing was written):\n  /claims/1/proposition: the key \"proposition\" appears twice in this object; a reader would see one value and the import sign the other: keep one",
    );
    import(
        &s,
        "dup-top.json",
        br#"{"claims": [], "claims": [{"ref": "a", "proposition": "p", "exact": "deadlock"}]}"#,
        "/claims: the key \"claims\" appears twice in this object",
    );
    // Pointer escaping (RFC 6901) for keys with '/' or '~'.
    import(
        &s,
        "dup-odd.json",
        br#"{"$comment": "x", "claims": [{"ref": "a", "proposition": "p", "exact": "deadlock", "a/b~": 1, "a/b~": 2}]}"#,
        "/claims/0/a~1b~0: the key \"a/b~\" appears twice",
    );
}

#[test]
fn import_refuses_a_bom_a_lone_surrogate_and_over_long_fields() {
    let s = Seeded::new();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(
        br#"{"claims": [{"ref": "a", "proposition": "p", "exact": "ending in deadlock"}]}"#,
    );
    import(
        &s,
        "bom.json",
        &bom,
        "bom.json is not JSON (1 problem; nothing was written):\n  /: the file starts with a byte order mark (U+FEFF), which JSON does not allow (RFC 8259 §8.1); save it as UTF-8 without a BOM",
    );
    let r = import(
        &s,
        "surrogate.json",
        br#"{"claims": [{"ref": "a", "proposition": "bad \ud800 half", "exact": "ending in deadlock"}]}"#,
        "surrogate.json is not JSON (1 problem; nothing was written):\n  /claims/0/proposition: ",
    );
    assert!(
        r.stderr
            .contains("a \\uD800-\\uDFFF escape must be half of a surrogate pair"),
        "{}",
        r.stderr
    );
    let long = serde_json::json!({
        "sources": [{"ref": "s", "label": "x".repeat(201), "kind": "anonymous_group"}],
        "claims": [
            {"ref": "a", "proposition": "p".repeat(1001), "exact": "ending in deadlock"},
            {"ref": "b", "proposition": "p", "exact": "ending in deadlock", "cue": "said", "quote": "q".repeat(2001), "source": "s"},
            {"ref": "c", "proposition": "p", "exact": "ending in deadlock", "cue": "said", "source": "a".repeat(65)}
        ]
    });
    let r = import(
        &s,
        "long.json",
        &serde_json::to_vec(&long).unwrap(),
        "long.json has fields longer than a statement may hold (4 problems; nothing was written):",
    );
    for line in [
        "/sources/0/label: 201 characters; at most 200 are allowed",
        "/claims/0/proposition: 1001 characters; at most 1000 are allowed",
        "/claims/1/quote: 2001 characters; at most 2000 are allowed",
        "/claims/2/source: 65 characters; at most 64 are allowed",
    ] {
        assert!(r.stderr.contains(line), "{line}: {}", r.stderr);
    }
    // Not JSON at all still says where.
    import(
        &s,
        "cut.json",
        br#"{"claims": [{"ref": "a", "proposition": "p""#,
        "cut.json is not JSON (1 problem; nothing was written):\n  /claims/0: EOF while parsing an object",
    );
}

#[test]
fn import_refuses_hidden_characters_naming_the_entry() {
    let s = Seeded::new();
    let file = serde_json::json!({"claims": [
        {"ref": "fine", "proposition": "The talks failed", "exact": "ending in deadlock"},
        {"ref": "trojan", "proposition": "Wasiq led the \u{202E}noitageled", "exact": "Intelligence Chief Abdul Haq Wasiq"}
    ]});
    import(
        &s,
        "trojan.json",
        &serde_json::to_vec(&file).unwrap(),
        "trojan.json: /claims/1 (ref \"trojan\"): claim.record refused: proposition contains U+202E RIGHT-TO-LEFT OVERRIDE at char 14; directional formatting and hidden characters are not allowed (what is shown must be what is signed); nothing was written",
    );
}

#[test]
fn import_refuses_a_file_over_the_size_cap_before_reading_it() {
    let s = Seeded::new();
    let path = s.root().join("huge.json");
    // Sparse: the size is what is refused, before a byte is parsed.
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(16 * 1024 * 1024 + 1).unwrap();
    drop(f);
    let eda = s.key("eda");
    s.refused(
        &[
            "claim",
            "import",
            path.to_str().unwrap(),
            "--article",
            &s.v1,
            "--key",
            &eda,
        ],
        1,
        "huge.json is 16777217 bytes; an import file may have at most 16777216 bytes (16 MiB): split it into several imports; nothing was written",
    );
    // At the cap, a file is read (and this one is not JSON).
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(16 * 1024 * 1024)
        .unwrap();
    let r = s.run(&[
        "claim",
        "import",
        path.to_str().unwrap(),
        "--article",
        &s.v1,
        "--key",
        &eda,
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("huge.json is not JSON"), "{}", r.stderr);
}

#[test]
fn an_import_that_passes_still_imports() {
    let s = Seeded::new();
    let path = s.root().join("ok.json");
    std::fs::write(
        &path,
        r#"{"claims": [{"ref": "again", "proposition": "The café talks failed", "exact": "ending in deadlock"}]}"#,
    )
    .unwrap();
    let eda = s.key("eda");
    let out = s.json(&[
        "claim",
        "import",
        path.to_str().unwrap(),
        "--article",
        &s.v1,
        "--key",
        &eda,
    ]);
    assert_eq!(out[0]["kind"], "claim.record");
    let _: Digest = Digest::from_hex(out[0]["id"].as_str().unwrap()).unwrap();
    s.assert_audit_clean();
}

#[test]
fn the_import_schema_states_the_rules_length_limits() {
    use provledger::state::limits::*;
    let schema = support::schema("claim-import.schema.json");
    let max = |def: &str, field: &str| {
        schema["$defs"][def]["properties"][field]["maxLength"]
            .as_u64()
            .unwrap_or_else(|| panic!("{def}.{field} has no maxLength"))
    };
    for field in ["label", "name", "role", "affiliation", "place"] {
        assert_eq!(max("source", field), MAX_LABEL_CHARS as u64, "{field}");
    }
    assert_eq!(max("claim", "proposition"), MAX_PROPOSITION_CHARS as u64);
    assert_eq!(max("claim", "exact"), MAX_EXACT_CHARS as u64);
    assert_eq!(max("claim", "cue"), MAX_LABEL_CHARS as u64);
    assert_eq!(max("claim", "quote"), MAX_QUOTE_CHARS as u64);
    assert_eq!(max("claim", "source"), 64);
    assert_eq!(max("claim", "relayed_by"), 64);
}

#[test]
fn an_import_dated_in_the_future_is_refused_whole() {
    let s = Seeded::new();
    let path = s.root().join("later.json");
    std::fs::write(
        &path,
        r#"{"claims": [{"ref": "later", "proposition": "The talks failed", "exact": "ending in deadlock"}]}"#,
    )
    .unwrap();
    let eda = s.key("eda");
    let args = [
        "claim",
        "import",
        path.to_str().unwrap(),
        "--article",
        &s.v1,
        "--key",
        &eda,
    ];
    refused_at(
        &s.env,
        "9183110400",
        &args,
        "later.json: statement time 2261-01-01T00:00:00Z is ",
    );
    let r = run_at(&s.env, "9183110400", &args);
    assert!(
        r.stderr
            .contains("; at most 5 minutes ahead is allowed; nothing was written\nhint: check this machine's clock, or SOURCE_DATE_EPOCH if it is set\n"),
        "{}",
        r.stderr
    );
}
