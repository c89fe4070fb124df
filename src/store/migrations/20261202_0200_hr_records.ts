/**
 * Migration: HR records. Quarantined rows carry a severity (`critical` when the row says the
 * person is terminated: a leaver whose access stays until the row is fixed) and a stable code when
 * one names the problem (`hr.malformed_csv`, `hr.employee_id_case_conflict`). Identity ids get an
 * index on lower(id): identity keys compare ignoring case, as directories do.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export const hrRecordsMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    // Rows quarantined before this migration were not classified: they stay `error`.
    await db.schema
      .alterTable('quarantine')
      .addColumn('severity', 'text', (c) => c.notNull().defaultTo('error'))
      .execute();
    await db.schema.alterTable('quarantine').addColumn('code', 'text').execute();
    await db.schema
      .createIndex('identities_by_folded_id')
      .on('identities')
      .expression(sql`lower(id)`)
      .execute();
  },
});
