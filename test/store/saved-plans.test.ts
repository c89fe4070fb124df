/** The saved plans table: a plan put is read back as stored, and only expired ones are dropped. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore, testDialects } from '../support/databases.js';

describe.each(testDialects())('saved plans (%s)', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(dialect);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const row = (id: string, expires_at: string) => ({
    id,
    created_at: '2026-12-02T09:00:00.000Z',
    expires_at,
    actor: 'token:operator',
    plan: { format: 'tenure.saved-plan', operations: [{ key: 'k1' }] },
  });

  it('reads a plan back as put; drops only those expired at the given instant', async () => {
    await t.store.savedPlans.put(row('plan_old', '2026-12-02T10:00:00.000Z'));
    await t.store.savedPlans.put(row('plan_new', '2026-12-02T10:00:01.000Z'));
    expect(await t.store.savedPlans.get('plan_new')).toEqual(
      row('plan_new', '2026-12-02T10:00:01.000Z'),
    );
    await t.store.savedPlans.deleteExpired('2026-12-02T10:00:00.000Z');
    expect(await t.store.savedPlans.get('plan_old')).toBeUndefined();
    expect(await t.store.savedPlans.get('plan_new')).toBeDefined();
  });
});
