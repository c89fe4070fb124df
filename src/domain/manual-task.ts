/** Turns an operation on a `manual` application into a task a person can carry out. */
import type { Application } from './application.js';
import { actionOf } from './phases.js';
import type { DirectOperationKind, Operation } from './types.js';

const VERB: Record<DirectOperationKind, string> = {
  'account.create': 'Create',
  'account.update': 'Update',
  'account.disable': 'Disable',
  'account.enable': 'Enable',
  'account.delete': 'Delete',
  'account.move': 'Move',
  'entitlement.grant': 'Grant',
  'entitlement.revoke': 'Revoke',
};

/**
 * E.g. `Disable account jdoe in Payroll (leaver)`; `changed` lists the attributes an update sets;
 * `why` is the parenthesis (default: the lifecycle labels, else the reasons).
 */
export function taskSummary(
  op: Operation,
  app: Application,
  changed: string[] = [],
  why: readonly string[] = op.lifecycle.length > 0 ? op.lifecycle : op.reasons,
): string {
  const kind = actionOf(op);
  const appName = app.name ?? app.id;
  const account = `account ${op.account_id} in ${appName}`;
  const ent = app.entitlements.find((e) => e.id === op.entitlement);
  const entName = ent?.name ? `${ent.name} (${op.entitlement})` : (op.entitlement ?? '');
  const suffix = why.length > 0 ? ` (${why.join(', ')})` : '';
  let body: string;
  switch (kind) {
    case 'account.create':
      body = `Create ${op.enabled === false ? 'disabled ' : ''}${account}`;
      break;
    case 'account.move':
      body = `Move ${account} to ${op.container ?? '(default)'}`;
      break;
    case 'account.update':
      body = `Update ${account}: set ${changed.length > 0 ? changed.join(', ') : 'attributes'}`;
      break;
    case 'entitlement.grant':
      body = `Grant ${entName} to ${account}`;
      break;
    case 'entitlement.revoke':
      body = `Revoke ${entName} from ${account}`;
      break;
    default:
      body = `${VERB[kind]} ${account}`;
  }
  return body + suffix;
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? v.trim() : undefined;

/**
 * Who does a manual application's work and how: its `settings.assignee` (else the application's
 * `owner`, else nobody in particular) and `settings.instructions` (else none). Configured values
 * win; the connector's guard has already checked their types when the config was loaded.
 */
export function taskRouting(app: Application): { assignee?: string; instructions?: string } {
  const assignee = text(app.settings.assignee) ?? text(app.owner);
  const instructions = text(app.settings.instructions);
  return {
    ...(assignee !== undefined && { assignee }),
    ...(instructions !== undefined && { instructions }),
  };
}

/** Same operation as a `manual.task` carrying its action, summary and routing; other fields are kept. */
export function toManualTask(op: Operation, app: Application, changed: string[] = []): Operation {
  const action = op.kind as DirectOperationKind;
  const summary = taskSummary(op, app, changed);
  return { ...op, kind: 'manual.task', task: { action, summary, ...taskRouting(app) } };
}

/** `assignee: payroll-team; <instructions>`, or '' when the task has neither. */
export function taskRoutingText(task: Operation['task']): string {
  return [task?.assignee && `assignee: ${task.assignee}`, task?.instructions]
    .filter(Boolean)
    .join('; ');
}
