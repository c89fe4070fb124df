/** accounts.applyOperation for every operation kind, its idempotency, and accessAt. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation, OperationResult } from '../../src/domain/types.js';
import { createTestStore, type TestStore, testDialects } from '../support/databases.js';
import { operation } from '../support/fixtures.js';

const at = (day: number) => `2026-04-${String(day).padStart(2, '0')}T10:00:00.000Z`;
const ok = (op: Operation, extra: Partial<OperationResult> = {}): OperationResult => ({
  key: op.key,
  outcome: 'success',
  ...extra,
});

describe.each(testDialects())('accounts (%s)', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(dialect);
  });
  afterAll(() => t.cleanup());

  const apply = (op: Operation, day: number, extra: Partial<OperationResult> = {}) =>
    t.store.accounts.applyOperation(op, ok(op, extra), at(day));

  it('walks one account through every operation kind', async () => {
    const a = t.store.accounts;
    const create = operation('account.create', {
      attributes: { cn: 'Ada', mail: 'ada@example.com' },
      container: 'ou=eng',
    });
    // The target renamed the account on collision: result.account_id wins.
    await apply(create, 1, { account_id: 'ada2' });
    const base = { app_id: 'ldap', account_id: 'ada2' };
    expect(await a.all('ldap')).toEqual([
      {
        ...base,
        identity_id: 'E1',
        attributes: { cn: 'Ada', mail: 'ada@example.com' },
        container: 'ou=eng',
        enabled: true,
        entitlements: [],
      },
    ]);

    await apply(operation('entitlement.grant', { account_id: 'ada2', entitlement: 'devs' }), 2);
    await apply(operation('entitlement.grant', { account_id: 'ada2', entitlement: 'admins' }), 2);
    await apply(
      operation('account.update', { account_id: 'ada2', attributes: { cn: 'Ada L.' } }),
      3,
    );
    await apply(operation('account.move', { account_id: 'ada2', container: 'ou=sales' }), 3);
    await apply(operation('entitlement.revoke', { account_id: 'ada2', entitlement: 'admins' }), 4);
    let [acc] = await a.forIdentity('E1');
    expect(acc).toMatchObject({
      attributes: { cn: 'Ada L.' },
      container: 'ou=sales',
      enabled: true,
      entitlements: ['devs'],
    });

    await apply(operation('account.disable', { account_id: 'ada2' }), 5);
    [acc] = await a.forIdentity('E1');
    expect(acc).toMatchObject({ enabled: false, entitlements: ['devs'] });
    await apply(operation('account.enable', { account_id: 'ada2' }), 6);
    [acc] = await a.forIdentity('E1');
    expect(acc?.enabled).toBe(true);

    await apply(operation('account.delete', { account_id: 'ada2' }), 7);
    expect(await a.forIdentity('E1')).toEqual([]);

    // History: who held what, when.
    const held = (day: number, hour = 12) =>
      a
        .accessAt(
          `2026-04-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`,
          'E1',
        )
        .then((rows) => rows.map((r) => r.entitlement_id ?? '(account)'));
    expect(await held(1)).toEqual(['(account)']);
    expect(await held(2)).toEqual(['(account)', 'admins', 'devs']);
    expect(await held(4)).toEqual(['(account)', 'devs']);
    expect(await held(5)).toEqual(['devs']);
    expect(await held(6)).toEqual(['(account)', 'devs']);
    expect(await held(7)).toEqual([]);
    expect(await held(1, 9)).toEqual([]); // before creation
    const rows = await a.accessAt(at(6));
    expect(rows[0]).toEqual({
      app_id: 'ldap',
      account_id: 'ada2',
      identity_id: 'E1',
      entitlement_id: null,
      valid_from: at(6),
      valid_to: at(7),
    });
  });

  it('is idempotent: re-applying changes nothing', async () => {
    const a = t.store.accounts;
    const create = operation('account.create', {
      account_id: 'bob',
      identity_id: 'E2',
      attributes: { cn: 'Bob' },
    });
    const grant = operation('entitlement.grant', {
      account_id: 'bob',
      identity_id: 'E2',
      entitlement: 'devs',
    });
    for (let i = 0; i < 3; i++) {
      await apply(create, 10 + i);
      await apply(grant, 10 + i);
    }
    await apply(operation('account.disable', { account_id: 'bob', identity_id: 'E2' }), 14);
    await apply(operation('account.disable', { account_id: 'bob', identity_id: 'E2' }), 15);
    const history = await a.accessAt(at(13), 'E2');
    expect(history.map((r) => [r.entitlement_id, r.valid_from])).toEqual([
      [null, at(10)],
      ['devs', at(10)],
    ]);
    const closed = await t.query<{ valid_to: string | null }>(
      "SELECT valid_to FROM access_history WHERE account_id = 'bob' AND entitlement_id IS NULL",
    );
    expect(closed.map((r) => r.valid_to)).toEqual([at(14)]);
  });

  it('applies a manual task by its action, and ignores non-success outcomes', async () => {
    const task = operation('manual.task', {
      app_id: 'payroll',
      account_id: 'cy',
      identity_id: 'E3',
      task: { action: 'account.create', summary: 'Create Cy in payroll' },
      attributes: { name: 'Cy' },
    });
    await t.store.accounts.applyOperation(
      task,
      { key: task.key, outcome: 'pending_manual' },
      at(20),
    );
    expect(await t.store.accounts.all('payroll')).toEqual([]);
    await t.store.accounts.applyOperation(task, { key: task.key, outcome: 'failure' }, at(20));
    expect(await t.store.accounts.all('payroll')).toEqual([]);
    await apply(task, 21);
    expect(await t.store.accounts.all('payroll')).toMatchObject([
      { account_id: 'cy', identity_id: 'E3', enabled: true, attributes: { name: 'Cy' } },
    ]);
    const revokeTask = operation('manual.task', {
      app_id: 'payroll',
      account_id: 'cy',
      identity_id: 'E3',
      entitlement: 'approver',
      task: { action: 'entitlement.grant', summary: 'Grant approver' },
    });
    await apply(revokeTask, 22);
    expect((await t.store.accounts.all('payroll'))[0]?.entitlements).toEqual(['approver']);
    await expect(
      apply(operation('manual.task', { app_id: 'payroll', account_id: 'cy' }), 23),
    ).rejects.toMatchObject({ code: 'store.bad_operation' });
  });

  it('creates a pre-hire account disabled (op.enabled false), then enables it', async () => {
    const create = operation('account.create', {
      app_id: 'gh',
      account_id: 'pre',
      identity_id: 'E7',
      enabled: false,
    });
    await apply(create, 8);
    await apply(create, 9);
    expect(await t.store.accounts.all('gh')).toMatchObject([{ account_id: 'pre', enabled: false }]);
    expect(await t.store.accounts.accessAt(at(9), 'E7')).toEqual([]);
    await apply(
      operation('account.enable', { app_id: 'gh', account_id: 'pre', identity_id: 'E7' }),
      10,
    );
    expect((await t.store.accounts.accessAt(at(10), 'E7')).map((r) => r.valid_from)).toEqual([
      at(10),
    ]);
  });

  it('records accounts it had not seen (operation on an unreconciled account)', async () => {
    await apply(
      operation('entitlement.grant', {
        app_id: 'scim',
        account_id: 'dee',
        identity_id: 'E4',
        entitlement: 'users',
      }),
      24,
    );
    expect(await t.store.accounts.all('scim')).toMatchObject([
      { account_id: 'dee', enabled: true, entitlements: ['users'] },
    ]);
    await apply(
      operation('account.disable', { app_id: 'scim', account_id: 'eve', identity_id: 'E5' }),
      24,
    );
    expect((await t.store.accounts.all('scim')).find((x) => x.account_id === 'eve')?.enabled).toBe(
      false,
    );
    expect(await t.store.accounts.accessAt(at(25), 'E5')).toEqual([]);
  });

  it('an entitlement named like anything is just an entitlement', async () => {
    await apply(
      operation('entitlement.grant', {
        app_id: 'x',
        account_id: 'f',
        identity_id: 'E6',
        entitlement: 'all',
      }),
      26,
    );
    await apply(
      operation('entitlement.revoke', {
        app_id: 'x',
        account_id: 'f',
        identity_id: 'E6',
        entitlement: 'all',
      }),
      27,
    );
    const [acc] = await t.store.accounts.all('x');
    expect(acc).toMatchObject({ enabled: true, entitlements: [] });
  });
});
