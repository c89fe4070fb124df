/** Reading campaigns and items, as the caller may see them: staff see all, a reviewer only their items. */
import { TenureError } from '../../domain/errors.js';
import type { CampaignRow, ItemQuery, ReviewItemRow } from '../../store/reviews-types.js';
import type { Store } from '../../store/types.js';
import type { ReviewCaller } from './deps.js';

/** Roles that read every campaign's items (auditors read, change nothing). */
const READ_ALL = new Set(['admin', 'operator', 'auditor']);
export const readsAllItems = (caller: Pick<ReviewCaller, 'role'>) => READ_ALL.has(caller.role);

export async function getCampaign(store: Pick<Store, 'reviews'>, id: string): Promise<CampaignRow> {
  const c = await store.reviews.getCampaign(id);
  if (!c) throw new TenureError('review.not_found', `no campaign ${id}`);
  return c;
}

/** A campaign's items; a caller who does not read everything gets only their own. */
export async function campaignItems(
  store: Pick<Store, 'reviews'>,
  caller: ReviewCaller,
  query: ItemQuery & { campaignId: string },
): Promise<ReviewItemRow[]> {
  await getCampaign(store, query.campaignId);
  return store.reviews.items(readsAllItems(caller) ? query : { ...query, reviewers: caller.refs });
}

/**
 * The caller's open items: assigned to them, at their campaign's current stage, in an active
 * campaign, not yet decided unless `all`. Paged by item id.
 */
export async function inbox(
  store: Pick<Store, 'reviews'>,
  caller: ReviewCaller,
  opts: { campaignId?: string; appId?: string; all?: boolean; afterId?: number; limit: number },
): Promise<ReviewItemRow[]> {
  const campaigns = opts.campaignId
    ? [await getCampaign(store, opts.campaignId)]
    : await store.reviews.listCampaigns({ status: 'active', limit: 1000 });
  const out: ReviewItemRow[] = [];
  for (const c of campaigns.filter((c) => c.status === 'active')) {
    const rows = await store.reviews.items({
      campaignId: c.id,
      stage: c.stage,
      reviewers: caller.refs,
      ...(opts.all ? {} : { undecided: true }),
      ...(opts.appId !== undefined && { appId: opts.appId }),
      ...(opts.afterId !== undefined && { afterId: opts.afterId }),
      limit: opts.limit,
    });
    out.push(...rows);
  }
  return out.sort((a, b) => a.id - b.id).slice(0, opts.limit);
}

/** One item, if the caller may see it (`review.item_not_found` otherwise: no existence leak). */
export async function visibleItem(
  store: Pick<Store, 'reviews'>,
  caller: ReviewCaller,
  id: number,
): Promise<ReviewItemRow> {
  const item = await store.reviews.getItem(id);
  if (!item || (!readsAllItems(caller) && !caller.refs.includes(item.reviewer)))
    throw new TenureError('review.item_not_found', `no review item #${id}`);
  return item;
}
