/** The agent registry for operators: enrolled agents, per-site health, revocation (docs/agent.md). */
import { z } from 'zod';
import { agentsHealth, listAgents, revokeAgent } from '../../engine/agents/registry.js';
import { ADMIN, STAFF } from '../rbac.js';
import { errors } from '../schemas.js';
import type { RouteModule } from '../types.js';

const agentSchema = z
  .object({
    id: z.string(),
    site: z.string(),
    hostname: z.string(),
    version: z.string(),
    status: z.enum(['online', 'offline', 'revoked']),
    capabilities: z.array(z.string()),
    enrolled_at: z.string(),
    enrolled_by: z.string(),
    last_seen_at: z.string(),
    revoked_at: z.string().nullable(),
    revoked_by: z.string().nullable(),
    ops_done: z.number().int(),
    ops_failed: z.number().int(),
    active_jobs: z.number().int(),
    last_error: z.string().nullable(),
    targets_reachable: z.record(z.string(), z.boolean()),
  })
  .meta({ id: 'Agent' });

const healthSchema = z
  .object({
    sites: z.array(
      z.object({
        site: z.string(),
        queue_depth: z.number().int().describe('jobs (one account each) waiting for an agent'),
        leased: z.number().int().describe('jobs agents are working on'),
        oldest_waiting_seconds: z.number(),
        agents_online: z.number().int(),
        agents_enrolled: z.number().int(),
      }),
    ),
    agents_online: z.number().int(),
    agents_offline: z.number().int(),
    agents_revoked: z.number().int(),
  })
  .meta({ id: 'AgentsHealth' });

export const agentRegistryRoutes: RouteModule = async (app, { ws }) => {
  app.get(
    '/api/v1/agents',
    {
      config: { rbac: STAFF },
      schema: {
        tags: ['agents'],
        operationId: 'listAgents',
        summary: 'Enrolled on-prem agents, online or offline',
        response: { 200: z.object({ items: z.array(agentSchema) }), ...errors },
      },
    },
    async () => ({ items: await listAgents(ws) }),
  );

  app.get(
    '/api/v1/agents/health',
    {
      config: { rbac: STAFF },
      schema: {
        tags: ['agents'],
        operationId: 'getAgentsHealth',
        summary: 'Per site: queue depth, oldest waiting job, agents online',
        response: { 200: healthSchema, ...errors },
      },
    },
    async () => agentsHealth(ws),
  );

  app.post(
    '/api/v1/agents/:id/revoke',
    {
      config: { rbac: ADMIN },
      schema: {
        tags: ['agents'],
        operationId: 'revokeAgent',
        summary: 'Revoke an agent at once: its requests are refused (audited agent.revoked)',
        params: z.object({ id: z.string().max(100) }),
        response: { 200: agentSchema, ...errors },
      },
    },
    async (req) => revokeAgent(ws, req.params.id, req.principal!.actor),
  );
};
