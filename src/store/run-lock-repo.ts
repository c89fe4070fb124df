/**
 * The run lock's row: taken with INSERT … ON CONFLICT DO NOTHING (free) or a compare-and-swap
 * UPDATE on the previous owner (taken over from a dead holder), so of two processes racing for
 * it exactly one wins, on SQLite and PostgreSQL alike. Deciding that a holder is dead is the
 * engine's job (src/engine/run-lock.ts): the store only records and swaps.
 */
import type { Kysely } from 'kysely';
import { fromJson, toJson, toTimestamp } from './codec.js';
import type { Database } from './schema.js';

export type RunLockTable = {
  name: string;
  owner: string;
  holder: string;
  acquired_at: string;
  heartbeat_at: string;
  expires_at: string;
};

/** Who holds a run lock, as the holder described itself. */
export type RunLockHolder = {
  pid: number;
  host: string;
  /** What is running: `cli:run`, `cli:apply`, `schedule:import_and_run`, `api` … */
  command: string;
  actor: string;
  /** Set once the run is created. */
  run_id?: string;
};

export type RunLockRow = {
  name: string;
  owner: string;
  holder: RunLockHolder;
  acquired_at: string;
  heartbeat_at: string;
  expires_at: string;
};

export type RunLockRepo = {
  get(name: string): Promise<RunLockRow | undefined>;
  /** Takes a free lock; false when a row (live or dead) is already there. */
  insert(row: RunLockRow): Promise<boolean>;
  /** Takes the lock over from `previousOwner` (presumed dead); false if it changed hands meanwhile. */
  takeOver(row: RunLockRow, previousOwner: string): Promise<boolean>;
  /** The heartbeat: extends the lease (and may update the holder); false if `owner` lost it. */
  renew(
    name: string,
    owner: string,
    at: string,
    expiresAt: string,
    holder?: RunLockHolder,
  ): Promise<boolean>;
  release(name: string, owner: string): Promise<void>;
};

const toRow = (r: RunLockTable): RunLockRow => ({
  ...r,
  holder: fromJson<RunLockHolder>(r.holder),
});

const toColumns = (r: RunLockRow): RunLockTable => ({
  name: r.name,
  owner: r.owner,
  holder: toJson(r.holder),
  acquired_at: toTimestamp(r.acquired_at),
  heartbeat_at: toTimestamp(r.heartbeat_at),
  expires_at: toTimestamp(r.expires_at),
});

export const createRunLockRepo = (root: Kysely<Database>): RunLockRepo => {
  const db = root.withTables<{ run_lock: RunLockTable }>();
  return {
    async get(name) {
      const row = await db
        .selectFrom('run_lock')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return row && toRow(row);
    },
    async insert(row) {
      const res = await db
        .insertInto('run_lock')
        .values(toColumns(row))
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    async takeOver(row, previousOwner) {
      const { name, ...values } = toColumns(row);
      const res = await db
        .updateTable('run_lock')
        .set(values)
        .where('name', '=', name)
        .where('owner', '=', previousOwner)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
    async renew(name, owner, at, expiresAt, holder) {
      const res = await db
        .updateTable('run_lock')
        .set({
          heartbeat_at: toTimestamp(at),
          expires_at: toTimestamp(expiresAt),
          ...(holder && { holder: toJson(holder) }),
        })
        .where('name', '=', name)
        .where('owner', '=', owner)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
    async release(name, owner) {
      await db.deleteFrom('run_lock').where('name', '=', name).where('owner', '=', owner).execute();
    },
  };
};
