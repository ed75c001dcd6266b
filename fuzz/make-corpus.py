#!/usr/bin/env python3
"""Writes the fuzz seed corpora (fuzz/corpus/<target>/) from the sample
ledger (ledger/), sample/claims-v1.json and proofs made by the provledger
binary. Run from anywhere after `cargo build`; the output is committed, so
this only needs running when the sample or a format changes:

    python3 fuzz/make-corpus.py [path/to/provledger]

Inputs that once crashed a target are kept as regression seeds named
regress-*: those this script does not write itself are left as they are.
"""
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
CORPUS = FUZZ / "corpus"
BIN = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "target/debug/provledger"


def head(b: bytes, pos: int):
    """A CBOR head at pos: (major type, argument, offset after it)."""
    ib = b[pos]
    ai = ib & 0x1F
    if ai < 24:
        return ib >> 5, ai, pos + 1
    n = {24: 1, 25: 2, 26: 4, 27: 8}[ai]
    return ib >> 5, int.from_bytes(b[pos + 1 : pos + 1 + n], "big"), pos + 1 + n


def bstr(b: bytes, pos: int):
    major, n, at = head(b, pos)
    assert major == 2, "expected a byte string"
    return b[at : at + n], at + n


def entries(bundle: bytes):
    out, pos = [], 0
    while pos < len(bundle):
        n = int.from_bytes(bundle[pos : pos + 2], "big")
        out.append(bundle[pos + 2 : pos + 2 + n])
        pos += 2 + n
    return out


def statement_of(leaf: bytes) -> bytes:
    # "statement" is the leaf map's last key (canonical order).
    key = b"\x69statement"
    return bstr(leaf, leaf.rindex(key) + len(key))[0]


def payload_of(statement: bytes) -> bytes:
    # [protected bstr, {} , payload bstr, signature bstr]
    assert statement[0] == 0x84
    _, at = bstr(statement, 1)
    assert statement[at] == 0xA0
    return bstr(statement, at + 1)[0]


def write(target: str, name: str, data: bytes):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def main():
    for d in CORPUS.glob("*"):
        for f in d.glob("*"):
            if not f.name.startswith("regress-") or f.name == "regress-tagged-at":
                f.unlink()

    # The sample's size (under 256 entries: one partial tile) from its checkpoint.
    size = int((ROOT / "ledger/checkpoint").read_bytes().split(b"\n")[1])
    assert 12 < size <= 128
    bundle = (ROOT / f"ledger/tile/entries/000.p/{size}").read_bytes()
    leaves = entries(bundle)
    assert len(leaves) == size
    statements = [statement_of(l) for l in leaves]
    payloads = [payload_of(s) for s in statements]

    # Every kind of statement appears among the first entries; a spread of
    # the rest keeps the corpus small.
    pick = sorted(set(range(12)) | set(range(12, size, 4)))
    for i in pick:
        write("leaf", f"leaf-{i:02}", leaves[i])
        write("statement", f"statement-{i:02}", statements[i])
        write("payload", f"payload-{i:02}", payloads[i])
    for i in pick[::2]:
        write("cbor", f"leaf-{i:02}", leaves[i])
        write("cbor", f"payload-{i:02}", payloads[i])
    for name, hexbytes in {
        "uint": "1903e8",
        "nint": "3903e7",
        "array": "83010203",
        "map": "a2616101616202",
        "tag": "c11a514b67b0",
        "simple": "83f4f5f6",
        "nested": "81818181a1616180",
        "text": "6449455446",
    }.items():
        write("cbor", name, bytes.fromhex(hexbytes))

    # Regressions: a tag in front of the payload's "at" (serde reads 1(T) as
    # T, a second encoding of the statement), as a payload and inside a
    # statement (signature not valid; decoding alone used to accept it).
    key = b"\x62at"
    p = payloads[6]
    i = p.index(key) + len(key)
    tagged = p[:i] + b"\xc1" + p[i:]
    write("payload", "regress-tagged-at", tagged)
    s = statements[6]
    _, at = bstr(s, 1)  # past the protected header; s[at] is the empty map
    _, end = bstr(s, at + 1)
    assert len(tagged) < 256
    write("statement", "regress-tagged-at",
          s[: at + 1] + bytes([0x58, len(tagged)]) + tagged + s[end:])

    # First byte: width in the low 7 bits (minus one), "exact" in the high bit.
    def framed(es):
        return b"".join(len(e).to_bytes(2, "big") + e for e in es)

    write("bundle", "full-exact", bytes([0x80 | (size - 1)]) + bundle)
    write("bundle", "full-prefix", bytes([size - 2]) + bundle)
    for n in (1, 2, 5, 9):
        write("bundle", f"first-{n}", bytes([0x80 | (n - 1)]) + framed(leaves[:n]))
    write("bundle", "cut-short", bytes([0x80 | 3]) + framed(leaves[:4])[:-7])
    write("bundle", "hash-tile",
          bytes([size - 1]) + (ROOT / f"ledger/tile/0/000.p/{size}").read_bytes())

    checkpoint = (ROOT / "ledger/checkpoint").read_bytes()
    write("checkpoint", "signed", checkpoint)
    write("checkpoint", "text-only", checkpoint.split(b"\n\n")[0] + b"\n")
    write("checkpoint", "two-signatures", checkpoint + checkpoint.split(b"\n\n")[1])

    with tempfile.TemporaryDirectory() as tmp:
        ledger = Path(tmp) / "ledger"
        shutil.copytree(ROOT / "ledger", ledger)
        for i in (0, 1, 6, 31, 55):
            sid = hashlib.sha256(statements[i]).hexdigest()
            proof = subprocess.run(
                [str(BIN), "--ledger", str(ledger), "proof", "inclusion", sid],
                check=True,
                capture_output=True,
            ).stdout
            write("proof", f"entry-{i:02}", proof)
            if i == 6:
                write("checkpoint", "from-proof", proof.split(b"\n\n", 1)[1])

    claims = (ROOT / "sample/claims-v1.json").read_bytes()
    write("import_json", "claims-v1", claims)
    doc = json.loads(claims)
    for n in (1, 3):
        small = {"sources": doc["sources"][:n], "claims": doc["claims"][:n]}
        write("import_json", f"first-{n}", json.dumps(small, indent=1).encode())
    write("import_json", "no-sources", json.dumps({"claims": doc["claims"][:2]}).encode())
    article = (ROOT / "sample/article-v1.txt").read_text()
    write("import_json", "anchor", (article[:400] + "\u0001" + article[120:160]).encode())

    # Batch bodies (POST /api/v1/batches): canonical CBOR
    # {"blobs": [bstr], "statements": [bstr]} ("blobs" sorts first, being
    # shorter), accepted ones and one for each way of being refused.
    def cbor_head(major: int, n: int) -> bytes:
        if n < 24:
            return bytes([major << 5 | n])
        for ai, width in ((24, 1), (25, 2), (26, 4), (27, 8)):
            if n < 1 << (8 * width):
                return bytes([major << 5 | ai]) + n.to_bytes(width, "big")
        raise ValueError(n)

    def cbor_items(items) -> bytes:
        return cbor_head(4, len(items)) + b"".join(cbor_head(2, len(i)) + i for i in items)

    def batch(stmts, blobs, order=("blobs", "statements")) -> bytes:
        fields = {"blobs": cbor_items(blobs), "statements": cbor_items(stmts)}
        return b"\xa2" + b"".join(cbor_head(3, len(k)) + k.encode() + fields[k] for k in order)

    text = (ROOT / "sample/article-v1.txt").read_bytes()
    write("batch", "one", batch([statements[6]], []))
    write("batch", "three", batch(statements[1:4], []))
    write("batch", "with-text", batch(statements[:12], [text]))
    write("batch", "empty", batch([], []))
    write("batch", "forged", batch([statements[5], statements[6][:-1] + bytes([statements[6][-1] ^ 1])], []))
    write("batch", "not-a-statement", batch([statements[5], b"not a statement"], []))
    write("batch", "keys-swapped", batch([statements[6]], [], order=("statements", "blobs")))
    write("batch", "not-a-map", b"\x81\x40")

    total = sum(f.stat().st_size for f in CORPUS.rglob("*") if f.is_file())
    print(f"{sum(1 for f in CORPUS.rglob('*') if f.is_file())} files, {total} bytes")


main()
