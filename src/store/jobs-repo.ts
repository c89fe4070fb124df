/** The durable work queue: leases with expiry, attempts, dedupe keys; SKIP LOCKED on PostgreSQL. */
import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import { TenureError } from '../domain/errors.js';
import { fromJson, inTransaction, toJson, toTimestamp } from './codec.js';
import type { JobsTable } from './jobs-schema.js';
import type { JobRow, JobStatus, JobsRepo, NewJob } from './jobs-types.js';
import type { Database, StoreDialect } from './schema.js';

const toJob = (r: Selectable<JobsTable>): JobRow => ({
  ...r,
  payload: fromJson<Record<string, unknown>>(r.payload),
  status: r.status as JobStatus,
  result: r.result === null ? null : fromJson<Record<string, unknown>>(r.result),
});

const plus = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString();
const DEFAULT_MAX_ATTEMPTS = 5;

export const createJobsRepo = (db: Kysely<Database>, dialect: StoreDialect): JobsRepo => {
  /** PostgreSQL row locks that other leasers skip instead of waiting for; SQLite holds the write lock. */
  const locked = <Q extends { forUpdate(): Q; skipLocked(): Q }>(q: Q): Q =>
    dialect === 'postgres' ? q.forUpdate().skipLocked() : q;

  const queuedTwin = (trx: Kysely<Database>, row: Selectable<JobsTable>) =>
    row.dedupe_key === null
      ? Promise.resolve(undefined)
      : trx
          .selectFrom('jobs')
          .select('id')
          .where('queue', '=', row.queue)
          .where('dedupe_key', '=', row.dedupe_key)
          .where('status', '=', 'queued')
          .executeTakeFirst();

  /**
   * Puts a job back in the queue. If the same work (dedupe key) was queued meanwhile, that twin
   * will do it: this one is closed as superseded rather than queued twice.
   */
  const putBack = async (
    trx: Kysely<Database>,
    row: Selectable<JobsTable>,
    patch: Updateable<JobsTable>,
    at: string,
  ): Promise<JobStatus> => {
    const twin = await queuedTwin(trx, row);
    const set: Updateable<JobsTable> = twin
      ? {
          status: 'done',
          result: toJson({ superseded_by: twin.id }),
          finished_at: at,
          lease_expires_at: null,
          last_error: patch.last_error ?? row.last_error,
        }
      : { status: 'queued', lease_owner: null, lease_expires_at: null, ...patch };
    await trx.updateTable('jobs').set(set).where('id', '=', row.id).execute();
    return twin ? 'done' : 'queued';
  };

  const requeueExpired = async (trx: Kysely<Database>, at: string): Promise<number> => {
    const expired = await locked(
      trx
        .selectFrom('jobs')
        .selectAll()
        .where('status', '=', 'leased')
        .where('lease_expires_at', '<', at),
    ).execute();
    for (const row of expired) {
      const error = `lease of ${row.lease_owner} expired at ${row.lease_expires_at}`;
      if (row.attempts >= row.max_attempts) {
        await trx
          .updateTable('jobs')
          .set({
            status: 'failed',
            finished_at: at,
            lease_expires_at: null,
            last_error: `${error}; no attempts left`,
          })
          .where('id', '=', row.id)
          .execute();
      } else await putBack(trx, row, { not_before: at, last_error: error }, at);
    }
    return expired.length;
  };

  /** The row `owner` holds, locked for the rest of the transaction. */
  const held = (trx: Kysely<Database>, id: number, owner: string) => {
    const q = trx
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'leased');
    return (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
  };

  const insertOrTwin = (job: NewJob, at: string) =>
    inTransaction(db, async (trx) => {
      const key = job.dedupe_key ?? null;
      const inserted = await trx
        .insertInto('jobs')
        .values({
          queue: job.queue,
          kind: job.kind,
          payload: toJson(job.payload ?? {}),
          dedupe_key: key,
          priority: job.priority ?? 0,
          status: 'queued',
          attempts: 0,
          max_attempts: job.max_attempts ?? DEFAULT_MAX_ATTEMPTS,
          not_before: job.not_before ? toTimestamp(job.not_before) : at,
          created_at: at,
        })
        // A literal, not a parameter: SQLite must see it implies the partial index's WHERE.
        .onConflict((oc) =>
          oc.columns(['queue', 'dedupe_key']).where('status', '=', sql.lit('queued')).doNothing(),
        )
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { job: toJob(inserted), deduped: false };
      const twin = await trx
        .selectFrom('jobs')
        .selectAll()
        .where('queue', '=', job.queue)
        .where('dedupe_key', '=', key)
        .where('status', '=', 'queued')
        .executeTakeFirst();
      return twin && { job: toJob(twin), deduped: true };
    });

  const enqueue: JobsRepo['enqueue'] = async (job, atInput) => {
    const at = toTimestamp(atInput);
    // The twin that blocked the insert can be leased before we read it: then insert again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = await insertOrTwin(job, at);
      if (r) return r;
    }
    throw new TenureError(
      'store.enqueue_contended',
      `could not queue ${job.kind} (dedupe key ${job.dedupe_key}) in ${job.queue}`,
    );
  };

  return {
    enqueue,

    async lease(queue, owner, max, leaseMs, atInput) {
      const at = toTimestamp(atInput);
      return inTransaction(db, async (trx) => {
        await requeueExpired(trx, at);
        // Two statements, not UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED):
        // PostgreSQL may re-run such a subquery and lease more than n. The row locks taken here
        // last until commit, so the ids stay ours.
        const due = await locked(
          trx
            .selectFrom('jobs')
            .select('id')
            .where('queue', '=', queue)
            .where('status', '=', 'queued')
            .where('not_before', '<=', at)
            .orderBy('priority', 'desc')
            .orderBy('not_before')
            .orderBy('id')
            .limit(max),
        ).execute();
        if (due.length === 0) return [];
        const rows = await trx
          .updateTable('jobs')
          .set((eb) => ({
            status: 'leased',
            lease_owner: owner,
            lease_expires_at: plus(at, leaseMs),
            started_at: at,
            attempts: eb('attempts', '+', 1),
          }))
          .where(
            'id',
            'in',
            due.map((d) => d.id),
          )
          .returningAll()
          .execute();
        return rows.map(toJob).sort((a, b) => b.priority - a.priority || a.id - b.id);
      });
    },

    async extend(ids, owner, leaseMs, atInput) {
      if (ids.length === 0) return [];
      const at = toTimestamp(atInput);
      const rows = await db
        .updateTable('jobs')
        .set({ lease_expires_at: plus(at, leaseMs) })
        .where('id', 'in', ids)
        .where('lease_owner', '=', owner)
        .where('status', '=', 'leased')
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },

    async complete(id, owner, result, atInput) {
      const at = toTimestamp(atInput);
      const r = await db
        .updateTable('jobs')
        .set({ status: 'done', result: toJson(result), finished_at: at, lease_expires_at: null })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .where('status', '=', 'leased')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async fail(id, owner, error, retryAt, atInput) {
      const at = toTimestamp(atInput);
      return inTransaction(db, async (trx) => {
        const row = await held(trx, id, owner);
        if (!row) return undefined;
        if (retryAt === null) {
          await trx
            .updateTable('jobs')
            .set({ status: 'failed', last_error: error, finished_at: at, lease_expires_at: null })
            .where('id', '=', id)
            .execute();
          return 'failed';
        }
        return putBack(trx, row, { not_before: toTimestamp(retryAt), last_error: error }, at);
      });
    },

    async release(id, owner, atInput) {
      const at = toTimestamp(atInput);
      return inTransaction(db, async (trx) => {
        const row = await held(trx, id, owner);
        if (!row) return false;
        await putBack(trx, row, { not_before: at, attempts: Math.max(0, row.attempts - 1) }, at);
        return true;
      });
    },

    requeueExpired: (at) => inTransaction(db, (trx) => requeueExpired(trx, toTimestamp(at))),

    async get(id) {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toJob(row);
    },

    async list(opts = {}) {
      const rows = await db
        .selectFrom('jobs')
        .selectAll()
        .$if(opts.queue !== undefined, (q) => q.where('queue', '=', opts.queue!))
        .$if(opts.status !== undefined, (q) => q.where('status', '=', opts.status!))
        .orderBy('id', 'desc')
        .limit(opts.limit ?? 100)
        .execute();
      return rows.map(toJob);
    },

    async stats(queue, atInput) {
      const at = toTimestamp(atInput);
      const scoped = () =>
        db.selectFrom('jobs').$if(queue !== undefined, (q) => q.where('queue', '=', queue!));
      const counts = await scoped()
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', ['queued', 'leased'])
        .groupBy('status')
        .execute();
      const oldest = await scoped()
        .select((eb) => eb.fn.min('not_before').as('at'))
        .where('status', '=', 'queued')
        .where('not_before', '<=', at)
        .executeTakeFirst();
      const n = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0);
      return { queued: n('queued'), leased: n('leased'), oldest_due_at: oldest?.at ?? null };
    },

    async idle() {
      if (dialect === 'sqlite') await sql`pragma wal_checkpoint(PASSIVE)`.execute(db);
    },

    async purge(before) {
      const r = await db
        .deleteFrom('jobs')
        .where('status', 'in', ['done', 'failed'])
        .where('finished_at', '<', toTimestamp(before))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
};
