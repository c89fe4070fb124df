/** Migrations: a fresh database gets every table, and migrating again is a no-op. */
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/create-store.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { createTestStore, type TestStore, testDialects } from '../support/databases.js';

const TABLES = [
  'access_history',
  'accounts',
  'audit_checkpoints',
  'audit_events',
  'grants',
  'identities',
  'identity_history',
  'operations',
  'quarantine',
  'review_campaigns',
  'review_items',
  'review_signoffs',
  'runs',
  'saved_plans',
  'snapshots',
  'tasks',
];

describe.each(testDialects())('migrations (%s)', (dialect) => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('creates every table on a fresh database and is idempotent', async () => {
    t = await createTestStore(dialect, { migrate: false });
    await t.store.migrate();
    await t.store.migrate();
    // A second connection sees the committed schema and the migration records.
    const again = await createStore(t.url);
    try {
      await again.migrate();
      expect(await again.audit.head()).toEqual({ seq: 0, hash: '0'.repeat(64) });
      expect(await again.identities.all()).toEqual([]);
      expect(await again.runs.list()).toEqual([]);
      expect(await again.tasks.list()).toEqual([]);
      expect(await again.accounts.all()).toEqual([]);
      expect(await again.grants.all()).toEqual([]);
    } finally {
      await again.close();
    }
    const names = Object.keys(await migrationProvider(dialect).getMigrations());
    expect(names).toEqual([...names].sort());
    expect(names.every((n) => /^\d{8}_\d{4}_[a-z_]+$/.test(n))).toBe(true);
  });

  it('has exactly the expected tables', async () => {
    t = await createTestStore(dialect);
    const query =
      dialect === 'sqlite'
        ? "SELECT name FROM sqlite_master WHERE type = 'table'"
        : "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'";
    const names = (await t.query<{ name: string }>(query)).map((r) => r.name);
    for (const table of TABLES) expect(names).toContain(table);
  });
});
