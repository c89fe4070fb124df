/** Migration: the durable work queue, scheduler leader/state, and the webhook replay guard. */
import { type Kysely, type Migration, sql } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { withIdColumn } from './helpers.js';

export const jobsMigration = (dialect: StoreDialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await withIdColumn(dialect, db.schema.createTable('jobs'))
      .addColumn('queue', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('dedupe_key', 'text')
      .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('not_before', 'text', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_expires_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('result', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .execute();
    // The lease query: due queued jobs of one queue, best priority first.
    await db.schema
      .createIndex('jobs_due')
      .on('jobs')
      .columns(['queue', 'status', 'priority', 'not_before', 'id'])
      .execute();
    await db.schema
      .createIndex('jobs_leases')
      .on('jobs')
      .columns(['status', 'lease_expires_at'])
      .execute();
    // One queued job per dedupe key: a webhook storm for one person is one run, not fifty.
    await db.schema
      .createIndex('jobs_queued_dedupe')
      .on('jobs')
      .columns(['queue', 'dedupe_key'])
      .unique()
      .where(sql.ref('status'), '=', 'queued')
      .execute();

    await db.schema
      .createTable('scheduler_leader')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('acquired_at', 'text', (c) => c.notNull())
      .addColumn('heartbeat_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('schedule_state')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('next_run_at', 'text')
      .addColumn('last_enqueued_at', 'text')
      .addColumn('last_job_id', 'integer')
      .addColumn('last_run_at', 'text')
      .addColumn('last_outcome', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('webhook_replays')
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('seen_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('webhook_replays_pk', ['source_id', 'key'])
      .execute();
    await db.schema
      .createIndex('webhook_replays_expiry')
      .on('webhook_replays')
      .column('expires_at')
      .execute();
  },
});
