/**
 * The worker every replica runs: lease due jobs, run them, keep their leases alive, record the
 * outcome. A job that throws a TenureError (bad config, halted import) fails at once; anything
 * else (a lost connection, a crash) is retried with backoff, as is a full store — the same job
 * passes once space is freed — and another process's run in progress.
 */
import { isTenureError } from '../../domain/errors.js';
import type { Clock } from '../../domain/types.js';
import type { JobRow } from '../../store/jobs-types.js';
import type { Queue } from '../queue/index.js';
import type { Logger, Workspace } from '../workspace.js';
import type { JobHandler, JobHooks, JobOutcome } from './handlers.js';

/**
 * Tenure errors that are not the job's fault, so retrying helps: a full store, or another
 * process's run holding the run lock (the job is only early).
 */
const retryable = (e: { code: string }) =>
  e.code === 'store.disk_full' || e.code === 'run.in_progress';

export type WorkerOptions = {
  ws: Workspace;
  queue: Queue;
  queueName: string;
  owner: string;
  clock: Clock;
  log: Logger;
  handlers: Record<string, JobHandler>;
  hooks?: JobHooks & { onFinished?: (job: JobRow, outcome: JobOutcome | Error) => void };
  /** Jobs run at once by this process (1: runs of one process never overlap). */
  concurrency: number;
  leaseMs: number;
  pollMs: number;
};

export type Worker = {
  start(): void;
  /** Look for work now (a webhook was just queued). */
  poke(): void;
  /** Stops leasing, waits up to graceMs for running jobs, then releases those still running. */
  stop(graceMs: number): Promise<{ finished: number; released: number }>;
  inFlight(): number;
};

export function createWorker(o: WorkerOptions): Worker {
  const running = new Map<number, { job: JobRow; done: Promise<void> }>();
  let active = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  // A poke while a lease query is under way must not be lost: the next idle() returns at once.
  let poked = false;
  const poke = () => {
    poked = true;
    wake?.();
  };
  const idle = () =>
    new Promise<void>((resolve) => {
      if (poked) {
        poked = false;
        resolve();
        return;
      }
      const t = setTimeout(done, o.pollMs);
      function done() {
        clearTimeout(t);
        wake = undefined;
        poked = false;
        resolve();
      }
      wake = done;
    });

  const schedule = (job: JobRow, outcome: string) => {
    const name = job.payload.schedule;
    if (typeof name !== 'string') return Promise.resolve();
    return o.ws.store.schedules
      .recordOutcome(name, job.id, outcome, o.clock().toISOString())
      .catch((err) => o.log.warn({ err, job: job.id }, 'could not record the schedule outcome'));
  };

  /**
   * After a job, with nothing else running: let the store tidy up (SQLite checkpoints its WAL),
   * so the fsyncs land here rather than in the commit of the next webhook request.
   */
  const tidy = async () => {
    if (running.size > 1) return;
    await o.ws.store.jobs.idle().catch((err) => o.log.warn({ err }, 'store tidy-up failed'));
  };

  const execute = async (job: JobRow) => {
    const log = o.log.child({ job: job.id, kind: job.kind, attempt: job.attempts });
    // Renew at a third of the lease: two renewals can be late before another replica takes over.
    const renew = setInterval(
      () => {
        o.queue
          .extend([job.id], o.owner, o.leaseMs)
          .then((held) => {
            if (!held.includes(job.id))
              log.warn('lease lost: another worker may run this job again');
          })
          .catch((err) => log.warn({ err }, 'lease renewal failed'));
      },
      Math.max(50, Math.floor(o.leaseMs / 3)),
    );
    try {
      const handler = o.handlers[job.kind];
      if (!handler) {
        await o.queue.fail(job, o.owner, `unknown job kind "${job.kind}"`, { permanent: true });
        return;
      }
      log.info('job started');
      const out = await handler(o.ws, job, o.hooks ?? {});
      if (!(await o.queue.complete(job, o.owner, { outcome: out.outcome, ...out.result })))
        log.warn('job finished after its lease was lost; its result was not recorded');
      await schedule(job, out.outcome);
      log.info({ outcome: out.outcome }, 'job finished');
      await tidy();
      o.hooks?.onFinished?.(job, out);
    } catch (e) {
      const err = e as Error;
      const code = isTenureError(e) ? e.code : 'error';
      const status = await o.queue
        .fail(job, o.owner, `${code}: ${err.message}`, {
          permanent: isTenureError(e) && !retryable(e),
        })
        .catch((failErr) => {
          log.error({ err: failErr }, 'could not record the job failure');
          return undefined;
        });
      log.error({ err, status }, 'job failed');
      await schedule(job, status === 'queued' ? `retrying (${code})` : `failed (${code})`);
      await tidy();
      o.hooks?.onFinished?.(job, err);
    } finally {
      clearInterval(renew);
    }
  };

  const tick = async () => {
    poked = false;
    const free = o.concurrency - running.size;
    if (free <= 0) return false;
    let jobs: JobRow[] = [];
    try {
      jobs = await o.queue.lease(o.queueName, o.owner, free, o.leaseMs);
    } catch (err) {
      o.log.warn({ err }, 'could not lease jobs');
      return false;
    }
    for (const job of jobs) {
      const done = execute(job).finally(() => {
        running.delete(job.id);
        poke();
      });
      running.set(job.id, { job, done });
    }
    return jobs.length === free; // a full batch: there may be more waiting
  };

  return {
    start() {
      if (active) return;
      active = true;
      loop = (async () => {
        while (active) {
          if (!(await tick()) && active) await idle();
        }
      })();
    },
    poke,
    async stop(graceMs) {
      active = false;
      poke();
      await loop;
      const all = [...running.values()];
      const timeout = new Promise<'timeout'>((r) =>
        setTimeout(() => r('timeout'), graceMs).unref(),
      );
      await Promise.race([Promise.all(all.map((r) => r.done)), timeout]);
      let released = 0;
      for (const { job } of running.values()) {
        // Still running: hand it back so another replica can start it; ours is about to stop.
        if (await o.queue.release(job, o.owner).catch(() => false)) released++;
      }
      return { finished: all.length - running.size, released };
    },
    inFlight: () => running.size,
  };
}
