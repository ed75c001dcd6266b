//! A ledger in a temporary directory driven through the `provledger`
//! binary, with the seed article's claims imported (`Seeded`), and statements
//! forced into its log past the rules (`force`). The scratch directory, the
//! command runner and the refusal assertions are `crate::common`'s `Env`,
//! here with a clock that moves a minute on with every command.
#![allow(dead_code)]

pub use crate::common::{assert_schema, schema, Env, Ran};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// `SOURCE_DATE_EPOCH` of the first command; each command runs a minute later.
pub const T0: u64 = 1_762_600_000;

/// The repository's sample files.
pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample")
        .join(name)
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
        let env = Env::with_clock(T0);
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
