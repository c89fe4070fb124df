/**
 * The control plane's scheduler: the leader queues due scheduled work (import_and_run,
 * lifecycle_tick, reconcile) into the durable queue; every replica runs a worker that leases and
 * executes queued jobs, webhook runs included. docs/scheduler.md explains the guarantees.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { parseDuration, type ScheduleName } from '../../config/scheduler-schema.js';
import type { Clock } from '../../domain/types.js';
import type { JobRow } from '../../store/jobs-types.js';
import { createAgentWatch } from '../agents/watch.js';
import { createQueue, type Queue, RUNS_QUEUE } from '../queue/index.js';
import type { Logger, Workspace } from '../workspace.js';
import { JOB_HANDLERS, type JobHandler, type JobHooks, type JobOutcome } from './handlers.js';
import { MAX_ATTEMPTS, PRIORITY } from './job-kinds.js';
import { createLeaderElection, type LeaderInfo } from './leader.js';
import { planSchedules, type ScheduleDef } from './slots.js';
import { createWorker } from './worker.js';

export type SchedulerIntervals = {
  /** Leader election and due-schedule check. */
  tickMs: number;
  /** Worker poll when idle (a webhook pokes it at once). */
  pollMs: number;
  /** Job lease; renewed every third of it while the job runs. */
  leaseMs: number;
  /** SQLite leader lease; and when status() calls a silent leader gone. */
  leaderTtlMs: number;
  /** Jobs this process runs at once. */
  concurrency: number;
  /** stop(): how long running jobs may finish before they are released. */
  graceMs: number;
  /** Finished jobs are deleted after this long (by the leader, hourly). */
  retentionMs: number;
  purgeEveryMs: number;
};

export const DEFAULT_INTERVALS: SchedulerIntervals = {
  tickMs: 1_000,
  pollMs: 1_000,
  leaseMs: 60_000,
  leaderTtlMs: 15_000,
  concurrency: 1,
  graceMs: 30_000,
  retentionMs: 7 * 86_400_000,
  purgeEveryMs: 3_600_000,
};

export type ScheduleStatus = {
  name: ScheduleName;
  every: string;
  enabled: boolean;
  next_run_at: string | null;
  last_run_at: string | null;
  /** done, partial, held, nothing_to_do, retrying (code), failed (code) … */
  last_outcome: string | null;
  last_job_id: number | null;
  /** The replica leading the schedules (null: none alive). */
  leader: string | null;
};

export type SchedulerMetrics = {
  queue_depth: number;
  oldest_pending_age_seconds: number;
  leader: boolean;
  jobs_in_flight: number;
};

export type Scheduler = {
  owner: string;
  queue: Queue;
  start(): Promise<void>;
  /** Stops scheduling and leasing; running jobs finish (or are released after graceMs); resigns. */
  stop(): Promise<void>;
  status(): Promise<ScheduleStatus[]>;
  leader(): Promise<LeaderInfo | undefined>;
  isLeader(): boolean;
  /** Look for queued work now. */
  poke(): void;
  metrics(): Promise<SchedulerMetrics>;
};

export type SchedulerOptions = {
  ws: Workspace;
  /** This replica's name in leases and status (default host:pid:random). */
  owner?: string;
  clock?: Clock;
  log?: Logger;
  intervals?: Partial<SchedulerIntervals>;
  hooks?: JobHooks & { onFinished?: (job: JobRow, outcome: JobOutcome | Error) => void };
  /** Tests: other handlers. */
  handlers?: Record<string, JobHandler>;
};

const SCHEDULES: ScheduleName[] = ['import_and_run', 'lifecycle_tick', 'reconcile'];

/** Thrown to roll back an enqueue whose slot another leader fired first. */
class SlotTaken extends Error {}

export function createScheduler(opts: SchedulerOptions): Scheduler {
  const { ws } = opts;
  const clock = opts.clock ?? ws.clock;
  const base: Logger = opts.log ?? ws.log;
  const log = base.child({ component: 'scheduler' });
  const iv = { ...DEFAULT_INTERVALS, ...opts.intervals };
  const owner = opts.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const queue = createQueue({ store: ws.store, clock });
  const election = createLeaderElection({
    store: ws.store,
    owner,
    clock,
    log,
    ttlMs: iv.leaderTtlMs,
  });
  const worker = createWorker({
    ws,
    queue,
    queueName: RUNS_QUEUE,
    owner,
    clock,
    log,
    handlers: opts.handlers ?? JOB_HANDLERS,
    ...(opts.hooks && { hooks: opts.hooks }),
    concurrency: iv.concurrency,
    leaseMs: iv.leaseMs,
    pollMs: iv.pollMs,
  });
  // On-prem agents: offline alerts, jobs out of attempts, nonce purge (throttled, leader only).
  const agentWatch = createAgentWatch({ ws, clock, log });
  const defs: ScheduleDef[] = SCHEDULES.filter((n) => ws.config.schedules[n].enabled).map((n) => ({
    name: n,
    everyMs: parseDuration(ws.config.schedules[n].every)!,
  }));

  let active = false;
  let loop: Promise<void> | undefined;
  let interrupt: (() => void) | undefined;
  let lastPurge = 0;

  const enqueueDue = async () => {
    const now = clock();
    const ts = now.toISOString();
    const { fire, reschedule } = planSchedules(defs, await ws.store.schedules.list(), now);
    for (const f of fire) {
      try {
        const job = await ws.store.transaction(async (tx) => {
          const { job } = await tx.jobs.enqueue(
            {
              queue: RUNS_QUEUE,
              kind: f.name,
              payload: { schedule: f.name, due_at: f.due_at },
              // Still queued from the last slot (workers busy): one job, not a pile.
              dedupe_key: `schedule:${f.name}`,
              priority: PRIORITY.schedule,
              max_attempts: MAX_ATTEMPTS[f.name as ScheduleName],
            },
            ts,
          );
          if (!(await tx.schedules.advance(f.name, f.expected, f.next, job.id, ts)))
            throw new SlotTaken();
          return job;
        });
        log.info({ schedule: f.name, job: job.id, next: f.next }, 'schedule fired');
        worker.poke();
      } catch (e) {
        if (!(e instanceof SlotTaken)) log.warn({ err: e, schedule: f.name }, 'could not queue');
      }
    }
    for (const r of reschedule)
      await ws.store.schedules.advance(r.name, r.expected, r.next, null, ts);
  };

  const purge = async () => {
    const now = clock().getTime();
    if (now - lastPurge < iv.purgeEveryMs) return;
    lastPurge = now;
    const jobs = await ws.store.jobs.purge(new Date(now - iv.retentionMs).toISOString());
    const replays = await ws.store.webhookReplays.purge(new Date(now).toISOString());
    if (jobs + replays > 0)
      log.info({ jobs, replays }, 'purged finished jobs and expired webhook keys');
  };

  const leadOnce = async () => {
    if (!(await election.tick())) return;
    try {
      await enqueueDue();
      await purge();
      await agentWatch.tick();
    } catch (err) {
      log.warn({ err }, 'scheduling pass failed');
    }
  };

  return {
    owner,
    queue,
    async start() {
      if (active) return;
      active = true;
      if (defs.length === 0) log.info('no schedule enabled: this replica only runs queued work');
      await leadOnce();
      worker.start();
      loop = (async () => {
        while (active) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, iv.tickMs);
            interrupt = () => {
              clearTimeout(t);
              resolve();
            };
          });
          if (active) await leadOnce();
        }
      })();
    },
    async stop() {
      if (!active) return;
      active = false;
      interrupt?.();
      await loop;
      const { released } = await worker.stop(iv.graceMs);
      if (released > 0) log.warn({ released }, 'released running jobs to other replicas');
      await election.resign();
    },
    async status() {
      const [states, lead] = await Promise.all([ws.store.schedules.list(), election.current()]);
      const byName = new Map(states.map((s) => [s.name, s]));
      return SCHEDULES.map((name) => {
        const s = byName.get(name);
        return {
          name,
          every: ws.config.schedules[name].every,
          enabled: ws.config.schedules[name].enabled,
          next_run_at: ws.config.schedules[name].enabled ? (s?.next_run_at ?? null) : null,
          last_run_at: s?.last_run_at ?? null,
          last_outcome: s?.last_outcome ?? null,
          last_job_id: s?.last_job_id ?? null,
          leader: lead?.alive ? lead.owner : null,
        };
      });
    },
    leader: () => election.current(),
    isLeader: () => election.isLeader(),
    poke: () => worker.poke(),
    async metrics() {
      const [depth, age] = await Promise.all([
        queue.queueDepth(RUNS_QUEUE),
        queue.oldestPendingAgeMs(RUNS_QUEUE),
      ]);
      return {
        queue_depth: depth,
        oldest_pending_age_seconds: age / 1000,
        leader: election.isLeader(),
        jobs_in_flight: worker.inFlight(),
      };
    },
  };
}
