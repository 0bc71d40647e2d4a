#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for tests and benchmarks.
#   scripts/pg.sh start DIR   prints the server's URL once it accepts connections
#   scripts/pg.sh resume DIR  like start, but keeps the data of an earlier run
#   scripts/pg.sh stop DIR    (stop --keep DIR leaves the data for resume)
# PostgreSQL refuses to run as root, so as root it runs as the postgres user.
# PG_SETTINGS adds server settings, e.g. PG_SETTINGS="-c shared_buffers=2GB".
set -euo pipefail
action=${1:?start, resume or stop}
keep=false
if [[ "$action" == stop && "${2:-}" == --keep ]]; then keep=true; shift; fi
dir=$(realpath -m "${2:?data directory}")

bin=$(dirname "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n1)")
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$action" in
  start|resume)
    # A cluster left running (an interrupted run) is stopped first: it may
    # run with other settings, and start must not delete a live data dir.
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    if [[ "$action" == start || ! -f "$dir/data/PG_VERSION" ]]; then
      rm -rf "$dir" && mkdir -p "$dir"
      if [[ $(id -u) -eq 0 ]]; then chown postgres "$dir"; fi
      as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 >"$dir/initdb.log" 2>&1
    fi
    # A free port, never assumed.
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # Durability is not what these tests measure: skip the disk flushes.
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 ${PG_SETTINGS:-}" \
      start >/dev/null
    echo "postgres://postgres@127.0.0.1:${port}/postgres"
    ;;
  stop)
    if [[ -d "$dir/data" ]]; then as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; fi
    $keep || rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
