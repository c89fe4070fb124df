/** Reconciliation end to end on SQLite and PostgreSQL: planted orphans, drift and a missing account. */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/verify.js';
import { readAccountFile } from '../../src/connectors/csv-export/csv-file.js';
import { reconcile } from '../../src/engine/reconcile/reconcile.js';
import { prepareRun } from '../../src/engine/runs/prepare-run.js';
import { applyRun, fullRun } from '../../src/engine/runs/runs.js';
import { testDialects } from '../support/databases.js';
import { auditEvents, makeWorkspace, type TestWorkspace } from '../support/workspace.js';
import { findingRows, plantFindings, RECONCILE_ORG, RECONCILE_YAML } from './reconcile-fixtures.js';

const actor = 'admin:test';

describe.each(testDialects())('reconciliation on %s', (dialect) => {
  let t: TestWorkspace;
  let file: string;
  let first: Awaited<ReturnType<typeof reconcile>>;
  let before: Buffer;
  let after: Buffer;

  beforeAll(async () => {
    t = await makeWorkspace(dialect, { yaml: RECONCILE_YAML(), demoFiles: false });
    t.writeHr('people.csv', RECONCILE_ORG);
    const day1 = await fullRun(t.ws, { actor, trigger: 'test' });
    expect(day1.apply.execution?.failure).toBe(0);
    file = join(t.dir, 'out', 'dir.csv');
    await plantFindings(file);
    t.setNow('2026-11-26T12:00:00Z');
    before = readFileSync(file);
    first = await reconcile(t.ws, { actor });
    after = readFileSync(file);
  }, 120_000);
  afterAll(() => t?.cleanup());

  it('finds exactly the planted orphans, drift and missing account', async () => {
    const dir = first.apps.find((a) => a.app_id === 'dir')!;
    expect(dir.status).toBe('done');
    const stored = await t.ws.store.reconciliations.findings(dir.reconciliation_id!);
    expect(findingRows(stored)).toEqual([
      ['orphan', 'identity_terminated', 'p011', 'P011', null],
      ['orphan', 'no_identity', 'svc-backup', null, null],
      ['drift', 'unjustified', 'P002', 'P002', 'admin'],
      ['drift', 'unjustified', 'P002', 'P002', 'sales'],
      ['missing', 'not_found', 'P004', 'P004', null],
    ]);
    expect(stored.every((f) => f.is_new)).toBe(true);
    expect(stored.find((f) => f.entitlement_id === 'admin')?.details).toMatchObject({
      privileged: true,
    });
    expect(dir.counts).toMatchObject({
      accounts: 11,
      linked: 10,
      orphan: 2,
      drift: 2,
      missing: 1,
      ambiguous: 0,
      unmanaged: 0,
    });
    // p011 carries no employee id: the mail rule linked it (case-insensitively).
    expect(dir.counts?.linked_by).toEqual({ employee_id: 9, 'mail=email': 1 });
  });

  it('changes nothing in the target, and skips applications it cannot read', () => {
    expect(after.equals(before)).toBe(true);
    expect(first.apps.find((a) => a.app_id === 'legacy')).toMatchObject({
      status: 'skipped',
      reconciliation_id: null,
      error: { code: 'app.not_readable' },
    });
  });

  it('stores what it read as the actual state, effective-dated', async () => {
    const accounts = new Map((await t.ws.store.accounts.all('dir')).map((a) => [a.account_id, a]));
    expect(accounts.get('svc-backup')).toMatchObject({
      identity_id: null,
      enabled: true,
      entitlements: ['staff'],
    });
    expect(accounts.get('p011')).toMatchObject({ identity_id: 'P011', enabled: true });
    expect(accounts.get('P002')?.entitlements).toEqual(['admin', 'eng', 'sales', 'staff']);
    expect(accounts.has('P004')).toBe(false);
    const at = '2026-11-26T12:00:00.000Z';
    const held = await t.ws.store.accounts.accessAt(at);
    expect(held.filter((h) => h.account_id === 'P004')).toEqual([]);
    const earlier = await t.ws.store.accounts.accessAt('2026-11-26T11:00:00.000Z', 'P004');
    expect(earlier.filter((h) => h.app_id === 'dir').map((h) => h.entitlement_id)).toEqual([
      null,
      'eng',
      'staff',
    ]);
    expect(held.find((h) => h.account_id === 'P002' && h.entitlement_id === 'admin')).toMatchObject(
      { identity_id: 'P002', valid_from: at },
    );
  });

  it('audits each finding (actor system) and the completion with counts', async () => {
    const events = await auditEvents(t.ws);
    const found = events.filter((e) => e.action === 'reconcile.finding');
    expect(found).toHaveLength(5);
    expect(found.every((e) => e.actor === 'system' && e.outcome === 'success')).toBe(true);
    expect(found.map((e) => e.target)).toEqual([
      'account:dir/p011',
      'account:dir/svc-backup',
      'entitlement:dir/admin',
      'entitlement:dir/sales',
      'identity:P004',
    ]);
    const done = events.filter((e) => e.action === 'reconcile.completed');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ actor, target: 'application:dir', outcome: 'success' });
    expect(JSON.parse(done[0]!.details)).toMatchObject({
      orphan: 2,
      drift: 2,
      missing: 1,
      accounts: 11,
    });
    const pub = readFileSync(join(t.dir, '.tenure', 'audit-signing.pub'), 'utf8');
    expect((await verifyAudit(t.ws.store, pub)).ok).toBe(true);
  });

  it('is stable when run again: same findings, nothing new, nothing rewritten', async () => {
    const rowsBefore = await t.db.query<{ n: number }>('select count(*) as n from access_history');
    const again = await reconcile(t.ws, { appId: 'dir', actor });
    const dir = again.apps[0]!;
    expect(dir.changes).toEqual({
      accounts_added: 0,
      accounts_updated: 0,
      accounts_removed: 0,
      access_opened: 0,
      access_closed: 0,
    });
    expect(dir.new_findings).toEqual({
      orphan: 0,
      drift: 0,
      missing: 0,
      ambiguous: 0,
      unmanaged: 0,
    });
    const stored = await t.ws.store.reconciliations.findings(dir.reconciliation_id!);
    expect(findingRows(stored)).toEqual(
      findingRows(await t.ws.store.reconciliations.findings(first.apps[0]!.reconciliation_id!)),
    );
    expect(stored.some((f) => f.is_new)).toBe(false);
    const rowsAfter = await t.db.query<{ n: number }>('select count(*) as n from access_history');
    expect(Number(rowsAfter[0]!.n)).toBe(Number(rowsBefore[0]!.n));
    expect((await t.ws.store.reconciliations.latest()).map((r) => r.id)).toEqual([
      dir.reconciliation_id,
    ]);
  });

  it('remediates only through plan/apply: drift revoked, missing created, orphan left alone', async () => {
    const plan = await prepareRun(t.ws);
    const dirOps = plan.ops.filter((o) => o.app_id === 'dir');
    const brief = dirOps.map(
      (o) => `${o.kind} ${o.account_id}${o.entitlement ? ` ${o.entitlement}` : ''}`,
    );
    expect(brief.sort()).toEqual(
      [
        'account.create P004',
        'entitlement.grant P004 eng',
        'entitlement.grant P004 staff',
        'entitlement.revoke P002 admin',
        'entitlement.revoke P002 sales',
        // The leaver's account, now linked to P011, is deprovisioned like any leaver's.
        'entitlement.revoke p011 staff',
        'account.disable p011',
      ].sort(),
    );
    expect(dirOps.find((o) => o.entitlement === 'admin')?.reasons).toEqual(['unjustified']);
    // A leaver's removals say why; only drift no policy explains is `unjustified`.
    for (const o of dirOps.filter((o) => o.account_id === 'p011'))
      expect(o.reasons, o.kind).toEqual([expect.stringMatching(/^leaver: terminated/)]);
    // The joiner events were acted on by an earlier run: the drift fix is labelled as such.
    expect(dirOps.find((o) => o.entitlement === 'admin')?.lifecycle).toEqual(['reconcile']);
    expect(dirOps.some((o) => o.account_id === 'svc-backup')).toBe(false);

    const applied = await applyRun(t.ws, { actor, trigger: 'test:remediate' });
    expect(applied.execution?.failure).toBe(0);
    const revoke = (await auditEvents(t.ws)).find(
      (e) => e.action === 'entitlement.revoke' && e.target === 'entitlement:dir/admin',
    );
    expect(revoke?.actor).toBe('system');
    const target = await readAccountFile(file);
    expect(target.get('P002')?.entitlements.sort()).toEqual(['eng', 'staff']);
    expect(target.get('P004')).toMatchObject({ enabled: true });
    expect(target.get('p011')).toMatchObject({ enabled: false, entitlements: [] });
    expect(target.get('svc-backup')).toMatchObject({ enabled: true, entitlements: ['staff'] });

    const after = await reconcile(t.ws, { appId: 'dir', actor });
    const left = await t.ws.store.reconciliations.findings(after.apps[0]!.reconciliation_id!);
    expect(findingRows(left)).toEqual([['orphan', 'no_identity', 'svc-backup', null, null]]);
    expect((await prepareRun(t.ws)).ops.filter((o) => o.app_id === 'dir')).toEqual([]);
  });

  it('refuses to record an empty read as everything gone, unless told to', async () => {
    const accountsBefore = await t.ws.store.accounts.all('dir');
    rmSync(file);
    const refused = await reconcile(t.ws, { appId: 'dir', actor });
    expect(refused.apps[0]).toMatchObject({
      status: 'failed',
      error: { code: 'reconcile.empty_read' },
    });
    expect(await t.ws.store.accounts.all('dir')).toEqual(accountsBefore);
    const failedRow = await t.ws.store.reconciliations.get(refused.apps[0]!.reconciliation_id!);
    expect(failedRow).toMatchObject({ status: 'failed', app_id: 'dir' });
    const last = (await auditEvents(t.ws)).at(-1)!;
    expect(last).toMatchObject({ action: 'reconcile.completed', outcome: 'failure' });
    // Reports keep using the latest successful reconciliation.
    const [latest] = await t.ws.store.reconciliations.latest({ appId: 'dir' });
    expect(latest?.status).toBe('done');

    const forced = await reconcile(t.ws, { appId: 'dir', actor, allowEmpty: true });
    expect(forced.apps[0]).toMatchObject({ status: 'done', counts: { accounts: 0, missing: 10 } });
    expect(await t.ws.store.accounts.all('dir')).toEqual([]);
  });
});
