/** `tenure apps list` and `tenure apps check <app>` as a user runs them, against slapd. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigningKey } from '../../src/audit/signing-key.js';
import { cliFor, tempDir, type WorkspaceCli } from '../cli/run-cli.js';
import { makeSubtree, type Subtree, slapdEnv } from '../support/ldap.js';

const d = slapdEnv();

describe.skipIf(!d)('tenure apps', () => {
  const tmp = tempDir('apps');
  let t: Subtree;
  let cli: WorkspaceCli;
  beforeAll(async () => {
    t = await makeSubtree(d!, 'cli');
    const ldap = (url: string) => `
    connector: ldap
    settings:
      url: ${url}
      bind_dn: ${d!.bindDn}
      bind_password: "${d!.passwordRef}"
      tls: { ca_file: ${d!.ca}${url.startsWith('ldap:') ? ', starttls: true' : ''} }
      users_base: "${t.usersBase}"
      groups_base: "${t.groupsBase}"
      retries: 0`;
    writeFileSync(
      join(tmp.dir, 'tenure.yaml'),
      `organisation: { name: Apps Co, time_zone: UTC }
sources: [{ id: hr, type: file, path: hr/people.csv }]
applications:
  - id: dir
    name: Directory${ldap(d!.url)}
    entitlements: [{ id: staff }]
  - id: down${ldap('ldap://127.0.0.1:1')}
  - id: export
    connector: csv-export
    settings: { path: out/x.csv }
`,
    );
    mkdirSync(join(tmp.dir, '.tenure'), { recursive: true });
    createSigningKey(join(tmp.dir, '.tenure'));
    cli = cliFor(tmp.dir, { TENURE_TEST_LDAP_BIND_PASSWORD: d!.password });
  });
  afterAll(async () => {
    tmp.cleanup();
    await t?.cleanup();
  });

  it('lists the applications', async () => {
    const r = await cli(['apps', 'list', '--json']);
    expect(r.code, r.why).toBe(0);
    expect(r.json()).toEqual([
      expect.objectContaining({ id: 'dir', connector: 'ldap', entitlements: 1, name: 'Directory' }),
      expect.objectContaining({ id: 'down', connector: 'ldap' }),
      expect.objectContaining({ id: 'export', connector: 'csv-export' }),
    ]);
  });

  it('checks a healthy directory: reachable, TLS, bind, bases, rights', async () => {
    const r = await cli(['apps', 'check', 'dir', '--json']);
    expect(r.code, r.why).toBe(0);
    const body = r.json();
    expect(body).toMatchObject({ app: 'dir', connector: 'ldap', ok: true });
    expect(body.checks.map((c: { name: string }) => c.name)).toEqual([
      'reachable',
      'tls',
      'bind',
      'bases',
      'rights',
    ]);
    expect(body.checks[1].detail).toMatch(
      /^StartTLS, TLSv1\.[23], certificate CN=localhost verified/,
    );
    expect(body.checks[4].detail).toMatch(/can create, modify and delete entries in users_base/);
    const human = await cli(['apps', 'check', 'dir']);
    expect(human.stdout).toMatch(/^dir \(ldap\): ok/);
  });

  it('exits 5 and says why when the directory is down; 2 for an unknown app', async () => {
    const r = await cli(['apps', 'check', 'down']);
    expect(r.code, r.why).toBe(5);
    expect(r.stdout).toMatch(/PROBLEMS FOUND/);
    expect(r.stdout).toMatch(/reachable\s+NO\s+127\.0\.0\.1:1: connect ECONNREFUSED/);
    const unknown = await cli(['apps', 'check', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown application "nope" \(known: dir, down, export\)/);
  });
});
