/** Closing: advance a stage, or close the campaign — defaults, remediation hook, report hook, final status. */
import { TenureError } from '../../domain/errors.js';
import { effectiveDecision } from '../../domain/governance/review-rules.js';
import type { CampaignRow, ReviewItemRow } from '../../store/reviews-types.js';
import { campaignTrigger, reviewAudit } from './audit-events.js';
import type { ReviewDeps } from './deps.js';
import { getCampaign } from './read.js';
import { closeStage, openNextStage, stageItems } from './stages.js';

/** A revoked or modified item as it stands after its last stage: what remediation must carry out. */
export type RemediationItem = ReviewItemRow & { decision: 'revoke' | 'modify' };

export type RemediationContext = {
  deps: ReviewDeps;
  campaign: CampaignRow;
  actor: string;
  /** Every item whose final decision is revoke or modify (each seq once, from its last stage). */
  items: RemediationItem[];
};

/** What remediation reports back: items it could not carry out or that still wait (manual tasks). */
export type RemediationOutcome = {
  failures: { item: number; reason: string }[];
  pending: { item: number; reason: string }[];
};

/** Carries revokes through plan/apply and records proof of removal (src/governance/reviews/remediation/). */
export type RemediationHook = (ctx: RemediationContext) => Promise<RemediationOutcome>;
/** Builds and stores the certification report once the campaign has its final status (report/). */
export type ReportHook = (ctx: {
  deps: ReviewDeps;
  campaign: CampaignRow;
  actor: string;
}) => Promise<void>;

export type CloseOptions = {
  actor: string;
  remediate?: RemediationHook;
  report?: ReportHook;
  /** Signs the audit head after close (the workspace's checkpoint). */
  checkpoint?: () => Promise<unknown>;
};

const noRemediation: RemediationHook = async () => ({ failures: [], pending: [] });
const noReport: ReportHook = async () => {};

/** Closes the current stage (defaults) and opens the next; `review.last_stage` on the last one. */
export async function advanceStage(
  deps: ReviewDeps,
  id: string,
  actor: string,
): Promise<CampaignRow> {
  const at = deps.clock().toISOString();
  return deps.store.transaction(async (store) => {
    const campaign = await getCampaign(store, id);
    if (
      campaign.status !== 'active' ||
      !(await store.reviews.guardCampaign(id, { status: 'active', stage: campaign.stage }))
    )
      throw new TenureError('review.closed', `campaign ${id} is ${campaign.status}`, {
        status: campaign.status,
      });
    if (campaign.stage >= campaign.definition.stages.length)
      throw new TenureError(
        'review.last_stage',
        `stage ${campaign.stage} is the last: close the campaign instead`,
      );
    const defaulted = await closeStage(store, campaign, at);
    const opened = await openNextStage(deps, store, campaign);
    await store.audit.append([
      reviewAudit(
        'review.stage_closed',
        id,
        actor,
        campaignTrigger(id),
        {
          stage: campaign.stage,
          next_stage: campaign.stage + 1,
          opened,
          defaulted,
          closed_by: actor,
        },
        at,
      ),
    ]);
    return getCampaign(store, id);
  });
}

/**
 * Closes every stage left (undecided items get the no-response default; later stages get what
 * earlier ones kept, and default too), then runs remediation and sets `completed`, or
 * `completed_with_failures` when a remediation failed or is pending; then the report hook.
 */
export async function closeCampaign(
  deps: ReviewDeps,
  id: string,
  opts: CloseOptions,
): Promise<CampaignRow> {
  const at = deps.clock().toISOString();
  const closing = await deps.store.transaction(async (store) => {
    let campaign = await getCampaign(store, id);
    if (
      campaign.status !== 'active' ||
      !(await store.reviews.guardCampaign(id, { status: 'active', stage: campaign.stage }))
    )
      throw new TenureError(
        'review.closed',
        `campaign ${id} is ${campaign.status}: only an active campaign closes`,
        { status: campaign.status },
      );
    for (;;) {
      await closeStage(store, campaign, at);
      if (campaign.stage >= campaign.definition.stages.length) break;
      await openNextStage(deps, store, campaign);
      campaign = await getCampaign(store, id);
    }
    await store.reviews.updateCampaign(id, {
      status: 'closing',
      closed_at: at,
      closed_by: opts.actor,
    });
    return getCampaign(store, id);
  });
  const items = await finalRemovals(deps, closing);
  const outcome = await (opts.remediate ?? noRemediation)({
    deps,
    campaign: closing,
    actor: opts.actor,
    items,
  });
  const status =
    outcome.failures.length + outcome.pending.length > 0 ? 'completed_with_failures' : 'completed';
  const summary = { ...(await finalCounts(deps, closing)), remediation: outcome };
  await deps.store.transaction(async (store) => {
    await store.reviews.updateCampaign(id, { status, summary });
    await store.audit.append([
      reviewAudit(
        'review.closed',
        id,
        opts.actor,
        campaignTrigger(id),
        { status, ...summary, snapshot_sha256: closing.snapshot_sha256 },
        deps.clock().toISOString(),
      ),
    ]);
  });
  const closed = await getCampaign(deps.store, id);
  await (opts.report ?? noReport)({ deps, campaign: closed, actor: opts.actor });
  await opts.checkpoint?.();
  return closed;
}

/** The final row of each snapshot line: the one of the last stage it reached (see effectiveDecision). */
export async function finalItems(
  deps: ReviewDeps,
  campaign: CampaignRow,
): Promise<Map<number, ReviewItemRow>> {
  const last = new Map<number, ReviewItemRow>();
  for (let stage = 1; stage <= campaign.stage; stage++)
    for await (const page of stageItems(deps.store, campaign.id, stage))
      for (const i of page) last.set(i.seq, i);
  return last;
}

async function finalRemovals(deps: ReviewDeps, campaign: CampaignRow): Promise<RemediationItem[]> {
  const out: RemediationItem[] = [];
  for (const i of (await finalItems(deps, campaign)).values()) {
    const decision = effectiveDecision(i);
    if (decision === 'revoke' || decision === 'modify') out.push({ ...i, decision });
  }
  return out;
}

async function finalCounts(
  deps: ReviewDeps,
  campaign: CampaignRow,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {
    items: 0,
    approve: 0,
    revoke: 0,
    modify: 0,
    defaulted: 0,
  };
  for (const i of (await finalItems(deps, campaign)).values()) {
    counts.items = (counts.items ?? 0) + 1;
    const decision = effectiveDecision(i);
    if (decision) counts[decision] = (counts[decision] ?? 0) + 1;
    if (i.defaulted) counts.defaulted = (counts.defaulted ?? 0) + 1;
  }
  return counts;
}
