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
. benches/long-ledger.sh
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
    cd "$d"
    L="--ledger ledger"
    long_ledger "$bin" "$n" 200
    $bin $L claims --limit 1 >/dev/null 2>&1 # the index caught up before timing
    echo "N=$n claims, $($bin $L checkpoint | sed -n 2p) entries"
    for f in claimreview prov jsonl csv; do
        timed "export $f" "out.$f" $bin $L export $f --out "out.$f"
    done
    cd - >/dev/null
done
