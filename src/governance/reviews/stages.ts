/** Stage transitions: closing a stage (no-response defaults, named as such) and opening the next with what it kept. */

import { TenureError } from '../../domain/errors.js';
import { assignReviewer } from '../../domain/governance/review-assignment.js';
import { advancesToNextStage, noResponseDecision } from '../../domain/governance/review-rules.js';
import type { CampaignRow, NewReviewItem, ReviewItemRow } from '../../store/reviews-types.js';
import type { Store } from '../../store/types.js';
import { campaignTrigger, itemTarget, reviewAudit } from './audit-events.js';
import type { ReviewDeps } from './deps.js';
import { reviewerDirectory } from './directory.js';

const PAGE = 1000;

/** Every item of one stage, a page at a time (2 M items are never all in memory twice). */
export async function* stageItems(
  store: Store,
  campaignId: string,
  stage: number,
): AsyncIterable<ReviewItemRow[]> {
  let afterId = 0;
  for (;;) {
    const page = await store.reviews.items({ campaignId, stage, afterId, limit: PAGE });
    if (page.length === 0) return;
    yield page;
    afterId = page.at(-1)!.id;
  }
}

/** Gives every undecided item of the current stage its no-response default; returns how many. */
export async function closeStage(store: Store, campaign: CampaignRow, at: string): Promise<number> {
  const def = campaign.definition;
  let defaulted = 0;
  for (;;) {
    const open = await store.reviews.items({
      campaignId: campaign.id,
      stage: campaign.stage,
      undecided: true,
      limit: PAGE,
    });
    if (open.length === 0) break;
    const events = [];
    for (const item of open) {
      const decision = noResponseDecision(
        { privileged: item.privileged, recommendation: item.recommendation.recommendation },
        def.no_response,
      );
      const rule = item.privileged ? def.no_response.privileged : def.no_response.default;
      const justification = `no response by the due date: default "${rule}"${item.privileged ? ' (privileged)' : ''}`;
      const done = await store.reviews.updateItem(item.id, item.version, {
        decision,
        justification,
        decided_by: 'system',
        decided_at: at,
        defaulted: true,
      });
      if (!done)
        throw new TenureError(
          'review.decision_conflict',
          `item #${item.id} changed while its stage closed`,
        );
      events.push(
        reviewAudit(
          'review.defaulted',
          campaign.id,
          'system',
          itemTarget(item),
          {
            item: item.id,
            stage: item.stage,
            identity: item.identity_id,
            account: item.account_id,
            entitlement: item.entitlement_id,
            decision,
            rule,
            reviewer: item.reviewer,
          },
          at,
        ),
      );
    }
    await store.audit.append(events);
    defaulted += open.length;
  }
  const counts = await store.reviews.countItems(campaign.id, campaign.stage);
  await store.audit.append([
    reviewAudit(
      'review.stage_closed',
      campaign.id,
      'system',
      campaignTrigger(campaign.id),
      { stage: campaign.stage, counts, defaulted },
      at,
    ),
  ]);
  return defaulted;
}

/** Opens stage `campaign.stage + 1` with every item the closed stage kept, assigned per its strategy. */
export async function openNextStage(
  deps: ReviewDeps,
  store: Store,
  campaign: CampaignRow,
): Promise<number> {
  const next = campaign.stage + 1;
  const stage = campaign.definition.stages[next - 1];
  if (!stage)
    throw new TenureError('review.last_stage', `campaign ${campaign.id} has no stage ${next}`);
  const dir = reviewerDirectory(await store.identities.all(), deps.config);
  let opened = 0;
  for await (const page of stageItems(store, campaign.id, campaign.stage)) {
    const items: NewReviewItem[] = [];
    for (const i of page.filter((p) => advancesToNextStage(p.decision))) {
      const a = assignReviewer(i, stage, dir, campaign.definition.fallback_reviewer);
      if (!a)
        throw new TenureError(
          'review.no_reviewer',
          `nobody but the holder can review item #${i.id} in stage ${next}`,
          { identities: [i.identity_id] },
        );
      items.push({
        campaign_id: i.campaign_id,
        stage: next,
        seq: i.seq,
        identity_id: i.identity_id,
        app_id: i.app_id,
        account_id: i.account_id,
        entitlement_id: i.entitlement_id,
        privileged: i.privileged,
        reason: i.reason,
        since: i.since,
        peers: i.peers,
        recommendation: i.recommendation,
        last_used: i.last_used,
        reviewer: a.reviewer,
        assigned_via: a.route,
        assigned_from: a.wanted,
        modify_to: i.modify_to,
      });
    }
    await store.reviews.insertItems(items);
    opened += items.length;
  }
  await store.reviews.updateCampaign(campaign.id, { stage: next });
  return opened;
}
