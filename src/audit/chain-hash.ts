/** The audit chain's hash function and genesis value, shared by the store, verify and export. */
import { createHash, hash as oneShotHash } from 'node:crypto';

/** prev_hash of seq 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** The stored strings an event's hash covers (everything except `hash` itself). */
export type HashedFields = {
  seq: number;
  ts: string;
  action: string;
  actor: string;
  trigger: string;
  target: string;
  outcome: string;
  details: string;
  prev_hash: string;
};

// crypto.hash (Node >= 20.12) skips the Hash object: ~2x faster on short inputs.
const sha256hex: (text: string) => string =
  typeof oneShotHash === 'function'
    ? (text) => oneShotHash('sha256', text, 'hex')
    : (text) => createHash('sha256').update(text).digest('hex');

/**
 * hash = SHA-256 hex of the JSON array [prev_hash, seq, ts, action, actor, trigger, target,
 * outcome, details]. A JSON array rather than newline-joined fields because JSON escaping makes
 * the encoding unambiguous: moving a "\n" from one field into the next changes the hash.
 * Offline re-implementation: `sha256(JSON.stringify([...]))` over the exported strings.
 */
export const hashEvent = (e: HashedFields): string =>
  sha256hex(
    JSON.stringify([
      e.prev_hash,
      e.seq,
      e.ts,
      e.action,
      e.actor,
      e.trigger,
      e.target,
      e.outcome,
      e.details,
    ]),
  );

/** What a checkpoint signature covers. */
export const checkpointMessage = (seq: number, headHash: string): string => `${seq}:${headHash}`;
