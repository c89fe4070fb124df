/** Control-plane users: admins create and change them; auditors may read who holds which role. */
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from '../auth/passwords.js';
import { createUser, updateUser } from '../auth/users.js';
import { ADMIN, EVIDENCE } from '../rbac.js';
import { errors, idParams, roleSchema, userSchema } from '../schemas.js';
import type { RouteModule } from '../types.js';

const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);

export const usersRoutes: RouteModule = async (app, { ws, clock }) => {
  app.get(
    '/api/v1/users',
    {
      config: { rbac: EVIDENCE },
      schema: {
        tags: ['users'],
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
        summary: 'Create a local user; without a password one is generated and returned once',
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
        summary:
          "Change role, disable, rename, link an identity or set the password (ends the user's sessions on role change, disable or password change)",
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
    async (req) => updateUser(ws.store, req.params.id, req.body, req.principal!.actor, clock()),
  );
};
