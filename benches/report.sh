#!/bin/sh
# The web view's generation time (BENCHMARKS.md, "Web view"): a ledger with
# N claims in one long article (the article and import of
# benches/status-bulk.sh), a verdict on each of the first 50 claims and
# a second version of the article, then `provledger report --out site`
# timed (every page: the index, 7 status lists, the article and its diff,
# every claim page), with the files and bytes it wrote.
#
# Usage: benches/report.sh [N ...]   (default: 1000 10000)
# BIN picks the binary (default: target/release/provledger, from
# cargo build --release --bin provledger).
set -eu
cd "$(dirname "$0")/.."
bin=${BIN:-$PWD/target/release/provledger}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
[ $# -gt 0 ] || set -- 1000 10000
tmp=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
echo "binary $bin; files in $tmp"
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
open(f"{out}/article-v2.txt", "w").write(text.replace("went on for a while", "lasted all night", 40))
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
    for c in $($bin $L claims --limit 50 --json | python3 -c 'import json,sys; [print(c["id"]) for c in json.load(sys.stdin)]'); do
        $bin $L verify "$c" --verdict true --key cem.key >/dev/null 2>&1
    done
    $bin $L article update "$article" article-v2.txt --key eda.key >/dev/null 2>&1
    $bin $L claims --limit 1 >/dev/null 2>&1 # catch the index up before timing
    echo "N=$n claims, $($bin $L checkpoint | sed -n 2p) entries"
    for run in 1 2; do
        start=$(date +%s.%N)
        $bin $L report --out site --json >report.json 2>/dev/null
        end=$(date +%s.%N)
        python3 -c "import json,sys; r=json.load(open('report.json')); print(f'report --out site (run {sys.argv[3]}): {float(sys.argv[2])-float(sys.argv[1]):.2f} s, {r[\"files\"]} files, {r[\"bytes\"]/1e6:.1f} MB')" \
            "$start" "$end" "$run"
    done
    cd - >/dev/null
done
