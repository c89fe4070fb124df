/**
 * The safety gate through the CLI: an HR snapshot terminating ~30 % of the company is held
 * (exit 3) until an admin runs `apply --approve <run-id>`, and both sides are in the audit trail.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFor, initWorkspace, readCsv, rewriteHr, tempDir } from './run-cli.js';

const tmp = tempDir('gate');
afterAll(tmp.cleanup);
const dir = join(tmp.dir, 'w');
const cli = cliFor(dir);

const DAY_ONE = '2026-11-02T08:00:00.000Z';
const MASS = '2026-11-26T10:00:00.000Z';
const APPROVED = '2026-11-26T11:00:00.000Z';
const TERMINATED = 90; // of 296 enabled directory accounts: 30 %

let runId: string;
let leavers: string[];
const disabledInDirectory = () =>
  readCsv(join(dir, 'out', 'directory.csv'))
    .filter((r) => r.enabled === 'false')
    .map((r) => r.employee_id);

beforeAll(async () => {
  initWorkspace(dir);
  const day1 = await cli(['run'], { TENURE_NOW: DAY_ONE });
  expect(day1.code, day1.why).toBe(0);
  let n = 0;
  const rows = rewriteHr(join(dir, 'hr', 'employees.csv'), join(dir, 'hr', 'mass.csv'), (r) => {
    if (r.status === 'active' && n < TERMINATED) {
      n++;
      return { ...r, status: 'terminated', end_date: '2026-11-20' };
    }
    return r;
  });
  leavers = rows.filter((r) => r.end_date === '2026-11-20').map((r) => r.employee_id!);
  expect(leavers).toHaveLength(TERMINATED);
});

describe('a run terminating 30 % of the company', () => {
  it('run exits 3: HELD, with the run id to approve', async () => {
    const r = await cli(['--as', 'alice', 'run', '--file', 'hr/mass.csv'], { TENURE_NOW: MASS });
    expect(r.code, r.why).toBe(3);
    expect(r.stdout).toContain(`events: ${TERMINATED} leaver`);
    const m = /^Run (run_\S+) HELD by the safety gate: (.*)$/m.exec(r.stdout);
    expect(m, r.why).not.toBeNull();
    runId = m![1]!;
    expect(m![2]).toContain(
      `Corporate directory (export): ${TERMINATED} of 296 enabled accounts would be disabled or deleted (30.4 %)`,
    );
    expect(r.stdout).toContain(`tenure apply --approve ${runId}`);
  });
});

describe.concurrent('while held', () => {
  it('nothing is disabled in out/directory.csv', () => {
    expect(disabledInDirectory()).toEqual([]);
  });

  it('runs list --json shows the run held', async () => {
    const r = await cli(['runs', 'list', '--json']);
    expect(r.code, r.why).toBe(0);
    expect(r.json()[0]).toMatchObject({
      id: runId,
      status: 'held',
      actor: 'admin:alice',
      trigger: 'cli:run',
      approved_by: null,
      finished_at: null,
      held_reason: expect.stringContaining('an admin must approve this run'),
    });
  });

  it('plan says the gate would hold it again (exit 3)', async () => {
    const r = await cli(['plan'], { TENURE_NOW: MASS });
    expect(r.code, r.why).toBe(3);
    expect(r.stdout).toContain('SAFETY GATE: this plan would be held.');
  });
});

describe('approval', () => {
  it('apply --approve <id> exits 0 and executes the held run', async () => {
    const r = await cli(['--as', 'bob', 'apply', '--approve', runId], { TENURE_NOW: APPROVED });
    expect(r.code, r.why).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Run ${runId} approved: \\d+ succeeded, 0 failed`));
  });
});

describe.concurrent('after approval', () => {
  it('the terminated accounts are disabled in out/directory.csv, and only those', () => {
    expect(disabledInDirectory().sort()).toEqual([...leavers].sort());
  });

  it('the run is done, approved by admin:bob; approving again exits 7 (conflict)', async () => {
    const [list, again] = await Promise.all([
      cli(['runs', 'list', '--json']),
      cli(['apply', '--approve', runId]),
    ]);
    expect(list.json()[0]).toMatchObject({ id: runId, status: 'done', approved_by: 'admin:bob' });
    expect(again.code, again.why).toBe(7);
    expect(again.stderr).toContain(`error [run.not_held]: run ${runId} is done, not held`);
  });

  it('the audit export has run.held by admin:alice and run.approved by admin:bob', async () => {
    const r = await cli(['audit', 'export', '--format', 'jsonl']);
    expect(r.code, r.why).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l));
    const about = events.filter((e) => e.target === `run:${runId}`);
    expect(about.map((e) => [e.action, e.actor])).toEqual([
      ['run.held', 'admin:alice'],
      ['run.approved', 'admin:bob'],
      ['run.completed', 'admin:bob'],
    ]);
    expect(about[0]).toMatchObject({ ts: MASS, outcome: 'pending_manual' });
    expect(about[1]).toMatchObject({ ts: APPROVED, outcome: 'success' });
    const disables = events.filter(
      (e) => e.action === 'account.disable' && e.trigger === `run:${runId}`,
    );
    expect(disables.length).toBeGreaterThanOrEqual(TERMINATED);
  });
});
