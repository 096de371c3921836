#!/usr/bin/env bash
# The benchmark of issue #7, one command: builds the release app, generates an L3 bill
# (1,000,000 rows by default, ~450 MiB, under /tmp), serves dist/ on loopback and, in one page
# load of headless Chromium, times tcbill's full path against Papa Parse and uDSV on that file.
# Prints figures only (see BENCHMARKS.md); the native criterion bench is
# `cargo bench -p tcbill-gen --bench core`.
#
#   bash scripts/bench.sh [--rows N] [--seed S]
#
# Generated files go to $TCBILL_BENCH_DATA (default /tmp/tcbill-bench) and are reused.
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

rows=1000000
seed=7
while [ $# -gt 0 ]; do
    case $1 in
        --rows) rows=${2:?--rows needs a value}; shift 2 ;;
        --seed) seed=${2:?--seed needs a value}; shift 2 ;;
        *) echo "usage: bash scripts/bench.sh [--rows N] [--seed S]" >&2; exit 2 ;;
    esac
done

say() { printf '[bench] %s\n' "$*"; }

scripts/setup.sh test
say "building the release app (trunk build --offline --release)"
# Trunk builds in the repository's own target/ (a CARGO_TARGET_DIR elsewhere confuses its wasm-opt step).
# Another build writing dist/ at the same moment (a test run) makes Trunk's staging fail: try again.
for attempt in 1 2 3; do
    env -u CARGO_TARGET_DIR trunk build --offline --release && break
    [ "$attempt" = 3 ] && { say "trunk build failed 3 times"; exit 1; }
    say "trunk build failed (attempt $attempt); retrying"
done

data=${TCBILL_BENCH_DATA:-/tmp/tcbill-bench}
mkdir -p "$data"
file="$data/l3-$rows-seed$seed.csv"
if [ -s "$file" ] && [ -s "$file.json" ]; then
    say "reusing $file"
else
    say "generating $file"
    cargo run --quiet --release -p tcbill-gen -- l3 --rows "$rows" --seed "$seed" --out "$file" > "$file.json"
fi
say "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/^Mem:/ {print $2}') GiB memory"
node bench/browser.mjs "$file" "$(cat "$file.json")"
