/** A plan as people read it: grouped by identity then application, `+`/`-`/`~` per change, summary counts. Pure. */
import type { ChangeExplanation } from '../domain/change-reason.js';
import type { DirectOperationKind, Operation } from '../domain/types.js';
import type { BeforeValues } from '../engine/runs/explain-plan.js';

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

const actionOf = (op: Operation): DirectOperationKind =>
  op.kind === 'manual.task' ? (op.task?.action ?? 'account.update') : op.kind;

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

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `Plan: 12 to add, 3 to change, 40 to remove, 5 manual tasks (60 operations).` */
export const summaryLine = (s: PlanSummary): string =>
  `Plan: ${s.to_add} to add, ${s.to_change} to change, ${s.to_remove} to remove, ${plural(s.manual_tasks, 'manual task')} (${plural(s.total, 'operation')}).`;

export type Paint = (style: 'add' | 'remove' | 'change' | 'head', text: string) => string;
const ANSI = { add: '32', remove: '31', change: '33', head: '1' } as const;
export const ansi: Paint = (style, text) => `\u001b[${ANSI[style]}m${text}\u001b[0m`;
export const plain: Paint = (_style, text) => text;
const STYLE = { '+': 'add', '-': 'remove', '~': 'change' } as const;

/** Control characters in names and values could forge lines or colours: shown as `?`. */
const printable = (s: string): string => s.replace(/[\u0000-\u001f\u007f]/g, '?');

/**
 * The grouped plan as terminal lines; at most `limit` changes (undefined: all), then
 * `… and N more (use --all)`. `total` is the plan's size when `groups` hold only its first changes
 * (a plan of millions is not grouped whole to print 200 lines).
 */
export function renderPlan(
  groups: readonly PlanGroup[],
  limit?: number,
  paint = plain,
  total = groups.reduce((n, g) => n + g.applications.reduce((m, a) => m + a.changes.length, 0), 0),
): string[] {
  const lines: string[] = [];
  let shown = 0;
  outer: for (const g of groups) {
    if (limit !== undefined && shown >= limit) break;
    const who =
      g.identity_id === null ? '(no identity)' : `${g.identity_id}${g.name ? ` ${g.name}` : ''}`;
    lines.push(paint('head', printable(`${who} — ${g.why}`)));
    for (const a of g.applications) {
      if (limit !== undefined && shown >= limit) break outer;
      lines.push(`  ${printable(a.app_id)}`);
      for (const c of a.changes) {
        if (limit !== undefined && shown >= limit) break outer;
        shown++;
        const why =
          c.kind === 'manual.task' || c.reasons.length === 0 ? '' : `  (${c.reasons.join(', ')})`;
        lines.push(paint(STYLE[c.sign], printable(`    ${c.sign} ${c.text}${why}`)));
        for (const d of c.details) lines.push(paint(STYLE[c.sign], printable(`        ${d}`)));
      }
    }
  }
  if (shown < total) lines.push(`… and ${total - shown} more (use --all)`);
  return lines;
}

export type RunFailure = { app_id: string; kind: string; account_id: string; message: string };

/** Every failure of a run, or the first `limit` and `… and N more (use --all)`. */
export function renderFailures(failures: readonly RunFailure[], limit?: number): string[] {
  const shown = limit === undefined ? failures : failures.slice(0, limit);
  const lines = shown.map((f) =>
    printable(`  failed: ${f.app_id} ${f.kind} ${f.account_id}: ${f.message}`),
  );
  if (shown.length < failures.length)
    lines.push(`  … and ${failures.length - shown.length} more failures (use --all or --json)`);
  return lines;
}
