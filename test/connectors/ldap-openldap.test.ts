/** The openldap flavour against a real slapd: JML, escaping, idempotency (write counts), errors. */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountRecord, Connector } from '../../src/connectors/contract.js';
import { ldapStats } from '../../src/connectors/ldap/stats.js';
import type { Operation } from '../../src/domain/types.js';
import {
  entryAt,
  findEntries,
  makeLdapConnector,
  makeSubtree,
  type Subtree,
  settingsFor,
  slapdEnv,
  tryBind,
} from '../support/ldap.js';
import { collect, op } from './contract-suite.js';

const d = slapdEnv();
const base = d?.base ?? '';

async function readAll(c: Connector): Promise<Map<string, AccountRecord>> {
  const m = new Map<string, AccountRecord>();
  for await (const a of c.read()) m.set(a.account_id, a);
  return m;
}

const person = (login: string, emp: string, extra: Partial<Operation> = {}) =>
  op('account.create', login, {
    identity_id: emp,
    attributes: { cn: `Person ${login}`, sn: 'Person', mail: `${emp}@example.com` },
    container: 'ou=Engineering',
    ...extra,
  });
const grant = (login: string, ent: string) => op('entitlement.grant', login, { entitlement: ent });
const revoke = (login: string, ent: string) =>
  op('entitlement.revoke', login, { entitlement: ent });

describe.skipIf(!d)('ldap openldap flavour on slapd', () => {
  let t: Subtree;
  let c: Connector;
  beforeAll(async () => {
    t = await makeSubtree(d!, 'ol');
    c = await makeLdapConnector(settingsFor(d!, t));
  });
  afterAll(async () => {
    await c?.close();
    await t?.cleanup();
  });

  it('joiner: creates the account in its OU, its groups, and the manager link', async () => {
    const results = await collect(
      c.apply([
        person('boss', 'E100', { container: 'ou=Leadership' }),
        person('ann', 'E101', { attributes: { cn: 'Ann Lee', sn: 'Lee', manager: 'E100' } }),
        grant('ann', 'staff'),
        grant('ann', 'eng'),
        grant('boss', 'staff'),
      ]),
    );
    for (const r of results) expect(r, r.message).toMatchObject({ outcome: 'success' });
    const ann = await entryAt(t.admin, `uid=ann,ou=Engineering,${t.usersBase}`);
    expect(ann?.cn).toEqual(['Ann Lee']);
    expect(ann?.employeenumber).toEqual(['E101']);
    expect(ann?.manager).toEqual([`uid=boss,ou=Leadership,${t.usersBase}`]);
    expect(ann?.memberof?.sort()).toEqual([`cn=eng,${t.groupsBase}`, `cn=staff,${t.groupsBase}`]);
    const read = (await readAll(c)).get('ann')!;
    expect(read).toMatchObject({
      employee_id: 'E101',
      container: 'ou=Engineering',
      enabled: true,
      entitlements: ['eng', 'staff'],
    });
    expect(read.attributes.manager).toBe('E100');
  });

  it('mover: moves the OU and swaps groups in one batch', async () => {
    const results = await collect(
      c.apply([
        op('account.move', 'ann', { container: 'ou=Sales' }),
        grant('ann', 'sales'),
        revoke('ann', 'eng'),
      ]),
    );
    for (const r of results) expect(r, r.message).toMatchObject({ outcome: 'success' });
    expect(await entryAt(t.admin, `uid=ann,ou=Engineering,${t.usersBase}`)).toBeUndefined();
    const ann = await entryAt(t.admin, `uid=ann,ou=Sales,${t.usersBase}`);
    expect(ann?.memberof?.sort()).toEqual([`cn=sales,${t.groupsBase}`, `cn=staff,${t.groupsBase}`]);
  });

  it('leaver: strips groups and disables (the bind is then refused)', async () => {
    await collect(c.apply([person('leo', 'E102'), grant('leo', 'staff')]));
    const dn = `uid=leo,ou=Engineering,${t.usersBase}`;
    await t.admin.modify(dn, []); // exists
    await setPassword(t, dn, 'Leo-pass-1');
    expect(await tryBind(d!, dn, 'Leo-pass-1')).toBeUndefined();
    const ops = [revoke('leo', 'staff'), op('account.disable', 'leo')];
    for (const r of await collect(c.apply(ops))) expect(r.outcome).toBe('success');
    const leo = await entryAt(t.admin, dn);
    expect(leo?.memberof).toBeUndefined();
    expect(leo?.pwdaccountlockedtime).toEqual(['000001010000Z']);
    expect((await tryBind(d!, dn, 'Leo-pass-1')) as unknown).toMatchObject({ code: 49 }); // invalidCredentials
    expect((await readAll(c)).get('leo')).toMatchObject({ enabled: false, entitlements: [] });

    // Re-running the same plan writes nothing.
    ldapStats.reset();
    for (const r of await collect(c.apply(ops))) expect(r.outcome).toBe('success');
    expect(ldapStats.writes()).toBe(0);
  });

  it('re-applying joiner and mover operations performs zero LDAP writes', async () => {
    const ops = [
      person('zed', 'E103', {
        container: 'ou=Sales',
        attributes: { cn: 'Zed Z', sn: 'Z', manager: 'E100' },
      }),
      grant('zed', 'staff'),
      grant('zed', 'sales'),
      op('account.update', 'zed', {
        identity_id: 'E103',
        attributes: { cn: 'Zed Z', sn: 'Z', manager: 'E100' },
      }),
      op('account.move', 'zed', { container: 'ou=Sales' }),
      op('account.enable', 'zed'),
    ];
    for (const r of await collect(c.apply(ops))) expect(r.outcome, r.message).toBe('success');
    ldapStats.reset();
    const again = await collect(c.apply(ops));
    for (const r of again) expect(r.outcome, r.message).toBe('success');
    expect(ldapStats.writes()).toBe(0);
    expect(ldapStats.search).toBeGreaterThan(0);
  });

  it('hostile logins are escaped in DNs and filters and round-trip', async () => {
    const names = ['a+b"c\\<d>;e=f', '#hash', ' padded ', '*)(uid=*', 'Zoë', '王小明'];
    const ops = names.map((n, i) =>
      op('account.create', n, { identity_id: `H${i}`, attributes: { cn: n }, container: null }),
    );
    const results = await collect(c.apply(ops));
    for (const r of results) expect(r, r.message).toMatchObject({ outcome: 'success' });
    const read = await readAll(c);
    for (const [i, n] of names.entries()) {
      expect(read.get(n), n).toMatchObject({
        account_id: n,
        employee_id: `H${i}`,
        container: null,
      });
      expect(read.get(n)?.attributes.cn).toBe(n);
    }
    // `*)(uid=*` is a name, not a filter: granting to it touches that account only.
    await collect(c.apply([grant('*)(uid=*', 'hostile')]));
    const members = await entryAt(t.admin, `cn=hostile,${t.groupsBase}`);
    expect(members?.member).toHaveLength(2); // the placeholder and the one account
    expect(members?.member).toContain(`uid=*)(uid\\3D*,${t.usersBase}`);
    // A filter-shaped login that does not exist matches nothing.
    const [r] = await collect(c.apply([grant('*', 'hostile')]));
    expect(r?.outcome).toBe('failure');
    expect(r?.message).toMatch(/not found/);
    // A login with a control character is refused with its reason.
    const [bad] = await collect(c.apply([op('account.create', 'nl\nx', { attributes: {} })]));
    expect(bad).toMatchObject({
      outcome: 'failure',
      message: expect.stringMatching(/control character/),
    });
  });

  it('login collisions: a login held by another person gets the next free one', async () => {
    await collect(c.apply([person('jdoe', 'E200')]));
    const [r] = await collect(c.apply([person('jdoe', 'E201')]));
    expect(r).toMatchObject({ outcome: 'success', account_id: 'jdoe2' });
    expect(r?.message).toMatch(/belongs to another person/);
    // The same person again converges to the existing account.
    const [again] = await collect(c.apply([person('jdoe', 'E201')]));
    expect(again).toMatchObject({ outcome: 'success', account_id: 'jdoe2' });
  });

  it('refuses bad containers and attributes with a reason, leaving the rest alone', async () => {
    const results = await collect(
      c.apply([
        person('c1', 'E300', { container: 'not a dn' }),
        person('c2', 'E301', { attributes: { cn: 'C2', account_expires: '2026-12-31' } }),
        person('c3', 'E302', { attributes: { cn: 'C3', userPassword: 'x' } }),
        person('c4', 'E303', { attributes: { cn: 'C4', 'bad name': 'x' } }),
        person('c5', 'E304'),
      ]),
    );
    expect(results.map((r) => r.outcome)).toEqual([
      'failure',
      'failure',
      'failure',
      'failure',
      'success',
    ]);
    expect(results[0]?.message).toMatch(/container "not a dn" is not a DN/);
    expect(results[1]?.message).toMatch(/only supported by the ad flavour/);
    expect(results[2]?.message).toMatch(/managed by the connector/);
    expect(results[3]?.message).toMatch(/not an LDAP attribute name/);
  });

  it('update sets and removes attributes (empty value = remove)', async () => {
    await collect(
      c.apply([person('upd', 'E400', { attributes: { cn: 'U', sn: 'U', title: 'Dev' } })]),
    );
    await collect(
      c.apply([
        op('account.update', 'upd', { identity_id: 'E400', attributes: { cn: 'U2', title: '' } }),
      ]),
    );
    const e = await entryAt(t.admin, `uid=upd,ou=Engineering,${t.usersBase}`);
    expect(e?.cn).toEqual(['U2']);
    expect(e?.title).toBeUndefined();
  });

  it('the last member of a group is replaced by the placeholder, not refused', async () => {
    const dn = `cn=solo,ou=groups,${t.root}`;
    await t.admin.add(dn, {
      objectClass: 'groupOfNames',
      cn: 'solo',
      member: `uid=boss,ou=Leadership,${t.usersBase}`,
    });
    const [r] = await collect(c.apply([revoke('boss', 'solo')]));
    expect(r?.outcome, r?.message).toBe('success');
    expect((await entryAt(t.admin, dn))?.member).toEqual(['']);
    expect((await readAll(c)).get('boss')?.entitlements).toEqual(['staff']);
  });

  it('deletes accounts, and absent ones count as done', async () => {
    await collect(c.apply([person('gone', 'E500')]));
    const [r1, r2] = await collect(
      c.apply([op('account.delete', 'gone'), op('account.delete', 'never-was')]),
    );
    expect(r1?.outcome).toBe('success');
    expect(r2).toMatchObject({ outcome: 'success', message: expect.stringMatching(/absent/) });
    expect(await entryAt(t.admin, `uid=gone,ou=Engineering,${t.usersBase}`)).toBeUndefined();
  });
});

describe.skipIf(!d)('ldap openldap options on slapd', () => {
  let t: Subtree;
  beforeAll(async () => {
    t = await makeSubtree(d!, 'olo');
  });
  afterAll(() => t?.cleanup());

  it('disable.move_to parks the account and enable brings it back; read() keeps the container', async () => {
    const c = await makeLdapConnector(
      settingsFor(d!, t, { disable: { lock_attribute: null, move_to: 'ou=disabled' } }),
    );
    await collect(c.apply([person('mo', 'E1', { container: 'ou=Eng' }), grant('mo', 'staff')]));
    await collect(c.apply([op('account.disable', 'mo')]));
    expect(await entryAt(t.admin, `uid=mo,ou=disabled,${t.usersBase}`)).toBeDefined();
    expect((await readAll(c)).get('mo')).toMatchObject({
      enabled: false,
      container: 'ou=Eng',
      entitlements: ['staff'],
    });
    // A mover while disabled changes where it will come back to.
    await collect(c.apply([op('account.move', 'mo', { container: 'ou=Ops' })]));
    expect((await readAll(c)).get('mo')?.container).toBe('ou=Ops');
    await collect(c.apply([op('account.enable', 'mo')]));
    const back = await entryAt(t.admin, `uid=mo,ou=Ops,${t.usersBase}`);
    expect(back?.description).toBeUndefined();
    expect((await readAll(c)).get('mo')).toMatchObject({ enabled: true, container: 'ou=Ops' });
    await c.close();
  });

  it('disable.remove_groups strips every membership; use_memberof: false reads the groups', async () => {
    const c = await makeLdapConnector(
      settingsFor(d!, t, { use_memberof: false, disable: { remove_groups: true } }),
    );
    await collect(c.apply([person('rg', 'E2'), grant('rg', 'a'), grant('rg', 'b')]));
    expect((await readAll(c)).get('rg')?.entitlements).toEqual(['a', 'b']);
    const again = await collect(c.apply([grant('rg', 'a')]));
    expect(again[0]?.message).toBe('already a member');
    const [r] = await collect(c.apply([op('account.disable', 'rg')]));
    expect(r?.message).toMatch(/removed from 2 group/);
    expect((await readAll(c)).get('rg')).toMatchObject({ enabled: false, entitlements: [] });
    await c.close();
  });

  it('containers and groups mappings, and pre-hires created disabled', async () => {
    const c = await makeLdapConnector(
      settingsFor(d!, t, {
        containers: { 'R&D, Europe': 'ou=R&D\\, Europe' },
        groups: { vip: `cn=Very Important,${t.groupsBase}` },
      }),
    );
    const results = await collect(
      c.apply([
        person('pre', 'E3', { container: 'R&D, Europe', enabled: false }),
        grant('pre', 'vip'),
      ]),
    );
    for (const r of results) expect(r.outcome, r.message).toBe('success');
    expect(await entryAt(t.admin, `uid=pre,ou=R&D\\2C Europe,${t.usersBase}`)).toBeDefined();
    expect((await readAll(c)).get('pre')).toMatchObject({
      container: 'R&D, Europe',
      enabled: false,
      entitlements: ['vip'],
    });
    await c.close();
  });

  it('delete_retention_days disables first and the sweep deletes when due', async () => {
    const c = await makeLdapConnector(settingsFor(d!, t, { delete_retention_days: 30 }));
    await collect(c.apply([person('ret', 'E4', { container: null })]));
    const [r] = await collect(c.apply([op('account.delete', 'ret')]));
    expect(r?.message).toMatch(/disabled; deleted after \d{4}-/);
    const dn = `uid=ret,${t.usersBase}`;
    expect((await entryAt(t.admin, dn))?.description?.[0]).toMatch(/^tenure:delete-after=/);
    await c.close();
    // Pretend the period has passed: the next connector's first apply deletes it.
    await t.admin.modify(dn, [
      new (await import('ldapts')).Change({
        operation: 'replace',
        modification: new (await import('ldapts')).Attribute({
          type: 'description',
          values: ['tenure:delete-after=2000-01-01T00:00:00.000Z'],
        }),
      }),
    ]);
    const c2 = await makeLdapConnector(settingsFor(d!, t, { delete_retention_days: 30 }));
    await collect(c2.apply([]));
    expect(await entryAt(t.admin, dn)).toBeUndefined();
    await c2.close();
  });

  it('ldaps:// with the CA file works too', async () => {
    const c = await makeLdapConnector(
      settingsFor(d!, t, { url: d!.ldapsUrl, tls: { ca_file: d!.ca } }),
    );
    const check = await c.check();
    expect(check.ok, JSON.stringify(check)).toBe(true);
    expect(check.checks.find((x) => x.name === 'tls')?.detail).toMatch(
      /^ldaps, TLSv1\.[23], certificate CN=localhost verified/,
    );
    await c.close();
  });
});

describe.skipIf(!d)('ldap errors on slapd', () => {
  let t: Subtree;
  let silent: Server;
  let silentPort = 0;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    t = await makeSubtree(d!, 'ole');
    // Accepts connections and never answers: the timeout case.
    silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
    await t?.cleanup();
  });

  it('insufficient rights: every operation fails with the server message; check says so', async () => {
    process.env.TENURE_TEST_READER_PW = 'reader';
    const c = await makeLdapConnector(
      settingsFor(d!, t, {
        bind_dn: `cn=reader,${base}`,
        bind_password: '${env:TENURE_TEST_READER_PW}',
      }),
    );
    const results = await collect(c.apply([person('r1', 'E1'), person('r2', 'E2')]));
    for (const r of results) {
      expect(r.outcome).toBe('failure');
      expect(r.message).toMatch(/insufficientAccessRights \(50\)/);
    }
    const check = await c.check();
    expect(check.ok).toBe(false);
    expect(check.checks.find((x) => x.name === 'bind')?.ok).toBe(true);
    expect(check.checks.find((x) => x.name === 'rights')?.detail).toMatch(
      /cannot create entries in users_base: insufficientAccessRights/,
    );
    await c.close();
  });

  it('wrong password: check reports the bind, apply fails every operation', async () => {
    process.env.TENURE_TEST_WRONG_PW = 'nope';
    const c = await makeLdapConnector(
      settingsFor(d!, t, { bind_password: '${env:TENURE_TEST_WRONG_PW}' }),
    );
    const check = await c.check();
    expect(check.checks.find((x) => x.name === 'bind')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/invalidCredentials \(49\)/),
    });
    const [r] = await collect(c.apply([person('w1', 'E1')]));
    expect(r).toMatchObject({
      outcome: 'failure',
      message: expect.stringMatching(/invalidCredentials/),
    });
    await c.close();
  });

  it('server down: retried with backoff, then failure naming it', async () => {
    const c = await makeLdapConnector(
      settingsFor(d!, t, { url: 'ldap://127.0.0.1:1', retries: 2, retry_backoff_ms: 50 }),
    );
    const started = Date.now();
    const results = await collect(c.apply([person('x1', 'E1'), op('account.disable', 'x2')]));
    for (const r of results)
      expect(r).toMatchObject({
        outcome: 'failure',
        message: expect.stringMatching(/server unreachable: .*ECONNREFUSED/),
      });
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect((await c.check()).checks[0]).toMatchObject({ name: 'reachable', ok: false });
    await c.close();
  });

  // The test timeout is only a hang guard: without the configured timeouts this would never end.
  it('timeout: a server that never answers fails as timed out instead of hanging', {
    timeout: 30_000,
  }, async () => {
    const c = await makeLdapConnector(
      settingsFor(d!, t, {
        url: `ldap://127.0.0.1:${silentPort}`,
        tls: {},
        retries: 1,
        retry_backoff_ms: 10,
        timeouts: { connect_ms: 500, operation_ms: 300 },
      }),
    );
    const [r] = await collect(c.apply([person('t1', 'E1')]));
    // ldapts' own operation timeout (operation_ms), not a socket error or the OS giving up.
    expect(r).toMatchObject({
      outcome: 'failure',
      message: expect.stringMatching(/^timed out: .*Operation timed out/),
    });
    await c.close();
  });

  it('reconnects (StartTLS + bind again) after the connections drop, and retries while the server is away', async () => {
    // A TCP relay to slapd that the test can cut and refuse at will.
    const target = new URL(d!.url);
    const live = new Set<Socket>();
    let refuse = 0;
    const relay = createServer((client) => {
      if (refuse > 0) {
        refuse--;
        client.destroy();
        return;
      }
      const upstream = connect(Number(target.port), target.hostname);
      client.pipe(upstream).pipe(client);
      for (const s of [client, upstream]) {
        live.add(s);
        s.on('error', () => {});
        s.on('close', () => live.delete(s));
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const port = (relay.address() as { port: number }).port;
    // The certificate names 127.0.0.1, so TLS verifies through the relay too.
    const c = await makeLdapConnector(
      settingsFor(d!, t, { url: `ldap://127.0.0.1:${port}`, retries: 4, retry_backoff_ms: 50 }),
    );
    try {
      for (const r of await collect(c.apply([person('rc1', 'E1')])))
        expect(r.outcome, r.message).toBe('success');
      for (const s of live) s.destroy(); // the server "restarts": every connection is gone
      refuse = 3; // ...and refuses the first attempts to reconnect
      const results = await collect(c.apply([person('rc2', 'E2'), grant('rc1', 'staff')]));
      for (const r of results) expect(r.outcome, r.message).toBe('success');
      expect((await entryAt(t.admin, `uid=rc1,ou=Engineering,${t.usersBase}`))?.memberof).toEqual([
        `cn=staff,${t.groupsBase}`,
      ]);
    } finally {
      await c.close();
      for (const s of live) s.destroy();
      await new Promise((r) => relay.close(r));
    }
  });

  it('a wrong CA fails the TLS check with the reason', async () => {
    const c = await makeLdapConnector(
      settingsFor(d!, t, {
        tls: { starttls: true, ca_file: '/etc/ssl/certs/ca-certificates.crt' },
      }),
    );
    const check = await c.check();
    expect(check.checks.find((x) => x.name === 'tls')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/certificate/),
    });
    await c.close();
  });

  it('settings are validated with the key named', async () => {
    const { ldapConnector } = await import('../../src/connectors/ldap/ldap-connector.js');
    const r = ldapConnector.configGuard.safeParse({
      url: 'http://x',
      bind_dn: 'cn=a',
      bind_password: 'plain',
      users_base: 'ou=people,,dc=x',
      groups_base: 'ou=g,dc=x',
      pool_size: 0,
    });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['url', 'bind_password', 'users_base', 'pool_size']),
    );
  });
});

async function setPassword(t: Subtree, dn: string, pw: string): Promise<void> {
  const { Attribute, Change } = await import('ldapts');
  await t.admin.modify(dn, [
    new Change({
      operation: 'replace',
      modification: new Attribute({ type: 'userPassword', values: [pw] }),
    }),
  ]);
}

void findEntries;
