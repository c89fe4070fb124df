/** Small conversions between domain values and the portable column types (TEXT JSON, 0/1, ISO text). */
import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import { canonicalJson } from '../audit/canonical-json.js';
import { TenureError } from '../domain/errors.js';
import type { Database, StoreDialect } from './schema.js';

/** Canonical JSON (sorted keys); flat records (HR attributes, audit details) take its fast path. */
export const toJson = (value: unknown): string => canonicalJson(value);
export const fromJson = <T>(text: string): T => JSON.parse(text) as T;
export const toBool = (value: boolean): number => (value ? 1 : 0);
export const fromBool = (value: number | boolean): boolean => value === 1 || value === true;

/**
 * Timestamps are compared as text, which is only correct if every one has the same shape:
 * normalise whatever the caller passed to `toISOString()` form (UTC, milliseconds).
 */
export const toTimestamp = (at: string): string => {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) {
    throw new TenureError('store.bad_timestamp', `not an ISO-8601 timestamp: ${at}`, { at });
  }
  return date.toISOString();
};

export const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** Runs fn in a transaction, or in the caller's if `db` is already one (no nesting in Kysely). */
export const inTransaction = <T>(
  db: Kysely<Database>,
  fn: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> => (db.isTransaction ? fn(db) : db.transaction().execute(fn));

/** Kysely's SQL for a multi-row insert, by dialect, statement name, columns and row count. */
const insertSql = new Map<string, string>();
const INSERT_SQL_LIMIT = 256;

/**
 * Inserts `rows` in chunks of `size`, compiling each chunk size once: building and compiling the
 * query tree of 500 rows cost Kysely about what SQLite takes to insert them (~0.4 s of a 100 k
 * person import). `build` is the statement for a chunk (`insertInto(…).values(chunk)`, with its
 * `onConflict`, the same for one `name`); its SQL is kept only once checked against the parameters
 * Kysely bound (row by row, column by column in the first row's key order). Rows must share their
 * keys (one object literal); a chunk with an undefined value, which Kysely leaves out, is built
 * afresh.
 */
export async function insertChunks<R extends object>(
  db: Kysely<Database>,
  dialect: StoreDialect,
  name: string,
  rows: readonly R[],
  size: number,
  build: (chunk: R[]) => Compilable,
): Promise<void> {
  for (const chunk of chunks(rows, size)) {
    const columns = Object.keys(chunk[0]!);
    const key = `${dialect}:${name}:${columns.join(',')}:${chunk.length}`;
    const params = rowParameters(chunk, columns);
    const sql = params && insertSql.get(key);
    if (params && sql !== undefined) {
      await db.executeQuery(CompiledQuery.raw(sql, params));
      continue;
    }
    const compiled = build(chunk).compile();
    if (params && sameValues(compiled.parameters, params)) {
      if (insertSql.size >= INSERT_SQL_LIMIT) insertSql.clear();
      insertSql.set(key, compiled.sql);
    }
    await db.executeQuery(compiled);
  }
}

/** Every row's values in `columns` order, or undefined if one is undefined. */
function rowParameters(rows: readonly object[], columns: string[]): unknown[] | undefined {
  const out: unknown[] = new Array(rows.length * columns.length);
  let i = 0;
  for (const row of rows) {
    for (const c of columns) {
      const v = (row as Record<string, unknown>)[c];
      if (v === undefined) return undefined;
      out[i++] = v;
    }
  }
  return out;
}

const sameValues = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);
