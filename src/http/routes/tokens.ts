/** API tokens: admins create (the secret is in this one response only), list and revoke them. */
import { z } from 'zod';
import { TenureError } from '../../domain/errors.js';
import { covers, type Role } from '../../domain/roles.js';
import { createApiToken, parseDuration, revokeApiToken, tokenState } from '../auth/tokens.js';
import { ADMIN, EVIDENCE } from '../rbac.js';
import { apiTokenSchema, errors, idParams, roleSchema } from '../schemas.js';
import type { Principal, RouteModule } from '../types.js';

/**
 * A token minting a token hands on no more than it holds: the new one's role is within the
 * caller's (effective) role and it expires no later, so a short-lived token cannot leave a
 * long-lived one behind.
 */
const checkWithinParent = (p: Principal, role: Role, expiresAt: Date) => {
  if (!covers(p.role, role))
    throw new TenureError(
      'token.outranks_parent',
      `a token with role ${p.role} cannot create a token with role ${role}`,
    );
  if (p.token_expires_at !== undefined && expiresAt.toISOString() > p.token_expires_at)
    throw new TenureError(
      'token.outlives_parent',
      `the new token would outlive the one creating it (which expires ${p.token_expires_at}); ask for a shorter expires_in`,
    );
};

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
        operationId: 'listTokens',
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
        operationId: 'createToken',
        summary: 'Create a token for automation; `token` is shown in this response only',
        description:
          'Made with a token: the new token may not outrank nor outlive the one creating it (403 token.outranks_parent, 400 token.outlives_parent).',
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
      const now = clock();
      const expiresInMs = parseDuration(req.body.expires_in);
      checkWithinParent(p, req.body.role, new Date(now.getTime() + expiresInMs));
      const { token, row } = await createApiToken(ws.store, {
        name: req.body.name,
        role: req.body.role,
        expiresInMs,
        actor: p.actor,
        userId: p.user_id,
        now,
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
        operationId: 'revokeToken',
        summary: 'Revoke a token at once (audited auth.token_revoked)',
        params: idParams,
        response: { 200: apiTokenSchema, ...errors },
      },
    },
    async (req) =>
      view(await revokeApiToken(ws.store, req.params.id, req.principal!.actor, clock())),
  );
};
