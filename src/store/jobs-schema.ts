/** Kysely table types of the control plane's work queue, scheduler state and webhook replay guard. */
import type { Generated } from 'kysely';

export type JobsTable = {
  id: Generated<number>;
  /** `runs` today; `site:<name>` for the on-prem agent later. */
  queue: string;
  kind: string;
  payload: string;
  /** Same key + still queued in the same queue = the same pending work: enqueued once. */
  dedupe_key: string | null;
  /** Higher first (webhooks before scheduled work). */
  priority: number;
  /** queued | leased | done | failed */
  status: string;
  attempts: number;
  max_attempts: number;
  /** Not leased before this instant (retry backoff, delayed work). */
  not_before: string;
  /** Who holds (or last held: kept on done/failed, for the record) the lease. */
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
  result: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
};

export type SchedulerLeaderTable = {
  name: string;
  owner: string;
  acquired_at: string;
  heartbeat_at: string;
};

export type ScheduleStateTable = {
  name: string;
  next_run_at: string | null;
  last_enqueued_at: string | null;
  last_job_id: number | null;
  last_run_at: string | null;
  last_outcome: string | null;
  updated_at: string;
};

export type WebhookReplaysTable = {
  source_id: string;
  /** `sig:<hex>` or `event:<id>` */
  key: string;
  seen_at: string;
  expires_at: string;
};

/** Merged into the store's Database type. */
export type SchedulerTables = {
  jobs: JobsTable;
  scheduler_leader: SchedulerLeaderTable;
  schedule_state: ScheduleStateTable;
  webhook_replays: WebhookReplaysTable;
};
