/** Column helpers for the few places where SQLite and PostgreSQL DDL must differ. */
import type { CreateTableBuilder } from 'kysely';
import type { StoreDialect } from '../schema.js';

/**
 * Surrogate integer key: SQLite's INTEGER PRIMARY KEY AUTOINCREMENT (a rowid alias, never reused)
 * and PostgreSQL's identity column.
 */
export const withIdColumn = <T extends string>(
  dialect: StoreDialect,
  table: CreateTableBuilder<T, never>,
): CreateTableBuilder<T, 'id'> =>
  dialect === 'sqlite'
    ? table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity());
