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
. benches/long-ledger.sh
for n in "$@"; do
    d=$tmp/$n
    mkdir -p "$d"
    cd "$d"
    L="--ledger ledger"
    long_ledger "$bin" "$n" 50
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
