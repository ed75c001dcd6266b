#!/bin/sh
# `provledger claim import` through the release CLI, N claims into one long
# article (231 kB, 3,000 sentences), each import into a fresh ledger, with
# the signing and batch-verifying limit for the same N measured just before
# by the bench binary (BENCHMARKS.md, "Costs that stay flat").
#
# Usage: benches/import-cli.sh [N ...]   (default: 100 10000)
# Needs: cargo build --release --bin provledger; cargo bench --bench ledger --no-run
set -eu
cd "$(dirname "$0")/.."
bin=$PWD/target/release/provledger
bench=$(ls -t target/release/deps/ledger-* | grep -v '\.d$' | head -1)
[ $# -gt 0 ] || set -- 100 10000
tmp=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
echo "files in $tmp"
for n in "$@"; do
    PROVLEDGER_BENCH_SHAPES=limit PROVLEDGER_BENCH_LIMIT=$n "$bench" --bench 2>&1 | grep '^limit'
    d=$tmp/$n
    mkdir -p "$d"
    python3 - "$n" "$d" <<'PY'
import json, sys
n, out = int(sys.argv[1]), sys.argv[2]
sentences = [
    f"Sentence {i:06d} of the long article says that the talks went on for a while. "
    for i in range(3000)
]
text = "".join(sentences)
open(f"{out}/article.txt", "w").write(text)
starts, pos = [], 0
for s in sentences:
    starts.append(pos)
    pos += len(s)
claims = []
k = 1
while len(claims) < n:
    for i in range(0, len(sentences) - k):
        if len(claims) == n:
            break
        exact = text[starts[i] : starts[i + k] - 1]
        claims.append({"ref": f"c{len(claims)}", "proposition": f"Claim {len(claims)} of the import.", "exact": exact})
    k += 1
json.dump({"claims": claims}, open(f"{out}/claims.json", "w"))
PY
    (
        cd "$d"
        "$bin" --ledger ledger init --origin bench.example/ledger >/dev/null 2>&1
        "$bin" key generate eda --out . >/dev/null 2>&1
        "$bin" --ledger ledger key grant eda.pub --role editor --display-name "Eda Editor" >/dev/null 2>&1
        "$bin" --ledger ledger article add article.txt --url https://bench.example/long \
            --publisher Bench --title "A long article" --key eda.key >/dev/null 2>&1
        article=$("$bin" --ledger ledger article list --json |
            python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["versions"][0]["id"])')
        start=$(date +%s.%N)
        "$bin" --ledger ledger claim import claims.json --article "$article" --key eda.key >/dev/null 2>&1
        end=$(date +%s.%N)
        python3 -c "import sys; n,s,e=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print(f'claim import (CLI, release): {n} claims in {e-s:.3f} s = {n/(e-s):.0f} claims/s')" "$n" "$start" "$end"
    )
done
