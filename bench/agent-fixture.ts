/** Bench fixture for the agent: a slapd of its own (scripts/services/slapd.sh, free ports, TLS). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DirectoryEnv } from '../test/support/ldap.js';

const ROOT = new URL('..', import.meta.url).pathname;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** A private slapd, described as the tests' DirectoryEnv (StartTLS with its generated CA). */
export async function startBenchDirectory(): Promise<DirectoryEnv & { stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-bench-agent-slapd-'));
  const env = {
    ...process.env,
    SERVICES_DIR: dir,
    LDAP_PORT: String(await freePort()),
    LDAPS_PORT: String(await freePort()),
  };
  const script = join(ROOT, 'scripts/services/slapd.sh');
  const r = spawnSync('bash', [script, 'start'], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`slapd.sh start failed: ${r.stderr}`);
  const v = Object.fromEntries(
    r.stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('TENURE_TEST_'))
      .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  process.env.TENURE_TEST_LDAP_BIND_PASSWORD = v.TENURE_TEST_LDAP_BIND_PASSWORD;
  return {
    kind: 'slapd',
    url: v.TENURE_TEST_LDAP_URL!,
    ldapsUrl: v.TENURE_TEST_LDAPS_URL!,
    ca: v.TENURE_TEST_LDAP_CA!,
    base: v.TENURE_TEST_LDAP_BASE!,
    bindDn: v.TENURE_TEST_LDAP_BIND_DN!,
    password: v.TENURE_TEST_LDAP_BIND_PASSWORD!,
    passwordRef: '${env:TENURE_TEST_LDAP_BIND_PASSWORD}',
    stop() {
      spawnSync('bash', [script, 'stop'], { env, encoding: 'utf8' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
