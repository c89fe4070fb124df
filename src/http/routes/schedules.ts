/** What the scheduler is doing, as it reports it (src/engine/scheduler); `enabled: false` without one. */
import { z } from 'zod';
import type { RbacRule } from '../rbac-rule.js';
import { errors } from '../schemas.js';
import type { RouteModule } from '../types.js';

const READ: RbacRule = ['admin', 'operator', 'auditor'];

export const schedulesRoutes: RouteModule = async (app, { scheduler }) => {
  app.get(
    '/api/v1/schedules',
    {
      config: { rbac: READ },
      schema: {
        tags: ['operations'],
        operationId: 'listSchedules',
        summary: 'Scheduler status (schedules, leader, next runs)',
        response: {
          200: z.object({ enabled: z.boolean(), status: z.unknown() }),
          ...errors,
        },
      },
    },
    async () => ({
      enabled: scheduler !== undefined,
      status: scheduler ? await scheduler.status() : null,
    }),
  );
};
