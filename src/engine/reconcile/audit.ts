/** How reconciliation is named in the audit trail: one `reconcile.finding` per finding, then `reconcile.completed`. */
import type { Finding } from '../../domain/reconcile.js';
import type { AuditInput } from '../../store/types.js';

/** Drift is about an entitlement, missing about a person, the rest about an account. */
export const findingTarget = (f: Finding): string =>
  f.kind === 'drift' && f.entitlement_id !== null
    ? `entitlement:${f.app_id}/${f.entitlement_id}`
    : f.kind === 'missing' && f.identity_id !== null
      ? `identity:${f.identity_id}`
      : `account:${f.app_id}/${f.account_id}`;

/** The system found it (actor `system`); the outcome is the finding's recording, hence `success`. */
export const findingAudit = (
  f: Finding & { is_new: boolean },
  reconciliationId: number,
  ts: string,
): AuditInput => ({
  action: 'reconcile.finding',
  actor: 'system',
  trigger: `reconcile:${reconciliationId}`,
  target: findingTarget(f),
  outcome: 'success',
  details: {
    kind: f.kind,
    reason: f.reason,
    account: f.account_id,
    identity: f.identity_id,
    ...(f.entitlement_id !== null ? { entitlement: f.entitlement_id } : {}),
    new: f.is_new,
    ...f.details,
  },
  ts,
});

export const completedAudit = (
  appId: string,
  reconciliationId: number,
  actor: string,
  outcome: 'success' | 'failure',
  details: Record<string, unknown>,
  ts: string,
): AuditInput => ({
  action: 'reconcile.completed',
  actor,
  trigger: `reconcile:${reconciliationId}`,
  target: `application:${appId}`,
  outcome,
  details,
  ts,
});
