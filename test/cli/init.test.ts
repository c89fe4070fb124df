/** `tenure init` and the CLI's refusals before any workspace work: exit 2, a clear message. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, tenure } from './run-cli.js';

const tmp = tempDir('init');
afterAll(tmp.cleanup);

const mode = (path: string) => statSync(path).mode & 0o777;

describe.concurrent('tenure init', () => {
  it('creates tenure.yaml, hr/ and .tenure/ with the audit signing key; refuses to overwrite', async () => {
    const dir = join(tmp.dir, 'acme');
    const first = await tenure(['init', dir, '--json']);
    expect(first.code, first.why).toBe(0);
    const key = join(dir, '.tenure', 'audit-signing.key');
    const pub = join(dir, '.tenure', 'audit-signing.pub');
    expect(first.json()).toEqual({ dir, publicKey: pub });

    expect(existsSync(join(dir, 'tenure.yaml'))).toBe(true);
    expect(existsSync(join(dir, 'hr', 'employees.csv'))).toBe(true);
    expect(mode(join(dir, '.tenure'))).toBe(0o700);
    expect(mode(key)).toBe(0o600);
    expect(readFileSync(key, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const publicKey = readFileSync(pub, 'utf8');
    expect(publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);

    const again = await tenure(['init', dir]);
    expect(again.code, again.why).toBe(2);
    expect(again.stderr).toContain(
      `error [workspace.exists]: ${join(dir, 'tenure.yaml')} already exists (use --force to overwrite it)`,
    );
    expect(again.stdout).toBe('');

    // --force rewrites the configuration but never the key: a new key would orphan old checkpoints.
    const forced = await tenure(['init', dir, '--force']);
    expect(forced.code, forced.why).toBe(0);
    expect(forced.stdout).toContain(`Workspace ready in ${dir}`);
    expect(readFileSync(pub, 'utf8')).toBe(publicKey);
  });

  it('outside a workspace, unknown commands and missing options: exit 2', async () => {
    const [outside, unknown, noAt] = await Promise.all([
      tenure(['-w', join(tmp.dir, 'nowhere'), 'identities', 'list']),
      tenure(['frobnicate']),
      tenure(['access']),
    ]);
    expect(outside.code, outside.why).toBe(2);
    expect(outside.stderr).toMatch(/^error \[workspace\.not_found\]: no tenure\.yaml in .*nowhere/);
    expect(unknown.code, unknown.why).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect(noAt.code, noAt.why).toBe(2);
    expect(noAt.stderr).toContain("required option '--at <timestamp>' not specified");
  });
});
