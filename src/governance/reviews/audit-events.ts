/** How access-review actions are named in the audit trail: one place, so reports can rely on it. */
import type { ReviewAction } from '../../audit/actions.js';
import type { AuditInput } from '../../store/types.js';

export const REVIEW_ACTIONS = [
  'review.campaign_created',
  'review.launched',
  'review.decision',
  'review.reassigned',
  'review.delegated',
  'review.signoff',
  'review.defaulted',
  'review.stage_closed',
  'review.closed',
] as const satisfies readonly ReviewAction[];
export type ReviewAuditAction = (typeof REVIEW_ACTIONS)[number];

/** `campaign:<id>` triggers every event of a campaign. */
export const campaignTrigger = (id: string) => `campaign:${id}`;

export const reviewAudit = (
  action: ReviewAuditAction,
  campaignId: string,
  actor: string,
  target: string,
  details: Record<string, unknown>,
  ts: string,
): AuditInput => ({
  action,
  actor,
  trigger: campaignTrigger(campaignId),
  target,
  outcome: 'success',
  details,
  ts,
});

/** An item's audit target: the entitlement (or account) reviewed, with the holder in details. */
export const itemTarget = (i: {
  app_id: string;
  account_id: string;
  entitlement_id: string | null;
}) =>
  i.entitlement_id === null
    ? `account:${i.app_id}/${i.account_id}`
    : `entitlement:${i.app_id}/${i.entitlement_id}`;
