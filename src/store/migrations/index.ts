/** The migration list, as a static provider: no filesystem scanning, so the CLI can be bundled. */
import type { Migration, MigrationProvider } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { identitiesMigration } from './20261126_0001_identities.js';
import { accessMigration } from './20261126_0002_access.js';
import { runsMigration } from './20261126_0003_runs.js';
import { auditMigration } from './20261126_0004_audit.js';
import { authMigration } from './20261127_0100_auth.js';
import { jobsMigration } from './20261127_0300_jobs.js';
import { reconciliationsMigration } from './20261127_0500_reconciliations.js';
import { accessHeldMigration } from './20261127_0610_access_held.js';
import { agentsMigration } from './20261128_0400_agents.js';
import { sourceStateMigration } from './20261128_0420_source_state.js';
import { hrRecordsMigration } from './20261202_0200_hr_records.js';
import { usernameCaseMigration } from './20261202_0400_username_ci.js';
import { runLockMigration } from './20261202_0600_run_lock.js';
import { auditAnchorsMigration } from './20261202_0800_audit_anchors.js';
import { savedPlansMigration } from './20261202_0900_saved_plans.js';
import { identitySearchMigration } from './20261203_0001_identity_search.js';
import { reviewsMigration } from './20261203_0100_reviews.js';

/** Forward-only: append new entries with a later timestamped name; never edit a released one. */
export const migrationProvider = (dialect: StoreDialect): MigrationProvider => ({
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '20261126_0001_identities': identitiesMigration(dialect),
      '20261126_0002_access': accessMigration(dialect),
      '20261126_0003_runs': runsMigration(dialect),
      '20261126_0004_audit': auditMigration(dialect),
      '20261127_0100_auth': authMigration(dialect),
      '20261127_0300_jobs': jobsMigration(dialect),
      '20261127_0500_reconciliations': reconciliationsMigration(dialect),
      '20261127_0610_access_held': accessHeldMigration(dialect),
      '20261128_0400_agents': agentsMigration(dialect),
      '20261128_0420_source_state': sourceStateMigration(),
      '20261202_0200_hr_records': hrRecordsMigration(),
      '20261202_0400_username_ci': usernameCaseMigration(),
      '20261202_0600_run_lock': runLockMigration(),
      '20261202_0800_audit_anchors': auditAnchorsMigration(dialect),
      '20261202_0900_saved_plans': savedPlansMigration(),
      '20261203_0001_identity_search': identitySearchMigration(dialect),
      '20261203_0100_reviews': reviewsMigration(dialect),
    };
  },
});
