/** Agent enrollment and request signatures: what is accepted, and every way a request is refused (and audited). */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeAgent } from '../../src/engine/agents/registry.js';
import { generateAgentKeyPair } from '../../src/protocol/agent-auth.js';
import { AGENT_PATHS } from '../../src/protocol/agent-v1.js';
import { testDialects } from '../support/databases.js';
import { type AgentHarness, makeAgentHarness, type TestAgent } from './agent-support.js';

const HEARTBEAT = {
  version: '1.0.1',
  active_jobs: 0,
  last_error: null,
  targets_reachable: { dir: true },
};

describe.each(testDialects())('agent enrollment and signed requests (%s)', (dialect) => {
  let h: AgentHarness;
  let hq: TestAgent;
  beforeAll(async () => {
    h = await makeAgentHarness(dialect);
    hq = await h.enroll('HQ');
  });
  afterAll(() => h?.cleanup());

  const enroll = async (token: string, publicKey: unknown = generateAgentKeyPair().publicKeyPem) =>
    h.app.inject({
      method: 'POST',
      url: AGENT_PATHS.enroll,
      headers: { 'content-type': 'application/json' },
      payload: { token, public_key: publicKey, hostname: 'h', version: '1', capabilities: [] },
    });
  const refusals = async () =>
    (await h.audit()).filter((e) => e.action === 'agent.refused').map((e) => e.details.reason);

  it('enrolls once per token: the agent is registered with its site, and the token is burnt', async () => {
    const token = await h.token('HQ');
    const first = await enroll(token);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      site: 'HQ',
      server_settings: {
        poll_wait_seconds: 2,
        batch_size: 100,
        heartbeat_seconds: 30,
        lease_seconds: 60,
      },
    });
    const agent = await h.tw.ws.store.agents.get(first.json().agent_id);
    expect(agent).toMatchObject({
      site: 'HQ',
      hostname: 'h',
      revoked_at: null,
      enrolled_by: 'admin:test',
    });
    const again = await enroll(token);
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({
      code: 'agent.enrollment_invalid',
      detail: 'this enrollment token was already used',
    });
    // Only the hash is stored.
    const rows = await h.tw.db.query<{ token_hash: string }>(
      'select token_hash from agent_enrollment_tokens',
    );
    expect(rows.some((r) => r.token_hash === token)).toBe(false);
  });

  it('accepts a JWK public key, and refuses a non-Ed25519 one', async () => {
    const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    expect((await enroll(await h.token('HQ'), jwk)).statusCode).toBe(200);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    const res = await enroll(await h.token('HQ'), rsa);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('agent.invalid');
  });

  it('refuses an expired token and an unknown one, and audits both', async () => {
    const token = await h.token('HQ', 60_000);
    const now = h.tw.ws.clock();
    h.tw.setNow(new Date(now.getTime() + 120_000).toISOString());
    try {
      const res = await enroll(token);
      expect(res.json()).toMatchObject({
        code: 'agent.enrollment_invalid',
        detail: 'this enrollment token has expired',
      });
    } finally {
      h.tw.setNow(now.toISOString());
    }
    const wrong = await enroll('tnr_enroll_not-a-token');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().detail).toBe('unknown enrollment token');
    expect(await refusals()).toEqual(expect.arrayContaining(['agent.enrollment_invalid']));
  });

  it('accepts a correctly signed request and records the heartbeat', async () => {
    const res = await hq.post(AGENT_PATHS.heartbeat, HEARTBEAT);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ extended: [], settings: { poll_wait_seconds: 2 } });
    expect(await h.tw.ws.store.agents.get(hq.id)).toMatchObject({
      version: '1.0.1',
      targets_reachable: { dir: true },
      last_seen_at: h.tw.ws.clock().toISOString(),
    });
  });

  it.each([
    ['no header', { authorization: '' }, 401, 'agent.unauthenticated'],
    ['a bearer token', { authorization: 'Bearer abc' }, 401, 'agent.unauthenticated'],
    [
      'a forged signature (another key)',
      { key: generateKeyPairSync('ed25519').privateKey },
      401,
      'agent.bad_signature',
    ],
    ['an unknown agent id', { agentId: 'agt_nobody' }, 401, 'agent.unknown'],
    ['an expired token', { now: new Date('2026-11-26T08:55:00Z') }, 401, 'agent.expired'],
    ['a token living too long', { lifetimeSeconds: 3600 }, 401, 'agent.expired'],
    ['a token from the future', { now: new Date('2026-11-26T09:05:00Z') }, 401, 'agent.expired'],
    [
      'a tampered body',
      { signBody: JSON.stringify({ ...HEARTBEAT, active_jobs: 9 }) },
      401,
      'agent.binding_mismatch',
    ],
    ['a swapped path', { signPath: AGENT_PATHS.lease }, 401, 'agent.binding_mismatch'],
    ['a swapped method', { signMethod: 'PUT' }, 401, 'agent.binding_mismatch'],
  ] as const)('refuses %s, audited with its reason', async (_what, knobs, status, code) => {
    const res = await hq.post(AGENT_PATHS.heartbeat, HEARTBEAT, knobs as never);
    expect(res.statusCode).toBe(status);
    expect(res.json().code).toBe(code);
    expect((await refusals()).at(-1)).toBe(code);
  });

  it('300 unauthenticated requests: 2 audit rows whose counts add up to 300', async () => {
    const store = h.tw.ws.store;
    await store.audit.flushRefusals('9999-01-01T00:00:00.000Z');
    const before = (await h.audit()).length;
    for (let i = 0; i < 300; i++) {
      const res = await hq.post(AGENT_PATHS.heartbeat, HEARTBEAT, { authorization: '' } as never);
      expect(res.statusCode).toBe(401);
    }
    const added = async () => (await h.audit()).slice(before);
    expect(await added()).toHaveLength(1);
    // Made-up agent ids are one bucket, not a row each.
    for (let i = 0; i < 5; i++) {
      const res = await hq.post(AGENT_PATHS.heartbeat, HEARTBEAT, {
        agentId: `agt_x${i}`,
      } as never);
      expect(res.json().code).toBe('agent.unknown');
    }
    expect(await added()).toHaveLength(2);
    await store.audit.flushRefusals(new Date(h.tw.ws.clock().getTime() + 60_000).toISOString());
    const rows = await added();
    expect(rows.map((e) => [e.action, e.target, e.details.reason, e.details.count])).toEqual([
      ['agent.refused', 'agent:unknown', 'agent.unauthenticated', 1],
      ['agent.refused', 'agent:unknown', 'agent.unknown', 1],
      ['agent.refused', 'agent:unknown', 'agent.unauthenticated', 299],
      ['agent.refused', 'agent:unknown', 'agent.unknown', 4],
    ]);
    expect(rows[1]!.details.agent_id).toBe('agt_x0');
  });

  it("refuses another agent's key used under this agent's id", async () => {
    const other = await h.enroll('HQ', 'other');
    const res = await hq.post(AGENT_PATHS.heartbeat, HEARTBEAT, { key: other.key });
    expect(res.json().code).toBe('agent.bad_signature');
  });

  it('refuses a replayed request (same jti), across the whole store', async () => {
    const ok = await hq.post(AGENT_PATHS.heartbeat, HEARTBEAT, { jti: 'nonce-1' });
    expect(ok.statusCode).toBe(200);
    const replay = await hq.post(AGENT_PATHS.heartbeat, HEARTBEAT, { jti: 'nonce-1' });
    expect(replay.statusCode).toBe(409);
    expect(replay.json().code).toBe('agent.replayed');
    const audit = (await h.audit()).filter((e) => e.action === 'agent.refused').at(-1)!;
    expect(audit).toMatchObject({
      target: `agent:${hq.id}`,
      details: { reason: 'agent.replayed' },
    });
  });

  it('refuses a revoked agent from the moment it is revoked', async () => {
    const a = await h.enroll('HQ', 'to-revoke');
    expect((await a.post(AGENT_PATHS.heartbeat, HEARTBEAT)).statusCode).toBe(200);
    await revokeAgent(h.tw.ws, a.id, 'admin:test');
    const res = await a.post(AGENT_PATHS.heartbeat, HEARTBEAT);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('agent.revoked');
    expect((await h.audit()).map((e) => e.action)).toContain('agent.revoked');
  });

  it('names the bad field of an invalid body', async () => {
    const res = await hq.post(AGENT_PATHS.lease, { max: 0, wait_seconds: 99 });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('agent.invalid');
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual([
      'body.max',
      'body.wait_seconds',
    ]);
  });
});
