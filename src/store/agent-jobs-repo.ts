/** Reads and row locks over the site queues (`site:<name>` jobs) and the runs waiting on them. */
import type { Kysely, Selectable } from 'kysely';
import type { AgentJobsRepo } from './agents-types.js';
import { fromJson, toJson } from './codec.js';
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
