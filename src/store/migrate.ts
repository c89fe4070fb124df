/** Brings a database to the latest schema with Kysely's Migrator (locked, one transaction). */
import { type Kysely, Migrator } from 'kysely';
import { TenureError } from '../domain/errors.js';
import { migrationProvider } from './migrations/index.js';
import type { Database, StoreDialect } from './schema.js';

/**
 * PostgreSQL: the Migrator holds an advisory lock. SQLite: our dialect runs it inside one
 * BEGIN IMMEDIATE transaction, so two processes opening a fresh file cannot both migrate.
 */
export const migrateToLatest = async (db: Kysely<Database>, dialect: StoreDialect) => {
  if (db.isTransaction) {
    throw new TenureError(
      'store.migrate_in_transaction',
      'migrate() cannot run inside a transaction',
      {},
    );
  }
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new TenureError('store.migration_failed', `migration failed: ${String(error)}`, {
      migration: failed ?? null,
      cause: error instanceof Error ? error.message : String(error),
    });
  }
};
