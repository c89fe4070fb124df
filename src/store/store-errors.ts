/**
 * Database errors an operator must see as they are: a full disk becomes `store.disk_full` (both
 * dialects), and a rollback that fails never replaces the error that caused it.
 */
import type { DatabaseConnection, Dialect, Driver } from 'kysely';
import { TenureError } from '../domain/errors.js';

/**
 * SQLite's SQLITE_FULL (disk full, or the database reached `max_page_count`), the OS's ENOSPC,
 * PostgreSQL's SQLSTATE 53100 `disk_full`.
 * @see https://www.sqlite.org/rescode.html#full
 * @see https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const DISK_FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', '53100']);

export const isDiskFull = (e: unknown): boolean =>
  typeof e === 'object' &&
  e !== null &&
  DISK_FULL_CODES.has(String((e as { code?: unknown }).code));

/** The message is safe for API clients: no path, no SQL. */
export const diskFullError = (e: unknown): TenureError =>
  new TenureError(
    'store.disk_full',
    'out of space (the disk is full, or the database reached its size limit): free space, then retry; a store transaction it interrupted was rolled back, never half-written',
    { cause: String((e as { code?: unknown }).code) },
  );

const translated = (e: unknown): unknown => (isDiskFull(e) ? diskFullError(e) : e);

const translating = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (e) {
    throw translated(e);
  }
};

/**
 * Wraps a dialect's driver. Kysely rolls back when a transaction's callback or COMMIT throws,
 * then rethrows the cause — unless ROLLBACK throws first. It does after SQLITE_FULL: SQLite has
 * already rolled the transaction back itself, so ROLLBACK fails with "no transaction is active"
 * and that message hid the full disk. A failed rollback is therefore dropped: the transaction is
 * gone either way (SQLite ended it; a PostgreSQL session whose ROLLBACK fails is broken, and the
 * server discards its transaction, while pg-pool drops the dead client on release).
 */
export const reportingStoreErrors = (base: Dialect): Dialect => ({
  createQueryCompiler: () => base.createQueryCompiler(),
  createIntrospector: (db) => base.createIntrospector(db),
  createAdapter: () => base.createAdapter(),
  createDriver: (): Driver => {
    const driver = base.createDriver();
    // The base driver gets its own connection objects back (PostgreSQL's release needs them).
    const originals = new WeakMap<DatabaseConnection, DatabaseConnection>();
    const wrappers = new WeakMap<DatabaseConnection, DatabaseConnection>();
    const wrap = (conn: DatabaseConnection): DatabaseConnection => {
      let w = wrappers.get(conn);
      if (!w) {
        w = {
          executeQuery: (q) => translating(() => conn.executeQuery(q)),
          async *streamQuery(q, chunkSize) {
            try {
              yield* conn.streamQuery(q, chunkSize);
            } catch (e) {
              throw translated(e);
            }
          },
        };
        wrappers.set(conn, w);
        originals.set(w, conn);
      }
      return w;
    };
    const orig = (w: DatabaseConnection) => originals.get(w) ?? w;
    return {
      init: () => driver.init(),
      acquireConnection: async () => wrap(await driver.acquireConnection()),
      beginTransaction: (c, settings) =>
        translating(() => driver.beginTransaction(orig(c), settings)),
      commitTransaction: (c) => translating(() => driver.commitTransaction(orig(c))),
      rollbackTransaction: async (c) => {
        try {
          await driver.rollbackTransaction(orig(c));
        } catch {
          // Dropped on purpose (see above): Kysely rethrows the error that made it roll back.
        }
      },
      ...(driver.savepoint && {
        savepoint: (c, name, compile) =>
          translating(() => driver.savepoint!(orig(c), name, compile)),
      }),
      ...(driver.rollbackToSavepoint && {
        rollbackToSavepoint: (c, name, compile) =>
          translating(() => driver.rollbackToSavepoint!(orig(c), name, compile)),
      }),
      ...(driver.releaseSavepoint && {
        releaseSavepoint: (c, name, compile) =>
          translating(() => driver.releaseSavepoint!(orig(c), name, compile)),
      }),
      releaseConnection: (c) => driver.releaseConnection(orig(c)),
      destroy: () => driver.destroy(),
    };
  },
});
