/** Deciding items (single or bulk, all or nothing): approve, revoke, modify, reassign, delegate — each audited. */
import { TenureError } from '../../domain/errors.js';
import type { ItemPatch, ReviewItemRow } from '../../store/reviews-types.js';
import type { AuditInput, Store } from '../../store/types.js';
import { itemTarget, reviewAudit } from './audit-events.js';
import {
  checkCampaignOpen,
  checkDecision,
  conflict,
  type DecisionInput,
} from './decision-checks.js';
import type { ReviewCaller, ReviewDeps } from './deps.js';
import { reviewerDirectory } from './directory.js';
import { getCampaign } from './read.js';

export type { DecisionInput } from './decision-checks.js';

export const MAX_BULK = 1000;

/**
 * Applies every decision in one transaction, or none: the first refusal (closed campaign,
 * someone else's item, missing justification, a concurrent change, a holder who left) rolls
 * back the lot. Decisions may change until the stage closes or the reviewer signs off.
 */
export async function decide(
  deps: ReviewDeps,
  campaignId: string,
  caller: ReviewCaller,
  inputs: readonly DecisionInput[],
): Promise<ReviewItemRow[]> {
  if (inputs.length === 0 || inputs.length > MAX_BULK)
    throw new TenureError('review.invalid', `give 1 to ${MAX_BULK} decisions`, {
      count: inputs.length,
    });
  if (new Set(inputs.map((i) => i.item)).size !== inputs.length)
    throw new TenureError('review.invalid', 'each item may appear once in a bulk decision');
  const at = deps.clock().toISOString();
  return deps.store.transaction(async (store) => {
    const campaign = await getCampaign(store, campaignId);
    await checkCampaignOpen(store, campaign);
    const out: ReviewItemRow[] = [];
    const events: AuditInput[] = [];
    for (const input of inputs) {
      const item = await checkDecision(deps, store, campaign, caller, input);
      const done = await apply(deps, store, caller, item, input, at);
      out.push(done.row);
      events.push(done.event);
    }
    // One append for the lot: a bulk of 1,000 is one chain write, in the same transaction.
    await store.audit.append(events);
    return out;
  });
}

async function apply(
  deps: ReviewDeps,
  store: Store,
  caller: ReviewCaller,
  item: ReviewItemRow,
  input: DecisionInput,
  at: string,
): Promise<{ row: ReviewItemRow; event: AuditInput }> {
  const justification = input.justification?.trim() || null;
  const base = {
    item: item.id,
    stage: item.stage,
    identity: item.identity_id,
    account: item.account_id,
    entitlement: item.entitlement_id,
  };
  let patch: ItemPatch;
  let event: ReturnType<typeof reviewAudit>;
  if (input.action === 'reassign' || input.action === 'delegate') {
    const to = await newReviewer(deps, store, item, input.to!);
    patch = {
      reviewer: to,
      assigned_via: input.action === 'reassign' ? 'reassigned' : 'delegated',
      assigned_from: item.reviewer,
    };
    event = reviewAudit(
      input.action === 'reassign' ? 'review.reassigned' : 'review.delegated',
      item.campaign_id,
      caller.actor,
      itemTarget(item),
      { ...base, from: item.reviewer, to, reason: justification },
      at,
    );
  } else {
    patch = {
      decision: input.action,
      justification,
      modify_to: modifyTo(item, input),
      decided_by: caller.actor,
      decided_at: at,
      defaulted: false,
    };
    const previous =
      item.decision === null
        ? null
        : {
            decision: item.decision,
            justification: item.justification,
            decided_by: item.decided_by,
            decided_at: item.decided_at,
          };
    event = reviewAudit(
      'review.decision',
      item.campaign_id,
      caller.actor,
      itemTarget(item),
      {
        ...base,
        decision: input.action,
        justification,
        ...(input.action === 'modify' && { modify_to: input.entitlement }),
        previous,
      },
      at,
    );
  }
  const updated = await store.reviews.updateItem(item.id, item.version, patch);
  if (!updated) throw conflict((await store.reviews.getItem(item.id)) ?? item);
  return {
    row: updated,
    event: { ...event, details: { ...event.details, version: updated.version } },
  };
}

/** The reviewer an item is handed to: never its holder, never the caller themself. */
async function newReviewer(
  deps: ReviewDeps,
  store: Store,
  item: ReviewItemRow,
  to: string,
): Promise<string> {
  const dir = reviewerDirectory(await store.identities.all(), deps.config);
  const resolved = dir.resolve(to.trim());
  if (resolved === item.identity_id)
    throw new TenureError(
      'review.self_review',
      `item #${item.id} cannot go to ${to}: it is their own access`,
      { item: item.id },
    );
  if (resolved === item.reviewer)
    throw new TenureError('review.invalid', `item #${item.id} is already assigned to ${to}`, {
      item: item.id,
    });
  return resolved;
}

/**
 * The swap an item ends with: a modify sets it; an approve keeps one carried from an earlier
 * stage but drops one made in this stage (the reviewer changed their mind); a revoke leaves it.
 */
const modifyTo = (item: ReviewItemRow, input: DecisionInput): string | null =>
  input.action === 'modify'
    ? input.entitlement!
    : input.action === 'approve' && item.decision === 'modify'
      ? null
      : item.modify_to;
