/** Migration: access-review campaigns, their frozen items (one row per item per stage), sign-offs. */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { withIdColumn } from './helpers.js';

export const reviewsMigration = (dialect: StoreDialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('review_campaigns')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      /** draft | active | completed | completed_with_failures */
      .addColumn('status', 'text', (c) => c.notNull())
      /** JSON: the CampaignDefinition as validated at creation. */
      .addColumn('definition', 'text', (c) => c.notNull())
      /** 0 while a draft; 1..3 the stage under review. */
      .addColumn('stage', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('launched_at', 'text')
      .addColumn('launched_by', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('closed_by', 'text')
      /** SHA-256 of the access snapshot's canonical JSON, as recorded in the audit chain. */
      .addColumn('snapshot_sha256', 'text')
      .addColumn('snapshot_items', 'integer')
      /** JSON: counts and remediation failures at close. */
      .addColumn('summary', 'text')
      .execute();
    await db.schema
      .createIndex('review_campaigns_by_status')
      .on('review_campaigns')
      .columns(['status', 'created_at'])
      .execute();

    await withIdColumn(dialect, db.schema.createTable('review_items'))
      .addColumn('campaign_id', 'text', (c) => c.notNull())
      .addColumn('stage', 'integer', (c) => c.notNull())
      /** Position in the launch snapshot: the same line keeps its seq across stages. */
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('identity_id', 'text', (c) => c.notNull())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('entitlement_id', 'text')
      .addColumn('privileged', 'integer', (c) => c.notNull())
      .addColumn('reason_kind', 'text', (c) => c.notNull())
      .addColumn('reason_ref', 'text')
      /** JSON array: every reason the desired state gave at launch. */
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('since', 'text')
      .addColumn('peer_holders', 'integer')
      .addColumn('peer_total', 'integer')
      .addColumn('recommendation', 'text', (c) => c.notNull())
      .addColumn('recommendation_reason', 'text', (c) => c.notNull())
      /** JSON LastUsed: { value, source, precision } (value 'unknown' until a reader fills it). */
      .addColumn('last_used', 'text', (c) => c.notNull())
      .addColumn('reviewer', 'text', (c) => c.notNull())
      .addColumn('assigned_via', 'text', (c) => c.notNull())
      .addColumn('assigned_from', 'text')
      .addColumn('decision', 'text')
      .addColumn('justification', 'text')
      .addColumn('modify_to', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .addColumn('defaulted', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('signed_off', 'integer', (c) => c.notNull().defaultTo(0))
      /** Bumped by every change: a decision made against an older version is refused. */
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
      /** JSON, written by remediation: executed_at, outcome, proof of removal. */
      .addColumn('remediation', 'text')
      .execute();
    await db.schema
      .createIndex('review_items_line')
      .on('review_items')
      .unique()
      .columns(['campaign_id', 'stage', 'seq'])
      .execute();
    await db.schema
      .createIndex('review_items_inbox')
      .on('review_items')
      .columns(['reviewer', 'campaign_id', 'stage', 'id'])
      .execute();

    await withIdColumn(dialect, db.schema.createTable('review_signoffs'))
      .addColumn('campaign_id', 'text', (c) => c.notNull())
      .addColumn('stage', 'integer', (c) => c.notNull())
      .addColumn('reviewer', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      /** How the reviewer re-authenticated: password | oidc. */
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('meaning', 'text', (c) => c.notNull())
      /** SHA-256 over the canonical JSON of the signed statement (campaign, stage, reviewer, meaning, items). */
      .addColumn('statement_sha256', 'text', (c) => c.notNull())
      .addColumn('items', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('review_signoffs_by_campaign')
      .on('review_signoffs')
      .columns(['campaign_id', 'stage', 'reviewer'])
      .execute();
  },
});
