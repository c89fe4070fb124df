/**
 * scripts/node24.sh's own logic: the cached install counts only with its completion marker (an
 * interrupted one is thrown away and redone), a failed install or a wrong Node version writes no
 * marker and fails the pass, and vitest runs in a fresh copy of the checkout with Node 24 first on
 * PATH. `npm` is a stand-in here that records its calls and makes a "Node 24" that runs this Node:
 * the real download and compile take minutes and are exercised by every `npm test`.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_DIR, tempDir } from '../cli/run-cli.js';

const tmp = tempDir('node24');
afterAll(tmp.cleanup);
const stubBin = join(tmp.dir, 'bin');
const npmLog = join(tmp.dir, 'npm.log');
const REPO_MODULES = join(REPO_DIR, 'node_modules');

// `npm install node-linux-*@24` makes bin/node answering --version with $STUB_NODE_VERSION and
// running this Node otherwise; `npm ci` links just what the better-sqlite3 check needs, plus a
// vitest that writes a report naming its Node and arguments. $STUB_CI_FAIL breaks `npm ci`.
const NPM = `#!/usr/bin/env bash
echo "$*" >> ${npmLog}
case $1 in
  install)
    pkg=\${*: -1} && bin=node_modules/\${pkg%@*}/bin && mkdir -p "$bin"
    printf '#!/bin/sh\\n[ "$1" = --version ] && { echo "%s"; exit 0; }\\nexec %s "$@"\\n' \\
      "\${STUB_NODE_VERSION:-v24.0.0}" "${process.execPath}" > "$bin/node"
    chmod +x "$bin/node" ;;
  ci)
    mkdir -p node_modules/.bin
    [ -n "\${STUB_CI_FAIL:-}" ] && { echo "npm ci: stub failure" >&2; exit 1; }
    for m in better-sqlite3 bindings file-uri-to-path; do ln -s ${REPO_MODULES}/$m node_modules/$m; done
    cat > node_modules/.bin/vitest <<'EOF'
#!/usr/bin/env bash
for a in "$@"; do case $a in --outputFile=*) out=\${a#--outputFile=} ;; esac; done
printf '{"node":"%s","cwd":"%s","args":"%s","numTotalTests":1,"numPassedTests":1,"numFailedTests":0}' \\
  "$(node --version)" "$PWD" "$*" > "$out"
exit \${STUB_VITEST_EXIT:-0}
EOF
    chmod +x node_modules/.bin/vitest ;;
esac
`;

type Pass = { code: number | null; stderr: string; npm: string[]; report: Record<string, string> };

/** One `scripts/node24.sh <report>` with SERVICES_DIR in `services`; npm's calls since the last. */
function node24(services: string, env: Record<string, string> = {}): Pass {
  writeFileSync(npmLog, '');
  const reportFile = join(services, 'report.json');
  const r = spawnSync('bash', [join(REPO_DIR, 'scripts/node24.sh'), reportFile], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${stubBin}:${process.env.PATH}`, SERVICES_DIR: services, ...env },
  });
  const npm = readFileSync(npmLog, 'utf8').split('\n').filter(Boolean);
  const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : {};
  return { code: r.status, stderr: r.stderr, npm, report };
}
const cacheDirs = (services: string) =>
  readdirSync(join(services, 'node24')).filter((d) => d.startsWith('deps-'));

beforeAll(() => {
  mkdirSync(stubBin);
  writeFileSync(join(stubBin, 'npm'), NPM);
  chmodSync(join(stubBin, 'npm'), 0o755);
});

describe('scripts/node24.sh', () => {
  const services = join(tmp.dir, 'services');

  it('installs Node 24 and the dependencies once, then runs vitest on Node 24 in a copy of the checkout', () => {
    const first = node24(services);
    expect(first.code, first.stderr).toBe(0);
    expect(first.npm.map((c) => c.split(' ')[0])).toEqual(['install', 'ci']);
    expect(first.npm[0]).toMatch(/ node-linux-(x64|arm64)@24$/);
    expect(first.npm[1]).toMatch(/--nodedir=\S+\/node_modules\/node-linux-(x64|arm64)$/);
    const [cache] = cacheDirs(services);
    expect(readFileSync(join(services, 'node24', cache!, '.complete'), 'utf8')).toBe('v24.0.0\n');
    const app = join(services, 'node24', 'app');
    expect(first.report).toMatchObject({ node: 'v24.0.0', cwd: app });
    expect(first.report.args).toMatch(/ src\/ test\/engine\/jml-flow\.test\.ts$/);
    expect(existsSync(join(app, 'scripts', 'node24.sh'))).toBe(true);
    expect(existsSync(join(app, 'node_modules', 'better-sqlite3'))).toBe(true);
    expect(first.stderr).toContain('node24: vitest on Node v24.0.0');

    const again = node24(services);
    expect(again.code, again.stderr).toBe(0);
    expect(again.npm).toEqual([]);
    expect(again.stderr).toContain('using the cached Node v24.0.0 install');
  });

  it('throws away an install without its completion marker and installs afresh', () => {
    const [cache] = cacheDirs(services);
    const dir = join(services, 'node24', cache!);
    rmSync(join(dir, '.complete'));
    writeFileSync(join(dir, 'deps', 'half-written'), '');
    const r = node24(services);
    expect(r.code, r.stderr).toBe(0);
    expect(r.npm.map((c) => c.split(' ')[0])).toEqual(['install', 'ci']);
    expect(existsSync(join(dir, 'deps', 'half-written'))).toBe(false);
    expect(existsSync(join(dir, '.complete'))).toBe(true);
  });

  it('fails with no marker and no report when npm ci fails, and retries next time', () => {
    const fresh = join(tmp.dir, 'services-ci-fails');
    const r = node24(fresh, { STUB_CI_FAIL: '1' });
    expect(r.code).not.toBe(0);
    expect(r.report).toEqual({});
    expect(r.stderr).toContain('could not install Node 24');
    const [cache] = cacheDirs(fresh);
    expect(existsSync(join(fresh, 'node24', cache!, '.complete'))).toBe(false);
    expect(node24(fresh).npm.map((c) => c.split(' ')[0])).toEqual(['install', 'ci']);
  });

  it('refuses a Node that is not 24', () => {
    const r = node24(join(tmp.dir, 'services-node-26'), { STUB_NODE_VERSION: 'v26.1.0' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/node-linux-(x64|arm64)@24 gave Node v26\.1\.0/);
    expect(r.npm.map((c) => c.split(' ')[0])).toEqual(['install']);
  });

  it("exits with vitest's code when tests fail", () => {
    const r = node24(services, { STUB_VITEST_EXIT: '1' });
    expect(r.code).toBe(1);
    expect(r.report.node).toBe('v24.0.0');
  });
});
