/** Migration: the append-only audit chain and its signed checkpoints, guarded by triggers. */
import { type Kysely, type Migration, sql } from 'kysely';
import type { StoreDialect } from '../schema.js';

const GUARDED = ['audit_events', 'audit_checkpoints'] as const;

// Trigger bodies are the one place where raw, dialect-specific SQL is unavoidable.
const sqliteGuards = (table: string) => [
  `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
   BEGIN SELECT RAISE(ABORT, '${table} is append-only: UPDATE refused'); END`,
  `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
   BEGIN SELECT RAISE(ABORT, '${table} is append-only: DELETE refused'); END`,
];

const PG_GUARD_FN = `CREATE OR REPLACE FUNCTION tenure_append_only() RETURNS trigger
  LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
  END $$`;

const pgGuards = (table: string) => [
  `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
   FOR EACH ROW EXECUTE FUNCTION tenure_append_only()`,
  `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
   FOR EACH STATEMENT EXECUTE FUNCTION tenure_append_only()`,
];

export const auditMigration = (dialect: StoreDialect): Migration => ({
  async up(db: Kysely<unknown>) {
    // seq is assigned by the appender (it is hashed), so no autoincrement. On SQLite INTEGER
    // PRIMARY KEY is the rowid itself: the chain walk is a plain b-tree scan.
    await db.schema
      .createTable('audit_events')
      .addColumn('seq', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => c.primaryKey())
      .addColumn('ts', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_events_by_ts').on('audit_events').column('ts').execute();

    await db.schema
      .createTable('audit_checkpoints')
      .addColumn('seq', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => c.notNull())
      .addColumn('head_hash', 'text', (c) => c.notNull())
      .addColumn('ts', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_checkpoints_pk', ['seq', 'key_id'])
      .execute();

    const statements =
      dialect === 'sqlite'
        ? GUARDED.flatMap(sqliteGuards)
        : [PG_GUARD_FN, ...GUARDED.flatMap(pgGuards)];
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
});
