//! An honest remote: `provledger mirror` copies it exactly, incrementally,
//! and the copy reads, audits and is read again through `--remote`.

use super::server::Server;
use crate::common::{self, Env};
use provledger::remote::{pull, MirrorReport, RemoteError, RemoteOptions};
use std::path::{Path, PathBuf};

/// After the sample ledger's last entry and before this machine's clock.
pub const LATER: u64 = 1_790_000_000;

/// The repository's sample ledger and its published demo operator key.
pub fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ledger")
}

pub fn demo_key(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("keys/demo")
        .join(name)
}

/// The demo operator's private key, copied where the served ledger's
/// writer looks for it (`private/operator.key`) with mode 0600 (the loader
/// refuses a key others can read).
pub fn operator_key(env: &Env) -> PathBuf {
    let p = env.lpath("private/operator.key");
    if !p.exists() {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::copy(demo_key("operator.key"), &p).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    }
    p
}

/// The demo operator's public key, which the sample ledger's checkpoints
/// verify under.
pub fn operator() -> provledger::keys::PublicKey {
    provledger::keys::load_public_key(&demo_key("operator.pub")).unwrap()
}

/// A pull of `url` into `dir` under [`operator`] with `opts`, which must
/// fail: its error.
pub fn pull_err_with(url: &str, dir: &Path, opts: RemoteOptions) -> RemoteError {
    match pull(url, dir, Some(operator()), opts, &mut |_, _| {}) {
        Ok(r) => panic!("the pull should have failed: {r:?}"),
        Err(e) => e,
    }
}

/// [`pull_err_with`] the default options.
pub fn pull_err(url: &str, dir: &Path) -> RemoteError {
    pull_err_with(url, dir, RemoteOptions::default())
}

/// A pull of `url` into `dir` under [`operator`], which must succeed.
pub fn pull_ok(url: &str, dir: &Path) -> MirrorReport {
    pull(
        url,
        dir,
        Some(operator()),
        RemoteOptions::default(),
        &mut |_, _| {},
    )
    .unwrap_or_else(|e| panic!("pull {url}: {e}"))
}

/// The demo operator's signing key.
pub fn operator_secret(env: &Env) -> provledger::keys::SecretKey {
    provledger::keys::load_secret_key(&operator_key(env)).unwrap()
}

/// A scratch directory whose `ledger/` is a copy of the sample ledger
/// (without its index), served by a loopback server.
pub fn served() -> (Env, Server) {
    let env = Env::with_clock(LATER);
    common::copy_tree(&sample(), &env.ledger(), common::is_local);
    let server = Server::start(&env.ledger());
    (env, server)
}

/// `provledger ARGS` with the scratch cache.
pub fn run(env: &Env, args: &[&str]) -> common::Out {
    env.bare(args)
        .env("PROVLEDGER_CACHE", env.path("cache"))
        .run()
}

/// The mirror's files that a ledger publishes (tiles, blobs, checkpoint,
/// hashes), to compare with the remote's.
pub fn public_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    common::files_under(dir, |rel| {
        common::is_local(rel) || rel.starts_with("remote/") || rel.starts_with("private/")
    })
}

#[test]
fn mirror_copies_the_ledger_exactly_and_the_copy_audits_clean() {
    let (env, server) = served();
    let m = env.path("m");
    let op = demo_key("operator.pub");
    let out = run(
        &env,
        &[
            "mirror",
            &server.url(),
            m.to_str().unwrap(),
            "--operator",
            op.to_str().unwrap(),
            "--json",
        ],
    )
    .ok();
    let report = out.json();
    common::assert_schema("mirror.schema.json", &report);
    assert_eq!(report["size"], 63);
    assert_eq!(report["old_size"], 0);
    assert_eq!(report["entries_added"], 63);
    assert_eq!(report["blobs_fetched"], 2);
    assert_eq!(public_files(&m), public_files(&env.ledger()));
    run(
        &env,
        &[
            "--ledger",
            m.to_str().unwrap(),
            "audit",
            "--operator",
            op.to_str().unwrap(),
        ],
    )
    .ok()
    .stdout_has("audit ok");
    let claims = run(&env, &["--ledger", m.to_str().unwrap(), "claims", "--json"]).ok();
    let local = run(
        &env,
        &[
            "--ledger",
            env.ledger().to_str().unwrap(),
            "claims",
            "--json",
        ],
    )
    .ok();
    assert_eq!(claims.stdout, local.stdout);

    // Again: nothing new, nothing fetched but the checkpoint; the key is pinned.
    let before = server.requests().len();
    let again = run(
        &env,
        &["mirror", &server.url(), m.to_str().unwrap(), "--json"],
    )
    .ok()
    .json();
    assert_eq!(again["entries_added"], 0);
    assert_eq!(again["tiles_fetched"], 0);
    assert_eq!(server.requests()[before..], ["/checkpoint".to_string()]);
}

#[test]
fn a_second_pull_fetches_only_what_is_new_and_replays_it() {
    let (env, server) = served();
    let m = env.path("m");
    let op = demo_key("operator.pub");
    provledger::remote::pull(
        &server.url(),
        &m,
        Some(provledger::keys::load_public_key(&op).unwrap()),
        Default::default(),
        &mut |_, _| {},
    )
    .unwrap();
    // The remote grows by one grant (signed by the operator).
    let keys = env.path("keys");
    env.ok(&["key", "generate", "newbie", "--out", keys.to_str().unwrap()]);
    env.ok(&[
        "key",
        "grant",
        keys.join("newbie.pub").to_str().unwrap(),
        "--role",
        "checker",
        "--display-name",
        "New Checker",
        "--key",
        operator_key(&env).to_str().unwrap(),
    ]);
    let before = server.requests().len();
    let r = provledger::remote::pull(&server.url(), &m, None, Default::default(), &mut |_, _| {})
        .unwrap();
    assert_eq!((r.old_size, r.size, r.entries_added), (63, 64, 1));
    // The checkpoint, the widened entry bundle and level-0 tile only.
    let mut asked = server.requests()[before..].to_vec();
    asked.sort();
    assert_eq!(
        asked,
        ["/checkpoint", "/tile/0/000.p/64", "/tile/entries/000.p/64"]
    );
    assert_eq!(public_files(&m), public_files(&env.ledger()));
    run(
        &env,
        &[
            "--ledger",
            m.to_str().unwrap(),
            "audit",
            "--operator",
            op.to_str().unwrap(),
        ],
    )
    .ok();
    let keys_json = run(
        &env,
        &["--ledger", m.to_str().unwrap(), "key", "list", "--json"],
    )
    .ok();
    assert!(keys_json.stdout.contains("New Checker"), "{keys_json}");
}

#[test]
fn reads_and_audit_with_remote_answer_as_the_local_ledger_does() {
    let (env, server) = served();
    let op = demo_key("operator.pub");
    let url = server.url();
    // The first use needs the key; it says which flag.
    run(&env, &["--remote", &url, "claims"]).error(
        1,
        &format!("the first pull of {url} needs the operator's public key, to check its checkpoints: pass --operator KEY.pub (`--remote-operator KEY.pub` with `--remote` on reads); later pulls use the key pinned then"),
    );
    let audit = run(
        &env,
        &[
            "--remote",
            &url,
            "audit",
            "--operator",
            op.to_str().unwrap(),
            "--json",
        ],
    )
    .ok();
    let report = audit.json();
    assert_eq!(report["ok"], true);
    assert_eq!(report["entries_checked"], 63);
    assert_eq!(report["operator_key_source"], "given");
    let ledger = env.ledger();
    let local = ledger.to_str().unwrap();
    for args in [
        &["status", "fb6079237622", "--json"][..],
        &["history", "fb6079237622", "--json"],
        &["claims", "--status", "disputed", "--json"],
        &["proof", "consistency", "10", "--json"],
        &["proof", "status", "fb6079237622"],
    ] {
        let remote = run(&env, &[&["--remote", &url][..], args].concat()).ok();
        let here = run(&env, &[&["--ledger", local][..], args].concat()).ok();
        assert_eq!(remote.stdout, here.stdout, "{args:?}");
    }
    // With --remote-operator on a read: the same pinned key is fine,
    // another is refused.
    run(
        &env,
        &[
            "--remote",
            &url,
            "--remote-operator",
            op.to_str().unwrap(),
            "claims",
        ],
    )
    .ok();
    let other = demo_key("demo-editor.pub");
    run(
        &env,
        &[
            "--remote",
            &url,
            "--remote-operator",
            other.to_str().unwrap(),
            "claims",
        ],
    )
    .fails_with(1, "pins the operator key demo.provledger.example+94ac44c5+");
    // Commands that neither read nor sign statements are not remote: said,
    // nothing done.
    run(&env, &["--remote", &url, "log"]).error(
        2,
        "--remote is not supported by `log`: reads (status, history, claims, proof), audit and the write commands that sign statements are",
    );
    run(&env, &["--remote", &url, "export", "csv"]).error(
        2,
        "--remote is not supported by `export`: reads (status, history, claims, proof), audit and the write commands that sign statements are",
    );
}

#[test]
fn a_mirror_refuses_another_remote_a_plain_ledger_and_a_first_pull_without_key() {
    let (env, server) = served();
    let m = env.path("m");
    let op = demo_key("operator.pub");
    let url = server.url();
    let ms = m.to_str().unwrap();
    run(&env, &["mirror", &url, ms]).error(1, &format!("the first pull of {url} needs the operator's public key, to check its checkpoints: pass --operator KEY.pub (`--remote-operator KEY.pub` with `--remote` on reads); later pulls use the key pinned then"));
    assert!(!m.join("checkpoint").exists());
    run(
        &env,
        &["mirror", &url, ms, "--operator", op.to_str().unwrap()],
    )
    .ok();
    let other = Server::start(&env.ledger());
    run(&env, &["mirror", &other.url(), ms])
        .error(1, &format!("{ms} mirrors {url}, not {}", other.url()));
    let plain = env.ledger();
    run(&env, &["mirror", &url, plain.to_str().unwrap(), "--operator", op.to_str().unwrap()]).error(
        1,
        &format!("{} holds a ledger that is not a mirror (it has no remote/url); refusing to pull into it", plain.display()),
    );
    run(&env, &["mirror", "ftp://example.org/", ms]).error(
        1,
        "the remote URL ftp://example.org/ cannot be used: only http and https remotes are read",
    );
}
