/** Opens a Kysely instance for a store URL: `sqlite:<path>` / bare path, or `postgres://…`. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  type Dialect,
  type DialectAdapter,
  type Driver,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDialectConfig,
} from 'kysely';
import pg from 'pg';
import { TenureError } from '../domain/errors.js';
import type { Database, StoreDialect } from './schema.js';
import { reportingStoreErrors } from './store-errors.js';

export type Connection = { db: Kysely<Database>; dialect: StoreDialect };

export const parseStoreUrl = (
  url: string,
): { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string } => {
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', url };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !url.startsWith('sqlite:')) {
    throw new TenureError(
      'store.bad_url',
      `unsupported store URL scheme: ${url.split(':')[0]}`,
      {},
    );
  }
  // sqlite:rel.db, sqlite:///abs.db, sqlite::memory: or a bare path.
  let path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (path.startsWith('//')) path = path.slice(2);
  if (path === '') throw new TenureError('store.bad_url', 'sqlite URL has no path', { url });
  return { dialect: 'sqlite', path };
};

export const connect = (url: string): Connection => {
  const parsed = parseStoreUrl(url);
  if (parsed.dialect === 'postgres') {
    return {
      dialect: 'postgres',
      db: new Kysely<Database>({ dialect: reportingStoreErrors(postgresDialect(parsed.url)) }),
    };
  }
  return {
    dialect: 'sqlite',
    db: new Kysely<Database>({ dialect: reportingStoreErrors(sqliteDialect(parsed.path)) }),
  };
};

const postgresDialect = (url: string): Dialect => {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // int8 (COUNT, bigint seq) as a JS number rather than a string; our values stay < 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as never,
    },
  });
  // An idle client whose server connection drops (failover, admin terminate) emits 'error' on the
  // pool; unhandled, that would crash the whole control plane. The pool replaces the client.
  pool.on('error', (e) => {
    process.emitWarning(`PostgreSQL idle connection lost: ${e.message}`, {
      code: 'TENURE_PG_IDLE',
    });
  });
  return new PostgresDialect({ pool });
};

const sqliteDialect = (path: string): Dialect => {
  const memory = path === ':memory:';
  if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
  // better-sqlite3 waits up to `timeout` ms on a locked database (it sets busy_timeout).
  const database = new SqliteDatabase(memory ? path : resolve(path), { timeout: 15_000 });
  if (!memory) database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  return immediateTransactions(new SqliteDialect({ database: reusingStatements(database) }));
};

/** Prepared statements kept, by SQL text (least recently used dropped past this many). */
const STATEMENT_CACHE = 32;

/**
 * Kysely prepares every query afresh; SQLite parsing a 500-row insert (thousands of placeholders)
 * again for each batch cost ~0.3 s of a 100 k-person import. A statement is only reused once its
 * previous execution is over: Kysely runs one query at a time on its single SQLite connection
 * (a stream holds the connection until it ends), and SQLite re-prepares a statement itself after
 * a schema change.
 */
const reusingStatements = (database: SqliteDatabase.Database): SqliteDialectConfig['database'] => {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      const stmt = statements.get(sql) ?? database.prepare(sql);
      statements.delete(sql); // (re-)inserted last: the most recently used
      statements.set(sql, stmt);
      if (statements.size > STATEMENT_CACHE) statements.delete(statements.keys().next().value!);
      return stmt;
    },
  };
};

/**
 * SQLite's plain BEGIN takes the write lock only at the first write, so two processes could both
 * read the audit head and then one fail (or, worse, interleave). BEGIN IMMEDIATE takes it up
 * front. SQLite DDL is transactional, so migrations run in one such transaction too.
 */
const immediateTransactions = (base: SqliteDialect): Dialect => ({
  createQueryCompiler: () => base.createQueryCompiler(),
  createIntrospector: (db) => base.createIntrospector(db),
  createAdapter: (): DialectAdapter => {
    const adapter = base.createAdapter();
    return {
      supportsCreateIfNotExists: adapter.supportsCreateIfNotExists,
      supportsTransactionalDdl: true,
      supportsReturning: adapter.supportsReturning,
      acquireMigrationLock: (db, opts) => adapter.acquireMigrationLock(db, opts),
      releaseMigrationLock: (db, opts) => adapter.releaseMigrationLock(db, opts),
    };
  },
  createDriver: (): Driver => {
    const driver = base.createDriver();
    return {
      init: () => driver.init(),
      acquireConnection: () => driver.acquireConnection(),
      beginTransaction: async (conn) => {
        await conn.executeQuery(CompiledQuery.raw('begin immediate'));
      },
      commitTransaction: (conn) => driver.commitTransaction(conn),
      rollbackTransaction: (conn) => driver.rollbackTransaction(conn),
      savepoint: (conn, name, compile) => driver.savepoint!(conn, name, compile),
      rollbackToSavepoint: (conn, name, compile) =>
        driver.rollbackToSavepoint!(conn, name, compile),
      releaseSavepoint: (conn, name, compile) => driver.releaseSavepoint!(conn, name, compile),
      releaseConnection: (conn) => driver.releaseConnection(conn),
      destroy: () => driver.destroy(),
    };
  },
});
