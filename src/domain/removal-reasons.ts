/** Gives a leaver's or mover's removals the reason of their change instead of `unjustified`. */
import { taskSummary } from './manual-task.js';
import { isRemoval } from './phases.js';
import type { AppMap } from './plan.js';
import type { Operation } from './types.js';

/**
 * The plan marks every removal no policy, request or exception justifies as `unjustified`. For a
 * leaver or a mover that is what the change did, not drift: `removalFor(identity)` names it (e.g.
 * `leaver: terminated 2026-11-27`) and replaces `unjustified` on that identity's removals, manual
 * task summaries included. Other reasons (`duplicate_account`, `desired_disabled`) and the removals
 * of identities without such a reason are left alone. Rewrites `ops` in place (they are fresh from
 * the plan); keys do not change, as they never include reasons.
 */
export function explainRemovals(
  ops: Operation[],
  removalFor: (identityId: string) => string | undefined,
  apps: AppMap,
): void {
  let id: string | null = null;
  let reasons: string[] | undefined;
  for (const op of ops) {
    if (op.identity_id === null) continue;
    // Ops come grouped by identity: one lookup per identity, one shared reason list each.
    if (op.identity_id !== id) {
      id = op.identity_id;
      const r = removalFor(id);
      reasons = r === undefined ? undefined : (Object.freeze([r]) as string[]);
    }
    if (reasons === undefined || op.reasons.length !== 1 || op.reasons[0] !== 'unjustified')
      continue;
    if (!isRemoval(op)) continue;
    op.reasons = reasons;
    const app = apps.get(op.app_id);
    if (op.task !== undefined && app !== undefined)
      op.task = { ...op.task, summary: taskSummary(op, app, [], reasons) };
  }
}
