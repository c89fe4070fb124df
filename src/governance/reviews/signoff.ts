/** Sign-off: a reviewer closes their part of a stage after re-authenticating, signing the campaign's meaning statement. */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../audit/canonical-json.js';
import { TenureError } from '../../domain/errors.js';
import type { SignoffRow } from '../../store/reviews-types.js';
import { campaignTrigger, reviewAudit } from './audit-events.js';
import { checkCampaignOpen, conflict } from './decision-checks.js';
import type { ReviewCaller, ReviewDeps } from './deps.js';
import { getCampaign } from './read.js';

/**
 * Proof that the caller re-authenticated just now, made by the edge that checked it (the API
 * re-checks a local user's password; OIDC would come back from `prompt=login`).
 */
export type Reauthentication = { method: 'password' | 'oidc'; username: string };

/** The text that is hashed: what was signed, by whom, when, over which decisions. */
export const signoffStatement = (s: {
  campaign_id: string;
  stage: number;
  reviewer: string;
  actor: string;
  at: string;
  meaning: string;
  items: { id: number; decision: string | null; version: number }[];
}): string => canonicalJson(s);

export async function signOff(
  deps: ReviewDeps,
  campaignId: string,
  caller: ReviewCaller,
  reauth: Reauthentication,
): Promise<SignoffRow> {
  const at = deps.clock().toISOString();
  return deps.store.transaction(async (store) => {
    const campaign = await getCampaign(store, campaignId);
    await checkCampaignOpen(store, campaign);
    if (caller.role === 'auditor')
      throw new TenureError(
        'review.not_your_item',
        'an auditor reads campaigns and signs off nothing',
      );
    const items = await store.reviews.items({
      campaignId,
      stage: campaign.stage,
      reviewers: caller.refs,
    });
    if (items.length === 0)
      throw new TenureError(
        'review.nothing_to_sign',
        `you have no items in stage ${campaign.stage} of ${campaignId}`,
      );
    const open = items.filter((i) => i.decision === null);
    if (open.length > 0)
      throw new TenureError(
        'review.undecided',
        `${open.length} of your items are undecided (first: #${open[0]!.id})`,
        { items: open.map((i) => i.id) },
      );
    if (items.every((i) => i.signed_off))
      throw new TenureError(
        'review.already_signed_off',
        `you signed off stage ${campaign.stage} already`,
      );
    const reviewer = caller.refs[0]!;
    const meaning = campaign.definition.meaning;
    const statement = signoffStatement({
      campaign_id: campaignId,
      stage: campaign.stage,
      reviewer,
      actor: caller.actor,
      at,
      meaning,
      items: items.map((i) => ({ id: i.id, decision: i.decision, version: i.version })),
    });
    const row: SignoffRow = {
      campaign_id: campaignId,
      stage: campaign.stage,
      reviewer,
      actor: caller.actor,
      at,
      method: reauth.method,
      meaning,
      statement_sha256: createHash('sha256').update(statement).digest('hex'),
      items: items.length,
    };
    for (const i of items)
      if (!(await store.reviews.updateItem(i.id, i.version, { signed_off: true })))
        throw conflict(i);
    await store.reviews.addSignoff(row);
    await store.audit.append([
      reviewAudit(
        'review.signoff',
        campaignId,
        caller.actor,
        campaignTrigger(campaignId),
        {
          stage: row.stage,
          reviewer,
          items: row.items,
          method: reauth.method,
          username: reauth.username,
          meaning,
          statement_sha256: row.statement_sha256,
        },
        at,
      ),
    ]);
    return row;
  });
}
