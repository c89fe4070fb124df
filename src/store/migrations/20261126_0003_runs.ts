/** Migration: sync runs, their planned operations, and manual tasks. */
import { type Kysely, type Migration, sql } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { withIdColumn } from './helpers.js';

export const runsMigration = (dialect: StoreDialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('dry_run', 'integer', (c) => c.notNull())
      .addColumn('held_reason', 'text')
      .addColumn('approved_by', 'text')
      .addColumn('summary', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('runs_by_created').on('runs').column('created_at').execute();

    await db.schema
      .createTable('operations')
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('op', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('message', 'text')
      .addColumn('finished_at', 'text')
      .addPrimaryKeyConstraint('operations_pk', ['run_id', 'seq'])
      .execute();
    // The idempotency key identifies an operation within its run.
    await db.schema
      .createIndex('operations_by_key')
      .on('operations')
      .columns(['run_id', 'key'])
      .unique()
      .execute();

    await withIdColumn(dialect, db.schema.createTable('tasks'))
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
      .addColumn('op_key', 'text', (c) => c.notNull())
      .addColumn('op', 'text', (c) => c.notNull())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('identity_id', 'text')
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'text')
      .addColumn('closed_by', 'text')
      .addColumn('evidence', 'text')
      .execute();
    // One open task per operation key: re-running a plan must not pile up duplicate tasks.
    await db.schema
      .createIndex('tasks_open_by_key')
      .on('tasks')
      .column('op_key')
      .unique()
      .where(sql.ref('status'), '=', 'open')
      .execute();
    await db.schema.createIndex('tasks_by_status').on('tasks').columns(['status', 'id']).execute();
  },
});
