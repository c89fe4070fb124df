/** Manual tasks: read them, and close one with evidence through the engine (then sign the trail). */
import { z } from 'zod';
import { TenureError } from '../../domain/errors.js';
import { checkpoint } from '../../engine/audit/checkpoint.js';
import { closeTasks, openTaskIdsFor } from '../../engine/tasks/close-tasks.js';
import { withHolderNames } from '../../engine/tasks/task-holders.js';
import { closeTask } from '../../engine/tasks/tasks.js';
import { OPERATE, STAFF } from '../rbac.js';
import { decodeCursor, errors, page, pageQuery, taskSchema, toPage } from '../schemas.js';
import type { RouteModule } from '../types.js';

const taskParams = z.strictObject({ id: z.coerce.number().int().positive() });
const evidence = z.string().trim().min(1).max(4000).describe('ticket, note, screenshot path');

const closeManyBody = z
  .strictObject({
    ids: z.array(z.number().int().positive()).min(1).max(1000).optional(),
    identity: z.string().min(1).max(256).optional().describe('every open task of this identity'),
    evidence,
  })
  .refine((b) => (b.ids === undefined) !== (b.identity === undefined), {
    message: 'give "ids" or "identity", not both and not neither',
    path: ['ids'],
  });

const closeManyResponse = z.object({
  closed: z.array(taskSchema),
  failed: z.array(
    z.object({
      id: z.number().int(),
      code: z.enum(['task.not_found', 'task.already_closed']),
      message: z.string(),
    }),
  ),
});

export const tasksRoutes: RouteModule = async (app, { ws }) => {
  app.get(
    '/api/v1/tasks',
    {
      config: { rbac: STAFF },
      schema: {
        tags: ['tasks'],
        operationId: 'listTasks',
        summary: 'Manual tasks by id (default: open ones)',
        querystring: z.strictObject({
          ...pageQuery,
          status: z.enum(['open', 'closed', 'cancelled', 'all']).default('open'),
        }),
        response: { 200: page(taskSchema), ...errors },
      },
    },
    async (req) => {
      const { limit, cursor, status } = req.query;
      const after = decodeCursor(cursor, z.number().int()) ?? 0;
      // Tasks are people's work queue, thousands at most: one indexed read, paged here.
      const rows = (await ws.store.tasks.list(status === 'all' ? undefined : status)).filter(
        (t) => t.id > after,
      );
      const shown = await withHolderNames(ws.store, rows.slice(0, limit + 1));
      return toPage(shown, limit, (t) => t.id);
    },
  );

  app.get(
    '/api/v1/tasks/:id',
    {
      config: { rbac: STAFF },
      schema: {
        tags: ['tasks'],
        operationId: 'getTask',
        summary: 'One manual task',
        params: taskParams,
        response: { 200: taskSchema, ...errors },
      },
    },
    async (req) => {
      const task = await ws.store.tasks.get(req.params.id);
      if (!task) throw new TenureError('task.not_found', `no task #${req.params.id}`);
      const [shown] = await withHolderNames(ws.store, [task]);
      return shown;
    },
  );

  app.post(
    '/api/v1/tasks/:id/close',
    {
      config: { rbac: OPERATE },
      schema: {
        tags: ['tasks'],
        operationId: 'closeTask',
        summary: 'Record that the work was done, with evidence; then Tenure applies its effect',
        params: taskParams,
        body: z.strictObject({ evidence }),
        response: { 200: taskSchema, ...errors },
      },
    },
    async (req) => {
      const task = await closeTask(ws, req.params.id, req.principal!.actor, req.body.evidence);
      await checkpoint(ws);
      return task;
    },
  );

  app.post(
    '/api/v1/tasks/close',
    {
      config: { rbac: OPERATE },
      schema: {
        tags: ['tasks'],
        operationId: 'closeTasks',
        summary:
          'Close several tasks (ids, or every open task of an identity) with the same evidence; ids that cannot be closed are listed in "failed"',
        body: closeManyBody,
        response: { 200: closeManyResponse, ...errors },
      },
    },
    async (req) => {
      const { ids, identity } = req.body;
      const chosen = ids ?? (await openTaskIdsFor(ws, identity!));
      const outcome = await closeTasks(ws, chosen, req.principal!.actor, req.body.evidence);
      if (outcome.closed.length > 0) await checkpoint(ws);
      return outcome;
    },
  );
};
