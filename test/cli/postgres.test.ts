/**
 * TENURE_DATABASE_URL: the demo on PostgreSQL (a fresh database) gives the same result as on
 * SQLite, and the audit trail verifies — and catches tampering — there too.
 * Skipped without TENURE_TEST_PG_URL (an error in CI, like every PostgreSQL test).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../support/databases.js';
import { type CliResult, cliFor, DEMO_NOW, tempDir, tenure } from './run-cli.js';

const withPostgres = testDialects().includes('postgres');

describe.skipIf(!withPostgres)('the CLI on PostgreSQL', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: TestDatabase;
  let pgDemo: CliResult;
  let sqliteDemo: CliResult;
  const pgDir = () => join(tmp.dir, 'pg');
  const pg = () => cliFor(pgDir(), { TENURE_NOW: DEMO_NOW, TENURE_DATABASE_URL: db.url });

  beforeAll(async () => {
    tmp = tempDir('pg');
    db = await createTestDatabase('postgres');
    const demo = (dir: string, env: Record<string, string>) =>
      tenure(['demo', dir, '--json'], { env: { TENURE_NOW: DEMO_NOW, ...env } });
    [pgDemo, sqliteDemo] = await Promise.all([
      demo(pgDir(), { TENURE_DATABASE_URL: db.url }),
      demo(join(tmp.dir, 'sqlite'), {}),
    ]);
  });
  afterAll(async () => {
    tmp?.cleanup();
    await db?.drop();
  });

  it('demo exits 0 with the same summary as on SQLite', () => {
    expect(pgDemo.code, pgDemo.why).toBe(0);
    expect(sqliteDemo.code, sqliteDemo.why).toBe(0);
    const comparable = (r: CliResult) => {
      const s = r.json();
      return {
        day1: { ...s.day1, run: undefined },
        day2: { ...s.day2, run: undefined },
        open_manual_tasks: s.open_manual_tasks,
        audit: { ...s.audit, head: undefined },
      };
    };
    const onPg = comparable(pgDemo);
    expect(onPg.audit.ok).toBe(true);
    expect(onPg.day2.hr_events).toMatchObject({ joiner: 10, mover: 15, leaver: 8, rehire: 2 });
    expect(onPg).toEqual(comparable(sqliteDemo));
    // The store really was PostgreSQL: no SQLite file in the workspace.
    expect(existsSync(join(pgDir(), '.tenure', 'tenure.db'))).toBe(false);
    expect(existsSync(join(pgDir(), '.tenure', 'audit-signing.key'))).toBe(true);
  });

  it('audit verify exits 0, then 4 naming the seq an attacker edited', async () => {
    const cli = pg();
    const ok = await cli(['audit', 'verify']);
    expect(ok.code, ok.why).toBe(0);
    expect(ok.stdout).toMatch(
      new RegExp(
        `^Audit trail intact: ${pgDemo.json().audit.events} events, [1-9]\\d* signed checkpoints`,
      ),
    );

    const seq = 42;
    const update = `UPDATE audit_events SET details = '{"forged":true}' WHERE seq = ${seq}`;
    await expect(db.exec(update)).rejects.toThrow(/append-only/);
    await db.exec(`DROP TRIGGER audit_events_append_only ON audit_events; ${update}`);

    const bad = await cli(['audit', 'verify', '--json']);
    expect(bad.code, bad.why).toBe(4);
    expect(bad.json()).toMatchObject({ ok: false, first_bad_seq: seq });
    expect(bad.json().reason).toMatch(/hash/);
  });
});
