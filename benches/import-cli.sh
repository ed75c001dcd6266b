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
bin=${BIN:-$PWD/target/release/provledger}
bench=$(ls -t target/release/deps/ledger-* | grep -v '\.d$' | head -1)
[ $# -gt 0 ] || set -- 100 10000
tmp=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
echo "files in $tmp"
. benches/long-ledger.sh
for n in "$@"; do
    PROVLEDGER_BENCH_SHAPES=limit PROVLEDGER_BENCH_LIMIT=$n "$bench" --bench 2>&1 | grep '^limit'
    d=$tmp/$n
    mkdir -p "$d"
    (
        cd "$d"
        long_article "$n"
        long_ledger_base "$bin"
        start=$(date +%s.%N)
        "$bin" --ledger ledger claim import claims.json --article "$article" --key eda.key >/dev/null 2>&1
        end=$(date +%s.%N)
        python3 -c "import sys; n,s,e=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print(f'claim import (CLI, release): {n} claims in {e-s:.3f} s = {n/(e-s):.0f} claims/s')" "$n" "$start" "$end"
    )
done
