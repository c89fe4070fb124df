/** How a plan and a run result read in a terminal and in --json. */
import type { Operation } from '../domain/types.js';
import type { PreparedRun } from '../engine/prepare-run.js';
import type { ApplyOutcome } from '../engine/runs.js';
import type { Out } from './output.js';
import { table } from './output.js';

export const planJson = (plan: PreparedRun) => ({
  generated_at: plan.now.toISOString(),
  identities: plan.identities,
  time_changes: plan.timeEvents.map((t) => ({ identity: t.identity.id, events: t.events })),
  operations: plan.ops,
  awaiting_manual: plan.awaiting.map((a) => ({
    task_id: a.task_id,
    key: a.op.key,
    summary: a.op.task?.summary,
  })),
  cancelled_tasks: plan.obsolete.map((t) => ({ task_id: t.id, summary: t.summary })),
  safety_gate: plan.gate,
  counts: countOps(plan.ops),
});

export function countOps(ops: Operation[]) {
  const byKind: Record<string, number> = {};
  const byApp: Record<string, Record<string, number>> = {};
  const byLifecycle: Record<string, number> = {};
  const identitiesByLifecycle: Record<string, Set<string>> = {};
  for (const op of ops) {
    const kind = op.kind === 'manual.task' ? `manual:${op.task?.action}` : op.kind;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    const app = (byApp[op.app_id] ??= {});
    app[kind] = (app[kind] ?? 0) + 1;
    for (const l of op.lifecycle) {
      byLifecycle[l] = (byLifecycle[l] ?? 0) + 1;
      if (op.identity_id) (identitiesByLifecycle[l] ??= new Set()).add(op.identity_id);
    }
  }
  return {
    total: ops.length,
    by_kind: byKind,
    by_application: byApp,
    operations_by_lifecycle: byLifecycle,
    identities_by_lifecycle: Object.fromEntries(
      Object.entries(identitiesByLifecycle).map(([k, v]) => [k, v.size]),
    ),
  };
}

const describe = (op: Operation): string => {
  if (op.kind === 'manual.task') return `task: ${op.task?.summary ?? op.task?.action}`;
  const target =
    op.entitlement !== undefined ? `${op.account_id} ${op.entitlement}` : op.account_id;
  return `${op.kind} ${target}${op.container ? ` -> ${op.container}` : ''}`;
};

export function printPlan(out: Out, plan: PreparedRun, limit = 200): void {
  const c = countOps(plan.ops);
  for (const t of plan.timeEvents)
    out.line(`time: ${t.identity.id} ${t.events.map((e) => e.kind).join(', ')}`);
  if (plan.ops.length === 0) {
    out.line('No changes: every application matches the desired state.');
  } else {
    const shown = plan.ops.slice(0, limit);
    out.line(
      table([
        ['IDENTITY', 'APP', 'OPERATION', 'WHY'],
        ...shown.map((op) => [
          op.identity_id ?? '-',
          op.app_id,
          describe(op),
          [...op.lifecycle, ...op.reasons].join(' '),
        ]),
      ]),
    );
    if (plan.ops.length > shown.length)
      out.line(`... and ${plan.ops.length - shown.length} more (use --json for all)`);
    out.line();
    out.line(
      `${c.total} operations: ${Object.entries(c.by_kind)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')}`,
    );
  }
  if (plan.awaiting.length > 0)
    out.line(`${plan.awaiting.length} operations already wait as open manual tasks.`);
  if (plan.obsolete.length > 0) {
    out.line(
      `${plan.obsolete.length} open manual tasks are no longer wanted and will be cancelled.`,
    );
  }
  if (plan.gate.held)
    out.line(`SAFETY GATE: this plan would be held. ${plan.gate.reasons.join(' ')}`);
}

export function printOutcome(out: Out, result: ApplyOutcome): void {
  switch (result.status) {
    case 'nothing_to_do':
      out.line('Nothing to do: every application matches the desired state.');
      return;
    case 'dry_run':
      printPlan(out, result.plan);
      out.line('Dry run: nothing was executed.');
      return;
    case 'held':
      out.line(`Run ${result.run_id} HELD by the safety gate: ${result.held_reason}`);
      out.line(
        `Review it with "tenure plan", then release it with "tenure apply --approve ${result.run_id}".`,
      );
      return;
    case 'waiting_for_agent':
    case 'done': {
      const e = result.execution!;
      out.line(
        `Run ${result.run_id}: ${e.success} succeeded, ${e.failure} failed, ${e.pending_manual} pending manual action.`,
      );
      for (const f of e.failures.slice(0, 20))
        out.line(`  failed: ${f.app_id} ${f.kind} ${f.account_id}: ${f.message}`);
      if (e.waiting_for_agent) {
        out.line(
          `  ${e.waiting_for_agent} operations queued for on-prem agents; the run completes with their results.`,
        );
      }
    }
  }
}

export const outcomeJson = (r: ApplyOutcome) => ({
  run_id: r.run_id,
  status: r.status,
  held_reason: r.held_reason,
  plan: planJson(r.plan),
  execution: r.execution,
});
