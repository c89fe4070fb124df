/**
 * `serve`'s scheduler and a CLI run on one workspace: the scheduled run that finds the run lock
 * taken waits for it and then runs; one still refused after its wait is retried, never failed.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { TenureError } from '../../src/domain/errors.js';
import { withRunLock } from '../../src/engine/runs/run-lock.js';
import { fullRun } from '../../src/engine/runs/runs.js';
import { createScheduler, type Scheduler } from '../../src/engine/scheduler/index.js';
import { waitFor } from '../http/webhook-support.js';
import { testDialects } from '../support/databases.js';
import { org, person, SMALL_YAML } from '../support/small-org.js';
import { makeWorkspace, type TestWorkspace } from '../support/workspace.js';

const log = pino({ level: 'silent' });
const FAST = { tickMs: 50, pollMs: 50, leaseMs: 5_000, leaderTtlMs: 2_000, graceMs: 5_000 };
const YAML = `${SMALL_YAML()}schedules: { import_and_run: { enabled: false }, reconcile: { enabled: false }, lifecycle_tick: { every: 1m } }\n`;

describe.each(testDialects())('scheduler and the run lock on %s', (dialect) => {
  let tw: TestWorkspace | undefined;
  let s: Scheduler | undefined;
  afterEach(async () => {
    await s?.stop();
    await tw?.cleanup();
    tw = s = undefined;
  });

  const setUp = async () => {
    tw = await makeWorkspace(dialect, { yaml: YAML, now: '2026-11-26T14:50:00Z' });
    tw.writeHr('people.csv', [...org(5), person(6, { end_date: '2026-11-26' })]);
    await fullRun(tw.ws, { actor: 'admin:setup', trigger: 'test' });
    tw.setNow('2026-11-26T15:00:30Z'); // P006's last day is over: the tick has a leaver to run
    return tw;
  };

  it('a scheduled run waits for a run in progress elsewhere, then runs (one attempt)', async () => {
    const tw = await setUp();
    let release!: () => void;
    const holding = withRunLock(tw.ws, { command: 'cli:run', actor: 'admin:alice' }, () => {
      return new Promise<void>((r) => {
        release = r;
      });
    });
    s = createScheduler({ ws: tw.ws, owner: 'A', log, intervals: FAST });
    await s.start();
    const job = await waitFor('the tick job to start', async () =>
      (await tw.ws.store.jobs.list()).find((j) => j.status === 'leased'),
    );
    // It waits on the lock: nothing happened to the leaver yet.
    expect((await tw.ws.store.identities.get('P006'))?.status).toBe('active');
    release();
    await holding;
    await waitFor('the leaver run', async () =>
      (await tw.ws.store.schedules.get('lifecycle_tick'))?.last_outcome === 'done'
        ? true
        : undefined,
    );
    expect(await tw.ws.store.jobs.get(job.id)).toMatchObject({ status: 'done', attempts: 1 });
    expect((await tw.ws.store.identities.get('P006'))?.status).toBe('terminated');
  });

  it('a job still meeting run.in_progress after its wait is retried with backoff, not failed', async () => {
    const tw = await setUp();
    s = createScheduler({
      ws: tw.ws,
      owner: 'A',
      log,
      intervals: FAST,
      handlers: {
        lifecycle_tick: async () => {
          throw new TenureError('run.in_progress', 'another run is in progress (…)');
        },
      },
    });
    await s.start();
    const retrying = await waitFor('the retry', async () => {
      const row = await tw.ws.store.schedules.get('lifecycle_tick');
      return row?.last_outcome?.startsWith('retrying') ? row : undefined;
    });
    expect(retrying.last_outcome).toBe('retrying (run.in_progress)');
    const [job] = await tw.ws.store.jobs.list();
    expect(job).toMatchObject({ status: 'queued', attempts: 1 });
  });
});
