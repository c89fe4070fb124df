/**
 * Routing to on-prem agents: operations of an application with `route: agent:<site>` are not run
 * by the control plane but queued for that site's agents. One job = the operations of one account
 * in one run, in dependency order (create → move/update/enable → grant/revoke → disable/delete),
 * so an agent never sees a grant before its account exists, while different accounts run in
 * parallel across agents. The ops stay `queued` in the run until the agent's result arrives.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ApplicationConfig } from '../../config/schema.js';
import { rankOf } from '../../domain/phases.js';
import type { Operation } from '../../domain/types.js';
import { operationSchema } from '../../protocol/agent-v1.js';
import type { AuditInput } from '../../store/types.js';
import type { Workspace } from '../workspace.js';
import { agentsConfig } from './settings.js';
import { siteSignals } from './signals.js';

export const AGENT_JOB_KIND = 'agent_ops';
export const siteQueue = (site: string) => `site:${site}`;

/** The site an application is routed to, or undefined when the control plane runs it. */
export const siteOf = (app: Pick<ApplicationConfig, 'route'> | undefined): string | undefined =>
  app?.route.startsWith('agent:') ? app.route.slice('agent:'.length) : undefined;

export const agentJobPayload = z.object({
  run_id: z.string(),
  app_id: z.string(),
  account_id: z.string(),
  site: z.string(),
  idempotency_key: z.string(),
  operations: z.array(operationSchema).min(1),
});
export type AgentJobPayload = z.infer<typeof agentJobPayload>;

/** Same operations (by their idempotency keys) = same key, whichever run planned them. */
export const jobKey = (ops: readonly Operation[]): string =>
  `agj_${createHash('sha256')
    .update(ops.map((o) => o.key).join('\n'))
    .digest('base64url')
    .slice(0, 32)}`;

/** Pure: one job per (application, account), its operations in phase order; creates first. */
export function groupAgentJobs(
  runId: string,
  ops: readonly Operation[],
  siteFor: (appId: string) => string,
): AgentJobPayload[] {
  const byAccount = new Map<string, Operation[]>();
  for (const op of ops) {
    const k = JSON.stringify([op.app_id, op.account_id]);
    const list = byAccount.get(k);
    if (list) list.push(op);
    else byAccount.set(k, [op]);
  }
  const jobs = [...byAccount.values()].map((list) => {
    const sorted = [...list].sort((a, b) => rankOf(a) - rankOf(b));
    const first = sorted[0]!;
    return {
      run_id: runId,
      app_id: first.app_id,
      account_id: first.account_id,
      site: siteFor(first.app_id),
      idempotency_key: jobKey(sorted),
      operations: sorted,
    };
  });
  // Stable: accounts in plan order within a phase; a whole wave of creates leaves first.
  return jobs
    .map((j, i) => ({ j, i }))
    .sort((a, b) => rankOf(a.j.operations[0]!) - rankOf(b.j.operations[0]!) || a.i - b.i)
    .map(({ j }) => j);
}

export type Enqueued = { operations: number; jobs: number; skipped: number; sites: string[] };

/**
 * Queues the operations for their sites in one transaction, audited per application. Work already
 * queued under the same key (another run's, not yet leased) is not queued twice: those operations
 * are marked `skipped` here, pointing at the job that will do them.
 */
export async function enqueueAgentOps(
  ws: Workspace,
  runId: string,
  ops: readonly Operation[],
): Promise<Enqueued> {
  const apps = new Map(ws.config.applications.map((a) => [a.id, a]));
  const siteFor = (appId: string) => siteOf(apps.get(appId)) ?? 'unknown';
  const jobs = groupAgentJobs(runId, ops, siteFor);
  const ts = ws.clock().toISOString();
  const maxAttempts = agentsConfig(ws).max_attempts;
  const out: Enqueued = { operations: 0, jobs: 0, skipped: 0, sites: [] };
  await ws.store.transaction(async (tx) => {
    const perApp = new Map<string, { site: string; jobs: number; operations: number }>();
    const queued = await tx.agentJobs.enqueueMany(
      jobs.map((job) => ({
        queue: siteQueue(job.site),
        kind: AGENT_JOB_KIND,
        payload: job,
        dedupe_key: job.idempotency_key,
        max_attempts: maxAttempts,
      })),
      ts,
    );
    for (const [i, job] of jobs.entries()) {
      const { id, twin } = queued[i]!;
      if (id === null) {
        const msg = `already queued for site ${job.site} as job ${twin ?? '?'}`;
        for (const op of job.operations)
          await tx.runs.setOperationStatus(runId, op.key, 'skipped', msg, ts);
        out.skipped += job.operations.length;
        continue;
      }
      const a = perApp.get(job.app_id) ?? { site: job.site, jobs: 0, operations: 0 };
      a.jobs++;
      a.operations += job.operations.length;
      perApp.set(job.app_id, a);
      out.jobs++;
      out.operations += job.operations.length;
    }
    const audit: AuditInput[] = [...perApp.entries()].map(([app, a]) => ({
      action: 'agent.enqueued',
      actor: 'system',
      trigger: `run:${runId}`,
      target: `application:${app}`,
      outcome: 'success',
      details: { site: a.site, jobs: a.jobs, operations: a.operations },
      ts,
    }));
    if (audit.length > 0) await tx.audit.append(audit);
    out.sites = [...new Set([...perApp.values()].map((a) => a.site))].sort();
  });
  for (const site of out.sites) siteSignals.notify(site);
  return out;
}
