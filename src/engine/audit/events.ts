/** How engine actions are named in the audit trail: one place, so reports can rely on it. */

import { isRemoval } from '../../domain/phases.js';
import type { Identity, LifecycleEvent, Operation, OperationResult } from '../../domain/types.js';
import type { AuditInput } from '../../store/types.js';

export const lifecycleAudit = (
  identity: Identity,
  event: LifecycleEvent,
  sourceId: string,
  trigger: string,
  ts: string,
): AuditInput => {
  const { kind, ...details } = event;
  return {
    action: `identity.${kind}`,
    actor: `hr:${sourceId}:${kind}`,
    trigger,
    target: `identity:${identity.id}`,
    outcome: 'success',
    details: { ...details, status: identity.status },
    ts,
  };
};

/** Birthright changes are done by the rule that wants them; removals by the HR event that caused them. */
export function operationActor(
  op: Operation,
  sourceOf: (identityId: string) => string | undefined,
): string {
  const birthright = op.reasons.find((r) => r.startsWith('birthright:'));
  if (birthright && !isRemoval(op)) return `rule:${birthright.slice('birthright:'.length)}`;
  const other = op.reasons.find((r) => !r.startsWith('birthright:'));
  if (other && !isRemoval(op)) return other;
  const source = op.identity_id ? sourceOf(op.identity_id) : undefined;
  const event = op.lifecycle[0] ?? 'reconcile';
  // A drift correction is not caused by any HR event: the engine itself restores the desired state.
  return source && event !== 'reconcile' ? `hr:${source}:${event}` : 'system';
}

export const operationTarget = (op: Operation): string =>
  op.entitlement !== undefined
    ? `entitlement:${op.app_id}/${op.entitlement}`
    : `account:${op.app_id}/${op.account_id}`;

export const operationAudit = (
  op: Operation,
  result: OperationResult,
  actor: string,
  runId: string,
  ts: string,
): AuditInput => ({
  action: op.kind === 'manual.task' ? `manual.task` : op.kind,
  actor,
  trigger: `run:${runId}`,
  target: operationTarget(op),
  outcome: result.outcome,
  details: {
    identity: op.identity_id,
    account: result.account_id ?? op.account_id,
    ...(op.task ? { task: op.task.action, summary: op.task.summary } : {}),
    ...(op.entitlement !== undefined ? { entitlement: op.entitlement } : {}),
    lifecycle: op.lifecycle,
    reasons: op.reasons,
    key: op.key,
    ...(result.message ? { message: result.message } : {}),
  },
  ts,
});

/**
 * A run whose process died mid-apply, closed by the next run to take the run lock: what was done
 * stays recorded, what was never attempted is cancelled and left to that run's plan.
 */
export const runInterruptedAudit = (
  runId: string,
  trigger: string,
  details: {
    reason: string;
    holder: Record<string, unknown> | null;
    cancelled: number;
    counts: Record<string, number>;
  },
  ts: string,
): AuditInput => ({
  action: 'run.interrupted',
  actor: 'system',
  trigger,
  target: `run:${runId}`,
  outcome: 'failure',
  details: {
    reason: details.reason,
    holder: details.holder,
    cancelled: details.cancelled,
    ...details.counts,
  },
  ts,
});
