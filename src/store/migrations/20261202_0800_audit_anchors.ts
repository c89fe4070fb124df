/**
 * Migration: chained checkpoints (`prev_checkpoint`, null on the version 1 rows before it) and the
 * per-minute buckets that aggregate anonymous refusals before they reach the chain.
 */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../schema.js';

export const auditAnchorsMigration = (dialect: StoreDialect): Migration => ({
  async up(db: Kysely<unknown>) {
    // ALTER TABLE is not an UPDATE: the append-only triggers stay as they are.
    await db.schema.alterTable('audit_checkpoints').addColumn('prev_checkpoint', 'text').execute();

    // Mutable on purpose: a counter, not evidence. A bucket becomes one audit event when closed.
    await db.schema
      .createTable('audit_refusal_buckets')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('bucket_start', 'text', (c) => c.notNull())
      .addColumn('count', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => c.notNull())
      .addColumn('first_seen', 'text', (c) => c.notNull())
      .addColumn('last_seen', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_refusal_buckets_pk', [
        'action',
        'target',
        'reason',
        'bucket_start',
      ])
      .execute();
  },
});
