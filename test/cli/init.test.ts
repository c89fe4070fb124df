/** `tenure init` and the CLI's refusals before any workspace work: exit 2, a clear message. */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
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

  it('init without a directory uses the current one', async () => {
    const dir = join(tmp.dir, 'here');
    mkdirSync(dir);
    const r = await tenure(['init'], { cwd: dir });
    expect(r.code, r.why).toBe(0);
    expect(existsSync(join(dir, 'tenure.yaml'))).toBe(true);
    expect(r.stdout).toContain('Next: tenure -w . run');
  });

  it('a command outside a workspace exits 2 with workspace.not_found', async () => {
    const dir = join(tmp.dir, 'nowhere');
    const r = await tenure(['-w', dir, 'identities', 'list']);
    expect(r.code, r.why).toBe(2);
    expect(r.stderr).toMatch(/^error \[workspace\.not_found\]: no tenure\.yaml in .*nowhere/);
  });

  it('unknown commands and missing required options exit 2', async () => {
    const [unknown, noAt, help] = await Promise.all([
      tenure(['frobnicate']),
      tenure(['access']),
      tenure(['--help']),
    ]);
    expect(unknown.code, unknown.why).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect(noAt.code, noAt.why).toBe(2);
    expect(noAt.stderr).toContain("required option '--at <timestamp>' not specified");
    expect(help.code, help.why).toBe(0);
    expect(help.stdout).toContain('Usage: tenure');
  });
});
