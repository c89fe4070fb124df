/** Operations endpoints: liveness, readiness, Prometheus metrics, the OpenAPI document, an index. */
import { z } from 'zod';
import { TenureError } from '../../domain/errors.js';
import { agentsHealth } from '../../engine/agents/registry.js';
import { errors } from '../schemas.js';
import type { RouteModule } from '../types.js';

/** Store figures are shared by replicas and cost a few queries: a scrape every few seconds is plenty. */
const COUNTS_TTL_MS = 2_000;

export const opsRoutes: RouteModule = async (app, deps) => {
  const { ws, services } = deps;
  let cached: { at: number; counts: Awaited<ReturnType<typeof ws.store.browse.counts>> } | null =
    null;

  app.get(
    '/',
    {
      config: { rbac: 'public' },
      schema: {
        hide: true,
        response: {
          200: z.object({
            name: z.string(),
            api: z.string(),
            openapi: z.string(),
            sign_in: z.string(),
          }),
        },
      },
    },
    async () => ({
      name: `Tenure control plane — ${ws.config.organisation.name}`,
      api: '/api/v1',
      openapi: '/api/v1/openapi.json',
      sign_in: 'POST /api/v1/auth/login {"username","password"} or GET /api/v1/auth/oidc/login',
    }),
  );

  app.get(
    '/healthz',
    {
      config: { rbac: 'public' },
      schema: {
        tags: ['operations'],
        operationId: 'getLiveness',
        summary: 'Liveness: the process answers',
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }), ...errors },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { rbac: 'public' },
      schema: {
        tags: ['operations'],
        operationId: 'getReadiness',
        summary: 'Readiness: the store answers and the process is not shutting down',
        security: [],
        response: { 200: z.object({ status: z.literal('ready') }), ...errors },
      },
    },
    async () => {
      if (services.state.closing) throw new TenureError('service.unavailable', 'shutting down');
      try {
        await ws.store.browse.ping();
      } catch (e) {
        app.log.warn({ err: e }, 'readiness: store unreachable');
        throw new TenureError('service.unavailable', 'the store does not answer');
      }
      return { status: 'ready' as const };
    },
  );

  app.get(
    '/metrics',
    {
      config: { rbac: 'public' },
      schema: {
        tags: ['operations'],
        operationId: 'getMetrics',
        summary: 'Prometheus metrics (text exposition format)',
        security: [],
        response: {
          200: {
            description: 'Prometheus text exposition format 0.0.4',
            content: { 'text/plain': { schema: z.string() } },
          },
          ...errors,
        },
      },
    },
    async (_req, reply) => {
      const now = Date.now();
      if (!cached || now - cached.at > COUNTS_TTL_MS)
        cached = { at: now, counts: await ws.store.browse.counts() };
      const health = await agentsHealth(ws);
      const agents = (await deps.agentsOnline?.()) ?? health.agents_online;
      const jobs = await deps.scheduler?.metrics?.();
      const text = services.metrics.render(
        {
          ...cached.counts,
          agents_online: agents,
          agent_sites: health.sites,
          ...(jobs && { jobs }),
        },
        deps.clock(),
      );
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
    },
  );

  app.get(
    '/api/v1/openapi.json',
    { config: { rbac: 'public' }, schema: { hide: true } },
    async (_req, reply) => reply.type('application/json').send(app.swagger()),
  );
};
