/** What each queued job does, through the engine's own verbs (fullRun, applyRun, reconcile): no logic of its own. */
import { TenureError } from '../../domain/errors.js';
import type { JobRow } from '../../store/jobs-types.js';
import { reconcile } from '../reconcile/reconcile.js';
import type { PreparedRun } from '../runs/prepare-run.js';
import { type ApplyOutcome, applyRun, fullRun } from '../runs/runs.js';
import type { Workspace } from '../workspace.js';
import { type JobKind, runIdentityPayload } from './job-kinds.js';

export type JobOutcome = {
  /** Short word for status(): done, partial, held, nothing_to_do, failed … */
  outcome: string;
  result: Record<string, unknown>;
};

export type JobHooks = {
  /** The plan of a run job is computed (before execution): latency instrumentation. */
  onPlanned?: (job: JobRow, plan: PreparedRun) => void;
};

export type JobHandler = (ws: Workspace, job: JobRow, hooks: JobHooks) => Promise<JobOutcome>;

/** Scheduled and webhook work is done by the system, on behalf of the schedule or the HR event. */
export const WORKER_ACTOR = 'system';

/**
 * A job meeting another run in progress (another replica's, a CLI run) waits this long for it
 * before failing `run.in_progress`, which the worker then retries with backoff.
 */
export const LOCK_WAIT_MS = 30_000;

export function applyOutcome(r: ApplyOutcome): JobOutcome {
  const e = r.execution;
  const outcome =
    r.status === 'done' && e && e.failure > 0 ? 'partial' : r.status === 'done' ? 'done' : r.status;
  return {
    outcome,
    result: {
      run_id: r.run_id,
      status: r.status,
      operations: r.plan.ops.length,
      ...(e && { success: e.success, failure: e.failure, pending_manual: e.pending_manual }),
      ...(r.held_reason !== undefined && { held_reason: r.held_reason }),
    },
  };
}

export const JOB_HANDLERS: Record<JobKind, JobHandler> = {
  async import_and_run(ws, job, hooks) {
    const r = await fullRun(ws, {
      actor: WORKER_ACTOR,
      lockWaitMs: LOCK_WAIT_MS,
      trigger: 'schedule:import_and_run',
      onPlanned: (plan) => hooks.onPlanned?.(job, plan),
    });
    const { outcome, result } = applyOutcome(r.apply);
    const imports = r.imports.map((i) => ({
      source: i.source,
      snapshot_id: i.snapshot_id,
      accepted: i.accepted,
      rejected: i.rejected.length,
      events: i.events,
    }));
    return { outcome, result: { ...result, imports } };
  },

  async lifecycle_tick(ws, job, hooks) {
    return applyOutcome(
      await applyRun(ws, {
        actor: WORKER_ACTOR,
        lockWaitMs: LOCK_WAIT_MS,
        trigger: 'schedule:lifecycle_tick',
        onPlanned: (plan) => hooks.onPlanned?.(job, plan),
      }),
    );
  },

  async reconcile(ws) {
    const r = await reconcile(ws, { actor: WORKER_ACTOR });
    const failed = r.apps.filter((a) => a.status === 'failed');
    return {
      outcome: failed.length > 0 ? 'partial' : 'done',
      result: {
        at: r.at,
        apps: r.apps.map((a) => ({
          app: a.app_id,
          status: a.status,
          reconciliation_id: a.reconciliation_id,
          ...(a.error && { error: a.error.code }),
        })),
      },
    };
  },

  async run_identity(ws, job, hooks) {
    const parsed = runIdentityPayload.safeParse(job.payload);
    if (!parsed.success)
      throw new TenureError('job.invalid_payload', `job ${job.id}: ${parsed.error.message}`);
    const p = parsed.data;
    return applyOutcome(
      await applyRun(ws, {
        identityIds: [p.identity_id],
        actor: WORKER_ACTOR,
        lockWaitMs: LOCK_WAIT_MS,
        trigger: `hr:${p.source_id}:webhook`,
        onPlanned: (plan) => hooks.onPlanned?.(job, plan),
      }),
    );
  },
};
