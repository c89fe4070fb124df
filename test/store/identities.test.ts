/** Identities: upsert, effective-dated history, and the population as of any moment. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore, testDialects } from '../support/databases.js';
import { identity } from '../support/fixtures.js';

const T1 = '2026-01-01T00:00:00.000Z';
const T2 = '2026-02-01T00:00:00.000Z';
const T3 = '2026-03-01T00:00:00.000Z';

describe.each(testDialects())('identities (%s)', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(dialect);
  });
  afterAll(() => t.cleanup());

  it('saves, reads back and keeps effective-dated history', async () => {
    const s = t.store.identities;
    await s.save(
      [
        { identity: identity('E1'), events: ['joiner'] },
        { identity: identity('E2', { status: 'pre-hire' }), events: ['prehire'] },
      ],
      T1,
    );
    expect(await s.get('E1')).toEqual(identity('E1'));
    expect((await s.all()).map((i) => i.id)).toEqual(['E1', 'E2']);

    // E1 moves to Sales in February and leaves in March.
    const moved = identity('E1', { updated_at: T2 }, { department: 'Sales' });
    await s.save([{ identity: moved, events: ['mover'] }], T2);
    const left = identity(
      'E1',
      { status: 'terminated', updated_at: T3 },
      { department: 'Sales', status: 'terminated' },
    );
    await s.save([{ identity: left, events: ['leaver'] }], T3);

    expect(await s.get('E1')).toEqual(left);
    const history = await s.history('E1');
    expect(history.map((h) => [h.valid_from, h.valid_to, h.status, h.events])).toEqual([
      [T1, T2, 'active', ['joiner']],
      [T2, T3, 'active', ['mover']],
      [T3, null, 'terminated', ['leaver']],
    ]);
    expect(history[1]?.attributes.department).toBe('Sales');
  });

  it('answers asOf from history, at and between change points', async () => {
    const s = t.store.identities;
    expect(await s.asOf('2025-12-31T23:59:59.999Z')).toEqual([]);
    const jan = await s.asOf('2026-01-15T12:00:00Z');
    expect(jan.map((i) => [i.id, i.status, i.attributes.department])).toEqual([
      ['E1', 'active', 'Engineering'],
      ['E2', 'pre-hire', 'Engineering'],
    ]);
    // valid_from is inclusive, valid_to exclusive.
    const atT2 = await s.asOf(T2);
    expect(atT2.find((i) => i.id === 'E1')?.attributes.department).toBe('Sales');
    expect(atT2.find((i) => i.id === 'E1')?.updated_at).toBe(T2);
    const now = await s.asOf('2030-01-01T00:00:00.000Z');
    expect(now.find((i) => i.id === 'E1')?.status).toBe('terminated');
  });

  it('writes no history row when nothing changed and no event is given', async () => {
    const s = t.store.identities;
    const before = await s.history('E2');
    const e2 = identity('E2', { status: 'pre-hire', updated_at: T3 });
    await s.save([{ identity: e2, events: [] }], T3);
    expect(await s.history('E2')).toEqual(before);
    expect((await s.get('E2'))?.updated_at).toBe(T3);
  });

  it('records missing_from_source changes and rejects duplicates in one save', async () => {
    const s = t.store.identities;
    const flagged = identity('E2', { status: 'pre-hire', missing_from_source: true });
    await s.save([{ identity: flagged, events: [] }], '2026-03-02T00:00:00.000Z');
    expect((await s.history('E2')).length).toBe(2);
    expect((await s.get('E2'))?.missing_from_source).toBe(true);
    await expect(
      s.save(
        [
          { identity: identity('E9'), events: [] },
          { identity: identity('E9'), events: [] },
        ],
        T3,
      ),
    ).rejects.toMatchObject({ code: 'store.duplicate_identity' });
  });

  it('saves large batches in one call', async () => {
    const many = Array.from({ length: 1200 }, (_, i) => ({
      identity: identity(`B${String(i).padStart(4, '0')}`),
      events: ['joiner'],
    }));
    await t.store.identities.save(many, T1);
    await t.store.identities.save(
      many.map((c) => ({
        identity: { ...c.identity, status: 'leave' as const },
        events: ['leave_start'],
      })),
      T2,
    );
    const asOfJan = await t.store.identities.asOf('2026-01-10T00:00:00.000Z');
    expect(asOfJan.filter((i) => i.id.startsWith('B')).length).toBe(1200);
    const all = await t.store.identities.all();
    expect(all.filter((i) => i.id.startsWith('B') && i.status === 'leave').length).toBe(1200);
  });

  it('writes every row of a large save with its own values, batch after batch', async () => {
    // Batches of the same size reuse one compiled insert: each row must still get its values.
    const people = (dept: string) =>
      Array.from({ length: 1100 }, (_, i) => ({
        identity: identity(`V${String(i).padStart(4, '0')}`, {}, { department: `${dept}${i}` }),
        events: ['joiner'],
      }));
    await t.store.identities.save(people('D'), T1);
    await t.store.identities.save(people('M'), T2);
    const now = (await t.store.identities.all()).filter((i) => i.id.startsWith('V'));
    expect(now.map((i) => i.attributes.department)).toEqual(
      people('M').map((p) => p.identity.attributes.department),
    );
    const jan = (await t.store.identities.asOf(T1)).filter((i) => i.id.startsWith('V'));
    expect(jan.map((i) => [i.id, i.attributes.department])).toEqual(
      people('D').map((p) => [p.identity.id, p.identity.attributes.department]),
    );
  });

  it('rolls back a failed transaction', async () => {
    await expect(
      t.store.transaction(async (tx) => {
        await tx.identities.save([{ identity: identity('R1'), events: ['joiner'] }], T1);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await t.store.identities.get('R1')).toBeUndefined();
  });
});
