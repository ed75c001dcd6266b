//! Helpers for the command tests: a scratch directory, a way to run the
//! `provledger` binary in it and look at what it printed, deterministic keys,
//! ledgers built quickly through the library, and (in `files`) byte surgery
//! on them and the walk that shows nothing was written; (in `schema`) the
//! JSON Schema assertion.
//!
//! Every command run through [`Env`] (`run`, `ok`, `json`, `refused`, or
//! `cmd(..).run()`) is also checked for leaked private key material: before
//! returning, its stdout and stderr are scanned for every private key file
//! in the scratch directory (base64 and hex of the seed). Tests that drive
//! the binary by hand (pipes, terminals, signals) check what they captured
//! with [`assert_no_secrets`].
#![allow(dead_code)]

mod files;
mod schema;

pub use files::*;
pub use schema::*;

use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use provledger::digest::Digest;
use provledger::keys::{self, SecretKey};
use provledger::ledger::Ledger;
use provledger::statement::{ArticleRecord, Body, KeyGrant, Role, SignedStatement, Statement};
use serde_json::Value;
use std::cell::Cell;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The time every test statement and leaf carries (`SOURCE_DATE_EPOCH`).
pub const T0: u64 = 1_700_000_000;

/// The origin (operator key name) of the ledgers the tests make.
pub const ORIGIN: &str = "test.example/ledger";

/// A scratch directory that holds a ledger (`ledger/`), key files and
/// anything else a test writes; removed when dropped. Its clock
/// (`SOURCE_DATE_EPOCH` of the commands it runs) stands still at [`T0`], or,
/// made by [`Env::with_clock`], moves a minute on with every command.
pub struct Env {
    dir: tempfile::TempDir,
    clock: Cell<u64>,
    tick: u64,
}

impl Env {
    /// A fresh, empty scratch directory whose commands all run at [`T0`].
    pub fn new() -> Env {
        Env::clocked(T0, 0)
    }

    /// A fresh, empty scratch directory whose first command runs at `start`
    /// and each later one a minute after the one before.
    pub fn with_clock(start: u64) -> Env {
        Env::clocked(start, 60)
    }

    fn clocked(start: u64, tick: u64) -> Env {
        Env {
            dir: tempfile::Builder::new()
                .prefix("provledger-test-")
                .tempdir()
                .expect("create a temporary directory"),
            clock: Cell::new(start),
            tick,
        }
    }

    /// A fresh scratch directory with a ledger made by `provledger init`.
    pub fn with_ledger() -> Env {
        let env = Env::new();
        env.run(&["init", "--origin", ORIGIN]).ok();
        env
    }

    /// The scratch directory.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `rel` inside the scratch directory.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// The ledger directory every command is pointed at.
    pub fn ledger(&self) -> PathBuf {
        self.path("ledger")
    }

    /// `rel` inside the ledger directory.
    pub fn lpath(&self, rel: &str) -> PathBuf {
        self.ledger().join(rel)
    }

    /// The operator's public key file that `init` writes.
    pub fn operator_pub(&self) -> PathBuf {
        self.lpath("private/operator.pub")
    }

    /// `provledger --ledger LEDGER ARGS...`, run in the scratch directory.
    pub fn cmd<S: AsRef<OsStr>>(&self, args: &[S]) -> Run<'_> {
        let mut run = self.bare(&["--ledger"]);
        run.cmd.arg(self.ledger()).args(args);
        run
    }

    /// `provledger ARGS...` without `--ledger`, run in the scratch directory
    /// with a clean environment: no `PROVLEDGER_*` variables but
    /// `PROVLEDGER_ALLOW_PRIVATE_ADDRESSES=1`, and
    /// `SOURCE_DATE_EPOCH` set to the clock ([`Env::now`]), which then moves
    /// on if it is a moving one.
    pub fn bare<S: AsRef<OsStr>>(&self, args: &[S]) -> Run<'_> {
        let t = self.clock.get();
        self.clock.set(t + self.tick);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_provledger"));
        cmd.current_dir(self.root())
            .env_remove("PROVLEDGER_DIR")
            .env_remove("PROVLEDGER_OPERATOR_KEY")
            .env_remove("PROVLEDGER_KEY")
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LOG")
            // Capture refuses non-public addresses; the tests' servers are
            // on loopback (the refusal tests remove this).
            .env("PROVLEDGER_ALLOW_PRIVATE_ADDRESSES", "1")
            .env("SOURCE_DATE_EPOCH", t.to_string())
            .env("NO_COLOR", "1")
            .args(args);
        Run { env: self, cmd }
    }

    /// Shorthand for `self.cmd(args).run()`.
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Out {
        self.cmd(args).run()
    }

    /// Runs a command that must succeed; returns its stdout.
    #[track_caller]
    pub fn ok<S: AsRef<OsStr>>(&self, args: &[S]) -> String {
        self.run(args).ok().stdout
    }

    /// Runs a command with `--json` that must succeed and print JSON.
    #[track_caller]
    pub fn json<S: AsRef<OsStr>>(&self, args: &[S]) -> Value {
        let mut run = self.cmd(args);
        run.cmd.arg("--json");
        run.run().ok().json()
    }

    /// Runs a command that must be refused with exit `code` and `message`
    /// on stderr, printing nothing on stdout and leaving every file of the
    /// ledger as it was.
    #[track_caller]
    pub fn refused<S: AsRef<OsStr>>(&self, args: &[S], code: i32, message: &str) -> Out {
        let files = self.ledger_files();
        let r = self.run(args);
        assert_eq!(r.code, code, "want exit {code}:\n{r}");
        assert!(
            r.stderr.contains(message),
            "stderr does not say {message:?}:\n{r}"
        );
        assert!(
            r.stdout.is_empty(),
            "a refused command printed on stdout:\n{r}"
        );
        self.assert_unchanged(&files, &r.what);
        r
    }

    /// Asserts the ledger's files are still `before` ([`Env::ledger_files`]);
    /// `what` says what ran.
    #[track_caller]
    pub fn assert_unchanged(
        &self,
        before: &std::collections::BTreeMap<String, Vec<u8>>,
        what: &str,
    ) {
        let after = self.ledger_files();
        assert!(
            &after == before,
            "{what} was refused but wrote {:?}",
            after
                .keys()
                .chain(before.keys())
                .filter(|k| before.get(*k) != after.get(*k))
                .collect::<std::collections::BTreeSet<_>>()
        );
    }

    /// `audit` exits 0 and says so.
    #[track_caller]
    pub fn assert_audit_clean(&self) {
        self.run(&["audit"]).ok().stdout_has("audit ok");
    }

    /// A key file: `keys/NAME.key`, as [`Env::keygen`] writes it.
    pub fn key(&self, name: &str) -> String {
        self.path(&format!("keys/{name}.key")).display().to_string()
    }

    /// The time the next command will run at.
    pub fn now(&self) -> u64 {
        self.clock.get()
    }

    /// The ledger's checkpoint, byte for byte.
    pub fn checkpoint(&self) -> Vec<u8> {
        fs::read(self.lpath("checkpoint")).expect("read checkpoint")
    }

    /// Every file of the ledger (path → bytes), the derived index and the
    /// lock file left out: what "nothing is written" is about.
    pub fn ledger_files(&self) -> std::collections::BTreeMap<String, Vec<u8>> {
        ledger_files(&self.ledger())
    }

    /// `key generate NAME --out keys`: returns the private and public key
    /// files.
    pub fn keygen(&self, name: &str) -> (PathBuf, PathBuf) {
        self.run(&["key", "generate", name, "--out", "keys"]).ok();
        (
            self.path(&format!("keys/{name}.key")),
            self.path(&format!("keys/{name}.pub")),
        )
    }

    /// Generates key NAME and grants it `role` with the operator key;
    /// returns its key files.
    pub fn granted(&self, name: &str, role: &str) -> (PathBuf, PathBuf) {
        let (key, public) = self.keygen(name);
        self.run(&[
            OsStr::new("key"),
            OsStr::new("grant"),
            public.as_os_str(),
            OsStr::new("--role"),
            OsStr::new(role),
        ])
        .ok();
        (key, public)
    }

    /// The number of entries, as the checkpoint says.
    pub fn size(&self) -> u64 {
        checkpoint_size(&fs::read(self.lpath("checkpoint")).expect("read checkpoint"))
    }

    /// Every secret that must never be printed: for each private key file
    /// under the scratch directory, the base64 of its encoded seed, the
    /// base64 of the bare seed and its hex.
    pub fn secrets(&self) -> Vec<String> {
        secrets_under(self.root())
    }
}

/// The secrets of every private key file under `root` ([`Env::secrets`]).
pub fn secrets_under(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    // The log's own directories hold no keys and can be big.
    for (_, p) in walk(root, |rel| {
        matches!(rel.rsplit('/').next(), Some("tile" | "blobs"))
    }) {
        if !fs::metadata(&p).is_ok_and(|m| m.is_file() && m.len() < 4096) {
            continue;
        }
        let Ok(text) = fs::read_to_string(&p) else {
            continue;
        };
        if let Some(b64) = text
            .trim()
            .strip_prefix("PRIVATE+KEY+")
            .and_then(|rest| rest.splitn(3, '+').nth(2))
        {
            out.extend(secret_forms(b64));
        }
    }
    out
}

/// Fails the test if `what`'s `stdout` or `stderr` holds the secret of any
/// private key file under `root`.
#[track_caller]
pub fn assert_no_secrets(root: &Path, what: &str, stdout: &[u8], stderr: &[u8]) {
    let (stdout, stderr) = (
        String::from_utf8_lossy(stdout),
        String::from_utf8_lossy(stderr),
    );
    for s in secrets_under(root) {
        assert!(
            !stdout.contains(&s) && !stderr.contains(&s),
            "private key material printed by {what}!\n--- stdout ---\n{stdout}--- stderr ---\n{stderr}"
        );
    }
}

/// [`assert_no_secrets`] on a finished command's output; returns it.
#[track_caller]
pub fn scanned(root: &Path, what: &str, out: Output) -> Output {
    assert_no_secrets(root, what, &out.stdout, &out.stderr);
    out
}

/// The printable forms of a private key whose signed-note base64 is `b64`.
fn secret_forms(b64: &str) -> Vec<String> {
    let mut forms = vec![b64.to_string()];
    if let Ok(raw) = BASE64.decode(b64) {
        if raw.len() == 33 {
            let seed = &raw[1..];
            forms.push(BASE64.encode(seed));
            forms.push(hex::encode(seed));
            forms.push(hex::encode_upper(seed));
        }
    }
    // A short secret could match by accident; ours are 32 bytes.
    forms.retain(|f| f.len() >= 40);
    forms
}

/// A command about to run.
pub struct Run<'a> {
    env: &'a Env,
    cmd: Command,
}

impl Run<'_> {
    /// Adds an environment variable.
    pub fn env(mut self, k: &str, v: impl AsRef<OsStr>) -> Self {
        self.cmd.env(k, v);
        self
    }

    /// Removes an environment variable.
    pub fn env_remove(mut self, k: &str) -> Self {
        self.cmd.env_remove(k);
        self
    }

    /// Adds an argument.
    pub fn arg(mut self, a: impl AsRef<OsStr>) -> Self {
        self.cmd.arg(a);
        self
    }

    /// Runs the command and captures what it printed. Fails the test if it
    /// printed any private key.
    #[track_caller]
    pub fn run(mut self) -> Out {
        let what = format!("{:?}", self.cmd);
        let o = self
            .cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
        assert_no_secrets(self.env.root(), &what, &o.stdout, &o.stderr);
        Out {
            what,
            stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
            code: Code(o.status.code()),
        }
    }
}

/// What a command printed and how it exited.
pub struct Out {
    pub what: String,
    pub stdout: String,
    pub stderr: String,
    pub code: Code,
}

/// An exit code (`None`: killed by a signal), which compares with an `i32`
/// and with an `Option<i32>` (`assert_eq!(out.code, 3)`,
/// `out.code != Some(0)`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Code(pub Option<i32>);

impl PartialEq<i32> for Code {
    fn eq(&self, other: &i32) -> bool {
        self.0 == Some(*other)
    }
}

impl PartialEq<Option<i32>> for Code {
    fn eq(&self, other: &Option<i32>) -> bool {
        self.0 == *other
    }
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(c) => write!(f, "{c}"),
            None => f.write_str("a signal"),
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

/// The name the domain tests (`crate::support`) know [`Out`] by.
pub type Ran = Out;

impl std::fmt::Display for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} exited with {}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.what, self.code, self.stdout, self.stderr
        )
    }
}

impl Out {
    /// Asserts success; returns self.
    #[track_caller]
    pub fn ok(self) -> Out {
        assert_eq!(self.code, 0, "expected success:\n{self}");
        self
    }

    /// Asserts exit code `code`; returns self.
    #[track_caller]
    pub fn code(self, code: i32) -> Out {
        assert_eq!(self.code, code, "expected exit code {code}:\n{self}");
        self
    }

    /// Asserts the error is exactly `provledger: error: MSG` (plus optional
    /// hint lines), with exit code `code`, and nothing on stdout.
    #[track_caller]
    pub fn error(self, code: i32, msg: &str) -> Out {
        let out = self.code(code);
        let first = out.stderr.lines().next().unwrap_or_default();
        assert_eq!(first, format!("provledger: error: {msg}"), "\n{out}");
        assert_eq!(out.stdout, "", "a failed command printed on stdout:\n{out}");
        out
    }

    /// Asserts the command answered no: exit 3 and stderr's first line is
    /// exactly `provledger: MSG` (not an error: the command ran).
    #[track_caller]
    pub fn answer_no(self, msg: &str) -> Out {
        let out = self.code(3);
        let first = out.stderr.lines().next().unwrap_or_default();
        assert_eq!(first, format!("provledger: {msg}"), "\n{out}");
        out
    }

    /// Asserts exit code `code` and that stderr contains `needle`.
    #[track_caller]
    pub fn fails_with(self, code: i32, needle: &str) -> Out {
        let out = self.code(code);
        assert!(
            out.stderr.contains(needle),
            "stderr should contain {needle:?}:\n{out}"
        );
        out
    }

    /// Asserts stdout contains `needle`.
    #[track_caller]
    pub fn stdout_has(self, needle: &str) -> Out {
        assert!(
            self.stdout.contains(needle),
            "stdout should contain {needle:?}:\n{self}"
        );
        self
    }

    /// Asserts stderr contains `needle`.
    #[track_caller]
    pub fn stderr_has(self, needle: &str) -> Out {
        assert!(
            self.stderr.contains(needle),
            "stderr should contain {needle:?}:\n{self}"
        );
        self
    }

    /// Stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{self}"))
    }
}

/// The variable that sets the seed of the crash tests' randomness.
pub const SEED_ENV: &str = "PROVLEDGER_TEST_SEED";

/// The seed of a randomised test: `PROVLEDGER_TEST_SEED` if set, else one
/// from the clock. Printed, so that a failing run (whose output the harness
/// shows) says how to repeat it. Never 0.
pub fn seed() -> u64 {
    let seed = match std::env::var(SEED_ENV) {
        Ok(s) => s
            .parse()
            .unwrap_or_else(|e| panic!("{SEED_ENV}={s:?} is not a u64: {e}")),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64,
    } | 1;
    println!("seed {seed} (repeat with {SEED_ENV}={seed})");
    seed
}

/// The arguments that make this test binary run only the crash-test child
/// `name` (an `#[ignore]`d test, so that a plain `cargo test` never runs it).
pub fn child_args(name: &str) -> [&str; 5] {
    [
        "--ignored",
        "--exact",
        name,
        "--nocapture",
        "--test-threads=1",
    ]
}

/// The tree size a signed checkpoint states (its second line).
pub fn checkpoint_size(note: &[u8]) -> u64 {
    std::str::from_utf8(note)
        .expect("checkpoint is UTF-8")
        .lines()
        .nth(1)
        .and_then(|l| l.parse().ok())
        .expect("checkpoint has a size line")
}

/// A deterministic key named `name` from a 32-byte seed built from `n`.
pub fn fixed_key(name: &str, n: u64) -> SecretKey {
    let mut seed = [0x5au8; 32];
    seed[..8].copy_from_slice(&n.to_be_bytes());
    SecretKey::from_signing_key(name, ed25519_dalek::SigningKey::from_bytes(&seed))
        .expect("a valid key name")
}

/// The operator key of library-built ledgers.
pub fn operator() -> SecretKey {
    fixed_key(ORIGIN, u64::MAX)
}

/// A `key.grant` of `grantee`'s key with `roles`, signed by `signer` at T0.
pub fn grant(signer: &SecretKey, grantee: &SecretKey, roles: &[Role]) -> SignedStatement {
    SignedStatement::sign(
        &Statement {
            at: T0,
            body: Body::KeyGrant(KeyGrant {
                key: grantee.public().to_note_string(),
                display_name: format!("Desk {}", grantee.public().name()),
                roles: roles.to_vec(),
            }),
        },
        signer,
    )
    .expect("sign a grant")
}

/// An `article.record` of `text` at `https://news.example/a`, signed at T0
/// by key0 (an editor of [`library_ledger`] with one grant or more).
pub fn article_record(text: &str) -> SignedStatement {
    SignedStatement::sign(
        &Statement {
            at: T0,
            body: Body::ArticleRecord(ArticleRecord {
                url: "https://news.example/a".into(),
                publisher: "News".into(),
                title: "A".into(),
                published_at: None,
                retrieved_at: T0,
                content: Digest::of(text.as_bytes()),
                length: text.len() as u64,
                supersedes: None,
                capture: None,
            }),
        },
        &fixed_key("key0", 0),
    )
    .expect("sign an article record")
}

/// Creates, through the library, a ledger in `env.ledger()` owned by
/// [`operator`] (its key files in `private/` as `init` leaves them), with
/// `grants` editor grants after the genesis, appended as one batch. Returns
/// the statement ids in log order.
pub fn library_ledger(env: &Env, grants: u64) -> Vec<String> {
    let op = operator();
    let statements = (0..grants)
        .map(|i| grant(&op, &fixed_key(&format!("key{i}"), i), &[Role::Editor]))
        .collect();
    library_ledger_with(env, statements)
}

/// Like [`library_ledger`], with `statements` appended after the genesis.
pub fn library_ledger_with(env: &Env, statements: Vec<SignedStatement>) -> Vec<String> {
    let dir = env.ledger();
    let op = operator();
    let mut l = Ledger::init(&dir, &op, "library-built test ledger", 1, T0).expect("init");
    fs::create_dir_all(dir.join("private")).unwrap();
    keys::write_key_files(
        &Ledger::default_operator_key_path(&dir),
        &dir.join("private/operator.pub"),
        &op,
    )
    .expect("write the operator key");
    l.append(statements, &op, T0).expect("append");
    (0..l.size())
        .map(|seq| l.entry(seq).unwrap().statement.id().to_hex())
        .collect()
}
