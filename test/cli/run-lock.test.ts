/**
 * One run at a time, across real `tenure` processes on one workspace (SQLite file, and
 * PostgreSQL when TENURE_TEST_PG_URL is set): a second `run`/`apply` while one is applying exits 7
 * with `run.in_progress` naming the holder; a run SIGKILLed mid-apply is closed `interrupted` by
 * the next, which does the rest; an approved run killed mid-apply is not held a second time.
 * The first process is held mid-apply by a FIFO in place of out/directory.csv (background-cli.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../support/databases.js';
import { blockFile, startTenure, until } from './background-cli.js';
import { cliFor, demoChangeIds, initWorkspace, readCsv, rewriteHr, tempDir } from './run-cli.js';

const DAY_ONE = '2026-11-02T08:00:00.000Z';
const DAY_TWO = '2026-11-26T10:00:00.000Z';
const DAY_TWO_LATER = '2026-11-26T11:00:00.000Z';
const MASS = '2026-11-27T10:00:00.000Z';
const APPROVED = '2026-11-27T11:00:00.000Z';
const AFTER = '2026-11-27T12:00:00.000Z';

type Run = { id: string; status: string; approved_by: string | null };

describe.each(testDialects())('run lock across processes (%s)', (dialect) => {
  const tmp = tempDir(`runlock-${dialect}`);
  const dir = join(tmp.dir, 'w');
  let db: TestDatabase;
  let env: Record<string, string>;
  const cli = (args: string[], now: string) => cliFor(dir, env)(args, { TENURE_NOW: now });
  const directory = join(dir, 'out', 'directory.csv');
  const start = (args: string[], now: string) =>
    startTenure(['-w', dir, ...args], { ...env, TENURE_NOW: now });
  const runs = async () => (await cli(['runs', 'list', '--json'], AFTER)).json<Run[]>();
  /** The run the background process is applying, once it is. */
  const applying = () =>
    until('a run applying', async () => {
      const rows = await db
        .query<{ id: string }>("SELECT id FROM runs WHERE status = 'applying'")
        .catch(() => []);
      return rows[0]?.id;
    });

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    env = { TENURE_DATABASE_URL: db.url };
    initWorkspace(dir);
  });
  afterAll(async () => {
    await db.drop();
    tmp.cleanup();
  });

  it('two `tenure run` at once: one executes, the other exits 7 naming it', async () => {
    const gate = blockFile(directory);
    const first = start(['run'], DAY_ONE);
    const runId = await applying();

    const second = await cli(['run'], DAY_ONE);
    expect(second.code, second.why).toBe(7);
    expect(second.stderr).toContain('error [run.in_progress]: another run is in progress');
    expect(second.stderr).toContain(`run ${runId}, cli:run by admin:`);
    expect(second.stderr).toContain(`pid ${first.pid}`);

    gate.release('account_id,employee_id,enabled,container,entitlements\n');
    const done = await first.result;
    expect(done.code, done.why).toBe(0);
    // Exactly one run executed; the one refused left nothing behind, not even an import.
    expect((await runs()).map((r) => [r.id, r.status])).toEqual([[runId, 'done']]);
    expect(readCsv(directory).length).toBeGreaterThan(250);
    const snapshots = await db.query<{ n: number | string }>('SELECT count(*) AS n FROM snapshots');
    expect(Number(snapshots[0]!.n)).toBe(1);
  });

  it('two `apply` at once: the second exits 7; the first, SIGKILLed mid-apply, is closed interrupted by the next', async () => {
    const imported = await cli(['import', '--file', 'hr/employees-next.csv'], DAY_TWO);
    expect(imported.code, imported.why).toBe(0);
    const saved = readFileSync(directory, 'utf8');
    const gate = blockFile(directory);
    const first = start(['apply'], DAY_TWO);
    const runId = await applying();

    const [second, approve] = await Promise.all([
      cli(['apply'], DAY_TWO),
      cli(['apply', '--approve', 'run_any'], DAY_TWO),
    ]);
    for (const r of [second, approve]) {
      expect(r.code, r.why).toBe(7);
      expect(r.stderr).toContain(`run ${runId}, cli:apply by admin:`);
    }

    first.kill('SIGKILL');
    expect((await first.result).code).toBeNull();
    gate.remove();
    writeFileSync(directory, saved);

    const next = await cli(['apply', '--json'], DAY_TWO_LATER);
    expect(next.code, next.why).toBe(0);
    const list = await runs();
    expect(list.find((r) => r.id === runId)?.status).toBe('interrupted');
    expect(list[0]).toMatchObject({ id: next.json().run_id, status: 'done' });

    const ops = await db.query<{ status: string; op: string }>(
      `SELECT status, op FROM operations WHERE run_id = '${runId}'`,
    );
    expect(ops.filter((o) => o.status === 'queued')).toEqual([]);
    const directoryOps = ops.filter((o) => JSON.parse(o.op).app_id === 'directory');
    expect(directoryOps.length).toBeGreaterThan(0);
    expect(new Set(directoryOps.map((o) => o.status))).toEqual(new Set(['cancelled']));

    const audit = await cli(['audit', 'export', '--format', 'jsonl'], AFTER);
    const events = audit.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l));
    const closed = events.filter((e) => e.action === 'run.interrupted');
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ target: `run:${runId}`, outcome: 'failure' });
    const details = JSON.parse(closed[0].details);
    expect(details.reason).toContain(`process ${first.pid} on`);
    expect(details.cancelled).toBe(directoryOps.length);

    // The rest was done by the next run: the JML leavers are disabled in the directory now.
    const disabled = readCsv(directory).filter((r) => r.enabled === 'false');
    for (const leaver of demoChangeIds('Leavers'))
      expect(disabled.map((r) => r.employee_id)).toContain(leaver);
  });

  it('an approved run SIGKILLed mid-apply keeps its approval: the next apply is not held', async () => {
    let n = 0;
    const rows = rewriteHr(
      join(dir, 'hr', 'employees-next.csv'),
      join(dir, 'hr', 'mass.csv'),
      (r) => {
        if (r.status === 'active' && n < 90) {
          n++;
          return { ...r, status: 'terminated', end_date: '2026-11-27' };
        }
        return r;
      },
    );
    const leavers = rows.filter((r) => r.end_date === '2026-11-27').map((r) => r.employee_id!);
    const held = await cli(['run', '--file', 'hr/mass.csv'], MASS);
    expect(held.code, held.why).toBe(3);
    const heldId = /^Run (run_\S+) HELD/m.exec(held.stdout)![1]!;

    const saved = readFileSync(directory, 'utf8');
    const gate = blockFile(directory);
    const approving = start(['--as', 'bob', 'apply', '--approve', heldId], APPROVED);
    expect(await applying()).toBe(heldId);
    approving.kill('SIGKILL');
    await approving.result;
    gate.remove();
    writeFileSync(directory, saved);

    // Without the approval carried over, this plan would be held again (exit 3).
    const next = await cli(['apply', '--json'], AFTER);
    expect(next.code, next.why).toBe(0);
    const list = await runs();
    expect(list.find((r) => r.id === heldId)).toMatchObject({
      status: 'interrupted',
      approved_by: 'admin:bob',
    });
    expect(list[0]).toMatchObject({ status: 'done', approved_by: 'admin:bob' });
    const disabled = new Set(
      readCsv(directory)
        .filter((r) => r.enabled === 'false')
        .map((r) => r.employee_id),
    );
    for (const l of leavers) expect(disabled.has(l), l).toBe(true);
  });
});
