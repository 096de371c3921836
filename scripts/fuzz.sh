#!/usr/bin/env bash
# Fuzzes every input path (CSV/TSV bills, deduction and usage exports, API JSON, ZIP, XLSX, Parquet).
#
#   scripts/fuzz.sh [SECONDS]           all targets for SECONDS in total (default 3600), shared equally:
#                                       cargo-fuzz (libFuzzer, coverage-guided) where nightly is installed,
#                                       else the stable mutation harness
#   scripts/fuzz.sh --stable [SECONDS]  the stable harness only (CI's layer: scripts/test.sh)
#
# Seeds are rebuilt from the test data into fuzz/seeds/; libFuzzer grows fuzz/corpus/TARGET/; a crash's
# input lands in fuzz/artifacts/TARGET/ (libFuzzer's log beside it). FUZZ_SEED picks the stable harness's mutations (default 0, so a
# run repeats). Exits 1 if any target crashed. README's "Fuzzing" says how to reproduce a crash.
set -uo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

stable=false
if [ "${1:-}" = --stable ]; then
    stable=true
    shift
fi
seconds=${1:-3600}
targets=(csv deduction usage json zip xlsx parquet)
per_target=$(( seconds / ${#targets[@]} ))
[ "$per_target" -ge 1 ] || per_target=1
# A ZIP bomb or a corrupt length must fail the run, not take the shared machine's memory.
memory_mb=4096

say() { printf '[fuzz] %s\n' "$*"; }

# Where cargo puts the harness: $CARGO_TARGET_DIR when set (a build dir shared by worktrees), else target/.
harness="${CARGO_TARGET_DIR:-target}/fuzz/tcbill-fuzz"

# No AddressSanitizer: tcbill is safe Rust, and ASan made each execution about 12 times slower. Debug
# assertions and overflow checks stay on: an integer overflow is a crash here, not a silent wrong number.
cargo_fuzz_flags=(--sanitizer none --debug-assertions)

if ! $stable && scripts/setup.sh fuzz; then
    say "cargo-fuzz: ${#targets[@]} targets, ${per_target} s each"
    cargo +nightly fuzz build "${cargo_fuzz_flags[@]}" || exit 1
    cargo build --profile fuzz -p tcbill-fuzz --bin tcbill-fuzz || exit 1
    "$harness" corpus fuzz/seeds || exit 1
    # The stable mutator's boundary numbers (5e28, 28-digit values) and CSV tokens, for libFuzzer too: its own
    # mutations ran usage and json for two minutes each without one of the overflows the stable harness finds in
    # seconds (the dictionary alone did not find them in one minute either; run both).
    "$harness" dict > fuzz/seeds/tcbill.dict || exit 1
    crashed=()
    for target in "${targets[@]}"; do
        mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
        before=$(ls "fuzz/artifacts/$target" | grep -cE '^(crash|oom|timeout)-')
        say "$target"
        # Fork mode goes on after a crash, so one known crash does not end the hour; each is kept.
        cargo +nightly fuzz run "${cargo_fuzz_flags[@]}" "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
            -max_total_time="$per_target" -rss_limit_mb="$memory_mb" -timeout=10 -dict=fuzz/seeds/tcbill.dict \
            -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -close_fd_mask=1 \
            -artifact_prefix="fuzz/artifacts/$target/" > "fuzz/artifacts/$target/libfuzzer.log" 2>&1 \
            || crashed+=("$target")
        grep -E '^#[0-9]+: ' "fuzz/artifacts/$target/libfuzzer.log" | tail -1
        after=$(ls "fuzz/artifacts/$target" | grep -cE '^(crash|oom|timeout)-')
        [ "$after" = "$before" ] || { say "$target: $(( after - before )) new crash inputs"; crashed+=("$target"); }
    done
    if [ ${#crashed[@]} -gt 0 ]; then
        say "crashes in: ${crashed[*]} (inputs in fuzz/artifacts/)"
        exit 1
    fi
    say "no crash"
    exit 0
fi

say "stable harness: ${#targets[@]} targets, ${per_target} s each"
cargo build --profile fuzz -p tcbill-fuzz --bin tcbill-fuzz || exit 1
(ulimit -v $(( memory_mb * 1024 )) && "$harness" run --seconds "$per_target" --seed "${FUZZ_SEED:-0}" "${targets[@]}")
