#!/usr/bin/env bash
# Installs what building (and, with --test, testing) the app needs.
# Idempotent: each step checks for the exact version first, so a machine
# that has everything goes through in a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[[ "${1:-}" == "--test" ]] && want_test=true

step() { printf '\033[1m[install]\033[0m %s\n' "$*"; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

CARGO_LEPTOS_VERSION=0.3.10
BINARYEN_VERSION=132
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q " ${CARGO_LEPTOS_VERSION}"; then
  step "cargo-leptos ${CARGO_LEPTOS_VERSION} (about 15 minutes on 2 cores, once)"
  cargo install cargo-leptos --version "${CARGO_LEPTOS_VERSION}" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " ${WASM_BINDGEN_VERSION}"; then
  # Must match the wasm-bindgen library in Cargo.lock. Without --locked:
  # with it, a locked dependency is missing from the registry.
  step "wasm-bindgen-cli ${WASM_BINDGEN_VERSION} (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}" --force
fi

if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION}"; then
  # Debian's binaryen is too old for current wasm-bindgen output.
  step "wasm-opt (binaryen ${BINARYEN_VERSION}, from npm)"
  as_root npm install -g "binaryen@${BINARYEN_VERSION}" --no-fund --no-audit
fi

if ! command -v zopfli >/dev/null 2>&1; then
  # Compresses the release bundle's gzip copies (scripts/precompress.sh).
  step "zopfli (Debian package)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zopfli >/dev/null
fi

if ! /usr/bin/python3 -c "import aiosmtpd" >/dev/null 2>&1; then
  # A local test mail server: the demo's customer e-mail goes there, and the
  # e-mail tests deliver to it (Debian's Python, not a pyenv one).
  step "aiosmtpd (Debian package python3-aiosmtpd)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null
fi

if $want_test; then
  if ! command -v chromium >/dev/null 2>&1; then
    step "Chromium (Debian package)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    step "PostgreSQL (Debian package)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  if [[ ! -d end2end/node_modules/@playwright/test ]] || [[ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]]; then
    # Playwright drives Debian's Chromium: no browser download happens here.
    step "browser test packages (npm ci)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-fund --no-audit)
  fi
fi
step "tools ready"
