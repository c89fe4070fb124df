/**
 * Unwritten attributes through the agent: a result may say which attribute keys the target could
 * not write (`unapplied`, e.g. a manager link whose manager is not in the directory); the control
 * plane leaves them out of the actual state, so the next plan proposes them again. A result
 * without the field (an older agent) is recorded as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRun } from '../../src/engine/runs/prepare-run.js';
import { fullRun } from '../../src/engine/runs/runs.js';
import { AGENT_PATHS, type AgentJob } from '../../src/protocol/agent-v1.js';
import { testDialects } from '../support/databases.js';
import { type AgentHarness, makeAgentHarness, PEOPLE, type TestAgent } from './agent-support.js';

const result = (job: AgentJob, unapplied?: unknown) => ({
  job_id: job.job_id,
  lease_id: job.lease_id,
  results: job.operations.map((op) => ({
    key: op.key,
    outcome: 'success' as const,
    ...(op.kind === 'account.create' && unapplied !== undefined ? { unapplied } : {}),
  })),
  started_at: '2026-11-26T09:00:00.000Z',
  finished_at: '2026-11-26T09:00:01.000Z',
});

describe.each(testDialects())('agent results with unapplied attributes (%s)', (dialect) => {
  let h: AgentHarness;
  let a: TestAgent;
  let jobs: AgentJob[];
  beforeAll(async () => {
    h = await makeAgentHarness(dialect, { people: PEOPLE().slice(1, 3) });
    a = await h.enroll('HQ', 'a');
    await fullRun(h.tw.ws, { actor: 'admin:test', trigger: 'test:agent' });
    const res = await a.post(AGENT_PATHS.lease, { max: 10, wait_seconds: 0 });
    expect(res.statusCode, res.body).toBe(200);
    jobs = (res.json() as { jobs: AgentJob[] }).jobs;
    expect(jobs.map((j) => j.operations[0]!.identity_id).sort()).toEqual(['P002', 'P003']);
  });
  afterAll(() => h?.cleanup());

  const jobOf = (identity: string) => jobs.find((j) => j.operations[0]!.identity_id === identity)!;

  it('refuses an unapplied list that is not a list of attribute keys, naming the field', async () => {
    const res = await a.post(AGENT_PATHS.result, result(jobOf('P002'), 'cn'));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('unapplied');
  });

  it('leaves unapplied keys out of the actual state; the next plan proposes them again', async () => {
    const withField = await a.post(AGENT_PATHS.result, result(jobOf('P002'), ['cn']));
    expect(withField.json().status, withField.body).toBe('applied');
    const without = await a.post(AGENT_PATHS.result, result(jobOf('P003')));
    expect(without.json().status, without.body).toBe('applied');

    const [p2] = await h.tw.ws.store.accounts.forIdentity('P002');
    expect(p2?.attributes).toEqual({});
    const [p3] = await h.tw.ws.store.accounts.forIdentity('P003');
    expect(p3?.attributes).toEqual({ cn: 'First3 Last3' });

    const next = (await prepareRun(h.tw.ws)).ops.filter((o) => o.app_id === 'dir');
    expect(next.map((o) => [o.identity_id, o.kind, o.attributes])).toEqual([
      ['P002', 'account.update', { cn: 'First2 Last2' }],
    ]);
  });
});
