/** Manual applications: tasks are opened once, closed with evidence, and only then change actual state. */
import { afterEach, describe, expect, it } from 'vitest';
import { prepareRun } from '../../src/engine/runs/prepare-run.js';
import { applyRun, fullRun } from '../../src/engine/runs/runs.js';
import { closeTasks, openTaskIdsFor } from '../../src/engine/tasks/close-tasks.js';
import { withHolderNames } from '../../src/engine/tasks/task-holders.js';
import { closeTask } from '../../src/engine/tasks/tasks.js';
import { testDialects } from '../support/databases.js';
import { org, SMALL_YAML } from '../support/small-org.js';
import { auditEvents, makeWorkspace, type TestWorkspace } from '../support/workspace.js';

describe.each(testDialects())('manual tasks on %s', (dialect) => {
  let t: TestWorkspace;
  afterEach(() => t?.cleanup());

  it('opens one task per operation, never twice, and applies it when closed', async () => {
    t = await makeWorkspace(dialect, { yaml: SMALL_YAML(), demoFiles: false });
    t.writeHr('people.csv', org(3));
    const r = await fullRun(t.ws, { actor: 'admin:a', trigger: 'test' });
    expect(r.apply.execution?.pending_manual).toBe(6); // create + grant for 3 people
    const open = await t.ws.store.tasks.list('open');
    expect(open).toHaveLength(6);

    // Planning again does not duplicate waiting work.
    const again = await prepareRun(t.ws);
    expect(again.ops).toEqual([]);
    expect(again.awaiting).toHaveLength(6);
    expect((await applyRun(t.ws, { actor: 'admin:a', trigger: 'test' })).status).toBe(
      'nothing_to_do',
    );

    const create = open.find(
      (x) => x.op.task?.action === 'account.create' && x.identity_id === 'P001',
    )!;
    await expect(closeTask(t.ws, create.id, 'admin:ops', '   ')).rejects.toMatchObject({
      code: 'task.evidence_required',
    });
    const closed = await closeTask(
      t.ws,
      create.id,
      'admin:ops',
      'created in legacy console, ticket OPS-7',
    );
    expect(closed).toMatchObject({
      status: 'closed',
      closed_by: 'admin:ops',
      evidence: 'created in legacy console, ticket OPS-7',
    });
    await expect(closeTask(t.ws, create.id, 'admin:ops', 'again')).rejects.toMatchObject({
      code: 'task.already_closed',
    });
    const legacy = (await t.ws.store.accounts.forIdentity('P001')).find(
      (a) => a.app_id === 'legacy',
    );
    expect(legacy?.enabled).toBe(true);

    const audit = await auditEvents(t.ws);
    expect(audit.find((e) => e.action === 'manual.task.closed')).toMatchObject({
      actor: 'admin:ops',
      outcome: 'success',
      trigger: `task:${create.id}`,
    });
    const ops = await t.ws.store.runs.operations(r.apply.run_id!);
    expect(ops.find((o) => o.op.key === create.op.key)?.status).toBe('success');
  });

  it('cancels open tasks that are no longer wanted, e.g. a joiner who left before the work was done', async () => {
    t = await makeWorkspace(dialect, { yaml: SMALL_YAML(), demoFiles: false });
    const people = org(10);
    t.writeHr('people.csv', people);
    await fullRun(t.ws, { actor: 'admin:a', trigger: 'test' });
    const p1Tasks = (await t.ws.store.tasks.list('open')).filter((x) => x.identity_id === 'P001');
    expect(p1Tasks).toHaveLength(2);
    t.writeHr(
      'people.csv',
      people.map((p) => (p.employee_id === 'P001' ? { ...p, status: 'terminated' as const } : p)),
    );
    const r = await fullRun(t.ws, { actor: 'admin:a', trigger: 'test' });
    expect(r.apply.plan.obsolete.map((x) => x.id).sort()).toEqual(p1Tasks.map((x) => x.id).sort());
    for (const task of p1Tasks) {
      expect(await t.ws.store.tasks.get(task.id)).toMatchObject({
        status: 'cancelled',
        closed_by: 'system',
      });
    }
    await expect(closeTask(t.ws, p1Tasks[0]!.id, 'admin:ops', 'late')).rejects.toMatchObject({
      code: 'task.already_closed',
    });
    const audit = await auditEvents(t.ws);
    expect(audit.filter((e) => e.action === 'manual.task.cancelled')).toHaveLength(2);
    expect((await applyRun(t.ws, { actor: 'admin:a', trigger: 'test' })).status).toBe(
      'nothing_to_do',
    );
  });

  it("gives each task the application's configured assignee and instructions, keeping them in the run's record", async () => {
    const yaml = SMALL_YAML().replace(
      '    connector: manual\n',
      '    connector: manual\n    owner: it-ops\n    settings: { assignee: legacy-admins, instructions: "Use https://legacy.example/admin" }\n',
    );
    t = await makeWorkspace(dialect, { yaml, demoFiles: false });
    t.writeHr('people.csv', org(2));
    const r = await fullRun(t.ws, { actor: 'admin:a', trigger: 'test' });
    const open = await t.ws.store.tasks.list('open');
    expect(open).toHaveLength(4);
    for (const task of open) {
      // Configured values win over the application's owner.
      expect(task).toMatchObject({
        assignee: 'legacy-admins',
        instructions: 'Use https://legacy.example/admin',
      });
      expect(await t.ws.store.tasks.get(task.id)).toMatchObject({ assignee: 'legacy-admins' });
    }
    const ops = await t.ws.store.runs.operations(r.apply.run_id!);
    const recorded = ops.find((o) => o.op.key === open[0]!.op.key)!;
    expect(recorded.message).toBe(
      `task #${open[0]!.id}: ${open[0]!.summary} (assignee: legacy-admins; Use https://legacy.example/admin)`,
    );
  });

  it("falls back to the application's owner for the assignee, and to none", async () => {
    const owned = SMALL_YAML().replace(
      '    connector: manual\n',
      '    connector: manual\n    owner: it-ops\n',
    );
    t = await makeWorkspace(dialect, { yaml: owned, demoFiles: false });
    t.writeHr('people.csv', org(1));
    await fullRun(t.ws, { actor: 'admin:a', trigger: 'test' });
    for (const task of await t.ws.store.tasks.list('open'))
      expect(task).toMatchObject({ assignee: 'it-ops', instructions: null });
    await t.cleanup();

    t = await makeWorkspace(dialect, { yaml: SMALL_YAML(), demoFiles: false });
    t.writeHr('people.csv', org(1));
    await fullRun(t.ws, { actor: 'admin:a', trigger: 'test' });
    for (const task of await t.ws.store.tasks.list('open'))
      expect(task).toMatchObject({ assignee: null, instructions: null });
  });

  it('closes several tasks with one evidence, each audited, reporting per id those it could not close', async () => {
    t = await makeWorkspace(dialect, { yaml: SMALL_YAML(), demoFiles: false });
    t.writeHr('people.csv', org(3));
    await fullRun(t.ws, { actor: 'admin:a', trigger: 'test' });
    const open = await t.ws.store.tasks.list('open');
    const [a, b, c] = open;
    await closeTask(t.ws, c!.id, 'admin:ops', 'earlier');

    await expect(closeTasks(t.ws, [a!.id, b!.id], 'admin:ops', '  ')).rejects.toMatchObject({
      code: 'task.evidence_required',
    });
    expect(await t.ws.store.tasks.list('open')).toHaveLength(open.length - 1);

    const out = await closeTasks(t.ws, [a!.id, 9999, b!.id, c!.id, a!.id], 'admin:ops', 'OPS-9');
    expect(out.closed.map((x) => [x.id, x.status, x.evidence])).toEqual([
      [a!.id, 'closed', 'OPS-9'],
      [b!.id, 'closed', 'OPS-9'],
    ]);
    expect(out.failed).toEqual([
      { id: 9999, code: 'task.not_found', message: 'no task #9999' },
      {
        id: c!.id,
        code: 'task.already_closed',
        message: expect.stringContaining(`task #${c!.id} was closed by admin:ops`),
      },
    ]);
    const closedEvents = (await auditEvents(t.ws)).filter((e) => e.action === 'manual.task.closed');
    expect(closedEvents.map((e) => e.trigger)).toEqual([
      `task:${c!.id}`,
      `task:${a!.id}`,
      `task:${b!.id}`,
    ]);

    // Every open task of one identity, whatever the case of its id; none left is task.not_found.
    const holder = open.find((x) => ![a!.id, b!.id, c!.id].includes(x.id))!.identity_id!;
    const theirs = (await t.ws.store.tasks.list('open')).filter((x) => x.identity_id === holder);
    const ids = await openTaskIdsFor(t.ws, holder.toLowerCase());
    expect(ids).toEqual(theirs.map((x) => x.id));
    expect((await closeTasks(t.ws, ids, 'admin:ops', 'left')).closed).toHaveLength(theirs.length);
    await expect(openTaskIdsFor(t.ws, holder)).rejects.toMatchObject({ code: 'task.not_found' });
    await expect(openTaskIdsFor(t.ws, 'NOBODY')).rejects.toMatchObject({ code: 'task.not_found' });
  });

  it("names each task's holder by their display name", async () => {
    t = await makeWorkspace(dialect, { yaml: SMALL_YAML(), demoFiles: false });
    t.writeHr('people.csv', [...org(1), { ...org(2)[1]!, preferred_name: 'Sam' }]);
    await fullRun(t.ws, { actor: 'admin:a', trigger: 'test' });
    const shown = await withHolderNames(t.ws.store, await t.ws.store.tasks.list('open'));
    expect(new Set(shown.map((x) => `${x.identity_id} ${x.identity_name}`))).toEqual(
      new Set(['P001 First1 Last1', 'P002 Sam Last2']),
    );
  });
});
