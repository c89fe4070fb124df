/** createStore(url): the Store for SQLite or PostgreSQL, assembled from small repositories. */
import { type Kysely, sql } from 'kysely';
import { TenureError } from '../domain/errors.js';
import type { Clock } from '../domain/types.js';
import { createAccountsRepo } from './accounts-repo.js';
import { createAgentJobsRepo } from './agent-jobs-repo.js';
import { createAgentsRepo } from './agents-repo.js';
import { createApiTokensRepo } from './api-tokens-repo.js';
import { createAuditRepo } from './audit-repo.js';
import { createBrowseRepo } from './browse-repo.js';
import { inTransaction } from './codec.js';
import { type Connection, connect } from './connect.js';
import { createGrantsRepo } from './grants-repo.js';
import { createIdentitiesRepo } from './identities-repo.js';
import { createJobsRepo } from './jobs-repo.js';
import { createLeaderRepo } from './leader-repo.js';
import { createSchedulesRepo } from './leader-schedules-repo.js';
import { createLoginFailuresRepo } from './login-failures-repo.js';
import { migrateToLatest } from './migrate.js';
import { createReconciliationsRepo } from './reconcile-repo.js';
import { createReviewsRepo } from './reviews-repo.js';
import { createRunLockRepo } from './run-lock-repo.js';
import { createRunsRepo } from './runs-repo.js';
import { createSavedPlansRepo } from './saved-plans-repo.js';
import type { Database, StoreDialect } from './schema.js';
import { createSessionsRepo } from './sessions-repo.js';
import { createSnapshotsRepo } from './snapshots-repo.js';
import { createSourceStateRepo } from './source-state-repo.js';
import { createTasksRepo } from './tasks-repo.js';
import type { Store } from './types.js';
import { createUsersRepo } from './users-repo.js';
import { createWebhookReplaysRepo } from './webhook-replays-repo.js';

export type CreateStoreOptions = {
  /** Time source for audit timestamps when the caller gives none; tests inject. */
  clock?: Clock;
};

/**
 * `sqlite:<path>`, `sqlite::memory:` or a bare path → better-sqlite3 (WAL, synchronous=NORMAL,
 * foreign keys, 15 s busy timeout; the parent directory is created).
 * `postgres://…` / `postgresql://…` → a pg Pool. Call `migrate()` before first use.
 */
export const createStore = async (url: string, opts: CreateStoreOptions = {}): Promise<Store> => {
  const { db, dialect } = connect(url);
  if (dialect === 'postgres') {
    try {
      await sql`select 1`.execute(db);
    } catch (e) {
      await db.destroy().catch(() => {});
      throw new TenureError('store.unreachable', `cannot connect to PostgreSQL: ${String(e)}`, {});
    }
  }
  return storeOn({ db, dialect }, url, opts);
};

/** The Store over a connection already open (`connect(url)`): tests tune it first (pragmas). */
export const storeOn = (conn: Connection, url: string, opts: CreateStoreOptions = {}): Store =>
  bind(conn.db, conn.dialect, opts.clock ?? (() => new Date()), url);

/** The same Store shape over the root connection or over one transaction. */
const bind = (db: Kysely<Database>, dialect: StoreDialect, clock: Clock, url: string): Store => ({
  dialect,
  migrate: () => migrateToLatest(db, dialect),
  async close() {
    if (db.isTransaction) {
      throw new TenureError(
        'store.close_in_transaction',
        'close() the root store, not a transaction',
        {},
      );
    }
    await db.destroy();
  },
  // Nested calls join the outer transaction: Kysely has no nested transactions.
  transaction: (fn) => inTransaction(db, (trx) => fn(bind(trx, dialect, clock, url))),
  identities: createIdentitiesRepo(db, dialect),
  snapshots: createSnapshotsRepo(db),
  accounts: createAccountsRepo(db, dialect),
  grants: createGrantsRepo(db),
  runs: createRunsRepo(db),
  tasks: createTasksRepo(db),
  audit: createAuditRepo(db, dialect, clock),
  users: createUsersRepo(db),
  sessions: createSessionsRepo(db),
  apiTokens: createApiTokensRepo(db),
  loginFailures: createLoginFailuresRepo(db, dialect),
  browse: createBrowseRepo(db),
  reconciliations: createReconciliationsRepo(db, dialect),
  jobs: createJobsRepo(db, dialect),
  // The URL: PostgreSQL leadership holds an advisory lock on a connection outside the pool.
  leader: createLeaderRepo(db, dialect, url),
  schedules: createSchedulesRepo(db),
  webhookReplays: createWebhookReplaysRepo(db),
  agents: createAgentsRepo(db),
  agentJobs: createAgentJobsRepo(db, dialect),
  sourceState: createSourceStateRepo(db),
  runLock: createRunLockRepo(db),
  savedPlans: createSavedPlansRepo(db),
  reviews: createReviewsRepo(db, dialect),
});
