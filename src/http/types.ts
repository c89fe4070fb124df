/** The control plane's shared shapes: the app type, its dependencies, who is calling, route modules. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger as Pino } from 'pino';
import type { AuthConfig, ServerConfig } from '../config/server-schema.js';
import type { Role } from '../domain/roles.js';
import type { Clock } from '../domain/types.js';
import type { Workspace } from '../engine/workspace.js';
import type { AuditInput } from '../store/types.js';
import type { HashGate } from './auth/hash-gate.js';
import type { OidcClient } from './auth/oidc.js';
import type { LoginThrottle } from './auth/throttle.js';
import type { Metrics } from './metrics.js';
import type { RbacRule } from './rbac-rule.js';

export type TenureApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Who is calling: a signed-in person (session cookie) or automation (API token). */
export type Principal = {
  kind: 'session' | 'token';
  /** For a token: its own role, lowered to its owner's current one (see meetRole). */
  role: Role;
  /** Username, or the token's name. */
  name: string;
  user_id: string | null;
  /** The identity whose access `self` rules and /me/access refer to. */
  identity_id: string | null;
  /** As recorded in the audit trail: `admin:<username>` or `token:<name>`. */
  actor: string;
  session?: { id_hash: string; csrf_token: string; expires_at: string; method: string };
  token_id?: string;
  /** A token can mint no token that outlives it. */
  token_expires_at?: string;
};

/** The scheduler `tenure serve` runs (src/engine/scheduler); only what the API needs of it. */
export type SchedulerHandle = {
  status(): unknown;
  stop(): Promise<void>;
  /** The durable job queue, for /metrics. */
  metrics?(): Promise<{
    queue_depth: number;
    oldest_pending_age_seconds: number;
    leader: boolean;
    jobs_in_flight: number;
  }>;
};

/** Built once per app by buildApp; routes share them. */
export type AppServices = {
  server: ServerConfig;
  auth: AuthConfig;
  metrics: Metrics;
  throttle: LoginThrottle;
  /** Sign-in's password checks, a few at a time (a burst gets 503 auth.busy). */
  hashGate: HashGate;
  oidc: OidcClient | undefined;
  /** Appends audit events (one transaction). */
  audit(events: AuditInput[]): Promise<void>;
  /** One sync run at a time per process: a second apply/approve gets 409 run.in_progress. */
  exclusive<T>(what: string, fn: () => Promise<T>): Promise<T>;
  /** Set when shutdown starts: /readyz turns 503 so load balancers stop sending work. */
  state: { closing: boolean; started_at: number };
};

export type AppDeps = {
  ws: Workspace;
  clock: Clock;
  /** pino itself: Fastify logs through it (loggerInstance). */
  log: Pino;
  scheduler?: SchedulerHandle;
  /** Agents currently connected, for /metrics (the agent protocol provides it later). */
  agentsOnline?: () => number | Promise<number>;
  services: AppServices;
};

export type BuildAppOptions = Omit<AppDeps, 'clock' | 'log' | 'services'> & {
  clock?: Clock;
  log?: Pino;
  /** PEM key and certificate: the app serves HTTPS (cookies become Secure). */
  https?: { key: string | Buffer; cert: string | Buffer };
  /** Overrides of tenure.yaml `server:` / `auth:` (tests). */
  server?: Partial<ServerConfig>;
  auth?: Partial<AuthConfig>;
};

/**
 * One file per resource exports one of these; routes/index.ts lists them. Every route declares
 * `config: { rbac: [...roles] | 'public' }` — a route without a rule is refused to everyone.
 */
export type RouteModule = (app: TenureApp, deps: AppDeps) => Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    rbac?: RbacRule;
  }
}
