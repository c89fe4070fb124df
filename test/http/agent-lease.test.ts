/** Leasing to agents: long poll, early wake-up, lease expiry to another agent, late results, release, extension. */

import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { siteSignals } from '../../src/engine/agents/signals.js';
import { fullRun } from '../../src/engine/runs/runs.js';
import { buildApp } from '../../src/http/app.js';
import { signAgentRequest } from '../../src/protocol/agent-auth.js';
import { AGENT_PATHS, type AgentJob } from '../../src/protocol/agent-v1.js';
import { testDialects } from '../support/databases.js';
import {
  AGENT_YAML,
  type AgentHarness,
  makeAgentHarness,
  PEOPLE,
  type TestAgent,
} from './agent-support.js';
import { waitFor } from './webhook-support.js';

const HB = { version: '1', active_jobs: 1, last_error: null, targets_reachable: {} };
/** The longest delay setTimeout takes (longer ones fire at once). */
const NEVER_MS = 2_147_483_647;

/**
 * Takes the lease loop's re-poll timer out of play: its waits end only on a notify or an abort.
 * A long poll that then ends proves that signal ended it, whatever the load on the machine.
 */
const onlySignalsWake = () => {
  const wait = siteSignals.wait;
  let waits = 0;
  vi.spyOn(siteSignals, 'wait').mockImplementation((site, _ms, signal) => {
    waits++;
    return wait(site, NEVER_MS, signal);
  });
  return { waiting: async () => waits > 0 };
};

const result = (job: AgentJob) => ({
  job_id: job.job_id,
  lease_id: job.lease_id,
  results: job.operations.map((op) => ({ key: op.key, outcome: 'success' as const })),
  started_at: '2026-11-26T09:00:00.000Z',
  finished_at: '2026-11-26T09:00:01.000Z',
});

describe.each(testDialects())('agent leases (%s)', (dialect) => {
  let h: AgentHarness;
  let a: TestAgent;
  let b: TestAgent;
  beforeAll(async () => {
    h = await makeAgentHarness(dialect, {
      yaml: AGENT_YAML('{ poll_wait_seconds: 10, batch_size: 2 }'),
      people: PEOPLE().slice(1),
    });
    a = await h.enroll('HQ', 'a');
    b = await h.enroll('HQ', 'b');
  });
  afterAll(() => h?.cleanup());
  afterEach(() => vi.restoreAllMocks());

  const lease = async (agent: TestAgent, wait = 0, max = 10) => {
    const res = await agent.post(AGENT_PATHS.lease, { max, wait_seconds: wait });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { jobs: AgentJob[]; settings: Record<string, number> };
  };

  it('waits up to wait_seconds when there is no work, and answers with the server settings', async () => {
    const t0 = Date.now();
    const r = await lease(a, 1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(r).toEqual({
      jobs: [],
      settings: { poll_wait_seconds: 10, batch_size: 2, heartbeat_seconds: 30, lease_seconds: 60 },
    });
  });

  it('wakes a waiting lease as soon as work is queued, and caps the batch at batch_size', async () => {
    const signals = onlySignalsWake();
    const waiting = lease(a, 10);
    await waitFor('the lease to wait', signals.waiting);
    await fullRun(h.tw.ws, { actor: 'admin:test', trigger: 'test' });
    // With no re-poll timer left, only the in-process notifier can have woken it.
    const r = await waiting;
    expect(r.jobs).toHaveLength(2);
  });

  it('extends live leases on heartbeat', async () => {
    const [job] = (await lease(b, 0, 1)).jobs;
    h.tw.setNow('2026-11-26T09:00:30.000Z');
    const res = await b.post(AGENT_PATHS.heartbeat, {
      ...HB,
      leases: [
        { job_id: job!.job_id, lease_id: job!.lease_id },
        { job_id: job!.job_id, lease_id: 'not-mine' },
      ],
    });
    expect(res.json().extended).toEqual([
      { job_id: job!.job_id, lease_expires_at: '2026-11-26T09:01:30.000Z' },
    ]);
    // Give it back: queued again at once, the attempt not counted.
    const rel = await b.post(AGENT_PATHS.release, {
      leases: [{ job_id: job!.job_id, lease_id: job!.lease_id }],
    });
    expect(rel.json()).toEqual({ released: [job!.job_id] });
    expect(await h.tw.ws.store.jobs.get(job!.job_id)).toMatchObject({
      status: 'queued',
      attempts: 0,
    });
  });

  it('an expired lease goes to another agent; the late result is audited, not applied', async () => {
    h.tw.setNow('2026-11-26T09:00:30.000Z');
    const mine = (await lease(b, 0, 1)).jobs;
    expect(mine).toHaveLength(1);
    const job = mine[0]!;
    // b goes silent past its lease; a takes the job over.
    h.tw.setNow('2026-11-26T09:02:00.000Z');
    // a's own first jobs expired too: they come back as well, oldest first (batch_size 2).
    let taken: AgentJob | undefined;
    for (let i = 0; i < 3 && !taken; i++)
      taken = (await lease(a, 0, 10)).jobs.find((j) => j.job_id === job.job_id);
    expect(taken).toMatchObject({ attempt: 2 });
    expect(taken!.lease_id).not.toBe(job.lease_id);

    const late = await b.post(AGENT_PATHS.result, result(job));
    expect(late.json().status).toBe('expired');
    const ops = await h.tw.ws.store.runs.operations(taken!.run_id);
    const keys = new Set(job.operations.map((o) => o.key));
    expect(ops.filter((o) => keys.has(o.op.key)).every((o) => o.status === 'queued')).toBe(true);

    expect((await a.post(AGENT_PATHS.result, result(taken!))).json().status).toBe('applied');
    expect(ops.length).toBeGreaterThan(0);
    const audit = await h.audit();
    const leases = audit
      .filter((e) => e.action === 'agent.leased')
      .flatMap((e) =>
        (e.details.jobs as { job: number; attempt: number }[])
          .filter((j) => j.job === job.job_id)
          .map((j) => ({ actor: e.actor, attempt: j.attempt })),
      );
    expect(leases).toEqual(
      expect.arrayContaining([
        { actor: `agent:${b.id}`, attempt: 1 },
        { actor: `agent:${a.id}`, attempt: 2 },
      ]),
    );
    expect(audit.find((e) => e.action === 'agent.result.expired')).toMatchObject({
      actor: `agent:${b.id}`,
      details: { job: job.job_id, lease_id: job.lease_id },
    });
  });

  it('finishes the run once every job is reported', async () => {
    h.tw.setNow('2026-11-26T09:02:00.000Z');
    for (;;) {
      const { jobs } = await lease(a, 0, 10);
      if (jobs.length === 0) break;
      await a.post(AGENT_PATHS.results, { results: jobs.map(result) });
    }
    // Jobs a held from the first lease and never reported: expire, then lease again.
    h.tw.setNow('2026-11-26T09:10:00.000Z');
    for (;;) {
      const { jobs } = await lease(a, 0, 10);
      if (jobs.length === 0) break;
      await a.post(AGENT_PATHS.results, { results: jobs.map(result) });
    }
    const [run] = await h.tw.ws.store.runs.list(1);
    expect(run).toMatchObject({ status: 'done', summary: { waiting_for_agent: 0, failure: 0 } });
    expect(await h.tw.ws.store.accounts.all('dir')).toHaveLength(3);
  });

  it('ends waiting long polls when the server closes, so shutdown does not wait them out', async () => {
    const other = await buildApp({ ws: h.tw.ws, log: pino({ level: 'silent' }) });
    await other.ready();
    const body = JSON.stringify({ max: 1, wait_seconds: 10 });
    const authorization = await signAgentRequest({
      agentId: a.id,
      privateKey: a.key,
      method: 'POST',
      path: AGENT_PATHS.lease,
      body,
      now: h.tw.ws.clock(),
    });
    const signals = onlySignalsWake();
    const waiting = other.inject({
      method: 'POST',
      url: AGENT_PATHS.lease,
      headers: { 'content-type': 'application/json', authorization },
      payload: body,
    });
    await waitFor('the lease to wait', signals.waiting);
    await other.close();
    // With no re-poll timer left (and no work queued), only the close can have ended the wait.
    const res = await waiting;
    expect(res.json().jobs).toEqual([]);
  });
});
