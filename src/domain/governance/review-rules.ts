/** Review rules: why access is held, when a justification is required, what no response means. */
import type { ItemReason, NoResponseDefault, ReasonKind, ReviewAction } from './campaign.js';

const PRIORITY: ReasonKind[] = ['birthright', 'request', 'exception', 'manual'];

/** The strongest of the desired state's reasons (`birthright:<policy>` first); none = drift. */
export function itemReason(reasons: readonly string[]): ItemReason {
  for (const kind of PRIORITY) {
    const hit = reasons.find((r) => r === kind || r.startsWith(`${kind}:`));
    if (hit !== undefined) {
      const ref = hit.includes(':') ? hit.slice(hit.indexOf(':') + 1) : null;
      return { kind, ref, all: [...reasons] };
    }
  }
  return { kind: 'none', ref: null, all: [...reasons] };
}

/** What the item is, as the justification rule sees it. */
export type JustificationFacts = { privileged: boolean; reason_kind: ReasonKind };

/**
 * Why this action needs a written justification, or null when it needs none: every revoke (and a
 * modify, which revokes), approving privileged or unjustified access, and a reassign (its reason).
 */
export function justificationRequired(
  action: ReviewAction,
  item: JustificationFacts,
): 'revoke' | 'privileged' | 'unjustified' | 'reassign' | null {
  if (action === 'revoke' || action === 'modify') return 'revoke';
  if (action === 'reassign') return 'reassign';
  if (action === 'approve' && item.privileged) return 'privileged';
  if (action === 'approve' && item.reason_kind === 'none') return 'unjustified';
  return null;
}

/** The decision an item nobody decided gets at close; privileged items use the stricter default. */
export function noResponseDecision(
  item: { privileged: boolean; recommendation: 'keep' | 'revoke' },
  defaults: { default: NoResponseDefault; privileged: NoResponseDefault },
): 'approve' | 'revoke' {
  const rule = item.privileged ? defaults.privileged : defaults.default;
  if (rule === 'keep') return 'approve';
  if (rule === 'revoke') return 'revoke';
  return item.recommendation === 'keep' ? 'approve' : 'revoke';
}

/** Whether an item settled in one stage goes on to the next: what the stage kept (not revoked). */
export const advancesToNextStage = (decision: string | null): boolean =>
  decision === 'approve' || decision === 'modify';

/**
 * An item's outcome: a later stage approving access an earlier stage modified keeps the
 * modification (`modify_to` travels with the item), so approve + modify_to is a modify.
 */
export const effectiveDecision = <D extends string | null>(item: {
  decision: D;
  modify_to: string | null;
}): D | 'modify' =>
  item.decision === 'approve' && item.modify_to !== null ? 'modify' : item.decision;
