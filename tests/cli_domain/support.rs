//! A ledger in a temporary directory driven through the `provledger`
//! binary, with the seed article's claims imported, and assertions for
//! commands that must be refused without writing anything.
#![allow(dead_code)]

use serde_json::Value;
use std::cell::Cell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `SOURCE_DATE_EPOCH` of the first command; each command runs a minute later.
pub const T0: u64 = 1_762_600_000;

/// The repository's sample files.
pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample")
        .join(name)
}

/// A published schema, by file name.
pub fn schema(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Panics unless `value` is valid under schemas/`name`, listing every error.
pub fn assert_schema(name: &str, value: &Value) {
    let schema = schema(name);
    let validator = jsonschema::validator_for(&schema)
        .unwrap_or_else(|e| panic!("schemas/{name} is not a valid JSON Schema: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "output does not follow schemas/{name}:\n{}\n\noutput:\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(value).unwrap()
    );
}

/// What a command did.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    fn from(out: Output) -> Ran {
        Ran {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// stdout as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// A temporary directory with a ledger (`ledger/`) and keys (`keys/`).
pub struct Env {
    dir: tempfile::TempDir,
    clock: Cell<u64>,
}

impl Env {
    /// An empty directory.
    pub fn new() -> Env {
        Env {
            dir: tempfile::Builder::new()
                .prefix("provledger-domain-")
                .tempdir()
                .unwrap(),
            clock: Cell::new(T0),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn ledger(&self) -> PathBuf {
        self.root().join("ledger")
    }

    /// A key file: `keys/NAME.key`.
    pub fn key(&self, name: &str) -> String {
        self.root()
            .join("keys")
            .join(format!("{name}.key"))
            .display()
            .to_string()
    }

    /// The time the next command will run at.
    pub fn now(&self) -> u64 {
        self.clock.get()
    }

    /// Runs `provledger --ledger LEDGER ARGS` one minute after the last command.
    pub fn run(&self, args: &[&str]) -> Ran {
        let t = self.clock.get();
        self.clock.set(t + 60);
        let out = Command::new(env!("CARGO_BIN_EXE_provledger"))
            .current_dir(self.root())
            .env_remove("PROVLEDGER_DIR")
            .env_remove("PROVLEDGER_OPERATOR_KEY")
            .env_remove("PROVLEDGER_KEY")
            .env("SOURCE_DATE_EPOCH", t.to_string())
            .env("NO_COLOR", "1")
            .arg("--ledger")
            .arg(self.ledger())
            .args(args)
            .output()
            .expect("run provledger");
        Ran::from(out)
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(
            r.code, 0,
            "provledger {args:?} failed (exit {}):\n{}{}",
            r.code, r.stdout, r.stderr
        );
        r.stdout
    }

    /// Runs a command that must succeed and print JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{out}"))
    }

    /// The ledger's checkpoint, byte for byte.
    pub fn checkpoint(&self) -> Vec<u8> {
        std::fs::read(self.ledger().join("checkpoint")).unwrap()
    }

    /// Every file of the ledger (path → bytes), the derived index and the
    /// lock file left out: what "nothing is written" is about.
    pub fn ledger_files(&self) -> std::collections::BTreeMap<String, Vec<u8>> {
        fn walk(base: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                if rel.starts_with("index.sqlite") || rel == "lock" {
                    continue;
                }
                if p.is_dir() {
                    walk(base, &p, out);
                } else {
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
        let mut out = std::collections::BTreeMap::new();
        walk(&self.ledger(), &self.ledger(), &mut out);
        out
    }

    /// Runs a command that must be refused with exit `code` and `message`
    /// on stderr, leaving every file of the ledger as it was.
    pub fn refused(&self, args: &[&str], code: i32, message: &str) -> Ran {
        let before = self.checkpoint();
        let files = self.ledger_files();
        let r = self.run(args);
        assert_eq!(
            r.code, code,
            "provledger {args:?}: want exit {code}, got {}:\n{}{}",
            r.code, r.stdout, r.stderr
        );
        assert!(
            r.stderr.contains(message),
            "provledger {args:?}: stderr does not say {message:?}:\n{}",
            r.stderr
        );
        assert!(
            r.stdout.is_empty(),
            "a refused command printed on stdout:\n{}",
            r.stdout
        );
        assert_eq!(
            self.checkpoint(),
            before,
            "provledger {args:?} was refused but the checkpoint changed"
        );
        let after = self.ledger_files();
        assert!(
            after == files,
            "provledger {args:?} was refused but wrote {:?}",
            after
                .keys()
                .filter(|k| files.get(*k) != after.get(*k))
                .collect::<Vec<_>>()
        );
        r
    }

    /// `audit` exits 0.
    pub fn assert_audit_clean(&self) {
        let r = self.run(&["audit"]);
        assert_eq!(r.code, 0, "audit failed:\n{}{}", r.stdout, r.stderr);
        assert!(r.stdout.contains("audit ok"), "{}", r.stdout);
    }
}

/// The seed article's ledger: an editor (eda) and two checkers (cem,
/// chloe), article v1 and the claims of sample/claims-v1.json.
pub struct Seeded {
    pub env: Env,
    /// Version 1 of the article.
    pub v1: String,
    /// Source ids by their ref in the import file.
    pub sources: HashMap<String, String>,
    /// Claim ids by their ref in the import file.
    pub claims: HashMap<String, String>,
}

impl std::ops::Deref for Seeded {
    type Target = Env;
    fn deref(&self) -> &Env {
        &self.env
    }
}

impl Seeded {
    pub fn new() -> Seeded {
        let env = Env::new();
        env.ok(&["init", "--origin", "test.example/ledger"]);
        let keys = env.root().join("keys").display().to_string();
        for (name, display, role) in [
            ("eda", "Eda Editor", "editor"),
            ("cem", "Cem Checker", "checker"),
            ("chloe", "Chloe Checker", "checker"),
        ] {
            env.ok(&["key", "generate", name, "--out", &keys]);
            let public = format!("{keys}/{name}.pub");
            env.ok(&[
                "key",
                "grant",
                &public,
                "--role",
                role,
                "--display-name",
                display,
            ]);
        }
        let receipt = env.json(&[
            "article",
            "add",
            sample("article-v1.txt").to_str().unwrap(),
            "--url",
            "https://www.sundayguardianlive.com/world/afghan-pakistan-talks-istanbul",
            "--publisher",
            "The Sunday Guardian",
            "--title",
            "Afghan-Pakistan negotiations fail in Istanbul",
            "--published",
            "2025-11-08T06:00:00Z",
            "--key",
            &env.key("eda"),
        ]);
        let v1 = receipt[0]["id"].as_str().unwrap().to_string();
        let receipts = env.json(&[
            "claim",
            "import",
            sample("claims-v1.json").to_str().unwrap(),
            "--article",
            &v1[..12],
            "--key",
            &env.key("eda"),
        ]);
        let file: Value =
            serde_json::from_str(&std::fs::read_to_string(sample("claims-v1.json")).unwrap())
                .unwrap();
        let refs = |section: &str| -> Vec<String> {
            file[section]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["ref"].as_str().unwrap().to_string())
                .collect()
        };
        let (source_refs, claim_refs) = (refs("sources"), refs("claims"));
        let receipts = receipts.as_array().unwrap();
        assert_eq!(receipts.len(), source_refs.len() + claim_refs.len());
        let ids: Vec<(String, String)> = receipts
            .iter()
            .map(|r| {
                (
                    r["kind"].as_str().unwrap().to_string(),
                    r["id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let (s, c) = ids.split_at(source_refs.len());
        assert!(s.iter().all(|(k, _)| k == "source.record"));
        assert!(c.iter().all(|(k, _)| k == "claim.record"));
        Seeded {
            env,
            v1,
            sources: source_refs
                .into_iter()
                .zip(s.iter().map(|(_, id)| id.clone()))
                .collect(),
            claims: claim_refs
                .into_iter()
                .zip(c.iter().map(|(_, id)| id.clone()))
                .collect(),
        }
    }

    /// The id of claim `name` (its ref in the import file).
    pub fn claim(&self, name: &str) -> &str {
        &self.claims[name]
    }

    /// The id of source `name`.
    pub fn source(&self, name: &str) -> &str {
        &self.sources[name]
    }

    /// Signs a verdict with checker `who`'s key; returns the verification id.
    pub fn verify(&self, who: &str, claim: &str, verdict: &str) -> String {
        let r = self.json(&[
            "verify",
            self.claim(claim),
            "--verdict",
            verdict,
            "--key",
            &self.key(who),
        ]);
        r[0]["id"].as_str().unwrap().to_string()
    }

    /// `status CLAIM --json`, checked against the schema.
    pub fn status(&self, claim: &str) -> Value {
        let v = self.json(&["status", self.claim(claim)]);
        assert_schema("status.schema.json", &v);
        v
    }

    /// Records article v2 (sample/article-v2-illustrative.txt); returns its id.
    pub fn update_article(&self) -> String {
        let r = self.json(&[
            "article",
            "update",
            &self.v1,
            sample("article-v2-illustrative.txt").to_str().unwrap(),
            "--key",
            &self.key("eda"),
        ]);
        r[0]["id"].as_str().unwrap().to_string()
    }

    /// Runs `claim revise CLAIM ARGS --key eda`.
    pub fn revise(&self, claim: &str, args: &[&str]) -> String {
        let eda = self.key("eda");
        let mut all = vec!["claim", "revise", self.claim(claim)];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--key", &eda]);
        let r = self.json(&all);
        r[0]["id"].as_str().unwrap().to_string()
    }
}

/// The private key in the file at `path`.
pub fn key(path: &str) -> provledger::keys::SecretKey {
    provledger::keys::load_secret_key(Path::new(path)).unwrap()
}

/// Signs `body` with `signer` and writes it at the end of the log of `s` by
/// hand, past the rules, as a buggy or older writer could have; returns its
/// index. The writer waits for the lock: a sibling test's child holds a
/// copy of the flock between fork and exec.
pub fn force(
    s: &Seeded,
    signer: &provledger::keys::SecretKey,
    body: provledger::statement::Body,
) -> u64 {
    use provledger::statement::{SignedStatement, Statement};
    let operator = key(s.ledger().join("private/operator.key").to_str().unwrap());
    let at = s.now();
    let st = SignedStatement::sign(&Statement { at, body }, signer).unwrap();
    let mut w =
        provledger::log::Log::open_writer(s.ledger(), Some(std::time::Duration::from_secs(30)))
            .unwrap();
    w.append(&[st.bytes().to_vec()], at, &operator.note_signer())
        .unwrap()[0]
}
