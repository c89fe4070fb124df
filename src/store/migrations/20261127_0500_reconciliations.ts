/** Migration: stored reconciliations and their findings, the timestamped evidence behind `tenure report`. */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { withIdColumn } from './helpers.js';

export const reconciliationsMigration = (dialect: StoreDialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await withIdColumn(dialect, db.schema.createTable('reconciliations'))
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .execute();
    await db.schema
      .createIndex('reconciliations_by_app')
      .on('reconciliations')
      .columns(['app_id', 'status', 'id'])
      .execute();

    // Named apart from any future generic "findings" (SoD, reviews) so the reports never mix.
    await withIdColumn(dialect, db.schema.createTable('reconciliation_findings'))
      .addColumn('reconciliation_id', 'integer', (c) =>
        c.notNull().references('reconciliations.id'),
      )
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('identity_id', 'text')
      .addColumn('entitlement_id', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('is_new', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('reconciliation_findings_by_run')
      .on('reconciliation_findings')
      .columns(['reconciliation_id', 'kind'])
      .execute();
  },
});
