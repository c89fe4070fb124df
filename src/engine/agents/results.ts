/**
 * Agents' results: each job's outcomes are recorded exactly as the control plane records its own
 * (recordOutcomes: actual state, operation status, audit — actor `agent:<id>`, trigger
 * `run:<id>`), once. A result repeated for the same job and lease is ignored (`duplicate`); one
 * whose lease expired is audited (`agent.result.expired`) but not applied — the job is, or will
 * be, leased again, and its operations carry desired values, so running them again is harmless.
 */
import { TenureError } from '../../domain/errors.js';
import type { Operation, OperationResult } from '../../domain/types.js';
import type { ResultRequest } from '../../protocol/agent-v1.js';
import type { AgentRow } from '../../store/agents-types.js';
import type { JobRow } from '../../store/jobs-types.js';
import type { AuditInput, Store } from '../../store/types.js';
import { checkpoint } from '../audit/checkpoint.js';
import { recordOutcomes } from '../runs/execute.js';
import type { Workspace } from '../workspace.js';
import { leaseOwner } from './lease.js';
import { type AgentJobPayload, agentJobPayload, siteQueue } from './routing.js';
import { finishRunIfDone } from './runs.js';

export type ResultStatus = 'applied' | 'duplicate' | 'expired';

type Checked = {
  req: ResultRequest;
  payload: AgentJobPayload;
  results: Map<string, OperationResult>;
};

/** Refuses (before anything is written) a result for another site's job or naming foreign keys. */
async function check(ws: Workspace, agent: AgentRow, req: ResultRequest): Promise<Checked> {
  const job = await ws.store.jobs.get(req.job_id);
  if (!job) throw new TenureError('agent.invalid', `no job ${req.job_id}`, { agent_id: agent.id });
  if (job.queue !== siteQueue(agent.site))
    throw new TenureError('agent.wrong_site', `job ${req.job_id} belongs to another site`, {
      agent_id: agent.id,
      job_id: req.job_id,
      site: agent.site,
    });
  const payload = agentJobPayload.parse(job.payload);
  const keys = new Set(payload.operations.map((o) => o.key));
  const results = new Map<string, OperationResult>();
  for (const r of req.results) {
    if (!keys.has(r.key) || results.has(r.key))
      throw new TenureError(
        'agent.invalid',
        `job ${req.job_id}: result for ${results.has(r.key) ? 'the same operation twice' : 'an operation not in the job'} (${r.key})`,
        { agent_id: agent.id, job_id: req.job_id },
      );
    results.set(r.key, r);
  }
  return { req, payload, results };
}

const missing = (results: Map<string, OperationResult>, ops: Operation[]) => {
  const all = new Map(results);
  for (const op of ops)
    if (!all.has(op.key))
      all.set(op.key, { key: op.key, outcome: 'failure', message: 'the agent reported no result' });
  return all;
};

/** One job's result inside the transaction: applied, duplicate or expired. */
async function applyOne(
  tx: Store,
  agent: AgentRow,
  c: Checked,
  ts: string,
  audit: AuditInput[],
): Promise<{ status: ResultStatus; done: number; failed: number }> {
  const owner = leaseOwner(agent.id, c.req.lease_id);
  const row = (await tx.agentJobs.lockJob(c.req.job_id)) as JobRow;
  if (row.status === 'done' && row.lease_owner === owner)
    return { status: 'duplicate', done: 0, failed: 0 };
  if (row.status !== 'leased' || row.lease_owner !== owner || row.lease_expires_at! < ts) {
    audit.push({
      action: 'agent.result.expired',
      actor: `agent:${agent.id}`,
      trigger: `run:${c.payload.run_id}`,
      target: `agent:${agent.id}`,
      outcome: 'failure',
      details: {
        job: row.id,
        lease_id: c.req.lease_id,
        attempt: row.attempts,
        job_status: row.status,
        outcomes: [...c.results.values()].map((r) => ({ key: r.key, outcome: r.outcome })),
      },
      ts,
    });
    return { status: 'expired', done: 0, failed: 0 };
  }
  const recorded = await recordOutcomes(
    tx,
    c.payload.operations,
    missing(c.results, c.payload.operations),
    {
      runId: c.payload.run_id,
      ts,
      actor: () => `agent:${agent.id}`,
      auditSink: audit,
    },
  );
  const failed = recorded.filter((r) => r.result.outcome === 'failure').length;
  await tx.jobs.complete(
    row.id,
    owner,
    {
      lease_id: c.req.lease_id,
      started_at: c.req.started_at,
      finished_at: c.req.finished_at,
      success: recorded.length - failed,
      failure: failed,
    },
    ts,
  );
  return { status: 'applied', done: recorded.length - failed, failed };
}

/** Records results of one or more jobs in one transaction; returns each job's status in order. */
export async function applyAgentResults(
  ws: Workspace,
  agent: AgentRow,
  requests: ResultRequest[],
): Promise<{ job_id: number; status: ResultStatus }[]> {
  const checked: Checked[] = [];
  for (const req of requests) checked.push(await check(ws, agent, req));
  const ts = ws.clock().toISOString();
  const runs = [...new Set(checked.map((c) => c.payload.run_id))].sort();
  const { statuses, finished } = await ws.store.transaction(async (tx) => {
    // Runs first, in a fixed order: the run lock serialises whoever finishes a run.
    for (const run of runs) await tx.agentJobs.lockRun(run);
    const audit: AuditInput[] = [];
    const statuses: { job_id: number; status: ResultStatus }[] = [];
    let done = 0;
    let failed = 0;
    for (const c of checked) {
      const r = await applyOne(tx, agent, c, ts, audit);
      statuses.push({ job_id: c.req.job_id, status: r.status });
      done += r.done;
      failed += r.failed;
    }
    if (audit.length > 0) await tx.audit.append(audit);
    await tx.agents.addCounts(agent.id, done, failed);
    await tx.agents.touch(agent.id, {}, ts);
    const finished: string[] = [];
    for (const run of runs) if (await finishRunIfDone(tx, run, ts)) finished.push(run);
    return { statuses, finished };
  });
  for (const s of statuses)
    if (s.status === 'expired')
      ws.log.warn(
        { agent: agent.id, job: s.job_id },
        'agent result on an expired lease: not applied',
      );
  if (finished.length > 0) {
    ws.log.info({ runs: finished, agent: agent.id }, 'runs completed by agent results');
    await checkpoint(ws);
  }
  return statuses;
}
