/**
 * Migration: quarantined rows carry a severity (`critical` when the row says the person is
 * terminated: a leaver whose access stays until the row is fixed) and a stable code when one
 * names the problem (`hr.malformed_csv`, `hr.employee_id_case_conflict`).
 */
import type { Kysely, Migration } from 'kysely';

export const quarantineSeverityMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    // Rows quarantined before this migration were not classified: they stay `error`.
    await db.schema
      .alterTable('quarantine')
      .addColumn('severity', 'text', (c) => c.notNull().defaultTo('error'))
      .execute();
    await db.schema.alterTable('quarantine').addColumn('code', 'text').execute();
  },
});
