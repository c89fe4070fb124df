/**
 * Closing several manual tasks with one piece of evidence (a list of ids, or every open task of
 * one identity): each is closed and audited exactly as a single close is, and an id that cannot
 * be closed is reported beside the others instead of stopping them.
 */
import { type ErrorCode, isTenureError, TenureError } from '../../domain/errors.js';
import type { TaskRow } from '../../store/types.js';
import type { Workspace } from '../workspace.js';
import { closeTask } from './tasks.js';

/** One id that was not closed, with the stable code of why (`task.not_found`, `task.already_closed`). */
export type CloseFailure = {
  id: number;
  code: 'task.not_found' | 'task.already_closed';
  message: string;
};
export type CloseOutcome = { closed: TaskRow[]; failed: CloseFailure[] };

/** Codes that concern one task only: the batch carries on past them. */
const PER_TASK = new Set<ErrorCode>(['task.not_found', 'task.already_closed']);

export async function closeTasks(
  ws: Workspace,
  ids: readonly number[],
  by: string,
  evidence: string,
): Promise<CloseOutcome> {
  // Checked once up front: no evidence fails the whole batch, never half of it.
  if (!evidence.trim())
    throw new TenureError(
      'task.evidence_required',
      '--evidence must say what was done (ticket, screenshot path, note)',
    );
  const outcome: CloseOutcome = { closed: [], failed: [] };
  for (const id of new Set(ids)) {
    try {
      outcome.closed.push(await closeTask(ws, id, by, evidence));
    } catch (e) {
      if (!isTenureError(e) || !PER_TASK.has(e.code)) throw e;
      // A concurrent close surfaces from the store, under the same code as the engine's.
      const code = e.code === 'task.not_found' ? 'task.not_found' : 'task.already_closed';
      outcome.failed.push({ id, code, message: e.message });
    }
  }
  return outcome;
}

/**
 * Ids of the open tasks of one identity (matched as identity keys are, ignoring case), oldest
 * first; `task.not_found` naming the identity when it has none, so a typo is not a silent no-op.
 */
export async function openTaskIdsFor(ws: Workspace, identityId: string): Promise<number[]> {
  const known = await ws.store.identities.getIgnoringCase(identityId);
  const holder = known?.id ?? identityId;
  const ids = (await ws.store.tasks.list('open'))
    .filter((t) => t.identity_id === holder)
    .map((t) => t.id);
  if (ids.length === 0)
    throw new TenureError(
      'task.not_found',
      known
        ? `identity ${holder} has no open tasks`
        : `no identity "${identityId}" and no open task for it`,
    );
  return ids;
}
