/** Store contract of the work queue, the scheduler's leader/state and the webhook replay guard. */

/** ISO-8601 UTC with milliseconds, as everywhere in the store. */
type Timestamp = string;

export type JobStatus = 'queued' | 'leased' | 'done' | 'failed';

export type JobRow = {
  id: number;
  queue: string;
  kind: string;
  payload: Record<string, unknown>;
  dedupe_key: string | null;
  priority: number;
  status: JobStatus;
  /** Leases taken so far (an expired lease counts: a job that kills its worker is not retried forever). */
  attempts: number;
  max_attempts: number;
  not_before: Timestamp;
  /** The current holder; after done/failed, the last one (who processed it). */
  lease_owner: string | null;
  lease_expires_at: Timestamp | null;
  last_error: string | null;
  result: Record<string, unknown> | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
};

export type NewJob = {
  queue: string;
  kind: string;
  payload?: Record<string, unknown>;
  dedupe_key?: string | null;
  priority?: number;
  max_attempts?: number;
  /** Default: now. */
  not_before?: Timestamp;
};

export type QueueStats = {
  /** Jobs waiting: queued, due or delayed for a retry. */
  queued: number;
  leased: number;
  /** not_before of the oldest queued job that is due (null: none), for "workers are stuck" alerts. */
  oldest_due_at: Timestamp | null;
};

export type JobsRepo = {
  /** Queues a job. With a dedupe key already queued (not yet leased) in that queue: that job, deduped. */
  enqueue(job: NewJob, at: Timestamp): Promise<{ job: JobRow; deduped: boolean }>;
  /**
   * Puts expired leases back (or fails them when out of attempts), then leases up to `max` due
   * jobs of `queue` to `owner`, best priority then oldest first; each lease counts an attempt.
   * PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one BEGIN IMMEDIATE transaction.
   */
  lease(
    queue: string,
    owner: string,
    max: number,
    leaseMs: number,
    at: Timestamp,
  ): Promise<JobRow[]>;
  /** Extends leases `owner` still holds; returns the ids it still holds. */
  extend(ids: number[], owner: string, leaseMs: number, at: Timestamp): Promise<number[]>;
  /** false if `owner` no longer holds the lease (it expired and someone else took the job). */
  complete(
    id: number,
    owner: string,
    result: Record<string, unknown>,
    at: Timestamp,
  ): Promise<boolean>;
  /** `retryAt` null: failed for good; else queued again, due at `retryAt`. undefined: lease lost. */
  fail(
    id: number,
    owner: string,
    error: string,
    retryAt: Timestamp | null,
    at: Timestamp,
  ): Promise<JobStatus | undefined>;
  /** Gives a leased job back untouched (graceful shutdown): queued again, the attempt not counted. */
  release(id: number, owner: string, at: Timestamp): Promise<boolean>;
  /** Expired leases back to queued (failed when out of attempts); returns how many were touched. */
  requeueExpired(at: Timestamp): Promise<number>;
  get(id: number): Promise<JobRow | undefined>;
  list(opts?: { queue?: string; status?: JobStatus; limit?: number }): Promise<JobRow[]>;
  stats(queue: string | undefined, at: Timestamp): Promise<QueueStats>;
  /** Deletes done/failed jobs finished before `before`. */
  purge(before: Timestamp): Promise<number>;
  /**
   * The worker has nothing running: a moment to tidy the database. SQLite: a passive WAL
   * checkpoint, so its fsyncs happen now rather than in the commit of the next webhook.
   */
  idle(): Promise<void>;
};

export type LeaderRow = {
  name: string;
  owner: string;
  acquired_at: Timestamp;
  heartbeat_at: Timestamp;
};

export type LeaderRepo = {
  /**
   * Tries to become, or confirms being, the leader of `name`; call it periodically (it is the
   * heartbeat). PostgreSQL: a session-level advisory lock on a connection of its own — if that
   * connection dies the lock goes with it. SQLite: a lease row that expires after `ttlMs`.
   */
  acquire(name: string, owner: string, ttlMs: number, at: Timestamp): Promise<boolean>;
  /** Steps down (PostgreSQL: unlocks and closes the dedicated connection). */
  release(name: string, owner: string): Promise<void>;
  /** The last leader recorded for `name` (check heartbeat_at to know whether it is alive). */
  current(name: string): Promise<LeaderRow | undefined>;
};

export type ScheduleStateRow = {
  name: string;
  next_run_at: Timestamp | null;
  last_enqueued_at: Timestamp | null;
  last_job_id: number | null;
  last_run_at: Timestamp | null;
  last_outcome: string | null;
  updated_at: Timestamp;
};

export type SchedulesRepo = {
  list(): Promise<ScheduleStateRow[]>;
  get(name: string): Promise<ScheduleStateRow | undefined>;
  /**
   * Compare-and-set of next_run_at: true only for the one caller that moved it from `expected`
   * (null: never scheduled), so a slot fires once even if two processes believe they lead.
   * `jobId`: the job queued for the slot (recorded as the last firing); null: only move the time.
   */
  advance(
    name: string,
    expected: Timestamp | null,
    next: Timestamp,
    jobId: number | null,
    at: Timestamp,
  ): Promise<boolean>;
  recordOutcome(name: string, jobId: number, outcome: string, at: Timestamp): Promise<void>;
};

export type WebhookReplaysRepo = {
  /** Records that `key` was seen; false if it already was (a replay). */
  remember(sourceId: string, key: string, expiresAt: Timestamp, at: Timestamp): Promise<boolean>;
  purge(before: Timestamp): Promise<number>;
};
