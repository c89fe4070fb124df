/**
 * The agent's work loop: lease (long poll) ⟶ run with the local connector ⟶ one result per job,
 * with heartbeats that extend held leases. Control-plane failures back off with full jitter and
 * never end the loop. `stop()` stops leasing, lets held jobs finish within the grace period,
 * then releases what is left.
 */
import type { Connector } from '../connectors/contract.js';
import type { OperationResult } from '../domain/types.js';
import type { AgentJob, AgentSettings } from '../protocol/agent-v1.js';
import { type BackoffPolicy, createBackoff } from './backoff.js';
import { type ControlPlaneClient, ControlPlaneError } from './client.js';
import { startHeartbeats } from './heartbeat.js';
import type { Held } from './held.js';
import type { AgentLog } from './log.js';
import { createPostQueue } from './post-results.js';
import { type JobDone, runJobs } from './runner.js';
import { createSignal, sleep } from './sleep.js';

export type WorkerDeps = {
  client: ControlPlaneClient;
  connector: Connector;
  log: AgentLog;
  backoff: BackoffPolicy;
  graceMs: number;
  settings: AgentSettings;
  /** The site from agent.yaml, sent on every lease so the control plane can refuse a mismatch. */
  site?: string;
};

export type WorkerState = ReturnType<typeof createWorker>['state'];

/** Finished idempotency keys are remembered this long (entries): a re-lease is answered from memory. */
const REMEMBER = 10_000;
/** On stop, how long a pending lease request may still answer before it is abandoned. */
const LEASE_SETTLE_MS = 1_000;

export function createWorker(d: WorkerDeps) {
  const state = {
    settings: d.settings,
    held: new Map<number, Held>(),
    lastContact: Date.now(),
    lastError: null as string | null,
    reachable: {} as Record<string, boolean>,
    stopping: false,
    graceOver: false,
  };
  const queue: AgentJob[][] = [];
  const finished = new Map<string, OperationResult[]>();
  const wake = createSignal();
  const leaseAbort = new AbortController();
  let leaseInFlight: Promise<void> = Promise.resolve();
  const graceAbort = new AbortController();

  const contact = (s: AgentSettings) => {
    state.settings = s;
    state.lastContact = Date.now();
  };
  const failed = async (what: string, e: unknown, b: ReturnType<typeof createBackoff>) => {
    const err = e as Error;
    state.lastError = `${what}: ${err.message}`;
    // Refused (revoked, bad signature, wrong site…): asking again soon will not change the
    // answer, so wait near the cap; the operator sees the error and fixes it.
    const refused = e instanceof ControlPlaneError && !e.retryable;
    const cap = d.backoff.max_ms;
    const delay = refused ? Math.floor(cap / 2 + Math.random() * (cap / 2)) : b.next();
    const level = refused ? 'error' : 'warn';
    d.log[level](
      {
        code: (e as { code?: string }).code,
        error: err.message,
        failures: b.failures,
        retry_in_ms: delay,
      },
      `${what} failed; backing off`,
    );
    await sleep(delay, what === 'lease' ? leaseAbort.signal : graceAbort.signal);
  };
  const posts = createPostQueue({
    client: d.client,
    log: d.log,
    state,
    backoff: () => createBackoff(d.backoff),
    failed,
    contact,
    wake,
  });

  function accept(jobs: AgentJob[]): void {
    const fresh: AgentJob[] = [];
    const expires = Date.now() + state.settings.lease_seconds * 1000;
    for (const job of jobs) {
      const h = state.held.get(job.job_id);
      if (h) {
        // Our earlier lease expired and the job came back to us: keep running it under the new one.
        h.lease_id = job.lease_id;
        h.expires = expires;
        continue;
      }
      state.held.set(job.job_id, { job, lease_id: job.lease_id, expires, state: 'queued' });
      const known = finished.get(job.idempotency_key);
      if (known) posts.add(job.job_id, known, new Date().toISOString(), new Date().toISOString());
      else fresh.push(job);
    }
    d.log.info(
      {
        jobs: jobs.length,
        retried: jobs.filter((j) => j.attempt > 1).length,
        held: state.held.size,
      },
      'leased',
    );
    if (fresh.length > 0) queue.push(fresh);
    wake.notify();
  }

  async function leaseLoop(): Promise<void> {
    const b = createBackoff(d.backoff);
    while (!state.stopping) {
      // Two batches to run (one running, the next leased meanwhile); jobs already run and only
      // waiting for the control plane to take their results do not hold back the next lease,
      // up to a bound, so LDAP work overlaps the control plane's recording.
      const capacity = state.settings.batch_size * 2;
      const unrun = [...state.held.values()].filter((h) => h.state !== 'reporting').length;
      const room = Math.min(capacity - unrun, state.settings.batch_size * 8 - state.held.size);
      if (room <= 0) {
        await wake.wait(1000);
        continue;
      }
      try {
        const pending = d.client.lease(
          {
            max: Math.min(state.settings.batch_size, room),
            wait_seconds: state.settings.poll_wait_seconds,
            site: d.site,
          },
          leaseAbort.signal,
        );
        leaseInFlight = pending.then(
          () => {},
          () => {},
        );
        const reply = await pending;
        b.reset();
        contact(reply.settings);
        // Jobs that arrive as we stop are accepted too: stop() finishes or releases them.
        if (reply.jobs.length > 0) accept(reply.jobs);
      } catch (e) {
        if (state.stopping) break;
        await failed('lease', e, b);
      }
    }
  }

  function onDone(r: JobDone): void {
    const failures = r.results.filter((x) => x.outcome === 'failure');
    // Only complete successes are answered from memory when the job comes back (its result was
    // lost or late); a job with failures is run again, as the control plane intends.
    if (failures.length === 0) {
      if (finished.size >= REMEMBER) finished.delete(finished.keys().next().value!);
      finished.set(r.job.idempotency_key, r.results);
    }
    const down = failures.some((f) => /server unreachable|timed out/.test(f.message ?? ''));
    state.reachable[r.job.app_id] = !down;
    d.log.info(
      {
        job_id: r.job.job_id,
        app_id: r.job.app_id,
        account_id: r.job.operations[0]?.account_id,
        attempt: r.job.attempt,
        ops: r.results.length,
        failed: failures.length,
        ...(failures[0] ? { first_failure: failures[0].message } : {}),
        started_at: r.started_at,
        finished_at: r.finished_at,
      },
      'job done',
    );
    posts.add(r.job.job_id, r.results, r.started_at, r.finished_at);
  }

  async function execLoop(): Promise<void> {
    while (!state.graceOver) {
      const batch = queue.shift();
      if (!batch) {
        if (state.stopping && state.held.size === 0) return;
        await wake.wait(500);
        continue;
      }
      const live = batch.filter((j) => state.held.get(j.job_id)?.state === 'queued');
      for (const j of live) state.held.get(j.job_id)!.state = 'running';
      const left = await runJobs(d.connector, live, onDone, () => state.graceOver);
      for (const j of left) {
        const h = state.held.get(j.job_id);
        if (h) h.state = 'queued';
      }
    }
  }

  const loops = [leaseLoop(), execLoop(), posts.loop()];
  const heartbeats = startHeartbeats({ client: d.client, log: d.log, state, contact });

  return {
    state,
    /** Stop leasing; give held jobs `graceMs` to finish and report; release the rest. */
    async stop(): Promise<void> {
      if (state.stopping) return;
      state.stopping = true;
      wake.notify();
      d.log.info({ held: state.held.size, grace_ms: d.graceMs }, 'stopping: no new leases');
      const deadline = Date.now() + d.graceMs;
      // A lease answered while we hang up would leave its jobs leased to nobody until they
      // expire: let a reply already on its way arrive (its jobs are run or released below);
      // an idle long poll is abandoned after a moment.
      await Promise.race([leaseInFlight, sleep(LEASE_SETTLE_MS)]);
      leaseAbort.abort();
      while (state.held.size > 0 && Date.now() < deadline)
        await wake.wait(Math.max(1, Math.min(200, deadline - Date.now())));
      state.graceOver = true;
      graceAbort.abort();
      wake.notify();
      await posts.release([...state.held.keys()]);
      heartbeats.stop();
      // The lease and post loops end promptly now; a connector call still in flight is abandoned.
      await Promise.race([Promise.all(loops.slice(0, 1).concat(loops.slice(2))), sleep(2000)]);
    },
  };
}
