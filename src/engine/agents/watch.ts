/**
 * The leader's periodic look at the agents (run from the scheduler tick, throttled): one
 * `agent.offline` alert per outage for an agent silent longer than `offline_alert_minutes`;
 * operations of site jobs that ran out of attempts recorded as failures (so their run completes,
 * visibly failed, instead of waiting for ever); expired request nonces purged.
 */
import type { Clock, OperationResult } from '../../domain/types.js';
import { checkpoint } from '../audit/checkpoint.js';
import { recordOutcomes } from '../runs/execute.js';
import type { Logger, Workspace } from '../workspace.js';
import { agentJobPayload } from './routing.js';
import { finishRunIfDone } from './runs.js';
import { agentsConfig } from './settings.js';

export type AgentWatch = {
  /** Does the checks if `everyMs` passed since the last ones (or `force`). */
  tick(force?: boolean): Promise<{ alerts: string[]; settled: number[] }>;
};

export function createAgentWatch(deps: {
  ws: Workspace;
  clock?: Clock;
  log?: Logger;
  everyMs?: number;
}): AgentWatch {
  const { ws } = deps;
  const clock = deps.clock ?? ws.clock;
  const log: Logger = deps.log ?? ws.log;
  const everyMs = deps.everyMs ?? 15_000;
  let last = 0;

  const offlineAlerts = async (now: Date): Promise<string[]> => {
    const limitMs = agentsConfig(ws).offline_alert_minutes * 60_000;
    const alerts: string[] = [];
    for (const a of await ws.store.agents.list()) {
      if (a.revoked_at !== null || a.offline_alert_for === a.last_seen_at) continue;
      const silentMs = now.getTime() - Date.parse(a.last_seen_at);
      if (silentMs < limitMs) continue;
      // Compare-and-set on last_seen_at: one alert per outage, whichever replica gets there.
      if (!(await ws.store.agents.markOfflineAlert(a.id, a.last_seen_at))) continue;
      await ws.store.audit.append([
        {
          action: 'agent.offline',
          actor: 'system',
          trigger: `site:${a.site}`,
          target: `agent:${a.id}`,
          outcome: 'failure',
          details: {
            site: a.site,
            hostname: a.hostname,
            last_seen_at: a.last_seen_at,
            offline_minutes: Math.floor(silentMs / 60_000),
          },
          ts: now.toISOString(),
        },
      ]);
      log.warn({ agent: a.id, site: a.site, last_seen_at: a.last_seen_at }, 'agent offline');
      alerts.push(a.id);
    }
    return alerts;
  };

  const settleFailed = async (now: Date): Promise<number[]> => {
    const settled: number[] = [];
    const ts = now.toISOString();
    for (const job of await ws.store.agentJobs.unsettledFailures(100)) {
      const p = agentJobPayload.safeParse(job.payload);
      const finished = await ws.store.transaction(async (tx) => {
        if (p.success) await tx.agentJobs.lockRun(p.data.run_id);
        const row = await tx.agentJobs.lockJob(job.id);
        if (row?.status !== 'failed' || row.result !== null) return false;
        await tx.agentJobs.setResult(job.id, { settled: 'failed', attempts: row.attempts });
        if (!p.success) return false;
        const message = `not run: ${row.last_error ?? 'the job failed'} (after ${row.attempts} attempts)`;
        const results = new Map<string, OperationResult>(
          p.data.operations.map((op) => [op.key, { key: op.key, outcome: 'failure', message }]),
        );
        await recordOutcomes(tx, p.data.operations, results, {
          runId: p.data.run_id,
          ts,
          actor: () => 'system',
        });
        return finishRunIfDone(tx, p.data.run_id, ts);
      });
      settled.push(job.id);
      if (finished) await checkpoint(ws);
    }
    if (settled.length > 0)
      log.warn({ jobs: settled }, 'agent jobs out of attempts: recorded as failures');
    return settled;
  };

  return {
    async tick(force = false) {
      const now = clock();
      if (!force && now.getTime() - last < everyMs) return { alerts: [], settled: [] };
      last = now.getTime();
      // Leases that ran out while no agent was asking for work: back to the queue (or failed).
      await ws.store.jobs.requeueExpired(now.toISOString());
      const alerts = await offlineAlerts(now);
      const settled = await settleFailed(now);
      await ws.store.agents.purgeNonces(now.toISOString());
      return { alerts, settled };
    },
  };
}
