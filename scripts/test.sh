#!/usr/bin/env bash
# Every check and every test, as CI runs them: formatting, lints (server and
# browser builds), unit and database tests on SQLite and PostgreSQL, browser
# tests in Chromium. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test

section() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }

section "format"
cargo fmt --all -- --check

# The tests' debug bundle goes to a site of its own: a demo server left
# running from scripts/run.sh keeps serving its release bundle.
export LEPTOS_SITE_ROOT=target/site-test

section "build (cargo-leptos: server and browser bundle)"
cargo leptos build

# From here on, the same flags and variables as cargo-leptos, so that lints
# and tests reuse its build instead of compiling everything again.
export RUSTFLAGS="--cfg erase_components"
export LEPTOS_OUTPUT_NAME=web-in-store LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=app LEPTOS_BIN_DIR=server \
  LEPTOS_JS_MINIFY=false LEPTOS_HASH_FILES=true LEPTOS_HASH_FILE_NAME=hash.txt

section "lints (server build)"
cargo clippy --workspace --all-targets --features app/ssr -- -D warnings
section "lints (browser build)"
cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

pg_dir=$(mktemp -d /tmp/wis-test-pg.XXXXXX)
trap 'bash scripts/pg.sh stop "$pg_dir"' EXIT
section "PostgreSQL (throw-away cluster)"
export TEST_PG_URL=$(bash scripts/pg.sh start "$pg_dir")
echo "$TEST_PG_URL"

section "unit, service, API and concurrency tests (SQLite and PostgreSQL)"
# cargo-nextest (on these machines) runs each test in a process of its own,
# with a time limit (.config/nextest.toml); plain cargo test otherwise.
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --features app/ssr
else
  cargo test --workspace --features app/ssr
fi

section "browser tests (Chromium)"
(cd end2end && E2E_SITE_ROOT=../target/site-test npx playwright test)
