/** A plan in a terminal: the grouped plan (engine/runs/plan-groups.ts) as lines, `+`/`-`/`~`, summary. Pure. */
import type { PlanGroup, PlanSummary } from '../engine/runs/plan-groups.js';

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
