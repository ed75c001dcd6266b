#!/usr/bin/env python3
"""Rebuilds the sample ledger from the seed article, byte for byte.

    python3 sample/build.py [--out DIR] [--bin PATH]

Every step runs the real `provledger` command with the demo keys in
keys/demo/ and a fixed SOURCE_DATE_EPOCH, so the result is the same on every
machine: Ed25519 signatures are deterministic, statements are canonical CBOR,
and the log's files depend only on the statements and times.

The story it records (see sample/README.md):
  1. the operator starts the ledger and grants an editor and two checkers;
  2. the editor records the seed article (sample/article-v1.txt) and imports
     its sources and attributed claims (sample/claims-v1.json);
  3. the checkers sign verdicts (agreeing on some claims, disagreeing on one,
     one verdict signed by mistake and withdrawn) and the editor links claims
     that corroborate each other;
  4. the editor records an ILLUSTRATIVE update of the article
     (sample/article-v2-illustrative.txt, written by us, not the outlet):
     one sentence's attribution changes, one claim is reworded, one dropped;
     the claims are revised to the new version, which makes the verdicts on
     the re-attributed claims stale; checker A re-checks one of them.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample"
KEYS = ROOT / "keys" / "demo"

# 2025-11-08T09:00:00Z; each step advances the clock by a minute.
START = 1762592400
# 2025-11-10T09:00:00Z: when the update is recorded.
UPDATE = 1762765200


class Builder:
    def __init__(self, binary: Path, out: Path):
        self.binary = binary
        self.out = out
        self.now = START

    def run(self, *args: str, key: str = None, advance: int = 60) -> str:
        env = dict(os.environ)
        env["SOURCE_DATE_EPOCH"] = str(self.now)
        env["PROVLEDGER_OPERATOR_KEY"] = str(KEYS / "operator.key")
        env.pop("PROVLEDGER_DIR", None)
        env["NO_COLOR"] = "1"
        cmd = [str(self.binary), "--ledger", str(self.out), *args]
        if key is not None:
            cmd += ["--key", str(KEYS / f"{key}.key")]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"sample/build.py: {' '.join(args[:2])} failed:\n{done.stderr}")
        self.now += advance
        return done.stdout

    def receipts(self, *args: str, key: str) -> list:
        return json.loads(self.run(*args, "--json", key=key))

    def one(self, *args: str, key: str) -> str:
        (receipt,) = self.receipts(*args, key=key)
        return receipt["id"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "ledger"), help="ledger directory to (re)create")
    ap.add_argument(
        "--bin",
        default=os.environ.get("PROVLEDGER_BIN", str(ROOT / "target" / "release" / "provledger")),
        help="the provledger binary (default: target/release/provledger)",
    )
    args = ap.parse_args()
    out = Path(args.out)
    binary = Path(args.bin)
    if not binary.exists():
        sys.exit(f"sample/build.py: {binary} not found; run `cargo build --release` first")
    for key in KEYS.glob("*.key"):
        key.chmod(0o600)
    if out.exists():
        shutil.rmtree(out)

    b = Builder(binary, out)

    # 1. The ledger and its keys.
    b.run(
        "init",
        "--key", str(KEYS / "operator.key"),
        "--quorum", "1",
        "--description",
        "DEMO sample ledger: claims of one news article (istanbul-talks-2025-11), "
        "signed with the published demo keys in keys/demo/. Not real verifications.",
    )
    grants = [
        ("demo-editor", "Demo editor (fictional; demo key)", "editor"),
        ("demo-checker-amina", "Amina, demo checker A (fictional; demo key)", "checker"),
        ("demo-checker-ben", "Ben, demo checker B (fictional; demo key)", "checker"),
    ]
    for name, display, role in grants:
        b.run("key", "grant", str(KEYS / f"{name}.pub"), "--role", role,
              "--display-name", display, key="operator")

    # 2. The article and its claims.
    article_v1 = b.one(
        "article", "add", str(SAMPLE / "article-v1.txt"),
        "--url", "urn:provledger:seed:istanbul-talks-2025-11",
        "--publisher", "The Sunday Guardian",
        "--title", "Afghan-Pakistan negotiations fail in Istanbul, exposing deep divisions "
        "over security, militants.",
        "--retrieved", "2025-11-08T08:00:00Z",
        key="demo-editor",
    )
    plan = json.loads((SAMPLE / "claims-v1.json").read_text(encoding="utf-8"))
    receipts = b.receipts("claim", "import", str(SAMPLE / "claims-v1.json"),
                          "--article", article_v1, key="demo-editor")
    refs = [s["ref"] for s in plan["sources"]] + [c["ref"] for c in plan["claims"]]
    if len(receipts) != len(refs):
        sys.exit(f"sample/build.py: import gave {len(receipts)} receipts for {len(refs)} refs")
    ids = dict(zip(refs, (r["id"] for r in receipts)))

    def verify(claim: str, verdict: str, checker: str, note: str, evidence: str) -> str:
        return b.one(
            "verify", ids[claim], "--verdict", verdict, "--note", note,
            "--evidence", f"https://example.org/demo-evidence/{evidence}",
            "--evidence-note", "demo evidence link (illustrative, not a real source)",
            key=checker,
        )

    # 3. Verdicts and links.
    a, ben = "demo-checker-amina", "demo-checker-ben"
    verify("deadlock", "true", a, "Both delegations confirmed no agreement was reached.", "deadlock")
    verify("deadlock", "true", ben, "Mediators' statements confirm the talks ended without agreement.", "mediators")
    verify("wasiq-led", "true", a, "Delegation list matches the host country's readout.", "readout")
    verify("wasiq-led", "mostly_true", ben, "Confirmed by two diplomats; no official list published.", "diplomats")
    verify("malik-led", "mostly_true", a, "Confirmed by diplomats; Pakistan has not published its delegation.", "delegation")
    verify("pakistani-demands", "mostly_true", a, "Afghan and Turkish accounts agree on the demands.", "demands-a")
    verify("pakistani-demands", "misleading", ben,
           "The relocation proposal is described only by the Afghan side; presenting it as fact misleads.",
           "demands-b")
    verify("mujahid-accused", "true", a, "Matches the spokesperson's published statement.", "mujahid-statement")
    mistaken = verify("mujahid-thanked", "false", ben, "Entered on the wrong claim.", "mistake")
    b.run("verify", "withdraw", mistaken, "--reason", "Signed on the wrong claim by mistake.", key=ben)
    verify("mujahid-thanked", "true", ben, "Matches the spokesperson's published statement.", "mujahid-thanks")
    verify("phone-call", "unverifiable", a, "Only the outlet's earlier, anonymous report describes the call.", "phone-call")
    verify("paradoxical", "unverifiable", ben, "Single anonymous source; the quote cannot be checked.", "paradoxical")

    links = [
        ("mujahid-accused", "deadlock", "corroborates", "The Taliban spokesperson confirms the breakdown."),
        ("officials-detached", "deadlock", "corroborates", "Afghan officials describe the same breakdown."),
        ("officials-detached", "paradoxical", "corroborates", "Both describe Pakistan's proposal as inconsistent."),
        ("new-headache", "paradoxical", "corroborates", "Afghan negotiators reject the same proposal."),
        ("malik-led", "wasiq-led", "same_origin", "Both come from the same diplomatic sources."),
        ("double-standard", "paradoxical", "same_origin", "Both come from the one Kabul-based source."),
    ]
    for frm, to, relation, note in links:
        b.run("link", ids[frm], ids[to], "--relation", relation, "--note", note, key="demo-editor")

    # 4. The illustrative update.
    b.now = max(b.now, UPDATE)
    article_v2 = b.one(
        "article", "update", article_v1, str(SAMPLE / "article-v2-illustrative.txt"),
        "--retrieved", "2025-11-10T08:00:00Z",
        key="demo-editor",
    )
    b.run("claim", "revise", ids["wasiq-led"], "--article", article_v2,
          "--source", ids["afghan-officials"], "--reason", "article_updated",
          "--note", "The update attributes the delegation leaders to Afghan officials instead of diplomatic sources.",
          key="demo-editor")
    b.run("claim", "revise", ids["malik-led"], "--article", article_v2,
          "--source", ids["afghan-officials"], "--reason", "article_updated",
          "--note", "Same sentence, same change of attribution.",
          key="demo-editor")
    b.run("claim", "revise", ids["new-headache"], "--article", article_v2,
          "--quote", "Afghan negotiators turned down every proposal that could “create a new headache”",
          "--proposition", "Afghan negotiators turned down every proposal that would import another country's security burden.",
          "--reason", "article_updated", "--note", "Reworded in the update.",
          key="demo-editor")
    b.run("claim", "revise", ids["phone-call"], "--article", article_v2, "--removed",
          "--reason", "article_updated", "--note", "The update dropped the phone-call paragraph.",
          key="demo-editor")
    unchanged = [c["ref"] for c in plan["claims"]
                 if c["ref"] not in ("wasiq-led", "malik-led", "new-headache", "phone-call")]
    for ref in unchanged:
        b.run("claim", "revise", ids[ref], "--article", article_v2,
              "--reason", "article_updated", "--note", "Unchanged in the update.",
              key="demo-editor")
    verify("wasiq-led", "true", a, "Re-checked after the update: Afghan officials confirm it too.", "readout-v2")

    entries = len(json.loads(b.run("log", "--json", advance=0)))
    print(f"built {out} ({entries} entries)")


if __name__ == "__main__":
    main()
