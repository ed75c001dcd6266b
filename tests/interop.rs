//! Interoperability: implementations other than ours read the ledger that the
//! `provledger` binary writes (README "The ledger on disk") and must agree with it.
//!
//! - `tests/interop/go` uses Go's `golang.org/x/mod/sumdb/note` and
//!   `sumdb/tlog`: `note.Open` accepts the checkpoint with the operator's
//!   `.pub` key; `tlog.TreeHash` over the entry bundles and over the hash
//!   tiles equals the checkpoint root; every tile is byte for byte what tlog
//!   computes; `tlog.CheckRecord` and `tlog.CheckTree` accept tlog's proofs and
//!   the ones `provledger proof ... --json` and `--out` print; `note.NewSigner`
//!   and `note.NewVerifier` accept the key files `provledger` writes.
//! - `tests/interop/python/check_ledger.py` uses `cbor2` and `pycose`: every
//!   leaf and statement payload is canonical CBOR, the `prev` chain holds and
//!   pycose verifies every COSE_Sign1 statement with a key built from its kid;
//!   every blob is named by its SHA-256.
//!
//! They need `go` with `golang.org/x/mod` in a GOPATH (Debian: `golang-go`,
//! `golang-golang-x-mod-dev`) and python3 with
//! `tests/interop/python/requirements.txt`; `.ci/run` installs both. Without
//! them these tests say what is missing and pass, unless the `CI` environment
//! variable is set: then they fail, because CI must run them.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The log origin, which is also the operator key's name. The slash is
/// deliberate: c2sp origins usually look like URLs without a scheme.
const ORIGIN: &str = "interop.example/provledger";

/// Where Debian's golang-golang-x-mod-dev puts golang.org/x/mod.
const DEBIAN_GOPATH: &str = "/usr/share/gocode";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn provledger(ledger: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_provledger"));
    cmd.arg("--ledger").arg(ledger);
    cmd.env_remove("PROVLEDGER_DIR")
        .env_remove("PROVLEDGER_OPERATOR_KEY")
        .env_remove("PROVLEDGER_KEY");
    cmd
}

fn describe(cmd: &Command, out: &Output) -> String {
    format!(
        "{:?} exited with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        cmd,
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Fails the test if a provledger command printed private key material
/// from the test's directory (the parent of its `--ledger` or `--out`).
fn scan(cmd: &Command, out: &Output) {
    if cmd.get_program() != OsStr::new(env!("CARGO_BIN_EXE_provledger")) {
        return;
    }
    let args: Vec<&OsStr> = cmd.get_args().collect();
    let root = args
        .windows(2)
        .find(|w| w[0] == "--ledger" || w[0] == "--out")
        .and_then(|w| Path::new(w[1]).parent())
        .expect("a provledger command names its ledger or key directory");
    crate::common::assert_no_secrets(root, &format!("{cmd:?}"), &out.stdout, &out.stderr);
}

/// Runs `cmd` and returns its stdout, failing the test if it fails.
fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    scan(cmd, &out);
    assert!(out.status.success(), "{}", describe(cmd, &out));
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// Runs `cmd`, which must fail with `needle` in its stderr.
fn run_failing(cmd: &mut Command, needle: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    scan(cmd, &out);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !out.status.success() && stderr.contains(needle),
        "expected failure mentioning {needle:?}; {}",
        describe(cmd, &out)
    );
    stderr
}

/// The built Go checker and a Python interpreter with pycose and cbor2.
struct Checkers {
    ledgercheck: PathBuf,
    python: OsString,
}

impl Checkers {
    fn go(&self, ledger: &Path, operator_pub: &Path) -> Command {
        let mut cmd = Command::new(&self.ledgercheck);
        cmd.arg("-ledger").arg(ledger).arg("-key").arg(operator_pub);
        cmd
    }

    fn python(&self, ledger: &Path, operator_pub: &Path) -> Command {
        let mut cmd = Command::new(&self.python);
        cmd.arg(repo().join("tests/interop/python/check_ledger.py"))
            .arg(ledger)
            .arg("--key")
            .arg(operator_pub);
        cmd
    }
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"))
}

/// The checkers, or `None` (with a note on stderr) when they are missing on a
/// developer machine. Missing checkers fail the test in CI.
fn checkers() -> Option<&'static Checkers> {
    static CHECKERS: OnceLock<Result<Checkers, String>> = OnceLock::new();
    match CHECKERS.get_or_init(find_checkers) {
        Ok(c) => Some(c),
        Err(why) if in_ci() => panic!(
            "the interop checkers are unavailable: {why}\n\
             CI must have them; .ci/run installs them"
        ),
        Err(why) => {
            eprintln!(
                "SKIPPED interop check: {why}\n  \
                 to run it: apt-get install golang-go golang-golang-x-mod-dev && \
                 python3 -m pip install -r tests/interop/python/requirements.txt \
                 (or run .ci/run); with CI set, this skip is a failure"
            );
            None
        }
    }
}

fn find_checkers() -> Result<Checkers, String> {
    let ledgercheck = build_go_checker()?;
    let python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    let probe = Command::new(&python)
        .args([
            "-c",
            "import importlib.metadata as m\n\
             try:\n    import cbor2, pycose\n\
             except ImportError as e:\n    raise SystemExit(e)\n\
             v = m.version('cbor2')\n\
             if not v.startswith('5.'):\n    \
             raise SystemExit('cbor2 ' + v + ' is installed; pycose 1.1 needs cbor2 5.x')",
        ])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", Path::new(&python).display()))?;
    if !probe.status.success() {
        return Err(format!(
            "{} lacks pycose/cbor2 5.x: {}",
            Path::new(&python).display(),
            String::from_utf8_lossy(&probe.stderr).trim()
        ));
    }
    Ok(Checkers {
        ledgercheck,
        python,
    })
}

/// Builds tests/interop/go offline in GOPATH mode against Debian's
/// golang.org/x/mod (or `PROVLEDGER_GOPATH`), so no module download happens.
fn build_go_checker() -> Result<PathBuf, String> {
    let go = std::env::var_os("GO").unwrap_or_else(|| "go".into());
    let has_xmod = |p: &Path| p.join("src/golang.org/x/mod/sumdb/note/note.go").is_file();
    let mut candidates: Vec<PathBuf> = Vec::new();
    candidates.extend(std::env::var_os("PROVLEDGER_GOPATH").map(PathBuf::from));
    candidates.push(DEBIAN_GOPATH.into());
    let gopath = candidates
        .into_iter()
        .find(|p| has_xmod(p))
        .ok_or_else(|| {
            format!(
                "golang.org/x/mod is not in {DEBIAN_GOPATH} (Debian package \
                 golang-golang-x-mod-dev) nor in $PROVLEDGER_GOPATH"
            )
        })?;
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("interop");
    fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    let bin = out_dir.join("ledgercheck");
    let mut cmd = Command::new(&go);
    cmd.args([
        OsStr::new("build"),
        OsStr::new("-o"),
        bin.as_os_str(),
        OsStr::new("."),
    ])
    .current_dir(repo().join("tests/interop/go"))
    .env("GO111MODULE", "off")
    .env("GOPATH", &gopath)
    .env("GOFLAGS", "")
    .env("GOTOOLCHAIN", "local")
    .env("CGO_ENABLED", "0");
    if std::env::var_os("GOCACHE").is_none()
        && std::env::var_os("HOME").is_none()
        && std::env::var_os("XDG_CACHE_HOME").is_none()
    {
        cmd.env("GOCACHE", out_dir.join("go-cache"));
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", Path::new(&go).display()))?;
    // The tools are there, so a failing build is a bug, not a skip.
    assert!(
        out.status.success(),
        "building the Go checker failed: {}",
        describe(&cmd, &out)
    );
    Ok(bin)
}

/// A ledger made by the provledger binary in a temporary directory.
struct TestLedger {
    tmp: tempfile::TempDir,
    dir: PathBuf,
    operator_pub: PathBuf,
}

impl TestLedger {
    fn init() -> TestLedger {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("ledger");
        run(provledger(&dir).args(["init", "--origin", ORIGIN]));
        let operator_pub = dir.join("private/operator.pub");
        assert!(
            operator_pub.is_file(),
            "init did not write {}",
            operator_pub.display()
        );
        TestLedger {
            tmp,
            dir,
            operator_pub,
        }
    }

    fn keys_dir(&self) -> PathBuf {
        self.tmp.path().join("keys")
    }

    /// Generates key `name` and grants it `role`; returns its .pub path.
    fn grant(&self, name: &str, role: &str) -> PathBuf {
        let keys = self.keys_dir();
        fs::create_dir_all(&keys).unwrap();
        run(Command::new(env!("CARGO_BIN_EXE_provledger"))
            .args(["key", "generate", name, "--out"])
            .arg(&keys));
        let public = keys.join(format!("{name}.pub"));
        run(provledger(&self.dir)
            .args(["key", "grant"])
            .arg(&public)
            .args(["--role", role]));
        public
    }

    /// Appends `count` key grants signed by the operator as one batch,
    /// through the library: the path `provledger` commands take, without a
    /// process and an fsync per entry, and a batch may fill a tile.
    fn grant_batch(&self, prefix: &str, count: usize) {
        use provledger::keys::{self, SecretKey};
        use provledger::ledger::{self, Ledger};
        use provledger::statement::{Body, KeyGrant, Role, SignedStatement, Statement};
        let operator = keys::load_secret_key(&Ledger::default_operator_key_path(&self.dir))
            .expect("the operator key init created");
        let at = ledger::now().unwrap();
        let statements = (0..count)
            .map(|i| {
                let key = SecretKey::generate(&format!("{prefix}{i}")).unwrap();
                let body = Body::KeyGrant(KeyGrant {
                    key: key.public().to_note_string(),
                    display_name: format!("Editor {prefix}{i}"),
                    roles: vec![Role::Editor],
                });
                SignedStatement::sign(&Statement { at, body }, &operator).unwrap()
            })
            .collect();
        let mut l = Ledger::open_writer(&self.dir).unwrap();
        l.append(statements, &operator, at).unwrap();
    }

    /// Stores a blob (article text, evidence) through the library.
    fn put_blob(&self, bytes: &[u8]) -> String {
        let l = provledger::ledger::Ledger::open_writer(&self.dir).unwrap();
        l.put_blob(bytes).unwrap().to_hex()
    }

    fn size(&self) -> u64 {
        let checkpoint = fs::read_to_string(self.dir.join("checkpoint")).unwrap();
        checkpoint.lines().nth(1).unwrap().parse().unwrap()
    }

    /// Runs both checkers on the ledger as it is now.
    fn check(&self, c: &Checkers) {
        let go = run(&mut c.go(&self.dir, &self.operator_pub));
        let py = run(&mut c.python(&self.dir, &self.operator_pub));
        eprintln!("size {}:\n{go}{py}", self.size());
    }
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

#[test]
fn go_and_python_accept_our_ledger_as_it_grows() {
    let Some(c) = checkers() else { return };
    let l = TestLedger::init();
    // Size 1: only partial tiles (tile/0/000.p/1, tile/entries/000.p/1).
    l.check(c);

    let checker = l.grant("checker", "checker");
    l.grant("editor", "editor");
    l.grant("auditor", "auditor");
    run(provledger(&l.dir)
        .args(["key", "revoke"])
        .arg(&checker)
        .args(["--reason", "left the desk"]));
    l.check(c);

    // Past one full tile of 256: full tiles, a partial level-0 tile after
    // them and a level-1 tile. One batch stops short of the boundary, the
    // next one crosses it, and single appends follow each.
    l.grant_batch("a", 245);
    assert_eq!(l.size(), 250);
    l.grant("one-more", "editor");
    l.grant_batch("b", 10);
    assert_eq!(l.size(), 261);
    l.grant("after-the-tile", "checker");
    let size = l.size();
    assert_eq!(size, 262);
    l.put_blob("Taliban spokesperson Zabihullah Mujahid said ...".as_bytes());

    // Statement ids: SHA-256 of the signed statement bytes, as Python
    // computes them, must match `log --json`.
    let ids_file = l.tmp.path().join("ids.jsonl");
    let py = run(c
        .python(&l.dir, &l.operator_pub)
        .arg("--ids")
        .arg(&ids_file));
    eprintln!("{py}");
    let log = json(&run(provledger(&l.dir).args(["log", "--json"])));
    let log = log.as_array().expect("log --json is an array");
    let ids: Vec<serde_json::Value> = fs::read_to_string(&ids_file)
        .unwrap()
        .lines()
        .map(json)
        .collect();
    assert_eq!(log.len() as u64, size);
    assert_eq!(ids.len() as u64, size);
    for (ours, theirs) in log.iter().zip(&ids) {
        for field in ["seq", "id", "signer", "kind"] {
            assert_eq!(
                ours[field], theirs[field],
                "log --json and check_ledger.py disagree on {field}:\n{ours}\n{theirs}"
            );
        }
    }

    // Proofs printed by the CLI, for leaves around the tile boundary.
    let proofs = l.tmp.path().join("proofs");
    fs::create_dir_all(&proofs).unwrap();
    let mut go = c.go(&l.dir, &l.operator_pub);
    for seq in [0, 1, 255, 256, size - 1] {
        let id = log[seq as usize]["id"].as_str().unwrap();
        let json_file = proofs.join(format!("inclusion-{seq}.json"));
        let text_file = proofs.join(format!("inclusion-{seq}.tlog-proof"));
        let out = run(provledger(&l.dir)
            .args(["proof", "inclusion", id, "--json", "--out"])
            .arg(&text_file));
        fs::write(&json_file, out).unwrap();
        go.arg("-inclusion").arg(&json_file);
        go.arg("-tlog-proof").arg(&text_file);
    }
    let pairs = [
        (1, size),
        (4, size),
        (255, 256),
        (256, size),
        (7, 200),
        (size, size),
    ];
    for (old, new) in pairs {
        let file = proofs.join(format!("consistency-{old}-{new}.json"));
        let out = run(provledger(&l.dir).args([
            "proof",
            "consistency",
            &old.to_string(),
            &new.to_string(),
            "--json",
        ]));
        fs::write(&file, out).unwrap();
        go.arg("-consistency").arg(&file);
    }
    // NEW defaults to the current size.
    let file = proofs.join("consistency-3.json");
    fs::write(
        &file,
        run(provledger(&l.dir).args(["proof", "consistency", "3", "--json"])),
    )
    .unwrap();
    go.arg("-consistency").arg(&file);
    // Key files: the operator's, and one `key generate` wrote.
    go.arg("-keypair")
        .arg(l.dir.join("private/operator.key"))
        .arg("-keypair")
        .arg(l.keys_dir().join("checker.key"));
    let out = run(&mut go);
    eprintln!("size {size}:\n{out}");
}

/// Copies a ledger directory, leaving out the operator's private key: the
/// checkers need only public files.
fn copy_ledger(from: &Path, to: &Path) {
    crate::common::copy_tree(from, to, |rel| rel == "private");
}

fn flip_byte(path: &Path, at: impl FnOnce(usize) -> usize) {
    let len = fs::metadata(path).unwrap().len();
    crate::common::flip(path, at(usize::try_from(len).unwrap()));
}

/// The checkers are not vacuous: each catches a tampered copy of a ledger
/// they accept.
#[test]
fn go_and_python_reject_a_tampered_ledger() {
    let Some(c) = checkers() else { return };
    let l = TestLedger::init();
    l.grant("checker", "checker");
    l.grant("editor", "editor");
    assert_eq!(l.size(), 3);
    let blob = l.put_blob(b"an article's text");
    let blob = format!("blobs/{}/{blob}", &blob[..2]);
    l.check(c);
    let bundle = "tile/entries/000.p/3";
    let tile = "tile/0/000.p/3";

    // The last byte of the bundle is the last byte of the last statement's
    // Ed25519 signature (the leaf map's last key is "statement", and the
    // signature ends the COSE_Sign1 array).
    let t = l.tmp.path().join("signature");
    copy_ledger(&l.dir, &t);
    flip_byte(&t.join(bundle), |n| n - 1);
    run_failing(&mut c.python(&t, &l.operator_pub), "entry 2: pycose");
    run_failing(&mut c.go(&t, &l.operator_pub), "tlog.TreeHash");

    // A blob.
    let t = l.tmp.path().join("blob");
    copy_ledger(&l.dir, &t);
    flip_byte(&t.join(&blob), |_| 0);
    run_failing(&mut c.python(&t, &l.operator_pub), &blob);

    // A hash in a tile.
    let t = l.tmp.path().join("tile");
    copy_ledger(&l.dir, &t);
    flip_byte(&t.join(tile), |n| n - 1);
    run_failing(&mut c.go(&t, &l.operator_pub), tile);

    // The checkpoint's signature.
    let t = l.tmp.path().join("checkpoint");
    copy_ledger(&l.dir, &t);
    let cp = fs::read_to_string(t.join("checkpoint")).unwrap();
    // Past the 4-byte key hash (the first 6 base64 digits), into the
    // signature proper.
    let at = cp.rfind(' ').unwrap() + 12;
    let flipped = if &cp[at..=at] == "A" { "B" } else { "A" };
    fs::write(
        t.join("checkpoint"),
        format!("{}{flipped}{}", &cp[..at], &cp[at + 1..]),
    )
    .unwrap();
    run_failing(&mut c.go(&t, &l.operator_pub), "note.Open");
}

/// The ledger shipped in `ledger/` passes the same checks, with its operator
/// key found among `keys/demo/*.pub` (or `keys/*.pub`) by the checkpoint's origin.
#[test]
fn go_and_python_accept_the_shipped_ledger() {
    let dir = repo().join("ledger");
    let checkpoint = fs::read_to_string(dir.join("checkpoint"))
        .expect("the repository ships a sample ledger in ledger/");
    let Some(c) = checkers() else { return };
    let origin = checkpoint.lines().next().unwrap_or_default();
    let operator_pub = [repo().join("keys/demo"), repo().join("keys")]
        .iter()
        .filter_map(|d| fs::read_dir(d).ok())
        .flatten()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pub"))
        .find(|p| fs::read_to_string(p).is_ok_and(|k| k.trim().split('+').next() == Some(origin)))
        .unwrap_or_else(|| panic!("no keys/*.pub is the verifier key of origin {origin:?}"));
    let go = run(c.go(&dir, &operator_pub).arg("-q"));
    let py = run(c.python(&dir, &operator_pub).arg("-q"));
    eprintln!("ledger/:\n{go}{py}");
}
