/** A job the agent holds under a lease: shared by the work loop, its heartbeats and its result queue. */
import type { AgentJob } from '../protocol/agent-v1.js';

export type Held = {
  job: AgentJob;
  lease_id: string;
  /** Agent clock: when our lease runs out (leased or extended + lease_seconds). */
  expires: number;
  state: 'queued' | 'running' | 'reporting';
};
