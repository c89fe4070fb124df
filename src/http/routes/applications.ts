/** The catalogue from tenure.yaml: applications and their entitlements (everyone may read it). */
import { z } from 'zod';
import type { ApplicationConfig } from '../../config/schema.js';
import { TenureError } from '../../domain/errors.js';
import { EVERYONE } from '../rbac.js';
import { errors, idParams } from '../schemas.js';
import type { RouteModule } from '../types.js';

const entitlementSchema = z
  .object({
    app_id: z.string(),
    id: z.string(),
    name: z.string().nullable(),
    owner: z.string().nullable(),
    privileged: z.boolean(),
  })
  .meta({ id: 'Entitlement' });

const applicationSchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    connector: z.string(),
    owner: z.string().nullable(),
    risk: z.enum(['low', 'medium', 'high']),
    route: z.string(),
    deprovision: z.enum(['disable', 'delete']),
    entitlements: z.array(entitlementSchema),
  })
  .meta({ id: 'Application' });

/** Settings are left out on purpose: they may name hosts, paths and secret references. */
const view = (a: ApplicationConfig) => ({
  id: a.id,
  name: a.name ?? null,
  connector: a.connector,
  owner: a.owner ?? null,
  risk: a.risk,
  route: a.route,
  deprovision: a.deprovision,
  entitlements: a.entitlements.map((e) => ({
    app_id: a.id,
    id: e.id,
    name: e.name ?? null,
    owner: e.owner ?? null,
    privileged: e.privileged,
  })),
});

export const applicationsRoutes: RouteModule = async (app, { ws }) => {
  const apps = () => ws.config.applications;

  app.get(
    '/api/v1/applications',
    {
      config: { rbac: EVERYONE },
      schema: {
        tags: ['applications'],
        operationId: 'listApplications',
        summary: 'Applications with their entitlements (connector settings are not exposed)',
        response: { 200: z.object({ items: z.array(applicationSchema) }), ...errors },
      },
    },
    async () => ({ items: apps().map(view) }),
  );

  app.get(
    '/api/v1/applications/:id',
    {
      config: { rbac: EVERYONE },
      schema: {
        tags: ['applications'],
        operationId: 'getApplication',
        summary: 'One application',
        params: idParams,
        response: { 200: applicationSchema, ...errors },
      },
    },
    async (req) => {
      const found = apps().find((a) => a.id === req.params.id);
      if (!found) throw new TenureError('app.not_found', `no application "${req.params.id}"`);
      return view(found);
    },
  );

  app.get(
    '/api/v1/entitlements',
    {
      config: { rbac: EVERYONE },
      schema: {
        tags: ['applications'],
        operationId: 'listEntitlements',
        summary: 'Entitlements of every application, or of one (`app`)',
        querystring: z.strictObject({
          app: z.string().optional(),
          privileged: z.enum(['true', 'false']).optional(),
        }),
        response: { 200: z.object({ items: z.array(entitlementSchema) }), ...errors },
      },
    },
    async (req) => {
      const { app: appId, privileged } = req.query;
      const items = apps()
        .filter((a) => appId === undefined || a.id === appId)
        .flatMap((a) => view(a).entitlements)
        .filter((e) => privileged === undefined || e.privileged === (privileged === 'true'));
      return { items };
    },
  );
};
