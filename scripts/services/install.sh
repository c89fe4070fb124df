#!/usr/bin/env bash
# Installs, from Debian packages, the real servers the test suite talks to — only what is missing.
# Checked by *package name* with dpkg-query (a command on PATH says nothing about, say, the Samba
# AD schema files or VFS modules a provision needs). --no-install-recommends keeps the install
# small, so every package a service needs is named here explicitly:
#   PostgreSQL: postgresql (server + initdb), util-linux (runuser)
#   OpenLDAP:   slapd, ldap-utils (ldapadd/ldapsearch/ldapmodify), openssl (test CA)
#   Samba AD:   samba, samba-ad-provision (AD schema), samba-dsdb-modules, samba-vfs-modules
#               (acl_xattr.so, used by the provision), python3-samba is pulled by samba
#   Browser:    chromium (console tests), poppler-utils (pdftotext for report tests)
set -euo pipefail
PACKAGES=(postgresql util-linux slapd ldap-utils openssl samba samba-ad-provision samba-dsdb-modules
  samba-vfs-modules chromium poppler-utils)

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

missing() {
  local p
  for p in "${PACKAGES[@]}"; do installed "$p" || echo "$p"; done
}

mapfile -t need < <(missing)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "installing: ${need[*]}" >&2
# The tests run their own slapd/Samba on 127.0.0.1: keep apt from starting the packaged daemons
# (a system slapd on 389 would take Samba's port). Only when no policy exists already.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
mapfile -t still < <(missing)
if [ ${#still[@]} -gt 0 ]; then
  echo "install.sh: still not installed after apt-get: ${still[*]}" >&2
  exit 1
fi
