/** The access-review store's contract: campaigns, their items per stage, sign-offs. */
import type {
  AssignmentRoute,
  CampaignDefinition,
  CampaignStatus,
  Decision,
  ItemReason,
  LastUsed,
  PeerCoverage,
  Recommendation,
  SnapshotEntry,
} from '../domain/governance/campaign.js';
import type { Timestamp } from '../domain/timestamp.js';

export type CampaignRow = {
  id: string;
  name: string;
  status: CampaignStatus;
  definition: CampaignDefinition;
  /** 0 while a draft, then the stage under review (1..3); the last stage once closed. */
  stage: number;
  created_at: Timestamp;
  created_by: string;
  launched_at: Timestamp | null;
  launched_by: string | null;
  closed_at: Timestamp | null;
  closed_by: string | null;
  snapshot_sha256: string | null;
  snapshot_items: number | null;
  /** At close: counts per decision, defaulted items, remediation failures. */
  summary: Record<string, unknown> | null;
};

/** One item of one stage: a frozen snapshot line, why it is held, who reviews it, what they decided. */
export type ReviewItemRow = SnapshotEntry & {
  id: number;
  campaign_id: string;
  stage: number;
  /** The line's position in the launch snapshot (the same across stages). */
  seq: number;
  privileged: boolean;
  reason: ItemReason;
  /** Since when the access is held (access history), null when history does not say. */
  since: Timestamp | null;
  peers: PeerCoverage | null;
  recommendation: Recommendation;
  last_used: LastUsed;
  /** Identity id when the reviewer is a known person, else the reference as configured (lower-cased). */
  reviewer: string;
  assigned_via: AssignmentRoute;
  /** Who had it before a reroute, reassign or delegation. */
  assigned_from: string | null;
  decision: Decision | null;
  justification: string | null;
  /** modify: the entitlement the access is swapped to. */
  modify_to: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  /** Decided at close by the no-response default, not by a person. */
  defaulted: boolean;
  /** The reviewer signed off their part of the stage: the decision is final. */
  signed_off: boolean;
  version: number;
  /** Remediation's record (executed_at, outcome, proof of removal); null until it runs. */
  remediation: unknown | null;
};

/** `modify_to`: carried from an earlier stage that modified the access. */
export type NewReviewItem = Pick<Partial<ReviewItemRow>, 'modify_to'> &
  Omit<
    ReviewItemRow,
    | 'id'
    | 'decision'
    | 'justification'
    | 'modify_to'
    | 'decided_by'
    | 'decided_at'
    | 'defaulted'
    | 'signed_off'
    | 'version'
    | 'remediation'
  >;

export type ItemPatch = Partial<
  Pick<
    ReviewItemRow,
    | 'reviewer'
    | 'assigned_via'
    | 'assigned_from'
    | 'decision'
    | 'justification'
    | 'modify_to'
    | 'decided_by'
    | 'decided_at'
    | 'defaulted'
    | 'signed_off'
  >
>;

export type ItemQuery = {
  campaignId?: string;
  stage?: number;
  /** Items assigned to any of these reviewer references. */
  reviewers?: readonly string[];
  undecided?: boolean;
  appId?: string;
  identityId?: string;
  ids?: readonly number[];
  /** Keyset paging: items with id > afterId, in id order. */
  afterId?: number;
  limit?: number;
};

export type SignoffRow = {
  campaign_id: string;
  stage: number;
  reviewer: string;
  actor: string;
  at: Timestamp;
  method: 'password' | 'oidc';
  meaning: string;
  statement_sha256: string;
  items: number;
};

export type ReviewsRepo = {
  createCampaign(row: CampaignRow): Promise<void>;
  getCampaign(id: string): Promise<CampaignRow | undefined>;
  /** Newest first. */
  listCampaigns(filter?: { status?: CampaignStatus; limit?: number }): Promise<CampaignRow[]>;
  updateCampaign(id: string, patch: Partial<Omit<CampaignRow, 'id'>>): Promise<void>;
  /**
   * Applies `patch` (nothing when empty) only while the campaign is in `expect`; false when it is
   * not. An UPDATE, so on PostgreSQL it also locks the row: launch, decisions, sign-off and close
   * of one campaign take turns, and a decision waiting on a close sees the closed status.
   */
  guardCampaign(
    id: string,
    expect: { status: CampaignRow['status']; stage?: number },
    patch?: Partial<Omit<CampaignRow, 'id'>>,
  ): Promise<boolean>;
  insertItems(items: readonly NewReviewItem[]): Promise<void>;
  items(query: ItemQuery): Promise<ReviewItemRow[]>;
  getItem(id: number): Promise<ReviewItemRow | undefined>;
  /** Applies `patch` only if the item is still at `expectedVersion`; undefined when it was not. */
  updateItem(
    id: number,
    expectedVersion: number,
    patch: ItemPatch,
  ): Promise<ReviewItemRow | undefined>;
  /** Item counts of a stage: total, and per decision (`undecided` for none). */
  countItems(campaignId: string, stage: number): Promise<Record<string, number>>;
  addSignoff(row: SignoffRow): Promise<void>;
  signoffs(campaignId: string): Promise<SignoffRow[]>;
  /** When each access held now was first held: key `app\0account\0entitlement-or-empty`. */
  heldSince(): Promise<Map<string, Timestamp>>;
  /** Remediation's readers: last use of the account, and the recommendation it leads to. */
  setLastUsed(id: number, lastUsed: LastUsed, recommendation: Recommendation): Promise<void>;
  /** Remediation's record for a revoked (or modified) item. */
  setRemediation(id: number, value: unknown): Promise<void>;
};
