/** Store pieces the scheduler and webhooks lean on, on both dialects: the schedule CAS, the replay guard. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/create-store.js';
import { createTestStore, type TestStore, testDialects } from '../support/databases.js';

const AT = '2026-11-26T09:00:00.000Z';

describe.each(testDialects())('scheduler store on %s', (dialect) => {
  let db: TestStore;
  beforeAll(async () => {
    db = await createTestStore(dialect);
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it('moves next_run_at for exactly one of two racing leaders', async () => {
    const other = await createStore(db.url);
    try {
      // Separate stores are separate connections; SQLite's run in one process would deadlock on
      // its busy wait, so there the race is sequential (the second sees the first's write).
      const race = (store: typeof other, next: string) =>
        store.schedules.advance('tick', null, next, 1, AT);
      const results =
        dialect === 'postgres'
          ? await Promise.all([
              race(db.store, '2026-11-26T09:05:00.000Z'),
              race(other, '2026-11-26T09:06:00.000Z'),
            ])
          : [
              await race(db.store, '2026-11-26T09:05:00.000Z'),
              await race(db.store, '2026-11-26T09:06:00.000Z'),
            ];
      expect(results.filter(Boolean)).toHaveLength(1);
      const row = await db.store.schedules.get('tick');
      expect(row?.next_run_at).toBe(
        results[0] ? '2026-11-26T09:05:00.000Z' : '2026-11-26T09:06:00.000Z',
      );
      const expected = row!.next_run_at;
      expect(
        await db.store.schedules.advance('tick', expected, '2026-11-26T09:10:00.000Z', 2, AT),
      ).toBe(true);
      expect(
        await db.store.schedules.advance('tick', expected, '2026-11-26T09:11:00.000Z', 3, AT),
      ).toBe(false);
      // Rescheduling without a job keeps the record of the last firing.
      expect(
        await db.store.schedules.advance(
          'tick',
          '2026-11-26T09:10:00.000Z',
          '2026-11-26T09:07:00.000Z',
          null,
          AT,
        ),
      ).toBe(true);
      expect(await db.store.schedules.get('tick')).toMatchObject({
        next_run_at: '2026-11-26T09:07:00.000Z',
        last_job_id: 2,
      });
      await db.store.schedules.recordOutcome('tick', 2, 'done', '2026-11-26T09:01:00.000Z');
      expect(await db.store.schedules.get('tick')).toMatchObject({
        last_run_at: '2026-11-26T09:01:00.000Z',
        last_outcome: 'done',
      });
    } finally {
      await other.close();
    }
  });

  it('remembers a webhook key once per window, across connections', async () => {
    const other = await createStore(db.url);
    try {
      const exp = '2026-11-26T09:05:00.000Z';
      const first = await db.store.webhookReplays.remember('hr', 'sig:abc', exp, AT);
      const again = await other.webhookReplays.remember('hr', 'sig:abc', exp, AT);
      const elsewhere = await other.webhookReplays.remember('crm', 'sig:abc', exp, AT);
      expect([first, again, elsewhere]).toEqual([true, false, true]);
      // After its window the key no longer counts.
      expect(
        await db.store.webhookReplays.remember(
          'hr',
          'sig:abc',
          '2026-11-26T09:20:00.000Z',
          '2026-11-26T09:06:00.000Z',
        ),
      ).toBe(true);
      expect(await db.store.webhookReplays.purge('2026-11-26T09:10:00.000Z')).toBe(1); // crm's
    } finally {
      await other.close();
    }
  });
});
