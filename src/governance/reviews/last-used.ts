/** Filling an item's last use (remediation's readers call this) and re-deriving its recommendation from it. */
import type { LastUsed, SnapshotEntry } from '../../domain/governance/campaign.js';
import { recommend } from '../../domain/governance/review-recommendation.js';
import type { ReviewItemRow } from '../../store/reviews-types.js';
import type { ReviewDeps } from './deps.js';
import { getCampaign } from './read.js';
import { stageItems } from './stages.js';

/** Records `lastUsed` on one item and recomputes its keep/revoke recommendation; returns the item. */
export async function recordLastUsed(
  deps: ReviewDeps,
  itemId: number,
  lastUsed: LastUsed,
): Promise<ReviewItemRow | undefined> {
  const item = await deps.store.reviews.getItem(itemId);
  if (!item) return undefined;
  const campaign = await getCampaign(deps.store, item.campaign_id);
  const rec = recommend({
    reason: item.reason,
    peers: item.peers,
    lastUsed,
    now: deps.clock(),
    ...(campaign.definition.unused_days !== undefined && {
      unusedDays: campaign.definition.unused_days,
    }),
  });
  await deps.store.reviews.setLastUsed(itemId, lastUsed, rec);
  return deps.store.reviews.getItem(itemId);
}

/**
 * Asks `lookup` for the last use of every item of the campaign's current stage (one call per
 * account is the caller's business: it gets each snapshot line) and records what it returns.
 */
export async function fillLastUsed(
  deps: ReviewDeps,
  campaignId: string,
  lookup: (line: SnapshotEntry) => Promise<LastUsed | undefined>,
): Promise<number> {
  const campaign = await getCampaign(deps.store, campaignId);
  let filled = 0;
  for await (const page of stageItems(deps.store, campaignId, campaign.stage)) {
    for (const item of page) {
      const lastUsed = await lookup(item);
      if (lastUsed === undefined) continue;
      await recordLastUsed(deps, item.id, lastUsed);
      filled++;
    }
  }
  return filled;
}
