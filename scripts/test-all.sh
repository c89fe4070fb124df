#!/usr/bin/env bash
# The whole test suite: installs and starts its own services, runs vitest, prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export SERVICES_DIR=${SERVICES_DIR:-${TMPDIR:-/tmp}/tenure-test-services}
mkdir -p "$SERVICES_DIR"

bash scripts/services/install.sh || { echo "could not install test services" >&2; exit 1; }
pg=$(bash scripts/services/postgres.sh start) || { echo "could not start PostgreSQL" >&2; exit 1; }
export "${pg##*$'\n'}"
trap 'bash scripts/services/postgres.sh stop >/dev/null 2>&1; bash scripts/services/slapd.sh stop >/dev/null 2>&1; bash scripts/services/samba.sh stop >/dev/null 2>&1' EXIT
# slapd and Samba AD for the ldap connector; each prints TENURE_TEST_*=... lines to export.
ldap=$(bash scripts/services/slapd.sh start) || { echo "could not start slapd" >&2; exit 1; }
while IFS= read -r line; do [[ $line == TENURE_TEST_* ]] && export "$line"; done <<<"$ldap"
if [ "$(id -u)" = 0 ]; then
  ad=$(bash scripts/services/samba.sh start) || { echo "could not start Samba AD" >&2; exit 1; }
  while IFS= read -r line; do [[ $line == TENURE_TEST_* ]] && export "$line"; done <<<"$ad"
else
  echo "not root: Samba AD (ports 389/636) not started; its tests are skipped (they fail under CI)" >&2
fi

report="$SERVICES_DIR/vitest.json"
rm -f "$report"
npx vitest run --reporter=default --reporter=json --outputFile="$report" "$@"
rc=$?
node -e '
  const fs = require("node:fs");
  const f = process.argv[1];
  if (!fs.existsSync(f)) { console.log("0 passed, 1 failed"); process.exit(0); }
  const r = JSON.parse(fs.readFileSync(f, "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' "$report"
exit $rc
