/** The jobs the control plane queues: their kinds, payloads (validated when leased) and priorities. */
import { z } from 'zod';

export const JOB_KINDS = ['import_and_run', 'lifecycle_tick', 'reconcile', 'run_identity'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Webhook work first: someone is waiting for that one person; scheduled work can wait a second. */
export const PRIORITY = { webhook: 10, schedule: 0 } as const;

export const schedulePayload = z.strictObject({
  /** The schedule that queued it; its state records the outcome. */
  schedule: z.string(),
  /** The slot it fired for. */
  due_at: z.string(),
});

export const runIdentityPayload = z.strictObject({
  identity_id: z.string().min(1),
  source_id: z.string().min(1),
  event_id: z.string().optional(),
  /** When the webhook arrived (latency figures). */
  received_at: z.string(),
});
export type RunIdentityPayload = z.infer<typeof runIdentityPayload>;

/** Retries: a scheduled job is re-queued by the next slot anyway; a webhook's run must not be lost. */
export const MAX_ATTEMPTS: Record<JobKind, number> = {
  import_and_run: 3,
  lifecycle_tick: 3,
  reconcile: 3,
  run_identity: 8,
};
