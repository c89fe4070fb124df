/** import → plan → apply --dry-run → apply → plan/apply again: exactly once, then nothing to do. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFor, DEMO_NOW, initWorkspace, tempDir } from './run-cli.js';

const tmp = tempDir('sync');
afterAll(tmp.cleanup);
const dir = join(tmp.dir, 'w');
const cli = cliFor(dir, { TENURE_NOW: DEMO_NOW });

type Op = { key: string; kind: string; app_id: string; identity_id: string | null };
type PlanJson = {
  generated_at: string;
  identities: number;
  operations: Op[];
  awaiting_manual: { task_id: number; key: string }[];
  safety_gate: { held: boolean };
  counts: { total: number; by_kind: Record<string, number>; by_application: object };
  summary: {
    to_add: number;
    to_change: number;
    to_remove: number;
    manual_tasks: number;
    total: number;
  };
  by_identity: {
    identity_id: string | null;
    name: string | null;
    why: string;
    applications: { app_id: string; changes: { sign: string; key: string }[] }[];
  }[];
};
/** Lines of one change in the text plan: `    + grant …`, `    - revoke …`, `    ~ move …`. */
const CHANGE_LINE = /^ {4}[+~-] /;

beforeAll(() => {
  initWorkspace(dir);
});

describe('import, plan, apply', () => {
  let plan: PlanJson;

  it('import --json reads snapshot 1 and records the joiners', async () => {
    const r = await cli(['import', '--json']);
    expect(r.code, r.why).toBe(0);
    const s = r.json();
    expect(s).toMatchObject({
      source: 'hr',
      file: join(dir, 'hr', 'employees.csv'),
      rows: 300,
      accepted: 300,
      rejected: [],
      unchanged: 0,
    });
    expect(s.events.joiner).toBeGreaterThan(250);
    expect(s.snapshot_id).toBeGreaterThan(0);
  });

  it('plan --json lists every operation with its idempotency key and the counts', async () => {
    const r = await cli(['plan', '--json']);
    expect(r.code, r.why).toBe(0);
    plan = r.json<PlanJson>();
    expect(plan.generated_at).toBe(DEMO_NOW);
    expect(plan.identities).toBe(300);
    expect(plan.safety_gate.held).toBe(false);
    expect(plan.awaiting_manual).toEqual([]);
    const keys = plan.operations.map((o) => o.key);
    expect(keys.length).toBeGreaterThan(1000);
    for (const k of keys) expect(k).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(keys).size).toBe(keys.length);
    expect(plan.counts.total).toBe(plan.operations.length);
    const byKind = Object.values(plan.counts.by_kind).reduce((a, b) => a + b, 0);
    expect(byKind).toBe(plan.operations.length);
    expect(plan.counts.by_kind['account.create']).toBeGreaterThan(0);
    expect(plan.counts.by_kind['manual:account.create']).toBeGreaterThan(0);
    expect(Object.keys(plan.counts.by_application).sort()).toEqual([
      'crm',
      'directory',
      'finance-erp',
      'github',
      'payroll',
    ]);
  });

  it('plan --json also groups every operation by identity then application, with summary counts', () => {
    const grouped = plan.by_identity.flatMap((g) =>
      g.applications.flatMap((a) => a.changes.map((c) => c.key)),
    );
    expect(grouped.sort()).toEqual(plan.operations.map((o) => o.key).sort());
    const joiner = plan.by_identity.find((g) => g.identity_id !== null)!;
    expect(joiner.why).toMatch(/^joiner: starts \d{4}-\d\d-\d\d/);
    expect(joiner.name).toMatch(/^\S+ \S+/);
    expect(
      plan.by_identity
        .flatMap((g) => g.applications.flatMap((a) => a.changes))
        .every((c) => c.sign === '+'),
    ).toBe(true);
    const s = plan.summary;
    expect(s.total).toBe(plan.operations.length);
    expect(s.to_add + s.to_change + s.to_remove + s.manual_tasks).toBe(s.total);
    expect(s.manual_tasks).toBe(plan.operations.filter((o) => o.kind === 'manual.task').length);
  });

  it('plan prints the first 200 changes grouped per person and says how many more; --all prints all', async () => {
    const [cut, all] = await Promise.all([cli(['plan']), cli(['plan', '--all'])]);
    expect(cut.code, cut.why).toBe(0);
    expect(all.code, all.why).toBe(0);
    const n = plan.operations.length;
    const cutLines = cut.stdout.split('\n');
    expect(cutLines.filter((l) => CHANGE_LINE.test(l))).toHaveLength(200);
    expect(cut.stdout).toContain(`… and ${n - 200} more (use --all)\n`);
    const first = plan.by_identity[0]!;
    expect(cutLines[0]).toBe(`${first.identity_id} ${first.name} — ${first.why}`);
    expect(cutLines[1]).toBe(`  ${first.applications[0]!.app_id}`);
    const { to_add, to_change, to_remove, manual_tasks } = plan.summary;
    expect(cut.stdout).toContain(
      `Plan: ${to_add} to add, ${to_change} to change, ${to_remove} to remove, ${manual_tasks} manual tasks (${n} operations).`,
    );
    // Not a terminal: no colour codes.
    expect(cut.stdout).not.toContain('\u001b[');
    expect(all.stdout.split('\n').filter((l) => CHANGE_LINE.test(l))).toHaveLength(n);
    expect(all.stdout).not.toContain('more (use --all)');
  });

  it('apply --dry-run prints the same plan and executes nothing', async () => {
    const json = await cli(['apply', '--dry-run', '--json']);
    expect(json.code, json.why).toBe(0);
    const out = json.json();
    expect(out).toMatchObject({ run_id: null, status: 'dry_run' });
    expect(out.plan.operations.map((o: Op) => o.key)).toEqual(plan.operations.map((o) => o.key));

    // The text dry run and the proof that the first one recorded nothing, side by side.
    const [text, runs] = await Promise.all([
      cli(['apply', '--dry-run']),
      cli(['runs', 'list', '--json']),
    ]);
    expect(text.code, text.why).toBe(0);
    expect(text.stdout).toContain(`manual tasks (${plan.operations.length} operations).`);
    expect(text.stdout).toContain('more (use --all)');
    expect(text.stdout.trimEnd().endsWith('Dry run: nothing was executed.')).toBe(true);
    expect(runs.code, runs.why).toBe(0);
    expect(runs.json()).toEqual([]);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('apply executes the plan once', async () => {
    const r = await cli(['apply']);
    expect(r.code, r.why).toBe(0);
    const manual = plan.operations.filter((o) => o.kind === 'manual.task').length;
    const direct = plan.operations.length - manual;
    expect(r.stdout).toMatch(
      new RegExp(
        `^Run run_20261126T100000_[0-9a-f]{8}: ${direct} succeeded, 0 failed, ${manual} pending manual action\\.`,
      ),
    );
    for (const app of ['directory', 'github', 'crm', 'finance-erp'])
      expect(existsSync(join(dir, 'out', `${app}.csv`)), app).toBe(true);
  });

  it('re-running yields no change: plan is empty and apply has nothing to do', async () => {
    const [planJson, apply] = await Promise.all([cli(['plan', '--json']), cli(['apply'])]);
    expect(planJson.code, planJson.why).toBe(0);
    const again = planJson.json<PlanJson>();
    expect(again.operations).toEqual([]);
    expect(again.counts.total).toBe(0);
    // The manual work is not planned twice: it waits as open tasks.
    const manualKeys = plan.operations.filter((o) => o.kind === 'manual.task').map((o) => o.key);
    expect(again.awaiting_manual.map((a) => a.key).sort()).toEqual(manualKeys.sort());
    expect(apply.code, apply.why).toBe(0);
    expect(apply.stdout).toBe('Nothing to do: every application matches the desired state.\n');

    const runs = await cli(['runs', 'list', '--json']);
    expect(runs.json()).toMatchObject([
      { status: 'done', trigger: 'cli:apply', summary: { operations: plan.operations.length } },
    ]);
  });
});
