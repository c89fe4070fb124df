/**
 * Two real `tenure serve` processes on one PostgreSQL: exactly one leads the schedules, both work
 * the shared queue (no job twice), and when the leader is killed (-9) the other takes over within
 * seconds and the scheduled work goes on.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigningKey } from '../../src/audit/signing-key.js';
import { HR_FIELDS } from '../../src/domain/types.js';
import { fullRun } from '../../src/engine/runs/runs.js';
import { DEFAULT_INTERVALS } from '../../src/engine/scheduler/index.js';
import { openWorkspace } from '../../src/engine/workspace.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { org } from '../support/small-org.js';
import { SECRET, SECRET_ENV, signedEvent, waitFor, webhookYaml } from './webhook-support.js';

const BIN = new URL('../../bin/tenure.js', import.meta.url).pathname;
const TICK =
  'import_and_run: { enabled: false }, reconcile: { enabled: false }, lifecycle_tick: { every: 2s }';

/** Hang guard for waits on the scheduler: 40 of its 1 s ticks (never an assertion on speed). */
const HANG_GUARD_MS = 40 * DEFAULT_INTERVALS.tickMs;

type LeaderRow = { owner: string; acquired_at: string; heartbeat_at: string };
type Replica = { proc: ChildProcess; url: string; pid: number; out: string[] };

describe.skipIf(!process.env.TENURE_TEST_PG_URL)('two tenure serve replicas on PostgreSQL', () => {
  let db: TestDatabase;
  let dir: string;
  const replicas: Replica[] = [];
  const env = () => ({
    ...process.env,
    TENURE_DATABASE_URL: db.url,
    [SECRET_ENV]: SECRET,
    TENURE_LOG_LEVEL: 'info',
  });
  const sql = <T>(text: string) => db.query<T>(text);

  const serve = (): Promise<Replica> =>
    new Promise((resolve, reject) => {
      const proc = spawn(process.execPath, [BIN, '-w', dir, 'serve', '--port', '0'], {
        env: env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out: string[] = [];
      let err = '';
      proc.stdout!.setEncoding('utf8').on('data', (d: string) => out.push(d));
      proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
        err += d;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
        if (m) resolve({ proc, url: m[1]!, pid: proc.pid!, out });
      });
      proc.on('exit', (code) => reject(new Error(`tenure serve exited ${code}: ${err}`)));
      setTimeout(() => reject(new Error(`tenure serve did not start: ${err}`)), 60_000).unref();
    });

  const leader = async () =>
    (await sql<{ owner: string }>('select owner from scheduler_leader'))[0]?.owner;
  const pidOf = (owner: string) => Number(owner.split(':')[1]);

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    dir = mkdtempSync(join(tmpdir(), 'tenure-replicas-'));
    mkdirSync(join(dir, 'hr'));
    writeFileSync(join(dir, 'tenure.yaml'), webhookYaml(TICK));
    writeFileSync(
      join(dir, 'hr', 'people.csv'),
      stringify([[...HR_FIELDS], ...org(30).map((r) => HR_FIELDS.map((f) => r[f] ?? ''))]),
    );
    createSigningKey(join(dir, '.tenure'));
    // Day one, before the servers: everyone provisioned.
    const ws = await openWorkspace(dir, { env: env() });
    try {
      await fullRun(ws, { actor: 'admin:setup', trigger: 'test' });
    } finally {
      await ws.close();
    }
    replicas.push(...(await Promise.all([serve(), serve()])));
  }, 120_000);

  afterAll(async () => {
    for (const r of replicas) if (r.proc.exitCode === null) r.proc.kill('SIGKILL');
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has exactly one leader, and both replicas process jobs, none twice', async () => {
    const owner = await waitFor('a leader', leader, 20_000);
    const pids = replicas.map((r) => r.pid);
    expect(pids).toContain(pidOf(owner));
    expect(await sql('select * from scheduler_leader')).toHaveLength(1);
    const said = replicas.map((r) => r.out.join('').includes('"became scheduler leader"'));
    expect(said.filter(Boolean)).toHaveLength(1);

    // 30 movers, each sent to one replica or the other: each person's department flips.
    const sent: number[] = [];
    for (const [i, p] of org(30).entries()) {
      const department = p.department === 'Sales' ? 'Engineering' : 'Sales';
      const ev = signedEvent({
        employee_id: p.employee_id,
        event_id: `move-${i}`,
        record: { department },
      });
      const res = await fetch(`${replicas[i % 2]!.url}/api/v1/sources/hr/events`, {
        method: 'POST',
        headers: ev.headers,
        body: ev.payload,
      });
      expect(res.status).toBe(202);
      sent.push(((await res.json()) as { job_id: number }).job_id);
    }
    const jobs = await waitFor(
      'the 30 runs',
      async () => {
        const rows = await sql<{
          id: number;
          status: string;
          attempts: number;
          lease_owner: string;
        }>("select id, status, attempts, lease_owner from jobs where kind = 'run_identity'");
        return rows.filter((r) => r.status === 'done').length === 30 ? rows : undefined;
      },
      60_000,
      200,
    );
    expect(jobs.map((j) => j.id).sort((a, b) => a - b)).toEqual(sent.sort((a, b) => a - b));
    expect(jobs.every((j) => j.attempts === 1)).toBe(true);
    const byPid = new Set(jobs.map((j) => pidOf(j.lease_owner)));
    expect(byPid).toEqual(new Set(pids));

    // Nothing done twice: runs never overlap (the run lock), so a person's change is applied by
    // their webhook run or, if it came first, by the 2-second lifecycle tick — never by both.
    const runs = await sql<{ id: string }>("select id from runs where trigger = 'hr:hr:webhook'");
    expect(runs.length).toBeGreaterThan(0);
    const people = await sql<{ run_id: string; n: number; who: string }>(
      `select run_id, count(distinct op::json->>'identity_id')::int as n, min(op::json->>'identity_id') as who
         from operations where run_id in (select id from runs where trigger = 'hr:hr:webhook') group by run_id`,
    );
    expect(people.every((p) => p.n === 1)).toBe(true);
    expect(new Set(people.map((p) => p.who)).size).toBe(people.length);
    const twice = await sql(
      "select key from operations where status = 'success' group by key having count(*) > 1",
    );
    expect(twice).toEqual([]);
    const changed = await sql<{ n: number }>(
      `select count(distinct op::json->>'identity_id')::int as n from operations
         where status = 'success' and run_id in (select id from runs where trigger <> 'test')`,
    );
    expect(changed[0]!.n).toBe(30);
  });

  it('hands leadership over when the leader is killed, and the schedule goes on', async () => {
    const before = await waitFor('a leader', leader, 20_000);
    const victim = replicas.find((r) => r.pid === pidOf(before))!;
    const survivor = replicas.find((r) => r !== victim)!;
    // The schedule runs under the leader: a tick every 2 s.
    await waitFor('a scheduled tick', async () => {
      const rows = await sql(
        "select id from jobs where kind = 'lifecycle_tick' and status = 'done'",
      );
      return rows.length > 0 ? true : undefined;
    });

    // The victim's last recorded heartbeat: the survivor's leadership must start after it.
    const [held] = await sql<LeaderRow>(
      'select owner, acquired_at, heartbeat_at from scheduler_leader',
    );
    expect(held!.owner).toBe(before);
    victim.proc.kill('SIGKILL');
    // The survivor tries every tick; the cap only guards against a hang, it is not a speed limit.
    const after = await waitFor(
      'the survivor to lead',
      async () => {
        const [row] = await sql<LeaderRow>(
          'select owner, acquired_at, heartbeat_at from scheduler_leader',
        );
        return row && pidOf(row.owner) === survivor.pid ? row : undefined;
      },
      HANG_GUARD_MS,
      50,
    );
    expect(after.owner).not.toBe(before);
    expect(after.acquired_at > held!.heartbeat_at).toBe(true);

    // Scheduled work continues, now queued (after the takeover) and run by the survivor.
    const since = after.acquired_at;
    await waitFor(
      'a tick queued by the new leader and done',
      async () => {
        const rows = await sql<{ lease_owner: string }>(
          `select lease_owner from jobs where kind = 'lifecycle_tick' and status = 'done' and created_at >= '${since}'`,
        );
        return rows.some((r) => pidOf(r.lease_owner) === survivor.pid) ? true : undefined;
      },
      HANG_GUARD_MS,
      200,
    );
    const state = await sql<{ last_outcome: string; last_run_at: string }>(
      "select last_outcome, last_run_at from schedule_state where name = 'lifecycle_tick'",
    );
    expect(state[0]!.last_run_at >= since).toBe(true);

    // A graceful stop resigns: no leader left behind.
    const exited = new Promise<number | null>((r) => survivor.proc.on('exit', r));
    survivor.proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await leader()).toBeUndefined();
  }, 180_000);
});
