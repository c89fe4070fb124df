/** Migration: identities with effective-dated history, HR snapshots and quarantined rows. */
import { type Kysely, type Migration, sql } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { withIdColumn } from './helpers.js';

export const identitiesMigration = (dialect: StoreDialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('identities')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attributes', 'text', (c) => c.notNull())
      .addColumn('missing_from_source', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await withIdColumn(dialect, db.schema.createTable('identity_history'))
      .addColumn('identity_id', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('valid_from', 'text', (c) => c.notNull())
      .addColumn('valid_to', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attributes', 'text', (c) => c.notNull())
      .addColumn('missing_from_source', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('events', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('identity_history_by_identity')
      .on('identity_history')
      .columns(['identity_id', 'valid_from'])
      .execute();
    // At most one open (current) history row per identity.
    await db.schema
      .createIndex('identity_history_open')
      .on('identity_history')
      .column('identity_id')
      .unique()
      .where(sql.ref('valid_to'), 'is', null)
      .execute();

    await withIdColumn(dialect, db.schema.createTable('snapshots'))
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('taken_at', 'text', (c) => c.notNull())
      .addColumn('row_count', 'integer', (c) => c.notNull())
      .addColumn('accepted', 'integer', (c) => c.notNull())
      .addColumn('rejected', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('snapshots_by_source')
      .on('snapshots')
      .columns(['source_id', 'id'])
      .execute();

    await withIdColumn(dialect, db.schema.createTable('quarantine'))
      .addColumn('snapshot_id', 'integer', (c) => c.notNull().references('snapshots.id'))
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('row_number', 'integer', (c) => c.notNull())
      .addColumn('employee_id', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('raw', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('quarantine_by_snapshot')
      .on('quarantine')
      .columns(['snapshot_id', 'row_number'])
      .execute();
  },
});
