/** Reads and row locks over the site queues (`site:<name>` jobs) and the runs waiting on them. */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { AgentJobsRepo } from './agents-types.js';
import { chunks, fromJson, toJson, toTimestamp } from './codec.js';
import type { JobsTable } from './jobs-schema.js';
import type { JobRow, JobStatus } from './jobs-types.js';
import type { Database, StoreDialect } from './schema.js';

export const SITE_QUEUE_PREFIX = 'site:';

const toJob = (r: Selectable<JobsTable>): JobRow => ({
  ...r,
  payload: fromJson<Record<string, unknown>>(r.payload),
  status: r.status as JobStatus,
  result: r.result === null ? null : fromJson<Record<string, unknown>>(r.result),
});

export const createAgentJobsRepo = (db: Kysely<Database>, dialect: StoreDialect): AgentJobsRepo => {
  const siteJobs = () => db.selectFrom('jobs').where('queue', 'like', `${SITE_QUEUE_PREFIX}%`);
  return {
    async enqueueMany(jobs, atInput) {
      const at = toTimestamp(atInput);
      const out: { id: number | null; twin: number | null }[] = [];
      for (const batch of chunks(jobs, 200)) {
        const inserted = await db
          .insertInto('jobs')
          .values(
            batch.map((j) => ({
              queue: j.queue,
              kind: j.kind,
              payload: toJson(j.payload ?? {}),
              dedupe_key: j.dedupe_key,
              priority: j.priority ?? 0,
              status: 'queued',
              attempts: 0,
              max_attempts: j.max_attempts ?? 5,
              not_before: j.not_before ? toTimestamp(j.not_before) : at,
              created_at: at,
            })),
          )
          // A literal, not a parameter: SQLite must see it implies the partial index's WHERE.
          .onConflict((oc) =>
            oc.columns(['queue', 'dedupe_key']).where('status', '=', sql.lit('queued')).doNothing(),
          )
          .returning(['id', 'queue', 'dedupe_key'])
          .execute();
        const key = (queue: string, dedupe: string | null) => `${queue}\n${dedupe}`;
        const made = new Map(inserted.map((r) => [key(r.queue, r.dedupe_key), r.id]));
        const missing = batch.filter((j) => !made.has(key(j.queue, j.dedupe_key)));
        // The same work already waits (or was just leased): the newest job of that key holds it.
        const twins = new Map<string, number>();
        if (missing.length > 0) {
          const rows = await db
            .selectFrom('jobs')
            .select(['id', 'queue', 'dedupe_key'])
            .where(
              'dedupe_key',
              'in',
              missing.map((j) => j.dedupe_key),
            )
            .orderBy('id')
            .execute();
          for (const r of rows) twins.set(key(r.queue, r.dedupe_key), r.id);
        }
        for (const j of batch) {
          const k = key(j.queue, j.dedupe_key);
          out.push({ id: made.get(k) ?? null, twin: made.has(k) ? null : (twins.get(k) ?? null) });
        }
      }
      return out;
    },

    async waitingKeys() {
      const rows = await siteJobs()
        .select('payload')
        .where('status', 'in', ['queued', 'leased'])
        .execute();
      const keys = new Set<string>();
      for (const r of rows) {
        const ops = fromJson<{ operations?: { key: string }[] }>(r.payload).operations ?? [];
        for (const op of ops) keys.add(op.key);
      }
      return keys;
    },

    async siteStats() {
      const rows = await siteJobs()
        .select(['queue', 'status'])
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
        .where('status', 'in', ['queued', 'leased'])
        .groupBy(['queue', 'status'])
        .execute();
      const bySite = new Map<string, { queued: number; leased: number; oldest: string | null }>();
      for (const r of rows) {
        const site = r.queue.slice(SITE_QUEUE_PREFIX.length);
        const s = bySite.get(site) ?? { queued: 0, leased: 0, oldest: null };
        if (r.status === 'queued') s.queued += Number(r.n);
        else s.leased += Number(r.n);
        const oldest = r.oldest as string | null;
        if (oldest !== null && (s.oldest === null || oldest < s.oldest)) s.oldest = oldest;
        bySite.set(site, s);
      }
      return [...bySite.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([site, s]) => ({
          site,
          queued: s.queued,
          leased: s.leased,
          oldest_waiting_at: s.oldest,
        }));
    },

    async lockJob(id) {
      const q = db.selectFrom('jobs').selectAll().where('id', '=', id);
      const row = await (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
      return row && toJob(row);
    },

    async lockRun(runId) {
      if (dialect === 'postgres')
        await db.selectFrom('runs').select('id').where('id', '=', runId).forUpdate().execute();
    },

    async operationCounts(runId) {
      const rows = await db
        .selectFrom('operations')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('run_id', '=', runId)
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },

    async unsettledFailures(limit) {
      const rows = await siteJobs()
        .selectAll()
        .where('status', '=', 'failed')
        .where('result', 'is', null)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toJob);
    },

    async setResult(id, result) {
      await db
        .updateTable('jobs')
        .set({ result: toJson(result) })
        .where('id', '=', id)
        .execute();
    },
  };
};
