/** The store's audit chain contract: the audit layer's port (audit/types.ts) plus appends and refusals; audit-repo.ts implements it. */
import type {
  AuditCheckpoint,
  AuditEvent,
  AuditInput,
  AuditLog,
  RefusalInput,
} from '../audit/types.js';
import type { Timestamp } from '../domain/timestamp.js';

/** The audit chain: appends, reads and checkpoints. */
export type AuditRepo = AuditLog & {
  /** Appends events to the hash chain in one transaction; returns them with seq and hash. */
  append(events: AuditInput[]): Promise<AuditEvent[]>;
  head(): Promise<{ seq: number; hash: string }>;
  /**
   * An anonymous refusal (src/store/audit-refusals.ts): appended when it is the first of its
   * (action, target, reason) in the minute, otherwise counted into one later summary event.
   */
  recordRefusal(refusal: RefusalInput): Promise<'appended' | 'counted'>;
  /** Appends the summary events of refusal buckets whose minute ended before `now`. */
  flushRefusals(now: Timestamp): Promise<number>;
  /** Stores a checkpoint as given (kept for imports and tests; writers use appendCheckpoint). */
  addCheckpoint(cp: AuditCheckpoint): Promise<void>;
};
