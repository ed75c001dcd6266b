//! `init` and `key generate|grant|revoke|list`: what they write, and every
//! refusal with its message. A refused command must leave the ledger
//! byte for byte as it was.

use crate::common::{Env, ORIGIN};
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Every file of a ledger with its bytes, except the derived index and the
/// lock file (which a reader may touch).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    crate::common::ledger_files(dir)
}

/// Asserts that the ledger still holds exactly what `before` recorded and
/// that `log` still lists `entries` entries.
#[track_caller]
fn assert_unchanged(env: &Env, before: &BTreeMap<String, Vec<u8>>, entries: u64) {
    let now = snapshot(&env.ledger());
    assert_eq!(
        now.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "files were added or removed"
    );
    for (k, v) in before {
        assert!(now[k] == *v, "{k} changed");
    }
    assert_eq!(env.size(), entries);
    let log = env.run(&["log", "--json"]).ok().json();
    assert_eq!(log.as_array().unwrap().len() as u64, entries);
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn init_creates_the_operator_key_and_prints_its_public_key() {
    let env = Env::new();
    let out = env.run(&["init", "--origin", ORIGIN]).ok();
    let public = fs::read_to_string(env.operator_pub()).unwrap();
    assert_eq!(out.stdout, public, "init prints the operator verifier key");
    assert!(public.starts_with(&format!("{ORIGIN}+")), "{public}");
    let key = env.lpath("private/operator.key");
    assert_eq!(mode(&key), 0o600);
    assert_eq!(mode(&env.lpath("private")), 0o700);
    assert!(fs::read_to_string(&key)
        .unwrap()
        .starts_with(&format!("PRIVATE+KEY+{ORIGIN}+")));
    assert_eq!(
        out.stderr,
        format!(
            "created operator key {} (keep it secret; never publish LEDGER/private/)\n\
             created ledger {} with origin {ORIGIN}\n",
            key.display(),
            env.ledger().display()
        )
    );
    assert_eq!(env.size(), 1);
    env.run(&["audit"]).ok().stdout_has("audit ok");
}

#[test]
fn init_refuses_an_existing_ledger_and_changes_nothing() {
    let env = Env::with_ledger();
    let before = snapshot(&env.ledger());
    env.run(&["init", "--origin", "other.example"]).error(
        1,
        &format!(
            "{} already holds a ledger; refusing to overwrite it",
            env.ledger().display()
        ),
    );
    assert_unchanged(&env, &before, 1);
}

#[test]
fn init_with_a_given_key_uses_its_name_as_origin_and_writes_no_key() {
    let env = Env::new();
    env.run(&["key", "generate", "news.example", "--out", "keys"])
        .ok();
    let out = env
        .run(&[
            "init",
            "--key",
            "keys/news.example.key",
            "--origin",
            "ignored",
        ])
        .ok();
    assert_eq!(
        out.stdout,
        fs::read_to_string(env.path("keys/news.example.pub")).unwrap()
    );
    assert!(
        !env.lpath("private").exists(),
        "init --key must not write a key"
    );
    let cp = fs::read_to_string(env.lpath("checkpoint")).unwrap();
    assert!(cp.starts_with("news.example\n1\n"), "{cp}");
}

#[test]
fn init_refuses_a_group_readable_key_and_creates_nothing() {
    let env = Env::new();
    let (key, _) = env.keygen("op");
    fs::set_permissions(&key, fs::Permissions::from_mode(0o640)).unwrap();
    env.run(&["init", "--key", "keys/op.key"]).error(
        1,
        "private key keys/op.key is readable by group or others (mode 0640); \
         run `chmod 600 keys/op.key` and try again",
    );
    assert!(!env.lpath("checkpoint").exists());
}

#[test]
fn key_generate_writes_a_private_key_only_its_owner_can_read() {
    let env = Env::new();
    let out = env.run(&["key", "generate", "alice", "--out", "keys"]).ok();
    let (key, public) = (env.path("keys/alice.key"), env.path("keys/alice.pub"));
    assert_eq!(mode(&key), 0o600);
    assert_eq!(
        mode(&public) & 0o077,
        0o044,
        "the public key is readable by all"
    );
    let public_text = fs::read_to_string(&public).unwrap();
    assert_eq!(out.stdout, public_text, "prints the verifier key");
    assert!(public_text.starts_with("alice+"), "{public_text}");
    assert!(fs::read_to_string(&key)
        .unwrap()
        .starts_with("PRIVATE+KEY+alice+"));
    assert_eq!(
        out.stderr,
        "wrote private key keys/alice.key (mode 0600: keep it secret) and public key keys/alice.pub\n"
    );
}

#[test]
fn key_generate_defaults_to_the_current_directory() {
    let env = Env::new();
    env.run(&["key", "generate", "dora"]).ok();
    assert!(env.path("dora.key").exists() && env.path("dora.pub").exists());
}

#[test]
fn key_generate_never_overwrites_and_leaves_nothing_half_written() {
    let env = Env::new();
    let (key, public) = env.keygen("alice");
    let (k0, p0) = (fs::read(&key).unwrap(), fs::read(&public).unwrap());
    env.run(&["key", "generate", "alice", "--out", "keys"]).error(
        1,
        "keys/alice.key already exists; refusing to overwrite a key (move it away or pick another name)",
    );
    assert_eq!(
        (fs::read(&key).unwrap(), fs::read(&public).unwrap()),
        (k0, p0.clone())
    );

    // Only the .pub is there: the refusal must not leave a new .key behind
    // that does not match it.
    fs::remove_file(&key).unwrap();
    env.run(&["key", "generate", "alice", "--out", "keys"]).error(
        1,
        "keys/alice.pub already exists; refusing to overwrite a key (move it away or pick another name)",
    );
    assert!(!key.exists(), "a half-made key pair was left behind");
    assert_eq!(fs::read(&public).unwrap(), p0);
}

#[test]
fn key_generate_refuses_names_that_are_not_key_or_file_names() {
    let env = Env::new();
    env.run(&["key", "generate", "a b", "--out", "keys"]).error(
        1,
        "'a b' is not a valid key name: it must be non-empty and have no spaces or '+'",
    );
    env.run(&["key", "generate", "../escape", "--out", "keys"]).error(
        1,
        "key name '../escape' cannot be a file name (it has a '/' or '\\' or starts with '.'); pick another name",
    );
    assert!(!env.path("escape.key").exists() && !env.path("keys").exists());
}

#[test]
fn group_or_world_readable_private_keys_are_refused_with_the_chmod_hint() {
    let env = Env::with_ledger();
    let (alice_key, _) = env.keygen("alice");
    let (_, bob_pub) = env.keygen("bob");
    let before = snapshot(&env.ledger());
    let bob = bob_pub.to_str().unwrap();

    fs::set_permissions(&alice_key, fs::Permissions::from_mode(0o644)).unwrap();
    env.run(&[
        "key",
        "grant",
        bob,
        "--role",
        "editor",
        "--key",
        "keys/alice.key",
    ])
    .error(
        1,
        "private key keys/alice.key is readable by group or others (mode 0644); \
             run `chmod 600 keys/alice.key` and try again",
    );
    env.run(&[
        "key",
        "grant",
        bob,
        "--role",
        "editor",
        "--operator-key",
        "keys/alice.key",
    ])
    .error(
        1,
        "loading the operator key that signs checkpoints: private key keys/alice.key is \
             readable by group or others (mode 0644); run `chmod 600 keys/alice.key` and try again",
    );

    // The ledger's own operator key, made group-readable by mistake.
    let op = env.lpath("private/operator.key");
    fs::set_permissions(&op, fs::Permissions::from_mode(0o604)).unwrap();
    env.run(&["key", "grant", bob, "--role", "editor"]).error(
        1,
        &format!(
            "private key {0} is readable by group or others (mode 0604); \
             run `chmod 600 {0}` and try again",
            op.display()
        ),
    );
    fs::set_permissions(&op, fs::Permissions::from_mode(0o600)).unwrap();
    assert_unchanged(&env, &before, 1);
    env.run(&["key", "grant", bob, "--role", "editor"]).ok();
}

#[test]
fn malformed_key_files_are_refused_without_echoing_them() {
    let env = Env::with_ledger();
    let (_, bob_pub) = env.keygen("bob");
    let bob = bob_pub.to_str().unwrap();
    let before = snapshot(&env.ledger());

    let bad = env.path("bad.key");
    fs::write(&bad, "PRIVATE+KEY+x+00000000+AAAA-not-a-key\n").unwrap();
    fs::set_permissions(&bad, fs::Permissions::from_mode(0o600)).unwrap();
    let out = env
        .run(&["key", "grant", bob, "--role", "editor", "--key", "bad.key"])
        .fails_with(
            1,
            "provledger: error: bad.key is not a signed-note Ed25519 private key \
             (PRIVATE+KEY+name+hexid+base64): ",
        );
    assert!(
        !out.stderr.contains("AAAA"),
        "the key file's text was echoed:\n{out}"
    );

    // A public key where a private one belongs.
    fs::copy(&bob_pub, env.path("pub-as-private.key")).unwrap();
    fs::set_permissions(
        env.path("pub-as-private.key"),
        fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    env.run(&[
        "key",
        "grant",
        bob,
        "--role",
        "editor",
        "--key",
        "pub-as-private.key",
    ])
    .fails_with(
        1,
        "provledger: error: pub-as-private.key is a public key (of key bob); give its private key file instead, such as bob.key",
    );

    env.run(&[
        "key",
        "grant",
        bob,
        "--role",
        "editor",
        "--key",
        "missing.key",
    ])
    .fails_with(1, "provledger: error: cannot read key file missing.key: ");
    assert_unchanged(&env, &before, 1);
}

#[test]
fn a_pub_file_that_is_not_a_key_is_refused() {
    let env = Env::with_ledger();
    let before = snapshot(&env.ledger());
    fs::write(env.path("notes.pub"), "hello, this is not a key\n").unwrap();
    env.run(&["key", "grant", "notes.pub", "--role", "editor"]).fails_with(
        1,
        "provledger: error: notes.pub is not a signed-note Ed25519 verifier key (name+hexid+base64): ",
    );
    // A private key given where the public one belongs is refused without
    // printing it (Run checks every output for key material).
    let (alice_key, _) = env.keygen("alice");
    env.run(&[
        "key",
        "grant",
        alice_key.to_str().unwrap(),
        "--role",
        "editor",
    ])
    .fails_with(1, "is not a signed-note Ed25519 verifier key");
    env.run(&["key", "revoke", "notes.pub", "--reason", "x"])
        .fails_with(1, "notes.pub is not a signed-note Ed25519 verifier key");
    env.run(&["key", "grant", "nowhere.pub", "--role", "editor"])
        .fails_with(1, "provledger: error: cannot read key file nowhere.pub: ");
    assert_unchanged(&env, &before, 1);
}

#[test]
fn grant_prints_a_receipt_and_key_list_shows_the_key() {
    let env = Env::with_ledger();
    let (_, alice) = env.keygen("alice");
    let out = env
        .run(&[
            "key",
            "grant",
            alice.to_str().unwrap(),
            "--role",
            "editor",
            "--role",
            "checker",
            "--display-name",
            "Alice Example",
        ])
        .ok();
    let line = out.stdout.trim_end();
    assert!(
        line.starts_with("key.grant ") && line.ends_with(" at entry 1"),
        "{out}"
    );
    let id = line.split(' ').nth(1).unwrap();
    assert_eq!(id.len(), 64);

    let keys = env.run(&["key", "list", "--json"]).ok().json();
    let k = &keys[0];
    assert_eq!(k["name"], "alice");
    assert_eq!(k["display_name"], "Alice Example");
    assert_eq!(k["roles"], serde_json::json!(["editor", "checker"]));
    assert_eq!(k["granted_at_entry"], 1);
    assert_eq!(k["revoked_at_entry"], serde_json::Value::Null);
    assert_eq!(k["key"], fs::read_to_string(&alice).unwrap().trim());

    let text = env.run(&["key", "list"]).ok();
    assert!(text.stdout.contains("Alice Example"), "{text}");
    assert!(text.stdout.contains("editor,checker"), "{text}");
    assert!(text.stdout.contains("active"), "{text}");
}

#[test]
fn granting_twice_is_refused() {
    let env = Env::with_ledger();
    let (_, alice) = env.granted("alice", "editor");
    let before = snapshot(&env.ledger());
    env.run(&["key", "grant", alice.to_str().unwrap(), "--role", "checker"])
        .fails_with(
            1,
            "key.grant refused: key alice is already granted (entry 1)",
        );
    // The very same grant again (same time, so the same signed bytes) is a
    // replay of entry 1.
    env.run(&["key", "grant", alice.to_str().unwrap(), "--role", "editor"])
        .fails_with(1, "key.grant refused: statement ")
        .stderr_has(" is already in the ledger (entry 1)");
    assert_unchanged(&env, &before, 2);
}

#[test]
fn grant_needs_known_roles() {
    let env = Env::with_ledger();
    let (_, alice) = env.keygen("alice");
    let a = alice.to_str().unwrap();
    let before = snapshot(&env.ledger());
    env.run(&["key", "grant", a])
        .code(2)
        .stderr_has("error: the following required arguments were not provided:\n  --role <ROLES>");
    env.run(&["key", "grant", a, "--role", "boss"]).code(2).stderr_has(
        "error: invalid value 'boss' for '--role <ROLES>': unknown role 'boss' (roles: editor, checker, auditor)",
    );
    env.run(&["key", "grant", a, "--role", "editor", "--role", "editor"])
        .fails_with(1, "key.grant refused: roles are listed more than once");
    assert_unchanged(&env, &before, 1);
}

#[test]
fn a_grant_signed_by_a_key_that_is_not_the_operator_writes_nothing() {
    let env = Env::with_ledger();
    let (alice_key, _) = env.granted("alice", "editor");
    let (mallory_key, _) = env.keygen("mallory");
    let (_, bob) = env.keygen("bob");
    let bob = bob.to_str().unwrap();
    let before = snapshot(&env.ledger());
    let checkpoint = fs::read(env.lpath("checkpoint")).unwrap();

    for signer in [&alice_key, &mallory_key] {
        let out = env
            .run(&[
                "key",
                "grant",
                bob,
                "--role",
                "editor",
                "--key",
                signer.to_str().unwrap(),
            ])
            .fails_with(
                1,
                "key.grant refused: only the operator key may sign key.grant; signer ",
            );
        assert!(out.stderr.contains("is not the operator"), "{out}");
    }
    // The operator's statement, but a checkpoint signed by someone else.
    env.run(&[
        "key",
        "grant",
        bob,
        "--role",
        "editor",
        "--operator-key",
        "keys/mallory.key",
    ])
    .fails_with(1, "provledger: error: key mallory+")
    .stderr_has(&format!(
        "cannot sign checkpoints of the ledger {ORIGIN}, whose operator key is {ORIGIN}+"
    ))
    .stderr_has(
        "hint: pass the ledger's operator key with --operator-key (init created LEDGER/private/operator.key)",
    );

    assert_eq!(fs::read(env.lpath("checkpoint")).unwrap(), checkpoint);
    assert_unchanged(&env, &before, 2);
    env.run(&["audit"]).ok();
}

#[test]
fn revoking_a_key_that_was_never_granted_is_refused() {
    let env = Env::with_ledger();
    let (_, bob) = env.keygen("bob");
    let before = snapshot(&env.ledger());
    env.run(&["key", "revoke", bob.to_str().unwrap(), "--reason", "left"])
        .fails_with(1, "key.revoke refused: key bob was never granted");
    env.run(&["key", "revoke", bob.to_str().unwrap()])
        .code(2)
        .stderr_has("--reason <REASON>");
    assert_unchanged(&env, &before, 1);
}

#[test]
fn only_the_operator_or_the_key_itself_may_revoke() {
    let env = Env::with_ledger();
    let (_, alice) = env.granted("alice", "editor");
    let (bob_key, _) = env.granted("bob", "checker");
    let before = snapshot(&env.ledger());
    env.run(&[
        "key",
        "revoke",
        alice.to_str().unwrap(),
        "--reason",
        "hostile",
        "--key",
        bob_key.to_str().unwrap(),
    ])
    .fails_with(
        1,
        "key.revoke refused: only the operator or the key itself may revoke key alice",
    );
    assert_unchanged(&env, &before, 3);
}

#[test]
fn a_revoked_key_signs_nothing_more() {
    let env = Env::with_ledger();
    let (alice_key, alice) = env.granted("alice", "editor");
    let (_, bob) = env.granted("bob", "checker");
    let (_, carol) = env.keygen("carol");
    let ak = alice_key.to_str().unwrap();
    // Alice revokes her own key (it was lost): allowed.
    env.run(&[
        "key",
        "revoke",
        alice.to_str().unwrap(),
        "--reason",
        "laptop lost",
        "--key",
        ak,
    ])
    .ok()
    .stdout_has("key.revoke ");
    let before = snapshot(&env.ledger());

    // Whoever holds the lost key can no longer revoke others, re-revoke
    // itself, or grant.
    env.run(&[
        "key",
        "revoke",
        bob.to_str().unwrap(),
        "--reason",
        "x",
        "--key",
        ak,
    ])
    .fails_with(
        1,
        "key.revoke refused: only the operator or the key itself may revoke key bob",
    );
    env.run(&[
        "key",
        "revoke",
        alice.to_str().unwrap(),
        "--reason",
        "again",
        "--key",
        ak,
    ])
    .fails_with(
        1,
        "key.revoke refused: key alice is already revoked (entry 3)",
    );
    env.run(&[
        "key",
        "grant",
        carol.to_str().unwrap(),
        "--role",
        "editor",
        "--key",
        ak,
    ])
    .fails_with(
        1,
        "key.grant refused: only the operator key may sign key.grant",
    );
    // And the operator cannot bring it back.
    env.run(&[
        "key",
        "grant",
        alice.to_str().unwrap(),
        "--role",
        "editor",
        "--display-name",
        "Alice, new laptop",
    ])
    .fails_with(
        1,
        "key.grant refused: key alice was revoked as compromised at entry 3; a compromised key cannot be granted again (generate a new key)",
    );
    assert_unchanged(&env, &before, 4);

    let keys = env.run(&["key", "list", "--json"]).ok().json();
    assert_eq!(keys[0]["revoked_at_entry"], 3);
    assert_eq!(keys[0]["revoke_reason"], "laptop lost");
    env.run(&["key", "list"])
        .ok()
        .stdout_has("REVOKED at entry 3: laptop lost");
    env.run(&["audit"]).ok();
}

#[test]
fn commands_name_a_missing_ledger_and_say_how_to_make_one() {
    let env = Env::new();
    for args in [
        &["log"][..],
        &["show", "abcdef"],
        &["key", "list"],
        &["checkpoint"],
        &["proof", "consistency", "1"],
    ] {
        let out = env.run(args).error(
            1,
            &format!(
                "{} is not a provledger ledger: it has no checkpoint file",
                env.ledger().display()
            ),
        );
        assert_eq!(
            out.stderr.lines().nth(1),
            Some(
                "hint: create one with `provledger init`, or point at one with --ledger DIR or PROVLEDGER_DIR"
            ),
            "{out}"
        );
    }
}

#[test]
fn the_ledger_comes_from_provledger_dir_else_dot_ledger() {
    let env = Env::new();
    // Default: ./ledger in the current directory.
    env.bare(&["init"]).run().ok();
    assert!(env.path("ledger/checkpoint").exists());
    env.bare(&["init", "--origin", "elsewhere.example"])
        .env("PROVLEDGER_DIR", "elsewhere")
        .run()
        .ok();
    assert!(env.path("elsewhere/checkpoint").exists());
    let cp = env
        .bare(&["checkpoint"])
        .env("PROVLEDGER_DIR", "elsewhere")
        .run()
        .ok();
    assert!(cp.stdout.starts_with("elsewhere.example\n1\n"), "{cp}");
    // --ledger wins over the environment.
    let cp = env
        .bare(&["--ledger", "ledger", "checkpoint"])
        .env("PROVLEDGER_DIR", "elsewhere")
        .run()
        .ok();
    assert!(cp.stdout.starts_with("provledger\n1\n"), "{cp}");
}

/// The leak check that every command run goes through must know every
/// private key in the scratch directory, in each form it could be printed.
#[test]
fn the_leak_check_knows_every_private_key() {
    let env = Env::with_ledger();
    env.keygen("alice");
    let secrets = env.secrets();
    for file in [
        env.lpath("private/operator.key"),
        env.path("keys/alice.key"),
    ] {
        let text = fs::read_to_string(&file).unwrap();
        let b64 = text.trim().splitn(5, '+').nth(4).unwrap().to_string();
        assert!(
            secrets.contains(&b64),
            "{} is not scanned for",
            file.display()
        );
    }
    // Base64 of 0x01‖seed, base64 of the seed, and its hex in both cases.
    assert_eq!(secrets.len(), 2 * 4, "{secrets:?}");
}

#[test]
fn a_refused_init_writes_no_key_and_can_be_retried() {
    let env = Env::new();
    env.run(&["init", "--origin", ORIGIN, "--quorum", "0"])
        .error(
            1,
            "ledger.genesis refused: policy quorum 0 must be between 1 and 100",
        );
    assert!(
        !env.ledger().exists(),
        "a refused init left {} behind",
        env.ledger().display()
    );
    env.run(&["init", "--origin", ORIGIN, "--quorum", "2"]).ok();
    assert_eq!(mode(&env.lpath("private/operator.key")), 0o600);
}

#[test]
fn init_where_the_key_directory_cannot_be_made_names_it_and_leaves_nothing() {
    let env = Env::new();
    fs::write(env.path("blocker"), b"a file, not a directory").unwrap();
    let r = env
        .bare(&["--ledger", "blocker/ledger", "init", "--origin", ORIGIN])
        .run()
        .error(
            1,
            "cannot create blocker/ledger/private: Not a directory (os error 20)",
        );
    assert_eq!(r.stderr.lines().count(), 1, "{r}");
    assert_eq!(
        fs::read(env.path("blocker")).unwrap(),
        b"a file, not a directory"
    );
}
