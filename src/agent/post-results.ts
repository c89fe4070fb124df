/**
 * Reports finished jobs (one `result` per job, every operation's outcome), several at a time,
 * retried with back-off while the control plane is away; and gives jobs back with `release`.
 */
import type { OperationResult } from '../domain/types.js';
import type { AgentSettings } from '../protocol/agent-v1.js';
import type { createBackoff } from './backoff.js';
import { type ControlPlaneClient, ControlPlaneError } from './client.js';
import type { AgentLog } from './log.js';
import type { createSignal } from './sleep.js';
import type { Held } from './worker.js';

type Pending = {
  job_id: number;
  results: OperationResult[];
  started_at: string;
  finished_at: string;
};

/** Results in flight at once: the control plane records each in its own transaction. */
const CONCURRENCY = 8;

export function createPostQueue(d: {
  client: ControlPlaneClient;
  log: AgentLog;
  state: { held: Map<number, Held>; stopping: boolean; graceOver: boolean };
  backoff: () => ReturnType<typeof createBackoff>;
  failed: (what: string, e: unknown, b: ReturnType<typeof createBackoff>) => Promise<void>;
  contact: (s: AgentSettings) => void;
  wake: ReturnType<typeof createSignal>;
  graceSignal: AbortSignal;
}) {
  const pending: Pending[] = [];

  /** true: settled (recorded, duplicate, expired, or refused for good); false: try again. */
  async function post(p: Pending): Promise<boolean> {
    const h = d.state.held.get(p.job_id);
    if (!h) return true;
    try {
      const reply = await d.client.result({
        job_id: p.job_id,
        lease_id: h.lease_id,
        results: p.results,
        started_at: p.started_at,
        finished_at: p.finished_at,
      });
      d.contact(reply.settings);
      if (reply.status === 'expired')
        d.log.warn(
          { job_id: p.job_id },
          'result arrived after the lease expired: not applied, the job runs again',
        );
    } catch (e) {
      if (!(e instanceof ControlPlaneError) || e.retryable) throw e;
      // Refused for good (invalid, revoked…): the lease runs out and the job is run again.
      d.log.error({ job_id: p.job_id, code: e.code, error: e.message }, 'result refused');
    }
    d.state.held.delete(p.job_id);
    return true;
  }

  return {
    add(job_id: number, results: OperationResult[], started_at: string, finished_at: string) {
      const h = d.state.held.get(job_id);
      if (h) h.state = 'reporting';
      pending.push({ job_id, results, started_at, finished_at });
      d.wake.notify();
    },

    async loop(): Promise<void> {
      const b = d.backoff();
      while (!d.state.graceOver) {
        if (pending.length === 0) {
          if (d.state.stopping && d.state.held.size === 0) return;
          await d.wake.wait(500);
          continue;
        }
        const chunk = pending.splice(0, CONCURRENCY);
        const settled = await Promise.allSettled(chunk.map(post));
        const again = chunk.filter((_, i) => settled[i]!.status === 'rejected');
        d.wake.notify();
        if (again.length === 0) {
          b.reset();
          continue;
        }
        pending.unshift(...again);
        const first = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult;
        await d.failed('result', first.reason, b);
      }
    },

    /** Gives jobs back (SIGTERM): queued again at once by the control plane, attempt not counted. */
    async release(jobIds: number[]): Promise<void> {
      const leases = jobIds
        .map((id) => d.state.held.get(id))
        .filter((h): h is Held => h !== undefined)
        .map((h) => ({ job_id: h.job.job_id, lease_id: h.lease_id }));
      for (const id of jobIds) d.state.held.delete(id);
      if (leases.length === 0) return;
      try {
        for (let i = 0; i < leases.length; i += 1000) {
          const r = await d.client.release({ leases: leases.slice(i, i + 1000) });
          d.log.info({ released: r.released }, 'released jobs to the queue');
        }
      } catch (e) {
        d.log.warn(
          { error: (e as Error).message, jobs: leases.map((l) => l.job_id) },
          'could not release; the leases expire instead',
        );
      }
    },
  };
}
