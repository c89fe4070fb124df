/** Plan, apply, approve and run: the verbs of a sync run, each audited. */
import { randomUUID } from 'node:crypto';
import { TenureError } from '../../domain/errors.js';
import type { Operation } from '../../domain/types.js';
import type { AuditInput, RunRow } from '../../store/types.js';
import { handOffToAgents } from '../agents/runs.js';
import { checkpoint } from '../audit/checkpoint.js';
import { lifecycleAudit, operationTarget } from '../audit/events.js';
import { type ImportOptions, importSource } from '../sync/import-source.js';
import type { ImportSummary } from '../sync/save-import.js';
import type { Workspace } from '../workspace.js';
import { type ExecutionSummary, executeOperations } from './execute.js';
import { carriedApprovals } from './interrupted-runs.js';
import { type PreparedRun, prepareRun, type RunScope } from './prepare-run.js';
import { type RunLock, withRunLock } from './run-lock.js';

export type ApplyOutcome = {
  run_id: string | null;
  /** waiting_for_agent: some operations went to on-prem agents; the run completes with their results. */
  status: 'nothing_to_do' | 'dry_run' | 'held' | 'done' | 'waiting_for_agent';
  plan: PreparedRun;
  execution?: ExecutionSummary;
  held_reason?: string;
};

export type ApplyOptions = RunScope & {
  dryRun?: boolean;
  actor: string;
  trigger: string;
  onProgress?: (done: number, total: number) => void;
  /** Called once the plan is computed, before anything is executed (latency instrumentation). */
  onPlanned?: (plan: PreparedRun) => void;
  /** Wait this long for another run to finish before failing `run.in_progress` (default: fail at once). */
  lockWaitMs?: number;
  /**
   * Checks the plan computed under the lock before anything is written, throwing to refuse it
   * (a saved plan whose state moved on).
   */
  verify?: (plan: PreparedRun) => Promise<void>;
  /** The saved plan this run applies: named in its run.started/run.held audit event. */
  savedPlan?: { fingerprint: string; generated_at: string };
};

const lockRequest = (opts: ApplyOptions) => ({
  command: opts.trigger,
  actor: opts.actor,
  ...(opts.lockWaitMs !== undefined && { waitMs: opts.lockWaitMs }),
});

export const newRunId = (now: Date) =>
  `run_${now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}_${randomUUID().slice(0, 8)}`;

/**
 * Plans and applies, holding the workspace's run lock (a dry run only reads, and takes none):
 * `run.in_progress` if another process is running.
 */
export async function applyRun(ws: Workspace, opts: ApplyOptions): Promise<ApplyOutcome> {
  if (opts.dryRun) {
    const plan = await previewRun(ws, opts);
    opts.onPlanned?.(plan);
    return { run_id: null, status: 'dry_run', plan };
  }
  return withRunLock(ws, lockRequest(opts), (lock) => applyLocked(ws, opts, lock));
}

/**
 * The plan `apply` would execute now, changing nothing (`tenure plan`, dry runs): with the
 * approval an interrupted run still carries, as apply would count it.
 */
export async function previewRun(ws: Workspace, scope: RunScope = {}): Promise<PreparedRun> {
  const carried = await carriedApprovals(ws);
  return prepareRun(ws, { ...scope, ...(carried && { preApproved: carried.keys }) });
}

async function applyLocked(
  ws: Workspace,
  opts: ApplyOptions,
  lock: RunLock,
): Promise<ApplyOutcome> {
  // An approval given to a run that was interrupted still stands for what it did not get to.
  const carried = await carriedApprovals(ws);
  const plan = await prepareRun(ws, { ...opts, ...(carried && { preApproved: carried.keys }) });
  await opts.verify?.(plan);
  opts.onPlanned?.(plan);
  if (plan.ops.length === 0 && plan.timeChanges.length === 0 && plan.obsolete.length === 0) {
    return { run_id: null, status: 'nothing_to_do', plan };
  }

  if (plan.gate.held) {
    const waiting = await sameHeldRun(ws, plan.ops);
    if (waiting)
      return { run_id: waiting.id, status: 'held', plan, held_reason: waiting.held_reason ?? '' };
  }

  const ts = plan.now.toISOString();
  const runId = newRunId(plan.now);
  const held = plan.gate.held;
  const approval =
    carried && !held && plan.gate.byApp.some((a) => a.preapproved)
      ? { approved_by: carried.approved_by, approval_from: carried.runs }
      : undefined;
  const run: RunRow = {
    id: runId,
    created_at: ts,
    finished_at: null,
    status: 'planned',
    trigger: opts.trigger,
    actor: opts.actor,
    dry_run: false,
    held_reason: null,
    approved_by: approval?.approved_by ?? null,
    summary: {
      operations: plan.ops.length,
      gate: plan.gate.byApp,
      ...(approval && { approval_from: approval.approval_from }),
    },
  };
  await ws.store.transaction(async (tx) => {
    await tx.runs.create(
      {
        ...run,
        status: held ? 'held' : 'planned',
        held_reason: held ? plan.gate.reasons.join(' ') : null,
      },
      plan.ops,
    );
    await tx.identities.save(plan.timeChanges, ts);
    const audit: AuditInput[] = plan.timeEvents.flatMap(({ identity, events }) =>
      events.map((e) => lifecycleAudit(identity, e, identity.source_id, `run:${runId}`, ts)),
    );
    // A held run changes nothing until approved; the next run cancels what is still unwanted.
    for (const task of held ? [] : plan.obsolete) {
      const reason = 'no longer wanted: the desired state changed before the task was done';
      await tx.tasks.cancel(task.id, 'system', reason, ts);
      audit.push({
        action: 'manual.task.cancelled',
        actor: 'system',
        trigger: `run:${runId}`,
        target: operationTarget(task.op),
        outcome: 'success',
        details: { task: task.id, summary: task.summary, reason, identity: task.identity_id },
        ts,
      });
    }
    audit.push({
      action: held ? 'run.held' : 'run.started',
      actor: opts.actor,
      trigger: opts.trigger,
      target: `run:${runId}`,
      outcome: held ? 'pending_manual' : 'success',
      details: {
        operations: plan.ops.length,
        ...(held ? { reasons: plan.gate.reasons } : {}),
        ...(approval ?? {}),
        ...(opts.savedPlan && { saved_plan: opts.savedPlan }),
      },
      ts,
    });
    await tx.audit.append(audit);
  });
  await lock.setRun(runId);
  if (held) {
    await checkpoint(ws);
    return { run_id: runId, status: 'held', plan, held_reason: plan.gate.reasons.join(' ') };
  }
  const execution = await execute(ws, runId, plan.ops, plan.sourceOf, opts.actor, opts.onProgress);
  const status = execution.waiting_for_agent ? 'waiting_for_agent' : 'done';
  return { run_id: runId, status, plan, execution };
}

/** Releases a held run: its stored operations are executed as planned (they carry desired values). */
export async function approveRun(
  ws: Workspace,
  runId: string,
  actor: string,
  onProgress?: (done: number, total: number) => void,
): Promise<{ run_id: string; execution: ExecutionSummary }> {
  return withRunLock(ws, { command: 'approve', actor }, (lock) =>
    approveLocked(ws, runId, actor, lock, onProgress),
  );
}

async function approveLocked(
  ws: Workspace,
  runId: string,
  actor: string,
  lock: RunLock,
  onProgress?: (done: number, total: number) => void,
): Promise<{ run_id: string; execution: ExecutionSummary }> {
  const run = await ws.store.runs.get(runId);
  if (!run) throw new TenureError('run.not_found', `no run "${runId}"`);
  if (run.status !== 'held')
    throw new TenureError(
      'run.not_held',
      `run ${runId} is ${run.status}, not held: nothing to approve`,
    );
  await lock.setRun(runId);
  const ts = ws.clock().toISOString();
  await ws.store.runs.update(runId, { approved_by: actor });
  await ws.store.audit.append([
    {
      action: 'run.approved',
      actor,
      trigger: `run:${runId}`,
      target: `run:${runId}`,
      outcome: 'success',
      details: { held_reason: run.held_reason },
      ts,
    },
  ]);
  const ops = (await ws.store.runs.operations(runId))
    .filter((o) => o.status === 'queued')
    .map((o) => o.op);
  const identities = new Map((await ws.store.identities.all()).map((i) => [i.id, i.source_id]));
  const execution = await execute(ws, runId, ops, (id) => identities.get(id), actor, onProgress);
  return { run_id: runId, execution };
}

async function execute(
  ws: Workspace,
  runId: string,
  ops: Operation[],
  sourceOf: (id: string) => string | undefined,
  actor: string,
  onProgress?: (done: number, total: number) => void,
): Promise<ExecutionSummary> {
  await ws.store.runs.update(runId, { status: 'applying' });
  const execution = await executeOperations(ws, ops, { runId, sourceOf, onProgress });
  // Some operations went to on-prem agents: the run completes when their results are in.
  if (execution.waiting_for_agent) {
    await handOffToAgents(ws, runId, ops.length, execution);
    return execution;
  }
  const ts = ws.clock().toISOString();
  const { failures, ...counts } = execution;
  // Which interrupted runs' approval this one carried stays on record.
  const carried = (await ws.store.runs.get(runId))?.summary.approval_from;
  await ws.store.runs.update(runId, {
    status: 'done',
    finished_at: ts,
    summary: { operations: ops.length, ...counts, ...(carried ? { approval_from: carried } : {}) },
  });
  await ws.store.audit.append([
    {
      action: 'run.completed',
      actor,
      trigger: `run:${runId}`,
      target: `run:${runId}`,
      outcome: execution.failure > 0 ? 'failure' : 'success',
      details: {
        success: execution.success,
        failure: execution.failure,
        pending_manual: execution.pending_manual,
      },
      ts,
    },
  ]);
  await checkpoint(ws);
  return execution;
}

export type FullRunOutcome = { imports: ImportSummary[]; apply: ApplyOutcome };

/**
 * import + plan + apply, the scheduled job. Every configured source is imported first, under the
 * run lock too: a second `run` started meanwhile stops before reading anything.
 */
export async function fullRun(
  ws: Workspace,
  opts: ApplyOptions & { imports?: ImportOptions[] },
): Promise<FullRunOutcome> {
  const imports: ImportSummary[] = [];
  const wanted = opts.imports ?? ws.config.sources.map((s) => ({ sourceId: s.id }));
  const importAll = async () => {
    for (const i of wanted) imports.push(await importSource(ws, i));
  };
  if (opts.dryRun) {
    await importAll();
    return { imports, apply: await applyRun(ws, opts) };
  }
  return withRunLock(ws, lockRequest(opts), async (lock) => {
    await importAll();
    return { imports, apply: await applyLocked(ws, opts, lock) };
  });
}

/** A plan held again while an identical one already waits for approval is that run, not a new one. */
async function sameHeldRun(ws: Workspace, ops: Operation[]): Promise<RunRow | undefined> {
  const keys = new Set(ops.map((o) => o.key));
  for (const run of await ws.store.runs.list(50)) {
    if (run.status !== 'held') continue;
    const held = await ws.store.runs.operations(run.id);
    if (held.length === keys.size && held.every((o) => keys.has(o.op.key))) return run;
  }
  return undefined;
}
