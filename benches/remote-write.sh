#!/bin/sh
# Writes with `--remote` (BENCHMARKS.md, "Writing with --remote"): a ledger
# with editor eda and checker cem and the long article (benches/
# long-ledger.sh) served by `provledger serve --write` on a free loopback
# port; then, from another "machine" (its own cache directory, no ledger):
# `claim import --remote` of N claims (one batch), and R single
# `verify --remote` (each: pull the cache mirror, sign, POST, check the
# proof and the consistency proof, pull again). Stops the server itself.
#
# Usage: benches/remote-write.sh [N] [R]   (default: 1000 10)
# BIN picks the binary (default: the debug build, target/debug/provledger).
set -eu
cd "$(dirname "$0")/.."
bin=${BIN:-$PWD/target/debug/provledger}
n=${1:-1000}
r=${2:-10}
tmp=$(mktemp -d)
pid=""
cleanup() {
    [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
    [ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
. benches/long-ledger.sh
cd "$tmp"
long_article "$n"
long_ledger_base "$bin"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" --ledger ledger serve --write --listen "127.0.0.1:$port" >serve.log 2>&1 &
pid=$!
url="http://127.0.0.1:$port/"
for _ in $(seq 100); do
    curl -fsS "${url}checkpoint" >/dev/null 2>&1 && break
    sleep 0.1
done
export PROVLEDGER_CACHE=$tmp/cache PROVLEDGER_REMOTE=$url
remote() { "$bin" --ledger nowhere --remote-operator ledger/private/operator.pub "$@"; }
now() { date +%s.%N; }
# The first pull of the cache mirror, apart.
start=$(now)
remote claims --limit 1 >/dev/null 2>&1
end=$(now)
python3 -c "import sys; print(f'first pull of the cache mirror (4 entries): {float(sys.argv[2])-float(sys.argv[1]):.3f} s')" "$start" "$end"
start=$(now)
remote claim import claims.json --article "$article" --key eda.key >/dev/null
end=$(now)
python3 -c "import sys; n,s,e=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print(f'claim import --remote: {n} claims in {e-s:.3f} s = {n/(e-s):.0f} claims/s')" "$n" "$start" "$end"
claims=$(remote claims --limit "$r" --json | python3 -c 'import json,sys; [print(c["id"]) for c in json.load(sys.stdin)]')
start=$(now)
for c in $claims; do
    remote verify "$c" --verdict true --key cem.key >/dev/null
done
end=$(now)
python3 -c "import sys; r,s,e=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print(f'verify --remote: {r} verdicts, {(e-s)/r*1000:.0f} ms each')" "$r" "$start" "$end"
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""
unset PROVLEDGER_REMOTE
"$bin" --ledger ledger audit | tail -1
# For comparison: the same import into a local ledger with the same binary.
mkdir local && cd local
cp ../article.txt ../claims.json .
long_ledger_base "$bin"
start=$(now)
"$bin" --ledger ledger claim import claims.json --article "$article" --key eda.key >/dev/null 2>&1
end=$(now)
python3 -c "import sys; n,s,e=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print(f'claim import (local, same binary): {n} claims in {e-s:.3f} s')" "$n" "$start" "$end"
