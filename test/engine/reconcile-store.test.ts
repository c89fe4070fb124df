/** store.reconciliations: replacing actual state effective-dated, and storing findings, on both dialects. */
import { afterEach, describe, expect, it } from 'vitest';
import type { ActualAccount } from '../../src/domain/types.js';
import { createTestStore, type TestStore, testDialects } from '../support/databases.js';

const account = (id: string, over: Partial<ActualAccount> = {}): ActualAccount => ({
  app_id: 'dir',
  account_id: id,
  identity_id: id.startsWith('E') ? id : null,
  attributes: { cn: id },
  container: null,
  enabled: true,
  entitlements: ['staff'],
  ...over,
});

const T1 = '2026-11-01T00:00:00.000Z';
const T2 = '2026-11-02T00:00:00.000Z';
const T3 = '2026-11-03T00:00:00.000Z';

describe.each(testDialects())('reconciliation store on %s', (dialect) => {
  let db: TestStore;
  afterEach(() => db?.cleanup());

  it('writes only the difference, effective-dated, and nothing when unchanged', async () => {
    db = await createTestStore(dialect);
    const s = db.store.reconciliations;
    const first = await s.replaceActual(
      'dir',
      [account('E1'), account('E2', { entitlements: ['staff', 'eng'] }), account('svc')],
      T1,
    );
    expect(first).toEqual({
      accounts_added: 3,
      accounts_updated: 0,
      accounts_removed: 0,
      access_opened: 7,
      access_closed: 0,
    });
    expect(
      await s.replaceActual(
        'dir',
        [account('E1'), account('E2', { entitlements: ['eng', 'staff'] }), account('svc')],
        T2,
      ),
    ).toEqual({
      accounts_added: 0,
      accounts_updated: 0,
      accounts_removed: 0,
      access_opened: 0,
      access_closed: 0,
    });

    const second = await s.replaceActual(
      'dir',
      [
        account('E1', { enabled: false, attributes: { cn: 'renamed' } }), // disabled in the target
        account('E2', { entitlements: ['staff'] }), // eng removed
        account('svc', { identity_id: 'E9' }), // now linked to someone
        // E3: a new account
        account('E3'),
      ],
      T3,
    );
    expect(second).toEqual({
      accounts_added: 1,
      accounts_updated: 2,
      accounts_removed: 0,
      access_opened: 4,
      access_closed: 4,
    });
    const now = await db.store.accounts.all('dir');
    expect(
      now.map((a) => [a.account_id, a.identity_id, a.enabled, a.entitlements, a.attributes.cn]),
    ).toEqual([
      ['E1', 'E1', false, ['staff'], 'renamed'],
      ['E2', 'E2', true, ['staff'], 'E2'],
      ['E3', 'E3', true, ['staff'], 'E3'],
      ['svc', 'E9', true, ['staff'], 'svc'],
    ]);
    // Who held what before and after: the link change is visible in history.
    const before = await db.store.accounts.accessAt(T2);
    expect(before.filter((r) => r.account_id === 'svc').map((r) => r.identity_id)).toEqual([
      null,
      null,
    ]);
    const after = await db.store.accounts.accessAt(T3, 'E9');
    expect(after.map((r) => [r.account_id, r.entitlement_id, r.valid_from])).toEqual([
      ['svc', null, T3],
      ['svc', 'staff', T3],
    ]);
    expect((await db.store.accounts.accessAt(T3, 'E1')).map((r) => r.entitlement_id)).toEqual([
      'staff',
    ]);

    // An account gone from the target is removed and its access closed.
    const gone = await s.replaceActual(
      'dir',
      [account('E2', { entitlements: ['staff'] })],
      '2026-11-04T00:00:00.000Z',
    );
    expect(gone).toMatchObject({ accounts_removed: 3, access_opened: 0 });
    expect((await db.store.accounts.all('dir')).map((a) => a.account_id)).toEqual(['E2']);
    expect(await db.store.accounts.accessAt('2026-11-04T00:00:00.000Z', 'E9')).toEqual([]);
    expect(await s.links('dir')).toEqual(new Map([['E2', 'E2']]));
  });

  it('spreads large replacements over several transactions with the same result', async () => {
    db = await createTestStore(dialect);
    const many = Array.from({ length: 6000 }, (_, i) =>
      account(`E${i}`, { entitlements: ['a', 'b'] }),
    );
    const progress: number[] = [];
    const r = await db.store.reconciliations.replaceActual('dir', many, T1, (done) =>
      progress.push(done),
    );
    expect(r).toMatchObject({ accounts_added: 6000, access_opened: 18000 });
    expect(progress.length).toBeGreaterThan(3); // ~5,000 rows per transaction
    expect(progress.at(-1)).toBe(6000);
    expect((await db.store.accounts.all('dir')).length).toBe(6000);
    const shrink = await db.store.reconciliations.replaceActual('dir', many.slice(0, 10), T2);
    expect(shrink).toMatchObject({ accounts_removed: 5990, access_closed: 5990 * 3 });
  });

  it('stores reconciliations and findings, and finds the latest successful one per application', async () => {
    db = await createTestStore(dialect);
    const s = db.store.reconciliations;
    const row = (app: string, status: 'done' | 'failed') => ({
      app_id: app,
      started_at: T1,
      finished_at: T2,
      status,
      actor: 'admin:x',
      summary: { orphan: 1 },
      error: status === 'failed' ? 'boom' : null,
    });
    const finding = {
      kind: 'orphan' as const,
      app_id: 'dir',
      account_id: 'svc',
      identity_id: null,
      entitlement_id: null,
      reason: 'no_identity',
      details: { enabled: true },
      is_new: true,
    };
    const a = await s.record(row('dir', 'done'), [finding]);
    const b = await s.record(row('crm', 'done'), []);
    const c = await s.record(row('dir', 'failed'), []);
    expect(await s.get(c)).toMatchObject({
      status: 'failed',
      error: 'boom',
      summary: { orphan: 1 },
    });
    expect((await s.latest()).map((r) => [r.app_id, r.id])).toEqual([
      ['crm', b],
      ['dir', a],
    ]);
    expect((await s.latest({ appId: 'dir', status: 'failed' })).map((r) => r.id)).toEqual([c]);
    expect(await s.findings(a)).toEqual([{ ...finding, reconciliation_id: a }]);
    expect(await s.findings(a, 'drift')).toEqual([]);
  });
});
