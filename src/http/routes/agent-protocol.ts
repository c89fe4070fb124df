/**
 * The on-prem agents' API, `/agent/v1` (src/protocol/agent-v1.ts): enroll, lease, result(s),
 * heartbeat, release. RBAC `public`: agents authenticate by their signed requests, which cover the
 * raw body bytes — so this plugin keeps bodies as Buffers (scoped here) and validates them itself.
 * Refusals are RFC 9457 problems with `agent.*` codes, audited as `agent.refused`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { type ErrorCode, isTenureError, TenureError } from '../../domain/errors.js';
import { auditAgentRefusal, authenticateAgent } from '../../engine/agents/auth.js';
import { enrollAgent } from '../../engine/agents/enroll.js';
import { heartbeat, leaseJobs, releaseJobs } from '../../engine/agents/lease.js';
import { applyAgentResults } from '../../engine/agents/results.js';
import { agentSettings } from '../../engine/agents/settings.js';
import {
  AGENT_PATHS,
  enrollRequestSchema,
  enrollResponseSchema,
  heartbeatRequestSchema,
  heartbeatResponseSchema,
  leaseRequestSchema,
  leaseResponseSchema,
  releaseRequestSchema,
  releaseResponseSchema,
  resultRequestSchema,
  resultResponseSchema,
  resultsRequestSchema,
  resultsResponseSchema,
} from '../../protocol/agent-v1.js';
import type { AgentRow } from '../../store/agents-types.js';
import { problem, sendProblem, statusFor } from '../errors.js';
import { errors } from '../schemas.js';
import type { AppDeps, RouteModule } from '../types.js';

/** A lease of 1000 jobs' results is well under this; anything bigger is not an agent. */
const BODY_LIMIT = 8 * 1024 * 1024;

/** Refusals this route answers (and audits) itself; their statuses follow their kinds. */
export const AGENT_REFUSALS = new Set<ErrorCode>([
  'agent.unauthenticated',
  'agent.bad_signature',
  'agent.expired',
  'agent.binding_mismatch',
  'agent.unknown',
  'agent.revoked',
  'agent.enrollment_invalid',
  'agent.replayed',
  'agent.wrong_site',
  'agent.invalid',
]);

const bodyOf = (req: FastifyRequest): Buffer =>
  Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);

/** The body as JSON, checked by `schema`; errors name each bad path. */
function parse<S extends z.ZodType>(req: FastifyRequest, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(bodyOf(req).toString('utf8'));
  } catch {
    throw new TenureError('agent.invalid', 'the body is not JSON');
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({
      path: ['body', ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    throw new TenureError(
      'agent.invalid',
      issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      {
        errors: issues,
      },
    );
  }
  return r.data;
}

export const agentProtocolRoutes: RouteModule = async (app, deps) => {
  const { ws } = deps;
  // Long polls end when the server starts closing, so shutdown never waits out a 25 s lease.
  const closing = new AbortController();
  app.addHook('preClose', async () => {
    closing.abort();
  });

  const refused = async (req: FastifyRequest, reply: FastifyReply, e: unknown) => {
    if (!isTenureError(e) || !AGENT_REFUSALS.has(e.code)) throw e;
    if (e.code !== 'agent.invalid')
      await auditAgentRefusal(ws, e, {
        method: req.method,
        path: req.url,
        remote: req.ip,
        requestId: req.id,
      });
    const extra = Array.isArray(e.details.errors) ? { errors: e.details.errors } : {};
    return sendProblem(reply, problem(req, statusFor(e.code) ?? 400, e.code, e.message, extra));
  };

  const signed = (req: FastifyRequest): Promise<AgentRow> =>
    authenticateAgent(ws, {
      method: req.method,
      path: req.url,
      body: bodyOf(req),
      authorization: req.headers.authorization,
      remote: req.ip,
      requestId: req.id,
    });

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: BODY_LIMIT },
      (_r, body, done) => done(null, body),
    );
    // Bodies are Buffers (no body schema): each handler parses with the protocol's own schema.
    const api = scope;
    const route = <R extends z.ZodType>(
      path: string,
      operationId: string,
      summary: string,
      response: R,
      handler: (req: FastifyRequest, reply: FastifyReply) => Promise<z.infer<R>>,
    ) =>
      api.post(
        path,
        {
          config: { rbac: 'public' },
          schema: {
            tags: ['agents'],
            operationId,
            summary,
            description:
              'On-prem agent protocol (docs/agent.md). Signed: `Authorization: Agent <EdDSA JWT>` bound to method, path and body digest.',
            security: [],
            response: { 200: response, ...errors },
          },
        },
        async (req, reply) => {
          try {
            const out: unknown = await handler(req, reply);
            return reply.code(200).send(out);
          } catch (e) {
            return refused(req, reply, e);
          }
        },
      );

    route(
      AGENT_PATHS.enroll,
      'enrollAgent',
      'Enroll an agent with a one-time token and its Ed25519 public key',
      enrollResponseSchema,
      async (req) => enrollAgent(ws, parse(req, enrollRequestSchema)),
    );

    route(
      AGENT_PATHS.lease,
      'leaseAgentJobs',
      "Long-poll (≤ 30 s) for up to K jobs of the agent's site",
      leaseResponseSchema,
      async (req, reply) => {
        const agent = await signed(req);
        const body = parse(req, leaseRequestSchema);
        const gone = new AbortController();
        const onClose = () => {
          if (!reply.raw.writableEnded) gone.abort();
        };
        reply.raw.on('close', onClose);
        try {
          return await leaseJobs(ws, agent, body, AbortSignal.any([gone.signal, closing.signal]));
        } finally {
          reply.raw.off('close', onClose);
        }
      },
    );

    route(
      AGENT_PATHS.result,
      'postAgentResult',
      "One job's outcomes (idempotent per job and lease)",
      resultResponseSchema,
      async (req) => {
        const agent = await signed(req);
        const [r] = await applyAgentResults(ws, agent, [parse(req, resultRequestSchema)]);
        return { status: r!.status, settings: agentSettings(ws) };
      },
    );

    route(
      AGENT_PATHS.results,
      'postAgentResults',
      "Several jobs' outcomes in one transaction",
      resultsResponseSchema,
      async (req) => {
        const agent = await signed(req);
        const statuses = await applyAgentResults(
          ws,
          agent,
          parse(req, resultsRequestSchema).results,
        );
        return { statuses, settings: agentSettings(ws) };
      },
    );

    route(
      AGENT_PATHS.heartbeat,
      'agentHeartbeat',
      'Agent status; extends the leases it still holds',
      heartbeatResponseSchema,
      async (req) => {
        const agent = await signed(req);
        return heartbeat(ws, agent, parse(req, heartbeatRequestSchema));
      },
    );

    route(
      AGENT_PATHS.release,
      'releaseAgentJobs',
      'Give leased jobs back untouched (agent shutting down)',
      releaseResponseSchema,
      async (req) => {
        const agent = await signed(req);
        return releaseJobs(ws, agent, parse(req, releaseRequestSchema));
      },
    );
  });
  void (deps satisfies AppDeps);
};
