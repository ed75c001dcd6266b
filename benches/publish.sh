#!/bin/sh
# `provledger publish` of a ledger of N claims on one long article plus A
# more articles (their texts are blobs), to a directory and to s3s-fs
# (in-process, loopback), first and again (BENCHMARKS.md, "Publishing").
# Also times the CLI to a directory.
#
# Usage: benches/publish.sh [N] [A]   (default: 10000 50)
# Needs: cargo build --bin provledger; cargo build --example publish_bench
# (debug by default; BIN= and EXAMPLE= pick others).
set -eu
cd "$(dirname "$0")/.."
bin=${BIN:-$PWD/target/debug/provledger}
example=${EXAMPLE:-$PWD/target/debug/examples/publish_bench}
n=${1:-10000}
a=${2:-50}
tmp=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
echo "files in $tmp"
. benches/long-ledger.sh
cd "$tmp"
long_article "$n"
long_ledger_base "$bin"
"$bin" --ledger ledger claim import claims.json --article "$article" --key eda.key >/dev/null 2>&1
i=0
while [ "$i" -lt "$a" ]; do
    printf 'Article %s. It reports that the council met on day %s.\n' "$i" "$i" >a.txt
    "$bin" --ledger ledger article add a.txt --url "https://bench.example/a/$i" \
        --publisher Bench --title "Article $i" --key eda.key >/dev/null 2>&1
    i=$((i + 1))
done
echo "ledger: $("$bin" --ledger ledger checkpoint --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])') entries"
"$example" ledger
for run in first again; do
    start=$(date +%s.%N)
    "$bin" --ledger ledger publish cli-pub >/dev/null
    end=$(date +%s.%N)
    python3 -c "import sys; print(f'CLI to a directory, {sys.argv[1]}: {float(sys.argv[3])-float(sys.argv[2]):.3f} s')" "$run" "$start" "$end"
done
du -sh cli-pub ledger
