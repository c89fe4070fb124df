/**
 * `tenure demo` end to end: the JML summary, the identities it leaves, the audit trail and its
 * tampering — on the default SQLite store, and with TENURE_DATABASE_URL on a fresh PostgreSQL
 * database when TENURE_TEST_PG_URL is set (an error in CI without it, like every PostgreSQL test).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../support/databases.js';
import {
  type CliResult,
  cliFor,
  DEMO_NOW,
  demoChangeIds,
  initWorkspace,
  tempDir,
  tenure,
} from './run-cli.js';

const withPostgres = testDialects().includes('postgres');
const tmp = tempDir('demo');
const dir = join(tmp.dir, 'demo');
const pgDir = join(tmp.dir, 'demo-pg');
const cli = cliFor(dir, { TENURE_NOW: DEMO_NOW });
const leavers = demoChangeIds('Leavers');
let demo: CliResult;
let pgDb: TestDatabase | undefined;
let pgDemo: CliResult | undefined;

const runDemo = (into: string, env: Record<string, string> = {}) =>
  tenure(['demo', into, '--json'], { env: { TENURE_NOW: DEMO_NOW, ...env } });

beforeAll(async () => {
  if (withPostgres) pgDb = await createTestDatabase('postgres');
  // Both demos at once: the SQLite one is also the baseline PostgreSQL must match.
  [demo, pgDemo] = await Promise.all([
    runDemo(dir),
    pgDb && runDemo(pgDir, { TENURE_DATABASE_URL: pgDb.url }),
  ]);
});
afterAll(async () => {
  tmp.cleanup();
  await pgDb?.drop();
});

describe.concurrent('tenure demo', () => {
  it('exits 0 with the JML counts of CHANGES.md and a verified audit trail', () => {
    expect(demo.code, demo.why).toBe(0);
    const s = demo.json();
    expect(s.workspace).toBe(dir);
    expect(s.day1.identities).toBe(300);
    expect(s.day1.execution.failure).toBe(0);
    const events = s.day2.hr_events;
    expect(events.joiner).toBeGreaterThanOrEqual(10);
    expect(events.mover).toBeGreaterThanOrEqual(15);
    expect(events.leaver).toBeGreaterThanOrEqual(8);
    expect(events.rehire).toBe(2);
    expect(s.day2.rejected).toEqual([]);
    expect(s.day2.execution.failure).toBe(0);
    expect(s.day2.operations.total).toBe(
      s.day2.execution.success + s.day2.execution.pending_manual,
    );
    expect(s.open_manual_tasks).toBeGreaterThan(0);
    expect(s.audit).toMatchObject({ ok: true, events: expect.any(Number) });
    expect(s.audit.checkpoints).toBeGreaterThanOrEqual(1);
    expect(s.outputs.length).toBe(4);
    for (const app of ['directory', 'github', 'crm', 'finance-erp'])
      expect(existsSync(join(dir, 'out', `${app}.csv`)), app).toBe(true);
    expect(existsSync(join(dir, '.tenure', 'tenure.db'))).toBe(true);
    expect(readFileSync(join(dir, '.tenure-demo'), 'utf8')).toMatch(/made by "tenure demo"/);
  });

  it('identities list --status terminated --json lists every leaver of CHANGES.md', async () => {
    const r = await cli(['identities', 'list', '--status', 'terminated', '--json']);
    expect(r.code, r.why).toBe(0);
    const rows = r.json<{ id: string; status: string }[]>();
    expect(rows.map((i) => i.id)).toEqual(expect.arrayContaining(leavers));
    expect(rows.every((i) => i.status === 'terminated')).toBe(true);
    expect(rows.map((i) => i.id)).toEqual([...rows.map((i) => i.id)].sort());
  });

  it('identities list --q / --department search as the API does (prefixes, any case)', async () => {
    const r = await cli(['identities', 'list', '--q', 'KENJI bro', '--json']);
    expect(r.code, r.why).toBe(0);
    expect(r.json<{ id: string }[]>().map((i) => i.id)).toEqual(['E1002']);
    const eng = await cli(['identities', 'list', '--department', 'Engineering', '--json']);
    const rows = eng.json<{ id: string; attributes: { department: string } }[]>();
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.every((i) => i.attributes.department === 'Engineering')).toBe(true);
    const text = await cli(['identities', 'list', '--q', 'kenji', '--department', 'Engineering']);
    expect(text.stdout).toMatch(/E1002\s+Kenji Brown/);
  });

  it('identities show <leaver> --json has the accounts and the effective-dated history', async () => {
    const id = leavers[0]!;
    const r = await cli(['identities', 'show', id, '--json']);
    expect(r.code, r.why).toBe(0);
    const { identity, accounts, history } = r.json();
    expect(identity).toMatchObject({ id, status: 'terminated', missing_from_source: false });
    expect(identity.attributes.end_date).toMatch(/^2026-11-\d\d$/);
    // Every connected account is disabled and stripped; payroll waits for the payroll team.
    const direct = accounts.filter((a: { app_id: string }) => a.app_id !== 'payroll');
    expect(direct.length).toBeGreaterThan(0);
    for (const a of direct) expect(a, a.app_id).toMatchObject({ enabled: false, entitlements: [] });
    expect(history.map((h: { status: string }) => h.status)).toEqual(['active', 'terminated']);
    expect(history[0]).toMatchObject({ events: ['joiner'], valid_to: DEMO_NOW });
    expect(history[1]).toMatchObject({ events: ['leaver'], valid_from: DEMO_NOW, valid_to: null });
  });

  it('audit verify --json exits 0 on the fresh demo', async () => {
    const r = await cli(['audit', 'verify', '--json']);
    expect(r.code, r.why).toBe(0);
    expect(r.json()).toEqual({
      ok: true,
      events: demo.json().audit.events,
      checkpoints: expect.any(Number),
      head: expect.stringMatching(/^[0-9a-f]{64}$/),
      signatures: 'verified',
      signed_through: demo.json().audit.events,
      anchors: [expect.stringMatching(/head file .*audit-head\.json: seq \d+/)],
      notes: [expect.stringMatching(/no witness configured/)],
      seconds: expect.any(Number),
    });
    expect(r.json().checkpoints).toBeGreaterThanOrEqual(1);
  });

  it('audit export verifies offline; without its header it does not', async () => {
    const file = join(tmp.dir, 'demo-export.jsonl');
    const exported = await cli(['audit', 'export', '--format', 'jsonl', '--out', file]);
    expect(exported.code, exported.why).toBe(0);
    const key = join(dir, '.tenure', 'audit-signing.pub');
    const ok = await tenure(['audit', 'verify-export', file, '--public-key', key]);
    expect(ok.code, ok.why).toBe(0);
    expect(ok.stdout).toMatch(/Export intact: .*last event signed.*\nsignatures: verified/s);
    const headless = join(tmp.dir, 'demo-headless.jsonl');
    writeFileSync(headless, readFileSync(file, 'utf8').split('\n').slice(1).join('\n'));
    const bad = await tenure(['audit', 'verify-export', headless, '--public-key', key, '--json']);
    expect(bad.code).toBe(4);
    expect(bad.json()).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not an export header/),
    });
  });
});

describe.concurrent('the directories a demo may reset', () => {
  it('refuses a workspace it did not create: exit 2, its database and signing key untouched', async () => {
    const ws = initWorkspace(join(tmp.dir, 'real'));
    writeFileSync(join(ws, '.tenure', 'tenure.db'), 'the real database');
    const key = readFileSync(join(ws, '.tenure', 'audit-signing.key'), 'utf8');
    for (const args of [
      ['demo', ws],
      ['serve', '--demo', ws, '--port', '0'],
    ]) {
      const r = await tenure(args, { env: { TENURE_NOW: DEMO_NOW } });
      expect(r.code, r.why).toBe(2);
      expect(r.stderr).toMatch(/^error \[demo\.workspace_exists\]: /);
      expect(r.stderr).toContain(`${ws} holds a Tenure workspace the demo did not create`);
      expect(r.stderr).not.toContain('listening on');
    }
    expect(readFileSync(join(ws, '.tenure', 'tenure.db'), 'utf8')).toBe('the real database');
    expect(readFileSync(join(ws, '.tenure', 'audit-signing.key'), 'utf8')).toBe(key);
    expect(existsSync(join(ws, '.tenure-demo'))).toBe(false);
  });

  it('refuses a non-empty directory that is no workspace, and leaves it as it was', async () => {
    const other = join(tmp.dir, 'notes');
    mkdirSync(other);
    writeFileSync(join(other, 'todo.txt'), 'mine');
    const r = await runDemo(other);
    expect(r.code, r.why).toBe(2);
    expect(r.stderr).toContain(`error [demo.dir_not_empty]: ${other} is not empty`);
    expect(readdirSync(other)).toEqual(['todo.txt']);
  });

  it('resets a directory an earlier demo made, even one stopped half-way', async () => {
    const again = join(tmp.dir, 'again');
    mkdirSync(join(again, '.tenure'), { recursive: true });
    mkdirSync(join(again, 'out'));
    writeFileSync(join(again, '.tenure-demo'), 'made by "tenure demo"\n');
    writeFileSync(join(again, '.tenure', 'tenure.db'), 'not a database: a demo killed mid-run');
    writeFileSync(join(again, 'out', 'stale.csv'), 'old');
    const r = await runDemo(again);
    expect(r.code, r.why).toBe(0);
    expect(r.json().day1.identities).toBe(300);
    expect(existsSync(join(again, 'out', 'stale.csv'))).toBe(false);
    expect(existsSync(join(again, '.tenure-demo'))).toBe(true);
  });
});

describe('tampering with the demo store', () => {
  it('audit verify exits 4 and names the edited seq', async () => {
    const seq = Math.floor(demo.json().audit.events / 2);
    const db = new Database(join(dir, '.tenure', 'tenure.db'));
    try {
      const update = `UPDATE audit_events SET details = '{"forged":true}' WHERE seq = ${seq}`;
      expect(() => db.exec(update)).toThrow(/append-only/);
      db.exec('DROP TRIGGER audit_events_no_update');
      expect(db.prepare(update).run().changes).toBe(1);
    } finally {
      db.close();
    }

    const [text, json] = await Promise.all([
      cli(['audit', 'verify']),
      cli(['audit', 'verify', '--json']),
    ]);
    expect(text.code, text.why).toBe(4);
    expect(text.stdout).toContain(`AUDIT TRAIL BROKEN at seq ${seq}:`);
    expect(json.code, json.why).toBe(4);
    expect(json.json()).toMatchObject({ ok: false, first_bad_seq: seq });
  });
});

describe.skipIf(!withPostgres)('TENURE_DATABASE_URL on PostgreSQL', () => {
  const onPg = () => cliFor(pgDir, { TENURE_NOW: DEMO_NOW, TENURE_DATABASE_URL: pgDb!.url });

  it('demo exits 0 with the same summary as on SQLite, and no SQLite file', () => {
    expect(pgDemo?.code, pgDemo?.why).toBe(0);
    const comparable = (r: CliResult) => {
      const s = r.json();
      return {
        day1: { ...s.day1, run: undefined },
        day2: { ...s.day2, run: undefined },
        open_manual_tasks: s.open_manual_tasks,
        audit: { ...s.audit, head: undefined, anchors: undefined },
      };
    };
    expect(comparable(pgDemo!)).toEqual(comparable(demo));
    expect(pgDemo!.json().audit.ok).toBe(true);
    expect(existsSync(join(pgDir, '.tenure', 'tenure.db'))).toBe(false);
    expect(existsSync(join(pgDir, '.tenure', 'audit-signing.key'))).toBe(true);
  });

  it('audit verify exits 0, then 4 naming the seq an attacker edited', async () => {
    const ok = await onPg()(['audit', 'verify']);
    expect(ok.code, ok.why).toBe(0);
    expect(ok.stdout).toMatch(
      new RegExp(
        `^Audit trail intact: ${pgDemo!.json().audit.events} events, [1-9]\\d* signed checkpoints`,
      ),
    );

    const seq = 42;
    const update = `UPDATE audit_events SET details = '{"forged":true}' WHERE seq = ${seq}`;
    await expect(pgDb!.exec(update)).rejects.toThrow(/append-only/);
    await pgDb!.exec(`DROP TRIGGER audit_events_append_only ON audit_events; ${update}`);

    const bad = await onPg()(['audit', 'verify', '--json']);
    expect(bad.code, bad.why).toBe(4);
    expect(bad.json()).toMatchObject({ ok: false, first_bad_seq: seq });
  });
});
