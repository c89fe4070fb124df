/** Launching a campaign: freeze the population into the access snapshot, hash it into the audit chain, assign stage 1. */

import { TenureError } from '../../domain/errors.js';
import { UNKNOWN_LAST_USED } from '../../domain/governance/campaign.js';
import { assignReviewer } from '../../domain/governance/review-assignment.js';
import { recommend } from '../../domain/governance/review-recommendation.js';
import type { CampaignRow, NewReviewItem } from '../../store/reviews-types.js';
import { campaignTrigger, reviewAudit } from './audit-events.js';
import type { ReviewDeps } from './deps.js';
import { reviewerDirectory } from './directory.js';
import { buildPopulation } from './population.js';
import { getCampaign } from './read.js';
import { accessSnapshotHash, sortSnapshot } from './snapshot.js';

/**
 * Draft → active, in one transaction: the population read, its snapshot hash, the stage-1 items
 * and the `review.launched` event (snapshot_sha256, item count) commit together or not at all.
 */
export async function launchCampaign(
  deps: ReviewDeps,
  id: string,
  actor: string,
): Promise<CampaignRow> {
  const now = deps.clock();
  return deps.store.transaction(async (store) => {
    const campaign = await getCampaign(store, id);
    if (
      campaign.status !== 'draft' ||
      !(await store.reviews.guardCampaign(id, { status: 'draft' }))
    )
      throw new TenureError(
        'review.not_draft',
        `campaign ${id} is ${campaign.status}: only a draft can be launched`,
        { status: campaign.status },
      );
    const def = campaign.definition;
    const { lines } = await buildPopulation({ ...deps, store }, def.scope);
    if (lines.length === 0)
      throw new TenureError(
        'review.empty_population',
        `campaign ${id}: no access matches its scope`,
        { scope: def.scope },
      );
    const dir = reviewerDirectory(await store.identities.all(), deps.config);
    const stage = def.stages[0]!;
    const unassigned: string[] = [];
    const items: NewReviewItem[] = sortSnapshot(lines).map((line, seq) => {
      const a = assignReviewer(line, stage, dir, def.fallback_reviewer);
      if (!a) unassigned.push(line.identity_id);
      return {
        ...line,
        campaign_id: id,
        stage: 1,
        seq,
        recommendation: recommend({
          reason: line.reason,
          peers: line.peers,
          lastUsed: UNKNOWN_LAST_USED,
          now,
          ...(def.unused_days !== undefined && { unusedDays: def.unused_days }),
        }),
        last_used: UNKNOWN_LAST_USED,
        reviewer: a?.reviewer ?? '',
        assigned_via: a?.route ?? 'fallback',
        assigned_from: a?.wanted ?? null,
      };
    });
    if (unassigned.length > 0) {
      const who = [...new Set(unassigned)];
      throw new TenureError(
        'review.no_reviewer',
        `nobody but the holder can review the access of ${who.slice(0, 5).join(', ')}${who.length > 5 ? ', …' : ''}: choose another fallback_reviewer`,
        { identities: who },
      );
    }
    const sha256 = accessSnapshotHash(items);
    const at = now.toISOString();
    await store.reviews.insertItems(items);
    const reviewers = new Set(items.map((i) => i.reviewer)).size;
    const rerouted = items.filter((i) => i.assigned_via !== 'strategy').length;
    await store.reviews.updateCampaign(id, {
      status: 'active',
      stage: 1,
      launched_at: at,
      launched_by: actor,
      snapshot_sha256: sha256,
      snapshot_items: items.length,
    });
    await store.audit.append([
      reviewAudit(
        'review.launched',
        id,
        actor,
        campaignTrigger(id),
        {
          snapshot_sha256: sha256,
          items: items.length,
          stage: 1,
          reviewers,
          rerouted,
        },
        at,
      ),
    ]);
    return getCampaign(store, id);
  });
}
