/** Migration: plans saved by the API (`POST /api/v1/runs/plan`), applied by id until they expire. */
import type { Kysely, Migration } from 'kysely';

export const savedPlansMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('saved_plans')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      /** JSON: the sealed plan, as `tenure plan --out` writes it. */
      .addColumn('plan', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('saved_plans_by_expiry')
      .on('saved_plans')
      .column('expires_at')
      .execute();
  },
});
