/** `orphans: disable`: the next plan disables enabled orphans, and the safety gate counts them. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readAccountFile } from '../../src/connectors/csv-export/csv-file.js';
import { reconcile } from '../../src/engine/reconcile/reconcile.js';
import { prepareRun } from '../../src/engine/runs/prepare-run.js';
import { applyRun, approveRun, fullRun } from '../../src/engine/runs/runs.js';
import { testDialects } from '../support/databases.js';
import { org } from '../support/small-org.js';
import { auditEvents, makeWorkspace, type TestWorkspace } from '../support/workspace.js';
import { findingRows, plant, RECONCILE_YAML } from './reconcile-fixtures.js';

const actor = 'admin:test';
const orphan = (id: string, enabled = true) => ({
  account_id: id,
  employee_id: null,
  enabled,
  container: null,
  entitlements: ['staff'],
  attributes: {},
});

describe.each(testDialects())('orphans: disable on %s', (dialect) => {
  let t: TestWorkspace;
  afterEach(() => t?.cleanup());

  it('plans account.disable for enabled orphans, held by the gate when they are many', async () => {
    const yaml = RECONCILE_YAML('disable').replace(
      'safety: { max_deprovision_share: 0.5, min_deprovision_count: 5 }',
      'safety: { max_deprovision_share: 0.1, min_deprovision_count: 2 }',
    );
    t = await makeWorkspace(dialect, { yaml, demoFiles: false });
    t.writeHr('people.csv', org(10));
    await fullRun(t.ws, { actor, trigger: 'test' });
    const file = join(t.dir, 'out', 'dir.csv');
    await plant(file, (a) => {
      for (const id of ['svc-a', 'svc-b', 'svc-c']) a.set(id, orphan(id));
      a.set('svc-off', orphan('svc-off', false)); // already disabled: nothing to do
    });
    const r = await reconcile(t.ws, { actor });
    expect(r.apps[0]?.counts).toMatchObject({ orphan: 4, drift: 0, missing: 0 });

    const plan = await prepareRun(t.ws);
    const dirOps = plan.ops.filter((o) => o.app_id === 'dir');
    expect(dirOps.map((o) => [o.kind, o.account_id, o.identity_id, o.reasons])).toEqual([
      ['account.disable', 'svc-a', null, ['orphan']],
      ['account.disable', 'svc-b', null, ['orphan']],
      ['account.disable', 'svc-c', null, ['orphan']],
    ]);
    // 3 of 13 enabled accounts (23 %) > 10 %, and at least 2: an admin must approve.
    expect(plan.gate.held).toBe(true);
    expect(plan.gate.byApp.find((a) => a.app_id === 'dir')).toMatchObject({
      deprovisions: 3,
      accounts: 13,
    });

    const held = await applyRun(t.ws, { actor, trigger: 'test' });
    expect(held.status).toBe('held');
    expect((await readAccountFile(file)).get('svc-a')?.enabled).toBe(true);
    const approved = await approveRun(t.ws, held.run_id!, 'admin:bob');
    expect(approved.execution.failure).toBe(0);
    const target = await readAccountFile(file);
    for (const id of ['svc-a', 'svc-b', 'svc-c']) {
      // Disabled, entitlements left for a person to decide on.
      expect(target.get(id)).toMatchObject({ enabled: false, entitlements: ['staff'] });
    }
    const disables = (await auditEvents(t.ws)).filter(
      (e) => e.action === 'account.disable' && e.target.startsWith('account:dir/svc-'),
    );
    expect(disables.map((e) => [e.target, e.actor, e.outcome])).toEqual([
      ['account:dir/svc-a', 'system', 'success'],
      ['account:dir/svc-b', 'system', 'success'],
      ['account:dir/svc-c', 'system', 'success'],
    ]);

    // Still orphans (reported), but nothing left to plan.
    const again = await reconcile(t.ws, { appId: 'dir', actor });
    const left = await t.ws.store.reconciliations.findings(again.apps[0]!.reconciliation_id!);
    expect(findingRows(left).map((f) => f[2])).toEqual(['svc-a', 'svc-b', 'svc-c', 'svc-off']);
    expect((await prepareRun(t.ws)).ops.filter((o) => o.app_id === 'dir')).toEqual([]);
  });
});
