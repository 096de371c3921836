#!/usr/bin/env bash
# The wasm parse alone, counted: core's `Parser` of TREE (a checkout of this repository) built as a bare
# cdylib for wasm32-unknown-unknown (the workspace's release profile: opt-level "s", LTO, simd128), fed
# CSV in 4 MiB pieces by Node (V8, Chromium's engine) under callgrind, once with 2 parses and once with
# 2 + N: the difference over N is one parse's x86 instructions, mostly V8's optimised code for the wasm,
# whatever the machine's load. BENCHMARKS.md's issue #12 sections on the wasm parse use it (the 20k-row
# bill: `tcbill-gen l3 --rows 20000 --seed 7`). Repeat a count to see its noise (about ±1 % per parse
# with N = 5 at a load of 8-13).
#
#   bash bench/wasm-parse.sh TREE CSV [N] [WORK_DIR]
#
# Needs valgrind and node; builds in WORK_DIR (default /tmp/tcbill-wasm-parse), with CARGO_TARGET_DIR
# if set. Prints the wasm's path, its time per parse in Node, and the instructions per parse.
set -euo pipefail
tree=$(realpath "$1")
csv=$(realpath "$2")
n=${3:-10}
work=${4:-/tmp/tcbill-wasm-parse}
mkdir -p "$work/src" "$work/.cargo"
cat > "$work/Cargo.toml" <<EOF
[package]
name = "wasm-parse"
version = "0.1.0"
edition = "2021"
[lib]
crate-type = ["cdylib"]
[dependencies]
tcbill-core = { path = "$tree/crates/tcbill-core", default-features = false }
[profile.release]
opt-level = "s"
lto = true
codegen-units = 1
[workspace]
EOF
cat > "$work/.cargo/config.toml" <<'EOF'
[target.wasm32-unknown-unknown]
rustflags = ["-C", "target-feature=+simd128"]
EOF
cat > "$work/src/lib.rs" <<'EOF'
use tcbill_core::Parser;
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut bytes = vec![0u8; len];
    let at = bytes.as_mut_ptr();
    std::mem::forget(bytes);
    at
}
#[no_mangle]
pub extern "C" fn parse(at: *const u8, len: usize, piece: usize) -> usize {
    // SAFETY: `at` is `len` bytes `alloc` gave and Node filled.
    let bytes = unsafe { std::slice::from_raw_parts(at, len) };
    let mut parser = Parser::new("b.csv");
    bytes.chunks(piece).for_each(|piece| {
        parser.feed(piece);
    });
    parser.finish().iter().map(|file| file.table.row_count()).sum()
}
EOF
cat > "$work/run.mjs" <<'EOF'
import { readFileSync } from 'node:fs';
const [wasmPath, csv, reps] = process.argv.slice(2);
const data = readFileSync(csv);
const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
const e = instance.exports;
const at = e.alloc(data.length);
new Uint8Array(e.memory.buffer, at, data.length).set(data);
const times = [];
let rows;
for (let i = 0; i < Number(reps); i++) {
  const t = performance.now();
  rows = e.parse(at, data.length, 4 << 20);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(`rows ${rows}, min ${times[0].toFixed(1)} ms, median ${times[times.length >> 1].toFixed(1)} ms`);
EOF
target=${CARGO_TARGET_DIR:-$work/target}
(cd "$work" && CARGO_TARGET_DIR="$target" cargo build --release --target wasm32-unknown-unknown --quiet)
wasm="$work/parse.wasm"
cp "$target/wasm32-unknown-unknown/release/wasm_parse.wasm" "$wasm"
echo "wasm: $wasm ($(stat -c %s "$wasm") bytes)"
echo "node: $(node "$work/run.mjs" "$wasm" "$csv" 5)"
count() {
  valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file="$work/cg-$1.out" \
    node "$work/run.mjs" "$wasm" "$csv" "$1" > /dev/null 2> "$work/cg-$1.err"
  grep -m1 '^summary:' "$work/cg-$1.out" | cut -d' ' -f2
}
few=$(count 2)
many=$(count $((2 + n)))
echo "V8 instructions per parse: $(( (many - few) / n )) (2 parses $few, $((2 + n)) parses $many)"
