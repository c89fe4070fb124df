/** The refusals a decision can meet, each with its code; nothing is written before they all pass. */

import { TenureError } from '../../domain/errors.js';
import type { ReviewAction } from '../../domain/governance/campaign.js';
import { justificationRequired } from '../../domain/governance/review-rules.js';
import type { CampaignRow, ReviewItemRow } from '../../store/reviews-types.js';
import type { Store } from '../../store/types.js';
import type { ReviewCaller, ReviewDeps } from './deps.js';

export type DecisionInput = {
  item: number;
  action: ReviewAction;
  justification?: string;
  /** modify: the entitlement of the same application to swap to. */
  entitlement?: string;
  /** reassign / delegate: the new reviewer (identity id, email or username). */
  to?: string;
  /** The item version the caller saw: a decision made against an older one is refused. */
  expected_version?: number;
};

/** Admins and operators administer: they may reassign any item, not decide it. */
const ADMINISTER = new Set(['admin', 'operator']);

/** Refuses unless the campaign is active, holding its row (see guardCampaign) until commit. */
export async function checkCampaignOpen(store: Store, campaign: CampaignRow): Promise<void> {
  const open =
    campaign.status === 'active' &&
    (await store.reviews.guardCampaign(campaign.id, { status: 'active', stage: campaign.stage }));
  if (!open)
    throw new TenureError(
      'review.closed',
      `campaign ${campaign.id} is ${campaign.status}: decisions are closed`,
      { status: campaign.status },
    );
}

export async function checkDecision(
  deps: ReviewDeps,
  store: Store,
  campaign: CampaignRow,
  caller: ReviewCaller,
  input: DecisionInput,
): Promise<ReviewItemRow> {
  const item = await store.reviews.getItem(input.item);
  if (!item || item.campaign_id !== campaign.id)
    throw new TenureError(
      'review.item_not_found',
      `no item #${input.item} in campaign ${campaign.id}`,
    );
  const ctx = { item: item.id };
  if (item.stage !== campaign.stage)
    throw new TenureError(
      'review.closed',
      `item #${item.id} belongs to stage ${item.stage}, which is closed`,
      ctx,
    );
  const mine = caller.refs.includes(item.reviewer);
  const administers = input.action === 'reassign' && ADMINISTER.has(caller.role);
  if (caller.role === 'auditor' || (!mine && !administers))
    throw new TenureError(
      'review.not_your_item',
      `item #${item.id} is assigned to someone else`,
      ctx,
    );
  if (item.identity_id === caller.identityId || caller.refs.includes(item.identity_id))
    throw new TenureError(
      'review.self_review',
      `item #${item.id} is your own access: nobody reviews their own`,
      ctx,
    );
  if (item.signed_off)
    throw new TenureError(
      'review.signed_off',
      `item #${item.id}: its reviewer signed off; it can no longer change`,
      ctx,
    );
  const need = justificationRequired(input.action, {
    privileged: item.privileged,
    reason_kind: item.reason.kind,
  });
  if (need !== null && !input.justification?.trim())
    throw new TenureError(
      'review.justification_required',
      `item #${item.id}: a justification is required (${need})`,
      { ...ctx, because: need },
    );
  if (input.expected_version !== undefined && input.expected_version !== item.version)
    throw conflict(item);
  const identity = await store.identities.get(item.identity_id);
  if (!identity || identity.status === 'terminated')
    throw new TenureError(
      'review.identity_left',
      `item #${item.id}: ${item.identity_id} has left; their access is removed by the leaver run, not reviewed`,
      ctx,
    );
  if (input.action === 'modify') checkModify(deps, item, input.entitlement);
  if ((input.action === 'reassign' || input.action === 'delegate') && !input.to?.trim())
    throw new TenureError(
      'review.invalid',
      `item #${item.id}: ${input.action} needs "to" (the new reviewer)`,
      ctx,
    );
  return item;
}

export const conflict = (item: Pick<ReviewItemRow, 'id' | 'version'>) =>
  new TenureError(
    'review.decision_conflict',
    `item #${item.id} changed meanwhile (now version ${item.version}): read it again and decide`,
    { item: item.id, version: item.version },
  );

function checkModify(deps: ReviewDeps, item: ReviewItemRow, to: string | undefined): void {
  const app = deps.config.applications.find((a) => a.id === item.app_id);
  if (!to || !app?.entitlements.some((e) => e.id === to) || to === item.entitlement_id)
    throw new TenureError(
      'review.bad_entitlement',
      `item #${item.id}: modify needs "entitlement", another entitlement of ${item.app_id}`,
      { item: item.id, entitlement: to ?? null },
    );
}
