/** Manual tasks: work an operator does by hand in an application, closed with evidence. */
import { type Kysely, type Selectable, sql } from 'kysely';
import { TenureError } from '../domain/errors.js';
import type { Timestamp } from '../domain/timestamp.js';
import type { Operation } from '../domain/types.js';
import { fromJson, toJson, toTimestamp } from './codec.js';
import type { Database, TasksTable } from './schema.js';

export type TaskRow = {
  id: number;
  run_id: string;
  op: Operation;
  app_id: string;
  identity_id: string | null;
  summary: string;
  /** Who does the work: the app's manual `assignee`, else its `owner`; null when neither is set. */
  assignee: string | null;
  /** The app's standing manual `instructions` when the task was planned; null when none. */
  instructions: string | null;
  /** cancelled: the operation stopped being wanted before anyone did it (e.g. the joiner left). */
  status: 'open' | 'closed' | 'cancelled';
  created_at: Timestamp;
  closed_at: Timestamp | null;
  closed_by: string | null;
  evidence: string | null;
};

/** Manual tasks: opened once per operation key, closed with evidence or cancelled. */
export type TasksRepo = {
  /** Creates an open task unless one with the same op key is already open; returns it either way. */
  open(runId: string, op: Operation, at: Timestamp): Promise<TaskRow>;
  list(status?: TaskRow['status']): Promise<TaskRow[]>;
  get(id: number): Promise<TaskRow | undefined>;
  close(id: number, by: string, evidence: string, at: Timestamp): Promise<TaskRow>;
  /** Withdraws an open task; `reason` is kept in the evidence column. */
  cancel(id: number, by: string, reason: string, at: Timestamp): Promise<TaskRow>;
};

const toTask = (r: Selectable<TasksTable>): TaskRow => {
  const op = fromJson<Operation>(r.op);
  return {
    id: r.id,
    run_id: r.run_id,
    op,
    app_id: r.app_id,
    identity_id: r.identity_id,
    summary: r.summary,
    // Kept in the planned operation (no column): tasks planned before routing existed have none.
    assignee: op.task?.assignee ?? null,
    instructions: op.task?.instructions ?? null,
    status: r.status as TaskRow['status'],
    created_at: r.created_at,
    closed_at: r.closed_at,
    closed_by: r.closed_by,
    evidence: r.evidence,
  };
};

export const createTasksRepo = (db: Kysely<Database>): TasksRepo => {
  const get = async (id: number) => {
    const row = await db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTask(row);
  };
  const openFor = (key: string) =>
    db
      .selectFrom('tasks')
      .selectAll()
      .where('op_key', '=', key)
      .where('status', '=', 'open')
      .executeTakeFirst();

  return {
    get,

    async open(runId, op, at) {
      const existing = await openFor(op.key);
      if (existing) return toTask(existing);
      // The partial unique index (one open task per key) settles a race between two writers.
      const inserted = await db
        .insertInto('tasks')
        .values({
          run_id: runId,
          op_key: op.key,
          op: toJson(op),
          app_id: op.app_id,
          identity_id: op.identity_id,
          summary: op.task?.summary ?? `${op.kind} ${op.app_id}/${op.account_id}`,
          status: 'open',
          created_at: toTimestamp(at),
          closed_at: null,
          closed_by: null,
          evidence: null,
        })
        .onConflict((oc) =>
          // A literal, not a parameter: SQLite must see it implies the partial index's WHERE.
          oc.column('op_key').where('status', '=', sql.lit('open')).doNothing(),
        )
        .returningAll()
        .executeTakeFirst();
      const row = inserted ?? (await openFor(op.key));
      if (!row) throw new TenureError('store.task_race', `could not open task ${op.key}`, {});
      return toTask(row);
    },

    async list(status) {
      let q = db.selectFrom('tasks').selectAll();
      if (status) q = q.where('status', '=', status);
      const rows = await q.orderBy('id').execute();
      return rows.map(toTask);
    },

    close: (id, by, evidence, at) => finish(id, 'closed', by, evidence, at),
    cancel: (id, by, reason, at) => finish(id, 'cancelled', by, reason, at),
  };

  async function finish(
    id: number,
    status: 'closed' | 'cancelled',
    by: string,
    evidence: string,
    at: string,
  ) {
    const res = await db
      .updateTable('tasks')
      .set({ status, closed_by: by, evidence, closed_at: toTimestamp(at) })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    const task = await get(id);
    if (!task) throw new TenureError('task.not_found', `no task ${id}`, { task_id: id });
    if (Number(res.numUpdatedRows) === 0) {
      throw new TenureError('task.already_closed', `task ${id} is already ${task.status}`, {
        task_id: id,
        closed_by: task.closed_by,
        closed_at: task.closed_at,
      });
    }
    return task;
  }
};
