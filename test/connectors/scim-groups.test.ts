/** The scim connector's group memberships against SCIMMY: one PATCH per group, idempotent, mapped names. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountRecord, Connector } from '../../src/connectors/contract.js';
import {
  makeScimConnector,
  type ScimServer,
  type ScimTenant,
  startScimServer,
} from '../support/scim-server.js';
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

const memberNames = (t: ScimTenant, group: string) => {
  const byId = new Map([...t.users.values()].map((u) => [u.id, String(u.userName)]));
  const members = (t.group(group)?.members ?? []) as { value: string }[];
  return members.map((m) => byId.get(m.value) ?? m.value).sort();
};

async function withUsers(t: ScimTenant, c: Connector, names: string[]): Promise<void> {
  const r = await collect(
    c.apply(names.map((n) => op('account.create', n, { attributes: { cn: n } }))),
  );
  for (const x of r) expect(x.outcome, x.message).toBe('success');
  t.log.length = 0;
}

describe('scim group memberships', () => {
  it('grants of a batch become one PATCH per group; re-granting writes nothing', async () => {
    const t = server.tenant({ etag: true });
    const c = await makeScimConnector(t);
    await withUsers(t, c, ['ann', 'bob', 'cy']);
    const grants = ['ann', 'bob', 'cy'].flatMap((u) => [
      op('entitlement.grant', u, { entitlement: 'staff' }),
      op('entitlement.grant', u, { entitlement: 'vpn' }),
    ]);
    for (const r of await collect(c.apply(grants))) expect(r.outcome, r.message).toBe('success');
    expect(memberNames(t, 'staff')).toEqual(['ann', 'bob', 'cy']);
    expect(memberNames(t, 'vpn')).toEqual(['ann', 'bob', 'cy']);
    expect(t.count('POST', '/Groups')).toBe(2); // created on first grant
    expect(t.count('PATCH', '/Groups')).toBe(2);
    expect(t.log.filter((r) => r.method === 'PATCH').every((r) => r.ifMatch)).toBe(true);

    t.log.length = 0;
    const again = await collect(c.apply(grants));
    for (const r of again)
      expect(r).toMatchObject({ outcome: 'success', message: 'already a member' });
    expect(t.log.filter((r) => r.method !== 'GET')).toEqual([]);
    await c.close();
  });

  it('revokes: members removed in one PATCH; not a member and no account are success', async () => {
    const t = server.tenant();
    const c = await makeScimConnector(t);
    await withUsers(t, c, ['ann', 'bob', 'cy']);
    await collect(
      c.apply(
        ['ann', 'bob', 'cy'].map((u) => op('entitlement.grant', u, { entitlement: 'staff' })),
      ),
    );
    t.log.length = 0;
    const results = await collect(
      c.apply([
        op('entitlement.revoke', 'ann', { entitlement: 'staff' }),
        op('entitlement.revoke', 'bob', { entitlement: 'staff' }),
        op('entitlement.revoke', 'cy', { entitlement: 'vpn' }),
        op('entitlement.revoke', 'ghost', { entitlement: 'staff' }),
      ]),
    );
    expect(results.map((r) => [r.outcome, r.message])).toEqual([
      ['success', undefined],
      ['success', undefined],
      ['success', 'group absent: nothing to remove'],
      ['success', 'account absent: nothing to remove'],
    ]);
    expect(memberNames(t, 'staff')).toEqual(['cy']);
    expect(t.count('PATCH', '/Groups')).toBe(1);
    await c.close();
  });

  it('maps entitlements to displayNames or pinned ids, and reads them back', async () => {
    const t = server.tenant();
    const boot = await makeScimConnector(t);
    await withUsers(t, boot, ['ann']);
    await collect(boot.apply([op('entitlement.grant', 'ann', { entitlement: 'Pinned Group' })]));
    await collect(boot.apply([op('entitlement.grant', 'ann', { entitlement: 'Somebody Else’s' })]));
    const pinned = t.group('Pinned Group')!.id;

    const c = await makeScimConnector(t, {
      groups: { eng: 'Engineering (all)', admins: { id: pinned } },
      create_groups: true,
    });
    const r = await collect(
      c.apply([
        op('entitlement.grant', 'ann', { entitlement: 'eng' }),
        op('entitlement.grant', 'ann', { entitlement: 'admins' }),
      ]),
    );
    for (const x of r) expect(x.outcome, x.message).toBe('success');
    expect(memberNames(t, 'Engineering (all)')).toEqual(['ann']);
    expect((await readAll(c)).get('ann')?.entitlements).toEqual([
      'Somebody Else’s',
      'admins',
      'eng',
    ]);

    const mapped = await makeScimConnector(t, {
      groups: { eng: 'Engineering (all)', admins: { id: pinned } },
      read_groups: 'mapped',
    });
    expect((await readAll(mapped)).get('ann')?.entitlements).toEqual(['admins', 'eng']);
    const [unmapped] = await collect(
      mapped.apply([op('entitlement.grant', 'ann', { entitlement: 'other' })]),
    );
    expect(unmapped).toMatchObject({
      outcome: 'failure',
      message: 'entitlement "other" is not in settings.groups (read_groups: mapped)',
    });
    await c.close();
    await mapped.close();
    await boot.close();
  });

  it('create_groups: false fails the grant, naming the group; a missing account fails too', async () => {
    const t = server.tenant();
    const c = await makeScimConnector(t, { create_groups: false });
    await withUsers(t, c, ['ann']);
    const [noGroup, noAccount] = await collect(
      c.apply([
        op('entitlement.grant', 'ann', { entitlement: 'nowhere' }),
        op('entitlement.grant', 'zed', { entitlement: 'nowhere' }),
      ]),
    );
    expect(noGroup).toMatchObject({
      outcome: 'failure',
      message: 'no group "nowhere" (create_groups is off)',
    });
    expect(noAccount).toMatchObject({
      outcome: 'failure',
      message: 'account "zed" not found (no such userName)',
    });
    expect(t.groups.size).toBe(0);
    await c.close();
  });

  it('a member the server silently keeps (200, yet still in) fails alone, the others succeed', async () => {
    const t = server.tenant();
    const c = await makeScimConnector(t);
    await withUsers(t, c, ['ann', 'bob']);
    t.seedUser('weird', 'id-with-"-quote'); // SCIMMY misreads it inside a filter and removes nothing
    const grants = ['ann', 'bob', 'weird'].map((u) =>
      op('entitlement.grant', u, { entitlement: 'g' }),
    );
    for (const r of await collect(c.apply(grants))) expect(r.outcome, r.message).toBe('success');
    const revokes = ['ann', 'bob', 'weird'].map((u) =>
      op('entitlement.revoke', u, { entitlement: 'g' }),
    );
    const results = await collect(c.apply(revokes));
    expect(results.map((r) => r.outcome)).toEqual(['success', 'success', 'failure']);
    expect(results[2]?.message).toBe('the server accepted the PATCH but did not remove the member');
    expect(memberNames(t, 'g')).toEqual(['weird']);
    await c.close();
  });

  it('a refused group PATCH is retried member by member', async () => {
    const t = server.tenant();
    const c = await makeScimConnector(t);
    // 30 members whose ids make one PATCH larger than SCIMMY's 1 MB body limit (413).
    const names = Array.from({ length: 30 }, (_, i) => `big${i}`);
    for (const [i, n] of names.entries()) t.seedUser(n, `${i}-${'x'.repeat(36_000)}`);
    const results = await collect(
      c.apply(names.map((u) => op('entitlement.grant', u, { entitlement: 'g' }))),
    );
    for (const r of results) expect(r.outcome, r.message).toBe('success');
    const patches = t.log.filter((r) => r.method === 'PATCH').map((r) => r.status);
    expect(patches[0]).toBe(413);
    expect(patches.slice(1)).toEqual(names.map(() => 200));
    expect(memberNames(t, 'g')).toEqual([...names].sort());
    await c.close();
  });

  it('Entra-style member removal (path members + value list) is available as a quirk', async () => {
    const t = server.tenant();
    const c = await makeScimConnector(t, { quirks: { members_remove: 'value' } });
    await withUsers(t, c, ['ann', 'bob']);
    await collect(
      c.apply(['ann', 'bob'].map((u) => op('entitlement.grant', u, { entitlement: 'g' }))),
    );
    t.log.length = 0;
    const results = await collect(
      c.apply(['ann', 'bob'].map((u) => op('entitlement.revoke', u, { entitlement: 'g' }))),
    );
    for (const r of results) expect(r.outcome, r.message).toBe('success');
    expect(memberNames(t, 'g')).toEqual([]);
    const patch = t.log.filter((r) => r.method === 'PATCH');
    expect(patch).toHaveLength(1);
    await c.close();
  });
});
