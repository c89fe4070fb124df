/** Non-birthright grants (request, exception, manual) with their reasons: keyset-paged. */
import { z } from 'zod';
import { STAFF } from '../rbac.js';
import { decodeCursor, errors, grantSchema, page, pageQuery, toPage } from '../schemas.js';
import type { RouteModule } from '../types.js';

export const grantsRoutes: RouteModule = async (app, { ws }) => {
  app.get(
    '/api/v1/grants',
    {
      config: { rbac: STAFF },
      schema: {
        tags: ['grants'],
        operationId: 'listGrants',
        summary: 'Grants that are not birthright, optionally for one identity',
        querystring: z.strictObject({ ...pageQuery, identity: z.string().optional() }),
        response: { 200: page(grantSchema), ...errors },
      },
    },
    async (req) => {
      const { limit, cursor, identity } = req.query;
      const after = decodeCursor(cursor, z.string());
      const rows = await ws.store.browse.grants({
        limit: limit + 1,
        ...(after !== undefined && { after }),
        ...(identity !== undefined && { identityId: identity }),
      });
      return toPage(rows, limit, (g) => g.id);
    },
  );
};
