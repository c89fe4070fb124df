/** The caller: who they are, and (any role) their own access — the requester's whole world. */
import { z } from 'zod';
import { EVERYONE } from '../rbac.js';
import { accountSchema, errors, grantSchema, identitySchema, roleSchema } from '../schemas.js';
import type { RouteModule } from '../types.js';

export const meRoutes: RouteModule = async (app, { ws }) => {
  app.get(
    '/api/v1/me',
    {
      config: { rbac: EVERYONE },
      schema: {
        tags: ['me'],
        operationId: 'getMe',
        summary: 'Who is calling: role, audit actor, linked identity, session',
        response: {
          200: z.object({
            kind: z.enum(['session', 'token']),
            name: z.string(),
            role: roleSchema,
            actor: z.string(),
            identity_id: z.string().nullable(),
            csrf_token: z.string().nullable(),
            expires_at: z.string().nullable(),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = req.principal!;
      return {
        kind: p.kind,
        name: p.name,
        role: p.role,
        actor: p.actor,
        identity_id: p.identity_id,
        csrf_token: p.session?.csrf_token ?? null,
        expires_at: p.session?.expires_at ?? p.token_expires_at ?? null,
      };
    },
  );

  app.get(
    '/api/v1/me/access',
    {
      config: { rbac: EVERYONE },
      schema: {
        tags: ['me'],
        operationId: 'getMyAccess',
        summary: "The caller's own identity, accounts and grants",
        response: {
          200: z.object({
            identity: identitySchema.nullable(),
            accounts: z.array(accountSchema),
            grants: z.array(grantSchema),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const id = req.principal!.identity_id;
      if (id === null) return { identity: null, accounts: [], grants: [] };
      const [identity, accounts, grants] = await Promise.all([
        ws.store.identities.get(id),
        ws.store.accounts.forIdentity(id),
        ws.store.browse.grants({ identityId: id, limit: 1000 }),
      ]);
      return { identity: identity ?? null, accounts, grants };
    },
  );
};
