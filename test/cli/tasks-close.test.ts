/**
 * `tenure tasks list|close` on the demo workspace: the holder's name beside each task, and
 * closing several tasks at once (ids, or every open task of one identity) with one evidence.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFor, DEMO_NOW, tempDir, tenure } from './run-cli.js';

const tmp = tempDir('tasks');
afterAll(tmp.cleanup);
const dir = join(tmp.dir, 'demo');
const cli = cliFor(dir, { TENURE_NOW: DEMO_NOW, TENURE_ACTOR: 'payroll-clerk' });

type Task = {
  id: number;
  identity_id: string | null;
  identity_name: string | null;
  assignee: string | null;
  status: string;
  evidence: string | null;
};
const openTasks = async () => {
  const r = await cli(['tasks', 'list', '--json']);
  expect(r.code, r.why).toBe(0);
  return r.json<Task[]>();
};

beforeAll(async () => {
  const r = await tenure(['demo', dir, '--json'], { env: { TENURE_NOW: DEMO_NOW } });
  expect(r.code, r.why).toBe(0);
});

describe.sequential('tasks on the demo', () => {
  it("tasks list shows each holder's display name next to the id, in text and --json", async () => {
    const tasks = await openTasks();
    const omar = tasks.filter((t) => t.identity_id === 'E1205');
    expect(omar.length).toBeGreaterThan(1);
    expect(omar.every((t) => t.identity_name === 'Omar Dubois')).toBe(true);
    expect(omar.every((t) => t.assignee === 'payroll-team')).toBe(true);
    const text = await cli(['tasks', 'list']);
    expect(text.stdout).toMatch(/^ID\s+HOLDER\s+STATUS/m);
    expect(text.stdout).toMatch(new RegExp(`^${omar[0]!.id}\\s+Omar Dubois\\s+open\\s`, 'm'));
  });

  it('tasks close --all-for closes every open task of that identity with the same evidence', async () => {
    const omar = (await openTasks()).filter((t) => t.identity_id === 'E1205');
    const r = await cli(['tasks', 'close', '--all-for', 'E1205', '--evidence', 'PAY-77', '--json']);
    expect(r.code, r.why).toBe(0);
    const out = r.json<{ closed: Task[]; failed: unknown[] }>();
    expect(out.failed).toEqual([]);
    expect(out.closed.map((t) => [t.id, t.status, t.evidence])).toEqual(
      omar.map((t) => [t.id, 'closed', 'PAY-77']),
    );
    const again = await cli(['tasks', 'close', '--all-for', 'E1205', '--evidence', 'x']);
    expect(again.code, again.why).toBe(2);
    expect(again.stderr).toContain('error [task.not_found]: identity E1205 has no open tasks');
  });

  it('tasks close <ids…> closes the rest, names each id it could not close, and exits 5', async () => {
    const [a, b] = await openTasks();
    const closedBefore = (await cli(['tasks', 'list', '--all', '--json']))
      .json<Task[]>()
      .find((t) => t.status === 'closed')!;
    const r = await cli([
      'tasks',
      'close',
      String(a!.id),
      '999999',
      String(b!.id),
      String(closedBefore.id),
      '--evidence',
      'PAY-78',
    ]);
    expect(r.code, r.why).toBe(5);
    expect(r.stdout).toContain(`Task #${a!.id} closed by admin:payroll-clerk at ${DEMO_NOW}.`);
    expect(r.stdout).toContain(`Task #${b!.id} closed by admin:payroll-clerk`);
    expect(r.stdout).toContain('2 closed, 2 not closed.');
    expect(r.stderr).toContain('error [task.not_found]: no task #999999');
    expect(r.stderr).toContain(`error [task.already_closed]: task #${closedBefore.id} was closed`);

    const none = await cli(['tasks', 'close', '999998', '999999', '--evidence', 'x', '--json']);
    expect(none.code, none.why).toBe(2);
    expect(none.json().failed.map((f: { code: string }) => f.code)).toEqual([
      'task.not_found',
      'task.not_found',
    ]);
  });

  it('every close is audited as a single close is, and the trail still verifies', async () => {
    const r = await cli(['audit', 'export', '--format', 'jsonl']);
    expect(r.code, r.why).toBe(0);
    const closes = r.stdout
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l) as { action: string; actor: string; details: unknown })
      .filter((e) => e.action === 'manual.task.closed' && e.actor === 'admin:payroll-clerk');
    expect(closes.length).toBeGreaterThanOrEqual(4);
    expect((await cli(['audit', 'verify'])).code).toBe(0);
  });

  it('refuses a bad id, or both/neither of ids and --all-for, before closing anything', async () => {
    const before = (await openTasks()).length;
    const [bad, both, neither] = await Promise.all([
      cli(['tasks', 'close', '1', 'x7', '--evidence', 'x']),
      cli(['tasks', 'close', '1', '--all-for', 'E1088', '--evidence', 'x']),
      cli(['tasks', 'close', '--evidence', 'x']),
    ]);
    for (const r of [bad, both, neither]) expect(r.code, r.why).toBe(2);
    expect(bad.stderr).toContain('error [cli.bad_task_id]: task id "x7" is not a positive integer');
    expect(neither.stderr).toContain('give task ids or --all-for <identity>');
    expect((await openTasks()).length).toBe(before);
  });
});
