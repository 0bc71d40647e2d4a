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
# -P: the bundle is compressed once here (brotli and gzip), not per request.
cargo leptos build --release -P
bash scripts/precompress.sh

pg_dir=$(pwd)/target/bench/pg
mkdir -p target/bench
# Seeding chain scale takes minutes: the cluster's data is kept between runs.
trap 'bash scripts/pg.sh stop --keep "$pg_dir"' EXIT
# The chain's stock table is 1.6 GB: give PostgreSQL the cache a real chain's
# server would have (the default 128 MB makes every lookup copy pages from
# the kernel's cache).
pg_url=$(PG_SETTINGS="-c shared_buffers=3GB" bash scripts/pg.sh resume "$pg_dir")

echo "== browser bundle (release, after wasm-opt), as served: raw, gzip (zopfli), brotli; and gzip -9 =="
for kind in wasm js css; do
  file=$(ls target/site/pkg/web-in-store*."$kind" | grep -v '\.d\.' | head -n1)
  size() { if [[ -f "$1" ]]; then stat -c %s "$1"; else echo "-"; fi; }
  printf '%-4s %s: %s bytes raw, %s gzip, %s brotli; %s gzip -9\n' "$kind" "$(basename "$file")" \
    "$(size "$file")" "$(size "$file.gz")" "$(size "$file.br")" "$(gzip -9 -n -c "$file" | wc -c)"
done

# A thousand live clients need a thousand sockets, twice (both ends here).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
args=("$@")
[[ ${#args[@]} -eq 0 ]] && args=(--scale both)
RUST_LOG=${RUST_LOG:-warn,sqlx=error} target/release/server bench --pg-url "$pg_url" "${args[@]}"
