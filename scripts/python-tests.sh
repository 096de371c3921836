#!/usr/bin/env bash
# The FOCUS export checked by Python tools: focus-validator on the CSV export of the fixture bills,
# DuckDB's and Spark's query sets on the Parquet export against `tcbill analyze --json`, and their
# comparison SQL on a generated 12-month history against `tcbill compare --json` (scripts/focus_checks.py).
#
#   scripts/python-tests.sh             installs what is missing, builds the CLI, runs the checks
#   scripts/python-tests.sh --install   only the project-local .venv from requirements-focus.txt
#
# Needs Python 3.11 with pip (TCBILL_PYTHON names another interpreter) and PyPI; skips whatever is
# already installed.
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

python=${TCBILL_PYTHON:-python3.11}
requirements=requirements-focus.txt
marker=.venv/.tcbill-installed-requirements

say() { printf '[python] %s\n' "$*"; }
die() { printf '[python] error: %s\n' "$*" >&2; exit 1; }

if [ -x .venv/bin/python ] && cmp -s "$requirements" "$marker"; then
    say ".venv: present ($requirements)"
else
    command -v "$python" >/dev/null || die "$python is missing: install Python 3.11 with pip and venv"
    if [ ! -x .venv/bin/python ]; then
        say "creating .venv with $python"
        # Debian's python3.11 without python3.11-venv has no ensurepip: fall back to the system pip.
        "$python" -m venv .venv 2>/dev/null || { rm -rf .venv && "$python" -m venv --without-pip .venv; } \
            || die "$python -m venv .venv failed"
    fi
    say "installing $requirements into .venv"
    if [ -x .venv/bin/pip ]; then
        .venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements"
    else
        "$python" -m pip --python .venv/bin/python install --quiet --disable-pip-version-check -r "$requirements"
    fi || die "pip install -r $requirements failed"
    cp "$requirements" "$marker"
fi
[ "${1:-}" = --install ] && exit 0

cargo build --quiet -p tcbill-cli -p tcbill-gen || die "cargo build -p tcbill-cli -p tcbill-gen failed"
bin="${CARGO_TARGET_DIR:-$PWD/target}/debug"
TCBILL_BIN="$bin/tcbill" TCBILL_GEN_BIN="$bin/tcbill-gen" .venv/bin/python scripts/focus_checks.py
