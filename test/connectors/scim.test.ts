/** The scim connector's users against a real SCIM server (SCIMMY): names, convergence, ETags, paging, deprovisioning. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountRecord, Connector } from '../../src/connectors/contract.js';
import { ENTERPRISE_USER } from '../../src/connectors/scim/settings.js';
import { makeScimConnector, type ScimServer, startScimServer } from '../support/scim-server.js';
import { collect, op } from './contract-suite.js';

let server: ScimServer;
beforeAll(async () => {
  server = await startScimServer();
});
afterAll(async () => {
  await server?.close();
});

async function readAll(c: Connector): Promise<Map<string, AccountRecord>> {
  const m = new Map<string, AccountRecord>();
  for await (const a of c.read()) m.set(a.account_id, a);
  return m;
}

describe('scim users', () => {
  it('finds hostile userNames exactly, so re-creating them changes nothing', async () => {
    const t = server.tenant();
    const c = await makeScimConnector(t);
    const names = [
      'a"b\\c',
      '*)(x',
      '"quoted"',
      '\\',
      'back\\slash',
      '王小明',
      'Zoë Ñúñez',
      "O'Brien, Jr.",
    ];
    const create = () =>
      names.map((n, i) =>
        op('account.create', n, { identity_id: `E${i}`, attributes: { cn: `Name ${i}` } }),
      );
    for (const r of await collect(c.apply(create()))) expect(r.outcome, r.message).toBe('success');
    expect([...t.users.values()].map((u) => u.userName).sort()).toEqual([...names].sort());

    const again = await collect(c.apply(create()));
    for (const r of again) expect(r.message, r.key).toBe('already existed with the desired values');
    expect(t.users.size).toBe(names.length);
    expect(t.count('POST', '/Users')).toBe(names.length);

    const read = await readAll(c);
    names.forEach((n, i) => {
      expect(read.get(n)?.attributes.cn).toBe(`Name ${i}`);
      expect(read.get(n)?.employee_id).toBe(`E${i}`);
    });
    // SCIMMY cannot filter on `"` (400) nor unescape `\\`: those names were found by a `sw` walk.
    expect(t.log.some((r) => r.status === 400 && String(r.query.filter).includes('\\"'))).toBe(
      true,
    );
    expect(t.log.some((r) => String(r.query.filter).startsWith('userName sw "a"'))).toBe(true);

    const ops = names.map((n) => op('account.disable', n));
    for (const r of await collect(c.apply(ops))) expect(r.outcome, r.message).toBe('success');
    for (const n of names) expect(t.user(n)?.active).toBe(false);
    await c.close();
  });

  it('a 409 on create finds the existing user and brings it to the desired values', async () => {
    const t = server.tenant();
    const c = await makeScimConnector(t);
    await collect(
      c.apply([op('account.create', 'lag', { identity_id: 'E1', attributes: { cn: 'Old' } })]),
    );
    t.hideOnce('LAG'); // the next lookup misses it, as a lagging search index would
    const [r] = await collect(
      c.apply([
        op('account.create', 'lag', {
          identity_id: 'E1',
          attributes: { cn: 'New', mail: 'l@x.test' },
        }),
      ]),
    );
    expect(r).toMatchObject({
      outcome: 'success',
      message: 'already existed; brought to desired values',
    });
    expect(t.log.filter((x) => x.method === 'POST').map((x) => x.status)).toEqual([201, 409]);
    expect(t.user('lag')).toMatchObject({
      displayName: 'New',
      emails: [{ type: 'work', value: 'l@x.test' }],
    });
    expect(t.users.size).toBe(1);
    await c.close();
  });

  it('lookup_batch looks the creates up `or`-joined, several names per request', async () => {
    const t = server.tenant();
    const c = await makeScimConnector(t, { lookup_batch: 5 });
    await collect(c.apply([op('account.create', 'Old1', { attributes: { cn: 'stale' } })]));
    t.log.length = 0;
    const names = ['Old1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'q"uote'];
    const results = await collect(
      c.apply(names.map((n) => op('account.create', n, { attributes: { cn: `C ${n}` } }))),
    );
    for (const r of results) expect(r.outcome, r.message).toBe('success');
    expect(results[0]?.message).toBe('already existed; brought to desired values');
    const gets = t.log.filter((r) => r.method === 'GET').map((r) => String(r.query.filter));
    // Two `or` lookups for the seven plain names; the fragile one goes its own way (eq, then sw).
    expect(gets.filter((f) => f.includes(' or '))).toHaveLength(2);
    expect(gets.filter((f) => !f.includes(' or '))).toEqual([
      'userName eq "q\\"uote"',
      'userName sw "q"',
    ]);
    expect(t.count('POST', '/Users')).toBe(7);
    expect(t.user('old1')?.displayName).toBe('C Old1');
    await c.close();
  });

  it('never takes over a userName that belongs to another person', async () => {
    const t = server.tenant();
    const c = await makeScimConnector(t);
    await collect(
      c.apply([op('account.create', 'jdoe', { identity_id: 'E1', attributes: { cn: 'Jane' } })]),
    );
    const [r] = await collect(
      c.apply([op('account.create', 'JDOE', { identity_id: 'E2', attributes: { cn: 'John' } })]),
    );
    expect(r?.outcome).toBe('failure');
    expect(r?.message).toBe('userName "jdoe" already belongs to another person (employee id E1)');
    expect(t.user('jdoe')?.displayName).toBe('Jane');
    await c.close();
  });

  it('updates by PATCH with If-Match from meta.version, and re-reads after a 412', async () => {
    const t = server.tenant({ etag: true });
    const c = await makeScimConnector(t);
    await collect(
      c.apply([op('account.create', 'ann', { identity_id: 'E1', attributes: { cn: 'Ann' } })]),
    );
    const version = t.user('ann')?.meta.version;
    expect(version).toMatch(/^W\/"\d+"$/);

    t.raceOnce('ann'); // someone else writes between our read and our PATCH
    const [r] = await collect(
      c.apply([
        op('account.update', 'ann', {
          identity_id: 'E1',
          attributes: { cn: 'Ann B', mail: 'a@x.test' },
        }),
      ]),
    );
    expect(r?.outcome, r?.message).toBe('success');
    const patches = t.log.filter((x) => x.method === 'PATCH');
    expect(patches.map((p) => p.status)).toEqual([412, 200]);
    expect(patches[0]?.ifMatch).toBe(version);
    expect(patches[1]?.ifMatch).toMatch(/^W\/"\d+"$/);
    expect(patches[1]?.ifMatch).not.toBe(version);
    expect(t.user('ann')).toMatchObject({
      displayName: 'Ann B',
      emails: [{ type: 'work', value: 'a@x.test' }],
    });

    // Nothing differs: no write at all.
    const writes = t.log.length;
    await collect(
      c.apply([
        op('account.update', 'ann', {
          identity_id: 'E1',
          attributes: { cn: 'Ann B', mail: 'a@x.test' },
        }),
      ]),
    );
    expect(t.log.slice(writes).map((x) => x.method)).toEqual(['GET']);
    await c.close();
  });

  it('maps attributes to SCIM paths, empties remove them, unmapped ones fail clearly', async () => {
    const t = server.tenant();
    const c = await makeScimConnector(t, {
      attributes: {
        cn: 'displayName',
        first: 'name.givenName',
        mail: 'emails[type eq "work"].value',
        dept: `${ENTERPRISE_USER}:department`,
      },
      container: `${ENTERPRISE_USER}:division`,
    });
    const attributes = {
      cn: 'Kim Lee',
      first: 'Kim',
      mail: 'k@x.test',
      dept: 'R&D',
      'name.familyName': 'Lee',
    };
    const [created] = await collect(
      c.apply([
        op('account.create', 'kim', { identity_id: 'E7', attributes, container: 'Europe' }),
      ]),
    );
    expect(created?.outcome, created?.message).toBe('success');
    expect(t.user('kim')).toMatchObject({
      displayName: 'Kim Lee',
      name: { givenName: 'Kim', familyName: 'Lee' },
      emails: [{ type: 'work', value: 'k@x.test' }],
      active: true,
      [ENTERPRISE_USER]: { employeeNumber: 'E7', department: 'R&D', division: 'Europe' },
    });
    const rec = (await readAll(c)).get('kim');
    expect(rec).toMatchObject({
      attributes,
      container: 'Europe',
      employee_id: 'E7',
      enabled: true,
    });

    await collect(
      c.apply([
        op('account.update', 'kim', {
          identity_id: 'E7',
          attributes: { ...attributes, mail: '', dept: 'Ops' },
        }),
        op('account.move', 'kim', { container: 'Asia' }),
      ]),
    );
    expect(t.user('kim')?.emails ?? []).toEqual([]);
    expect(t.user('kim')?.[ENTERPRISE_USER]).toMatchObject({ department: 'Ops', division: 'Asia' });

    const [bad] = await collect(
      c.apply([op('account.update', 'kim', { attributes: { cn: 'X', uid: 'kim' } })]),
    );
    expect(bad?.outcome).toBe('failure');
    expect(bad?.message).toContain(
      'attribute "uid" has no SCIM path: map it in settings.attributes',
    );
    await c.close();
  });

  it('says so when the server drops what it was sent (an attribute outside its schema)', async () => {
    const t = server.tenant();
    const attributes = { cn: 'displayName', badge: 'badgeNumber' };
    const c = await makeScimConnector(t, { attributes });
    const [created] = await collect(
      c.apply([op('account.create', 'bo', { attributes: { cn: 'Bo', badge: 'B-1' } })]),
    );
    expect(created).toMatchObject({
      outcome: 'success',
      message: 'created; the server did not keep badgeNumber',
    });
    // SCIMMY refuses the PATCH path outright; by PUT it drops the attribute without a word.
    const update = op('account.update', 'bo', { attributes: { cn: 'Bo B', badge: 'B-2' } });
    const [patched] = await collect(c.apply([update]));
    expect(patched?.message).toMatch(
      /^PATCH \/Users\/\S+: 400 invalidPath: Invalid path 'badgeNumber'/,
    );
    const put = await makeScimConnector(t, { attributes, quirks: { user_update: 'put' } });
    const [replaced] = await collect(put.apply([update]));
    expect(replaced).toMatchObject({
      outcome: 'failure',
      message: 'the server accepted the change but did not keep badgeNumber (not in its schema?)',
    });
    expect(t.user('bo')?.displayName).toBe('Bo B');
    await c.close();
    await put.close();
  });

  it('creates pre-hires disabled, and takes the userName from an attribute when told to', async () => {
    const t = server.tenant();
    const c = await makeScimConnector(t, { user_name: 'mail' });
    const [r] = await collect(
      c.apply([
        op('account.create', 'E9', {
          identity_id: 'E9',
          enabled: false,
          attributes: { cn: 'Pre Hire', mail: 'pre@x.test' },
        }),
      ]),
    );
    expect(r).toMatchObject({ outcome: 'success', account_id: 'pre@x.test' });
    expect(t.user('pre@x.test')).toMatchObject({
      active: false,
      emails: [{ type: 'work', value: 'pre@x.test' }],
    });
    // The same run's later operations still name the planned account id: they reach the user.
    const later = await collect(
      c.apply([
        op('entitlement.grant', 'E9', { entitlement: 'staff' }),
        op('account.enable', 'E9'),
      ]),
    );
    for (const x of later) expect(x.outcome, x.message).toBe('success');
    expect(t.user('pre@x.test')?.active).toBe(true);
    expect(t.group('staff')?.members).toEqual([{ value: t.user('pre@x.test')?.id }]);
    await c.close();
  });

  it('reads every user and group page by page (startIndex/count)', async () => {
    const t = server.tenant();
    const c = await makeScimConnector(t, { page_size: 3 });
    const ops = Array.from({ length: 11 }, (_, i) => [
      op('account.create', `u${i}`, { attributes: { cn: `U ${i}` } }),
      op('entitlement.grant', `u${i}`, { entitlement: `g${i % 4}` }),
    ]).flat();
    for (const r of await collect(c.apply(ops))) expect(r.outcome, r.message).toBe('success');
    const read = await readAll(c);
    expect(read.size).toBe(11);
    for (let i = 0; i < 11; i++) expect(read.get(`u${i}`)?.entitlements).toEqual([`g${i % 4}`]);
    const starts = (path: string) =>
      t.log
        .filter((x) => x.method === 'GET' && x.path === path && x.query.startIndex)
        .map((x) => Number(x.query.startIndex));
    expect(starts('/Users')).toEqual([1, 4, 7, 10]);
    expect(starts('/Groups')).toEqual([1, 4]);
    await c.close();
  });

  it('deprovision: disable (the default) never deletes; delete deletes, and 404 is success', async () => {
    const t = server.tenant();
    const keep = await makeScimConnector(t);
    await collect(keep.apply([op('account.create', 'leaver', { attributes: { cn: 'L' } })]));
    const [r] = await collect(keep.apply([op('account.delete', 'leaver')]));
    expect(r).toMatchObject({
      outcome: 'success',
      message: 'settings.deprovision is disable: the account is disabled, not deleted',
    });
    expect(t.user('leaver')?.active).toBe(false);
    expect(t.count('DELETE', '/Users')).toBe(0);

    const del = await makeScimConnector(t, { deprovision: 'delete' });
    expect((await collect(del.apply([op('account.delete', 'leaver')])))[0]?.outcome).toBe(
      'success',
    );
    expect(t.user('leaver')).toBeUndefined();
    const [gone] = await collect(del.apply([op('account.delete', 'leaver')]));
    expect(gone).toMatchObject({ outcome: 'success', message: 'account absent: nothing to do' });
    await keep.close();
    await del.close();
  });
});
