#!/usr/bin/env bash
# Times `provledger article fetch` of the news fixture (fetch over loopback,
# decode, both extractors, WARC, sign, append) against `article add` of the
# same text (sign and append only): the difference is the capture's cost.
# Usage: benches/capture.sh [PROVLEDGER_BINARY] [RUNS]
# Serves tests/fixtures/capture with python3 -m http.server on 127.0.0.1.
set -euo pipefail
BIN=${1:-target/debug/provledger}
RUNS=${2:-20}
BIN=$(realpath "$BIN")
FIX=$(realpath tests/fixtures/capture)
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$PORT" --bind 127.0.0.1 -d "$FIX" >/dev/null 2>&1 &
SERVER=$!
sleep 1
cd "$WORK"
export PROVLEDGER_DIR="$WORK/ledger" PROVLEDGER_KEY="$WORK/desk.key"
"$BIN" init --origin bench.example/ledger >/dev/null 2>&1
"$BIN" key generate desk >/dev/null 2>&1
"$BIN" key grant desk.pub --role editor >/dev/null
ms() { python3 -c 'import sys,statistics; v=sorted(float(x) for x in sys.stdin); print(f"median {statistics.median(v):.1f} ms, min {v[0]:.1f} ms, max {v[-1]:.1f} ms")'; }
for i in $(seq "$RUNS"); do
  s=$(date +%s%N)
  "$BIN" article fetch "http://127.0.0.1:$PORT/news.html?run=$i" >/dev/null 2>&1
  e=$(date +%s%N)
  echo "scale=3; ($e-$s)/1000000" | bc
done | ms | sed 's/^/article fetch (news.html, 5141 bytes): /'
"$BIN" article show "$("$BIN" article list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["chain"])')" --text > text.txt
for i in $(seq "$RUNS"); do
  printf '\n%s' "$i" >> text.txt
  s=$(date +%s%N)
  "$BIN" article add text.txt --url "https://bench.example/$i" --publisher P --title T >/dev/null 2>&1
  e=$(date +%s%N)
  echo "scale=3; ($e-$s)/1000000" | bc
done | ms | sed 's/^/article add (the same text, 1640 bytes): /'
