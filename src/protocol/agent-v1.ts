/**
 * The on-prem agent's wire protocol, version 1: paths, and a zod schema (+ type) for every request
 * and response body. Shared by the control plane and the agent; imports nothing of the server.
 * @see docs/agent.md
 */
import { z } from 'zod';
import type { Operation, OperationResult } from '../domain/types.js';

export const AGENT_PROTOCOL_VERSION = 1;
export const AGENT_PREFIX = '/agent/v1';
/** Every endpoint is a POST with a JSON body; all but `enroll` carry `Authorization: Agent <jwt>`. */
export const AGENT_PATHS = {
  enroll: `${AGENT_PREFIX}/enroll`,
  lease: `${AGENT_PREFIX}/lease`,
  result: `${AGENT_PREFIX}/result`,
  /** Several jobs' results in one request (one transaction): the throughput path. */
  results: `${AGENT_PREFIX}/results`,
  heartbeat: `${AGENT_PREFIX}/heartbeat`,
  release: `${AGENT_PREFIX}/release`,
} as const;
export type AgentPath = (typeof AGENT_PATHS)[keyof typeof AGENT_PATHS];

/** The longest a lease request may be held open by the server. */
export const MAX_WAIT_SECONDS = 30;

const operationKind = z.enum([
  'account.create',
  'account.update',
  'account.disable',
  'account.enable',
  'account.delete',
  'account.move',
  'entitlement.grant',
  'entitlement.revoke',
  'manual.task',
]);

/** The domain's Operation, as it travels: desired values, so running it twice is harmless. */
export const operationSchema = z.object({
  key: z.string().min(1),
  kind: operationKind,
  app_id: z.string().min(1),
  identity_id: z.string().nullable(),
  account_id: z.string(),
  attributes: z.record(z.string(), z.string()).optional(),
  container: z.string().nullable().optional(),
  enabled: z.boolean().optional(),
  entitlement: z.string().optional(),
  task: z
    .object({ action: operationKind.exclude(['manual.task']), summary: z.string() })
    .optional(),
  reasons: z.array(z.string()),
  lifecycle: z.array(z.string()),
}) satisfies z.ZodType<Operation>;

export const operationResultSchema = z.strictObject({
  key: z.string().min(1),
  outcome: z.enum(['success', 'failure', 'pending_manual']),
  message: z.string().max(4000).optional(),
  account_id: z.string().optional(),
  /**
   * Create/update: attribute keys the target could not write (a manager not in the directory).
   * Left out of the actual state, so the next plan proposes them again. Optional: results of
   * agents that predate it are recorded as before.
   */
  unapplied: z.array(z.string().min(1).max(256)).max(1000).optional(),
}) satisfies z.ZodType<OperationResult>;

/** Behaviour the control plane sets (tenure.yaml `agents:`), sent back in every reply. */
export const agentSettingsSchema = z.strictObject({
  /** How long a lease request waits for work before answering with no jobs. */
  poll_wait_seconds: z.number().int().min(0).max(MAX_WAIT_SECONDS),
  /** Jobs to ask for per lease. */
  batch_size: z.number().int().min(1),
  /** Send a heartbeat at least this often when not leasing. */
  heartbeat_seconds: z.number().int().min(1),
  /** A lease lasts this long; report (or extend via heartbeat) before it runs out. */
  lease_seconds: z.number().int().min(1),
});
export type AgentSettings = z.infer<typeof agentSettingsSchema>;

const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 time');

/** An Ed25519 public key: SPKI PEM text, or a JWK `{kty: "OKP", crv: "Ed25519", x}`. */
export const publicKeySchema = z.union([
  z.string().includes('BEGIN PUBLIC KEY', { message: 'must be an SPKI PEM public key' }),
  z.looseObject({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().min(1) }),
]);

export const enrollRequestSchema = z.strictObject({
  /** The one-time enrollment token from `tenure agents token`. */
  token: z.string().min(1).max(200),
  public_key: publicKeySchema,
  hostname: z.string().min(1).max(255),
  /** The agent's software version. */
  version: z.string().min(1).max(64),
  /** What it can run, e.g. ["ldap"]. */
  capabilities: z.array(z.string().max(64)).max(32).default([]),
});
export type EnrollRequest = z.input<typeof enrollRequestSchema>;

export const enrollResponseSchema = z.strictObject({
  agent_id: z.string(),
  site: z.string(),
  server_settings: agentSettingsSchema,
});
export type EnrollResponse = z.infer<typeof enrollResponseSchema>;

export const leaseRequestSchema = z.strictObject({
  /** At most this many jobs (the server also caps it at its batch_size). */
  max: z.number().int().min(1).max(1000),
  /** Long poll: wait up to this long for work (capped at the server's poll_wait_seconds). */
  wait_seconds: z.number().min(0).max(MAX_WAIT_SECONDS),
  /** The site the agent believes it serves; a mismatch with its enrolled site is refused and audited. */
  site: z.string().min(1).max(64).optional(),
});
export type LeaseRequest = z.infer<typeof leaseRequestSchema>;

/**
 * One job: the operations of one account in one run, in the order to run them (create →
 * move/update/enable → grant/revoke → disable/delete). If `account.create` fails, the agent
 * reports the job's later operations as failures ("not attempted") instead of running them.
 */
export const agentJobSchema = z.strictObject({
  job_id: z.number().int(),
  /** Names this lease: a result must quote it; a new lease (after expiry) has a new one. */
  lease_id: z.string(),
  lease_expires_at: iso,
  /** 1 on the first lease, 2 after one expired, … */
  attempt: z.number().int().min(1),
  /** Same work = same key, across leases and re-plans: an agent may skip a key it finished. */
  idempotency_key: z.string(),
  run_id: z.string(),
  app_id: z.string(),
  operations: z.array(operationSchema).min(1),
});
export type AgentJob = z.infer<typeof agentJobSchema>;

export const leaseResponseSchema = z.strictObject({
  jobs: z.array(agentJobSchema),
  settings: agentSettingsSchema,
});
export type LeaseResponse = z.infer<typeof leaseResponseSchema>;

export const resultRequestSchema = z.strictObject({
  job_id: z.number().int(),
  lease_id: z.string().min(1),
  /** Exactly one per operation of the job. */
  results: z.array(operationResultSchema).min(1),
  started_at: iso,
  finished_at: iso,
});
export type ResultRequest = z.infer<typeof resultRequestSchema>;

/**
 * `applied`: recorded. `duplicate`: this job+lease was already reported (ignored).
 * `expired`: the lease had expired — logged and audited, not applied (the job is or will be
 * leased again). Each is a 200: the agent forgets the job either way.
 */
export const resultResponseSchema = z.strictObject({
  status: z.enum(['applied', 'duplicate', 'expired']),
  settings: agentSettingsSchema,
});
export type ResultResponse = z.infer<typeof resultResponseSchema>;

/** Up to 500 jobs' results at once; each is answered as if sent alone, in the same order. */
export const resultsRequestSchema = z.strictObject({
  results: z.array(resultRequestSchema).min(1).max(500),
});
export type ResultsRequest = z.infer<typeof resultsRequestSchema>;

export const resultsResponseSchema = z.strictObject({
  statuses: z.array(
    z.strictObject({
      job_id: z.number().int(),
      status: z.enum(['applied', 'duplicate', 'expired']),
    }),
  ),
  settings: agentSettingsSchema,
});
export type ResultsResponse = z.infer<typeof resultsResponseSchema>;

export const heartbeatRequestSchema = z.strictObject({
  version: z.string().min(1).max(64),
  active_jobs: z.number().int().min(0),
  last_error: z.string().max(2000).nullable(),
  /** Per application id: whether the agent can reach its target right now. */
  targets_reachable: z.record(z.string(), z.boolean()).default({}),
  /** Leases to extend by lease_seconds (long jobs); the reply lists those still held. */
  leases: z
    .array(z.strictObject({ job_id: z.number().int(), lease_id: z.string() }))
    .max(1000)
    .default([]),
});
export type HeartbeatRequest = z.input<typeof heartbeatRequestSchema>;

export const heartbeatResponseSchema = z.strictObject({
  settings: agentSettingsSchema,
  /** The leases of the request this agent still holds, now extended (the others are lost). */
  extended: z.array(z.strictObject({ job_id: z.number().int(), lease_expires_at: iso })),
});
export type HeartbeatResponse = z.infer<typeof heartbeatResponseSchema>;

/** Gives leased jobs back untouched (SIGTERM): queued again at once, the attempt not counted. */
export const releaseRequestSchema = z.strictObject({
  leases: z
    .array(z.strictObject({ job_id: z.number().int(), lease_id: z.string() }))
    .min(1)
    .max(1000),
});
export type ReleaseRequest = z.infer<typeof releaseRequestSchema>;

export const releaseResponseSchema = z.strictObject({
  released: z.array(z.number().int()),
});
export type ReleaseResponse = z.infer<typeof releaseResponseSchema>;

/** Refusals are RFC 9457 problems; `code` is one of these for an agent's request. */
export const AGENT_ERROR_CODES = [
  'agent.unauthenticated',
  'agent.bad_signature',
  'agent.expired',
  'agent.replayed',
  'agent.binding_mismatch',
  'agent.unknown',
  'agent.revoked',
  'agent.wrong_site',
  'agent.enrollment_invalid',
  'agent.invalid',
] as const;
export type AgentErrorCode = (typeof AGENT_ERROR_CODES)[number];
