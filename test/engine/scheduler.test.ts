/**
 * The scheduler on SQLite and PostgreSQL: one leader, schedules fire into the queue and their
 * outcome is recorded, scheduled leavers go at their local end of day, failures retry, stop()
 * releases what it cannot finish, and leadership moves when the leader goes.
 */
import pg from 'pg';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { TenureError } from '../../src/domain/errors.js';
import { fullRun } from '../../src/engine/runs/runs.js';
import { createScheduler, type Scheduler } from '../../src/engine/scheduler/index.js';
import { createLeaderElection } from '../../src/engine/scheduler/leader.js';
import { openWorkspace } from '../../src/engine/workspace.js';
import { waitFor } from '../http/webhook-support.js';
import { testDialects } from '../support/databases.js';
import { testClock } from '../support/fixtures.js';
import { org, person, SMALL_YAML } from '../support/small-org.js';
import { makeWorkspace, type TestWorkspace } from '../support/workspace.js';

const log = pino({ level: 'silent' });
const FAST = { tickMs: 50, pollMs: 50, leaseMs: 5_000, leaderTtlMs: 2_000, graceMs: 5_000 };
const schedules = (s: string) => `${SMALL_YAML()}schedules: { ${s} }\n`;
const ONLY_TICK =
  'import_and_run: { enabled: false }, reconcile: { enabled: false }, lifecycle_tick: { every: 1m }';

describe.each(testDialects())('scheduler on %s', (dialect) => {
  let tw: TestWorkspace | undefined;
  const started: Scheduler[] = [];
  const start = async (s: Scheduler) => {
    started.push(s);
    await s.start();
    return s;
  };
  afterEach(async () => {
    for (const s of started.splice(0)) await s.stop();
    await tw?.cleanup();
    tw = undefined;
  });

  it('fires a due schedule once into the queue and records its outcome', async () => {
    tw = await makeWorkspace(dialect, { yaml: schedules(ONLY_TICK), now: '2026-11-26T00:00:00Z' });
    tw.writeHr('people.csv', org(6));
    await fullRun(tw.ws, { actor: 'admin:setup', trigger: 'test' });
    const s = await start(createScheduler({ ws: tw.ws, owner: 'A', log, intervals: FAST }));
    expect(s.isLeader()).toBe(true);
    const st = await waitFor('the first tick', async () => {
      const row = (await s.status()).find((x) => x.name === 'lifecycle_tick')!;
      return row.last_outcome ? row : undefined;
    });
    expect(st).toMatchObject({
      every: '1m',
      enabled: true,
      next_run_at: '2026-11-26T00:01:00.000Z',
      last_outcome: 'nothing_to_do',
      leader: 'A',
    });
    // The clock stands still: no second firing however many ticks pass.
    await new Promise((r) => setTimeout(r, 300));
    const jobs = await tw.ws.store.jobs.list({ limit: 100 });
    expect(jobs.map((j) => [j.kind, j.status])).toEqual([['lifecycle_tick', 'done']]);
    expect(await s.metrics()).toMatchObject({ queue_depth: 0, leader: true, jobs_in_flight: 0 });
  });

  it('lets a scheduled leaver go at the end of their last local day', async () => {
    // Asia/Tokyo: 2026-11-26 ends at 2026-11-26T15:00:00Z.
    tw = await makeWorkspace(dialect, { yaml: schedules(ONLY_TICK), now: '2026-11-26T14:50:00Z' });
    tw.writeHr('people.csv', [...org(5), person(6, { end_date: '2026-11-26' })]);
    await fullRun(tw.ws, { actor: 'admin:setup', trigger: 'test' });
    expect((await tw.ws.store.identities.get('P006'))?.status).toBe('active');
    await start(createScheduler({ ws: tw.ws, owner: 'A', log, intervals: FAST }));
    await waitFor('the first tick', async () =>
      (await tw!.ws.store.schedules.get('lifecycle_tick'))?.last_outcome ? true : undefined,
    );
    expect((await tw.ws.store.identities.get('P006'))?.status).toBe('active');

    tw.setNow('2026-11-26T15:00:30Z'); // the next slot (14:51) is long past: one firing
    const st = await waitFor('the leaver run', async () => {
      const row = await tw!.ws.store.schedules.get('lifecycle_tick');
      return row?.last_outcome === 'done' ? row : undefined;
    });
    expect(st.next_run_at).toBe('2026-11-26T15:01:00.000Z'); // on the 14:50 + k·1m grid
    expect((await tw.ws.store.identities.get('P006'))?.status).toBe('terminated');
    const runs = await tw.ws.store.runs.list(10);
    expect(runs[0]).toMatchObject({
      trigger: 'schedule:lifecycle_tick',
      actor: 'system',
      status: 'done',
    });
    const ops = await tw.ws.store.runs.operations(runs[0]!.id);
    expect(new Set(ops.map((o) => o.op.identity_id))).toEqual(new Set(['P006']));
    expect(ops.some((o) => o.op.kind === 'account.disable')).toBe(true);
  });

  it('retries a failing job with backoff and records the failure on the schedule', async () => {
    tw = await makeWorkspace(dialect, { yaml: schedules(ONLY_TICK) });
    let calls = 0;
    const s = await start(
      createScheduler({
        ws: tw.ws,
        owner: 'A',
        log,
        intervals: FAST,
        handlers: {
          lifecycle_tick: async () => {
            calls++;
            if (calls === 1) throw new Error('connection reset');
            throw new TenureError('hr.unreadable_file', 'cannot read the HR file');
          },
        },
      }),
    );
    const first = await waitFor('a retry to be queued', async () => {
      const row = await tw!.ws.store.schedules.get('lifecycle_tick');
      return row?.last_outcome?.startsWith('retrying') ? row : undefined;
    });
    expect(first.last_outcome).toBe('retrying (error)');
    const [job] = await tw.ws.store.jobs.list();
    expect(job).toMatchObject({
      status: 'queued',
      attempts: 1,
      last_error: 'error: connection reset',
    });
    // Backoff: due 5 s later on the (frozen) test clock.
    expect(Date.parse(job!.not_before) - tw.ws.clock().getTime()).toBe(5_000);
    tw.setNow(new Date(tw.ws.clock().getTime() + 5_000).toISOString());
    s.poke();
    const failed = await waitFor('the permanent failure', async () => {
      const row = await tw!.ws.store.schedules.get('lifecycle_tick');
      return row?.last_outcome?.startsWith('failed') ? row : undefined;
    });
    expect(failed.last_outcome).toBe('failed (hr.unreadable_file)');
    expect(await tw.ws.store.jobs.get(job!.id)).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('retries a job that found the store full: it may pass once space is freed', async () => {
    tw = await makeWorkspace(dialect, { yaml: schedules(ONLY_TICK) });
    await start(
      createScheduler({
        ws: tw.ws,
        owner: 'A',
        log,
        intervals: FAST,
        handlers: {
          lifecycle_tick: async () => {
            throw new TenureError('store.disk_full', 'out of space');
          },
        },
      }),
    );
    const row = await waitFor('a retry to be queued', async () => {
      const r = await tw!.ws.store.schedules.get('lifecycle_tick');
      return r?.last_outcome ? r : undefined;
    });
    expect(row.last_outcome).toBe('retrying (store.disk_full)');
    const [job] = await tw.ws.store.jobs.list();
    expect(job).toMatchObject({ status: 'queued', attempts: 1 });
  });

  it('stop() releases a job still running after the grace period', async () => {
    tw = await makeWorkspace(dialect, { yaml: schedules(ONLY_TICK) });
    let release!: () => void;
    const blocked = new Promise<void>((r) => {
      release = r;
    });
    const s = createScheduler({
      ws: tw.ws,
      owner: 'A',
      log,
      intervals: { ...FAST, graceMs: 200 },
      handlers: {
        lifecycle_tick: async () => {
          await blocked;
          return { outcome: 'done', result: {} };
        },
      },
    });
    await s.start();
    await waitFor('the job to start', async () =>
      (await s.metrics()).jobs_in_flight === 1 ? true : undefined,
    );
    await s.stop();
    const [job] = await tw.ws.store.jobs.list();
    expect(job).toMatchObject({ status: 'queued', attempts: 0, lease_owner: null });
    expect(await tw.ws.store.leader.current('scheduler')).toBeUndefined();
    release();
  });

  it('has exactly one leader; both replicas work the queue', async () => {
    tw = await makeWorkspace(dialect, {
      yaml: schedules(
        'import_and_run: { enabled: false }, reconcile: { enabled: false }, lifecycle_tick: { enabled: false }',
      ),
    });
    const ran: Record<string, string[]> = { A: [], B: [] };
    const handler = (owner: string) => ({
      run_identity: async (_ws: unknown, job: { id: number }) => {
        ran[owner]!.push(String(job.id));
        await new Promise((r) => setTimeout(r, 20));
        return { outcome: 'done', result: {} };
      },
    });
    const a = await start(
      createScheduler({ ws: tw.ws, owner: 'A', log, intervals: FAST, handlers: handler('A') }),
    );
    const b = await start(
      createScheduler({ ws: tw.ws, owner: 'B', log, intervals: FAST, handlers: handler('B') }),
    );
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    expect((await b.status())[0]?.leader).toBe('A');
    for (let i = 0; i < 30; i++)
      await tw.ws.store.jobs.enqueue(
        { queue: 'runs', kind: 'run_identity', payload: { i } },
        tw.ws.clock().toISOString(),
      );
    a.poke();
    b.poke();
    await waitFor('all jobs done', async () =>
      (await tw!.ws.store.jobs.list({ status: 'done', limit: 100 })).length === 30
        ? true
        : undefined,
    );
    const all = [...ran.A!, ...ran.B!];
    expect(all).toHaveLength(30);
    expect(new Set(all).size).toBe(30);
    expect(ran.A!.length).toBeGreaterThan(0);
    expect(ran.B!.length).toBeGreaterThan(0);
  });

  it('moves leadership when the leader is gone', async () => {
    tw = await makeWorkspace(dialect, { yaml: SMALL_YAML() });
    const clock = testClock('2026-11-26T09:00:00.000Z');
    const mk = (owner: string) =>
      createLeaderElection({ store: tw!.ws.store, owner, clock, log, ttlMs: 2_000 });
    const a = mk('A');
    const b = mk('B');
    expect(await a.tick()).toBe(true);
    expect(await b.tick()).toBe(false);
    expect(await a.tick()).toBe(true); // heartbeat
    expect((await b.current())?.owner).toBe('A');
    if (dialect === 'sqlite') {
      clock.advance(2_500); // A stopped heartbeating: its lease ran out
      expect(await b.tick()).toBe(true);
      expect(await a.tick()).toBe(false);
    } else {
      // Kill A's dedicated connection, as a crashed host or a network cut would.
      const admin = new pg.Client({ connectionString: tw.db.url });
      await admin.connect();
      try {
        const r = await admin.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'tenure-leader:A'",
        );
        expect(r.rowCount).toBe(1);
      } finally {
        await admin.end();
      }
      await waitFor('B to take over', async () => ((await b.tick()) ? true : undefined), 5_000, 50);
      expect(await a.tick()).toBe(false);
    }
    expect((await a.current())?.owner).toBe('B');
    await a.resign();
    await b.resign();
    expect(await b.current()).toBeUndefined();
  });
});

describe('scheduler config', () => {
  it('refuses a bad duration with its path', async () => {
    const tw = await makeWorkspace('sqlite');
    try {
      const bad = `${SMALL_YAML()}schedules: { lifecycle_tick: { every: 5 minutes } }\n`;
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${tw.dir}/tenure.yaml`, bad);
      await expect(openWorkspace(tw.dir)).rejects.toThrow(
        /schedules\.lifecycle_tick\.every: must be a duration like "30s", "5m", "1h" or "1d"/,
      );
    } finally {
      await tw.cleanup();
    }
  });
});
