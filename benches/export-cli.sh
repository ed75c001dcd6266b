#!/bin/sh
# Exports of a large ledger through the release CLI (BENCHMARKS.md,
# "Exports"): a ledger with N claims in one long article (the article of
# benches/status-bulk.sh), a verdict by one checker on each of the first 200
# claims, then each `provledger export FORMAT --out F` of the whole ledger,
# timed with its output size.
#
# Usage: benches/export-cli.sh [N ...]   (default: 1000 10000)
# Needs: cargo build --release --bin provledger (or BIN=path/to/provledger)
set -eu
cd "$(dirname "$0")/.."
bin=${BIN:-$PWD/target/release/provledger}
[ $# -gt 0 ] || set -- 1000 10000
tmp=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
echo "files in $tmp"
timed() { # label, output file, command...
    label=$1
    out=$2
    shift 2
    start=$(date +%s.%N)
    "$@" 2>/dev/null
    end=$(date +%s.%N)
    python3 -c "import sys; print(f'{sys.argv[1]}: {float(sys.argv[3])-float(sys.argv[2]):.3f} s, {int(sys.argv[4])} bytes out')" \
        "$label" "$start" "$end" "$(wc -c <"$out")"
}
for n in "$@"; do
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
    cd "$d"
    L="--ledger ledger"
    $bin $L init --origin bench.example/ledger >/dev/null 2>&1
    for who in eda cem; do $bin key generate $who --out . >/dev/null 2>&1; done
    $bin $L key grant eda.pub --role editor --display-name "Eda Editor" >/dev/null 2>&1
    $bin $L key grant cem.pub --role checker --display-name "Cem Checker" >/dev/null 2>&1
    $bin $L article add article.txt --url https://bench.example/long \
        --publisher Bench --title "A long article" --key eda.key >/dev/null 2>&1
    article=$($bin $L article list --json |
        python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["versions"][0]["id"])')
    $bin $L claim import claims.json --article "$article" --key eda.key >/dev/null 2>&1
    for c in $($bin $L claims --limit 200 --json | python3 -c 'import json,sys; [print(c["id"]) for c in json.load(sys.stdin)]'); do
        $bin $L verify "$c" --verdict true --key cem.key >/dev/null 2>&1
    done
    $bin $L claims --limit 1 >/dev/null 2>&1 # the index caught up before timing
    echo "N=$n claims, $($bin $L checkpoint | sed -n 2p) entries"
    for f in claimreview prov jsonl csv; do
        timed "export $f" "out.$f" $bin $L export $f --out "out.$f"
    done
    cd - >/dev/null
done
