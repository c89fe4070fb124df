/**
 * The store's contract, composed: each repository declares its own interface beside its code
 * (identities-repo.ts, audit-types.ts, auth-types.ts, …) and this file only puts them together,
 * as Ory Kratos' persister composes per-capability pools. New modules take what they use
 * (`Pick<Store, 'grants' | 'audit'>`). Row shapes are re-exported for the callers of the Store.
 */
import type { AccountsRepo } from './accounts-repo.js';
import type { AgentJobsRepo, AgentsRepo } from './agents-types.js';
import type { AuditRepo } from './audit-types.js';
import type { ApiTokensRepo, LoginFailuresRepo, SessionsRepo, UsersRepo } from './auth-types.js';
import type { BrowseRepo } from './browse-repo.js';
import type { GrantsRepo } from './grants-repo.js';
import type { IdentitiesRepo } from './identities-repo.js';
import type { JobsRepo, LeaderRepo, SchedulesRepo, WebhookReplaysRepo } from './jobs-types.js';
import type { ReconciliationsRepo } from './reconcile-repo.js';
import type { ReviewsRepo } from './reviews-types.js';
import type { RunLockRepo } from './run-lock-repo.js';
import type { RunsRepo } from './runs-repo.js';
import type { SavedPlansRepo } from './saved-plans-repo.js';
import type { SnapshotsRepo } from './snapshots-repo.js';
import type { SourceStateRepo } from './source-state-repo.js';
import type { TasksRepo } from './tasks-repo.js';

export type { AuditCheckpoint, AuditEvent, AuditInput, RefusalInput } from '../audit/types.js';
export type { Timestamp } from '../domain/timestamp.js';
export type { AccessRow } from './accounts-repo.js';
export type { IdentityChange, IdentityHistoryRow } from './identities-repo.js';
export type { OperationRow, OperationStatus, RunRow, RunStatus } from './runs-repo.js';
export type { QuarantineEntry, QuarantineRow, SnapshotRow } from './snapshots-repo.js';
export type { TaskRow } from './tasks-repo.js';

export type Store = {
  readonly dialect: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Runs fn in one database transaction (BEGIN IMMEDIATE on SQLite). */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;

  identities: IdentitiesRepo;
  snapshots: SnapshotsRepo;
  /** Actual state (src/store/accounts-repo.ts). */
  accounts: AccountsRepo;
  grants: GrantsRepo;
  runs: RunsRepo;
  tasks: TasksRepo;
  /** The hash-chained audit trail (src/store/audit-types.ts). */
  audit: AuditRepo;

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
  /** Access-review campaigns, items, sign-offs (src/store/reviews-types.ts). */
  reviews: ReviewsRepo;
};
