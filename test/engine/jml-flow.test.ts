/** The demo organisation end to end through the engine, on SQLite and PostgreSQL. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/verify.js';
import { readAccountFile } from '../../src/connectors/csv-export/csv-file.js';
import { prepareRun } from '../../src/engine/runs/prepare-run.js';
import { applyRun, fullRun } from '../../src/engine/runs/runs.js';
import { closeTask } from '../../src/engine/tasks/tasks.js';
import { testDialects } from '../support/databases.js';
import { demoChanges } from '../support/demo-changes.js';
import { auditEvents, makeWorkspace, type TestWorkspace } from '../support/workspace.js';

const actor = 'admin:test';
const changes = demoChanges();

describe.each(testDialects())('demo JML flow on %s', (dialect) => {
  let t: TestWorkspace;
  let day1: Awaited<ReturnType<typeof fullRun>>;
  let day2: Awaited<ReturnType<typeof fullRun>>;

  beforeAll(async () => {
    t = await makeWorkspace(dialect);
    day1 = await fullRun(t.ws, { actor, trigger: 'test:day1' });
    for (const task of await t.ws.store.tasks.list('open'))
      await closeTask(t.ws, task.id, 'admin:payroll', 'done');
    t.setNow('2026-11-26T10:00:00Z');
    day2 = await fullRun(t.ws, {
      actor,
      trigger: 'test:day2',
      imports: [{ sourceId: 'hr', file: 'hr/employees-next.csv' }],
    });
  }, 120_000);
  afterAll(() => t?.cleanup());

  it('provisions everyone on day one with nothing failing', async () => {
    expect(day1.imports[0]?.rejected).toEqual([]);
    expect(day1.apply.status).toBe('done');
    expect(day1.apply.execution?.failure).toBe(0);
    const directory = await t.ws.store.accounts.all('directory');
    const active = (await t.ws.store.identities.all()).filter((i) => i.status !== 'terminated');
    expect(directory.filter((a) => a.enabled).length).toBeGreaterThanOrEqual(active.length - 1);
  });

  it('detects every joiner, mover, leaver and rehire of the second snapshot', () => {
    const events = day2.imports[0]!.changes;
    const ids = (kind: string) =>
      events
        .filter((c) => c.events.some((e) => e.kind === kind))
        .map((c) => c.identity)
        .sort();
    expect(ids('joiner')).toEqual(changes.joiners.map((c) => c.id).sort());
    expect(ids('leaver')).toEqual(changes.leavers.map((c) => c.id).sort());
    expect(ids('rehire')).toEqual(changes.rehires.map((c) => c.id).sort());
    expect(ids('mover')).toEqual(changes.movers.map((c) => c.id).sort());
    expect(day2.imports[0]!.events.scheduled_leaver).toBe(1);
    expect(day2.imports[0]!.events.prehire).toBe(1);
  });

  it("revokes a leaver's access in every application, manual ones included", async () => {
    for (const { id } of changes.leavers) {
      const accounts = await t.ws.store.accounts.forIdentity(id);
      const direct = accounts.filter((a) => a.app_id !== 'payroll');
      expect(direct.length).toBeGreaterThan(0);
      for (const a of direct) {
        expect(a.enabled, `${id} in ${a.app_id}`).toBe(false);
        expect(a.entitlements, `${id} in ${a.app_id}`).toEqual([]);
      }
      const ops = day2.apply.plan.ops.filter((o) => o.identity_id === id && o.app_id === 'payroll');
      const identity = await t.ws.store.identities.get(id);
      if (identity?.attributes.employment_type === 'employee') {
        expect(ops.map((o) => o.task?.action)).toContain('account.disable');
        for (const o of ops) expect(o.lifecycle).toContain('leaver');
      }
    }
    const tasks = await t.ws.store.tasks.list('open');
    expect(tasks.some((task) => task.op.task?.action === 'account.disable')).toBe(true);
  });

  it("removes a department mover's old access and grants the new in the same run", async () => {
    const deptMovers = changes.movers.filter((m) => m.what.startsWith('department:'));
    expect(deptMovers.length).toBeGreaterThanOrEqual(8);
    for (const { id, what } of deptMovers) {
      const [, from, to] = /department: (\w+) → (\w+)/.exec(what)!;
      const directory = (await t.ws.store.accounts.forIdentity(id)).find(
        (a) => a.app_id === 'directory',
      )!;
      expect(directory.entitlements).not.toContain(from!.toLowerCase());
      expect(directory.entitlements).toContain(to!.toLowerCase());
      expect(directory.container).toBe(`ou=${to},ou=people`);
      const runOps = day2.apply.plan.ops.filter(
        (o) => o.identity_id === id && o.app_id === 'directory',
      );
      expect(runOps.map((o) => o.kind)).toEqual(
        expect.arrayContaining(['entitlement.revoke', 'entitlement.grant', 'account.move']),
      );
    }
  });

  it('writes the export files to match the store', async () => {
    const file = await readAccountFile(join(t.dir, 'out', 'directory.csv'));
    const stored = await t.ws.store.accounts.all('directory');
    expect(file.size).toBe(stored.length);
    for (const a of stored) {
      const row = file.get(a.account_id)!;
      expect(row.enabled).toBe(a.enabled);
      expect([...row.entitlements].sort()).toEqual([...a.entitlements].sort());
    }
    expect(readFileSync(join(t.dir, 'out', 'directory.csv'), 'utf8')).toContain('Zoë');
  });

  it('re-running yields no change, and the audit chain verifies', async () => {
    const again = await prepareRun(t.ws);
    expect(again.ops).toEqual([]);
    const applied = await applyRun(t.ws, { actor, trigger: 'test:again' });
    expect(applied.status).toBe('nothing_to_do');
    const verified = await verifyAudit(
      t.ws.store,
      readFileSync(join(t.dir, '.tenure', 'audit-signing.pub'), 'utf8'),
    );
    expect(verified.ok).toBe(true);
  });

  it('audits every operation with actor, trigger, target and outcome', async () => {
    const events = await auditEvents(t.ws);
    const byAction = (a: string) => events.filter((e) => e.action === a);
    expect(byAction('identity.leaver').length).toBe(changes.leavers.length);
    const revokes = byAction('entitlement.revoke');
    expect(revokes.length).toBeGreaterThan(0);
    expect(revokes.every((e) => e.trigger.startsWith('run:') && e.outcome === 'success')).toBe(
      true,
    );
    expect(revokes.some((e) => e.actor === 'hr:hr:leaver')).toBe(true);
    expect(byAction('account.create').some((e) => e.actor === 'rule:everyone')).toBe(true);
    expect(byAction('manual.task').every((e) => e.outcome === 'pending_manual')).toBe(true);
    expect(byAction('manual.task.closed').every((e) => e.actor === 'admin:payroll')).toBe(true);
    for (const e of events) expect(e.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
