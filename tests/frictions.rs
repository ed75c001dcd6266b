//! Frictions a new user ran into (issue 6 §2):
//!
//! - a write that needs a key and has none says which flag to pass (or
//!   `PROVLEDGER_KEY`); only `key grant`/`key revoke` default to the
//!   operator key, and only their `--help` shows that default;
//! - refusals name the signer by display name, key name and kid prefix;
//! - `--key x.pub` says it is a public key, not a permissions problem;
//! - `reindex --help` agrees with the README;
//! - a writer waiting for the lock says who holds it and since when;
//! - `provledger completions SHELL` and `provledger man`;
//! - times in messages are RFC 3339.

use crate::{common, support};

use common::{Env, ORIGIN, T0};
use provledger::keys;
use std::ffi::OsStr;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

/// The kid prefix refusals name a key by: the first 12 hex digits of its
/// public key.
fn kid(public: &Path) -> String {
    let key = keys::load_public_key(public).unwrap();
    hex::encode(key.bytes())[..12].to_string()
}

/// Every file under `dir` with its contents, to show nothing was written.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    common::files_under(dir, |rel| rel == "lock")
        .into_iter()
        .collect()
}

/// `text` with every run of white space one space (help text is wrapped).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn source_add(key: Option<&Path>) -> Vec<String> {
    let mut args: Vec<String> = [
        "source",
        "add",
        "--label",
        "a spokesman",
        "--kind",
        "anonymous_group",
    ]
    .map(String::from)
    .to_vec();
    if let Some(k) = key {
        args.push("--key".into());
        args.push(k.display().to_string());
    }
    args
}

#[test]
fn a_write_without_a_key_says_which_flag_to_pass() {
    let env = Env::with_ledger();
    let before = snapshot(&env.ledger());
    env.cmd(&source_add(None))
        .env_remove("PROVLEDGER_KEY")
        .run()
        .error(
            2,
            "a source.record is signed with an editor's own key: pass --key NAME.key \
         (or set PROVLEDGER_KEY); the operator key signs only key grants and revocations",
        );
    env.cmd(&["verify", "0123456789ab", "--verdict", "true"])
        .env_remove("PROVLEDGER_KEY")
        .run()
        .error(
            2,
            "a verification is signed with a checker's own key: pass --key NAME.key \
             (or set PROVLEDGER_KEY); the operator key signs only key grants and revocations",
        );
    assert_eq!(snapshot(&env.ledger()), before, "a refused write wrote");
}

#[test]
fn claim_import_without_a_key_says_which_flag_to_pass() {
    let s = support::Seeded::new();
    let file = support::sample("claims-v1.json").display().to_string();
    s.refused(
        &["claim", "import", &file, "--article", &s.v1],
        2,
        "a claim import is signed with an editor's own key: pass --key NAME.key \
         (or set PROVLEDGER_KEY)",
    );
}

#[test]
fn provledger_key_is_the_default_key() {
    let env = Env::with_ledger();
    let (eda, _) = env.granted("eda", "editor");
    let out = env
        .cmd(&source_add(None))
        .env("PROVLEDGER_KEY", &eda)
        .run()
        .ok();
    assert!(out.stdout.starts_with("source.record "), "{out}");
}

/// `PROVLEDGER_KEY`, set for everyday writes, does not make `key grant`
/// or `key revoke` sign with that key (which the rules would refuse).
#[test]
fn provledger_key_does_not_sign_grants_or_revocations() {
    let env = Env::with_ledger();
    let (eda, _) = env.granted("eda", "editor");
    let (_, cem_pub) = env.keygen("cem");
    let cem_pub = cem_pub.display().to_string();
    let out = env
        .cmd(&["key", "grant", &cem_pub, "--role", "checker"])
        .env("PROVLEDGER_KEY", &eda)
        .run()
        .ok();
    assert!(out.stdout.starts_with("key.grant "), "{out}");
    let out = env
        .cmd(&["key", "revoke", &cem_pub, "--reason", "left"])
        .env("PROVLEDGER_KEY", &eda)
        .run()
        .ok();
    assert!(out.stdout.starts_with("key.revoke "), "{out}");
    for cmd in [&["key", "grant"][..], &["key", "revoke"]] {
        let help = env.bare(&[cmd, &["--help"]].concat()).run().ok();
        assert!(!help.stdout.contains("PROVLEDGER_KEY"), "{help}");
    }
}

#[test]
fn only_key_grant_and_revoke_default_to_the_operator_key() {
    let env = Env::with_ledger();
    // No --key: the operator signs the grant and the revocation.
    let (_, eda_pub) = env.keygen("eda");
    let eda_pub = eda_pub.display().to_string();
    env.run(&["key", "grant", &eda_pub, "--role", "editor"])
        .ok();
    env.run(&["key", "revoke", &eda_pub, "--reason", "left"])
        .ok();

    let default = "[default: the operator key";
    for cmd in [&["key", "grant"][..], &["key", "revoke"]] {
        let help = env.bare(&[cmd, &["--help"]].concat()).run().ok();
        assert!(flat(&help.stdout).contains(default), "{help}");
    }
    for cmd in [
        &["verify"][..],
        &["verify", "withdraw"],
        &["source", "add"],
        &["claim", "add"],
        &["article", "add"],
        &["link"],
    ] {
        let help = env.bare(&[cmd, &["--help"]].concat()).run().ok();
        assert!(!flat(&help.stdout).contains(default), "{help}");
        assert!(
            flat(&help.stdout).contains("No default: the operator key signs only key grants"),
            "{help}"
        );
    }
}

#[test]
fn a_public_key_given_as_key_is_said_to_be_one() {
    let env = Env::with_ledger();
    let (_, eda_pub) = env.granted("eda", "editor");
    let before = snapshot(&env.ledger());
    env.run(&source_add(Some(Path::new("keys/eda.pub")))).error(
        1,
        "keys/eda.pub is a public key (of key eda); give its private key file instead, \
         such as keys/eda.key",
    );
    // Also for the operator key that signs checkpoints.
    let mut args = source_add(Some(&env.path("keys/eda.key")));
    args.extend(["--operator-key".into(), eda_pub.display().to_string()]);
    env.run(&args).fails_with(1, "is a public key (of key eda)");
    assert_eq!(snapshot(&env.ledger()), before);
}

#[test]
fn refusals_name_the_signer_by_name_and_key_name() {
    let env = Env::with_ledger();
    let (_, chloe_pub) = env.keygen("chloe");
    env.run(&[
        OsStr::new("key"),
        OsStr::new("grant"),
        chloe_pub.as_os_str(),
        OsStr::new("--role"),
        OsStr::new("checker"),
        OsStr::new("--display-name"),
        OsStr::new("Chloe Checker"),
    ])
    .ok();
    let (bob, bob_pub) = env.keygen("bob");
    let before = snapshot(&env.ledger());

    env.run(&source_add(Some(&env.path("keys/chloe.key"))))
        .error(
            1,
            &format!(
                "source.record refused: signer Chloe Checker (chloe, kid {}) has no role that may \
             sign source.record (needs editor)",
                kid(&chloe_pub)
            ),
        );
    // A key the ledger never granted is named from its file.
    env.run(&source_add(Some(Path::new("keys/bob.key")))).error(
        1,
        &format!(
            "signed with key bob from keys/bob.key: source.record refused: signer an ungranted \
             key (kid {}) is not a granted key of this ledger",
            kid(&bob_pub)
        ),
    );
    // The operator key, given explicitly where it may not sign.
    env.run(&source_add(Some(Path::new("ledger/private/operator.key"))))
        .error(
            1,
            &format!(
                "source.record refused: signer the operator ({ORIGIN}, kid {}) is not a granted \
                 key of this ledger",
                kid(&env.operator_pub())
            ),
        );
    // Someone else granting: named too, never only by hex.
    let chloe_grants = env
        .run(&[
            OsStr::new("key"),
            OsStr::new("grant"),
            bob_pub.as_os_str(),
            OsStr::new("--role"),
            OsStr::new("editor"),
            OsStr::new("--key"),
            env.path("keys/chloe.key").as_os_str(),
        ])
        .code(1);
    assert!(
        chloe_grants.stderr.contains(&format!(
            "signer Chloe Checker (chloe, kid {}) is not the operator",
            kid(&chloe_pub)
        )),
        "{chloe_grants}"
    );
    assert!(bob.exists());
    assert_eq!(snapshot(&env.ledger()), before);
}

#[test]
fn reindex_help_agrees_with_the_readme() {
    let env = Env::new();
    let help = env.bare(&["reindex", "--help"]).run().ok();
    assert!(
        !help.stdout.contains("already rebuilds"),
        "reindex --help says opening rebuilds:\n{help}"
    );
    let text = flat(&help.stdout);
    assert!(
        text.contains("reading commands refuse an index that does not match until it is rebuilt"),
        "{help}"
    );
    let readme = include_str!("../README.md");
    assert!(
        readme.contains("is refused by reading commands until `provledger reindex` rebuilds it"),
        "README no longer says what reindex --help says"
    );
}

#[test]
fn a_writer_waiting_for_the_lock_says_who_holds_it() {
    let env = Env::with_ledger();
    let (eda, _) = env.granted("eda", "editor");
    // This test process holds the lock, as another writer would.
    let holder =
        provledger::log::Log::open_writer(env.ledger(), Some(std::time::Duration::from_secs(30)))
            .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_provledger"))
        .current_dir(env.root())
        .env_remove("PROVLEDGER_DIR")
        .env_remove("PROVLEDGER_OPERATOR_KEY")
        .env_remove("PROVLEDGER_KEY")
        .env("SOURCE_DATE_EPOCH", T0.to_string())
        .arg("--ledger")
        .arg(env.ledger())
        .args(source_add(Some(&eda)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    // Told, the holder finishes; the waiting writer then goes ahead.
    drop(holder);
    let out = child.wait_with_output().unwrap();
    crate::common::assert_no_secrets(
        env.root(),
        "source add waiting for the lock",
        &out.stdout,
        &[line.as_bytes(), &out.stderr].concat(),
    );
    let prefix = format!(
        "provledger: waiting for the writer lock of {}: held by pid {} (tests",
        env.ledger().display(),
        std::process::id()
    );
    assert!(
        line.starts_with(&prefix),
        "{line:?} should start {prefix:?}"
    );
    let since = line.trim_end().rsplit(" since ").next().unwrap();
    since
        .parse::<jiff::Timestamp>()
        .unwrap_or_else(|e| panic!("{since:?} is not RFC 3339: {e}"));
    assert!(since.ends_with('Z'), "{line}");
    assert_eq!(out.status.code(), Some(0), "{line}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("source.record "));
}

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    let env = Env::new();
    let bash = env.bare(&["completions", "bash"]).run().ok();
    assert!(bash.stdout.contains("complete -F _provledger"), "{bash}");
    for sub in ["claim", "verify", "status", "audit", "completions", "man"] {
        assert!(bash.stdout.contains(sub), "bash completion lacks {sub}");
    }
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = env.bare(&["completions", shell]).run().ok();
        assert!(out.stdout.contains("verify"), "{out}");
    }
    env.bare(&["completions", "tcsh"])
        .run()
        .fails_with(2, "invalid value 'tcsh' for '<SHELL>'");
}

/// The checks a roff man page passes: the `.TH` title first among the
/// requests, a NAME section right after it naming the command, then
/// SYNOPSIS; every request line a known man(7) request.
fn assert_man_page(text: &str, name: &str) {
    let requests: Vec<&str> = text.lines().filter(|l| l.starts_with('.')).collect();
    let known = [
        ".TH", ".SH", ".SS", ".PP", ".TP", ".IP", ".RS", ".RE", ".br", ".B", ".I", ".ie", ".el",
        ".ds", ".nf", ".fi", ".sp", ".in",
    ];
    for r in &requests {
        let req = r.split_whitespace().next().unwrap();
        assert!(known.contains(&req), "unknown roff request {r:?} in {name}");
    }
    let th = requests.iter().position(|r| r.starts_with(".TH ")).unwrap();
    assert!(requests[th].starts_with(&format!(".TH {name} 1")), "{name}");
    assert_eq!(requests[th + 1], ".SH NAME", "{name}");
    // In roff a hyphen is `\-`.
    let after_name = text.split(".SH NAME\n").nth(1).unwrap().replace("\\-", "-");
    assert!(
        after_name.starts_with(&format!("{name} - ")),
        "{name}: {after_name}"
    );
    assert!(text.contains("\n.SH SYNOPSIS\n"), "{name}");
}

#[test]
fn man_pages_are_roff_with_a_name_section() {
    let env = Env::new();
    let page = env.bare(&["man"]).run().ok();
    assert_man_page(&page.stdout, "provledger");

    env.bare(&["man", "--out", "man"]).run().ok();
    let mut names: Vec<String> = fs::read_dir(env.path("man"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for want in [
        "provledger.1",
        "provledger-key-grant.1",
        "provledger-verify.1",
        "provledger-completions.1",
    ] {
        assert!(names.iter().any(|n| n == want), "no {want} in {names:?}");
    }
    for n in &names {
        let text = fs::read_to_string(env.path(&format!("man/{n}"))).unwrap();
        assert_man_page(&text, n.strip_suffix(".1").unwrap());
    }

    fs::write(env.path("a-file"), "x").unwrap();
    env.bare(&["man", "--out", "a-file"])
        .run()
        .error(1, "--out a-file: not a directory");
    assert_eq!(fs::read(env.path("a-file")).unwrap(), b"x");
}

#[test]
fn times_in_messages_are_rfc_3339() {
    let env = Env::with_ledger();
    let (eda, _) = env.granted("eda", "editor");
    fs::write(env.path("story.txt"), "Talks failed, officials said.\n").unwrap();
    let before = snapshot(&env.ledger());
    env.run(&[
        OsStr::new("article"),
        OsStr::new("add"),
        OsStr::new("story.txt"),
        OsStr::new("--url"),
        OsStr::new("https://news.example/story"),
        OsStr::new("--publisher"),
        OsStr::new("News"),
        OsStr::new("--title"),
        OsStr::new("Talks fail"),
        OsStr::new("--published"),
        OsStr::new("2023-11-14T12:00:00Z"),
        OsStr::new("--retrieved"),
        OsStr::new("2023-11-14T10:00:00Z"),
        OsStr::new("--key"),
        eda.as_os_str(),
    ])
    .fails_with(
        1,
        "published_at 2023-11-14T12:00:00Z is after retrieved_at 2023-11-14T10:00:00Z",
    );
    assert_eq!(snapshot(&env.ledger()), before);
}
