/** Routing to on-prem agents: a run on agent-routed applications queues per site, waits, and completes with the agents' results. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRun } from '../../src/engine/runs/prepare-run.js';
import { applyRun, fullRun } from '../../src/engine/runs/runs.js';
import { AGENT_PATHS, type AgentJob } from '../../src/protocol/agent-v1.js';
import { testDialects } from '../support/databases.js';
import { type AgentHarness, makeAgentHarness, type TestAgent } from './agent-support.js';

const ok = (job: AgentJob, started = '2026-11-26T09:00:01.000Z') => ({
  job_id: job.job_id,
  lease_id: job.lease_id,
  results: job.operations.map((op) => ({ key: op.key, outcome: 'success' as const })),
  started_at: started,
  finished_at: started,
});

describe.each(testDialects())('agent routing (%s)', (dialect) => {
  let h: AgentHarness;
  let hq: TestAgent;
  let branch: TestAgent;
  let runId: string;
  let hqJobs: AgentJob[];
  beforeAll(async () => {
    h = await makeAgentHarness(dialect);
    hq = await h.enroll('HQ');
    branch = await h.enroll('BRANCH');
  });
  afterAll(() => h?.cleanup());

  const lease = async (a: TestAgent, max = 100, wait = 0): Promise<AgentJob[]> => {
    const res = await a.post(AGENT_PATHS.lease, { max, wait_seconds: wait });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().jobs;
  };
  const siteJobs = async () =>
    (await h.tw.ws.store.jobs.list({ limit: 1000 })).filter((j) => j.queue.startsWith('site:'));

  it('queues agent-routed operations per site and leaves the run waiting for the agents', async () => {
    const r = await fullRun(h.tw.ws, { actor: 'admin:test', trigger: 'test' });
    runId = r.apply.run_id!;
    // dir: 4 creates + 4 staff + 2 eng; branch: P001 (Osaka) create + staff.
    expect(r.apply.execution).toMatchObject({ waiting_for_agent: 12, pending_manual: 8 });
    const run = await h.tw.ws.store.runs.get(runId);
    expect(run).toMatchObject({ status: 'applying', finished_at: null });
    expect(run!.summary).toMatchObject({ waiting_for_agent: 12, pending_manual: 8 });
    const ops = await h.tw.ws.store.runs.operations(runId);
    expect(ops.filter((o) => o.status === 'queued')).toHaveLength(12);
    const jobs = await siteJobs();
    expect(jobs.map((j) => j.queue).sort()).toEqual(
      [...Array(4).fill('site:HQ'), 'site:BRANCH'].sort(),
    );
    expect((await h.audit()).filter((e) => e.action === 'run.waiting_for_agent')).toHaveLength(1);
  });

  it('does not queue them again when the plan is made again while they wait', async () => {
    const plan = await prepareRun(h.tw.ws);
    expect(plan.ops).toEqual([]);
    expect(plan.waitingForAgent).toBe(12);
    const again = await applyRun(h.tw.ws, { actor: 'admin:test', trigger: 'test' });
    expect(again.status).toBe('nothing_to_do');
    expect(await siteJobs()).toHaveLength(5);
  });

  it("leases only the agent's own site, one job per account in dependency order", async () => {
    const elsewhere = await h.enroll('OTHER');
    expect(await lease(elsewhere)).toEqual([]);
    hqJobs = await lease(hq);
    expect(hqJobs).toHaveLength(4);
    expect(new Set(hqJobs.map((j) => j.app_id))).toEqual(new Set(['dir']));
    for (const j of hqJobs) {
      expect(j).toMatchObject({ run_id: runId, attempt: 1 });
      expect(j.idempotency_key).toMatch(/^agj_/);
      expect(j.operations[0]!.kind).toBe('account.create');
      expect(new Set(j.operations.map((o) => o.account_id)).size).toBe(1);
      expect(j.operations.slice(1).every((o) => o.kind === 'entitlement.grant')).toBe(true);
    }
    expect(await lease(hq)).toEqual([]);
  });

  it("refuses (and audits) a result for another site's job", async () => {
    const [bj] = (await siteJobs()).filter((j) => j.queue === 'site:BRANCH');
    const res = await hq.post(AGENT_PATHS.result, {
      job_id: bj!.id,
      lease_id: 'x',
      results: [{ key: 'k', outcome: 'success' }],
      started_at: '2026-11-26T09:00:00Z',
      finished_at: '2026-11-26T09:00:00Z',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('agent.wrong_site');
    const last = (await h.audit()).filter((e) => e.action === 'agent.refused').at(-1)!;
    expect(last.details).toMatchObject({ reason: 'agent.wrong_site', job: bj!.id });
  });

  it('refuses (and audits) a lease that names another site than the enrolled one', async () => {
    const res = await hq.post(AGENT_PATHS.lease, { max: 10, wait_seconds: 0, site: 'BRANCH' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('agent.wrong_site');
    const last = (await h.audit()).filter((e) => e.action === 'agent.refused').at(-1)!;
    expect(last.details).toMatchObject({ reason: 'agent.wrong_site', site: 'BRANCH' });
  });

  it('applies results once: actual state, statuses, audit by agent:<id>; a repeat is ignored', async () => {
    const first = await hq.post(AGENT_PATHS.result, ok(hqJobs[0]!));
    expect(first.json()).toMatchObject({ status: 'applied', settings: { batch_size: 100 } });
    const auditBefore = (await h.audit()).length;
    const again = await hq.post(AGENT_PATHS.result, ok(hqJobs[0]!));
    expect(again.json().status).toBe('duplicate');
    expect((await h.audit()).length).toBe(auditBefore);

    const rest = await hq.post(AGENT_PATHS.results, { results: hqJobs.slice(1).map((j) => ok(j)) });
    expect(rest.json().statuses.map((s: { status: string }) => s.status)).toEqual([
      'applied',
      'applied',
      'applied',
    ]);

    const accounts = await h.tw.ws.store.accounts.all('dir');
    expect(accounts).toHaveLength(4);
    expect(accounts.find((a) => a.account_id === 'P002')!.entitlements.sort()).toEqual([
      'eng',
      'staff',
    ]);
    const opAudit = (await h.audit()).filter(
      (e) => e.action === 'account.create' && e.target.startsWith('account:dir/'),
    );
    expect(opAudit).toHaveLength(4);
    expect(opAudit.every((e) => e.actor === `agent:${hq.id}`)).toBe(true);
    const agent = await h.tw.ws.store.agents.get(hq.id);
    expect(agent).toMatchObject({ ops_done: 10, ops_failed: 0 });
    // BRANCH still owes two operations.
    expect((await h.tw.ws.store.runs.get(runId))!).toMatchObject({
      status: 'applying',
      summary: { waiting_for_agent: 2 },
    });
  });

  it('completes the run when the last result arrives', async () => {
    const [bj] = await lease(branch);
    expect(bj!.app_id).toBe('branch');
    // One failure: the run completes, and says so.
    const res = await branch.post(AGENT_PATHS.result, {
      ...ok(bj!),
      results: [
        { key: bj!.operations[0]!.key, outcome: 'success' },
        { key: bj!.operations[1]!.key, outcome: 'failure', message: 'no such group' },
      ],
    });
    expect(res.json().status).toBe('applied');
    const run = await h.tw.ws.store.runs.get(runId);
    expect(run).toMatchObject({
      status: 'done',
      summary: { waiting_for_agent: 0, success: 11, failure: 1, pending_manual: 8 },
    });
    expect(run!.finished_at).not.toBeNull();
    const completed = (await h.audit()).filter((e) => e.action === 'run.completed').at(-1)!;
    expect(completed.actor).toBe('admin:test');
    expect(completed.details).toMatchObject({ success: 11, failure: 1, via_agent: true });
    expect(await h.tw.ws.store.agents.get(branch.id)).toMatchObject({ ops_done: 1, ops_failed: 1 });
  });

  it('refuses results naming operations that are not in the job', async () => {
    const r = await fullRun(h.tw.ws, { actor: 'admin:test', trigger: 'retry' });
    // The failed grant is planned again and goes to BRANCH.
    expect(r.apply.execution?.waiting_for_agent).toBe(1);
    const [bj] = await lease(branch);
    const res = await branch.post(AGENT_PATHS.result, {
      ...ok(bj!),
      results: [{ key: 'not-in-job', outcome: 'success' }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('agent.invalid');
    expect((await branch.post(AGENT_PATHS.result, ok(bj!))).json().status).toBe('applied');
    expect((await h.tw.ws.store.runs.get(r.apply.run_id!))!.status).toBe('done');
  });
});
