/**
 * The durable work queue as the engine uses it: the store's jobs table plus the clock and the
 * retry policy. Queues are named: `runs` (scheduled and webhook work), `site:<name>` later.
 */
import type { Clock } from '../../domain/types.js';
import type { JobRow, JobStatus, NewJob } from '../../store/jobs-types.js';
import type { Store } from '../../store/types.js';
import { type BackoffPolicy, DEFAULT_BACKOFF, nextAttemptAt } from './backoff.js';

export type { JobRow, JobStatus, NewJob };

export type Queue = {
  enqueue(job: NewJob): Promise<{ job: JobRow; deduped: boolean }>;
  lease(queue: string, owner: string, max: number, leaseMs: number): Promise<JobRow[]>;
  extend(ids: number[], owner: string, leaseMs: number): Promise<number[]>;
  complete(job: JobRow, owner: string, result: Record<string, unknown>): Promise<boolean>;
  /** Retried with backoff until max_attempts; `permanent` fails it at once (retrying cannot help). */
  fail(
    job: JobRow,
    owner: string,
    error: string,
    opts?: { permanent?: boolean },
  ): Promise<JobStatus | undefined>;
  release(job: JobRow, owner: string): Promise<boolean>;
  /** Jobs waiting (queued, due or delayed), for /metrics. */
  queueDepth(queue?: string): Promise<number>;
  /** How long the oldest due job has waited, in ms (0 when none is waiting), for /metrics. */
  oldestPendingAgeMs(queue?: string): Promise<number>;
};

export const RUNS_QUEUE = 'runs';

export function createQueue(deps: { store: Store; clock: Clock; backoff?: BackoffPolicy }): Queue {
  const { store, clock } = deps;
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  const now = () => clock().toISOString();
  return {
    enqueue: (job) => store.jobs.enqueue(job, now()),
    lease: (queue, owner, max, leaseMs) => store.jobs.lease(queue, owner, max, leaseMs, now()),
    extend: (ids, owner, leaseMs) => store.jobs.extend(ids, owner, leaseMs, now()),
    complete: (job, owner, result) => store.jobs.complete(job.id, owner, result, now()),
    fail(job, owner, error, opts = {}) {
      const at = clock();
      const retry = opts.permanent
        ? null
        : nextAttemptAt(job.attempts, job.max_attempts, at, backoff);
      return store.jobs.fail(job.id, owner, error, retry?.toISOString() ?? null, at.toISOString());
    },
    release: (job, owner) => store.jobs.release(job.id, owner, now()),
    async queueDepth(queue) {
      return (await store.jobs.stats(queue, now())).queued;
    },
    async oldestPendingAgeMs(queue) {
      const at = clock();
      const { oldest_due_at } = await store.jobs.stats(queue, at.toISOString());
      return oldest_due_at === null ? 0 : Math.max(0, at.getTime() - Date.parse(oldest_due_at));
    },
  };
}
