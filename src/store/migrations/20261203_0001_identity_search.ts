/**
 * Migration: identity search (store/identity-search.ts says why it is done this way). Folded
 * id, first, last and preferred name and email, each with a (column, id) index for prefix ranges, and the
 * department with (department, id) for filtered keyset pages. Byte-wise order on both databases:
 * SQLite's default BINARY collation, `COLLATE "C"` on PostgreSQL. Existing rows are backfilled.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { HrRecord } from '../../domain/types.js';
import { SEARCH_COLUMNS, searchColumns } from '../identity-search.js';
import type { StoreDialect } from '../schema.js';

const COLUMNS = [...SEARCH_COLUMNS, 'department'] as const;
const BACKFILL_BATCH = 500;

export const identitySearchMigration = (dialect: StoreDialect): Migration => ({
  async up(db: Kysely<unknown>) {
    for (const column of COLUMNS) {
      await db.schema
        .alterTable('identities')
        .addColumn(column, 'text', (c) => {
          const typed = dialect === 'postgres' ? c.modifyFront(sql`collate "C"`) : c;
          return typed.notNull().defaultTo('');
        })
        .execute();
    }
    await backfill(db);
    // (column, id): a prefix's ids come from the index alone (identity-search.ts idsMatching).
    for (const column of SEARCH_COLUMNS) {
      await db.schema
        .createIndex(`identities_by_${column}`)
        .on('identities')
        .columns([column, 'id'])
        .execute();
    }
    await db.schema
      .createIndex('identities_by_department')
      .on('identities')
      .columns(['department', 'id'])
      .execute();
  },
});

/** Keyset over the existing rows; one UPDATE … FROM (VALUES …) per batch on both databases. */
async function backfill(db: Kysely<unknown>): Promise<void> {
  let after = '';
  for (;;) {
    const { rows } = await sql<{ id: string; attributes: string }>`
      select id, attributes from identities where id > ${after} order by id limit ${BACKFILL_BATCH}
    `.execute(db);
    const last = rows.at(-1);
    if (last === undefined) return;
    // VALUES columns are column1, column2, … on both SQLite and PostgreSQL.
    const values = rows.map((r) => {
      const c = searchColumns(r.id, JSON.parse(r.attributes) as HrRecord);
      return sql`(${sql.join([r.id, ...COLUMNS.map((k) => c[k])])})`;
    });
    await sql`
      update identities set
        ${sql.join(COLUMNS.map((k, i) => sql`${sql.ref(k)} = v.${sql.raw(`column${i + 2}`)}`))}
      from (values ${sql.join(values)}) as v
      where identities.id = v.column1
    `.execute(db);
    after = last.id;
  }
}
