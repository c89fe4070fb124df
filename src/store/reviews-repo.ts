/** Access reviews in SQL: campaigns, items (inserted in chunks, decided under a version check), sign-offs. */
import type { Generated, Kysely, Selectable } from 'kysely';
import { chunks, fromBool, fromJson, toBool, toJson, toTimestamp } from './codec.js';
import type {
  CampaignRow,
  ItemPatch,
  NewReviewItem,
  ReviewItemRow,
  ReviewsRepo,
  SignoffRow,
} from './reviews-types.js';
import type { Database } from './schema.js';

type CampaignsTable = {
  id: string;
  name: string;
  status: string;
  definition: string;
  stage: number;
  created_at: string;
  created_by: string;
  launched_at: string | null;
  launched_by: string | null;
  closed_at: string | null;
  closed_by: string | null;
  snapshot_sha256: string | null;
  snapshot_items: number | null;
  summary: string | null;
};

type ItemsTable = {
  id: Generated<number>;
  campaign_id: string;
  stage: number;
  seq: number;
  identity_id: string;
  app_id: string;
  account_id: string;
  entitlement_id: string | null;
  privileged: number;
  reason_kind: string;
  reason_ref: string | null;
  reasons: string;
  since: string | null;
  peer_holders: number | null;
  peer_total: number | null;
  recommendation: string;
  recommendation_reason: string;
  last_used: string;
  reviewer: string;
  assigned_via: string;
  assigned_from: string | null;
  decision: string | null;
  justification: string | null;
  modify_to: string | null;
  decided_by: string | null;
  decided_at: string | null;
  defaulted: number;
  signed_off: number;
  version: number;
  remediation: string | null;
};

type ReviewTables = {
  review_campaigns: CampaignsTable;
  review_items: ItemsTable;
  review_signoffs: SignoffRow & { id: Generated<number> };
};

const toCampaign = (r: Selectable<CampaignsTable>): CampaignRow => ({
  ...r,
  status: r.status as CampaignRow['status'],
  definition: fromJson(r.definition),
  summary: r.summary === null ? null : fromJson(r.summary),
});

const fromCampaign = (c: Partial<Omit<CampaignRow, 'id'>>): Partial<CampaignsTable> => {
  const { definition, summary, ...rest } = c;
  return {
    ...rest,
    ...(definition !== undefined && { definition: toJson(definition) }),
    ...(summary !== undefined && { summary: summary === null ? null : toJson(summary) }),
  };
};

const toItem = (r: Selectable<ItemsTable>): ReviewItemRow => ({
  id: Number(r.id),
  campaign_id: r.campaign_id,
  stage: r.stage,
  seq: r.seq,
  identity_id: r.identity_id,
  app_id: r.app_id,
  account_id: r.account_id,
  entitlement_id: r.entitlement_id,
  privileged: fromBool(r.privileged),
  reason: {
    kind: r.reason_kind as ReviewItemRow['reason']['kind'],
    ref: r.reason_ref,
    all: fromJson(r.reasons),
  },
  since: r.since,
  peers: r.peer_total === null ? null : { holders: r.peer_holders ?? 0, peers: r.peer_total },
  recommendation: {
    recommendation: r.recommendation as 'keep' | 'revoke',
    reason: r.recommendation_reason,
  },
  last_used: fromJson(r.last_used),
  reviewer: r.reviewer,
  assigned_via: r.assigned_via as ReviewItemRow['assigned_via'],
  assigned_from: r.assigned_from,
  decision: r.decision as ReviewItemRow['decision'],
  justification: r.justification,
  modify_to: r.modify_to,
  decided_by: r.decided_by,
  decided_at: r.decided_at,
  defaulted: fromBool(r.defaulted),
  signed_off: fromBool(r.signed_off),
  version: r.version,
  remediation: r.remediation === null ? null : fromJson(r.remediation),
});

const fromNewItem = (i: NewReviewItem): Omit<Selectable<ItemsTable>, 'id'> => ({
  campaign_id: i.campaign_id,
  stage: i.stage,
  seq: i.seq,
  identity_id: i.identity_id,
  app_id: i.app_id,
  account_id: i.account_id,
  entitlement_id: i.entitlement_id,
  privileged: toBool(i.privileged),
  reason_kind: i.reason.kind,
  reason_ref: i.reason.ref,
  reasons: toJson(i.reason.all),
  since: i.since,
  peer_holders: i.peers?.holders ?? null,
  peer_total: i.peers?.peers ?? null,
  recommendation: i.recommendation.recommendation,
  recommendation_reason: i.recommendation.reason,
  last_used: toJson(i.last_used),
  reviewer: i.reviewer,
  assigned_via: i.assigned_via,
  assigned_from: i.assigned_from,
  decision: null,
  justification: null,
  modify_to: i.modify_to ?? null,
  decided_by: null,
  decided_at: null,
  defaulted: 0,
  signed_off: 0,
  version: 0,
  remediation: null,
});

const fromPatch = (p: ItemPatch): Partial<Omit<Selectable<ItemsTable>, 'id'>> => {
  const { defaulted, signed_off, decided_at, ...rest } = p;
  return {
    ...rest,
    ...(defaulted !== undefined && { defaulted: toBool(defaulted) }),
    ...(signed_off !== undefined && { signed_off: toBool(signed_off) }),
    ...(decided_at !== undefined && {
      decided_at: decided_at === null ? null : toTimestamp(decided_at),
    }),
  };
};

// ~30 columns a row: 200 rows stay far below SQLite's 32,766 bound parameters.
const INSERT_BATCH = 200;

export const createReviewsRepo = (root: Kysely<Database>): ReviewsRepo => {
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
      for (const chunk of chunks(items, INSERT_BATCH))
        await db.insertInto('review_items').values(chunk.map(fromNewItem)).execute();
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
