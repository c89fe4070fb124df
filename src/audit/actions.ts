/**
 * Every audit action, grouped by the module that writes it (as Logto types its log keys): one
 * union, the type of `AuditInput.action`, so a writer cannot invent a name the docs, the console
 * and an auditor's filters do not know. Add a new action here, in its module's group.
 * @see docs/audit.md
 */
import type { LifecycleKind, OperationKind } from '../domain/types.js';

/** HR reads: snapshots and deltas, their quarantined and warned records (engine/sync). */
export type HrAction =
  | 'hr.snapshot.imported'
  | 'hr.delta.imported'
  | 'hr.snapshot.halted'
  | 'hr.record.rejected'
  | 'hr.record.warning';

/** A lifecycle event detected for a person (engine/audit/events.ts): `identity.joiner`, … */
export type IdentityAction = `identity.${LifecycleKind}`;

/** One operation's outcome on a target, named by its kind (engine/runs/execute.ts, agents). */
export type OperationAction = OperationKind;

/** Manual tasks closed with evidence or withdrawn (engine/tasks). */
export type TaskAction = 'manual.task.closed' | 'manual.task.cancelled';

/** Runs: planned and started or held, approved, finished, interrupted (engine/runs, agents). */
export type RunAction =
  | 'run.started'
  | 'run.held'
  | 'run.approved'
  | 'run.completed'
  | 'run.interrupted'
  | 'run.waiting_for_agent';

/** Reconciliation findings and runs (engine/reconcile). */
export type ReconcileAction = 'reconcile.finding' | 'reconcile.completed';

/** On-prem agents: enrollment, leases, results, liveness, refused requests (engine/agents). */
export type AgentAction =
  | 'agent.token.created'
  | 'agent.enrolled'
  | 'agent.revoked'
  | 'agent.leased'
  | 'agent.enqueued'
  | 'agent.result.expired'
  | 'agent.offline'
  | 'agent.refused';

/** HR change events pushed by a source (engine/webhook). */
export type WebhookAction = 'webhook.accepted' | 'webhook.refused';

/** Sign-in, sign-out, refused credentials and API tokens (http/auth, http/routes/auth.ts). */
export type AuthAction =
  | 'auth.login'
  | 'auth.login_failed'
  | 'auth.logout'
  | 'auth.denied'
  | 'auth.token_created'
  | 'auth.token_revoked';

/** Control-plane users (http/auth/users.ts, OIDC sign-up). */
export type UserAction = 'user.created' | 'user.updated';

/** The API itself: bad requests refused, the audit trail exported (http/routes/audit.ts). */
export type ApiAction = 'api.rejected' | 'audit.exported';

/** Access reviews: campaigns, decisions, sign-offs (src/governance/reviews). */
export type ReviewAction =
  | 'review.campaign_created'
  | 'review.launched'
  | 'review.decision'
  | 'review.delegated'
  | 'review.reassigned'
  | 'review.defaulted'
  | 'review.signoff'
  | 'review.stage_closed'
  | 'review.closed';

export type AuditAction =
  | HrAction
  | IdentityAction
  | OperationAction
  | TaskAction
  | RunAction
  | ReconcileAction
  | AgentAction
  | WebhookAction
  | AuthAction
  | UserAction
  | ApiAction
  | ReviewAction;
