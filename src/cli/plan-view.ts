/** How a plan and a run result read in a terminal and in --json. */
import type { Operation } from '../domain/types.js';
import { groupPlan, planView, summarisePlan } from '../engine/runs/plan-groups.js';
import type { PreparedRun } from '../engine/runs/prepare-run.js';
import type { ApplyOutcome } from '../engine/runs/runs.js';
import type { Out } from './output.js';
import { ansi, plain, renderFailures, renderPlan, summaryLine } from './plan-format.js';

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
  /** Summary counts, and the same changes as `operations` grouped as the terminal shows them. */
  ...planView(plan),
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

/** Changes printed before `… and N more (use --all)`; --json and --all show every one. */
export const PLAN_ROWS = 200;
/** Failures printed before `… and N more`. */
export const FAILURE_ROWS = 20;

export type ViewOptions = { all?: boolean };

export function printPlan(out: Out, plan: PreparedRun, o: ViewOptions = {}): void {
  for (const t of plan.timeEvents)
    out.line(`time: ${t.identity.id} ${t.events.map((e) => e.kind).join(', ')}`);
  if (plan.ops.length === 0) {
    out.line('No changes: every application matches the desired state.');
  } else {
    const ops = o.all ? plan.ops : plan.ops.slice(0, PLAN_ROWS);
    const lines = renderPlan(
      groupPlan({ ...plan, ops }),
      undefined,
      out.colour ? ansi : plain,
      plan.ops.length,
    );
    for (const l of lines) out.line(l);
    out.line();
    out.line(summaryLine(summarisePlan(plan.ops)));
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

export function printOutcome(out: Out, result: ApplyOutcome, o: ViewOptions = {}): void {
  switch (result.status) {
    case 'nothing_to_do':
      out.line('Nothing to do: every application matches the desired state.');
      return;
    case 'dry_run':
      printPlan(out, result.plan, o);
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
      for (const l of renderFailures(e.failures, o.all ? undefined : FAILURE_ROWS)) out.line(l);
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
