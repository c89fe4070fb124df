/** Plans the API saved for a later apply by id: put, get, and dropping the expired ones. */
import type { Kysely } from 'kysely';
import { fromJson, toJson, toTimestamp } from './codec.js';
import type { Database } from './schema.js';

type SavedPlansTable = {
  id: string;
  created_at: string;
  expires_at: string;
  actor: string;
  plan: string;
};

export type SavedPlanRow = {
  id: string;
  created_at: string;
  expires_at: string;
  actor: string;
  /** The sealed plan; the engine checks its shape and integrity when reading it back. */
  plan: unknown;
};

export type SavedPlansRepo = {
  put(row: SavedPlanRow): Promise<void>;
  get(id: string): Promise<SavedPlanRow | undefined>;
  /** Drops plans whose expiry is at or before `now`. */
  deleteExpired(now: string): Promise<void>;
};

export const createSavedPlansRepo = (root: Kysely<Database>): SavedPlansRepo => {
  const db = root.withTables<{ saved_plans: SavedPlansTable }>();
  return {
    async put(row) {
      await db
        .insertInto('saved_plans')
        .values({
          ...row,
          created_at: toTimestamp(row.created_at),
          expires_at: toTimestamp(row.expires_at),
          plan: toJson(row.plan),
        })
        .execute();
    },
    async get(id) {
      const row = await db
        .selectFrom('saved_plans')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && { ...row, plan: fromJson<unknown>(row.plan) };
    },
    async deleteExpired(now) {
      await db.deleteFrom('saved_plans').where('expires_at', '<=', toTimestamp(now)).execute();
    },
  };
};
