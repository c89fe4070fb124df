/** Migration: per-source state — the delta watermark of HR systems that have a changed-since API. */
import type { Kysely, Migration } from 'kysely';

export const sourceStateMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('source_state')
      .addColumn('source_id', 'text', (c) => c.primaryKey())
      /** The vendor's own value (BambooHR `latest`), or the start of the last full read. */
      .addColumn('watermark', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
});
