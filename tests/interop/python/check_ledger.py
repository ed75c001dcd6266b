#!/usr/bin/env python3
"""Checks a provledger ledger's leaves and statements with Python libraries
independent of provledger's Rust code: cbor2 for CBOR and pycose for COSE.

For every entry in the c2sp.org/tlog-tiles entry bundles (tile/entries/...)
covered by the checkpoint's size, it checks that

  * the leaf is canonical CBOR (RFC 8949 §4.2.1): decoding it with cbor2 and
    re-encoding it deterministically gives back the exact bytes;
  * the leaf is the map {v: 1, seq: i, prev, logged_at, statement} and prev is
    the RFC 6962 leaf hash SHA-256(0x00 || leaf) of leaf i-1 (zeros for leaf 0);
  * the statement is a COSE_Sign1 (RFC 9052) whose protected header is
    {1: -8 (EdDSA), 4: kid} with kid the signer's raw 32-byte Ed25519 public
    key, and pycose verifies its signature with an OKP key built from kid;
  * the statement and its protected header and payload are canonical CBOR too;

and that every blob, blobs/<first 2 hex>/<64 hex>, is named by the SHA-256
of its contents.

With --key OPERATOR.pub it also parses the signed-note verifier key
(name+hexid+base64(0x01 || pubkey)), checks its key hash, and checks that the
first statement (the genesis) is signed by that key.

Exit status: 0 when every check holds, 1 when any fails (each failure names
the entry), 2 on usage errors. Requirements: requirements.txt beside this file.
"""

import argparse
import base64
import hashlib
from importlib.metadata import version
import json
import os
import struct
import sys

import cbor2
from pycose.algorithms import EdDSA
from pycose.headers import Algorithm, KID
from pycose.keys import OKPKey
from pycose.keys.curves import Ed25519
from pycose.messages import Sign1Message

TILE_WIDTH = 256
LEAF_KEYS = {"v", "seq", "prev", "logged_at", "statement"}
COSE_SIGN1_TAG = 18


class NotCanonical(Exception):
    """The bytes are not RFC 8949 §4.2.1 deterministically encoded CBOR."""


def _head(major, arg):
    """The shortest-form CBOR head for a major type and argument."""
    if arg < 24:
        return bytes([major << 5 | arg])
    for ai, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if arg < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | ai]) + struct.pack(fmt, arg)
    raise NotCanonical("argument %d too large" % arg)


def deterministic(obj):
    """Encodes a cbor2-decoded value per RFC 8949 §4.2.1.

    cbor2's own canonical=True sorts map keys length-first (the RFC 7049
    rule), which differs from §4.2.1's bytewise order for keys of mixed types,
    so containers are assembled here and every scalar is encoded by cbor2.
    """
    if isinstance(obj, float):
        raise NotCanonical("floating-point value %r (floats are not allowed)" % obj)
    if isinstance(obj, dict):
        items = sorted((deterministic(k), deterministic(v)) for k, v in obj.items())
        return _head(5, len(items)) + b"".join(k + v for k, v in items)
    if isinstance(obj, (list, tuple)):
        return _head(4, len(obj)) + b"".join(deterministic(x) for x in obj)
    if isinstance(obj, cbor2.CBORTag):
        return _head(6, obj.tag) + deterministic(obj.value)
    return cbor2.dumps(obj, canonical=True)


def check_canonical(data, what):
    """Decodes data with cbor2 and checks it re-encodes to the same bytes."""
    try:
        obj = cbor2.loads(data)
    except Exception as e:  # cbor2 raises several types for malformed input
        raise NotCanonical("%s: cbor2 cannot decode it: %s" % (what, e))
    again = deterministic(obj)
    if again != data:
        at = next((i for i in range(min(len(data), len(again))) if data[i] != again[i]), min(len(data), len(again)))
        raise NotCanonical(
            "%s: not canonical CBOR (RFC 8949 §4.2.1): re-encoding differs at byte %d of %d "
            "(stored ...%s..., canonical ...%s...)"
            % (what, at, len(data), data[at : at + 12].hex(), again[at : at + 12].hex())
        )
    return obj, cbor2.dumps(obj, canonical=True) == data


def c2sp_index(n):
    s = "%03d" % (n % 1000)
    n //= 1000
    while n > 0:
        s = "x%03d/%s" % (n % 1000, s)
        n //= 1000
    return s


def read_bundle(ledger, k, width):
    """Entries of bundle k of the given width (a full bundle may stand in for
    a deleted partial one, as c2sp.org/tlog-tiles allows)."""
    base = os.path.join(ledger, "tile", "entries", *c2sp_index(k).split("/"))
    path = base if width == TILE_WIDTH else "%s.p/%d" % (base, width)
    if not os.path.exists(path) and os.path.exists(base):
        path = base
    with open(path, "rb") as f:
        data = f.read()
    entries, off = [], 0
    while off < len(data):
        if len(data) - off < 2:
            raise ValueError("%s: truncated length prefix at byte %d" % (path, off))
        (n,) = struct.unpack_from(">H", data, off)
        off += 2
        if len(data) - off < n:
            raise ValueError("%s: entry at byte %d claims %d bytes, %d remain" % (path, off - 2, n, len(data) - off))
        entries.append(data[off : off + n])
        off += n
    if len(entries) < width or (path != base and len(entries) != width):
        raise ValueError("%s holds %d entries, want %d" % (path, len(entries), width))
    return entries[:width]


def checkpoint_size(ledger):
    with open(os.path.join(ledger, "checkpoint"), "rb") as f:
        lines = f.read().decode("utf-8").split("\n")
    if len(lines) < 3 or not lines[1].isdigit():
        raise ValueError("checkpoint: second line %r is not a tree size" % (lines[1:2],))
    return int(lines[1])


def parse_verifier_key(text):
    """Parses a signed-note verifier key; returns (name, raw Ed25519 key)."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise ValueError("verifier key %r is not name+hexid+base64" % text.strip())
    name, hexid, b64 = parts
    key = base64.b64decode(b64, validate=True)
    if len(key) != 33 or key[0] != 1:
        raise ValueError("verifier key %r: want 0x01 followed by a 32-byte Ed25519 key" % text.strip())
    want = hashlib.sha256(name.encode() + b"\n" + key).digest()[:4].hex()
    if hexid != want:
        raise ValueError("verifier key %r: key hash is %s, want %s" % (text.strip(), hexid, want))
    return name, key[1:]


def check_statement(stmt):
    """Checks one statement; returns (kid, payload object)."""
    tagged = stmt[:1] == bytes([0xC0 | COSE_SIGN1_TAG])
    arr, _ = check_canonical(stmt, "statement")
    if isinstance(arr, cbor2.CBORTag):
        arr = arr.value
    if not isinstance(arr, list) or len(arr) != 4:
        raise ValueError("statement is not a 4-element COSE_Sign1 array")
    protected, unprotected, payload, signature = arr
    if not isinstance(protected, bytes) or not isinstance(payload, bytes) or not isinstance(signature, bytes):
        raise ValueError("statement: protected header, payload and signature must be byte strings")
    phdr, _ = check_canonical(protected, "protected header")
    if phdr.get(1) != -8:
        raise ValueError("protected header alg is %r, want -8 (EdDSA)" % phdr.get(1))
    kid = phdr.get(4)
    if not isinstance(kid, bytes) or len(kid) != 32:
        raise ValueError("protected header kid %r is not a raw 32-byte Ed25519 public key" % (kid,))
    body, _ = check_canonical(payload, "payload")

    msg = Sign1Message.decode(stmt if tagged else cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, arr)))
    if msg.phdr.get(Algorithm) is not EdDSA:
        raise ValueError("pycose reads alg %r, want EdDSA" % msg.phdr.get(Algorithm))
    if msg.phdr.get(KID) != kid:
        raise ValueError("pycose reads a different kid")
    msg.key = OKPKey(crv=Ed25519, x=kid)
    try:
        ok = msg.verify_signature()
    except Exception as e:
        raise ValueError("pycose cannot verify the signature: %s" % e)
    if not ok:
        raise ValueError("pycose: Ed25519 signature does not verify with kid %s" % kid.hex())
    return kid, body


def check_blobs(ledger, fail):
    """Checks blobs/<2 hex>/<64 hex> are named by their SHA-256; returns how
    many there are. Temporary files (.tmp*) are what a crash mid-write leaves
    and are skipped."""
    root = os.path.join(ledger, "blobs")
    count = 0
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            if name.startswith(".tmp"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), ledger)
            sub = os.path.basename(dirpath)
            if len(name) != 64 or any(ch not in "0123456789abcdef" for ch in name) or sub != name[:2]:
                fail("%s: not a blobs/<2 hex>/<64 hex> path" % rel)
                continue
            with open(os.path.join(dirpath, name), "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            if digest != name:
                fail("%s: contents have SHA-256 %s" % (rel, digest))
            count += 1
    return count


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ledger", help="ledger directory (holds checkpoint and tile/)")
    ap.add_argument("--key", help="operator verifier key file (NAME.pub); checks it signed the genesis")
    ap.add_argument("--ids", help="write one JSON line per entry {seq, id, signer, kind} to this file")
    ap.add_argument("-q", "--quiet", action="store_true", help="print only failures and the summary")
    args = ap.parse_args()

    failures = []

    def fail(msg):
        failures.append(msg)
        print("check_ledger: FAIL: %s" % msg, file=sys.stderr)

    operator = None
    if args.key:
        try:
            with open(args.key) as f:
                name, operator = parse_verifier_key(f.read())
            if not args.quiet:
                print("  ok  %s: verifier key for %r has the right key hash" % (args.key, name))
        except (OSError, ValueError) as e:
            fail(str(e))

    try:
        size = checkpoint_size(args.ledger)
        leaves = []
        for k in range((size + TILE_WIDTH - 1) // TILE_WIDTH):
            leaves += read_bundle(args.ledger, k, min(TILE_WIDTH, size - k * TILE_WIDTH))
    except (OSError, ValueError, UnicodeDecodeError) as e:
        fail(str(e))
        return 1

    prev = bytes(32)
    signers, kinds, ids = set(), {}, []
    length_first_differs = 0
    for i, leaf in enumerate(leaves):
        where = "entry %d" % i
        try:
            obj, cbor2_agrees = check_canonical(leaf, "leaf")
            length_first_differs += not cbor2_agrees
            if not isinstance(obj, dict) or set(obj) != LEAF_KEYS:
                raise ValueError("leaf keys are %r, want %r" % (sorted(obj) if isinstance(obj, dict) else obj, sorted(LEAF_KEYS)))
            if obj["v"] != 1 or type(obj["v"]) is not int:
                raise ValueError("leaf v is %r, want 1" % obj["v"])
            if obj["seq"] != i or type(obj["seq"]) is not int:
                raise ValueError("leaf seq is %r, want %d" % (obj["seq"], i))
            if type(obj["logged_at"]) is not int or obj["logged_at"] < 0:
                raise ValueError("leaf logged_at %r is not an unsigned integer" % obj["logged_at"])
            if obj["prev"] != prev:
                raise ValueError(
                    "leaf prev is %s, want SHA-256(0x00 || leaf %d) = %s"
                    % (obj["prev"].hex() if isinstance(obj["prev"], bytes) else obj["prev"], i - 1, prev.hex())
                )
            stmt = obj["statement"]
            if not isinstance(stmt, bytes):
                raise ValueError("leaf statement is not a byte string")
            kid, body = check_statement(stmt)
            if i == 0 and operator is not None and kid != operator:
                raise ValueError("genesis is signed by %s, not the operator key %s" % (kid.hex(), operator.hex()))
            signers.add(kid)
            kind = body.get("kind", "?") if isinstance(body, dict) else "?"
            kinds[kind] = kinds.get(kind, 0) + 1
            ids.append({"seq": i, "id": hashlib.sha256(stmt).hexdigest(), "signer": kid.hex(), "kind": kind})
        except (NotCanonical, ValueError, KeyError, TypeError) as e:
            fail("%s: %s" % (where, e))
            ids.append({"seq": i, "error": str(e)})
        prev = hashlib.sha256(b"\x00" + leaf).digest()

    blobs = check_blobs(args.ledger, fail)

    if args.ids:
        with open(args.ids, "w") as f:
            for rec in ids:
                f.write(json.dumps(rec, sort_keys=True) + "\n")
    if length_first_differs:
        print(
            "check_ledger: note: %d leaves are RFC 8949 §4.2.1 canonical but differ from cbor2's "
            "canonical=True, which sorts map keys length-first (RFC 7049); §4.2.1 sorts bytewise" % length_first_differs
        )
    if failures:
        print("check_ledger: FAIL: %d problem(s) in %d entries" % (len(failures), len(leaves)), file=sys.stderr)
        return 1
    print(
        "check_ledger: OK: %d leaves canonical (cbor2 %s), prev chain intact, %d COSE_Sign1 signatures "
        "verified by pycose %s from %d signer(s); kinds %s; %d blob(s) named by their SHA-256"
        % (len(leaves), version("cbor2"), len(leaves), version("pycose"), len(signers), json.dumps(kinds, sort_keys=True), blobs)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
