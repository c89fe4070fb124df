/** Test databases: which dialects to run, and a fresh isolated store per test file or test. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/types.js';

export type TestDialect = 'sqlite' | 'postgres';

export type TestStore = {
  store: Store;
  url: string;
  dialect: TestDialect;
  /** Raw SQL on a separate connection, for tests that play the attacker (drop triggers…). */
  exec(sqlText: string): Promise<void>;
  /** One raw SELECT on a separate connection. */
  query<T = Record<string, unknown>>(sqlText: string): Promise<T[]>;
  /** Closes the store and removes the database. */
  cleanup(): Promise<void>;
};

/**
 * ['sqlite', 'postgres'] when TENURE_TEST_PG_URL is set (start one with
 * `scripts/services/postgres.sh start`), ['sqlite'] otherwise. In CI a missing URL is an error:
 * a CI run must never pass by silently skipping PostgreSQL.
 */
export const testDialects = (): TestDialect[] => {
  if (process.env.TENURE_TEST_PG_URL) return ['sqlite', 'postgres'];
  if (process.env.CI) {
    throw new Error(
      'CI is set but TENURE_TEST_PG_URL is not: start PostgreSQL (scripts/services/postgres.sh start)',
    );
  }
  return ['sqlite'];
};

/** A migrated store on a database nobody else uses (vitest runs files in parallel processes). */
export const createTestStore = async (
  dialect: TestDialect,
  opts: { clock?: () => Date; migrate?: boolean } = {},
): Promise<TestStore> => {
  const made = dialect === 'sqlite' ? makeSqlite() : await makePostgres();
  const store = await createStore(made.url, opts.clock ? { clock: opts.clock } : {});
  if (opts.migrate !== false) await store.migrate();
  let closed = false;
  return {
    store,
    url: made.url,
    dialect,
    exec: async (text) => {
      await made.run(text, false);
    },
    query: async <T>(text: string) => (await made.run(text, true)) as T[],
    async cleanup() {
      if (!closed) await store.close();
      closed = true;
      await made.drop();
    },
  };
};

export type TestDatabase = {
  /** For TENURE_DATABASE_URL: `sqlite:<file>` or `postgres://…/<fresh database>`. */
  url: string;
  dialect: TestDialect;
  /** Raw SQL on a separate connection (the attacker's view). */
  exec(sqlText: string): Promise<void>;
  query<T = Record<string, unknown>>(sqlText: string): Promise<T[]>;
  /** Removes the database (PostgreSQL: even with connections still open). */
  drop(): Promise<void>;
};

/**
 * An empty database nobody else uses, not opened or migrated: for code that opens the store
 * itself, e.g. the CLI run as a child process with TENURE_DATABASE_URL.
 */
export const createTestDatabase = async (dialect: TestDialect): Promise<TestDatabase> => {
  const made = dialect === 'sqlite' ? makeSqlite() : await makePostgres();
  return {
    url: made.url,
    dialect,
    exec: async (text) => {
      await made.run(text, false);
    },
    query: async <T>(text: string) => (await made.run(text, true)) as T[],
    drop: () => made.drop(),
  };
};

const makeSqlite = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-test-'));
  const path = join(dir, 'store.db');
  return {
    url: `sqlite:${path}`,
    async run(sqlText: string, rows: boolean): Promise<unknown[]> {
      const db = new Database(path, { timeout: 15_000 });
      try {
        if (rows) return db.prepare(sqlText).all();
        db.exec(sqlText);
        return [];
      } finally {
        db.close();
      }
    },
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const makePostgres = async () => {
  const adminUrl = process.env.TENURE_TEST_PG_URL;
  if (!adminUrl) throw new Error('TENURE_TEST_PG_URL is not set');
  const name = `tenure_t_${randomBytes(6).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = async (fn: (c: pg.Client) => Promise<unknown>) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await fn(client);
    } finally {
      await client.end();
    }
  };
  // The name is ours (hex), so interpolating it into DDL is safe; DDL cannot take parameters.
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    url: url.toString(),
    async run(sqlText: string): Promise<unknown[]> {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return (await client.query(sqlText)).rows;
      } finally {
        await client.end();
      }
    },
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
};
