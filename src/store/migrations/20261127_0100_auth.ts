/** Migration: control-plane sign-in (users, sessions, API tokens, login failures) and API read indexes. */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { withIdColumn } from './helpers.js';

export const authMigration = (dialect: StoreDialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('role', 'text', (c) => c.notNull())
      // null: the user signs in through OIDC only.
      .addColumn('password_hash', 'text')
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      // The identity whose access a requester may see ("own access").
      .addColumn('identity_id', 'text')
      // `<issuer>#<sub>`: the stable OIDC key (emails and usernames can be reassigned).
      .addColumn('oidc_subject', 'text', (c) => c.unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    // The cookie holds the session id; only its SHA-256 is stored, so a database leak is no login.
    await db.schema
      .createTable('sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('ip', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_by_user').on('sessions').column('user_id').execute();
    await db.schema.createIndex('sessions_by_expiry').on('sessions').column('expires_at').execute();

    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addColumn('last_used_at', 'text')
      .execute();

    // Shared by replicas, so throttling holds however many control planes answer.
    await withIdColumn(dialect, db.schema.createTable('login_failures'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('login_failures_by_key')
      .on('login_failures')
      .columns(['key', 'at'])
      .execute();

    // API reads: identity pages filtered by status, audit queries by target.
    await db.schema
      .createIndex('identities_by_status')
      .on('identities')
      .columns(['status', 'id'])
      .execute();
    await db.schema
      .createIndex('audit_events_by_target')
      .on('audit_events')
      .columns(['target', 'seq'])
      .execute();
    // Metrics: queue depth and the oldest queued operation without scanning every operation.
    await db.schema
      .createIndex('operations_by_status')
      .on('operations')
      .columns(['status', 'run_id'])
      .execute();
  },
});
