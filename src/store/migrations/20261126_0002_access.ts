/** Migration: actual accounts, the held-access history, and non-birthright grants. */
import { type Kysely, type Migration, sql } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { withIdColumn } from './helpers.js';

export const accessMigration = (dialect: StoreDialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('accounts')
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('identity_id', 'text')
      .addColumn('attributes', 'text', (c) => c.notNull())
      .addColumn('container', 'text')
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('accounts_pk', ['app_id', 'account_id'])
      .execute();
    await db.schema
      .createIndex('accounts_by_identity')
      .on('accounts')
      .column('identity_id')
      .execute();

    await withIdColumn(dialect, db.schema.createTable('access_history'))
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('identity_id', 'text')
      .addColumn('entitlement_id', 'text')
      .addColumn('valid_from', 'text', (c) => c.notNull())
      .addColumn('valid_to', 'text')
      .execute();
    // One open row per (account, entitlement-or-the-account-itself): what makes re-applying an
    // operation harmless even if two writers race.
    await db.schema
      .createIndex('access_history_open')
      .on('access_history')
      .unique()
      .expression(sql`app_id, account_id, coalesce(entitlement_id, '')`)
      .where(sql.ref('valid_to'), 'is', null)
      .execute();
    await db.schema
      .createIndex('access_history_by_account')
      .on('access_history')
      .columns(['app_id', 'account_id', 'valid_from'])
      .execute();
    await db.schema
      .createIndex('access_history_by_identity')
      .on('access_history')
      .columns(['identity_id', 'valid_from'])
      .execute();

    await db.schema
      .createTable('grants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('identity_id', 'text', (c) => c.notNull())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('entitlement_id', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('grants_by_identity').on('grants').column('identity_id').execute();
  },
});
