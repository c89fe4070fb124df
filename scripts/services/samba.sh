#!/usr/bin/env bash
# Starts/stops a throwaway Samba Active Directory DC for the ldap connector's `ad` flavour tests.
# Usage: scripts/services/samba.sh start|stop|status            (root: Samba's ports 389/636 are fixed)
#   SERVICES_DIR (default <repo>/.services) -> domain provisioned once into $SERVICES_DIR/samba
#   (realm EXAMPLE.TEST, DC dc1, LDAPS with Samba's self-made CA in private/tls/ca.pem).
# `start` is idempotent and prints `TENURE_TEST_AD_*=...` lines for `eval`/export.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR=${SERVICES_DIR:-$ROOT/.services}/samba
ADMIN_PW=${SAMBA_ADMIN_PW:-'Passw0rd!Adm1n'}
BASE="DC=example,DC=test"
for pkg in samba samba-ad-provision samba-dsdb-modules samba-vfs-modules; do
  [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ] ||
    { echo "samba.sh: Debian package $pkg is not installed (scripts/services/install.sh)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "samba.sh: needs root (Samba's LDAP ports 389/636 are fixed)" >&2; exit 1; }

running() { [ -f "$DIR/samba.pid" ] && kill -0 "$(cat "$DIR/samba.pid")" 2>/dev/null; }

print_env() {
  echo "TENURE_TEST_AD_URL=ldaps://127.0.0.1:636"
  echo "TENURE_TEST_AD_CA=$DIR/private/tls/ca.pem"
  # Samba's certificate names the DC, not 127.0.0.1: clients verify it under this name.
  echo "TENURE_TEST_AD_TLS_NAME=dc1.example.test"
  echo "TENURE_TEST_AD_BASE=$BASE"
  echo "TENURE_TEST_AD_BIND_DN=CN=Administrator,CN=Users,$BASE"
  echo "TENURE_TEST_AD_BIND_PASSWORD=$ADMIN_PW"
}

answers() {
  LDAPTLS_REQCERT=never ldapsearch -x -H ldaps://127.0.0.1:636 -D "Administrator@example.test" \
    -w "$ADMIN_PW" -s base -b "" >/dev/null 2>&1
}

# Written last by provision(): a folder without it is a provision that failed or was killed
# half-way ("Samba failed to prime database, error code 22" on every later start), so it is redone.
DONE="$DIR/.provisioned"

provision() {
  rm -rf "$DIR"
  mkdir -p "$DIR"
  samba-tool domain provision --use-rfc2307 --realm=EXAMPLE.TEST --domain=EXAMPLE \
    --server-role=dc --dns-backend=NONE --host-name=dc1 --adminpass="$ADMIN_PW" \
    --targetdir="$DIR" \
    --option="interfaces=127.0.0.1" --option="bind interfaces only=yes" \
    --option="server services=ldap cldap kdc" \
    --option="log file=$DIR/log.%m" >"$DIR/provision.log" 2>&1 \
    || { tail -20 "$DIR/provision.log" >&2; exit 1; }
  # Simple binds on plain 389 too (tests use 636); no fsync for throwaway test data.
  sed -i '/^\[global\]/a\\tldap server require strong auth = no\n\tldb:nosync = true' "$DIR/etc/smb.conf"
  date -u +%FT%TZ >"$DONE"
}

start() {
  if running; then
    echo "samba already running (pid $(cat "$DIR/samba.pid"), dir $DIR)" >&2
    print_env
    return
  fi
  [ -f "$DONE" ] || provision
  # Its own session, so `stop` can end the server and the workers it forks, and nothing else.
  setsid samba -i -s "$DIR/etc/smb.conf" >"$DIR/samba.out" 2>&1 </dev/null &
  echo $! >"$DIR/samba.pid"
  for _ in $(seq 150); do
    answers && break
    running || { tail -20 "$DIR/samba.out" >&2; exit 1; }
    sleep 0.2
  done
  answers || { echo "samba.sh: LDAPS did not answer" >&2; exit 1; }
  echo "samba started (pid $(cat "$DIR/samba.pid"), dir $DIR)" >&2
  print_env
}

stop() {
  if running; then
    local pid
    pid=$(cat "$DIR/samba.pid")
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$DIR/samba.pid"
    echo "samba stopped" >&2
  else
    echo "samba not running" >&2
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running"; else echo "stopped"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
