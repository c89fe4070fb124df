/** Control-plane users: admins create and change them; auditors may read who holds which role. */
import { z } from 'zod';
import { TenureError } from '../../domain/errors.js';
import { outranks, type Role } from '../../domain/roles.js';
import { MAX_PASSWORD_LENGTH } from '../auth/passwords.js';
import { createUser, updateUser } from '../auth/users.js';
import { ADMIN, EVIDENCE } from '../rbac.js';
import { errors, idParams, roleSchema, userSchema } from '../schemas.js';
import type { Principal, RouteModule } from '../types.js';

const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);

/**
 * A user outlives the token that made them, so a token may create or change only users who end up
 * with a role strictly below its own: an admin token cannot create an admin, promote anyone to
 * admin, or re-enable or reset the password of an admin. It may still disable anyone and demote an
 * admin (both only take access away). People signed in with a session are not limited by this.
 */
const checkTokenMayGrant = (p: Principal, roles: Role[]) => {
  if (p.kind !== 'token') return;
  const over = roles.find((r) => !outranks(p.role, r));
  if (over !== undefined)
    throw new TenureError(
      'user.outranks_token',
      `a token with role ${p.role} may only create or change users with a lower role, not ${over}; sign in as a person`,
    );
};

export const usersRoutes: RouteModule = async (app, { ws, clock }) => {
  app.get(
    '/api/v1/users',
    {
      config: { rbac: EVIDENCE },
      schema: {
        tags: ['users'],
        operationId: 'listUsers',
        summary: 'Users and their roles',
        response: { 200: z.object({ items: z.array(userSchema) }), ...errors },
      },
    },
    async () => ({ items: await ws.store.users.list() }),
  );

  app.post(
    '/api/v1/users',
    {
      config: { rbac: ADMIN },
      schema: {
        tags: ['users'],
        operationId: 'createUser',
        summary: 'Create a local user; without a password one is generated and returned once',
        description:
          "With an API token, only a role strictly below the token's own (403 user.outranks_token). Weak passwords are 400 user.weak_password.",
        body: z.strictObject({
          username: z.string().min(1).max(128),
          role: roleSchema,
          display_name: z.string().min(1).max(200).optional(),
          email: z.email().max(320).optional(),
          identity_id: z.string().min(1).max(256).optional(),
          password: password.optional(),
        }),
        response: {
          201: z.object({ user: userSchema, password: z.string().nullable() }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      checkTokenMayGrant(req.principal!, [b.role]);
      const out = await createUser(ws.store, { ...b }, req.principal!.actor, clock());
      return reply.code(201).send({ user: out.user, password: out.generated_password ?? null });
    },
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { rbac: ADMIN },
      schema: {
        tags: ['users'],
        operationId: 'updateUser',
        summary:
          "Change role, disable, rename, link an identity or set the password (ends the user's sessions on role change, disable or password change)",
        description:
          "With an API token, the user must end up with a role strictly below the token's own, unless the change only disables (403 user.outranks_token).",
        params: idParams,
        body: z.strictObject({
          role: roleSchema.optional(),
          disabled: z.boolean().optional(),
          display_name: z.string().min(1).max(200).optional(),
          email: z.email().max(320).nullable().optional(),
          identity_id: z.string().min(1).max(256).nullable().optional(),
          password: password.optional(),
        }),
        response: { 200: userSchema, ...errors },
      },
    },
    async (req) => {
      const p = req.principal!;
      const onlyDisables =
        Object.keys(req.body).every((k) => k === 'disabled') && req.body.disabled;
      if (p.kind === 'token' && !onlyDisables) {
        const before = await ws.store.users.get(req.params.id);
        if (before) checkTokenMayGrant(p, [req.body.role ?? before.role]);
      }
      return updateUser(ws.store, req.params.id, req.body, p.actor, clock());
    },
  );
};
