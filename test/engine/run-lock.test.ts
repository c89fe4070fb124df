/**
 * The run lock on both stores: one holder at a time (the store decides, atomically), a live
 * holder is named in `run.in_progress`, a dead one's run is closed `interrupted` by the next run,
 * which does the rest — and an admin's approval of the interrupted run still stands.
 */
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { TenureError } from '../../src/domain/errors.js';
import type { Operation } from '../../src/domain/types.js';
import { executeOperations } from '../../src/engine/runs/execute.js';
import { prepareRun } from '../../src/engine/runs/prepare-run.js';
import {
  closeDeadRunsAtStart,
  deadHolder,
  RUN_LOCK,
  withRunLock,
} from '../../src/engine/runs/run-lock.js';
import { applyRun, approveRun, fullRun, newRunId, previewRun } from '../../src/engine/runs/runs.js';
import { importSource } from '../../src/engine/sync/import-source.js';
import { openWorkspace, type Workspace } from '../../src/engine/workspace.js';
import { createStore } from '../../src/store/create-store.js';
import type { RunLockRow } from '../../src/store/run-lock-repo.js';
import { testDialects } from '../support/databases.js';
import { org, SMALL_YAML } from '../support/small-org.js';
import { auditEvents, makeWorkspace, type TestWorkspace } from '../support/workspace.js';

const actor = 'admin:alice';
const LONG_AGO = '2000-01-01T00:00:00.000Z';

/** The lock row a process on another host left when it died mid-run (its lease long expired). */
const deadLock = (runId?: string): RunLockRow => ({
  name: RUN_LOCK,
  owner: 'elsewhere:4242:x',
  holder: {
    pid: 4242,
    host: 'replica-that-died',
    command: 'cli:apply',
    actor,
    ...(runId && { run_id: runId }),
  },
  acquired_at: LONG_AGO,
  heartbeat_at: LONG_AGO,
  expires_at: LONG_AGO,
});

const inProgress = (e: unknown) => {
  expect(e).toBeInstanceOf(TenureError);
  expect((e as TenureError).code).toBe('run.in_progress');
  return (e as TenureError).message;
};

/**
 * What a process that died mid-apply leaves: the run `applying`, `done` of its operations
 * executed and recorded, the rest still queued, and its lock row.
 */
async function dieMidApply(ws: Workspace, opts: { done: (op: Operation) => boolean }) {
  const plan = await prepareRun(ws);
  const runId = newRunId(plan.now);
  await ws.store.runs.create(
    {
      id: runId,
      created_at: plan.now.toISOString(),
      finished_at: null,
      status: 'applying',
      trigger: 'cli:apply',
      actor,
      dry_run: false,
      held_reason: null,
      approved_by: null,
      summary: { operations: plan.ops.length },
    },
    plan.ops,
  );
  const done = plan.ops.filter(opts.done);
  await executeOperations(ws, done, { runId, sourceOf: () => 'hr' });
  await ws.store.runLock.insert(deadLock(runId));
  return { runId, plan, done };
}

describe('deadHolder', () => {
  const row = (over: Partial<RunLockRow['holder']>, expires = '2030-01-01T00:00:00.000Z') => ({
    holder: { pid: 1, host: 'h1', command: 'cli:run', actor, ...over },
    expires_at: expires,
  });
  const now = Date.parse('2029-12-31T23:59:00.000Z');
  const here = { host: 'h1', alive: (pid: number) => pid === 1 };

  it('is alive while the lease runs and its process exists', () => {
    expect(deadHolder(row({}), now, here)).toBeUndefined();
    // Another host's pid cannot be checked from here: only its lease counts.
    expect(deadHolder(row({ pid: 2, host: 'h2' }), now, here)).toBeUndefined();
  });

  it('is dead once the lease expired, or at once when its process on this host is gone', () => {
    expect(deadHolder(row({}, '2029-12-31T23:58:00.000Z'), now, here)).toMatch(/lease expired/);
    expect(deadHolder(row({ pid: 2 }), now, here)).toBe('process 2 on h1 is gone');
  });
});

describe.each(testDialects())('run lock on %s', (dialect) => {
  let t: TestWorkspace;
  let other: Workspace | undefined;
  afterEach(async () => {
    await other?.close();
    other = undefined;
    await t?.cleanup();
  });

  const setUp = async (people = 40) => {
    t = await makeWorkspace(dialect, { yaml: SMALL_YAML(), demoFiles: false });
    t.writeHr('people.csv', org(people));
    return t;
  };
  /** The same workspace opened a second time: another process or replica, its own connections. */
  const openAgain = async () => {
    other = await openWorkspace(t.dir, {
      clock: t.ws.clock,
      env: { ...process.env, TENURE_DATABASE_URL: t.db.url },
    });
    return other;
  };

  it('of two racing for the free lock, exactly one gets it; a take-over is a compare-and-swap', async () => {
    await setUp();
    const second = await createStore(t.db.url);
    try {
      const mine = (owner: string): RunLockRow => ({ ...deadLock(), owner });
      const inserted = await Promise.all([
        t.ws.store.runLock.insert(mine('a')),
        second.runLock.insert(mine('b')),
      ]);
      expect(inserted.filter(Boolean)).toHaveLength(1);
      const winner = (await t.ws.store.runLock.get(RUN_LOCK))!.owner;
      const taken = await Promise.all([
        t.ws.store.runLock.takeOver(mine('c'), winner),
        second.runLock.takeOver(mine('d'), winner),
      ]);
      expect(taken.filter(Boolean)).toHaveLength(1);
      expect(['c', 'd']).toContain((await second.runLock.get(RUN_LOCK))!.owner);
    } finally {
      await second.close();
    }
  });

  it('a run while another process holds the lock fails run.in_progress naming it, changing nothing', async () => {
    await setUp();
    const replica = await openAgain();
    let release!: () => void;
    const holding = new Promise<void>((r) => {
      release = r;
    });
    let entered!: () => void;
    const inside = new Promise<void>((r) => {
      entered = r;
    });
    const holder = withRunLock(
      replica,
      { command: 'schedule:import_and_run', actor: 'system' },
      async (lock) => {
        await lock.setRun('run_of_the_holder');
        entered();
        await holding;
      },
    );
    await inside;

    const message = inProgress(await fullRun(t.ws, { actor, trigger: 'cli:run' }).catch((e) => e));
    expect(message).toContain(
      `run run_of_the_holder, schedule:import_and_run by system, pid ${process.pid} on ${hostname()}`,
    );
    inProgress(await applyRun(t.ws, { actor, trigger: 'cli:apply' }).catch((e) => e));
    inProgress(await approveRun(t.ws, 'run_x', actor).catch((e) => e));
    expect(await t.ws.store.runs.list()).toEqual([]);
    expect(await t.ws.store.identities.all()).toEqual([]);
    // A dry run only reads: it needs no lock.
    expect((await applyRun(t.ws, { actor, trigger: 'cli:apply', dryRun: true })).status).toBe(
      'dry_run',
    );

    release();
    await holder;
    expect(await t.ws.store.runLock.get(RUN_LOCK)).toBeUndefined();
    expect((await fullRun(t.ws, { actor, trigger: 'cli:run' })).apply.status).toBe('done');
    expect(await t.ws.store.runLock.get(RUN_LOCK)).toBeUndefined();
  });

  it('the next run closes a dead run interrupted, cancels what it never did, and does the rest', async () => {
    await setUp();
    await importSource(t.ws, { sourceId: 'hr' });
    // Everything for the first half of the people was done, nothing for the others.
    const firstHalf = new Set(org(20).map((p) => p.employee_id));
    const { runId, plan, done } = await dieMidApply(t.ws, {
      done: (op) => firstHalf.has(op.identity_id ?? ''),
    });
    const accountsBefore = await t.ws.store.accounts.all();

    t.setNow('2026-11-26T10:00:00Z');
    const next = await applyRun(t.ws, { actor, trigger: 'cli:apply' });
    expect(next.status).toBe('done');
    // The new plan is exactly what the dead run never did.
    const doneKeys = new Set(done.map((o) => o.key));
    const left = plan.ops.filter((o) => !doneKeys.has(o.key)).map((o) => o.key);
    expect(next.plan.ops.map((o) => o.key).sort()).toEqual(left.sort());
    expect(next.execution!.failure).toBe(0);

    const dead = (await t.ws.store.runs.get(runId))!;
    expect(dead).toMatchObject({ status: 'interrupted', finished_at: '2026-11-26T10:00:00.000Z' });
    const ops = await t.ws.store.runs.operations(runId);
    const cancelled = ops.filter((o) => o.status === 'cancelled');
    expect(cancelled.map((o) => o.op.key).sort()).toEqual(left.sort());
    expect(ops.filter((o) => o.status === 'queued')).toEqual([]);
    expect(cancelled[0]!.message).toMatch(/^not attempted: run interrupted/);
    // Cancelled operations were never applied: the recorded state was that of the done half.
    expect(accountsBefore.length).toBeLessThan((await t.ws.store.accounts.all()).length);

    const audit = await auditEvents(t.ws);
    const closed = audit.filter((e) => e.action === 'run.interrupted');
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({
      actor: 'system',
      trigger: 'cli:apply',
      target: `run:${runId}`,
      outcome: 'failure',
    });
    expect(JSON.parse(closed[0]!.details)).toMatchObject({
      cancelled: left.length,
      reason: expect.stringContaining('its lease expired'),
      holder: { pid: 4242, host: 'replica-that-died', run_id: runId },
    });
    // The interrupted run is closed before the next one starts, in the trail too.
    const order = audit.map((e) => e.action).filter((a) => a.startsWith('run.'));
    expect(order).toEqual(['run.interrupted', 'run.started', 'run.completed']);
    expect(await t.ws.store.runLock.get(RUN_LOCK)).toBeUndefined();
  });

  it('serve closes a dead run at start, before any scheduled run', async () => {
    await setUp();
    await importSource(t.ws, { sourceId: 'hr' });
    const { runId } = await dieMidApply(t.ws, { done: () => false });
    await closeDeadRunsAtStart(t.ws, 'serve:start');
    expect((await t.ws.store.runs.get(runId))!.status).toBe('interrupted');
    expect(await t.ws.store.runLock.get(RUN_LOCK)).toBeUndefined();
    const audit = await auditEvents(t.ws);
    expect(audit.filter((e) => e.action === 'run.interrupted')).toHaveLength(1);
    // With a live holder (another replica mid-run) it leaves everything alone.
    const { runId: other } = await dieMidApply(t.ws, { done: () => false });
    await t.ws.store.runLock.release(RUN_LOCK, deadLock().owner);
    await t.ws.store.runLock.insert({ ...deadLock(other), expires_at: '2999-01-01T00:00:00.000Z' });
    await closeDeadRunsAtStart(t.ws, 'serve:start');
    expect((await t.ws.store.runs.get(other))!.status).toBe('applying');
  });

  it('an approved run interrupted mid-apply: the re-plan is not held again, and the leavers go', async () => {
    await setUp();
    const people = org(40);
    expect((await fullRun(t.ws, { actor, trigger: 'test' })).apply.status).toBe('done');
    // HR terminates 12 of 40 (30 %): held; an admin approves it.
    t.writeHr(
      'people.csv',
      people.map((p, i) =>
        i < 12 ? { ...p, status: 'terminated' as const, end_date: '2026-11-20' } : p,
      ),
    );
    t.setNow('2026-11-26T10:00:00Z');
    const held = await fullRun(t.ws, { actor, trigger: 'test' });
    expect(held.apply.status).toBe('held');
    const heldId = held.apply.run_id!;
    // Approved, then the process dies after the first 6 leavers' changes.
    const first = new Set(people.slice(0, 6).map((p) => p.employee_id));
    const heldOps = (await t.ws.store.runs.operations(heldId)).map((o) => o.op);
    await t.ws.store.runs.update(heldId, { approved_by: 'admin:bob', status: 'applying' });
    await executeOperations(
      t.ws,
      heldOps.filter((o) => first.has(o.identity_id ?? '')),
      { runId: heldId, sourceOf: () => 'hr' },
    );
    await t.ws.store.runLock.insert(deadLock(heldId));
    // Judged afresh, the 6 left (of 34 enabled accounts now, 17.6 %) would be held again.
    expect((await prepareRun(t.ws)).gate.held).toBe(true);
    // Whoever takes the lock next closes it; from then on `plan` shows what apply will do.
    await withRunLock(t.ws, { command: 'cli:plan', actor }, async () => {});
    expect((await t.ws.store.runs.get(heldId))!.status).toBe('interrupted');
    expect((await previewRun(t.ws)).gate.held).toBe(false);

    t.setNow('2026-11-26T11:00:00Z');
    const next = await applyRun(t.ws, { actor: 'system', trigger: 'schedule:lifecycle_tick' });
    expect(next.status, next.held_reason).toBe('done');
    expect(next.plan.gate.byApp.find((a) => a.app_id === 'dir')).toMatchObject({
      deprovisions: 6,
      preapproved: 6,
    });
    const dir = await t.ws.store.accounts.all('dir');
    expect(dir.filter((a) => !a.enabled)).toHaveLength(12);
    expect((await t.ws.store.runs.get(heldId))!.status).toBe('interrupted');
    expect(await t.ws.store.runs.get(next.run_id!)).toMatchObject({
      status: 'done',
      approved_by: 'admin:bob',
      summary: expect.objectContaining({ approval_from: [heldId] }),
    });
    const started = (await auditEvents(t.ws)).find(
      (e) => e.action === 'run.started' && e.target === `run:${next.run_id}`,
    );
    expect(JSON.parse(started!.details)).toMatchObject({
      approved_by: 'admin:bob',
      approval_from: [heldId],
    });

    // Once a run completed, the approval is spent: a new mass termination is held again.
    t.writeHr(
      'people.csv',
      people.map((p, i) =>
        i < 24 ? { ...p, status: 'terminated' as const, end_date: '2026-11-20' } : p,
      ),
    );
    t.setNow('2026-11-26T12:00:00Z');
    expect((await fullRun(t.ws, { actor, trigger: 'test' })).apply.status).toBe('held');
  });
});
