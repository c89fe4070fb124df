/** Failed sign-ins per key (`user:<name>`, `ip:<addr>`), counted in a window to throttle guessing. */
import type { Kysely } from 'kysely';
import type { AuthTables } from './auth-schema.js';
import type { LoginFailuresRepo } from './auth-types.js';
import { toTimestamp } from './codec.js';
import type { Database } from './schema.js';

export const createLoginFailuresRepo = (base: Kysely<Database>): LoginFailuresRepo => {
  const db = base.withTables<AuthTables>();
  return {
    async record(keys, atInput) {
      if (keys.length === 0) return;
      const at = toTimestamp(atInput);
      await db
        .insertInto('login_failures')
        .values(keys.map((key) => ({ key, at })))
        .execute();
    },
    async count(keys, since) {
      const out: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
      if (keys.length === 0) return out;
      const rows = await db
        .selectFrom('login_failures')
        .select((eb) => ['key', eb.fn.countAll<number>().as('n')])
        .where('key', 'in', keys)
        .where('at', '>=', toTimestamp(since))
        .groupBy('key')
        .execute();
      for (const r of rows) out[r.key] = Number(r.n);
      return out;
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
