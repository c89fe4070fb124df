/**
 * Closing a manual task: the person did the work; record who, when and the evidence, then the effect.
 * Callers write the signed checkpoint once after closing (one per batch, not per task).
 */
import { TenureError } from '../../domain/errors.js';
import type { TaskRow } from '../../store/types.js';
import { operationTarget } from '../audit/events.js';
import type { Workspace } from '../workspace.js';

export async function closeTask(
  ws: Workspace,
  id: number,
  by: string,
  evidence: string,
): Promise<TaskRow> {
  const text = evidence.trim();
  if (!text)
    throw new TenureError(
      'task.evidence_required',
      `task #${id}: --evidence must say what was done (ticket, screenshot path, note)`,
    );
  const task = await ws.store.tasks.get(id);
  if (!task) throw new TenureError('task.not_found', `no task #${id}`);
  if (task.status !== 'open') {
    throw new TenureError(
      'task.already_closed',
      `task #${id} was ${task.status} by ${task.closed_by} at ${task.closed_at}`,
    );
  }
  const ts = ws.clock().toISOString();
  const closed = await ws.store.transaction(async (tx) => {
    const row = await tx.tasks.close(id, by, text, ts);
    await tx.accounts.applyOperation(task.op, { key: task.op.key, outcome: 'success' }, ts);
    await tx.runs.setOperationStatus(
      task.run_id,
      task.op.key,
      'success',
      `closed by ${by}: ${text}`,
      ts,
    );
    await tx.audit.append([
      {
        action: 'manual.task.closed',
        actor: by,
        trigger: `task:${id}`,
        target: operationTarget(task.op),
        outcome: 'success',
        details: {
          task: id,
          run: task.run_id,
          action: task.op.task?.action,
          summary: task.summary,
          evidence: text,
          identity: task.identity_id,
        },
        ts,
      },
    ]);
    return row;
  });
  return closed;
}
