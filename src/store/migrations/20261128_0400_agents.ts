/** Migration: on-prem agents (registry), their one-time enrollment tokens, and the request-nonce guard. */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { withIdColumn } from './helpers.js';

export const agentsMigration = (dialect: StoreDialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('agents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site', 'text', (c) => c.notNull())
      .addColumn('hostname', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      // SPKI PEM of the agent's Ed25519 key: every request after enrollment is signed with it.
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('capabilities', 'text', (c) => c.notNull())
      .addColumn('enrolled_at', 'text', (c) => c.notNull())
      .addColumn('enrolled_by', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addColumn('revoked_by', 'text')
      .addColumn('ops_done', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('ops_failed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('active_jobs', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('targets_reachable', 'text', (c) => c.notNull())
      // The last_seen_at an offline alert was raised for: one alert per outage, across replicas.
      .addColumn('offline_alert_for', 'text')
      .execute();
    await db.schema.createIndex('agents_by_site').on('agents').column('site').execute();

    // Only the SHA-256 of a token is kept: the token itself is shown once, to the admin.
    await withIdColumn(dialect, db.schema.createTable('agent_enrollment_tokens'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('site', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .addColumn('agent_id', 'text')
      .execute();

    // Signed-request nonces (jti) until their token expires: a replay is refused on every replica.
    await db.schema
      .createTable('agent_nonces')
      .addColumn('agent_id', 'text', (c) => c.notNull())
      .addColumn('jti', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('agent_nonces_pk', ['agent_id', 'jti'])
      .execute();
    await db.schema
      .createIndex('agent_nonces_expiry')
      .on('agent_nonces')
      .column('expires_at')
      .execute();
  },
});
