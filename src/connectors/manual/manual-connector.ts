/**
 * manual: applications nobody can connect to. Every operation becomes a task for a person;
 * its outcome stays `pending_manual` until an operator closes the task with evidence.
 */
import { z } from 'zod';
import { taskRoutingText } from '../../domain/manual-task.js';
import { actionOf } from '../../domain/phases.js';
import type { ConnectorFactory } from '../contract.js';

const settings = z.strictObject({
  /** Who does the work (team or person), shown on the task. */
  assignee: z.string().optional(),
  /** Standing instructions appended to every task, e.g. where the admin console is. */
  instructions: z.string().optional(),
});
export type ManualSettings = z.infer<typeof settings>;

export const manualConnector: ConnectorFactory<ManualSettings> = {
  kind: 'manual',
  configGuard: settings,
  async create(ctx) {
    return {
      async check() {
        return {
          ok: true,
          checks: [{ name: 'manual', ok: true, detail: 'operations become tasks for a person' }],
        };
      },
      // Nothing to read: the actual state of a manual application is what closed tasks recorded.
      async *read() {},
      async *apply(ops) {
        for (const op of ops) {
          const summary = op.task?.summary ?? `${op.kind} ${op.account_id}`;
          // The plan's routing (settings, else the app's owner); operations planned without it
          // fall back to the settings this connector was created with.
          const suffix = taskRoutingText({
            action: actionOf(op),
            summary,
            assignee: op.task?.assignee ?? ctx.config.assignee,
            instructions: op.task?.instructions ?? ctx.config.instructions,
          });
          yield {
            key: op.key,
            outcome: 'pending_manual',
            message: suffix ? `${summary} (${suffix})` : summary,
          };
        }
      },
      async close() {},
    };
  },
};
