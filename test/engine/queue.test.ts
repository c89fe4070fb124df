/** The durable work queue on SQLite and PostgreSQL: exclusivity, expiry, retries, dedupe, release. */

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, type Queue } from '../../src/engine/queue/index.js';
import { createTestStore, type TestStore, testDialects } from '../support/databases.js';
import { testClock } from '../support/fixtures.js';

const WORKER = new URL('./queue-lease-worker.ts', import.meta.url).pathname;

/** One leasing process, connected and waiting for `go()`; `ids` resolves with the job ids it got. */
const startChild = async (args: string[]) => {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = once(child, 'exit') as Promise<[number | null]>;
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => out.includes('ready\n') && resolve());
    exited.then(([code]) => reject(new Error(`queue worker exited ${code} before ready\n${err}`)));
  });
  await ready;
  return {
    go: () => child.stdin.end('go\n'),
    ids: exited.then(([code]) => {
      if (code !== 0) throw new Error(`queue worker exited ${code}\n${err}`);
      return JSON.parse(out.trim().split('\n').at(-1)!) as number[];
    }),
  };
};

describe.each(testDialects())('work queue on %s', (dialect) => {
  let db: TestStore;
  const clock = testClock('2026-11-26T09:00:00.000Z');
  let q: Queue;
  let n = 0;
  /** A queue name per test: tests share one database. */
  const fresh = () => `t${++n}`;

  beforeAll(async () => {
    db = await createTestStore(dialect);
    q = createQueue({ store: db.store, clock, backoff: { baseMs: 1_000, maxMs: 60_000 } });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it('leases by priority, then age; holds back jobs not yet due', async () => {
    const name = fresh();
    const a = (await q.enqueue({ queue: name, kind: 'k', payload: { n: 1 } })).job;
    const b = (await q.enqueue({ queue: name, kind: 'k', priority: 10 })).job;
    await q.enqueue({ queue: name, kind: 'k', not_before: '2026-11-26T10:00:00.000Z' });
    const leased = await q.lease(name, 'w1', 10, 60_000);
    expect(leased.map((j) => j.id)).toEqual([b.id, a.id]);
    expect(leased[1]).toMatchObject({
      status: 'leased',
      lease_owner: 'w1',
      attempts: 1,
      payload: { n: 1 },
      lease_expires_at: '2026-11-26T09:01:00.000Z',
    });
    expect(await q.complete(leased[0]!, 'w1', { ok: true })).toBe(true);
    expect(await db.store.jobs.get(b.id)).toMatchObject({
      status: 'done',
      result: { ok: true },
      lease_owner: 'w1',
      finished_at: '2026-11-26T09:00:00.000Z',
    });
    expect(await q.queueDepth(name)).toBe(1);
  });

  it('never gives one job to two concurrent leasers (three processes)', async () => {
    const name = fresh();
    const total = 150;
    for (let i = 0; i < total; i++) await q.enqueue({ queue: name, kind: 'k', payload: { i } });
    // A start barrier: every child is connected before any leases, however slow each was to start.
    const children = await Promise.all(
      ['a', 'b', 'c'].map((owner) => startChild([db.url, name, owner, clock().toISOString()])),
    );
    for (const c of children) c.go();
    const got = await Promise.all(children.map((c) => c.ids));
    const all = got.flat();
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
    expect(got.filter((ids) => ids.length > 0).length).toBeGreaterThanOrEqual(2);
    const rows = await db.query<{ lease_owner: string; attempts: number }>(
      `select lease_owner, attempts from jobs where queue = '${name}'`,
    );
    expect(rows.every((r) => Number(r.attempts) === 1)).toBe(true);
  });

  it('serialises leasers sharing one store in one process', async () => {
    const name = fresh();
    for (let i = 0; i < 60; i++) await q.enqueue({ queue: name, kind: 'k' });
    const got = await Promise.all(
      ['x', 'y', 'z'].map(async (owner) => {
        const mine: number[] = [];
        for (;;) {
          const jobs = await q.lease(name, owner, 4, 60_000);
          if (jobs.length === 0) return mine;
          mine.push(...jobs.map((j) => j.id));
        }
      }),
    );
    expect(new Set(got.flat()).size).toBe(60);
    expect(got.flat()).toHaveLength(60);
  });

  it('puts an expired lease back; the late owner can no longer complete it', async () => {
    const name = fresh();
    const { job } = await q.enqueue({ queue: name, kind: 'k' });
    const [first] = await q.lease(name, 'dead', 1, 1_000);
    expect(first?.id).toBe(job.id);
    clock.advance(500);
    expect(await q.lease(name, 'w2', 1, 1_000)).toEqual([]);
    clock.advance(1_000);
    const [again] = await q.lease(name, 'w2', 1, 1_000);
    expect(again).toMatchObject({ id: job.id, lease_owner: 'w2', attempts: 2 });
    expect(again?.last_error).toMatch(/lease of dead expired/);
    expect(await q.complete(first!, 'dead', {})).toBe(false);
    expect(await q.complete(again!, 'w2', {})).toBe(true);
  });

  it('fails a job whose leases keep expiring once its attempts are spent', async () => {
    const name = fresh();
    const { job } = await q.enqueue({ queue: name, kind: 'k', max_attempts: 2 });
    for (let i = 0; i < 2; i++) {
      expect(await q.lease(name, 'crashy', 1, 1_000)).toHaveLength(1);
      clock.advance(2_000);
    }
    expect(await q.lease(name, 'w', 1, 1_000)).toEqual([]);
    const row = await db.store.jobs.get(job.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 2 });
    expect(row?.last_error).toMatch(/no attempts left/);
  });

  it('retries a failed job with backoff until max_attempts, then fails it', async () => {
    const name = fresh();
    const { job } = await q.enqueue({ queue: name, kind: 'k', max_attempts: 3 });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [leased] = await q.lease(name, 'w', 1, 60_000);
      expect(leased?.attempts).toBe(attempt);
      const status = await q.fail(leased!, 'w', `boom ${attempt}`);
      const row = (await db.store.jobs.get(job.id))!;
      if (attempt < 3) {
        expect(status).toBe('queued');
        const delay = Date.parse(row.not_before) - clock().getTime();
        delays.push(delay);
        expect(await q.lease(name, 'w', 1, 60_000)).toEqual([]); // not due yet
        clock.advance(delay);
      } else {
        expect(status).toBe('failed');
        expect(row).toMatchObject({ status: 'failed', last_error: 'boom 3', attempts: 3 });
      }
    }
    expect(delays).toEqual([1_000, 2_000]);
  });

  it('fails at once when retrying cannot help', async () => {
    const name = fresh();
    await q.enqueue({ queue: name, kind: 'k', max_attempts: 5 });
    const [leased] = await q.lease(name, 'w', 1, 60_000);
    expect(await q.fail(leased!, 'w', 'bad config', { permanent: true })).toBe('failed');
    expect(await q.fail(leased!, 'w', 'again')).toBeUndefined(); // no longer held
  });

  it('enqueues the same pending work once (dedupe key), again once it has started', async () => {
    const name = fresh();
    const a = await q.enqueue({ queue: name, kind: 'run', dedupe_key: 'identity:E1' });
    const b = await q.enqueue({ queue: name, kind: 'run', dedupe_key: 'identity:E1' });
    expect(a.deduped).toBe(false);
    expect(b).toMatchObject({ deduped: true, job: { id: a.job.id } });
    const other = await q.enqueue({ queue: fresh(), kind: 'run', dedupe_key: 'identity:E1' });
    expect(other.deduped).toBe(false); // another queue

    const [running] = await q.lease(name, 'w', 5, 1_000);
    // A change arriving while the run is under way needs a run of its own.
    const c = await q.enqueue({ queue: name, kind: 'run', dedupe_key: 'identity:E1' });
    expect(c.deduped).toBe(false);
    // The running one's lease expires while its twin waits: the twin does the work, once.
    clock.advance(2_000);
    const next = await q.lease(name, 'w2', 5, 1_000);
    expect(next.map((j) => j.id)).toEqual([c.job.id]);
    expect(await db.store.jobs.get(running!.id)).toMatchObject({
      status: 'done',
      result: { superseded_by: c.job.id },
    });
  });

  it('release gives a job back at once, without spending an attempt', async () => {
    const name = fresh();
    const { job } = await q.enqueue({ queue: name, kind: 'k' });
    const [leased] = await q.lease(name, 'stopping', 1, 60_000);
    expect(await q.release(leased!, 'stopping')).toBe(true);
    expect(await db.store.jobs.get(job.id)).toMatchObject({ status: 'queued', attempts: 0 });
    const [taken] = await q.lease(name, 'w2', 1, 60_000);
    expect(taken).toMatchObject({ id: job.id, attempts: 1, lease_owner: 'w2' });
    expect(await q.release(leased!, 'stopping')).toBe(false);
  });

  it('reports depth and the age of the oldest due job for metrics', async () => {
    const name = fresh();
    expect(await q.queueDepth(name)).toBe(0);
    expect(await q.oldestPendingAgeMs(name)).toBe(0);
    await q.enqueue({ queue: name, kind: 'k' });
    clock.advance(3_000);
    await q.enqueue({ queue: name, kind: 'k' });
    await q.enqueue({ queue: name, kind: 'k', not_before: '2030-01-01T00:00:00.000Z' });
    expect(await q.queueDepth(name)).toBe(3);
    expect(await q.oldestPendingAgeMs(name)).toBe(3_000);
    await q.lease(name, 'w', 1, 60_000);
    expect(await db.store.jobs.stats(name, clock().toISOString())).toMatchObject({
      queued: 2,
      leased: 1,
    });
  });

  it('purges finished jobs older than the retention', async () => {
    const name = fresh();
    await q.enqueue({ queue: name, kind: 'k' });
    const [j] = await q.lease(name, 'w', 1, 60_000);
    await q.complete(j!, 'w', {});
    clock.advance(1_000);
    expect(await db.store.jobs.purge(clock().toISOString())).toBeGreaterThanOrEqual(1);
    expect(await db.store.jobs.get(j!.id)).toBeUndefined();
  });
});
