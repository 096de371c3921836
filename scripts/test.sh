#!/usr/bin/env bash
# README command 2: run every test — native, wasm in headless Chromium, and end-to-end in Chromium.
#
# Installs what is missing first. Exits non-zero if any layer fails; each layer's summary lines are printed.
set -uo pipefail

cd "$(dirname "$0")/.."
# Tools from scripts/setup.sh: cargo-installed ones and npm ones (wasm-opt).
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

scripts/setup.sh test || exit 1

# A cold run writes about 11 GiB here (target/ 9.7 for native, wasm and release builds, .venv 0.9, node_modules
# 0.3), and a fresh machine's cargo and npm caches come on top; a full disk fails whichever layer is compiling then,
# with "No space left on device" deep in a compiler's output.
free_gib=$(( $(df --output=avail -k . | tail -1) / 1048576 ))
if [ "$free_gib" -lt 15 ]; then
    echo "warning: $free_gib GiB free on this disk; a cold run needs about 15 GiB (cargo clean frees target/)" >&2
fi

failed=()
layer() {
    local name=$1; shift
    printf '\n=== %s: %s\n' "$name" "$*"
    "$@" || failed+=("$name")
}

# 0. Formatting, as rustfmt writes it (crates/rustfmt.toml): a diff fails the run, so no change lands unformatted.
layer format cargo fmt --all --check
# 1. Native tests of every crate except the web app (core, CLI, proxy, fuzz regressions).
layer native cargo test --workspace --exclude tcbill-web
# Fuzzing on stable: every input path's target mutated for 10 s, a deterministic sequence from seed 0 that
# longer runs have gone past (crashes kept in fuzz/artifacts/; scripts/fuzz.sh runs longer).
layer fuzz scripts/fuzz.sh --stable 70
layer python scripts/python-tests.sh   # FOCUS export: focus-validator; DuckDB and Spark SQL vs the report and compare

# 2. The web app's wasm-only code, in headless Chromium (runner set in .cargo/config.toml).
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-120}
layer wasm cargo test -p tcbill-web --target wasm32-unknown-unknown

# 3. End to end: the release build as users get it, driven by Playwright in headless Chromium.
layer build trunk build --offline --release
if [[ ! " ${failed[*]} " =~ " build " ]]; then
    layer e2e node --test --test-reporter=spec e2e/
fi

echo
if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED layers: ${failed[*]}"
    exit 1
fi
echo "all test layers passed"
