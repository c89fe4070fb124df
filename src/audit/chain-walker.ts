/** Walks events in seq order checking links, hashes and checkpoints; shared by verify and export. */
import type { KeyObject } from 'node:crypto';
import type { AuditCheckpoint } from '../store/types.js';
import { GENESIS_HASH, type HashedFields, hashEvent } from './chain-hash.js';
import { checkpointSignatureOk } from './signing-key.js';

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

  const checkpointAt = (e: WalkedEvent, cp: AuditCheckpoint): ChainFailure | undefined => {
    if (cp.head_hash !== e.hash) {
      return { seq: e.seq, reason: `checkpoint at seq ${cp.seq} does not match the chain` };
    }
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
    return undefined;
  };

  return {
    /** Checks one event; returns the first problem, if any. Call in seq order. */
    step(e: WalkedEvent): ChainFailure | undefined {
      if (expected === undefined) {
        expected = e.seq;
        prev = e.seq === 1 ? GENESIS_HASH : e.prev_hash;
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
  };
};
