/**
 * The HR source contract: a file export or an HR system's API (BambooHR, HiBob, Workday), read
 * into validated HR records. Like the connector contract: a factory validates its settings and
 * returns a small object whose optional methods are optional capabilities. Sources never import
 * the store, the engine or HTTP: the engine decides what a read means (full, delta, webhook).
 * @see docs/hr-sources.md
 */
import type { z } from 'zod';
import type { HrReadResult } from './file/types.js';

export type {
  AcceptedRecord,
  HrReadResult,
  RecordWarning,
  RejectedRecord,
} from './file/types.js';

import type { Logger } from '../domain/logger.js';

/** What a source may log with (domain/logger.ts). */
export type SourceLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export type SourceContext<C> = {
  /** tenure.yaml `sources[].id`: named in messages and in the audit trail (`hr:<id>:…`). */
  sourceId: string;
  config: C;
  /** Resolves a `${env:NAME}` reference; throws a TenureError naming the variable if unset. */
  secret(ref: string): string;
  /** Directory relative paths resolve against (the workspace). */
  baseDir: string;
  log: SourceLogger;
  /** HTTP client for vendor APIs (default: Node's global fetch). */
  fetch?: typeof fetch;
  /** "Now", for deciding whether a termination date has passed (default: the system clock). */
  clock?: () => Date;
  /** The organisation's IANA time zone: "today" is read there (default UTC). */
  timeZone?: string;
};

/** Request headers as Node gives them: lower-case names. */
export type WebhookHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** A vendor webhook delivery whose signature (and timestamp, where the vendor sends one) checked out. */
export type VerifiedWebhook = {
  /** The vendor's ids of the people concerned (what `fetchPeople` takes); empty for a ping. */
  employeeIds: string[];
  /** This delivery's identity: the replay guard refuses it again until `replayUntil`. */
  eventId: string;
  replayUntil: Date;
  /** The vendor's event type (`employee.updated`, …), for the audit trail. */
  type: string;
  /** The date the vendor says the change takes effect, when it gives one. */
  effectiveDate?: string;
  /** A subscription test: answer 2xx, change nothing. */
  ping?: boolean;
};

export type SourceWebhook = {
  /**
   * Checks the vendor's signature over the raw body (constant-time) and its timestamp window,
   * then parses the payload. Throws TenureError `webhook.bad_signature`, `webhook.stale` or
   * `webhook.invalid` (details.problems lists what is wrong).
   */
  verify(rawBody: Buffer, headers: WebhookHeaders, now: Date): VerifiedWebhook;
};

export type DeltaResult = {
  /** Vendor ids of the people changed since the watermark (any action, deletions included). */
  ids: string[];
  /** Where the next delta starts: the vendor's own value (e.g. BambooHR `latest`), kept as is. */
  watermark: string;
};

export type PeopleResult = HrReadResult & {
  /** Vendor ids the vendor does not know (deleted, or never existed). */
  notFound: string[];
};

export type Source = {
  /** Where it reads, for messages and the audit trail: a path or a URL (never a credential). */
  label: string;
  /** full: people absent from a snapshot are flagged missing_from_source; partial: not. */
  snapshotKind: 'full' | 'partial';
  /** Everyone the source knows, leavers and future hires included. */
  snapshot(): Promise<HrReadResult>;
  /** Who changed since the watermark (a delta poll); absent when the vendor has no such API. */
  changedSince?(watermark: string): Promise<DeltaResult>;
  /** Reads these people again (after a thin webhook or a delta poll). */
  fetchPeople?(ids: string[]): Promise<PeopleResult>;
  /** The vendor's own signed webhook format; absent: none (or the generic Tenure format). */
  webhook?: SourceWebhook;
};

export type SourceFactory<C = unknown> = {
  /** tenure.yaml `sources[].type`. */
  type: string;
  /** The whole `sources[]` entry, validated before create(); errors name the bad key. */
  configGuard: z.ZodType<C>;
  create(ctx: SourceContext<C>): Source;
};
