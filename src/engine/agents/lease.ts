/**
 * Handing work to agents: `lease` long-polls the agent's own site queue (never another's) for up to
 * `batch_size` jobs, waking at once on work enqueued in this process and re-polling every second
 * for other replicas'; `heartbeat` records the agent's state and extends the leases it still holds;
 * `release` gives jobs back untouched. Every call marks the agent seen.
 */
import { randomUUID } from 'node:crypto';
import { TenureError } from '../../domain/errors.js';
import type {
  AgentJob,
  HeartbeatRequest,
  HeartbeatResponse,
  LeaseRequest,
  LeaseResponse,
  ReleaseRequest,
} from '../../protocol/agent-v1.js';
import type { AgentRow } from '../../store/agents-types.js';
import type { JobRow } from '../../store/jobs-types.js';
import type { Workspace } from '../workspace.js';
import { agentJobPayload, siteQueue } from './routing.js';
import { agentSettings } from './settings.js';
import { siteSignals } from './signals.js';

/** How often a waiting lease looks at the store for work another replica queued. */
export const REPOLL_MS = 1_000;

/** The job row's lease owner: one agent, one lease call. A result must name the same lease. */
export const leaseOwner = (agentId: string, leaseId: string) => `agent:${agentId}:${leaseId}`;

const toAgentJob = (row: JobRow, leaseId: string): AgentJob | undefined => {
  const p = agentJobPayload.safeParse(row.payload);
  if (!p.success) return undefined;
  return {
    job_id: row.id,
    lease_id: leaseId,
    lease_expires_at: row.lease_expires_at!,
    attempt: row.attempts,
    idempotency_key: p.data.idempotency_key,
    run_id: p.data.run_id,
    app_id: p.data.app_id,
    operations: p.data.operations,
  };
};

export async function leaseJobs(
  ws: Workspace,
  agent: AgentRow,
  req: LeaseRequest,
  signal?: AbortSignal,
): Promise<LeaseResponse> {
  if (req.site !== undefined && req.site !== agent.site) {
    // A misconfigured agent must not silently serve (or starve) another site's directory.
    throw new TenureError(
      'agent.wrong_site',
      `agent ${agent.id} is enrolled for site "${agent.site}", not "${req.site}"`,
      { agent_id: agent.id, site: req.site },
    );
  }
  const settings = agentSettings(ws);
  const max = Math.min(req.max, settings.batch_size);
  const deadline = Date.now() + Math.min(req.wait_seconds, settings.poll_wait_seconds) * 1000;
  const queue = siteQueue(agent.site);
  await ws.store.agents.touch(agent.id, {}, ws.clock().toISOString());
  for (;;) {
    const leaseId = randomUUID();
    const owner = leaseOwner(agent.id, leaseId);
    const ts = ws.clock().toISOString();
    const rows = await ws.store.jobs.lease(queue, owner, max, settings.lease_seconds * 1000, ts);
    if (rows.length > 0) {
      // A full batch means more may be queued: wake the site's other waiting agents now, so they
      // share it instead of sleeping until their re-poll while this one drains the queue alone
      // (work enqueued by another process — a CLI run, a replica — wakes no one in this one).
      if (rows.length === max) siteSignals.notify(agent.site);
      return { jobs: await handOut(ws, agent, rows, leaseId, owner), settings };
    }
    const left = deadline - Date.now();
    if (left <= 0 || signal?.aborted) return { jobs: [], settings };
    await siteSignals.wait(agent.site, Math.min(left, REPOLL_MS), signal);
    // Revoked while waiting: from now on it gets nothing (its next request is refused).
    if ((await ws.store.agents.get(agent.id))?.revoked_at) return { jobs: [], settings };
  }
}

/** The leased rows as protocol jobs; each lease is audited (the trail shows every attempt). */
async function handOut(
  ws: Workspace,
  agent: AgentRow,
  rows: JobRow[],
  leaseId: string,
  owner: string,
): Promise<AgentJob[]> {
  const ts = ws.clock().toISOString();
  const jobs: AgentJob[] = [];
  for (const row of rows) {
    const job = toAgentJob(row, leaseId);
    if (job) jobs.push(job);
    // Unreadable payload (never written by this version): fail it rather than hand it out again.
    else await ws.store.jobs.fail(row.id, owner, 'unreadable agent job payload', null, ts);
  }
  if (jobs.length > 0) {
    await ws.store.audit.append([
      {
        action: 'agent.leased',
        actor: `agent:${agent.id}`,
        trigger: `site:${agent.site}`,
        target: `agent:${agent.id}`,
        outcome: 'success',
        details: {
          lease_id: leaseId,
          jobs: jobs.map((j) => ({
            job: j.job_id,
            run: j.run_id,
            attempt: j.attempt,
            operations: j.operations.length,
          })),
        },
        ts,
      },
    ]);
  }
  return jobs;
}

/** Leases of `agent` still alive (held, not expired), among those named. */
async function liveLeases(
  ws: Workspace,
  agent: AgentRow,
  leases: readonly { job_id: number; lease_id: string }[],
): Promise<{ job_id: number; owner: string }[]> {
  const now = ws.clock().toISOString();
  const live: { job_id: number; owner: string }[] = [];
  for (const l of leases) {
    const row = await ws.store.jobs.get(l.job_id);
    if (!row) continue;
    if (row.queue !== siteQueue(agent.site))
      throw new TenureError('agent.wrong_site', `job ${l.job_id} belongs to another site`, {
        agent_id: agent.id,
        job_id: l.job_id,
      });
    const owner = leaseOwner(agent.id, l.lease_id);
    if (row.status === 'leased' && row.lease_owner === owner && row.lease_expires_at! >= now)
      live.push({ job_id: l.job_id, owner });
  }
  return live;
}

export async function heartbeat(
  ws: Workspace,
  agent: AgentRow,
  req: HeartbeatRequest & { leases: { job_id: number; lease_id: string }[] },
): Promise<HeartbeatResponse> {
  const settings = agentSettings(ws);
  const ts = ws.clock().toISOString();
  await ws.store.agents.touch(
    agent.id,
    {
      version: req.version,
      active_jobs: req.active_jobs,
      last_error: req.last_error,
      targets_reachable: req.targets_reachable ?? {},
    },
    ts,
  );
  const extended: HeartbeatResponse['extended'] = [];
  for (const l of await liveLeases(ws, agent, req.leases)) {
    const ok = await ws.store.jobs.extend([l.job_id], l.owner, settings.lease_seconds * 1000, ts);
    if (ok.length > 0) {
      const row = await ws.store.jobs.get(l.job_id);
      extended.push({ job_id: l.job_id, lease_expires_at: row!.lease_expires_at! });
    }
  }
  return { settings, extended };
}

export async function releaseJobs(
  ws: Workspace,
  agent: AgentRow,
  req: ReleaseRequest,
): Promise<{ released: number[] }> {
  await ws.store.agents.touch(agent.id, {}, ws.clock().toISOString());
  const released: number[] = [];
  for (const l of await liveLeases(ws, agent, req.leases)) {
    const row = await ws.store.jobs.get(l.job_id);
    if (row && (await ws.store.jobs.release(row.id, l.owner, ws.clock().toISOString())))
      released.push(l.job_id);
  }
  if (released.length > 0) siteSignals.notify(agent.site);
  return { released };
}
