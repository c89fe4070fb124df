/**
 * A plan as people read it, in one structure for the CLI (`tenure plan`, `--json`) and the API
 * (`POST /api/v1/runs/plan`): grouped by identity then application, a reason header per person,
 * `+`/`-`/`~` per change with old → new values, summary counts. Pure.
 */
import type { ChangeExplanation } from '../../domain/change-reason.js';
import { actionOf } from '../../domain/phases.js';
import type { DirectOperationKind, Operation } from '../../domain/types.js';
import type { BeforeValues } from './explain-plan.js';

/** ASCII signs, as `terraform plan` prints them: add access, take it away, change it in place. */
export type Sign = '+' | '-' | '~';

const SIGN: Record<DirectOperationKind, Sign> = {
  'account.create': '+',
  'account.enable': '+',
  'entitlement.grant': '+',
  'account.update': '~',
  'account.move': '~',
  'entitlement.revoke': '-',
  'account.disable': '-',
  'account.delete': '-',
};

export type PlanChange = {
  sign: Sign;
  key: string;
  kind: Operation['kind'];
  /** One line, e.g. `revoke sales from jdoe`, or a manual task's summary. */
  text: string;
  reasons: string[];
  /** Updates and moves: one `name: "old" → "new"` per changed value. */
  details: string[];
};
export type PlanApplication = { app_id: string; changes: PlanChange[] };
export type PlanGroup = {
  identity_id: string | null;
  name: string | null;
  /** e.g. `leaver: terminated 2026-11-27`. */
  why: string;
  applications: PlanApplication[];
};

export type PlanInput = {
  ops: readonly Operation[];
  explanations: ReadonlyMap<string, ChangeExplanation>;
  before: ReadonlyMap<string, BeforeValues>;
};

const quote = (v: string | null | undefined): string => (v ? JSON.stringify(v) : '(none)');

const NONE = Object.freeze([]) as unknown as string[];

function details(op: Operation, before: BeforeValues | undefined): string[] {
  const action = actionOf(op);
  if (action === 'account.move')
    return [`container: ${quote(before?.container)} → ${quote(op.container)}`];
  const wanted = op.attributes;
  if (action !== 'account.update' || wanted === undefined) return NONE;
  // The engine compared them as the plan does (names without case, DNs as DNs); else show all.
  const keys = before?.changed ?? Object.keys(wanted);
  return keys.map(
    (k) =>
      `${k}: ${before === undefined ? '?' : quote(before.attributes[k])} → ${quote(wanted[k])}`,
  );
}

function describe(op: Operation): string {
  if (op.kind === 'manual.task') return `task: ${op.task?.summary ?? op.task?.action ?? ''}`;
  const account = `account ${op.account_id}`;
  switch (op.kind) {
    case 'account.create':
      return `create ${op.enabled === false ? 'disabled ' : ''}${account}${op.container ? ` in ${op.container}` : ''}`;
    case 'entitlement.grant':
      return `grant ${op.entitlement} to ${op.account_id}`;
    case 'entitlement.revoke':
      return `revoke ${op.entitlement} from ${op.account_id}`;
    default:
      return `${op.kind.slice('account.'.length)} ${account}`;
  }
}

const whyOf = (op: Operation, e: ChangeExplanation | undefined): string =>
  e?.headline ??
  (op.identity_id === null ? 'orphan: account linked to no identity' : op.lifecycle.join(', '));

/** Groups operations by identity, then application, in the plan's order (first appearance). */
export function groupPlan(plan: PlanInput): PlanGroup[] {
  const groups = new Map<string | null, PlanGroup>();
  for (const op of plan.ops) {
    const id = op.identity_id;
    let g = groups.get(id);
    if (g === undefined) {
      const e = id === null ? undefined : plan.explanations.get(id);
      g = { identity_id: id, name: e?.name ?? null, why: whyOf(op, e), applications: [] };
      groups.set(id, g);
    }
    let app = g.applications.at(-1);
    if (app?.app_id !== op.app_id) {
      app = g.applications.find((a) => a.app_id === op.app_id);
      if (app === undefined) g.applications.push((app = { app_id: op.app_id, changes: [] }));
    }
    app.changes.push({
      sign: SIGN[actionOf(op)],
      key: op.key,
      kind: op.kind,
      text: describe(op),
      reasons: op.reasons,
      details: details(op, plan.before.get(op.key)),
    });
  }
  return [...groups.values()];
}

export type PlanSummary = {
  to_add: number;
  to_change: number;
  to_remove: number;
  manual_tasks: number;
  total: number;
};

/** Direct operations by sign; manual tasks counted apart (a person carries them out). */
export function summarisePlan(ops: readonly Operation[]): PlanSummary {
  const s: PlanSummary = { to_add: 0, to_change: 0, to_remove: 0, manual_tasks: 0, total: 0 };
  for (const op of ops) {
    s.total++;
    if (op.kind === 'manual.task') s.manual_tasks++;
    else if (SIGN[op.kind] === '+') s.to_add++;
    else if (SIGN[op.kind] === '~') s.to_change++;
    else s.to_remove++;
  }
  return s;
}

/** The grouped plan and its counts: `groups` of the first `limit` operations (all by default). */
export function planView(plan: PlanInput, limit?: number) {
  const ops = limit === undefined ? plan.ops : plan.ops.slice(0, limit);
  return { summary: summarisePlan(plan.ops), by_identity: groupPlan({ ...plan, ops }) };
}
