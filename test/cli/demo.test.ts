/** `tenure demo` end to end on SQLite: the JML summary, the identities it leaves, and the audit trail. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cliFor, DEMO_NOW, demoChangeIds, tempDir, tenure } from './run-cli.js';

const tmp = tempDir('demo');
afterAll(tmp.cleanup);
const dir = join(tmp.dir, 'demo');
const cli = cliFor(dir, { TENURE_NOW: DEMO_NOW });
const leavers = demoChangeIds('Leavers');
let demo: CliResult;

beforeAll(async () => {
  demo = await tenure(['demo', dir, '--json'], { env: { TENURE_NOW: DEMO_NOW } });
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
  });

  it('identities list --status terminated --json lists every leaver of CHANGES.md', async () => {
    const r = await cli(['identities', 'list', '--status', 'terminated', '--json']);
    expect(r.code, r.why).toBe(0);
    const rows = r.json<{ id: string; status: string }[]>();
    expect(rows.map((i) => i.id)).toEqual(expect.arrayContaining(leavers));
    expect(rows.every((i) => i.status === 'terminated')).toBe(true);
    expect(rows.map((i) => i.id)).toEqual([...rows.map((i) => i.id)].sort());
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
      seconds: expect.any(Number),
    });
    expect(r.json().checkpoints).toBeGreaterThanOrEqual(1);
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
