#!/usr/bin/env bash
# Starts/stops a throwaway PostgreSQL for the store test-suite; installs nothing.
# Usage: scripts/services/postgres.sh start|stop|status
#   PG_PORT (default 55432), SERVICES_DIR (default <repo>/.services) -> data in $SERVICES_DIR/postgres
# `start` is idempotent and prints `TENURE_TEST_PG_URL=...` for `eval`/export.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR=${SERVICES_DIR:-$ROOT/.services}/postgres
PORT=${PG_PORT:-55432}
URL="postgres://postgres@127.0.0.1:$PORT/postgres"
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$PGBIN/pg_ctl" ] || { echo "postgres.sh: no PostgreSQL binaries (set PGBIN)" >&2; exit 1; }

# initdb/postgres refuse to run as root, so as root they run as the postgres user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { as_pg "$PGBIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; }

start() {
  if running; then
    echo "postgres already running (pid $(head -1 "$DIR/data/postmaster.pid"), dir $DIR)" >&2
    echo "TENURE_TEST_PG_URL=$URL"
    return
  fi
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
  # .initialised is written after initdb finished: a half-written data folder is redone.
  if [ ! -f "$DIR/.initialised" ]; then
    rm -rf "$DIR/data"
    as_pg "$PGBIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
    as_pg touch "$DIR/.initialised"
  fi
  # Durability is irrelevant for test data; these settings make it several times faster.
  as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/pg.log" -w start \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
  echo "postgres started (pid $(head -1 "$DIR/data/postmaster.pid"), dir $DIR)" >&2
  echo "TENURE_TEST_PG_URL=$URL"
}

stop() {
  if running; then
    as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
    echo "postgres stopped" >&2
  else
    echo "postgres not running" >&2
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running"; else echo "stopped"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
