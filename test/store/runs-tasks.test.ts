/** Runs with their operations, manual tasks, snapshots/quarantine and grants. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/store/types.js';
import { createTestStore, type TestStore, testDialects } from '../support/databases.js';
import { operation } from '../support/fixtures.js';

const run = (id: string, over: Partial<RunRow> = {}): RunRow => ({
  id,
  created_at: '2026-05-01T08:00:00.000Z',
  finished_at: null,
  status: 'planned',
  trigger: 'cli:apply',
  actor: 'admin:alice',
  dry_run: false,
  held_reason: null,
  approved_by: null,
  summary: { operations: 2 },
  ...over,
});

describe.each(testDialects())('runs, tasks, snapshots, grants (%s)', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(dialect);
  });
  afterAll(() => t.cleanup());

  it('creates a run with ordered operations and updates them by key', async () => {
    const ops = [
      operation('account.create', { account_id: 'a' }),
      operation('entitlement.grant', { account_id: 'a', entitlement: 'devs' }),
    ];
    await t.store.runs.create(run('r1'), ops);
    await t.store.runs.create(
      run('r2', { created_at: '2026-05-02T08:00:00.000Z', dry_run: true }),
      [],
    );
    expect(await t.store.runs.get('r1')).toEqual(run('r1'));
    expect((await t.store.runs.list()).map((r) => r.id)).toEqual(['r2', 'r1']);
    expect((await t.store.runs.list(1)).map((r) => r.id)).toEqual(['r2']);
    expect((await t.store.runs.get('r2'))?.dry_run).toBe(true);

    await t.store.runs.setOperationStatus(
      'r1',
      ops[1]!.key,
      'failure',
      'LDAP 50',
      '2026-05-01T08:01:00Z',
    );
    const rows = await t.store.runs.operations('r1');
    expect(rows.map((o) => [o.seq, o.op.key, o.status, o.message, o.finished_at])).toEqual([
      [1, ops[0]!.key, 'queued', null, null],
      [2, ops[1]!.key, 'failure', 'LDAP 50', '2026-05-01T08:01:00.000Z'],
    ]);
    expect(rows[0]?.op).toEqual(ops[0]);

    await t.store.runs.update('r1', {
      status: 'done',
      finished_at: '2026-05-01T08:02:00.000Z',
      approved_by: 'admin:bob',
      summary: { success: 1, failure: 1 },
    });
    expect(await t.store.runs.get('r1')).toMatchObject({
      status: 'done',
      finished_at: '2026-05-01T08:02:00.000Z',
      approved_by: 'admin:bob',
      summary: { success: 1, failure: 1 },
      trigger: 'cli:apply',
    });
  });

  it('refuses unknown runs/keys and duplicate keys', async () => {
    await expect(t.store.runs.update('nope', { status: 'failed' })).rejects.toMatchObject({
      code: 'run.not_found',
    });
    await expect(
      t.store.runs.setOperationStatus('r1', 'nope', 'success', null, '2026-05-01T08:00:00Z'),
    ).rejects.toMatchObject({ code: 'store.operation_not_found' });
    const op = operation('account.create');
    await expect(t.store.runs.create(run('r3'), [op, op])).rejects.toMatchObject({
      code: 'store.duplicate_operation_key',
    });
    expect(await t.store.runs.get('r3')).toBeUndefined();
  });

  it('opens a task once per op key while open, and closes it with evidence', async () => {
    const op = operation('manual.task', {
      app_id: 'payroll',
      task: { action: 'account.disable', summary: 'Disable Ada in payroll' },
    });
    const first = await t.store.tasks.open('r1', op, '2026-05-03T09:00:00Z');
    const again = await t.store.tasks.open('r2', op, '2026-05-04T09:00:00Z');
    expect(again).toEqual(first);
    expect(first).toMatchObject({
      run_id: 'r1',
      app_id: 'payroll',
      identity_id: 'E1',
      summary: 'Disable Ada in payroll',
      status: 'open',
      created_at: '2026-05-03T09:00:00.000Z',
      closed_at: null,
      op,
    });
    expect(await t.store.tasks.list('open')).toHaveLength(1);

    const closed = await t.store.tasks.close(
      first.id,
      'operator:carol',
      'ticket INC-42',
      '2026-05-05T10:00:00Z',
    );
    expect(closed).toMatchObject({
      status: 'closed',
      closed_by: 'operator:carol',
      evidence: 'ticket INC-42',
      closed_at: '2026-05-05T10:00:00.000Z',
    });
    expect(await t.store.tasks.get(first.id)).toEqual(closed);
    await expect(
      t.store.tasks.close(first.id, 'x', 'y', '2026-05-05T10:00:00Z'),
    ).rejects.toMatchObject({
      code: 'task.already_closed',
    });
    await expect(
      t.store.tasks.close(99_999, 'x', 'y', '2026-05-05T10:00:00Z'),
    ).rejects.toMatchObject({
      code: 'task.not_found',
    });

    // Once closed, the same key may need doing again (e.g. a rehire): a new task opens.
    const reopened = await t.store.tasks.open('r2', op, '2026-06-01T09:00:00Z');
    expect(reopened.id).not.toBe(first.id);
    expect((await t.store.tasks.list('closed')).map((x) => x.id)).toEqual([first.id]);
    expect((await t.store.tasks.list()).map((x) => x.id)).toEqual([first.id, reopened.id]);
  });

  it('opening the same task concurrently yields one task', async () => {
    const op = operation('manual.task', {
      account_id: 'zed',
      task: { action: 'account.delete', summary: 'Delete zed' },
    });
    const opened = await Promise.all(
      Array.from({ length: 5 }, () => t.store.tasks.open('r1', op, '2026-05-06T09:00:00Z')),
    );
    expect(new Set(opened.map((x) => x.id)).size).toBe(1);
  });

  it('records snapshots and their quarantined rows', async () => {
    const base = {
      source_id: 'hr',
      row_count: 3,
      accepted: 2,
      rejected: 1,
      sha256: 'ab'.repeat(32),
    };
    const s1 = await t.store.snapshots.record({
      ...base,
      taken_at: '2026-05-01T00:00:00Z',
      status: 'imported',
    });
    const s2 = await t.store.snapshots.record({
      ...base,
      taken_at: '2026-05-02T00:00:00Z',
      status: 'halted',
    });
    expect(s2).toBeGreaterThan(s1);
    expect((await t.store.snapshots.last('hr'))?.id).toBe(s2);
    expect(await t.store.snapshots.last('hr', 'imported')).toEqual({
      ...base,
      id: s1,
      taken_at: '2026-05-01T00:00:00.000Z',
      status: 'imported',
    });
    expect(await t.store.snapshots.last('other')).toBeUndefined();
    const rows = [
      {
        snapshot_id: s1,
        source_id: 'hr',
        row_number: 7,
        employee_id: null,
        reason: 'missing employee_id',
        raw: ',Ada',
        severity: 'error' as const,
        code: null,
      },
      {
        snapshot_id: s1,
        source_id: 'hr',
        row_number: 3,
        employee_id: 'E3',
        reason: 'bad email',
        raw: 'E3,x,terminated',
        severity: 'critical' as const,
        code: 'hr.malformed_csv',
      },
    ];
    // Extra properties (as callers may pass) are ignored.
    await t.store.snapshots.quarantine(rows.map((r) => ({ ...r, row: r.row_number })));
    expect(await t.store.snapshots.quarantined(s1)).toEqual([rows[1], rows[0]]);
    expect(await t.store.snapshots.quarantined(s2)).toEqual([]);

    // Open quarantine: the latest full import of each source and the deltas after it.
    expect(await t.store.snapshots.openQuarantine()).toEqual([
      { ...rows[1], taken_at: '2026-05-01T00:00:00.000Z' },
      { ...rows[0], taken_at: '2026-05-01T00:00:00.000Z' },
    ]);
    const s3 = await t.store.snapshots.record({
      ...base,
      taken_at: '2026-05-03T00:00:00Z',
      status: 'imported',
    });
    const s4 = await t.store.snapshots.record({
      ...base,
      taken_at: '2026-05-04T00:00:00Z',
      status: 'delta',
    });
    const other = await t.store.snapshots.record({
      ...base,
      source_id: 'bob',
      taken_at: '2026-05-04T00:00:00Z',
      status: 'delta',
    });
    const q = (snapshot_id: number, source_id: string, row_number: number) => ({
      ...rows[0]!,
      snapshot_id,
      source_id,
      row_number,
    });
    await t.store.snapshots.quarantine([q(s4, 'hr', 1), q(s3, 'hr', 9), q(other, 'bob', 2)]);
    const open = await t.store.snapshots.openQuarantine();
    expect(open.map((r) => [r.snapshot_id, r.row_number])).toEqual([
      [s3, 9],
      [s4, 1],
      [other, 2],
    ]);
    const bob = await t.store.snapshots.openQuarantine({ sourceId: 'bob' });
    expect(bob.map((r) => r.source_id)).toEqual(['bob']);
    const old = await t.store.snapshots.openQuarantine({ snapshotId: s1 });
    expect(old.map((r) => r.row_number)).toEqual([3, 7]);
  });

  it('adds grants with generated ids', async () => {
    const g = await t.store.grants.add(
      {
        identity_id: 'E1',
        app_id: 'ldap',
        entitlement_id: 'admins',
        reason: 'exception:X-1',
        expires_at: '2026-12-31',
      },
      'admin:alice',
      '2026-05-01T00:00:00Z',
    );
    expect(g.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await t.store.grants.all()).toEqual([g]);
  });
});
