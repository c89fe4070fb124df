/**
 * Scheduler leadership. PostgreSQL: a session-level advisory lock held on a connection of its own,
 * so a dead leader (process or connection) loses it at once. SQLite: a lease row with a TTL.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { inTransaction, toTimestamp } from './codec.js';
import type { LeaderRepo } from './jobs-types.js';
import type { Database, StoreDialect } from './schema.js';

/** "TENU": the advisory-lock class of every Tenure leadership lock (two-int form, apart from the audit's bigint key). */
const LOCK_CLASS = 0x54454e55;
const lockKey = (name: string) => createHash('sha256').update(name).digest().readInt32BE(0);

type Session = { client: pg.Client; owner: string; locked: boolean; dead: boolean };

export const createLeaderRepo = (
  db: Kysely<Database>,
  dialect: StoreDialect,
  url: string,
): LeaderRepo => {
  const sessions = new Map<string, Session>();

  const record = (name: string, owner: string, at: string, fresh: boolean) =>
    db
      .insertInto('scheduler_leader')
      .values({ name, owner, acquired_at: at, heartbeat_at: at })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet(
            fresh ? { owner, acquired_at: at, heartbeat_at: at } : { owner, heartbeat_at: at },
          ),
      )
      .execute();

  // Keyed by owner too: two schedulers sharing one store (tests) must not share a session.
  const keyOf = (name: string, owner: string) => `${name}\u0000${owner}`;
  const endSession = async (name: string, owner: string) => {
    const key = keyOf(name, owner);
    const s = sessions.get(key);
    sessions.delete(key);
    await s?.client.end().catch(() => {});
  };

  const session = async (name: string, owner: string): Promise<Session> => {
    const existing = sessions.get(keyOf(name, owner));
    if (existing && !existing.dead) return existing;
    await endSession(name, owner);
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
      application_name: `tenure-leader:${owner}`.slice(0, 63),
    });
    const s: Session = { client, owner, locked: false, dead: false };
    // Without a listener a dropped connection would crash the process; here it just ends leadership.
    client.on('error', () => {
      s.dead = true;
    });
    client.on('end', () => {
      s.dead = true;
    });
    await client.connect();
    sessions.set(keyOf(name, owner), s);
    return s;
  };

  const acquirePg = async (name: string, owner: string, at: string): Promise<boolean> => {
    try {
      const s = await session(name, owner);
      if (!s.locked) {
        const r = await s.client.query<{ ok: boolean }>(
          'select pg_try_advisory_lock($1::int, $2::int) as ok',
          [LOCK_CLASS, lockKey(name)],
        );
        if (!r.rows[0]?.ok) return false;
        s.locked = true;
        await record(name, owner, at, true);
        return true;
      }
      // Proves the session (and so the lock) is still alive before claiming another heartbeat.
      await s.client.query('select 1');
      if (s.dead) throw new Error('leader connection lost');
      await record(name, owner, at, false);
      return true;
    } catch {
      await endSession(name, owner);
      return false;
    }
  };

  const acquireSqlite = (name: string, owner: string, ttlMs: number, at: string) =>
    inTransaction(db, async (trx) => {
      const row = await trx
        .selectFrom('scheduler_leader')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      const expired = !row || Date.parse(row.heartbeat_at) + ttlMs < Date.parse(at);
      if (row && row.owner !== owner && !expired) return false;
      await trx
        .insertInto('scheduler_leader')
        .values({ name, owner, acquired_at: at, heartbeat_at: at })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet(
              row?.owner === owner
                ? { heartbeat_at: at }
                : { owner, acquired_at: at, heartbeat_at: at },
            ),
        )
        .execute();
      return true;
    });

  return {
    acquire: (name, owner, ttlMs, at) =>
      dialect === 'postgres'
        ? acquirePg(name, owner, toTimestamp(at))
        : acquireSqlite(name, owner, ttlMs, toTimestamp(at)),

    async release(name, owner) {
      const s = sessions.get(keyOf(name, owner));
      if (s?.locked && !s.dead) {
        await s.client
          .query('select pg_advisory_unlock($1::int, $2::int)', [LOCK_CLASS, lockKey(name)])
          .catch(() => {});
      }
      await endSession(name, owner);
      await db
        .deleteFrom('scheduler_leader')
        .where('name', '=', name)
        .where('owner', '=', owner)
        .execute();
    },

    async current(name) {
      return db
        .selectFrom('scheduler_leader')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
    },
  };
};
