#!/usr/bin/env bash
# The benchmark of issues #7 and #12, one command: generates an L3 bill (1,000,000 rows by
# default, ~450 MiB, under /tmp), then
# - browser: builds the release app, serves dist/ on loopback and, in one page load of headless
#   Chromium, times tcbill's full path against Papa Parse, uDSV and DuckDB-WASM on that file
#   (bench/browser.mjs);
# - native: `tcbill analyze --json` (release build) against DuckDB and pandas (bench/native.py,
#   in the .venv of scripts/python-tests.sh).
# Prints figures only (see BENCHMARKS.md); the native criterion bench is
# `cargo bench -p tcbill-gen --bench core`.
#
#   bash scripts/bench.sh [--rows N] [--seed S] [--only browser|native]
#   bash scripts/bench.sh --months 12 [--rows N] [--seed S]
#
# --months N: N monthly L3 bills (2025-01 on, --rows each, default 100,000; seeds S, S+1, ...)
# dropped together on the page (bench/months.mjs): total size, drop -> report, peak wasm memory.
#
# Generated files go to $TCBILL_BENCH_DATA (default /tmp/tcbill-bench) and are reused.
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

rows=
seed=7
months=
parts="browser native"
usage="usage: bash scripts/bench.sh [--rows N] [--seed S] [--only browser|native | --months N]"
while [ $# -gt 0 ]; do
    case $1 in
        --rows) rows=${2:?--rows needs a value}; shift 2 ;;
        --seed) seed=${2:?--seed needs a value}; shift 2 ;;
        --months)
            case ${2:-} in [1-9] | 1[0-2]) months=$2; parts=browser ;; *) echo "--months: 1 to 12" >&2; exit 2 ;; esac
            shift 2 ;;
        --only)
            case ${2:-} in browser | native) parts=$2 ;; *) echo "$usage" >&2; exit 2 ;; esac
            shift 2 ;;
        *) echo "$usage" >&2; exit 2 ;;
    esac
done

if [ -n "$months" ]; then rows=${rows:-100000}; else rows=${rows:-1000000}; fi

say() { printf '[bench] %s\n' "$*"; }
runs() { case " $parts " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

scripts/setup.sh test
if runs browser; then
    say "building the release app (trunk build --offline --release)"
    # Trunk builds in the repository's own target/ (a CARGO_TARGET_DIR elsewhere confuses its wasm-opt step).
    # Another build writing dist/ at the same moment (a test run) makes Trunk's staging fail: try again.
    for attempt in 1 2 3; do
        env -u CARGO_TARGET_DIR trunk build --offline --release && break
        [ "$attempt" = 3 ] && { say "trunk build failed 3 times"; exit 1; }
        say "trunk build failed (attempt $attempt); retrying"
    done
fi
if runs native; then
    say "building the release CLI (cargo build --release -p tcbill-cli)"
    cargo build --quiet --release -p tcbill-cli
fi

data=${TCBILL_BENCH_DATA:-/tmp/tcbill-bench}
mkdir -p "$data"
if [ -n "$months" ]; then
    monthly=()
    for month in $(seq 1 "$months"); do
        name=$(printf '2025-%02d' "$month")
        file="$data/l3-$name-$rows-seed$((seed + month - 1)).csv"
        if [ ! -s "$file" ]; then
            say "generating $file"
            cargo run --quiet --release -p tcbill-gen -- l3 --rows "$rows" --seed "$((seed + month - 1))" \
                --month "$name" --out "$file" > /dev/null
        fi
        monthly+=("$file")
    done
    say "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/^Mem:/ {print $2}') GiB memory"
    say "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min); $(date -u '+%Y-%m-%d %H:%M UTC')"
    node bench/months.mjs "${monthly[@]}"
    say "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
    exit 0
fi
file="$data/l3-$rows-seed$seed.csv"
if [ -s "$file" ] && [ -s "$file.json" ]; then
    say "reusing $file"
else
    say "generating $file"
    cargo run --quiet --release -p tcbill-gen -- l3 --rows "$rows" --seed "$seed" --out "$file" > "$file.json"
fi
say "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/^Mem:/ {print $2}') GiB memory"
say "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min); $(date -u '+%Y-%m-%d %H:%M UTC')"
if runs browser; then
    node bench/browser.mjs "$file" "$(cat "$file.json")"
fi
if runs native; then
    .venv/bin/python bench/native.py "$file" "${CARGO_TARGET_DIR:-$PWD/target}/release/tcbill" "$(cat "$file.json")"
fi
say "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
