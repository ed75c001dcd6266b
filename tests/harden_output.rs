//! What reaches the terminal and what a failing stdout or a full disk does
//! (issue 12 §4, issue 6 §2):
//!
//! - text output escapes control and invisible characters that came from
//!   the ledger or from files (`\u{1b}`), `--json` stays JSON that decodes to
//!   the same text, and `article show --text` to a pipe is byte-exact (on a
//!   terminal, from util-linux `script`, escaped, and colour stays apart);
//! - a closed stdout pipe ends every command quietly (exit 0, no panic);
//! - a committed append whose receipt cannot be printed says on stderr what
//!   it committed and does not exit 1, so a retry does not duplicate it;
//! - a full disk (a small tmpfs; root only) gives "disk full: ..." naming
//!   the file, and does not stop reads.

use crate::common;

use common::{library_ledger, Env, T0};
use serde_json::Value;
use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// `provledger --ledger ROOT/ledger ARGS...` in `root`, with the clean
/// environment of `common::Env::bare`; stdout and stderr are set by the
/// caller.
fn provledger<S: AsRef<OsStr>>(root: &Path, args: &[S]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_provledger"));
    cmd.current_dir(root)
        .env_remove("PROVLEDGER_DIR")
        .env_remove("PROVLEDGER_OPERATOR_KEY")
        .env_remove("PROVLEDGER_KEY")
        .env_remove("RUST_BACKTRACE")
        .env("SOURCE_DATE_EPOCH", T0.to_string())
        .env("NO_COLOR", "1")
        .arg("--ledger")
        .arg(root.join("ledger"))
        .args(args)
        .stdin(Stdio::null());
    cmd
}

/// Runs `cmd` with stdout going to `stdout`; returns its exit code and
/// stderr.
fn run_to(mut cmd: Command, stdout: impl Into<Stdio>) -> (Option<i32>, String) {
    let out = cmd
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let out = scan(&cmd, out);
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

/// Runs `cmd`, capturing everything.
fn capture(mut cmd: Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    scan(&cmd, out)
}

/// Fails the test if `cmd` (run in a scratch directory) printed a private
/// key of that directory (`common::assert_no_secrets`).
#[track_caller]
fn scan(cmd: &Command, out: Output) -> Output {
    let root = cmd.get_current_dir().expect("run in a scratch directory");
    common::scanned(root, &format!("{cmd:?}"), out)
}

/// `/dev/full`: every write fails with ENOSPC.
fn dev_full() -> File {
    File::options().write(true).open("/dev/full").unwrap()
}

/// The write end of a pipe whose read end is already closed: every write
/// fails with EPIPE, on the first byte.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer
}

/// Characters that must never reach a terminal raw: C0 controls but the
/// newline, DEL, C1 controls, bidi controls and other invisible format
/// characters.
fn forbidden(c: char) -> bool {
    (c < ' ' && c != '\n')
        || ('\u{7f}'..='\u{9f}').contains(&c)
        || matches!(
            c,
            '\u{ad}'
                | '\u{61c}'
                | '\u{200b}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// Panics if `bytes` (a command's output) holds a raw control or invisible
/// character.
#[track_caller]
fn assert_terminal_safe(what: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    let raw: Vec<String> = text
        .chars()
        .filter(|c| forbidden(*c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    assert!(
        raw.is_empty(),
        "{what} printed raw {raw:?}:\n{}",
        text.escape_debug()
    );
}

/// The hostile article: ESC[2J (clear screen), a CR that would rewrite the
/// line, a newline inside the claim's passage, and a RIGHT-TO-LEFT
/// OVERRIDE. Article text may hold anything: it is evidence.
const ARTICLE: &str = "Officials said the talks\u{1b}[2J failed.\nForged line.\rThe \u{202e}txet desrever\u{202c} mattered.\n";
/// The claim's passage in [`ARTICLE`].
const PASSAGE: &str = "the talks\u{1b}[2J failed.\nForged line.\rThe \u{202e}txet";
/// The passage as text output shows it.
const PASSAGE_SHOWN: &str = "the talks\\u{1b}[2J failed.\\u{a}Forged line.\\u{d}The \\u{202e}txet";

/// A ledger with the hostile article, a claim on its passage quoting words
/// across its newline, a verdict whose note and evidence note hold a
/// newline and a tab, and the checker's key revoked for a reason with a
/// newline.
struct Hostile {
    env: Env,
    article: String,
    claim: String,
    verification: String,
    /// The source, when the rules admitted a role with U+202E.
    role_source: bool,
    /// The second article, when the rules admitted a URL with U+202E.
    bidi_url: bool,
}

fn hostile() -> Hostile {
    let env = Env::with_ledger();
    let (eda, _) = env.granted("eda", "editor");
    let (cem, cem_pub) = env.granted("cem", "checker");
    let eda = eda.display().to_string();
    fs::write(env.path("article.txt"), ARTICLE).unwrap();
    let add = env
        .run(&[
            "article",
            "add",
            "article.txt",
            "--url",
            "https://example.org/talks",
            "--publisher",
            "The Outlet",
            "--title",
            "Talks",
            "--key",
            &eda,
            "--json",
        ])
        .ok();
    let article = add.json()[0]["id"].as_str().unwrap().to_string();
    let source = env
        .run(&[
            "source",
            "add",
            "--label",
            "Officials",
            "--kind",
            "anonymous_group",
            "--key",
            &eda,
            "--json",
        ])
        .ok()
        .json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let claim = env
        .run(&[
            "claim",
            "add",
            "--article",
            &article,
            "--quote",
            PASSAGE,
            "--proposition",
            "The talks failed.",
            "--source",
            &source,
            "--cue",
            "said",
            "--direct-quote",
            "failed.\nForged line",
            "--key",
            &eda,
            "--json",
        ])
        .ok()
        .json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let verification = env
        .run(&[
            OsStr::new("verify"),
            OsStr::new(&claim),
            OsStr::new("--verdict"),
            OsStr::new("true"),
            OsStr::new("--evidence"),
            OsStr::new("https://example.org/evidence"),
            OsStr::new("--evidence-note"),
            OsStr::new("first\nsecond"),
            OsStr::new("--note"),
            OsStr::new("checked\nverdicts    forged\tline"),
            OsStr::new("--key"),
            cem.as_os_str(),
            OsStr::new("--json"),
        ])
        .ok()
        .json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    env.run(&[
        OsStr::new("key"),
        OsStr::new("revoke"),
        cem_pub.as_os_str(),
        OsStr::new("--reason"),
        OsStr::new("lost\nkey\tnow"),
    ])
    .ok();
    // Fields the input rules may refuse U+202E in; where they admit it,
    // the output must escape it.
    let role_source = admitted(env.run(&[
        "source",
        "add",
        "--label",
        "Desk",
        "--kind",
        "anonymous_group",
        "--role",
        "spokes\u{202e}person",
        "--key",
        &eda,
    ]));
    fs::write(env.path("other.txt"), "Another text.\n").unwrap();
    let bidi_url = admitted(env.run(&[
        "article",
        "add",
        "other.txt",
        "--url",
        "https://example.org/\u{202e}gpj.exe",
        "--publisher",
        "The Outlet",
        "--title",
        "Other",
        "--key",
        &eda,
    ]));
    Hostile {
        env,
        article,
        claim,
        verification,
        role_source,
        bidi_url,
    }
}

/// Whether a command that puts U+202E in the ledger was admitted; if not,
/// the refusal must name the character.
#[track_caller]
fn admitted(out: common::Out) -> bool {
    match out.code.0 {
        Some(0) => true,
        _ => {
            assert!(
                out.stderr.contains("U+202E"),
                "refused, but not for U+202E:\n{out}"
            );
            false
        }
    }
}

impl Hostile {
    /// Runs a read command; asserts it succeeded and printed nothing raw.
    #[track_caller]
    fn text(&self, args: &[&str]) -> String {
        let out = capture(provledger(self.env.root(), args));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_terminal_safe(&format!("{args:?}"), &out.stdout);
        String::from_utf8(out.stdout).unwrap()
    }
}

#[track_caller]
fn assert_has(what: &str, text: &str, needle: &str) {
    assert!(
        text.contains(needle),
        "{what} should show {needle:?}:\n{text}"
    );
}

#[test]
fn text_output_escapes_what_came_from_the_ledger() {
    let h = hostile();
    let c = h.claim.as_str();

    let status = h.text(&["status", c]);
    assert_has("status", &status, &format!("passage     “{PASSAGE_SHOWN}”"));
    assert_has("status", &status, "quoting “failed.\\u{a}Forged line”");
    // A newline in a note must not forge a line of the layout.
    assert_has(
        "status",
        &status,
        "note: checked\\u{a}verdicts    forged\\u{9}line",
    );
    assert_has("status", &status, "(first\\u{a}second)");
    assert!(!status.contains("\nverdicts    forged"), "{status}");

    let history = h.text(&["history", c]);
    assert_has(
        "history",
        &history,
        &format!("passage      “{PASSAGE_SHOWN}”"),
    );
    assert_has("history", &history, "quoting “failed.\\u{a}Forged line”");
    assert_has(
        "history",
        &history,
        "note: checked\\u{a}verdicts    forged\\u{9}line",
    );

    let claims = h.text(&["claims"]);
    assert_has("claims", &claims, "quoting “failed.\\u{a}Forged line”");

    let article = h.text(&["article", "show", &h.article]);
    assert_has(
        "article show",
        &article,
        "quoting “failed.\\u{a}Forged line”",
    );

    // `show` prints the body as JSON, whose escapes are JSON's.
    let show = h.text(&["show", c]);
    assert_has(
        "show",
        &show,
        r#""exact": "the talks\u001b[2J failed.\nForged line.\rThe \u202etxet""#,
    );
    let show = h.text(&["show", &h.verification]);
    assert_has(
        "show",
        &show,
        r#""note": "checked\nverdicts    forged\tline""#,
    );

    let keys = h.text(&["key", "list"]);
    assert_has("key list", &keys, "REVOKED at entry ");
    assert_has("key list", &keys, ": lost\\u{a}key\\u{9}now");

    let sources = h.text(&["source", "list"]);
    if h.role_source {
        assert_has("source list", &sources, "spokes\\u{202e}person");
    }
    let articles = h.text(&["article", "list"]);
    if h.bidi_url {
        assert_has(
            "article list",
            &articles,
            "https://example.org/\\u{202e}gpj.exe",
        );
    }
    h.text(&["log"]);
}

#[test]
fn log_and_key_generate_escape_key_names() {
    // The input rules may refuse U+202E in key names; where they admit it,
    // the output must escape it.
    let env = Env::new();
    let init = env.run(&["init", "--origin", "news\u{202e}lpmaxe/ledger"]);
    assert_terminal_safe("init", init.stdout.as_bytes());
    assert_terminal_safe("init's notes", init.stderr.as_bytes());
    if admitted(init) {
        let log = env.run(&["log"]).ok();
        assert_terminal_safe("log", log.stdout.as_bytes());
        assert_has("log", &log.stdout, "news\\u{202e}lpmaxe/ledger");
    }
    let generate = env.run(&["key", "generate", "ed\u{202e}a", "--out", "keys"]);
    assert_terminal_safe("key generate", generate.stdout.as_bytes());
    assert_terminal_safe("key generate's notes", generate.stderr.as_bytes());
    let shown = generate.stdout.clone();
    if admitted(generate) {
        assert!(shown.starts_with("ed\\u{202e}a+"), "{shown}");
    }
}

#[test]
fn json_output_is_terminal_safe_and_decodes_to_the_same_text() {
    let h = hostile();
    for args in [
        vec!["status", h.claim.as_str(), "--json"],
        vec!["history", h.claim.as_str(), "--json"],
        vec!["show", h.claim.as_str(), "--json"],
        vec!["claims", "--json"],
        vec!["article", "show", h.article.as_str(), "--text", "--json"],
    ] {
        h.text(&args);
    }
    let status: Value = serde_json::from_str(&h.text(&["status", &h.claim, "--json"])).unwrap();
    assert_eq!(status["claim"]["anchor"]["exact"], PASSAGE);
    let shown: Value =
        serde_json::from_str(&h.text(&["article", "show", &h.article, "--text", "--json"]))
            .unwrap();
    assert_eq!(shown["text"], ARTICLE);
    let log: Value = serde_json::from_str(&h.text(&["log", "--json"])).unwrap();
    assert!(log.as_array().unwrap().len() >= 6, "{log}");
}

#[test]
fn article_text_to_a_pipe_is_exact() {
    let h = hostile();
    let out = capture(provledger(
        h.env.root(),
        &["article", "show", &h.article, "--text"],
    ));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, ARTICLE.as_bytes());
}

/// Runs `provledger --ledger LEDGER ARGS` with a terminal for stdout
/// (util-linux `script`), colour on unless `no_color`; returns what the
/// terminal got, with the terminal's CR LF line ends made LF again. `None`
/// (the test skips) without `script`, except under CI.
fn on_a_terminal(env: &Env, args: &[&str], no_color: bool) -> Option<String> {
    let line = format!(
        "{} --ledger {} {}",
        env!("CARGO_BIN_EXE_provledger"),
        env.ledger().display(),
        args.join(" ")
    );
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .current_dir(env.root())
        .env_remove("NO_COLOR")
        .env_remove("PROVLEDGER_DIR")
        .stdin(Stdio::null());
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    match cmd.output() {
        Ok(out) => {
            let out = scan(&cmd, out);
            assert_eq!(out.status.code(), Some(0), "{line}: {out:?}");
            Some(String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n"))
        }
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must have util-linux script: {e}"
            );
            eprintln!("skipped: no `script` to give the command a terminal: {e}");
            None
        }
    }
}

#[test]
fn on_a_terminal_article_text_is_escaped_and_colour_does_not_unescape() {
    let h = hostile();
    let Some(text) = on_a_terminal(&h.env, &["article", "show", &h.article, "--text"], true) else {
        return;
    };
    // Line breaks kept, everything else shown.
    assert_eq!(
        text,
        "Officials said the talks\\u{1b}[2J failed.\nForged line.\\u{d}The \\u{202e}txet desrever\\u{202c} mattered.\n"
    );
    let Some(status) = on_a_terminal(&h.env, &["status", &h.claim], false) else {
        return;
    };
    // Colour is on (SGR sequences of its own), the passage still escaped.
    assert!(
        status.contains("\u{1b}[1m"),
        "no colour:\n{}",
        status.escape_debug()
    );
    assert!(status.contains(PASSAGE_SHOWN), "{}", status.escape_debug());
    // What follows each ESC must be a colour (SGR: `[` digits `;` ... `m`).
    let sgr = |after: &str| {
        after.strip_prefix('[').is_some_and(|rest| {
            rest.find('m')
                .is_some_and(|m| rest[..m].chars().all(|c| c.is_ascii_digit() || c == ';'))
        })
    };
    let raw: Vec<&str> = status.split('\u{1b}').skip(1).filter(|s| !sgr(s)).collect();
    assert!(raw.is_empty(), "raw ESC other than colour: {raw:?}");
    assert!(!status.contains('\u{202e}') && !status.contains('\r'));
}

#[test]
fn error_messages_escape_the_text_they_quote() {
    let h = hostile();
    let eda = h.env.path("keys/eda.key").display().to_string();
    let before = fs::read(h.env.lpath("checkpoint")).unwrap();
    let out = capture(provledger(
        h.env.root(),
        &[
            "claim",
            "add",
            "--article",
            &h.article,
            "--quote",
            "not\u{1b}[2J here\r\u{202e}",
            "--proposition",
            "Something else.",
            "--key",
            &eda,
        ],
    ));
    assert_eq!(out.status.code(), Some(1));
    assert_terminal_safe("the error", &out.stderr);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("provledger: error: cannot anchor the quote in article ")
            && stderr.contains("\"not\\u{1b}[2J here\\u{d}\\u{202e}\" does not occur"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(fs::read(h.env.lpath("checkpoint")).unwrap(), before);
}

/// The read commands of a ledger with claim `h.claim` in article
/// `h.article`, text and `--json`.
fn listings(h: &Hostile) -> Vec<Vec<String>> {
    let text: Vec<Vec<&str>> = vec![
        vec!["key", "list"],
        vec!["article", "list"],
        vec!["source", "list"],
        vec!["claims"],
        vec!["status", h.claim.as_str()],
        vec!["history", h.claim.as_str()],
        vec!["log"],
        vec!["show", h.claim.as_str()],
        vec!["article", "show", h.article.as_str()],
        vec!["checkpoint"],
        vec!["audit", "--operator", "ledger/private/operator.pub"],
    ];
    let mut all = Vec::new();
    for args in text {
        let mut json = args.clone();
        json.push("--json");
        all.push(args.iter().map(|s| s.to_string()).collect());
        all.push(json.iter().map(|s| s.to_string()).collect());
    }
    all
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let h = hostile();
    for args in listings(&h) {
        let (code, stderr) = run_to(provledger(h.env.root(), &args), closed_pipe());
        assert_eq!(code, Some(0), "{args:?} on a closed pipe:\n{stderr}");
        assert_eq!(stderr, "", "{args:?} on a closed pipe");
    }
}

#[test]
fn init_to_a_closed_pipe_still_makes_the_ledger() {
    let env = Env::new();
    let (code, stderr) = run_to(
        provledger(env.root(), &["init", "--origin", "pipe.example/ledger"]),
        closed_pipe(),
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("created ledger"), "{stderr}");
    env.run(&["log"]).ok().stdout_has("ledger.genesis");
}

#[test]
fn a_pipe_closed_after_one_line_ends_quietly() {
    // 1000 keys, so `key list` and `log` write more than a pipe holds and
    // the reader closes it mid-stream.
    let env = Env::new();
    library_ledger(&env, 1000);
    let eda = common::fixed_key("key0", 0);
    provledger::keys::write_key_files(&env.path("eda.key"), &env.path("eda.pub"), &eda).unwrap();
    fs::write(env.path("article.txt"), ARTICLE).unwrap();
    let article = env
        .run(&[
            "article",
            "add",
            "article.txt",
            "--url",
            "https://example.org/a",
            "--publisher",
            "P",
            "--title",
            "T",
            "--key",
            "eda.key",
            "--json",
        ])
        .ok()
        .json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let claim = env
        .run(&[
            "claim",
            "add",
            "--article",
            &article,
            "--quote",
            PASSAGE,
            "--proposition",
            "The talks failed.",
            "--key",
            "eda.key",
            "--json",
        ])
        .ok()
        .json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    env.run(&[
        "source",
        "add",
        "--label",
        "Officials",
        "--kind",
        "anonymous_group",
        "--key",
        "eda.key",
    ])
    .ok();
    let h = Hostile {
        env,
        article,
        claim,
        verification: String::new(),
        role_source: false,
        bidi_url: false,
    };
    // `audit` prints only once it has checked everything: the closed pipe
    // of `a_closed_pipe_ends_every_command_quietly` is the same to it.
    for args in listings(&h).into_iter().filter(|a| a[0] != "audit") {
        for _ in 0..20 {
            let mut cmd = provledger(h.env.root(), &args);
            let mut child = cmd
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let mut line = String::new();
            BufReader::new(child.stdout.take().unwrap())
                .read_line(&mut line)
                .unwrap();
            // The reader is dropped here: the pipe is closed.
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "{args:?}:\n{stderr}");
            assert!(!stderr.contains("panicked"), "{args:?}:\n{stderr}");
            assert_eq!(stderr, "", "{args:?}");
        }
    }
}

#[test]
fn a_read_to_a_full_stdout_says_so() {
    let env = Env::with_ledger();
    let (code, stderr) = run_to(provledger(env.root(), &["log"]), dev_full());
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        "provledger: error: writing to stdout: No space left on device (os error 28)\n"
    );
    let (code, stderr) = run_to(
        provledger(env.root(), &["key", "list", "--json"]),
        dev_full(),
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        "provledger: error: writing to stdout: No space left on device (os error 28)\n"
    );
}

/// The `log --json` entries of kind `kind`.
fn entries_of(env: &Env, kind: &str) -> Vec<Value> {
    let log = env.run(&["log", "--json"]).ok().json();
    log.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .cloned()
        .collect()
}

/// Makes a fresh stdout for each run.
type StdoutMaker = Box<dyn Fn() -> Stdio>;

#[test]
fn a_receipt_that_cannot_be_printed_says_what_was_committed() {
    let env = Env::with_ledger();
    let (eda, _) = env.granted("eda", "editor");
    let cases: Vec<(&str, StdoutMaker, Option<i32>, &str)> = vec![
        (
            "full",
            Box::new(|| dev_full().into()),
            Some(5),
            "No space left on device (os error 28)",
        ),
        (
            "closed",
            Box::new(|| closed_pipe().into()),
            Some(0),
            "Broken pipe (os error 32)",
        ),
    ];
    for (label, stdout, want, why) in cases {
        for json in [false, true] {
            let name = format!("{label}-{json}");
            let before = env.size();
            let mut args = vec![
                OsStr::new("source"),
                OsStr::new("add"),
                OsStr::new("--label"),
                OsStr::new(&name),
                OsStr::new("--kind"),
                OsStr::new("anonymous_group"),
                OsStr::new("--key"),
                eda.as_os_str(),
            ];
            if json {
                args.push(OsStr::new("--json"));
            }
            let (code, stderr) = run_to(provledger(env.root(), &args), stdout());
            assert_eq!(code, want, "{name}: {stderr}");
            // Committed exactly once, and stderr names it.
            assert_eq!(env.size(), before + 1, "{name}");
            let sources = env.run(&["source", "list", "--json"]).ok().json();
            let mine: Vec<&Value> = sources
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["label"] == name.as_str())
                .collect();
            assert_eq!(mine.len(), 1, "{name}: {sources}");
            assert_eq!(
                stderr,
                format!(
                    "provledger: committed: source.record {} at entry {before}, but the receipt could not be printed: {why}\n",
                    mine[0]["id"].as_str().unwrap()
                )
            );
        }
    }
    assert_eq!(entries_of(&env, "source.record").len(), 4);
}

#[test]
fn an_import_whose_receipts_cannot_be_printed_names_every_statement() {
    let env = Env::with_ledger();
    let (eda, _) = env.granted("eda", "editor");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample");
    let article = env
        .run(&[
            OsStr::new("article"),
            OsStr::new("add"),
            sample.join("article-v1.txt").as_os_str(),
            OsStr::new("--url"),
            OsStr::new("https://example.org/v1"),
            OsStr::new("--publisher"),
            OsStr::new("P"),
            OsStr::new("--title"),
            OsStr::new("T"),
            OsStr::new("--key"),
            eda.as_os_str(),
            OsStr::new("--json"),
        ])
        .ok()
        .json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = env.size();
    let (code, stderr) = run_to(
        provledger(
            env.root(),
            &[
                OsStr::new("claim"),
                OsStr::new("import"),
                sample.join("claims-v1.json").as_os_str(),
                OsStr::new("--article"),
                OsStr::new(&article),
                OsStr::new("--key"),
                eda.as_os_str(),
            ],
        ),
        dev_full(),
    );
    assert_eq!(code, Some(5), "{stderr}");
    let added = env.size() - before;
    assert!(added > 2);
    let mut lines = stderr.lines();
    assert_eq!(
        lines.next().unwrap(),
        format!("provledger: committed: {added} statements, but the receipts could not be printed: No space left on device (os error 28)")
    );
    let log = env.run(&["log", "--json"]).ok().json();
    for (seq, line) in (before..).zip(lines) {
        let e = &log[seq as usize];
        assert_eq!(
            line,
            format!(
                "committed: {} {} at entry {seq}",
                e["kind"].as_str().unwrap(),
                e["id"].as_str().unwrap()
            )
        );
    }
    assert_eq!(stderr.lines().count() as u64, 1 + added, "{stderr}");
}

/// A tmpfs of `size` mounted on a fresh directory, unmounted when dropped;
/// `None` (the test skips) when mounting is not allowed, as for a user
/// other than root, except under CI, which runs as root and must run it.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::Builder::new()
            .prefix("provledger-tmpfs-")
            .tempdir()
            .unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Tmpfs { dir }),
            other => {
                let why = match other {
                    Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
                    Err(e) => e.to_string(),
                };
                assert!(
                    std::env::var_os("CI").is_none(),
                    "CI must be able to mount a tmpfs: {why}"
                );
                eprintln!("skipped: cannot mount a tmpfs (needs root): {why}");
                None
            }
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Fills the file system: writes `fill` until the disk is full.
    fn fill(&self) -> PathBuf {
        let path = self.root().join("fill");
        let mut f = File::create(&path).unwrap();
        let block = vec![0u8; 4096];
        loop {
            match f.write(&block) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.raw_os_error() == Some(28) => break,
                Err(e) => panic!("filling the tmpfs: {e}"),
            }
        }
        // The last partial block.
        while f.write(&[0]).is_ok_and(|n| n == 1) {}
        path
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// Runs `args` in `root`, capturing stdout; returns (exit code, stdout,
/// stderr).
fn run_in(root: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = capture(provledger(root, args));
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[track_caller]
fn ok_in(root: &Path, args: &[&str]) -> String {
    let (code, stdout, stderr) = run_in(root, args);
    assert_eq!(code, Some(0), "{args:?}: {stderr}");
    stdout
}

#[test]
fn a_full_disk_says_disk_full_and_does_not_stop_reads() {
    let Some(fs_) = Tmpfs::mount("4m") else {
        return;
    };
    // The read-only fallback opens the index by URI: an odd path must
    // survive it.
    let root = &fs_.root().join("news desk ?#%41");
    fs::create_dir(root).unwrap();
    ok_in(root, &["init", "--origin", "full.example/ledger"]);
    ok_in(root, &["key", "generate", "eda", "--out", "keys"]);
    ok_in(root, &["key", "grant", "keys/eda.pub", "--role", "editor"]);
    let add = |label: &str| {
        run_in(
            root,
            &[
                "source",
                "add",
                "--label",
                label,
                "--kind",
                "anonymous_group",
                "--key",
                "keys/eda.key",
            ],
        )
    };
    assert_eq!(add("before").0, Some(0));
    // An index left behind the log: a copy taken before the last append.
    let index = root.join("ledger/index.sqlite");
    let behind = fs::read(&index).unwrap();
    assert_eq!(add("last").0, Some(0));
    for suffix in ["-wal", "-shm"] {
        let _ = fs::remove_file(root.join(format!("ledger/index.sqlite{suffix}")));
    }
    fs::write(&index, behind).unwrap();
    let checkpoint = fs::read(root.join("ledger/checkpoint")).unwrap();

    fs_.fill();
    // Reads answer from every entry, the one the index lacks included.
    let sources = ok_in(root, &["source", "list"]);
    assert!(
        sources.contains("before") && sources.contains("last"),
        "{sources}"
    );
    let log: Value = serde_json::from_str(&ok_in(root, &["log", "--json"])).unwrap();
    assert_eq!(log.as_array().unwrap().len(), 4);
    ok_in(root, &["key", "list"]);
    ok_in(root, &["claims", "--json"]);

    // An append says "disk full", names the index, and writes nothing.
    let (code, stdout, stderr) = add("after");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.is_empty());
    let first = stderr.lines().next().unwrap();
    assert!(
        first.starts_with("provledger: error: disk full: ")
            && first.contains(&index.display().to_string()),
        "{stderr}"
    );
    assert!(!stderr.contains("xShmMap"), "{stderr}");
    assert_eq!(
        fs::read(root.join("ledger/checkpoint")).unwrap(),
        checkpoint
    );
}

#[test]
fn an_article_that_does_not_fit_says_disk_full_naming_the_file() {
    // Room to open the index, not for the article's text: the blob write
    // fails with ENOSPC (or, were the index first, SQLITE_FULL), said as
    // disk full naming the file.
    let Some(fs_) = Tmpfs::mount("4m") else {
        return;
    };
    let root = fs_.root();
    ok_in(root, &["init", "--origin", "full.example/ledger"]);
    ok_in(root, &["key", "generate", "eda", "--out", "keys"]);
    ok_in(root, &["key", "grant", "keys/eda.pub", "--role", "editor"]);
    let big = "A long article. ".repeat(20_000);
    fs::write(root.join("big.txt"), &big).unwrap();
    let fill = fs_.fill();
    // Room for the `-shm` file (32 KiB) and little else.
    let len = fs::metadata(&fill).unwrap().len();
    File::options()
        .write(true)
        .open(&fill)
        .unwrap()
        .set_len(len - 40 * 1024)
        .unwrap();
    let checkpoint = fs::read(root.join("ledger/checkpoint")).unwrap();
    let (code, _, stderr) = run_in(
        root,
        &[
            "article",
            "add",
            "big.txt",
            "--url",
            "https://example.org/big",
            "--publisher",
            "P",
            "--title",
            "T",
            "--key",
            "keys/eda.key",
        ],
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.starts_with("provledger: error: disk full: ")
            && (stderr.contains(&root.join("ledger/blobs/").display().to_string())
                || stderr.contains(&root.join("ledger/index.sqlite").display().to_string())),
        "{stderr}"
    );
    assert!(!stderr.contains("xShmMap"), "{stderr}");
    assert_eq!(
        fs::read(root.join("ledger/checkpoint")).unwrap(),
        checkpoint
    );
    ok_in(root, &["log"]);
}
