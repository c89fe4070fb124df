/**
 * Runs that wait for on-prem agents: after the control plane's own part, the run stays `applying`
 * with `summary.waiting_for_agent` = operations still queued; it completes (status `done`,
 * `run.completed` audited) in the transaction that records the last agent result. Both sides lock
 * the run row first, so the last writer — whichever it is — sees everything and finishes it.
 */
import type { Store } from '../../store/types.js';
import { checkpoint } from '../audit/checkpoint.js';
import type { ExecutionSummary } from '../runs/execute.js';
import type { Workspace } from '../workspace.js';

/**
 * Completes the run if it was handed to agents and nothing is queued any more; otherwise updates
 * how many operations it still waits for. Call inside a transaction that took `lockRun`.
 */
export async function finishRunIfDone(tx: Store, runId: string, ts: string): Promise<boolean> {
  const run = await tx.runs.get(runId);
  if (run?.status !== 'applying' || run.summary.waiting_for_agent === undefined) return false;
  const counts = await tx.agentJobs.operationCounts(runId);
  const queued = counts.queued ?? 0;
  const tally = {
    success: counts.success ?? 0,
    failure: counts.failure ?? 0,
    pending_manual: counts.pending_manual ?? 0,
    skipped: counts.skipped ?? 0,
  };
  if (queued > 0) {
    if (queued !== run.summary.waiting_for_agent)
      await tx.runs.update(runId, {
        summary: { ...run.summary, ...tally, waiting_for_agent: queued },
      });
    return false;
  }
  await tx.runs.update(runId, {
    status: 'done',
    finished_at: ts,
    summary: { ...run.summary, ...tally, waiting_for_agent: 0 },
  });
  await tx.audit.append([
    {
      action: 'run.completed',
      actor: run.actor,
      trigger: `run:${runId}`,
      target: `run:${runId}`,
      outcome: tally.failure > 0 ? 'failure' : 'success',
      details: {
        success: tally.success,
        failure: tally.failure,
        pending_manual: tally.pending_manual,
        via_agent: true,
      },
      ts,
    },
  ]);
  return true;
}

/**
 * The control plane's part of a run is done and some operations went to agents: record that the
 * run waits for them (audited), or complete it if their results already all came back.
 */
export async function handOffToAgents(
  ws: Workspace,
  runId: string,
  operations: number,
  execution: ExecutionSummary,
): Promise<void> {
  const { failures: _f, ...counts } = execution;
  const ts = ws.clock().toISOString();
  const finished = await ws.store.transaction(async (tx) => {
    await tx.agentJobs.lockRun(runId);
    const queued = (await tx.agentJobs.operationCounts(runId)).queued ?? 0;
    await tx.runs.update(runId, {
      status: 'applying',
      summary: { operations, ...counts, waiting_for_agent: queued },
    });
    if (queued > 0) {
      await tx.audit.append([
        {
          action: 'run.waiting_for_agent',
          actor: 'system',
          trigger: `run:${runId}`,
          target: `run:${runId}`,
          outcome: 'pending_manual',
          details: { operations: queued },
          ts,
        },
      ]);
    }
    return finishRunIfDone(tx, runId, ts);
  });
  await checkpoint(ws);
  if (finished) ws.log.info({ run: runId }, 'run completed: agents had already reported');
}
