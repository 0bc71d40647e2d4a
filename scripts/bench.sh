#!/usr/bin/env bash
# The benchmark: stock lookup, search as you type and live propagation, on
# SQLite and PostgreSQL, at demo scale and chain scale (200 shops, 2
# warehouses, 50,000 SKUs: 10 million stock rows), plus the browser bundle
# size. Not part of the tests. Extra arguments go to `server bench`
# (see `target/release/server bench --help`), e.g. --scale demo.
#   scripts/bench.sh [--scale demo|chain|both] [--runs 3] ...
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
cargo leptos build --release

pg_dir=$(pwd)/target/bench/pg
mkdir -p target/bench
# Seeding chain scale takes minutes: the cluster's data is kept between runs.
trap 'bash scripts/pg.sh stop --keep "$pg_dir"' EXIT
# The chain's stock table is 1.6 GB: give PostgreSQL the cache a real chain's
# server would have (the default 128 MB makes every lookup copy pages from
# the kernel's cache).
pg_url=$(PG_SETTINGS="-c shared_buffers=3GB" bash scripts/pg.sh resume "$pg_dir")

echo "== browser bundle (release, after wasm-opt) =="
wasm=target/site/pkg/web-in-store.wasm
printf 'wasm: %s bytes raw, %s bytes gzip\n' "$(stat -c %s "$wasm")" "$(gzip -9 -c "$wasm" | wc -c)"
js=target/site/pkg/web-in-store.js
printf 'js:   %s bytes raw, %s bytes gzip\n' "$(stat -c %s "$js")" "$(gzip -9 -c "$js" | wc -c)"

# A thousand live clients need a thousand sockets, twice (both ends here).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
args=("$@")
[[ ${#args[@]} -eq 0 ]] && args=(--scale both)
RUST_LOG=${RUST_LOG:-warn,sqlx=error} target/release/server bench --pg-url "$pg_url" "${args[@]}"
