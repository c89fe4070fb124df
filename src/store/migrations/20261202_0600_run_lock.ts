/** Migration: the run lock — one row per lock name, naming who holds it and until when. */
import type { Kysely, Migration } from 'kysely';

export const runLockMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('run_lock')
      .addColumn('name', 'text', (c) => c.primaryKey())
      /** Unique per acquisition: renewals and release must name it, so a taken-over lock is not touched. */
      .addColumn('owner', 'text', (c) => c.notNull())
      /** JSON: pid, host, command, actor, run id — what an operator needs to find the holder. */
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('acquired_at', 'text', (c) => c.notNull())
      .addColumn('heartbeat_at', 'text', (c) => c.notNull())
      /** Past this instant without a heartbeat the holder is presumed dead and the lock can be taken. */
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
  },
});
