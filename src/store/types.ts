/** The store's contract: what the engine and CLI may ask of SQLite or PostgreSQL, nothing more. */
import type {
  ActualAccount,
  Grant,
  HrRecord,
  Identity,
  IdentityStatus,
  Operation,
  OperationResult,
  Outcome,
} from '../domain/types.js';
import type { AgentJobsRepo, AgentsRepo } from './agents-types.js';
import type { ApiTokensRepo, LoginFailuresRepo, SessionsRepo, UsersRepo } from './auth-types.js';
import type { BrowseRepo } from './browse-repo.js';
import type { JobsRepo, LeaderRepo, SchedulesRepo, WebhookReplaysRepo } from './jobs-types.js';
import type { ReconciliationsRepo } from './reconcile-repo.js';
import type { RunLockRepo } from './run-lock-repo.js';
import type { SavedPlansRepo } from './saved-plans-repo.js';
import type { SourceStateRepo } from './source-state-repo.js';

/** All timestamps are ISO-8601 UTC strings with milliseconds (`2026-11-26T18:52:15.123Z`). */
export type Timestamp = string;

export type IdentityChange = {
  identity: Identity;
  /** Lifecycle event kinds for the history row, e.g. ['mover'] or ['joiner']. */
  events: string[];
};

export type IdentityHistoryRow = {
  identity_id: string;
  valid_from: Timestamp;
  valid_to: Timestamp | null;
  status: IdentityStatus;
  attributes: HrRecord;
  events: string[];
};

export type SnapshotRow = {
  id: number;
  source_id: string;
  taken_at: Timestamp;
  row_count: number;
  accepted: number;
  rejected: number;
  sha256: string;
  /** delta: a partial read (tenure import --changed, a vendor webhook): never a drop baseline. */
  status: 'imported' | 'halted' | 'delta';
};

export type QuarantineRow = {
  snapshot_id: number;
  source_id: string;
  row_number: number;
  employee_id: string | null;
  reason: string;
  raw: string;
  /** `critical`: the row says terminated, so that person's access is kept until it is fixed. */
  severity: 'critical' | 'error';
  /** A stable code when one names the problem (`hr.malformed_csv`, …), else null. */
  code: string | null;
};

/** A quarantined row with when its snapshot was taken. */
export type QuarantineEntry = QuarantineRow & { taken_at: Timestamp };

/** `interrupted`: its process died mid-apply; the next run closed it and re-planned what was left. */
export type RunStatus = 'planned' | 'held' | 'applying' | 'done' | 'failed' | 'interrupted';

export type RunRow = {
  id: string;
  created_at: Timestamp;
  finished_at: Timestamp | null;
  status: RunStatus;
  /** What started it: `cli:apply`, `hr:<source>:snapshot`, `schedule`, ... */
  trigger: string;
  actor: string;
  dry_run: boolean;
  held_reason: string | null;
  approved_by: string | null;
  summary: Record<string, unknown>;
};

/** `cancelled`: never attempted, its run was interrupted (a later plan does it if still wanted). */
export type OperationStatus =
  | 'queued'
  | 'success'
  | 'failure'
  | 'pending_manual'
  | 'skipped'
  | 'cancelled';

export type OperationRow = {
  run_id: string;
  seq: number;
  op: Operation;
  status: OperationStatus;
  message: string | null;
  finished_at: Timestamp | null;
};

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

/** One entry in the held-access history: an account being enabled, or an entitlement held. */
export type AccessRow = {
  app_id: string;
  account_id: string;
  identity_id: string | null;
  /** null = the account itself (enabled) */
  entitlement_id: string | null;
  valid_from: Timestamp;
  valid_to: Timestamp | null;
};

export type AuditInput = {
  action: string;
  /** `rule:<policy>`, `hr:<source>:<event>`, `admin:<user>`, `system`, ... */
  actor: string;
  /** What caused it: `run:<id>`, `snapshot:<id>`, `task:<id>` ... */
  trigger: string;
  /** `identity:<id>`, `account:<app>/<account>`, `entitlement:<app>/<ent>`, `application:<id>` */
  target: string;
  outcome: Outcome;
  details?: Record<string, unknown>;
  /** Defaults to the store clock; tests inject. */
  ts?: Timestamp;
};

export type AuditEvent = {
  seq: number;
  ts: Timestamp;
  action: string;
  actor: string;
  trigger: string;
  target: string;
  outcome: Outcome;
  /** Canonical JSON text, hashed as stored. */
  details: string;
  prev_hash: string;
  hash: string;
};

export type AuditCheckpoint = {
  seq: number;
  head_hash: string;
  ts: Timestamp;
  key_id: string;
  signature: string;
  /** Hash of the previous checkpoint (64 zeros for the first); null: a legacy version 1 row. */
  prev_checkpoint: string | null;
};

/**
 * Whether checkpoint signatures were checked: `not_checked` always comes with a reason (no key,
 * no checkpoint), so an `ok` without signatures is never silent.
 */
export type SignatureCheck =
  | { signatures: 'verified' }
  | { signatures: 'not_checked'; signatures_reason: string };

export type { RefusalInput } from './audit-refusals.js';

import type { RefusalInput } from './audit-refusals.js';

export type VerifyResult = SignatureCheck &
  (
    | {
        ok: true;
        events: number;
        checkpoints: number;
        head: string;
        /** Seq of the last checkpoint with a good signature; events after it are chain-only. */
        signed_through: number;
        /** The anchors outside the database the chain was compared with (head file, witness). */
        anchors: string[];
      }
    | { ok: false; events: number; first_bad_seq: number; reason: string }
  );

export type Store = {
  readonly dialect: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Runs fn in one database transaction (BEGIN IMMEDIATE on SQLite). */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;

  identities: {
    all(): Promise<Identity[]>;
    get(id: string): Promise<Identity | undefined>;
    /** The identity whose id equals `id` ignoring case (identity keys compare as targets do). */
    getIgnoringCase(id: string): Promise<Identity | undefined>;
    /** Upserts identities and closes/opens their effective-dated history rows at `at`. */
    save(changes: IdentityChange[], at: Timestamp): Promise<void>;
    history(id: string): Promise<IdentityHistoryRow[]>;
    /** Identities as they were at `at`, from history. */
    asOf(at: Timestamp): Promise<Identity[]>;
  };

  snapshots: {
    last(sourceId: string, status?: SnapshotRow['status']): Promise<SnapshotRow | undefined>;
    record(row: Omit<SnapshotRow, 'id'>): Promise<number>;
    quarantine(rows: QuarantineRow[]): Promise<void>;
    quarantined(snapshotId: number): Promise<QuarantineRow[]>;
    /**
     * Rows still in quarantine: for each source, those of its latest full import and of every
     * delta read after it (or of one snapshot when `snapshotId` is given).
     */
    openQuarantine(filter?: { sourceId?: string; snapshotId?: number }): Promise<QuarantineEntry[]>;
  };

  accounts: {
    /** Current accounts with their current entitlements. */
    all(appId?: string): Promise<ActualAccount[]>;
    forIdentity(identityId: string): Promise<ActualAccount[]>;
    /** Accounts linked to any of these identities (a plan reads them a batch at a time). */
    forIdentities(identityIds: readonly string[]): Promise<ActualAccount[]>;
    /** Accounts linked to no identity. */
    orphans(): Promise<ActualAccount[]>;
    /** Enabled accounts per application, for these applications (absent: none enabled). */
    enabledCounts(appIds: readonly string[]): Promise<Map<string, number>>;
    /** Records the effect of one successful (or manually completed) operation on actual state. */
    applyOperation(op: Operation, result: OperationResult, at: Timestamp): Promise<void>;
    /** Who held what at `at`, optionally for one identity. */
    accessAt(at: Timestamp, identityId?: string): Promise<AccessRow[]>;
  };

  grants: {
    all(): Promise<Grant[]>;
    add(grant: Omit<Grant, 'id'>, by: string, at: Timestamp): Promise<Grant>;
  };

  runs: {
    create(run: RunRow, ops: Operation[]): Promise<void>;
    get(id: string): Promise<RunRow | undefined>;
    list(limit?: number): Promise<RunRow[]>;
    update(id: string, patch: Partial<Omit<RunRow, 'id'>>): Promise<void>;
    operations(runId: string): Promise<OperationRow[]>;
    setOperationStatus(
      runId: string,
      key: string,
      status: OperationStatus,
      message: string | null,
      at: Timestamp,
    ): Promise<void>;
    /** Marks the run's still-queued operations cancelled, except the keys in `keep`; returns how many. */
    cancelQueued(
      runId: string,
      message: string,
      at: Timestamp,
      keep: ReadonlySet<string>,
    ): Promise<number>;
  };

  tasks: {
    /** Creates an open task unless one with the same op key is already open; returns it either way. */
    open(runId: string, op: Operation, at: Timestamp): Promise<TaskRow>;
    list(status?: TaskRow['status']): Promise<TaskRow[]>;
    get(id: number): Promise<TaskRow | undefined>;
    close(id: number, by: string, evidence: string, at: Timestamp): Promise<TaskRow>;
    /** Withdraws an open task; `reason` is kept in the evidence column. */
    cancel(id: number, by: string, reason: string, at: Timestamp): Promise<TaskRow>;
  };

  audit: {
    /** Appends events to the hash chain in one transaction; returns them with seq and hash. */
    append(events: AuditInput[]): Promise<AuditEvent[]>;
    head(): Promise<{ seq: number; hash: string }>;
    /**
     * An anonymous refusal (src/store/audit-refusals.ts): appended when it is the first of its
     * (action, target, reason) in the minute, otherwise counted into one later summary event.
     */
    recordRefusal(refusal: RefusalInput): Promise<'appended' | 'counted'>;
    /** Appends the summary events of refusal buckets whose minute ended before `now`. */
    flushRefusals(now: Timestamp): Promise<number>;
    /**
     * Iterates events in seq order, optionally within [since, until) by ts and/or
     * [fromSeq, toSeq] by seq (inclusive), reading `batch` rows per query.
     */
    iterate(opts?: {
      since?: Timestamp;
      until?: Timestamp;
      fromSeq?: number;
      toSeq?: number;
      batch?: number;
    }): AsyncIterable<AuditEvent>;
    /**
     * The contiguous seq range covering [since, until): first seq with ts >= since, last with
     * ts < until. Exports use it so a time window is never a chain with holes in it.
     */
    seqRange(opts?: {
      since?: Timestamp;
      until?: Timestamp;
    }): Promise<{ first: number; last: number } | undefined>;
    /** Stores a checkpoint as given (kept for imports and tests; writers use appendCheckpoint). */
    addCheckpoint(cp: AuditCheckpoint): Promise<void>;
    /**
     * Under the chain's append lock: reads the head and the last checkpoint, lets `sign` build the
     * next checkpoint (prevCheckpoint = hash of the last one, or 64 zeros) and stores it. Returns
     * undefined, writing nothing, on an empty chain or when the head is already checkpointed.
     */
    appendCheckpoint(
      sign: (head: { seq: number; hash: string }, prevCheckpoint: string) => AuditCheckpoint,
    ): Promise<AuditCheckpoint | undefined>;
    /** Every checkpoint in chain order: seq, then key id. */
    checkpoints(): Promise<AuditCheckpoint[]>;
  };

  /** Control-plane sign-in (src/store/auth-types.ts). */
  users: UsersRepo;
  sessions: SessionsRepo;
  apiTokens: ApiTokensRepo;
  loginFailures: LoginFailuresRepo;
  /** Keyset-paged reads for the HTTP API, and the counts /metrics exposes. */
  browse: BrowseRepo;
  /** Reconciliation: actual state as read from targets, and the stored findings (src/store/reconcile-repo.ts). */
  reconciliations: ReconciliationsRepo;

  /** The durable work queue, scheduler leadership/state, webhook replay guard (src/store/jobs-types.ts). */
  jobs: JobsRepo;
  leader: LeaderRepo;
  schedules: SchedulesRepo;
  webhookReplays: WebhookReplaysRepo;

  /** On-prem agents: registry, enrollment tokens, nonces (src/store/agents-types.ts). */
  agents: AgentsRepo;
  /** Reads and locks over the site queues the agents lease from. */
  agentJobs: AgentJobsRepo;
  /** Per HR source: the delta watermark (src/store/source-state-repo.ts). */
  sourceState: SourceStateRepo;
  /** One run at a time per workspace, across processes and replicas (src/store/run-lock-repo.ts). */
  runLock: RunLockRepo;
  /** Plans the API saved to apply by id (src/store/saved-plans-repo.ts). */
  savedPlans: SavedPlansRepo;
};
