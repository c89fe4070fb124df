#!/usr/bin/env bash
# Starts/stops a throwaway OpenLDAP (slapd) for the ldap connector tests; installs nothing.
# Usage: scripts/services/slapd.sh start|stop|status
#   LDAP_PORT (default 3389), LDAPS_PORT (default 3636), SERVICES_DIR (default <repo>/.services)
#   -> data in $SERVICES_DIR/slapd. memberof + refint + ppolicy overlays, TLS on both ports
#   (ldaps, and StartTLS on ldap) with a generated CA, olcDbNoSync (test data needs no durability),
#   olcSortVals: member (large groups: adding a member is a binary search, not a scan).
#   SLAPD_MEMBEROF=dynlist keeps memberOf with the dynlist overlay (computed when read, OpenLDAP
#   2.5+) instead of the memberof overlay (stored, the default); only for a fresh SERVICES_DIR.
# `start` is idempotent and prints `TENURE_TEST_LDAP_*=...` lines for `eval`/export.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR=${SERVICES_DIR:-$ROOT/.services}/slapd
LDAP_PORT=${LDAP_PORT:-3389}
LDAPS_PORT=${LDAPS_PORT:-3636}
MEMBEROF=${SLAPD_MEMBEROF:-overlay}
case "$MEMBEROF" in overlay | dynlist) ;; *) echo "slapd.sh: SLAPD_MEMBEROF must be overlay or dynlist" >&2; exit 2 ;; esac
SUFFIX="dc=example,dc=com"
ADMIN_DN="cn=admin,$SUFFIX"
ADMIN_PW=secret
SLAPD=${SLAPD:-/usr/sbin/slapd}
[ -x "$SLAPD" ] || { echo "slapd.sh: no $SLAPD (apt-get install slapd ldap-utils)" >&2; exit 1; }

running() { [ -f "$DIR/slapd.pid" ] && kill -0 "$(cat "$DIR/slapd.pid")" 2>/dev/null; }

print_env() {
  echo "TENURE_TEST_LDAP_URL=ldap://127.0.0.1:$LDAP_PORT"
  echo "TENURE_TEST_LDAPS_URL=ldaps://127.0.0.1:$LDAPS_PORT"
  echo "TENURE_TEST_LDAP_CA=$DIR/ca.pem"
  echo "TENURE_TEST_LDAP_BASE=$SUFFIX"
  echo "TENURE_TEST_LDAP_BIND_DN=$ADMIN_DN"
  echo "TENURE_TEST_LDAP_BIND_PASSWORD=$ADMIN_PW"
}

make_certs() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=Tenure Test CA" \
    -keyout "$DIR/ca-key.pem" -out "$DIR/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$DIR/key.pem" -out "$DIR/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$DIR/san.ext"
  openssl x509 -req -in "$DIR/server.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca-key.pem" \
    -CAcreateserial -days 30 -extfile "$DIR/san.ext" -out "$DIR/cert.pem" 2>/dev/null
}

memberof_config() {
  if [ "$MEMBEROF" = dynlist ]; then
    cat <<LDIF
dn: olcOverlay={0}dynlist,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcDynListConfig
olcOverlay: {0}dynlist
olcDynListAttrSet: groupOfNames labeledURI member+memberOf@groupOfNames
LDIF
  else
    cat <<LDIF
dn: olcOverlay={0}memberof,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: {0}memberof
olcMemberOfRefInt: TRUE
olcMemberOfGroupOC: groupOfNames
olcMemberOfMemberAD: member
olcMemberOfMemberOfAD: memberOf
LDIF
  fi
}

refint_attributes() {
  echo "olcRefintAttribute: member"
  if [ "$MEMBEROF" = overlay ]; then echo "olcRefintAttribute: memberOf"; fi
}

init_config() {
  local MEMBEROF_MODULE=memberof
  [ "$MEMBEROF" = dynlist ] && MEMBEROF_MODULE=dynlist
  mkdir -p "$DIR/slapd.d" "$DIR/db"
  make_certs
  cat >"$DIR/config.ldif" <<LDIF
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: $DIR/slapd.pid
olcTLSCACertificateFile: $DIR/ca.pem
olcTLSCertificateFile: $DIR/cert.pem
olcTLSCertificateKeyFile: $DIR/key.pem

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb
olcModuleLoad: $MEMBEROF_MODULE
olcModuleLoad: refint
olcModuleLoad: ppolicy

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif
include: file:///etc/ldap/schema/cosine.ldif
include: file:///etc/ldap/schema/nis.ldif
include: file:///etc/ldap/schema/inetorgperson.ldif

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcSizeLimit: unlimited
olcSortVals: member

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcRootDN: cn=admin,cn=config
olcRootPW: $ADMIN_PW

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: $SUFFIX
olcRootDN: $ADMIN_DN
olcRootPW: $ADMIN_PW
olcDbDirectory: $DIR/db
olcDbMaxSize: 4294967296
olcDbNoSync: TRUE
olcDbIndex: objectClass eq
olcDbIndex: uid,cn,mail eq,sub
olcDbIndex: employeeNumber eq
olcDbIndex: member,memberOf eq
olcAccess: to attrs=userPassword by self write by anonymous auth by * none
olcAccess: to * by self write by users read by * none

$(memberof_config)

dn: olcOverlay={1}refint,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcRefintConfig
olcOverlay: {1}refint
$(refint_attributes)

dn: olcOverlay={2}ppolicy,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {2}ppolicy
olcPPolicyDefault: cn=default,ou=policies,$SUFFIX
LDIF
  slapadd -n0 -F "$DIR/slapd.d" -l "$DIR/config.ldif" >/dev/null
}

seed() {
  # cn=reader can read everything and write nothing: the insufficient-rights case.
  # The default password policy honours pwdAccountLockedTime (the connector's lock attribute).
  ldapadd -x -H "ldap://127.0.0.1:$LDAP_PORT" -D "$ADMIN_DN" -w "$ADMIN_PW" >/dev/null <<LDIF
dn: $SUFFIX
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,$SUFFIX
objectClass: organizationalUnit
ou: people

dn: ou=groups,$SUFFIX
objectClass: organizationalUnit
ou: groups

dn: ou=policies,$SUFFIX
objectClass: organizationalUnit
ou: policies

dn: cn=default,ou=policies,$SUFFIX
objectClass: applicationProcess
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdLockout: TRUE

dn: cn=reader,$SUFFIX
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: reader
userPassword: reader
LDIF
}

start() {
  if running; then
    echo "slapd already running (pid $(cat "$DIR/slapd.pid"), dir $DIR)" >&2
    print_env
    return
  fi
  local fresh=0
  # .seeded is written last, after the base entries: a set-up that failed or was killed half-way
  # (config written, no base entries) is detected and redone from nothing.
  if [ ! -f "$DIR/.seeded" ]; then
    rm -rf "$DIR"
    mkdir -p "$DIR"
    init_config
    fresh=1
  fi
  "$SLAPD" -F "$DIR/slapd.d" -h "ldap://127.0.0.1:$LDAP_PORT/ ldaps://127.0.0.1:$LDAPS_PORT/"
  for _ in $(seq 100); do
    ldapsearch -x -H "ldap://127.0.0.1:$LDAP_PORT" -s base -b "" >/dev/null 2>&1 && break
    sleep 0.1
  done
  if [ "$fresh" = 1 ]; then
    seed || { echo "slapd.sh: could not add the base entries" >&2; stop >/dev/null 2>&1; exit 1; }
    date -u +%FT%TZ >"$DIR/.seeded"
  fi
  echo "slapd started (pid $(cat "$DIR/slapd.pid"), dir $DIR)" >&2
  print_env
}

stop() {
  if running; then
    local pid
    pid=$(cat "$DIR/slapd.pid")
    kill "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "slapd stopped" >&2
  else
    echo "slapd not running" >&2
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running"; else echo "stopped"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
