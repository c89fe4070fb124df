/** `tenure --version`: package.json's version, also the way the README runs it (npx, from the checkout). */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_DIR, tenure } from './run-cli.js';

const { version } = JSON.parse(readFileSync(join(REPO_DIR, 'package.json'), 'utf8'));

describe.concurrent('tenure --version', () => {
  it.each(['--version', '-V'])(
    '%s prints the version of package.json and exits 0',
    async (flag) => {
      const r = await tenure([flag]);
      expect(r.code, r.why).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
      expect(r.stderr).toBe('');
    },
  );

  it('npx tenure --version in the checkout runs its own bin, with no registry (offline)', async () => {
    // Without the npm_* variables of the npm running these tests, as a newcomer's shell has none.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(npm_|TENURE_)/i.test(k)),
    );
    const r = await new Promise<{ code: number | null; out: string; err: string }>(
      (resolve, reject) => {
        const child = spawn('npx', ['tenure', '--version'], {
          cwd: REPO_DIR,
          env: { ...env, npm_config_offline: 'true' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on('data', (b: Buffer) => out.push(b));
        child.stderr.on('data', (b: Buffer) => err.push(b));
        child.on('error', reject);
        child.on('close', (code) =>
          resolve({ code, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() }),
        );
      },
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(`${version}\n`);
  });
});
