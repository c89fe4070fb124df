/** tenure.yaml `agents:`: how the control plane drives on-prem agents (docs/agent.md). */
import { z } from 'zod';

export const agentsSchema = z.strictObject({
  /** Longest a lease request is held open waiting for work (long poll), ≤ 30 s. */
  poll_wait_seconds: z.number().int().min(0).max(30).default(25),
  /** Jobs (one account's operations each) handed out per lease. */
  batch_size: z.number().int().min(1).max(1000).default(100),
  /** Agents report at least this often; offline after 3 × this without a word. */
  heartbeat_seconds: z.number().int().min(5).max(3600).default(30),
  /** A lease lasts this long; a job whose lease expires goes back to the queue. */
  lease_seconds: z.number().int().min(10).max(3600).default(60),
  /** Leases a job may take before it fails for good (its operations are recorded as failures). */
  max_attempts: z.number().int().min(1).max(100).default(10),
  /** An agent offline this long raises one `agent.offline` alert in the audit trail. */
  offline_alert_minutes: z.number().int().min(1).max(10080).default(10),
});

export type AgentsConfig = z.infer<typeof agentsSchema>;
