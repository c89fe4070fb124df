/**
 * How a run's operations reach a connector: joiners phase by phase (a failed create stops that
 * account's grants), a mover's or leaver's changes in one batch in phase order — csv-export then
 * rewrites its file once per run. On SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '../../src/domain/types.js';
import { applyRun } from '../../src/engine/runs/runs.js';
import { importSource } from '../../src/engine/sync/import-source.js';
import { testDialects } from '../support/databases.js';
import { org, person, SMALL_YAML } from '../support/small-org.js';
import { makeWorkspace, type TestWorkspace } from '../support/workspace.js';

const actor = 'admin:test';

describe.each(testDialects())('batches sent to connectors (%s)', (dialect) => {
  let t: TestWorkspace;
  /** The kinds of each apply call to the `dir` application, in call order. */
  let calls: Operation['kind'][][] = [];

  beforeAll(async () => {
    // The department is an attribute of the account too: a mover's account is updated.
    const yaml = SMALL_YAML().replace(
      'attributes: { cn: "{display_name}" }',
      'attributes: { cn: "{display_name}", department: "{department}" }',
    );
    expect(yaml).toContain('department: "{department}"');
    t = await makeWorkspace(dialect, { yaml, demoFiles: false });
    const open = t.ws.connector;
    t.ws.connector = async (appId) => {
      const inner = await open(appId);
      if (appId !== 'dir') return inner;
      return {
        ...inner,
        apply(ops) {
          calls.push(ops.map((o) => o.kind));
          return inner.apply(ops);
        },
      };
    };
  });
  afterAll(() => t?.cleanup());

  const run = async (people: ReturnType<typeof org>) => {
    t.writeHr('people.csv', people);
    await importSource(t.ws, { sourceId: 'hr' });
    calls = [];
    const outcome = await applyRun(t.ws, { actor, trigger: 'test' });
    expect(outcome.status).toBe('done');
    expect(outcome.execution?.failure).toBe(0);
    return calls;
  };

  it('joiners: creates first, then their grants, in separate batches', async () => {
    expect(await run(org(4))).toEqual([
      Array(4).fill('account.create'),
      Array(8).fill('entitlement.grant'),
    ]);
  });

  it("a mover's update, revoke and grant: one batch, in phase order", async () => {
    const moved = org(4).map((p) =>
      p.employee_id === 'P001' ? person(1, { department: 'Engineering' }) : p,
    );
    const [batch, ...rest] = await run(moved);
    expect(rest).toEqual([]);
    expect(batch).toHaveLength(3);
    expect(batch![0]).toBe('account.update');
    expect([...batch!.slice(1)].sort()).toEqual(['entitlement.grant', 'entitlement.revoke']);
    const file = await t.ws.store.accounts.all('dir');
    expect(file.find((a) => a.account_id === 'P001')?.entitlements.sort()).toEqual([
      'eng',
      'staff',
    ]);
  });

  it("a leaver's revokes come before the disable, in one batch", async () => {
    const left = org(4).map((p) =>
      p.employee_id === 'P002'
        ? person(2, { status: 'terminated', end_date: '2026-11-20' })
        : p.employee_id === 'P001'
          ? person(1, { department: 'Engineering' })
          : p,
    );
    const [batch, ...rest] = await run(left);
    expect(rest).toEqual([]);
    const disable = batch!.indexOf('account.disable');
    expect(disable).toBe(batch!.length - 1);
    expect(batch!.slice(0, disable).every((k) => k === 'entitlement.revoke')).toBe(true);
  });
});
