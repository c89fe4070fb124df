/** Time-driven lifecycle through the engine with an injected clock: scheduled leavers, pre-hires, leave. */
import { afterEach, describe, expect, it } from 'vitest';
import { prepareRun } from '../../src/engine/runs/prepare-run.js';
import { applyRun, fullRun } from '../../src/engine/runs/runs.js';
import { importSource } from '../../src/engine/sync/import-source.js';
import { closeTask } from '../../src/engine/tasks/tasks.js';
import { testDialects } from '../support/databases.js';
import { org, person, SMALL_YAML } from '../support/small-org.js';
import { auditEvents, makeWorkspace, type TestWorkspace } from '../support/workspace.js';

const actor = 'admin:test';
const dirAccount = async (t: TestWorkspace, id: string) =>
  (await t.ws.store.accounts.forIdentity(id)).find((a) => a.app_id === 'dir');

describe.each(testDialects())('time-driven lifecycle on %s', (dialect) => {
  let t: TestWorkspace;
  afterEach(() => t?.cleanup());

  it('fires a scheduled leaver at the end of their last day in the organisation time zone', async () => {
    t = await makeWorkspace(dialect, {
      yaml: SMALL_YAML({ timeZone: 'Asia/Tokyo' }),
      demoFiles: false,
      now: '2026-12-01T00:00:00Z',
    });
    // Last day 2026-12-15 in Tokyo (UTC+9) ends at 2026-12-15T15:00:00Z.
    t.writeHr('people.csv', [...org(9), person(10, { end_date: '2026-12-15' })]);
    const first = await fullRun(t.ws, { actor, trigger: 'test' });
    expect(first.imports[0]!.changes.find((c) => c.identity === 'P010')?.events).toContainEqual({
      kind: 'scheduled_leaver',
      at: '2026-12-15T15:00:00.000Z',
    });
    expect((await dirAccount(t, 'P010'))?.enabled).toBe(true);
    for (const task of await t.ws.store.tasks.list('open'))
      await closeTask(t.ws, task.id, 'admin:ops', 'done');

    t.setNow('2026-12-15T14:59:59.999Z');
    expect((await prepareRun(t.ws)).ops).toEqual([]);

    t.setNow('2026-12-15T15:00:00.000Z');
    const plan = await prepareRun(t.ws);
    expect(plan.timeEvents.map((e) => [e.identity.id, e.events.map((x) => x.kind)])).toEqual([
      ['P010', ['leaver']],
    ]);
    expect(plan.ops.every((o) => o.identity_id === 'P010' && o.lifecycle.includes('leaver'))).toBe(
      true,
    );
    expect(plan.ops.map((o) => o.kind)).toEqual(
      expect.arrayContaining(['entitlement.revoke', 'account.disable', 'manual.task']),
    );

    const run = await applyRun(t.ws, { actor: 'system', trigger: 'schedule' });
    expect(run.status).toBe('done');
    expect(await dirAccount(t, 'P010')).toMatchObject({ enabled: false, entitlements: [] });
    expect((await t.ws.store.identities.get('P010'))?.status).toBe('terminated');
    const history = await t.ws.store.identities.history('P010');
    expect(history.at(-1)).toMatchObject({ status: 'terminated', events: ['leaver'] });
  });

  it('provisions a pre-hire disabled prehire_days ahead and enables the account on the start date', async () => {
    t = await makeWorkspace(dialect, {
      yaml: SMALL_YAML({ timeZone: 'Europe/Paris' }),
      demoFiles: false,
      now: '2026-11-20T08:00:00Z',
    });
    t.writeHr('people.csv', [...org(9), person(10, { start_date: '2026-12-01' })]);
    await fullRun(t.ws, { actor, trigger: 'test' });
    expect(await dirAccount(t, 'P010')).toBeUndefined();
    expect((await t.ws.store.identities.get('P010'))?.status).toBe('pre-hire');

    // prehire_days 2: from the start of 2026-11-29 in Paris (UTC+1).
    t.setNow('2026-11-28T23:00:00Z');
    await applyRun(t.ws, { actor, trigger: 'schedule' });
    expect(await dirAccount(t, 'P010')).toMatchObject({
      enabled: false,
      entitlements: expect.arrayContaining(['staff', 'eng']),
    });

    t.setNow('2026-11-30T23:00:00Z');
    const start = await applyRun(t.ws, { actor, trigger: 'schedule' });
    expect(start.plan.ops.map((o) => o.kind)).toContain('account.enable');
    expect((await dirAccount(t, 'P010'))?.enabled).toBe(true);
    expect((await t.ws.store.identities.get('P010'))?.status).toBe('active');
  });

  it('disables accounts on leave of absence when configured, keeping entitlements, and re-enables on return', async () => {
    t = await makeWorkspace(dialect, { yaml: SMALL_YAML({ leave: 'disable' }), demoFiles: false });
    const people = org(10);
    t.writeHr('people.csv', people);
    await fullRun(t.ws, { actor, trigger: 'test' });
    t.writeHr(
      'people.csv',
      people.map((p) => (p.employee_id === 'P002' ? { ...p, status: 'leave' as const } : p)),
    );
    const leave = await fullRun(t.ws, { actor, trigger: 'test' });
    expect(leave.imports[0]!.events.leave_start).toBe(1);
    expect(await dirAccount(t, 'P002')).toMatchObject({
      enabled: false,
      entitlements: expect.arrayContaining(['staff', 'eng']),
    });
    t.writeHr('people.csv', people);
    const back = await fullRun(t.ws, { actor, trigger: 'test' });
    expect(back.imports[0]!.events.leave_end).toBe(1);
    expect((await dirAccount(t, 'P002'))?.enabled).toBe(true);
  });

  it('re-provisions a rehire with the access of their new role only', async () => {
    t = await makeWorkspace(dialect, { yaml: SMALL_YAML(), demoFiles: false });
    const people = org(10);
    t.writeHr('people.csv', people);
    await fullRun(t.ws, { actor, trigger: 'test' });
    t.writeHr(
      'people.csv',
      people.map((p) =>
        p.employee_id === 'P002'
          ? { ...p, status: 'terminated' as const, end_date: '2026-11-01' }
          : p,
      ),
    );
    await fullRun(t.ws, { actor, trigger: 'test' });
    expect(await dirAccount(t, 'P002')).toMatchObject({ enabled: false, entitlements: [] });
    t.writeHr(
      'people.csv',
      people.map((p) =>
        p.employee_id === 'P002' ? { ...p, department: 'Sales', start_date: '2026-11-20' } : p,
      ),
    );
    const back = await fullRun(t.ws, { actor, trigger: 'test' });
    expect(back.imports[0]!.events.rehire).toBe(1);
    const account = await dirAccount(t, 'P002');
    expect(account?.enabled).toBe(true);
    expect([...(account?.entitlements ?? [])].sort()).toEqual(['sales', 'staff']);
  });

  it('quarantines bad rows and keeps everyone else, including the people on those rows', async () => {
    t = await makeWorkspace(dialect, { yaml: SMALL_YAML(), demoFiles: false });
    const people = org(10);
    t.writeHr('people.csv', people);
    await fullRun(t.ws, { actor, trigger: 'test' });
    const bad = people.map((p) =>
      p.employee_id === 'P003' ? { ...p, start_date: '2026-02-30', department: 'Sales' } : p,
    );
    bad.push(person(11), person(11, { first_name: 'Twin' })); // duplicate id: both rejected
    bad.push(person(12, { first_name: 'a+b"c\\<d>;e=f', last_name: '*)(uid=*' }));
    t.writeHr('people.csv', bad);
    const r = await importSource(t.ws);
    expect(r.rejected.map((x) => x.row).sort((a, b) => a - b)).toEqual([4, 12, 13]);
    expect(r.rejected.find((x) => x.row === 4)?.reason).toMatch(/start_date/);
    expect(r.rejected.find((x) => x.row === 12)?.reason).toMatch(/duplicate/i);
    // P003 keeps its stored state: not moved, not missing.
    const p3 = await t.ws.store.identities.get('P003');
    expect(p3).toMatchObject({ status: 'active', missing_from_source: false });
    expect(p3?.attributes.department).toBe('Sales'.length ? people[2]!.department : '');
    expect(await t.ws.store.identities.get('P011')).toBeUndefined();
    expect((await t.ws.store.identities.get('P012'))?.attributes.first_name).toBe('a+b"c\\<d>;e=f');
    const quarantined = await t.ws.store.snapshots.quarantined(r.snapshot_id);
    expect(quarantined).toHaveLength(3);
    const audit = await auditEvents(t.ws);
    expect(audit.filter((e) => e.action === 'hr.record.rejected')).toHaveLength(3);
  });
});
