/** The agent registry and health: API and CLI views, revocation, /metrics, offline alerts, jobs out of attempts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentWatch } from '../../src/engine/agents/watch.js';
import { fullRun } from '../../src/engine/runs/runs.js';
import { createApiToken } from '../../src/http/auth/tokens.js';
import { AGENT_PATHS } from '../../src/protocol/agent-v1.js';
import { tenure } from '../cli/run-cli.js';
import { testDialects } from '../support/databases.js';
import {
  AGENT_YAML,
  type AgentHarness,
  makeAgentHarness,
  type TestAgent,
} from './agent-support.js';

const HB = { version: '2.0.0', active_jobs: 0, last_error: null, targets_reachable: {} };

describe.each(testDialects())('agent registry and health (%s)', (dialect) => {
  let h: AgentHarness;
  let hq: TestAgent;
  let bearer: (role: 'admin' | 'operator' | 'auditor') => { authorization: string };
  beforeAll(async () => {
    h = await makeAgentHarness(dialect);
    // API tokens for the registry endpoints, on the harness's store.
    const tokens: Record<string, string> = {};
    for (const role of ['admin', 'operator', 'auditor'] as const)
      tokens[role] = (
        await createApiToken(h.tw.ws.store, {
          name: `${role}-t`,
          role,
          expiresInMs: 86_400_000,
          actor: 'admin:setup',
          userId: null,
          now: h.tw.ws.clock(),
        })
      ).token;
    bearer = (role) => ({ authorization: `Bearer ${tokens[role]}` });
    hq = await h.enroll('HQ');
  });
  afterAll(() => h?.cleanup());

  it('lists agents with online/offline status, and reports per-site health', async () => {
    await fullRun(h.tw.ws, { actor: 'admin:test', trigger: 'test' });
    h.tw.setNow('2026-11-26T09:00:40.000Z');
    const list = await h.app.inject({ url: '/api/v1/agents', headers: bearer('auditor') });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([
      expect.objectContaining({
        id: hq.id,
        site: 'HQ',
        status: 'online',
        version: '1.0.0',
        ops_done: 0,
      }),
    ]);
    expect(list.json().items[0]).not.toHaveProperty('public_key');

    const health = await h.app.inject({
      url: '/api/v1/agents/health',
      headers: bearer('operator'),
    });
    expect(health.json()).toEqual({
      sites: [
        {
          site: 'BRANCH',
          queue_depth: 1,
          leased: 0,
          oldest_waiting_seconds: 40,
          agents_online: 0,
          agents_enrolled: 0,
        },
        {
          site: 'HQ',
          queue_depth: 4,
          leased: 0,
          oldest_waiting_seconds: 40,
          agents_online: 1,
          agents_enrolled: 1,
        },
      ],
      agents_online: 1,
      agents_offline: 0,
      agents_revoked: 0,
    });
    const metrics = (await h.app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('tenure_agents_online 1');
    expect(metrics).toContain('tenure_agent_queue_depth{site="HQ"} 4');
    expect(metrics).toContain('tenure_agent_queue_depth{site="BRANCH"} 1');
    expect(metrics).toContain('tenure_agent_oldest_waiting_seconds{site="HQ"} 40');

    h.tw.setNow('2026-11-26T09:02:00.000Z');
    const later = await h.app.inject({ url: '/api/v1/agents', headers: bearer('admin') });
    expect(later.json().items[0].status).toBe('offline');
  });

  it('raises one agent.offline alert per outage', async () => {
    const watch = createAgentWatch({ ws: h.tw.ws });
    const alerts = async () => (await h.audit()).filter((e) => e.action === 'agent.offline');
    h.tw.setNow('2026-11-26T09:05:00.000Z');
    expect((await watch.tick(true)).alerts).toEqual([]);
    h.tw.setNow('2026-11-26T09:10:30.000Z');
    expect((await watch.tick(true)).alerts).toEqual([hq.id]);
    h.tw.setNow('2026-11-26T09:30:00.000Z');
    expect((await watch.tick(true)).alerts).toEqual([]);
    expect(await alerts()).toHaveLength(1);
    expect((await alerts())[0]).toMatchObject({
      actor: 'system',
      target: `agent:${hq.id}`,
      details: { site: 'HQ', last_seen_at: '2026-11-26T09:00:00.000Z', offline_minutes: 10 },
    });
    // Back, then gone again: a new outage, a new alert.
    expect((await hq.post(AGENT_PATHS.heartbeat, HB)).statusCode).toBe(200);
    h.tw.setNow('2026-11-26T09:35:00.000Z');
    expect((await watch.tick(true)).alerts).toEqual([]);
    h.tw.setNow('2026-11-26T09:41:00.000Z');
    expect((await watch.tick(true)).alerts).toEqual([hq.id]);
    expect(await alerts()).toHaveLength(2);
  });

  it('revokes through the API (admin only), audited, and refuses the agent afterwards', async () => {
    const other = await h.enroll('HQ', 'to-revoke');
    const denied = await h.app.inject({
      method: 'POST',
      url: `/api/v1/agents/${other.id}/revoke`,
      headers: bearer('operator'),
    });
    expect(denied.statusCode).toBe(403);
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/v1/agents/${other.id}/revoke`,
      headers: bearer('admin'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: other.id,
      status: 'revoked',
      revoked_by: 'token:admin-t',
    });
    const again = await h.app.inject({
      method: 'POST',
      url: `/api/v1/agents/${other.id}/revoke`,
      headers: bearer('admin'),
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('agent.already_revoked');
    const missing = await h.app.inject({
      method: 'POST',
      url: '/api/v1/agents/agt_nobody/revoke',
      headers: bearer('admin'),
    });
    expect(missing.statusCode).toBe(404);
    expect((await other.post(AGENT_PATHS.heartbeat, HB)).json().code).toBe('agent.revoked');
  });

  it('tenure agents token | list | revoke', async () => {
    const env = { TENURE_DATABASE_URL: h.tw.db.url, TENURE_NOW: h.tw.ws.clock().toISOString() };
    const w = ['-w', h.tw.dir, '--as', 'alice'];
    const tok = await tenure(
      [...w, 'agents', 'token', '--site', 'HQ', '--expires', '2h', '--json'],
      { env },
    );
    expect(tok.code, tok.why).toBe(0);
    expect(tok.json()).toMatchObject({ site: 'HQ', applications: ['dir'] });
    expect(tok.json().token).toMatch(/^tnr_enroll_/);
    const human = await tenure([...w, 'agents', 'token', '--site', 'NOWHERE'], { env });
    expect(human.stdout).toContain('tnr_enroll_');
    expect(human.stdout).toContain('no application has route: agent:NOWHERE');
    const bad = await tenure([...w, 'agents', 'token', '--site', 'HQ', '--expires', '3d'], { env });
    expect(bad.code).toBe(2);

    const list = await tenure([...w, 'agents', 'list', '--json'], { env });
    expect(list.code, list.why).toBe(0);
    expect(list.json().map((a: { id: string }) => a.id)).toContain(hq.id);
    const text = await tenure([...w, 'agents', 'list'], { env });
    expect(text.stdout).toMatch(/agents, \d+ online/);

    const rev = await tenure([...w, 'agents', 'revoke', hq.id, '--json'], { env });
    expect(rev.code, rev.why).toBe(0);
    expect(rev.json()).toMatchObject({ id: hq.id, status: 'revoked', revoked_by: 'admin:alice' });
    const actions = (await h.audit()).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['agent.token.created', 'agent.revoked']));
  });
});

describe.each(testDialects())('agent jobs out of attempts (%s)', (dialect) => {
  let h: AgentHarness;
  beforeAll(async () => {
    h = await makeAgentHarness(dialect, {
      yaml: AGENT_YAML('{ max_attempts: 1, lease_seconds: 30 }'),
    });
  });
  afterAll(() => h?.cleanup());

  it('records their operations as failures and completes the run', async () => {
    const a = await h.enroll('HQ');
    const b = await h.enroll('BRANCH');
    const r = await fullRun(h.tw.ws, { actor: 'admin:test', trigger: 'test' });
    const leased = (await a.post(AGENT_PATHS.lease, { max: 100, wait_seconds: 0 })).json().jobs;
    expect(leased).toHaveLength(4);
    // BRANCH reports; HQ's agent dies with its four jobs.
    const [bj] = (await b.post(AGENT_PATHS.lease, { max: 10, wait_seconds: 0 })).json().jobs;
    await b.post(AGENT_PATHS.result, {
      job_id: bj.job_id,
      lease_id: bj.lease_id,
      results: bj.operations.map((o: { key: string }) => ({ key: o.key, outcome: 'success' })),
      started_at: '2026-11-26T09:00:00Z',
      finished_at: '2026-11-26T09:00:00Z',
    });
    h.tw.setNow('2026-11-26T09:01:00.000Z');
    const { settled } = await createAgentWatch({ ws: h.tw.ws }).tick(true);
    expect(settled).toHaveLength(4);
    const run = await h.tw.ws.store.runs.get(r.apply.run_id!);
    expect(run).toMatchObject({
      status: 'done',
      summary: { failure: 10, success: 2, waiting_for_agent: 0 },
    });
    const ops = await h.tw.ws.store.runs.operations(r.apply.run_id!);
    const failed = ops.filter((o) => o.status === 'failure');
    expect(failed[0]!.message).toMatch(/^not run: lease of agent:.* expired .*after 1 attempts\)$/);
    // Settled once: a second pass finds nothing.
    expect((await createAgentWatch({ ws: h.tw.ws }).tick(true)).settled).toEqual([]);
  });
});
