/** API tokens: admins create (the secret is in this one response only), list and revoke them. */
import { z } from 'zod';
import { createApiToken, parseDuration, revokeApiToken, tokenState } from '../auth/tokens.js';
import { ADMIN, EVIDENCE } from '../rbac.js';
import { apiTokenSchema, errors, idParams, roleSchema } from '../schemas.js';
import type { RouteModule } from '../types.js';

export const tokensRoutes: RouteModule = async (app, { ws, clock }) => {
  const view = <T extends Parameters<typeof tokenState>[0]>(row: T) => ({
    ...row,
    state: tokenState(row, clock()),
  });

  app.get(
    '/api/v1/tokens',
    {
      config: { rbac: EVIDENCE },
      schema: {
        tags: ['tokens'],
        summary: 'API tokens (never their secret)',
        response: { 200: z.object({ items: z.array(apiTokenSchema) }), ...errors },
      },
    },
    async () => ({ items: (await ws.store.apiTokens.list()).map(view) }),
  );

  app.post(
    '/api/v1/tokens',
    {
      config: { rbac: ADMIN },
      schema: {
        tags: ['tokens'],
        summary: 'Create a token for automation; `token` is shown in this response only',
        body: z.strictObject({
          name: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (at most 64)'),
          role: roleSchema,
          expires_in: z.string().default('30d').describe('30d, 12h, 90m; at most 366d'),
        }),
        response: {
          201: apiTokenSchema.extend({ token: z.string() }).meta({ id: 'CreatedApiToken' }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const p = req.principal!;
      const { token, row } = await createApiToken(ws.store, {
        name: req.body.name,
        role: req.body.role,
        expiresInMs: parseDuration(req.body.expires_in),
        actor: p.actor,
        userId: p.user_id,
        now: clock(),
      });
      return reply.code(201).send({ ...view(row), token });
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { rbac: ADMIN },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a token at once (audited auth.token_revoked)',
        params: idParams,
        response: { 200: apiTokenSchema, ...errors },
      },
    },
    async (req) =>
      view(await revokeApiToken(ws.store, req.params.id, req.principal!.actor, clock())),
  );
};
