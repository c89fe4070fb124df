/** Review tables as stored, and the conversions between their rows and the review types. */
import type { Generated, Selectable } from 'kysely';
import { fromBool, fromJson, toBool, toJson, toTimestamp } from './codec.js';
import type {
  CampaignRow,
  ItemPatch,
  NewReviewItem,
  ReviewItemRow,
  SignoffRow,
} from './reviews-types.js';

export type CampaignsTable = {
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

export type ItemsTable = {
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

export type ReviewTables = {
  review_campaigns: CampaignsTable;
  review_items: ItemsTable;
  review_signoffs: SignoffRow & { id: Generated<number> };
};

export const toCampaign = (r: Selectable<CampaignsTable>): CampaignRow => ({
  ...r,
  status: r.status as CampaignRow['status'],
  definition: fromJson(r.definition),
  summary: r.summary === null ? null : fromJson(r.summary),
});

export const fromCampaign = (c: Partial<Omit<CampaignRow, 'id'>>): Partial<CampaignsTable> => {
  const { definition, summary, ...rest } = c;
  return {
    ...rest,
    ...(definition !== undefined && { definition: toJson(definition) }),
    ...(summary !== undefined && { summary: summary === null ? null : toJson(summary) }),
  };
};

export const toItem = (r: Selectable<ItemsTable>): ReviewItemRow => ({
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

export const fromNewItem = (i: NewReviewItem): Omit<Selectable<ItemsTable>, 'id'> => ({
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

export const fromPatch = (p: ItemPatch): Partial<Omit<Selectable<ItemsTable>, 'id'>> => {
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
