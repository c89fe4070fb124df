/** `tenure reconcile` and `tenure report orphans|drift|missing` as a user runs them (child process). */
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullRun } from '../../src/engine/runs/runs.js';
import { cliFor, type WorkspaceCli } from '../cli/run-cli.js';
import { testDialects } from '../support/databases.js';
import { makeWorkspace, type TestWorkspace } from '../support/workspace.js';
import { plantFindings, RECONCILE_ORG, RECONCILE_YAML } from './reconcile-fixtures.js';

describe.each(testDialects())('reconcile CLI on %s', (dialect) => {
  let t: TestWorkspace;
  let cli: WorkspaceCli;

  beforeAll(async () => {
    t = await makeWorkspace(dialect, { yaml: RECONCILE_YAML(), demoFiles: false });
    t.writeHr('people.csv', RECONCILE_ORG);
    await fullRun(t.ws, { actor: 'admin:test', trigger: 'test' });
    await plantFindings(join(t.dir, 'out', 'dir.csv'));
    cli = cliFor(t.dir, {
      TENURE_DATABASE_URL: t.db.url,
      TENURE_NOW: '2026-11-26T12:00:00Z',
      TENURE_ACTOR: 'carol',
    });
  }, 120_000);
  afterAll(() => t?.cleanup());

  it('reports nothing before the first reconciliation', async () => {
    const r = await cli(['report', 'orphans']);
    expect(r.code, r.why).toBe(0);
    expect(r.stdout).toMatch(/No stored reconciliation yet/);
  });

  it('reconciles with a summary, in text and --json', async () => {
    const text = await cli(['reconcile', '--app', 'dir']);
    expect(text.code, text.why).toBe(0);
    expect(text.stdout).toMatch(/^APP\s+STATUS\s+ACCOUNTS/m);
    expect(text.stdout).toMatch(/^dir\s+done\s+11\s+10\s+2\s+2\s+1\s+0\s+0\s+5$/m);
    expect(text.stdout).toMatch(/changed nothing in any target/);
    const json = (await cli(['reconcile', '--json'])).json();
    expect(json.apps.map((a: { app_id: string; status: string }) => [a.app_id, a.status])).toEqual([
      ['dir', 'done'],
      ['legacy', 'skipped'],
    ]);
    expect(json.apps[0].counts).toMatchObject({ orphan: 2, drift: 2, missing: 1 });
  });

  it('prints each report as JSON and CSV from the latest reconciliation', async () => {
    const orphans = (await cli(['report', 'orphans', '--json'])).json();
    expect(orphans.kind).toBe('orphan');
    expect(orphans.reconciliations).toHaveLength(1);
    expect(orphans.reconciliations[0]).toMatchObject({
      app_id: 'dir',
      status: 'done',
      actor: 'admin:carol',
    });
    expect(
      orphans.findings.map((f: { account_id: string; reason: string }) => [f.account_id, f.reason]),
    ).toEqual([
      ['p011', 'identity_terminated'],
      ['svc-backup', 'no_identity'],
    ]);
    // The second reconciliation saw the same findings: none of them is new any more.
    expect(orphans.findings.every((f: { is_new: boolean }) => !f.is_new)).toBe(true);

    const csv = await cli(['report', 'drift', '--csv']);
    expect(csv.code, csv.why).toBe(0);
    expect(csv.stdout.split('\r\n')[0]).toBe(
      'reconciled_at,reconciliation_id,app_id,kind,reason,account_id,identity_id,entitlement_id,enabled,privileged,new,details',
    );
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(
      rows.map((r) => [
        r.app_id,
        r.account_id,
        r.identity_id,
        r.entitlement_id,
        r.privileged,
        r.new,
      ]),
    ).toEqual([
      ['dir', 'P002', 'P002', 'admin', 'true', 'false'],
      ['dir', 'P002', 'P002', 'sales', 'false', 'false'],
    ]);
    expect(rows[0]!.reconciled_at).toBe('2026-11-26T12:00:00.000Z');
    expect(JSON.parse(rows[0]!.details!)).toMatchObject({
      privileged: true,
      linked_by: 'employee_id',
    });

    const missing = await cli(['report', 'missing', '--app', 'dir']);
    expect(missing.code, missing.why).toBe(0);
    expect(missing.stdout).toMatch(/^dir\s+P004\s+P004\s+-\s+not_found/m);
    expect(missing.stdout).toMatch(/1 missing finding$/m);
  });

  it('exits 2 on bad input, naming the problem', async () => {
    const both = await cli(['report', 'orphans', '--json', '--csv']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/cli\.bad_format/);
    const manual = await cli(['reconcile', '--app', 'legacy']);
    expect(manual.code).toBe(2);
    expect(manual.stderr).toMatch(/app\.not_readable.*cannot be read/);
    const unknown = await cli(['report', 'drift', '--app', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown application "nope"/);
  });
});
