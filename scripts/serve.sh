#!/usr/bin/env bash
# README command 1: build the app and serve it on http://127.0.0.1:PORT (default 8080).
#
#   scripts/serve.sh [--port PORT]      or   TCBILL_PORT=PORT scripts/serve.sh
#
# Installs what is missing first. The page works offline; Trunk rebuilds it when sources change.
set -euo pipefail

cd "$(dirname "$0")/.."
# Tools from scripts/setup.sh: cargo-installed ones and npm ones (wasm-opt).
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

port=${TCBILL_PORT:-8080}
while [ $# -gt 0 ]; do
    case "$1" in
        --port) port=${2:?--port needs a number}; shift 2 ;;
        --port=*) port=${1#--port=}; shift ;;
        *) echo "usage: scripts/serve.sh [--port PORT]" >&2; exit 2 ;;
    esac
done

scripts/setup.sh app
echo "[serve] building and serving tcbill on http://127.0.0.1:$port/ (Ctrl-C stops)"
exec trunk serve --offline --release --address 127.0.0.1 --port "$port"
