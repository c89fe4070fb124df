/**
 * Walks events in seq order checking links, hashes and checkpoints — each checkpoint against the
 * event at its seq, its signature, and its link to the previous checkpoint — shared by verify
 * and export.
 */
import type { KeyObject } from 'node:crypto';
import { checkpointHash, GENESIS_HASH, type HashedFields, hashEvent } from './chain-hash.js';
import { checkpointSignatureOk } from './signing-key.js';
import type { AuditCheckpoint } from './types.js';

export type ChainFailure = { seq: number; reason: string };
export type WalkedEvent = HashedFields & { hash: string };

export type ChainWalkerOptions = {
  checkpoints: readonly AuditCheckpoint[];
  /** Check signatures with these keys (by key id); undefined = do not check signatures. */
  keys?: Map<string, KeyObject>;
  /**
   * true: the walk must start at seq 1 from the genesis hash (the whole database chain).
   * false: an excerpt; the first event's own prev_hash is taken on trust.
   */
  fromGenesis: boolean;
};

export const createChainWalker = (opts: ChainWalkerOptions) => {
  const pending = [...opts.checkpoints].sort((a, b) => a.seq - b.seq);
  let next = 0; // index into pending
  let expected: number | undefined = opts.fromGenesis ? 1 : undefined;
  let prev = GENESIS_HASH;
  let events = 0;
  /** The checkpoint checked last, whose hash the next one must carry as prev_checkpoint. */
  let lastCheckpoint: AuditCheckpoint | undefined;
  /** The walk starts at seq 1: the first chained checkpoint must then start from 64 zeros. */
  let atGenesis = opts.fromGenesis;
  let chained = false;
  let signedThrough = 0;
  let checked = 0;

  const linkOf = (e: WalkedEvent, cp: AuditCheckpoint): ChainFailure | undefined => {
    const previous = lastCheckpoint ? `seq ${lastCheckpoint.seq}` : 'none';
    if (cp.prev_checkpoint === null) {
      // A version 1 row after chained ones was inserted (or re-typed to dodge the link check).
      return chained
        ? {
            seq: e.seq,
            reason: `checkpoint at seq ${cp.seq} is unchained (version 1) after chained ones`,
          }
        : undefined;
    }
    chained = true;
    const expectedPrev = lastCheckpoint
      ? checkpointHash(lastCheckpoint)
      : atGenesis
        ? GENESIS_HASH
        : undefined; // an excerpt: the first checkpoint's link is taken on trust, like prev_hash
    if (expectedPrev !== undefined && cp.prev_checkpoint !== expectedPrev) {
      return {
        seq: e.seq,
        reason: `checkpoint at seq ${cp.seq} does not link to the previous checkpoint (${previous}): a checkpoint was deleted, added or altered`,
      };
    }
    return undefined;
  };

  const checkpointAt = (e: WalkedEvent, cp: AuditCheckpoint): ChainFailure | undefined => {
    if (cp.head_hash !== e.hash) {
      return { seq: e.seq, reason: `checkpoint at seq ${cp.seq} does not match the chain` };
    }
    const unlinked = linkOf(e, cp);
    lastCheckpoint = cp;
    if (unlinked) return unlinked;
    if (!opts.keys) return undefined;
    const key = opts.keys.get(cp.key_id);
    if (!key)
      return {
        seq: e.seq,
        reason: `checkpoint at seq ${cp.seq} signed by unknown key ${cp.key_id}`,
      };
    if (!checkpointSignatureOk(cp, key)) {
      return { seq: e.seq, reason: `checkpoint at seq ${cp.seq} has a bad signature` };
    }
    checked++;
    signedThrough = cp.seq;
    return undefined;
  };

  return {
    /** Checks one event; returns the first problem, if any. Call in seq order. */
    step(e: WalkedEvent): ChainFailure | undefined {
      if (expected === undefined) {
        expected = e.seq;
        prev = e.seq === 1 ? GENESIS_HASH : e.prev_hash;
        atGenesis = e.seq === 1;
        // Checkpoints before an excerpt's first event cannot be checked against it.
        while (next < pending.length && pending[next]!.seq < e.seq) next++;
      }
      if (e.seq !== expected) {
        return e.seq > expected
          ? { seq: expected, reason: `event ${expected} is missing (next present is ${e.seq})` }
          : { seq: e.seq, reason: `event ${e.seq} is out of order (expected ${expected})` };
      }
      if (e.prev_hash !== prev) {
        return { seq: e.seq, reason: 'prev_hash does not link to the previous event' };
      }
      if (hashEvent(e) !== e.hash) {
        return { seq: e.seq, reason: 'hash mismatch: the event was modified' };
      }
      while (next < pending.length && pending[next]!.seq <= e.seq) {
        const cp = pending[next++]!;
        const bad =
          cp.seq < e.seq
            ? { seq: cp.seq, reason: `checkpoint at seq ${cp.seq} names no event` }
            : checkpointAt(e, cp);
        if (bad) return bad;
      }
      prev = e.hash;
      expected = e.seq + 1;
      events++;
      return undefined;
    },

    /** After the last event: a checkpoint beyond it means events were cut off the tail. */
    finish(): ChainFailure | undefined {
      const cp = pending[next];
      if (!cp) return undefined;
      const end = expected === undefined ? 0 : expected - 1;
      return {
        seq: end + 1,
        reason: `checkpoint at seq ${cp.seq} is beyond the end of the chain (seq ${end}): events were removed`,
      };
    },

    get events() {
      return events;
    },
    get head() {
      return prev;
    },
    get checkpoints() {
      return pending.length;
    },
    /** Checkpoints whose signature was checked and good (0 without keys). */
    get signedCheckpoints() {
      return checked;
    },
    /** Seq of the last checkpoint with a good signature (0: none). */
    get signedThrough() {
      return signedThrough;
    },
  };
};
