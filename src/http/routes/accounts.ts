/** Accounts as Tenure knows them, with current entitlements: keyset-paged, by application or identity. */
import { z } from 'zod';
import { STAFF } from '../rbac.js';
import { accountSchema, decodeCursor, errors, page, pageQuery, toPage } from '../schemas.js';
import type { RouteModule } from '../types.js';

const cursorKey = z.tuple([z.string(), z.string()]);

export const accountsRoutes: RouteModule = async (app, { ws }) => {
  app.get(
    '/api/v1/accounts',
    {
      config: { rbac: STAFF },
      schema: {
        tags: ['accounts'],
        operationId: 'listAccounts',
        summary: 'Accounts ordered by application then account id, keyset-paged',
        querystring: z.strictObject({
          ...pageQuery,
          app: z.string().optional(),
          identity: z.string().optional(),
        }),
        response: { 200: page(accountSchema), ...errors },
      },
    },
    async (req) => {
      const { limit, cursor, app: appId, identity } = req.query;
      const after = decodeCursor(cursor, cursorKey);
      const rows = await ws.store.browse.accounts({
        limit: limit + 1,
        ...(after && { after: { app_id: after[0], account_id: after[1] } }),
        ...(appId !== undefined && { appId }),
        ...(identity !== undefined && { identityId: identity }),
      });
      return toPage(rows, limit, (a) => [a.app_id, a.account_id]);
    },
  );
};
