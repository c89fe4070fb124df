/** Access-review campaigns: the nouns the review rules work on (definition, items, decisions). Pure types. */

/** Who reviews a stage's items: the holder's HR manager, the app's or entitlement's owner, named people. */
export const REVIEWER_STRATEGIES = [
  'manager',
  'application_owner',
  'entitlement_owner',
  'named',
] as const;
export type ReviewerStrategy = (typeof REVIEWER_STRATEGIES)[number];

/** What an item nobody decided becomes at close: keep it, revoke it, or take the recommendation. */
export const NO_RESPONSE_DEFAULTS = ['keep', 'recommendation', 'revoke'] as const;
export type NoResponseDefault = (typeof NO_RESPONSE_DEFAULTS)[number];

/** Strictness order of the no-response defaults: privileged items must be at least as strict. */
export const strictness = (d: NoResponseDefault): number => NO_RESPONSE_DEFAULTS.indexOf(d);

export const MAX_STAGES = 3;

export type ReviewStage = {
  strategy: ReviewerStrategy;
  /** `named`: reviewer references (identity id, email or username), tried in order. */
  reviewers?: string[];
  /** When this stage is due (ISO timestamp); the campaign's due date when absent. */
  due_at?: string;
};

/** Which access a campaign covers; every filter given must hold (an empty scope = all access). */
export type CampaignScope = {
  applications?: string[];
  /** `app/entitlement` */
  entitlements?: string[];
  privileged_only?: boolean;
  departments?: string[];
  identities?: string[];
  /** Only access no policy, request or exception justifies (reconciliation drift, lapsed grants). */
  unjustified_only?: boolean;
};

export type CampaignDefinition = {
  name: string;
  description?: string;
  scope: CampaignScope;
  stages: ReviewStage[];
  due_at: string;
  no_response: { default: NoResponseDefault; privileged: NoResponseDefault };
  /** Gets the items whose reviewer would be their own holder and who has no manager. */
  fallback_reviewer: string;
  /** The statement a reviewer signs off with ("I certify that …"); its hash is recorded. */
  meaning: string;
  /** Recommend revoking access unused for this many days (when last use is known). */
  unused_days?: number;
  /** The tenure.yaml `reviews:` template it was made from. */
  template?: string;
};

export const CAMPAIGN_STATUSES = [
  'draft',
  'active',
  /** Every stage closed; remediation and the report are running. */
  'closing',
  'completed',
  'completed_with_failures',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** One frozen line of the access snapshot: who holds what, where. */
export type SnapshotEntry = {
  identity_id: string;
  app_id: string;
  account_id: string;
  /** null: the account itself (an account holding no entitlement). */
  entitlement_id: string | null;
};

export const REASON_KINDS = ['birthright', 'request', 'exception', 'manual', 'none'] as const;
/** Why access is held; `none` = nothing justifies it (drift). */
export type ReasonKind = (typeof REASON_KINDS)[number];

export type ItemReason = {
  kind: ReasonKind;
  /** The policy id, request id or exception id; null for manual and none. */
  ref: string | null;
  /** Every reason the desired state gives (`birthright:<policy>`, `request:<id>`, …). */
  all: string[];
};

/**
 * When the account was last used, where a target reports it (filled by remediation's readers).
 * `value` is an ISO timestamp or 'unknown'; `precision` says how far to trust it (AD ±14 days).
 */
export type LastUsed = { value: string; source: string | null; precision: string | null };
export const UNKNOWN_LAST_USED: LastUsed = { value: 'unknown', source: null, precision: null };

export type Recommendation = { recommendation: 'keep' | 'revoke'; reason: string };

/** Share of peers (same department and title, the holder excluded) holding the same access. */
export type PeerCoverage = { holders: number; peers: number };

/** The decisions that settle an item; reassign and delegate only move it to another reviewer. */
export const DECISIONS = ['approve', 'revoke', 'modify'] as const;
export type Decision = (typeof DECISIONS)[number];
export const ACTIONS = ['approve', 'revoke', 'modify', 'reassign', 'delegate'] as const;
export type ReviewAction = (typeof ACTIONS)[number];

/** How an item reached its reviewer. */
export const ASSIGNMENT_ROUTES = [
  'strategy',
  'manager_of_reviewer',
  'fallback',
  'reassigned',
  'delegated',
] as const;
export type AssignmentRoute = (typeof ASSIGNMENT_ROUTES)[number];
