/**
 * Who is calling on /agent/v1: the signed request (src/protocol/agent-auth.ts) verified against
 * the enrolled agent's key, plus what only the server can check — the agent exists and is not
 * revoked, and the nonce was never used (kept in the store until the token expires, so a replay
 * is refused by every replica). Every refusal is audited as `agent.refused` with its reason.
 */
import { type ErrorCode, TenureError } from '../../domain/errors.js';
import { claimedAgentId, tokenOf, verifyAgentToken } from '../../protocol/agent-auth.js';
import type { AgentRow } from '../../store/agents-types.js';
import { refusalEvent } from '../../store/audit-refusals.js';
import type { RefusalInput } from '../../store/types.js';
import type { Workspace } from '../workspace.js';

export type AgentRequest = {
  method: string;
  /** Path and query exactly as requested: the token is bound to it. */
  path: string;
  /** The raw body bytes: the token is bound to their digest. */
  body: Uint8Array;
  authorization: string | undefined;
  remote?: string;
  requestId?: string;
};

const refuse = (code: ErrorCode, message: string, agentId?: string): never => {
  throw new TenureError(code, message, agentId === undefined ? {} : { agent_id: agentId });
};

/** The calling agent, or a TenureError `agent.*` (audit it with `auditAgentRefusal`). */
export async function authenticateAgent(ws: Workspace, req: AgentRequest): Promise<AgentRow> {
  const token = tokenOf(req.authorization);
  if (!token) return refuse('agent.unauthenticated', 'send Authorization: Agent <signed JWT>');
  const id = claimedAgentId(token);
  if (!id) return refuse('agent.unauthenticated', 'the request token names no agent (sub)');
  const agent = await ws.store.agents.get(id);
  if (!agent) return refuse('agent.unknown', `no agent "${id}" is enrolled`, id);
  if (agent.revoked_at !== null)
    return refuse('agent.revoked', `agent ${id} was revoked at ${agent.revoked_at}`, id);
  const now = ws.clock();
  const v = await verifyAgentToken(token, agent.public_key, {
    method: req.method,
    path: req.path,
    body: req.body,
    now,
  });
  if (!v.ok) return refuse(v.reason, v.message, id);
  // Kept until the token's own expiry: past it the token is refused as expired anyway.
  const until = new Date(Math.max(v.claims.exp * 1000, now.getTime()) + 60_000).toISOString();
  if (!(await ws.store.agents.rememberNonce(id, v.claims.jti, until)))
    return refuse('agent.replayed', 'this signed request was already received (jti reused)', id);
  return agent;
}

/** Refused before the caller proved to be an enrolled agent: anyone on the network can cause these. */
const ANONYMOUS = new Set([
  'agent.unauthenticated',
  'agent.unknown',
  'agent.revoked',
  'agent.bad_signature',
  'agent.expired',
  'agent.binding_mismatch',
  'agent.enrollment_invalid',
]);

/**
 * `agent.refused` in the audit trail: someone is forging, replaying or using a revoked agent.
 * Anonymous refusals are counted per agent, reason and minute (the first appended at once, the
 * rest as one event with their count); a replayed signed request and an enrolled agent's
 * refusals are appended one by one.
 */
export async function auditAgentRefusal(
  ws: Workspace,
  e: TenureError,
  req: Pick<AgentRequest, 'method' | 'path' | 'remote' | 'requestId'>,
): Promise<void> {
  const agentId = typeof e.details.agent_id === 'string' ? e.details.agent_id : undefined;
  // An unknown agent's id is the caller's invention: one bucket for all (the id in the details).
  const enrolled = agentId !== undefined && e.code !== 'agent.unknown';
  const refusal: RefusalInput = {
    action: 'agent.refused',
    trigger: `agent-api:${req.path.split('?')[0]}`,
    target: enrolled ? `agent:${agentId}` : 'agent:unknown',
    reason: e.code,
    details: {
      message: e.message,
      ...(!enrolled && agentId !== undefined && { agent_id: agentId.slice(0, 100) }),
      method: req.method,
      ...(typeof e.details.site === 'string' && { site: e.details.site }),
      ...(typeof e.details.job_id === 'number' && { job: e.details.job_id }),
      ...(req.remote !== undefined && { remote: req.remote }),
      ...(req.requestId !== undefined && { request_id: req.requestId }),
    },
    ts: ws.clock().toISOString(),
  };
  try {
    if (ANONYMOUS.has(e.code)) await ws.store.audit.recordRefusal(refusal);
    else await ws.store.audit.append([refusalEvent(refusal)]);
  } catch (err) {
    ws.log.error({ err, reason: e.code }, 'could not audit a refused agent request');
  }
}
