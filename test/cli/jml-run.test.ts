/**
 * The scheduled job, twice: `run` on demo snapshot 1 (day one), the payroll team closing a
 * person's day-one tasks, then `run --file hr/employees-next.csv` in which that person leaves.
 * Then the evidence: the exports, the manual tasks, history, `access --at`, the audit export.
 * Each step has its own TENURE_NOW, so history and the audit trail have distinct moments.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFor, demoChangeIds, initWorkspace, readCsv, tempDir, tenure } from './run-cli.js';

const tmp = tempDir('jml');
afterAll(tmp.cleanup);
const dir = join(tmp.dir, 'w');
const cli = cliFor(dir);

const DAY_ONE = '2026-11-02T08:00:00.000Z';
const PAYROLL_DONE = '2026-11-02T09:00:00.000Z';
const DAY_TWO = '2026-11-26T10:00:00.000Z';
const LATER = '2026-11-27T09:00:00.000Z';
const leaver = 'E1088'; // Nadia Silva, Engineering: directory, GitHub and payroll

type Task = {
  id: number;
  app_id: string;
  identity_id: string | null;
  status: string;
  summary: string;
  op: { key: string; task: { action: string }; reasons: string[] };
  closed_by: string | null;
  closed_at: string | null;
  evidence: string | null;
};
type Holding = { app_id: string; account_id: string; entitlement_id: string | null };
type AuditEvent = { seq: number; ts: string; action: string; actor: string; details: string };

const tasksOf = async (identity: string) => {
  const r = await cli(['tasks', 'list', '--json']);
  expect(r.code, r.why).toBe(0);
  return r.json<Task[]>().filter((t) => t.identity_id === identity);
};
/** The leaver's open tasks right after the JML run. */
let leaverTasks: Task[] = [];

beforeAll(() => {
  expect(demoChangeIds('Leavers')).toContain(leaver);
  initWorkspace(dir);
});

describe('day one, then the JML snapshot', () => {
  it('run on snapshot 1 provisions everyone; payroll work becomes manual tasks', async () => {
    const r = await cli(['run'], { TENURE_NOW: DAY_ONE });
    expect(r.code, r.why).toBe(0);
    expect(r.stdout).toContain('300 rows, 300 accepted, 0 rejected');
    expect(r.stdout).toMatch(
      /Run run_20261102T080000_\w+: \d+ succeeded, 0 failed, \d+ pending manual/,
    );

    const tasks = await tasksOf(leaver);
    expect(tasks.map((t) => [t.app_id, t.op.task.action]).sort()).toEqual([
      ['payroll', 'account.create'],
      ['payroll', 'entitlement.grant'],
    ]);
    // The payroll team creates the person's record on day one.
    const closes = await Promise.all(
      tasks.map((t) =>
        cli(
          ['--as', 'payroll-clerk', 'tasks', 'close', String(t.id), '--evidence', `PAY-${t.id}`],
          {
            TENURE_NOW: PAYROLL_DONE,
          },
        ),
      ),
    );
    for (const c of closes) {
      expect(c.code, c.why).toBe(0);
      expect(c.stdout).toMatch(
        /^Task #\d+ closed by admin:payroll-clerk at 2026-11-02T09:00:00\.000Z\./,
      );
    }
  });

  it('run --file hr/employees-next.csv imports the JML snapshot and applies it', async () => {
    const r = await cli(['run', '--file', 'hr/employees-next.csv'], { TENURE_NOW: DAY_TWO });
    expect(r.code, r.why).toBe(0);
    expect(r.stdout).toContain('311 rows, 311 accepted, 0 rejected');
    expect(r.stdout).toMatch(/events: .*\b8 leaver\b/);
    expect(r.stdout).toMatch(/Run run_20261126T100000_\w+: \d+ succeeded, 0 failed/);
    leaverTasks = await tasksOf(leaver);
  });
});

describe.concurrent('after the JML run', () => {
  it('every export holds the leaver disabled and without entitlements', () => {
    let seen = 0;
    for (const app of ['directory', 'github', 'crm', 'finance-erp']) {
      for (const row of readCsv(join(dir, 'out', `${app}.csv`))) {
        if (row.employee_id !== leaver) continue;
        seen++;
        expect(row, app).toMatchObject({ enabled: 'false', entitlements: '' });
      }
    }
    expect(seen).toBe(2); // directory and GitHub: the only exported applications the person had
  });

  it('tasks list --json has the payroll revoke and disable tasks for the leaver', () => {
    expect(leaverTasks.map((t) => t.op.task.action).sort()).toEqual([
      'account.disable',
      'entitlement.revoke',
    ]);
    for (const t of leaverTasks) {
      expect(t).toMatchObject({ app_id: 'payroll', status: 'open', closed_by: null });
      expect(t.summary).toContain(`account ${leaver} in Legacy payroll`);
      // Why, not `(unjustified)`: `unjustified` is left for drift no policy explains.
      expect(t.summary).toMatch(/ \(leaver: terminated 2026-11-04\)$/);
      expect(t.op.reasons).toEqual(['leaver: terminated 2026-11-04']);
    }
  });

  it("runs show --json: a mover's removals say what they no longer are, a leaver's why they left", async () => {
    const list = await cli(['runs', 'list', '--json']);
    expect(list.code, list.why).toBe(0);
    const runId = list.json<{ id: string }[]>()[0]!.id;
    const r = await cli(['runs', 'show', runId, '--json']);
    expect(r.code, r.why).toBe(0);
    type Row = { op: { identity_id: string; kind: string; reasons: string[] } };
    const rows = r.json<{ operations: Row[] }>().operations.map((o) => o.op);
    const removals = (id: string) =>
      rows.filter((o) => o.identity_id === id && /revoke|disable|delete/.test(o.kind));
    const mover = removals('E1015'); // Engineering → Sales
    expect(mover.length).toBeGreaterThan(0);
    for (const o of mover) expect(o.reasons).toEqual(['mover: no longer in Engineering']);
    const left = removals(leaver);
    expect(left.length).toBeGreaterThan(0);
    for (const o of left) expect(o.reasons).toEqual(['leaver: terminated 2026-11-04']);
  });

  it('identities show --json has one history row per state, effective-dated', async () => {
    const r = await cli(['identities', 'show', leaver, '--json']);
    expect(r.code, r.why).toBe(0);
    const { identity, history, accounts } = r.json();
    expect(identity).toMatchObject({ id: leaver, status: 'terminated' });
    expect(history).toMatchObject([
      { status: 'active', events: ['joiner'], valid_from: DAY_ONE, valid_to: DAY_TWO },
      { status: 'terminated', events: ['leaver'], valid_from: DAY_TWO, valid_to: null },
    ]);
    expect(history[1].attributes.end_date).toBe('2026-11-04');
    expect(
      accounts.map((a: { app_id: string; enabled: boolean }) => [a.app_id, a.enabled]).sort(),
    ).toEqual([
      ['directory', false],
      ['github', false],
      ['payroll', true], // until the payroll team closes its task
    ]);
  });

  it('access --at shows what the leaver held before and after the disable', async () => {
    const [before, after] = await Promise.all([
      cli(['access', '--at', '2026-11-10T12:00:00Z', '--identity', leaver, '--json']),
      cli(['access', '--at', '2026-11-26T11:00:00+01:00', '--identity', leaver, '--json']),
    ]);
    const held = (r: typeof before) => {
      expect(r.code, r.why).toBe(0);
      return r
        .json<{ access: Holding[] }>()
        .access.map((h) => `${h.app_id}:${h.entitlement_id ?? '(account)'}`)
        .sort();
    };
    expect(before.json().at).toBe('2026-11-10T12:00:00.000Z');
    expect(held(before)).toEqual([
      'directory:(account)',
      'directory:all-staff',
      'directory:engineering',
      'github:(account)',
      'github:org-member',
      'payroll:(account)',
      'payroll:employee-record',
    ]);
    expect(after.json().at).toBe(DAY_TWO);
    expect(held(after)).toEqual(['payroll:(account)', 'payroll:employee-record']);
  });
});

describe('closing the leaver’s payroll task', () => {
  it('tasks close --evidence records who, when and the evidence', async () => {
    const disable = leaverTasks.find((t) => t.op.task.action === 'account.disable')!;
    const r = await cli(
      [
        '--as',
        'jdoe',
        'tasks',
        'close',
        String(disable.id),
        '--evidence',
        'Disabled, ticket PAY-1234',
        '--json',
      ],
      { TENURE_NOW: LATER },
    );
    expect(r.code, r.why).toBe(0);
    expect(r.json()).toMatchObject({
      id: disable.id,
      status: 'closed',
      closed_by: 'admin:jdoe',
      closed_at: LATER,
      evidence: 'Disabled, ticket PAY-1234',
    });
  });

  it('closing it again exits 7 (conflict); a blank --evidence exits 2', async () => {
    const disable = leaverTasks.find((t) => t.op.task.action === 'account.disable')!;
    const revoke = leaverTasks.find((t) => t.op.task.action === 'entitlement.revoke')!;
    const [again, blank] = await Promise.all([
      cli(['tasks', 'close', String(disable.id), '--evidence', 'twice']),
      cli(['tasks', 'close', String(revoke.id), '--evidence', '   ']),
    ]);
    expect(again.code, again.why).toBe(7);
    expect(again.stderr).toContain(
      `error [task.already_closed]: task #${disable.id} was closed by admin:jdoe at ${LATER}`,
    );
    expect(blank.code, blank.why).toBe(2);
    expect(blank.stderr).toContain(
      `error [task.evidence_required]: task #${revoke.id}: --evidence must say what was done`,
    );

    // The refused closes changed nothing: the audit export below has exactly one close by jdoe.
  });
});

describe.concurrent('the audit export of it all', () => {
  let all: AuditEvent[];
  const jsonl = (text: string) => {
    const [header, ...lines] = text.trimEnd().split('\n');
    return { header: JSON.parse(header!), events: lines.map((l) => JSON.parse(l) as AuditEvent) };
  };

  beforeAll(async () => {
    const r = await cli(['audit', 'export', '--format', 'jsonl']);
    expect(r.code, r.why).toBe(0);
    all = jsonl(r.stdout).events;
  });

  it('jsonl: every event in seq order; each closed task once, with actor and evidence', () => {
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(new Set(all.map((e) => e.ts))).toEqual(new Set([DAY_ONE, PAYROLL_DONE, DAY_TWO, LATER]));
    const closed = all.filter((e) => e.action === 'manual.task.closed');
    expect(closed.map((e) => [e.ts, e.actor])).toEqual([
      [PAYROLL_DONE, 'admin:payroll-clerk'],
      [PAYROLL_DONE, 'admin:payroll-clerk'],
      [LATER, 'admin:jdoe'],
    ]);
    expect(JSON.parse(closed[2]!.details)).toMatchObject({
      evidence: 'Disabled, ticket PAY-1234',
      identity: leaver,
      action: 'account.disable',
    });
  });

  it('csv --since --until keeps exactly the events in [since, until)', async () => {
    const r = await cli([
      'audit',
      'export',
      '--format',
      'csv',
      '--since',
      DAY_TWO,
      '--until',
      LATER,
    ]);
    expect(r.code, r.why).toBe(0);
    expect(r.stdout).toMatch(
      /^seq,ts,action,actor,trigger,target,outcome,details,prev_hash,hash\r\n/,
    );
    const rows: Record<string, string>[] = parse(r.stdout, { columns: true });
    const expected = all.filter((e) => e.ts >= DAY_TWO && e.ts < LATER);
    expect(rows.map((row) => Number(row.seq))).toEqual(expected.map((e) => e.seq));
    expect(new Set(rows.map((row) => row.ts))).toEqual(new Set([DAY_TWO]));
    const actions = new Set(rows.map((row) => row.action));
    for (const a of ['hr.snapshot.imported', 'identity.leaver', 'account.disable', 'run.completed'])
      expect(actions, a).toContain(a);
    expect(actions).not.toContain('manual.task.closed');
    // details stay the exact hashed text, quotes and commas included.
    expect(rows.map((row) => row.details)).toEqual(expected.map((e) => e.details));
  });

  it('jsonl --since --out writes the tail of the trail to a file', async () => {
    const out = join(tmp.dir, 'tail.jsonl');
    const r = await cli([
      'audit',
      'export',
      '--format',
      'jsonl',
      '--since',
      '2026-11-27',
      '--out',
      out,
    ]);
    expect(r.code, r.why).toBe(0);
    expect(r.stdout).toBe('');
    const expected = all.filter((e) => e.ts >= LATER);
    expect(r.stderr).toContain(`${expected.length} events written to ${out}; public key: `);
    const { header, events } = jsonl(readFileSync(out, 'utf8'));
    expect(header).toMatchObject({
      type: 'tenure.audit.export',
      version: 2,
      since: '2026-11-27T00:00:00.000Z',
      until: null,
      first_seq: expected[0]!.seq,
      last_seq: all.at(-1)!.seq,
    });
    expect(events).toEqual(expected);
    expect(header.public_key).toBe(readFileSync(cli.path('.tenure', 'audit-signing.pub'), 'utf8'));

    // An auditor checks the file offline against the key; an edited line is caught.
    const forged = join(tmp.dir, 'forged.jsonl');
    const lines = readFileSync(out, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"actor":"admin:jdoe"', '"actor":"admin:mallory"');
    writeFileSync(forged, lines.join('\n'));
    const key = ['--public-key', cli.path('.tenure', 'audit-signing.pub')];
    const [ok, bad] = await Promise.all([
      tenure(['audit', 'verify-export', out, ...key, '--json']),
      tenure(['audit', 'verify-export', forged, ...key]),
    ]);
    expect(ok.code, ok.why).toBe(0);
    expect(ok.json()).toMatchObject({ ok: true, events: expected.length });
    expect(bad.code, bad.why).toBe(4);
    expect(bad.stdout).toContain(`EXPORT BROKEN at seq ${expected[0]!.seq}`);
  });
});
