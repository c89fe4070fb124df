/**
 * Reports finished jobs: every operation's outcome, one entry per job, sent in batches through
 * `results` (one request, one transaction on the control plane: the throughput path), retried
 * with back-off while the control plane is away; and gives jobs back with `release`.
 */
import type { OperationResult } from '../domain/types.js';
import type { AgentSettings, ResultRequest } from '../protocol/agent-v1.js';
import type { createBackoff } from './backoff.js';
import { type ControlPlaneClient, ControlPlaneError } from './client.js';
import type { Held } from './held.js';
import type { AgentLog } from './log.js';
import type { createSignal } from './sleep.js';

type Pending = {
  job_id: number;
  results: OperationResult[];
  started_at: string;
  finished_at: string;
};

/** The protocol's cap on jobs per `results` request. */
const BATCH = 500;

export function createPostQueue(d: {
  client: ControlPlaneClient;
  log: AgentLog;
  state: { held: Map<number, Held>; stopping: boolean; graceOver: boolean };
  backoff: () => ReturnType<typeof createBackoff>;
  failed: (what: string, e: unknown, b: ReturnType<typeof createBackoff>) => Promise<void>;
  contact: (s: AgentSettings) => void;
  wake: ReturnType<typeof createSignal>;
}) {
  const pending: Pending[] = [];

  const request = (p: Pending): ResultRequest | undefined => {
    const h = d.state.held.get(p.job_id);
    // Lost (released, or a lease the heartbeat could not extend and never started): nothing to say.
    if (!h) return undefined;
    return { ...p, lease_id: h.lease_id };
  };

  const settle = (jobId: number, status: string) => {
    d.state.held.delete(jobId);
    if (status === 'expired')
      d.log.warn(
        { job_id: jobId },
        'result arrived after the lease expired: not applied, the job runs again',
      );
  };

  /** Sends one batch; throws (retry later) only when the control plane may take it later. */
  async function post(batch: ResultRequest[]): Promise<void> {
    try {
      const reply = await d.client.results({ results: batch });
      d.contact(reply.settings);
      for (const s of reply.statuses) settle(s.job_id, s.status);
      return;
    } catch (e) {
      if (!(e instanceof ControlPlaneError) || e.retryable) throw e;
      if (batch.length === 1) {
        // Refused for good (invalid, revoked…): its lease runs out and the job runs again.
        d.log.error({ job_id: batch[0]!.job_id, code: e.code, error: e.message }, 'result refused');
        d.state.held.delete(batch[0]!.job_id);
        return;
      }
    }
    // One bad entry must not hold back the others: send them one by one.
    for (const r of batch) await post([r]);
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
        const chunk = pending.splice(0, BATCH);
        const batch = chunk.map(request).filter((r): r is ResultRequest => r !== undefined);
        try {
          if (batch.length > 0) await post(batch);
          b.reset();
        } catch (e) {
          pending.unshift(...chunk);
          await d.failed('result', e, b);
        }
        d.wake.notify();
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
