/** Anonymous refusals: counted per (action, target, reason) and minute, never one row each. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/verify.js';
import type { AuditEvent, RefusalInput } from '../../src/store/types.js';
import { createTestStore, type TestStore, testDialects } from '../support/databases.js';

const at = (second: number) => new Date(Date.UTC(2026, 11, 2, 10, 0, second)).toISOString();

const refusal = (second: number, over: Partial<RefusalInput> = {}): RefusalInput => ({
  action: 'webhook.refused',
  trigger: 'hr:nope:webhook',
  target: 'source:nope',
  reason: 'webhook.unknown_source',
  details: { message: 'no webhook is configured for this source', remote: `10.0.0.${second % 7}` },
  ts: at(second),
  ...over,
});

describe.each(testDialects())('audit refusal buckets (%s)', (dialect) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await createTestStore(dialect);
  });
  afterEach(() => t.cleanup());

  const events = async () => {
    const out: AuditEvent[] = [];
    for await (const e of t.store.audit.iterate()) out.push(e);
    return out.map((e) => ({ ...e, details: JSON.parse(e.details) as Record<string, unknown> }));
  };
  const total = (es: { details: Record<string, unknown> }[]) =>
    es.reduce((n, e) => n + Number(e.details.count), 0);

  it('300 refusals in a minute make 2 rows whose counts add up to 300', async () => {
    const outcomes = [];
    for (let i = 0; i < 300; i++) outcomes.push(await t.store.audit.recordRefusal(refusal(i % 60)));
    expect(outcomes.filter((o) => o === 'appended')).toHaveLength(1);
    const first = await events();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      action: 'webhook.refused',
      actor: 'system',
      target: 'source:nope',
      outcome: 'failure',
      ts: at(0),
      details: { reason: 'webhook.unknown_source', count: 1, remote: '10.0.0.0' },
    });
    // The minute is not over: nothing more yet.
    expect(await t.store.audit.flushRefusals(at(59))).toBe(0);
    expect(await t.store.audit.flushRefusals(at(61))).toBe(1);
    const all = await events();
    expect(all).toHaveLength(2);
    expect(all[1]).toMatchObject({
      ts: at(61),
      details: {
        reason: 'webhook.unknown_source',
        count: 299,
        first_seen: at(0),
        last_seen: at(59),
        interval_seconds: 60,
        repeated: true,
      },
    });
    expect(total(all)).toBe(300);
    expect(await t.store.audit.flushRefusals(at(200))).toBe(0); // flushed once
    expect(await verifyAudit(t.store)).toMatchObject({ ok: true, events: 2 });
  });

  it('keys by target and reason; a new minute is a new bucket; concurrent counts are kept', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        t.store.audit.recordRefusal(
          refusal(i % 30, i % 2 ? { target: 'source:other', trigger: 'hr:other:webhook' } : {}),
        ),
      ),
    );
    await t.store.audit.recordRefusal(refusal(10, { reason: 'webhook.bad_signature' }));
    // A refusal in the next minute closes (flushes) the previous minute's buckets first.
    await t.store.audit.recordRefusal(refusal(70));
    const all = await events();
    const rows = all.map((e) => [e.target, e.details.reason, e.details.count]);
    // The two firsts raced each other: either order.
    expect(rows.slice(0, 2).sort()).toEqual([
      ['source:nope', 'webhook.unknown_source', 1],
      ['source:other', 'webhook.unknown_source', 1],
    ]);
    expect(rows.slice(2)).toEqual([
      ['source:nope', 'webhook.bad_signature', 1],
      ['source:nope', 'webhook.unknown_source', 19],
      ['source:other', 'webhook.unknown_source', 19],
      ['source:nope', 'webhook.unknown_source', 1],
    ]);
    expect(total(all)).toBe(42);
  });
});
