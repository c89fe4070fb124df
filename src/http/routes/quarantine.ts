/** HR rows in quarantine: what the latest reads rejected, critical (terminated) rows first. */
import { z } from 'zod';
import { listQuarantine } from '../../engine/sync/quarantine.js';
import { STAFF } from '../rbac.js';
import { errors } from '../schemas.js';
import type { RouteModule } from '../types.js';

const quarantineItemSchema = z
  .object({
    source_id: z.string(),
    snapshot_id: z.number().int(),
    taken_at: z.string(),
    row: z.number().int().describe('line (CSV) or position (JSON, HR systems) in the read'),
    employee_id: z.string().nullable(),
    severity: z
      .enum(['critical', 'error'])
      .describe('critical: the row says terminated, so that access is still in place'),
    code: z.string().nullable().describe('e.g. hr.malformed_csv, hr.employee_id_case_conflict'),
    reason: z.string(),
    raw: z.string(),
  })
  .meta({ id: 'QuarantineItem' });

export const quarantineRoutes: RouteModule = async (app, { ws }) => {
  app.get(
    '/api/v1/quarantine',
    {
      config: { rbac: STAFF },
      schema: {
        tags: ['sources'],
        operationId: 'listQuarantine',
        summary:
          "Rows rejected by each source's latest full read and the deltas after it (or by one snapshot), critical first",
        querystring: z.strictObject({
          source: z.string().min(1).optional(),
          snapshot: z.coerce.number().int().min(1).optional(),
        }),
        response: {
          200: z.object({
            items: z.array(quarantineItemSchema),
            critical: z.number().int(),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { source, snapshot } = req.query;
      const items = await listQuarantine(ws, {
        ...(source !== undefined && { sourceId: source }),
        ...(snapshot !== undefined && { snapshotId: snapshot }),
      });
      return { items, critical: items.filter((i) => i.severity === 'critical').length };
    },
  );
};
