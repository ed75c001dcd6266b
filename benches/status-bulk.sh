#!/bin/sh
# Bulk status through the release CLI (BENCHMARKS.md, "Status for tools"):
# a ledger with N claims in one long article (231 kB, the article of
# benches/import-cli.sh), a verdict on each of the first 50 claims, then
# `status --article A --json` (every claim of the article), a worklist
# (`claims --unjudged-by cem`), and `proof status` / `proof verify` of one
# verified claim, each timed with its output size.
#
# Usage: benches/status-bulk.sh [N ...]   (default: 1000 10000)
# Needs: cargo build --release --bin provledger
set -eu
cd "$(dirname "$0")/.."
bin=${BIN:-$PWD/target/release/provledger}
[ $# -gt 0 ] || set -- 1000 10000
tmp=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
echo "files in $tmp"
. benches/long-ledger.sh
timed() { # label, command...
    label=$1
    shift
    start=$(date +%s.%N)
    "$@" >"$tmp/out" 2>/dev/null || true
    end=$(date +%s.%N)
    python3 -c "import sys; print(f'{sys.argv[1]}: {float(sys.argv[3])-float(sys.argv[2]):.3f} s, {int(sys.argv[4])} bytes out')" \
        "$label" "$start" "$end" "$(wc -c <"$tmp/out")"
}
for n in "$@"; do
    d=$tmp/$n
    mkdir -p "$d"
    cd "$d"
    L="--ledger ledger"
    long_ledger "$bin" "$n" 50
    echo "N=$n claims, $($bin $L checkpoint | sed -n 2p) entries"
    timed "status --article (all $n claims) --json" $bin $L status --article "$article" --json
    timed "status --article (all $n claims), text" $bin $L status --article "$article"
    timed "claims --unjudged-by cem --json" $bin $L claims --unjudged-by cem --json
    timed "proof status (one verified claim)" $bin $L proof status "$first" --out p.json
    cp p.json "$tmp/out.json"
    timed "proof verify of that file ($(wc -c <p.json) bytes)" $bin proof verify p.json --operator ledger/private/operator.pub --json
    cd - >/dev/null
done
