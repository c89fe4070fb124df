/** Access reviews in SQL: campaigns, items (inserted in chunks, decided under a version check), sign-offs. */
import type { Kysely } from 'kysely';
import { insertChunks, toJson, toTimestamp } from './codec.js';
import {
  type CampaignsTable,
  fromCampaign,
  fromNewItem,
  fromPatch,
  type ReviewTables,
  toCampaign,
  toItem,
} from './reviews-rows.js';
import type { ReviewsRepo } from './reviews-types.js';
import type { Database, StoreDialect } from './schema.js';

// ~30 columns a row: 200 rows stay far below SQLite's 32,766 bound parameters.
const INSERT_BATCH = 200;

export const createReviewsRepo = (root: Kysely<Database>, dialect: StoreDialect): ReviewsRepo => {
  const db = root.withTables<ReviewTables>();
  return {
    async createCampaign(row) {
      await db
        .insertInto('review_campaigns')
        .values({ ...(fromCampaign(row) as CampaignsTable), id: row.id })
        .execute();
    },
    async getCampaign(id) {
      const r = await db
        .selectFrom('review_campaigns')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toCampaign(r);
    },
    async listCampaigns(filter = {}) {
      let q = db.selectFrom('review_campaigns').selectAll();
      if (filter.status) q = q.where('status', '=', filter.status);
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(filter.limit ?? 200)
        .execute();
      return rows.map(toCampaign);
    },
    async updateCampaign(id, patch) {
      await db
        .updateTable('review_campaigns')
        .set(fromCampaign(patch))
        .where('id', '=', id)
        .execute();
    },
    async guardCampaign(id, expect, patch = {}) {
      const set = fromCampaign(patch);
      let q = db
        .updateTable('review_campaigns')
        .set(Object.keys(set).length > 0 ? set : { status: expect.status })
        .where('id', '=', id)
        .where('status', '=', expect.status);
      if (expect.stage !== undefined) q = q.where('stage', '=', expect.stage);
      return Number((await q.executeTakeFirst()).numUpdatedRows) === 1;
    },
    async insertItems(items) {
      await insertChunks(
        root,
        dialect,
        'review_items',
        items.map(fromNewItem),
        INSERT_BATCH,
        (chunk) => db.insertInto('review_items').values(chunk),
      );
    },
    async items(query) {
      let q = db.selectFrom('review_items').selectAll();
      if (query.campaignId !== undefined) q = q.where('campaign_id', '=', query.campaignId);
      if (query.stage !== undefined) q = q.where('stage', '=', query.stage);
      if (query.reviewers !== undefined) q = q.where('reviewer', 'in', [...query.reviewers, '']);
      if (query.undecided) q = q.where('decision', 'is', null);
      if (query.appId !== undefined) q = q.where('app_id', '=', query.appId);
      if (query.identityId !== undefined) q = q.where('identity_id', '=', query.identityId);
      if (query.ids !== undefined) q = q.where('id', 'in', [...query.ids, -1]);
      if (query.afterId !== undefined) q = q.where('id', '>', query.afterId);
      q = q.orderBy('id');
      if (query.limit !== undefined) q = q.limit(query.limit);
      return (await q.execute()).map(toItem);
    },
    async getItem(id) {
      const r = await db
        .selectFrom('review_items')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toItem(r);
    },
    async updateItem(id, expectedVersion, patch) {
      const done = await db
        .updateTable('review_items')
        .set({ ...fromPatch(patch), version: expectedVersion + 1 })
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) return undefined;
      const r = await db
        .selectFrom('review_items')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toItem(r);
    },
    async countItems(campaignId, stage) {
      const rows = await db
        .selectFrom('review_items')
        .select(['decision', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('campaign_id', '=', campaignId)
        .where('stage', '=', stage)
        .groupBy('decision')
        .execute();
      const out: Record<string, number> = { total: 0 };
      for (const r of rows) {
        out[r.decision ?? 'undecided'] = Number(r.n);
        out.total = (out.total ?? 0) + Number(r.n);
      }
      return out;
    },
    async addSignoff(row) {
      await db
        .insertInto('review_signoffs')
        .values({ ...row, at: toTimestamp(row.at) })
        .execute();
    },
    async signoffs(campaignId) {
      const rows = await db
        .selectFrom('review_signoffs')
        .select([
          'campaign_id',
          'stage',
          'reviewer',
          'actor',
          'at',
          'method',
          'meaning',
          'statement_sha256',
          'items',
        ])
        .where('campaign_id', '=', campaignId)
        .orderBy('id')
        .execute();
      return rows;
    },
    async heldSince() {
      const rows = await root
        .selectFrom('access_history')
        .select(['app_id', 'account_id', 'entitlement_id', 'valid_from'])
        .where('valid_to', 'is', null)
        .execute();
      return new Map(
        rows.map((r) => [
          `${r.app_id}\u0000${r.account_id}\u0000${r.entitlement_id ?? ''}`,
          r.valid_from,
        ]),
      );
    },
    async setLastUsed(id, lastUsed, rec) {
      await db
        .updateTable('review_items')
        .set({
          last_used: toJson(lastUsed),
          recommendation: rec.recommendation,
          recommendation_reason: rec.reason,
        })
        .where('id', '=', id)
        .execute();
    },
    async setRemediation(id, value) {
      await db
        .updateTable('review_items')
        .set({ remediation: toJson(value) })
        .where('id', '=', id)
        .execute();
    },
  };
};
