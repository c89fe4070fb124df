/**
 * The agent's only way out: HTTPS requests to the control plane's /agent/v1 endpoints, each
 * signed with the agent's key (src/protocol/agent-auth.ts) and each reply checked by zod. The
 * private CA in `ca_file` is the only trust anchor when given. Nothing here ever listens.
 */

import type { KeyObject } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { z } from 'zod';
import { type ErrorCode, isErrorCode } from '../domain/error-codes.js';
import { TenureError } from '../domain/errors.js';
import { signAgentRequest } from '../protocol/agent-auth.js';
import {
  AGENT_PATHS,
  type AgentPath,
  type EnrollRequest,
  enrollResponseSchema,
  type HeartbeatRequest,
  heartbeatResponseSchema,
  type LeaseRequest,
  leaseResponseSchema,
  type ReleaseRequest,
  type ResultRequest,
  type ResultsRequest,
  releaseResponseSchema,
  resultResponseSchema,
  resultsResponseSchema,
} from '../protocol/agent-v1.js';
import { AGENT_VERSION } from './version.js';

/** A refused or failed request. `retryable`: try again later (network, 5xx, 429). */
export class ControlPlaneError extends TenureError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
  ) {
    super(code, message, { status });
  }
}

export type ClientOptions = {
  serverUrl: string;
  /** PEM text of the CA to trust instead of the system CAs. */
  ca?: Buffer;
  identity?: { agentId: string; privateKey: KeyObject };
};

export type ControlPlaneClient = ReturnType<typeof createClient>;

export function createClient(o: ClientOptions) {
  const base = new URL(o.serverUrl);
  const https = base.protocol === 'https:';
  const agent = https
    ? new HttpsAgent({ keepAlive: true, ...(o.ca ? { ca: o.ca } : {}), minVersion: 'TLSv1.2' })
    : new HttpAgent({ keepAlive: true });
  let identity = o.identity;

  async function post<S extends z.ZodType>(
    path: AgentPath,
    payload: unknown,
    schema: S,
    opts: { timeoutMs?: number; signal?: AbortSignal; signed?: boolean } = {},
  ): Promise<z.infer<S>> {
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'user-agent': `tenure-agent/${AGENT_VERSION}`,
      'agent-version': AGENT_VERSION,
    };
    if (opts.signed !== false) {
      if (!identity) throw new TenureError('agent.not_enrolled', 'the agent is not enrolled');
      headers.authorization = await signAgentRequest({
        agentId: identity.agentId,
        privateKey: identity.privateKey,
        method: 'POST',
        path,
        body,
      });
    }
    const { status, text } = await send(path, body, headers, opts.timeoutMs ?? 30_000, opts.signal);
    if (status >= 200 && status < 300) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new ControlPlaneError('agent.bad_reply', `${path}: reply is not JSON`, status, true);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success)
        throw new ControlPlaneError(
          'agent.bad_reply',
          `${path}: unexpected reply (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`,
          status,
          true,
        );
      return parsed.data;
    }
    throw refusal(path, status, text);
  }

  function send(
    path: string,
    body: string,
    headers: Record<string, string>,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const make = https ? httpsRequest : httpRequest;
      const req = make(
        new URL(path, base),
        { method: 'POST', headers, agent, timeout: timeoutMs, ...(signal ? { signal } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(unreachable(path, e)));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (e) => reject(unreachable(path, e)));
      req.end(body);
    });
  }

  return {
    setIdentity(id: { agentId: string; privateKey: KeyObject }) {
      identity = id;
    },
    enroll: (r: EnrollRequest) =>
      post(AGENT_PATHS.enroll, r, enrollResponseSchema, { signed: false }),
    lease: (r: LeaseRequest, signal?: AbortSignal) =>
      post(AGENT_PATHS.lease, r, leaseResponseSchema, {
        timeoutMs: (r.wait_seconds + 20) * 1000,
        ...(signal ? { signal } : {}),
      }),
    result: (r: ResultRequest) => post(AGENT_PATHS.result, r, resultResponseSchema),
    results: (r: ResultsRequest) => post(AGENT_PATHS.results, r, resultsResponseSchema),
    heartbeat: (r: HeartbeatRequest) => post(AGENT_PATHS.heartbeat, r, heartbeatResponseSchema),
    /** Short: it runs during shutdown, and an unreleased lease merely expires. */
    release: (r: ReleaseRequest) =>
      post(AGENT_PATHS.release, r, releaseResponseSchema, { timeoutMs: 5_000 }),
    close: () => agent.destroy(),
  };
}

function unreachable(path: string, e: Error): ControlPlaneError {
  const code = (e as NodeJS.ErrnoException).code;
  if (e.name === 'AbortError')
    return new ControlPlaneError('agent.aborted', `${path}: aborted`, null, true);
  return new ControlPlaneError(
    'agent.unreachable',
    `${path}: control plane unreachable: ${code && !e.message.includes(code) ? `${code} ` : ''}${e.message}`,
    null,
    true,
  );
}

/** An RFC 9457 problem (or anything else) as an error; its detail is the server's, never ours. */
function refusal(path: string, status: number, text: string): ControlPlaneError {
  let said = `http_${status}`;
  let detail = text.slice(0, 300);
  try {
    const p = JSON.parse(text) as { code?: unknown; detail?: unknown; title?: unknown };
    if (typeof p.code === 'string') said = p.code;
    if (typeof p.detail === 'string') detail = p.detail;
    else if (typeof p.title === 'string') detail = p.title;
  } catch {
    // not a problem document: keep the start of the text
  }
  const retryable = status >= 500 || status === 429 || status === 408;
  // A newer server may answer a code this agent does not know: keep it in the message.
  const code = isErrorCode(said) ? said : 'agent.http_error';
  return new ControlPlaneError(code, `${path}: ${status} ${said}: ${detail}`, status, retryable);
}
