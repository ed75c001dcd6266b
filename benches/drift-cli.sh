#!/bin/sh
# `provledger claim drift` through the release CLI on one long article
# (BENCHMARKS.md, "Claim drift"): SENTENCES sentences (default 3000, about
# 250 kB; the text of benches/drift.rs), a claim on every third, imported in
# one batch; the article updated by the same edits as the criterion bench;
# then `claim drift` timed read-only (--json) and with --apply.
#
# Usage: benches/drift-cli.sh [SENTENCES]
# Needs: cargo build --release --bin provledger
set -eu
cd "$(dirname "$0")/.."
bin=${BIN:-$PWD/target/release/provledger}
n=${1:-3000}
tmp=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
python3 - "$n" "$tmp" <<'PY'
import json, sys
n, out = int(sys.argv[1]), sys.argv[2]
places = ["Harrowgate", "Lindau", "Tallmark", "Brenford", "Corvera", "Westmere", "Oakfield", "Karvik"]
bodies = [
    "council approved a budget of {n} million euros for the new tram line",
    "fire service said {n} residents were evacuated after the river rose",
    "hospital postponed {n} operations during the strike by nurses",
    "mine operator said {n} workers were brought to the surface overnight",
    "school board counted {n} pupils, fewer than the year before",
    "police reported {n} arrests after the match on Saturday evening",
]
def sentence(i):
    body = bodies[i % 6].replace("{n}", str(i * 7 + 3))
    return f"In {places[i % 8]} district {i}, the {body}, officials said on \u201cday {i}\u201d."
old, new, moved, claims = [], [], [], []
for i in range(n):
    s = sentence(i)
    if i % 3 == 0:
        claims.append({"ref": f"c{i}", "proposition": f"Claim {i}.", "exact": s})
    sep = "\n\n" if i % 5 == 4 else " "
    old.append(s + sep)
    k = i % 20
    if k in (1, 7):
        c = s.replace(f" {i * 7 + 3} ", f" {i * 7 + 4} ")
    elif k == 3:
        c = ""
    elif k == 9:
        c = s.replace("\u201c", '"').replace("\u201d", '"')
    elif k == 12:
        c = f"Officials in {places[i % 8]} said the figure for district {i} was revised."
    elif k == 15:
        moved.append(s + " ")
        c = ""
    else:
        c = s
    new.append(c + sep)
    if i % 40 == 39:
        new.append("A short note on the weather, inserted by the editors, about rain and wind.\n\n")
new.extend(moved)
open(f"{out}/old.txt", "w").write("".join(old))
open(f"{out}/new.txt", "w").write("".join(new))
json.dump({"claims": claims}, open(f"{out}/claims.json", "w"))
print(f"{len(''.join(old).encode()) // 1000} kB, {len(claims)} claims")
PY
cd "$tmp"
export PROVLEDGER_DIR=$tmp/ledger
"$bin" init --origin bench.example/ledger >/dev/null 2>&1
"$bin" key generate eda --out keys >/dev/null 2>&1
"$bin" key grant keys/eda.pub --role editor >/dev/null
v1=$("$bin" article add old.txt --url https://news.example/long --publisher News --title Long --key keys/eda.key --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
"$bin" claim import claims.json --article "$v1" --key keys/eda.key >/dev/null 2>&1
"$bin" article update "$v1" new.txt --key keys/eda.key >/dev/null
t() { start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N); echo "$end - $start" | bc; }
echo "claim drift (read only, --json): $(t "$bin" claim drift "$v1" --json) s"
echo "claim drift (read only, text):   $(t "$bin" claim drift "$v1") s"
"$bin" claim drift "$v1" --json | python3 -c 'import json,sys; print("counts:", json.load(sys.stdin)["counts"])'
echo "claim drift --apply:             $(t "$bin" claim drift "$v1" --apply --key keys/eda.key) s"
"$bin" audit | tail -1
