/**
 * Runs whose process died mid-apply. Called by whoever just took the run lock: no live process
 * can be applying then, so a run still `planned` or `applying` (and not waiting for on-prem
 * agents) is dead. It is closed `interrupted`: what it did stays recorded, its never-attempted
 * operations become `cancelled` (actual state untouched), and the next plan does what is left.
 * An admin's approval of such a run is carried to that plan, so its leavers are not held again.
 */
import type { RunLockHolder } from '../../store/run-lock-repo.js';
import type { RunRow } from '../../store/types.js';
import { runInterruptedAudit } from '../audit/events.js';
import type { Workspace } from '../workspace.js';

/** How far back (runs, newest first) dead runs and carried approvals are looked for. */
const LOOK_BACK = 50;

const isDead = (r: RunRow) =>
  r.status === 'planned' || (r.status === 'applying' && r.summary.waiting_for_agent === undefined);

export async function closeInterruptedRuns(
  ws: Workspace,
  o: { trigger: string; previous?: { holder: RunLockHolder; reason: string } },
): Promise<string[]> {
  const dead = (await ws.store.runs.list(LOOK_BACK)).filter(isDead);
  if (dead.length === 0) return [];
  // Operations an agent still holds (handed off before the process died) keep their outcome to come.
  const keep = await ws.store.agentJobs.waitingKeys();
  const reason = o.previous
    ? `the process running it stopped: ${o.previous.reason}`
    : 'no process held the run lock';
  const ts = ws.clock().toISOString();
  for (const run of dead) {
    const message = `not attempted: run interrupted (${reason}); the next plan does it if still wanted`;
    await ws.store.transaction(async (tx) => {
      const cancelled = await tx.runs.cancelQueued(run.id, message, ts, keep);
      const counts: Record<string, number> = {};
      for (const op of await tx.runs.operations(run.id))
        counts[op.status] = (counts[op.status] ?? 0) + 1;
      await tx.runs.update(run.id, {
        status: 'interrupted',
        finished_at: ts,
        summary: { ...run.summary, ...counts, interrupted: reason },
      });
      const holder = o.previous?.holder.run_id === run.id ? o.previous.holder : null;
      await tx.audit.append([
        runInterruptedAudit(run.id, o.trigger, { reason, holder, cancelled, counts }, ts),
      ]);
    });
    ws.log.warn({ run: run.id, reason }, 'closed an interrupted run');
  }
  return dead.map((r) => r.id);
}

export type CarriedApproval = {
  /** Keys of operations an admin approved in runs that were interrupted before doing them. */
  keys: Set<string>;
  approved_by: string;
  /** The approved runs they come from. */
  runs: string[];
};

/**
 * Approvals still owed: the newest runs that were approved (or carried an approval) and then
 * interrupted, up to the first run that completed or was held again — after that the approval
 * belongs to an older picture of the organisation and the gate judges afresh.
 */
export async function carriedApprovals(ws: Workspace): Promise<CarriedApproval | undefined> {
  const from: string[] = [];
  let approvedBy: string | undefined;
  for (const run of await ws.store.runs.list(LOOK_BACK)) {
    if (run.status === 'done' || run.status === 'held') break;
    if (run.status !== 'interrupted' || !run.approved_by) continue;
    approvedBy ??= run.approved_by;
    const carried = run.summary.approval_from;
    if (Array.isArray(carried)) for (const id of carried) from.push(String(id));
    else from.push(run.id);
  }
  if (from.length === 0 || approvedBy === undefined) return undefined;
  const keys = new Set<string>();
  const runs = [...new Set(from)];
  for (const id of runs) for (const o of await ws.store.runs.operations(id)) keys.add(o.op.key);
  return { keys, approved_by: approvedBy, runs };
}
