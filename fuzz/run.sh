#!/usr/bin/env bash
# Builds the fuzz targets and runs each for SECONDS (default 60), one after
# the other, on stable Rust: libFuzzer comes from the libfuzzer-sys crate and
# the coverage instrumentation from rustc's stable -C flags (the ones
# cargo-fuzz passes with `-s none`), so neither nightly nor cargo-fuzz is
# needed. Needs a C++ compiler (libFuzzer is built from source).
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# Each target starts from its seeds in fuzz/corpus/<target>/ (read only;
# what the run discovers goes to fuzz/target/corpus/<target>/). A crash
# stops the run with a non-zero exit and leaves the input in
# fuzz/artifacts/<target>/; keep it as a regression seed in the corpus.
# The last line of each run ("#N DONE cov: .. ft: .. exec/s: ..") is what
# BENCHMARKS.md records.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

seconds=${1:-60}
shift || true
if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=(cbor statement payload leaf bundle checkpoint proof import_json batch)
fi

host=$(rustc -vV | sed -n 's/^host: //p')
# -C passes=sancov-module and its options are stable; --cfg fuzzing is what
# libfuzzer-sys and cargo-fuzz set. --target keeps the flags off build
# scripts and proc macros, which must not be instrumented.
export RUSTFLAGS="-Cpasses=sancov-module \
-Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
-Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares \
--cfg fuzzing -Cdebug-assertions -Coverflow-checks"
cargo build --release --locked --target "$host" --bins

bin=${CARGO_TARGET_DIR:-target}/$host/release
for t in "${targets[@]}"; do
  echo "::: fuzz $t (${seconds}s)"
  rm -rf "artifacts/$t"
  mkdir -p "target/corpus/$t" "artifacts/$t" target/logs
  log=target/logs/$t.log
  # -timeout: an input that takes 10 s is a hang; -rss_limit_mb: a decoder
  # that needs 2 GB for a small input is a bug too.
  rc=0
  "$bin/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="artifacts/$t/" \
    "target/corpus/$t" "corpus/$t" >"$log" 2>&1 || rc=$?
  grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" || true
  if [ "$rc" -ne 0 ]; then
    tail -n 40 "$log"
    echo "fuzz $t failed (exit $rc): the input is in fuzz/artifacts/$t/, the log in fuzz/$log" >&2
    exit 1
  fi
done
