/**
 * Heartbeats: sent when the agent has not talked to the control plane for `heartbeat_seconds`
 * (a lease call counts), and whenever a held lease is a third through its life — the heartbeat
 * extends it, so a long batch is not taken away mid-run. A lease the reply does not extend is
 * lost: a job not yet started is dropped, one running finishes and its result is refused.
 */
import type { AgentSettings } from '../protocol/agent-v1.js';
import type { ControlPlaneClient } from './client.js';
import type { Held } from './held.js';
import type { AgentLog } from './log.js';
import { sleep } from './sleep.js';
import { AGENT_VERSION } from './version.js';

type State = {
  settings: AgentSettings;
  held: Map<number, Held>;
  lastContact: number;
  lastError: string | null;
  reachable: Record<string, boolean>;
};

export function startHeartbeats(d: {
  client: ControlPlaneClient;
  log: AgentLog;
  state: State;
  contact: (s: AgentSettings) => void;
}) {
  const stop = new AbortController();
  const s = d.state;

  async function beat(): Promise<void> {
    const now = Date.now();
    const leaseMs = s.settings.lease_seconds * 1000;
    const due = [...s.held.values()].filter((h) => h.expires - now < (leaseMs * 2) / 3);
    if (due.length === 0 && now - s.lastContact < s.settings.heartbeat_seconds * 1000) return;
    const sent = due.slice(0, 1000);
    const reply = await d.client.heartbeat({
      version: AGENT_VERSION,
      active_jobs: [...s.held.values()].filter((h) => h.state === 'running').length,
      last_error: s.lastError?.slice(0, 2000) ?? null,
      targets_reachable: s.reachable,
      leases: sent.map((h) => ({ job_id: h.job.job_id, lease_id: h.lease_id })),
    });
    d.contact(reply.settings);
    const extended = new Set(reply.extended.map((e) => e.job_id));
    const until = Date.now() + s.settings.lease_seconds * 1000;
    for (const h of sent) {
      if (extended.has(h.job.job_id)) h.expires = until;
      else if (s.held.get(h.job.job_id) === h) {
        d.log.warn({ job_id: h.job.job_id, state: h.state }, 'lease lost');
        if (h.state === 'queued') s.held.delete(h.job.job_id);
      }
    }
  }

  void (async () => {
    while (!stop.signal.aborted) {
      const every = Math.min(s.settings.heartbeat_seconds, s.settings.lease_seconds / 3);
      await sleep(Math.max(250, every * 1000), stop.signal);
      if (stop.signal.aborted) return;
      try {
        await beat();
      } catch (e) {
        s.lastError = `heartbeat: ${(e as Error).message}`;
        d.log.warn({ error: (e as Error).message }, 'heartbeat failed');
      }
    }
  })();

  return { stop: () => stop.abort() };
}
