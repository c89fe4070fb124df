/** Failed sign-ins per key (`user:<name>`, `ip:<addr>`), counted in a window to throttle guessing. */
import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { AuthTables } from './auth-schema.js';
import type { LoginFailuresRepo } from './auth-types.js';
import { inTransaction, toTimestamp } from './codec.js';
import type { Database, StoreDialect } from './schema.js';

/** "TLOG": the advisory-lock class of login-failure keys (apart from leadership's "TENU"). */
const LOCK_CLASS = 0x544c4f47;
const lockKey = (key: string) => createHash('sha256').update(key).digest().readInt32BE(0);

export const createLoginFailuresRepo = (
  base: Kysely<Database>,
  dialect: StoreDialect,
): LoginFailuresRepo => {
  const db = base.withTables<AuthTables>();
  const countIn = async (q: typeof db, keys: string[], since: string) => {
    const out: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
    if (keys.length === 0) return out;
    const rows = await q
      .selectFrom('login_failures')
      .select((eb) => ['key', eb.fn.countAll<number>().as('n')])
      .where('key', 'in', keys)
      .where('at', '>=', toTimestamp(since))
      .groupBy('key')
      .execute();
    for (const r of rows) out[r.key] = Number(r.n);
    return out;
  };
  return {
    async record(keys, atInput) {
      if (keys.length === 0) return;
      const at = toTimestamp(atInput);
      await db
        .insertInto('login_failures')
        .values(keys.map((key) => ({ key, at })))
        .execute();
    },
    count: (keys, since) => countIn(db, keys, since),
    async reserve(limits, atInput, since) {
      if (limits.length === 0) return { ids: [] };
      const at = toTimestamp(atInput);
      const keys = limits.map((l) => l.key);
      return inTransaction(base, async (raw) => {
        const trx = raw.withTables<AuthTables>();
        // SQLite: BEGIN IMMEDIATE already serialises writers. PostgreSQL: lock each key (in one
        // order, so two callers never wait on each other crosswise) until the transaction ends.
        if (dialect === 'postgres')
          for (const key of [...keys].sort())
            await sql`select pg_advisory_xact_lock(${LOCK_CLASS}::int, ${lockKey(key)}::int)`.execute(
              trx,
            );
        const counts = await countIn(trx, keys, since);
        const over = limits.find((l) => (counts[l.key] ?? 0) >= l.max);
        if (over) return { over: over.key };
        const rows = await trx
          .insertInto('login_failures')
          .values(keys.map((key) => ({ key, at })))
          .returning('id')
          .execute();
        return { ids: rows.map((r) => Number(r.id)) };
      });
    },
    async release(ids) {
      if (ids.length === 0) return;
      await db.deleteFrom('login_failures').where('id', 'in', ids).execute();
    },
    async clear(key) {
      await db.deleteFrom('login_failures').where('key', '=', key).execute();
    },
    async prune(before) {
      const res = await db
        .deleteFrom('login_failures')
        .where('at', '<', toTimestamp(before))
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
};
