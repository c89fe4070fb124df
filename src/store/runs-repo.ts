/** Sync runs and their operations (ordered by seq, addressed by idempotency key). */
import type { Kysely, Selectable, Updateable } from 'kysely';
import { TenureError } from '../domain/errors.js';
import type { Timestamp } from '../domain/timestamp.js';
import type { Operation } from '../domain/types.js';
import { chunks, fromBool, fromJson, inTransaction, toBool, toJson, toTimestamp } from './codec.js';
import type { Database, RunsTable } from './schema.js';

/** `interrupted`: its process died mid-apply; the next run closed it and re-planned what was left. */
export type RunStatus = 'planned' | 'held' | 'applying' | 'done' | 'failed' | 'interrupted';

export type RunRow = {
  id: string;
  created_at: Timestamp;
  finished_at: Timestamp | null;
  status: RunStatus;
  /** What started it: `cli:apply`, `hr:<source>:snapshot`, `schedule`, ... */
  trigger: string;
  actor: string;
  dry_run: boolean;
  held_reason: string | null;
  approved_by: string | null;
  summary: Record<string, unknown>;
};

/** `cancelled`: never attempted, its run was interrupted (a later plan does it if still wanted). */
export type OperationStatus =
  | 'queued'
  | 'success'
  | 'failure'
  | 'pending_manual'
  | 'skipped'
  | 'cancelled';

export type OperationRow = {
  run_id: string;
  seq: number;
  op: Operation;
  status: OperationStatus;
  message: string | null;
  finished_at: Timestamp | null;
};

/** Runs and their operations with each one's outcome. */
export type RunsRepo = {
  create(run: RunRow, ops: Operation[]): Promise<void>;
  get(id: string): Promise<RunRow | undefined>;
  list(limit?: number): Promise<RunRow[]>;
  update(id: string, patch: Partial<Omit<RunRow, 'id'>>): Promise<void>;
  operations(runId: string): Promise<OperationRow[]>;
  setOperationStatus(
    runId: string,
    key: string,
    status: OperationStatus,
    message: string | null,
    at: Timestamp,
  ): Promise<void>;
  /** Marks the run's still-queued operations cancelled, except the keys in `keep`; returns how many. */
  cancelQueued(
    runId: string,
    message: string,
    at: Timestamp,
    keep: ReadonlySet<string>,
  ): Promise<number>;
};

const toRun = (r: Selectable<RunsTable>): RunRow => ({
  ...r,
  status: r.status as RunStatus,
  dry_run: fromBool(r.dry_run),
  summary: fromJson<Record<string, unknown>>(r.summary),
});

const toColumns = (patch: Partial<Omit<RunRow, 'id'>>): Updateable<RunsTable> => {
  const { dry_run, summary, created_at, finished_at, status, trigger, actor } = patch;
  const { held_reason, approved_by } = patch;
  return {
    ...(status !== undefined && { status }),
    ...(trigger !== undefined && { trigger }),
    ...(actor !== undefined && { actor }),
    ...(held_reason !== undefined && { held_reason }),
    ...(approved_by !== undefined && { approved_by }),
    ...(dry_run !== undefined && { dry_run: toBool(dry_run) }),
    ...(summary !== undefined && { summary: toJson(summary) }),
    ...(created_at !== undefined && { created_at: toTimestamp(created_at) }),
    ...(finished_at !== undefined && {
      finished_at: finished_at === null ? null : toTimestamp(finished_at),
    }),
  };
};

const assertUniqueKeys = (runId: string, ops: Operation[]) => {
  const seen = new Set<string>();
  for (const op of ops) {
    if (seen.has(op.key)) {
      throw new TenureError(
        'store.duplicate_operation_key',
        `run ${runId} has two operations with key ${op.key}`,
        { run_id: runId, key: op.key },
      );
    }
    seen.add(op.key);
  }
};

export const createRunsRepo = (db: Kysely<Database>): RunsRepo => ({
  async create(run, ops) {
    assertUniqueKeys(run.id, ops);
    await inTransaction(db, async (trx) => {
      await trx
        .insertInto('runs')
        .values({
          id: run.id,
          status: run.status,
          trigger: run.trigger,
          actor: run.actor,
          held_reason: run.held_reason,
          approved_by: run.approved_by,
          created_at: toTimestamp(run.created_at),
          finished_at: run.finished_at === null ? null : toTimestamp(run.finished_at),
          dry_run: toBool(run.dry_run),
          summary: toJson(run.summary),
        })
        .execute();
      for (const [i, batch] of chunks(ops, 1000).entries()) {
        const rows = batch.map((op, j) => ({
          run_id: run.id,
          seq: i * 1000 + j + 1,
          key: op.key,
          op: toJson(op),
          status: 'queued',
          message: null,
          finished_at: null,
        }));
        await trx.insertInto('operations').values(rows).execute();
      }
    });
  },

  async get(id) {
    const row = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRun(row);
  },

  async list(limit = 50) {
    const rows = await db
      .selectFrom('runs')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRun);
  },

  async update(id, patch) {
    const values = toColumns(patch);
    if (Object.keys(values).length === 0) return;
    const res = await db.updateTable('runs').set(values).where('id', '=', id).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) {
      throw new TenureError('run.not_found', `no run ${id}`, { run_id: id });
    }
  },

  async operations(runId) {
    const rows = await db
      .selectFrom('operations')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({
      run_id: r.run_id,
      seq: r.seq,
      op: fromJson<Operation>(r.op),
      status: r.status as OperationStatus,
      message: r.message,
      finished_at: r.finished_at,
    }));
  },

  async cancelQueued(runId, message, at, keep) {
    const finished_at = toTimestamp(at);
    if (keep.size === 0) {
      const res = await db
        .updateTable('operations')
        .set({ status: 'cancelled', message, finished_at })
        .where('run_id', '=', runId)
        .where('status', '=', 'queued')
        .executeTakeFirst();
      return Number(res.numUpdatedRows);
    }
    // Some are still queued for an on-prem agent (rare): one by one, leaving those.
    let n = 0;
    for (const o of await this.operations(runId)) {
      if (o.status !== 'queued' || keep.has(o.op.key)) continue;
      await db
        .updateTable('operations')
        .set({ status: 'cancelled', message, finished_at })
        .where('run_id', '=', runId)
        .where('key', '=', o.op.key)
        .execute();
      n++;
    }
    return n;
  },

  async setOperationStatus(runId, key, status, message, at) {
    const res = await db
      .updateTable('operations')
      .set({ status, message, finished_at: status === 'queued' ? null : toTimestamp(at) })
      .where('run_id', '=', runId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) {
      throw new TenureError('store.operation_not_found', `run ${runId} has no operation ${key}`, {
        run_id: runId,
        key,
      });
    }
  },
});
