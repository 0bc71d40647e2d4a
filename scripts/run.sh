#!/usr/bin/env bash
# Installs what is missing, builds the app (release), and serves it with the
# demo chain. SQLite by default; DATABASE_URL=postgres://... for PostgreSQL.
#   scripts/run.sh [--addr 127.0.0.1:3000]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
echo "[run] building (release; the first build takes several minutes)"
# -P: the bundle is compressed once here (brotli and gzip), not per request.
cargo leptos build --release -P
bash scripts/precompress.sh
export DATABASE_URL=${DATABASE_URL:-sqlite://web-in-store.db}
exec target/release/server serve --site-root target/site --seed-if-empty "$@"
