/**
 * The connector contract: every target (csv-export, manual, ldap, scim, the agent's remote
 * connectors) is a factory that validates its settings and returns check/read/apply.
 * Connectors never import the store or HTTP, so the on-prem agent can run them unchanged.
 */
import type { z } from 'zod';
import type { Logger } from '../domain/logger.js';
import type { AccountRecord, Operation, OperationResult } from '../domain/types.js';

/** What a connector may log with (domain/logger.ts). */
export type ConnectorLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export type CheckResult = {
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
};

/** An account as read from the target, for reconciliation (the domain's type). */
export type { AccountRecord } from '../domain/types.js';

export type ConnectorContext<C> = {
  appId: string;
  config: C;
  /** Resolves a `${env:NAME}` reference; throws a TenureError naming the variable if unset. */
  secret(ref: string): string;
  /** Directory relative settings resolve against (the workspace). */
  baseDir: string;
  log: ConnectorLogger;
  signal?: AbortSignal;
};

export type ReadOptions = {
  /**
   * Attribute names the policies set on this application's accounts: a connector that reads a
   * default subset (ldap `ad`) reads these too, so a managed attribute is never read as absent.
   */
  attributes?: readonly string[];
};

export type Connector = {
  check(): Promise<CheckResult>;
  read(opts?: ReadOptions): AsyncIterable<AccountRecord>;
  /** Idempotent; yields exactly one result per operation, in any order. One failure never aborts the rest. */
  apply(ops: Operation[]): AsyncIterable<OperationResult>;
  close(): Promise<void>;
};

export type ConnectorFactory<C = unknown> = {
  kind: string;
  /** Validated before create(); errors name the bad key. */
  configGuard: z.ZodType<C>;
  create(ctx: ConnectorContext<C>): Promise<Connector>;
};
