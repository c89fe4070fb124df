/** Store contract of the on-prem agent registry, enrollment tokens, nonces and site-queue reads. */
import type { JobRow, NewJob } from './jobs-types.js';

type Timestamp = string;

export type AgentRow = {
  id: string;
  site: string;
  hostname: string;
  version: string;
  /** SPKI PEM (Ed25519). */
  public_key: string;
  capabilities: string[];
  enrolled_at: Timestamp;
  /** The admin who minted the enrollment token. */
  enrolled_by: string;
  last_seen_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  ops_done: number;
  ops_failed: number;
  active_jobs: number;
  last_error: string | null;
  targets_reachable: Record<string, boolean>;
  offline_alert_for: Timestamp | null;
};

export type NewAgent = Pick<
  AgentRow,
  'id' | 'site' | 'hostname' | 'version' | 'public_key' | 'capabilities' | 'enrolled_by'
>;

export type EnrollmentTokenRow = {
  id: number;
  site: string;
  created_by: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  agent_id: string | null;
};

/** What the agent reported about itself (heartbeat); absent fields are left as they were. */
export type AgentStatusPatch = Partial<
  Pick<AgentRow, 'version' | 'active_jobs' | 'last_error' | 'targets_reachable'>
>;

export type AgentsRepo = {
  createToken(
    t: { token_hash: string; site: string; created_by: string; expires_at: Timestamp },
    at: Timestamp,
  ): Promise<EnrollmentTokenRow>;
  /**
   * Burns the token for `agentId` (compare-and-set: one caller wins). `unknown`: no such token;
   * `used`: burnt before; `expired`: past its expiry.
   */
  consumeToken(
    tokenHash: string,
    agentId: string,
    at: Timestamp,
  ): Promise<
    { status: 'ok'; token: EnrollmentTokenRow } | { status: 'unknown' | 'used' | 'expired' }
  >;
  create(agent: NewAgent, at: Timestamp): Promise<AgentRow>;
  get(id: string): Promise<AgentRow | undefined>;
  list(): Promise<AgentRow[]>;
  /** Marks the agent seen now, with what it reported. */
  touch(id: string, patch: AgentStatusPatch, at: Timestamp): Promise<void>;
  /** false: unknown or already revoked. */
  revoke(id: string, by: string, at: Timestamp): Promise<boolean>;
  addCounts(id: string, done: number, failed: number): Promise<void>;
  /** Compare-and-set: true for the one caller that records the alert for this outage. */
  markOfflineAlert(id: string, lastSeenAt: Timestamp): Promise<boolean>;
  /** false: this agent already used this nonce (a replay). */
  rememberNonce(agentId: string, jti: string, expiresAt: Timestamp): Promise<boolean>;
  purgeNonces(before: Timestamp): Promise<number>;
};

export type SiteQueueStats = {
  site: string;
  /** Jobs waiting for an agent. */
  queued: number;
  /** Jobs an agent holds right now. */
  leased: number;
  /** created_at of the oldest job not yet reported (queued or leased); null: none. */
  oldest_waiting_at: Timestamp | null;
};

/** Reads and locks over the site queues (`site:<name>` in the jobs table) and the runs they serve. */
export type AgentJobsRepo = {
  /**
   * Queues many jobs in a few statements (call it inside a transaction). A job whose dedupe key is
   * already queued in its queue is not inserted: `twin` names the job holding that work.
   */
  enqueueMany(
    jobs: (NewJob & { dedupe_key: string })[],
    at: Timestamp,
  ): Promise<{ id: number | null; twin: number | null }[]>;
  /** Operation keys waiting in any site queue (queued or leased). */
  waitingKeys(): Promise<Set<string>>;
  siteStats(): Promise<SiteQueueStats[]>;
  /** The job row, locked for the rest of the transaction (PostgreSQL; SQLite holds the write lock). */
  lockJob(id: number): Promise<JobRow | undefined>;
  /** Serialises the writers finishing one run (PostgreSQL row lock; SQLite holds the write lock). */
  lockRun(runId: string): Promise<void>;
  /** Operations of a run per status. */
  operationCounts(runId: string): Promise<Record<string, number>>;
  /** Site jobs failed for good (out of attempts) whose operations are not settled yet. */
  unsettledFailures(limit: number): Promise<JobRow[]>;
  setResult(id: number, result: Record<string, unknown>): Promise<void>;
};
