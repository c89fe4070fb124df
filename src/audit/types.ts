/**
 * The audit trail's records — an event as written and as stored, a checkpoint, an anonymous
 * refusal — and the port verify, export and signing read the chain through. The store's audit
 * repository (store/audit-types.ts) implements the port; this layer never imports the store.
 */

import type { Timestamp } from '../domain/timestamp.js';
import type { Outcome } from '../domain/types.js';
import type { AuditAction } from './actions.js';

export type AuditInput = {
  /** One of the typed actions (audit/actions.ts). */
  action: AuditAction;
  /** `rule:<policy>`, `hr:<source>:<event>`, `admin:<user>`, `system`, ... */
  actor: string;
  /** What caused it: `run:<id>`, `snapshot:<id>`, `task:<id>` ... */
  trigger: string;
  /** `identity:<id>`, `account:<app>/<account>`, `entitlement:<app>/<ent>`, `application:<id>` */
  target: string;
  outcome: Outcome;
  details?: Record<string, unknown>;
  /** Defaults to the store clock; tests inject. */
  ts?: Timestamp;
};

/**
 * The fields of a stored audit event, in the order the store keeps and an export writes them: the
 * one list. `details` is canonical JSON text, hashed as stored; `hash` covers all the others.
 */
export const AUDIT_FIELDS = [
  'seq',
  'ts',
  'action',
  'actor',
  'trigger',
  'target',
  'outcome',
  'details',
  'prev_hash',
  'hash',
] as const;
export type AuditField = (typeof AUDIT_FIELDS)[number];

/** An event as stored strings (`seq` a number): the table row, an export line, a hash's input. */
export type AuditRecord = { [F in AuditField]: F extends 'seq' ? number : string };

/** An event as stored, its outcome typed. */
export type AuditEvent = Omit<AuditRecord, 'outcome'> & { outcome: Outcome };

export type AuditCheckpoint = {
  seq: number;
  head_hash: string;
  ts: Timestamp;
  key_id: string;
  signature: string;
  /** Hash of the previous checkpoint (64 zeros for the first); null: a legacy version 1 row. */
  prev_checkpoint: string | null;
};

/** A refusal as the caller knows it; actor is always `system`, outcome `failure`. */
export type RefusalInput = {
  action: AuditAction;
  trigger: string;
  target: string;
  /** The refusal's error code: part of the bucket key. */
  reason: string;
  details: Record<string, unknown>;
  ts: string;
};

/** The chain as verify, export and checkpoint signing see it (the store's audit repository). */
export type AuditLog = {
  /**
   * Iterates events in seq order, optionally within [since, until) by ts and/or
   * [fromSeq, toSeq] by seq (inclusive), reading `batch` rows per query.
   */
  iterate(opts?: {
    since?: Timestamp;
    until?: Timestamp;
    fromSeq?: number;
    toSeq?: number;
    batch?: number;
  }): AsyncIterable<AuditEvent>;
  /**
   * The contiguous seq range covering [since, until): first seq with ts >= since, last with
   * ts < until. Exports use it so a time window is never a chain with holes in it.
   */
  seqRange(opts?: {
    since?: Timestamp;
    until?: Timestamp;
  }): Promise<{ first: number; last: number } | undefined>;
  /**
   * Under the chain's append lock: reads the head and the last checkpoint, lets `sign` build the
   * next checkpoint (prevCheckpoint = hash of the last one, or 64 zeros) and stores it. Returns
   * undefined, writing nothing, on an empty chain or when the head is already checkpointed.
   */
  appendCheckpoint(
    sign: (head: { seq: number; hash: string }, prevCheckpoint: string) => AuditCheckpoint,
  ): Promise<AuditCheckpoint | undefined>;
  /** Every checkpoint in chain order: seq, then key id. */
  checkpoints(): Promise<AuditCheckpoint[]>;
};

/** Anything holding the chain: a Store, or a test double. */
export type AuditStore = { audit: AuditLog };
