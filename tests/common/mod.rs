//! Helpers for the command tests: a scratch directory, a way to run the
//! `provledger` binary in it and look at what it printed, deterministic keys,
//! ledgers built quickly through the library, and byte surgery on them.
//!
//! Every command run through [`Run`] is also checked for leaked private key
//! material: before returning, its stdout and stderr are scanned for every
//! private key file in the scratch directory (base64 and hex of the seed).
#![allow(dead_code)]

use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use provledger::keys::{self, SecretKey};
use provledger::ledger::Ledger;
use provledger::statement::{Body, KeyGrant, Role, SignedStatement, Statement};
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The time every test statement and leaf carries (`SOURCE_DATE_EPOCH`).
pub const T0: u64 = 1_700_000_000;

/// The origin (operator key name) of the ledgers the tests make.
pub const ORIGIN: &str = "test.example/ledger";

/// A scratch directory that holds a ledger (`ledger/`), key files and
/// anything else a test writes; removed when dropped.
pub struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    /// A fresh, empty scratch directory.
    pub fn new() -> Env {
        Env {
            dir: tempfile::Builder::new()
                .prefix("provledger-cli-")
                .tempdir()
                .expect("create a temporary directory"),
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
    /// with a clean environment: no `PROVLEDGER_*` variables, and
    /// `SOURCE_DATE_EPOCH` set to [`T0`].
    pub fn bare<S: AsRef<OsStr>>(&self, args: &[S]) -> Run<'_> {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_provledger"));
        cmd.current_dir(self.root())
            .env_remove("PROVLEDGER_DIR")
            .env_remove("PROVLEDGER_OPERATOR_KEY")
            .env_remove("PROVLEDGER_KEY")
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LOG")
            .env("SOURCE_DATE_EPOCH", T0.to_string())
            .env("NO_COLOR", "1")
            .args(args);
        Run { env: self, cmd }
    }

    /// Shorthand for `self.cmd(args).run()`.
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Out {
        self.cmd(args).run()
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
        let mut out = Vec::new();
        let mut stack = vec![self.root().to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(rd) = fs::read_dir(&dir) else { continue };
            for e in rd.flatten() {
                let p = e.path();
                let name = e.file_name();
                if p.is_dir() {
                    // The log's own directories hold no keys and can be big.
                    if !matches!(name.to_str(), Some("tile" | "blobs")) {
                        stack.push(p);
                    }
                } else if e.metadata().is_ok_and(|m| m.len() < 4096) {
                    let Ok(text) = fs::read_to_string(&p) else {
                        continue;
                    };
                    let text = text.trim();
                    if let Some(b64) = text
                        .strip_prefix("PRIVATE+KEY+")
                        .and_then(|rest| rest.splitn(3, '+').nth(2))
                    {
                        out.extend(secret_forms(b64));
                    }
                }
            }
        }
        out
    }
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

    /// Runs the command and captures what it printed. Fails the test if it
    /// printed any private key.
    pub fn run(mut self) -> Out {
        let o = self
            .cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run {:?}: {e}", self.cmd));
        let out = Out {
            what: format!("{:?}", self.cmd),
            stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
            code: o.status.code(),
        };
        for s in self.env.secrets() {
            assert!(
                !out.stdout.contains(&s) && !out.stderr.contains(&s),
                "private key material printed!\n{out}"
            );
        }
        out
    }
}

/// What a command printed and how it exited.
pub struct Out {
    pub what: String,
    pub stdout: String,
    pub stderr: String,
    pub code: Option<i32>,
}

impl std::fmt::Display for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} exited with {:?}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.what, self.code, self.stdout, self.stderr
        )
    }
}

impl Out {
    /// Asserts success; returns self.
    #[track_caller]
    pub fn ok(self) -> Out {
        assert_eq!(self.code, Some(0), "expected success:\n{self}");
        self
    }

    /// Asserts exit code `code`; returns self.
    #[track_caller]
    pub fn code(self, code: i32) -> Out {
        assert_eq!(self.code, Some(code), "expected exit code {code}:\n{self}");
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

/// Copies the ledger directory `from` to `to` (which must not exist).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).unwrap();
            fs::set_permissions(&target, e.metadata().unwrap().permissions()).unwrap();
        }
    }
}

/// Flips every bit of byte `at` of `path`.
pub fn flip_byte(path: &Path, at: usize) {
    let mut b = fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    b[at] ^= 0xff;
    fs::write(path, b).unwrap();
}

/// The entries of an entry bundle (uint16 big-endian length ‖ leaf, ...).
pub fn read_bundle(path: &Path) -> Vec<Vec<u8>> {
    let b = fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < b.len() {
        let len = usize::from(u16::from_be_bytes([b[pos], b[pos + 1]]));
        out.push(b[pos + 2..pos + 2 + len].to_vec());
        pos += 2 + len;
    }
    out
}

/// Writes `entries` as an entry bundle.
pub fn write_bundle(path: &Path, entries: &[Vec<u8>]) {
    let mut b = Vec::new();
    for e in entries {
        b.extend_from_slice(&u16::try_from(e.len()).unwrap().to_be_bytes());
        b.extend_from_slice(e);
    }
    fs::write(path, b).unwrap();
}

/// Byte offset, within its entry bundle, of the first byte of entry `i`'s
/// leaf (after its length prefix).
pub fn leaf_offset(bundle: &[Vec<u8>], i: usize) -> usize {
    bundle[..i].iter().map(|e| 2 + e.len()).sum::<usize>() + 2
}
