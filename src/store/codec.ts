/** Small conversions between domain values and the portable column types (TEXT JSON, 0/1, ISO text). */
import type { Kysely } from 'kysely';
import { canonicalJson } from '../audit/canonical-json.js';
import { TenureError } from '../domain/errors.js';
import type { Database } from './schema.js';

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
