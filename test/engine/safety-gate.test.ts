/** The safety gate holds a mass termination until an admin approves it; both audited. */
import { afterEach, describe, expect, it } from 'vitest';
import { applyRun, approveRun, fullRun } from '../../src/engine/runs/runs.js';
import { importSource } from '../../src/engine/sync/import-source.js';
import { testDialects } from '../support/databases.js';
import { org, SMALL_YAML } from '../support/small-org.js';
import { auditEvents, makeWorkspace, type TestWorkspace } from '../support/workspace.js';

const actor = 'admin:alice';

describe.each(testDialects())('safety gate on %s', (dialect) => {
  let t: TestWorkspace;
  afterEach(() => t?.cleanup());

  it('holds a run that would disable more than the threshold, and runs it on approval', async () => {
    t = await makeWorkspace(dialect, { yaml: SMALL_YAML(), demoFiles: false });
    const people = org(40);
    t.writeHr('people.csv', people);
    const first = await fullRun(t.ws, { actor, trigger: 'test' });
    expect(first.apply.status).toBe('done');

    // HR terminates 12 of 40 (30 %): far above 10 % and at least 5.
    const next = people.map((p, i) =>
      i < 12 ? { ...p, status: 'terminated' as const, end_date: '2026-11-20' } : p,
    );
    t.writeHr('people.csv', next);
    const held = await fullRun(t.ws, { actor, trigger: 'test' });
    expect(held.apply.status).toBe('held');
    expect(held.apply.held_reason).toMatch(/dir/);
    const runId = held.apply.run_id!;
    // Asking again while it waits returns the same held run instead of queueing a duplicate.
    const again = await applyRun(t.ws, { actor, trigger: 'test' });
    expect(again).toMatchObject({ status: 'held', run_id: runId });
    expect((await t.ws.store.runs.list(10)).filter((r) => r.status === 'held')).toHaveLength(1);
    expect((await t.ws.store.runs.get(runId))?.status).toBe('held');
    // Nothing was executed while held.
    const before = await t.ws.store.accounts.all('dir');
    expect(before.filter((a) => !a.enabled)).toEqual([]);

    // A held run can't be approved twice, nor can an unknown one.
    await expect(approveRun(t.ws, 'run_nope', actor)).rejects.toThrow(/no run/);
    const approved = await approveRun(t.ws, runId, 'admin:bob');
    expect(approved.execution.failure).toBe(0);
    await expect(approveRun(t.ws, runId, 'admin:bob')).rejects.toThrow(/not held/);
    const after = await t.ws.store.accounts.all('dir');
    expect(after.filter((a) => !a.enabled).length).toBe(12);

    const audit = await auditEvents(t.ws);
    const heldEvent = audit.find((e) => e.action === 'run.held');
    const approvedEvent = audit.find((e) => e.action === 'run.approved');
    expect(heldEvent).toMatchObject({ target: `run:${runId}`, outcome: 'pending_manual' });
    expect(approvedEvent).toMatchObject({
      actor: 'admin:bob',
      target: `run:${runId}`,
      outcome: 'success',
    });
    expect(approvedEvent!.seq).toBeGreaterThan(heldEvent!.seq);

    // The held run changed nothing before approval, so the leavers' never-done tasks are cancelled now.
    const cleanup = await applyRun(t.ws, { actor, trigger: 'test' });
    expect(cleanup.plan.ops).toEqual([]);
    expect(cleanup.plan.obsolete.length).toBe(24);
    expect((await applyRun(t.ws, { actor, trigger: 'test' })).status).toBe('nothing_to_do');
  });

  it('does not hold a handful of leavers below the minimum count', async () => {
    t = await makeWorkspace(dialect, { yaml: SMALL_YAML(), demoFiles: false });
    const people = org(20);
    t.writeHr('people.csv', people);
    await fullRun(t.ws, { actor, trigger: 'test' });
    // 4 of 20 is 20 % of the application but fewer than min_deprovision_count (5).
    t.writeHr(
      'people.csv',
      people.map((p, i) => (i < 4 ? { ...p, status: 'terminated' as const } : p)),
    );
    const r = await fullRun(t.ws, { actor, trigger: 'test' });
    expect(r.apply.status).toBe('done');
  });

  it('halts an import whose snapshot shrank past the threshold, changing no identity', async () => {
    t = await makeWorkspace(dialect, { yaml: SMALL_YAML(), demoFiles: false });
    const people = org(40);
    t.writeHr('people.csv', people);
    await importSource(t.ws);
    const before = await t.ws.store.identities.all();
    t.writeHr('people.csv', people.slice(0, 20)); // a truncated export
    await expect(importSource(t.ws)).rejects.toMatchObject({ code: 'hr.snapshot_drop' });
    const after = await t.ws.store.identities.all();
    expect(after).toEqual(before);
    const audit = await auditEvents(t.ws);
    expect(audit.at(-1)).toMatchObject({ action: 'hr.snapshot.halted', outcome: 'failure' });
  });

  it('flags people missing from a full snapshot and holds them, never silently terminating', async () => {
    t = await makeWorkspace(dialect, { yaml: SMALL_YAML(), demoFiles: false });
    const people = org(40);
    t.writeHr('people.csv', people);
    await fullRun(t.ws, { actor, trigger: 'test' });
    t.writeHr('people.csv', people.slice(0, 38)); // 2 missing: within the drop threshold
    const r = await fullRun(t.ws, { actor, trigger: 'test' });
    expect(r.imports[0]!.events.missing_from_source).toBe(2);
    const missing = (await t.ws.store.identities.all()).filter((i) => i.missing_from_source);
    expect(missing.map((i) => i.id).sort()).toEqual(['P039', 'P040']);
    expect(missing.every((i) => i.status === 'active')).toBe(true);
    expect(r.apply.plan.ops.filter((o) => o.identity_id === 'P039')).toEqual([]);
  });
});
