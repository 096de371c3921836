#!/usr/bin/env bash
# Installs what tcbill needs to build and test, skipping whatever is already there.
#
#   scripts/setup.sh app    Rust wasm target, trunk, wasm-bindgen-cli, npm dev dependencies (wasm-opt)
#   scripts/setup.sh test   all of the above, plus Chromium, ChromeDriver, a CJK font, Java 17 (Spark) and the Python .venv
#   scripts/setup.sh fuzz   cargo-fuzz, if a nightly toolchain is there; exits 1 without nightly (scripts/fuzz.sh
#                           then uses its stable harness, which needs nothing beyond cargo)
#
# Both README commands call this, so a fresh machine needs nothing installed by hand.
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14
what=${1:-test}

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

command -v cargo >/dev/null || die "cargo is missing: install Rust from rustup.rs (stable 1.95 or newer) and run again"

if [ "$what" = fuzz ]; then
    rustup toolchain list 2>/dev/null | grep -q '^nightly' || { say "no nightly toolchain: no cargo-fuzz"; exit 1; }
    if cargo fuzz --version >/dev/null 2>&1; then
        say "cargo-fuzz: present"
    else
        say "installing cargo-fuzz (about 2 minutes)"
        cargo install cargo-fuzz --locked || die "cargo install cargo-fuzz failed"
    fi
    exit 0
fi

apt_install() {
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    say "installing Debian packages: $*"
    $sudo apt-get update -qq || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null \
        || die "apt-get install $* failed"
}

# Rust target for the browser.
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "wasm32-unknown-unknown target: present"
else
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown || die "rustup target add wasm32-unknown-unknown failed"
fi

# Trunk: 0.21.14 is the newest that builds with rustc 1.95.
if [ "$(trunk --version 2>/dev/null)" = "trunk $TRUNK_VERSION" ]; then
    say "trunk $TRUNK_VERSION: present"
else
    say "installing trunk $TRUNK_VERSION (takes about 7 minutes on 2 cores)"
    cargo install trunk --version "$TRUNK_VERSION" --locked || die "cargo install trunk failed"
fi

# wasm-bindgen-cli must equal the wasm-bindgen version in Cargo.lock, or the build's output is unreadable to it.
bindgen_version=$(cargo pkgid wasm-bindgen | sed "s/.*@//") || die "cannot read the wasm-bindgen version from Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $bindgen_version" ]; then
    say "wasm-bindgen-cli $bindgen_version: present"
else
    say "installing wasm-bindgen-cli $bindgen_version (about 3 minutes)"
    # Without --locked: a locked dependency of the CLI is missing from the registry mirror.
    cargo install wasm-bindgen-cli --version "$bindgen_version" --force || die "cargo install wasm-bindgen-cli failed"
fi

missing=()
command -v node >/dev/null || missing+=(nodejs npm)
if [ "$what" = test ]; then
    command -v chromium >/dev/null || missing+=(chromium)
    command -v chromedriver >/dev/null || missing+=(chromium-driver)
    # A CJK font, so screenshots show the console's Chinese terms instead of empty boxes.
    [ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || missing+=(fonts-wqy-zenhei)
    # Java 17 for Spark (pyspark in local mode), which runs the FOCUS Spark SQL in the python layer.
    command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
fi
if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
else
    say "Debian packages: present"
fi

# npm dev dependencies: binaryen's wasm-opt (Debian's 108 cannot read what rustc 1.95 emits) and
# playwright-core, which drives the system Chromium and never downloads a browser of its own.
if [ -f node_modules/.package-lock.json ] && cmp -s package-lock.json node_modules/.tcbill-installed-lock; then
    say "npm dev dependencies: present"
else
    say "installing npm dev dependencies from package-lock.json"
    npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed"
    cp package-lock.json node_modules/.tcbill-installed-lock
fi
[ "$what" != test ] || scripts/python-tests.sh --install || die "the Python .venv of scripts/python-tests.sh failed"
say "ready"
