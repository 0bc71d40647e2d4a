#!/usr/bin/env bash
# Compresses the release bundle's gzip copies again with zopfli: cargo-leptos
# writes them at a fast level (the WebAssembly's came out 16% larger than
# `gzip -9`), and browsers that do not ask for brotli get these. Done once
# per build (a file already done is recognised by its checksum), served as
# they are (`Cache-Control: immutable`).
set -euo pipefail
cd "$(dirname "$0")/.."
done_dir=target/zopfli
mkdir -p "$done_dir"
for file in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do
  [[ -f "$file" ]] || continue
  stamp="$done_dir/$(basename "$file").sha256"
  if [[ -f "$file.gz" && -f "$stamp" ]] && [[ "$(sha256sum < "$file.gz")" == "$(cat "$stamp")" ]]; then
    continue
  fi
  zopfli -c "$file" > "$file.gz.new"
  mv "$file.gz.new" "$file.gz"
  sha256sum < "$file.gz" > "$stamp"
done
