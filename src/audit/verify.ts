/** `tenure audit verify`: re-walks the stored chain and checks every signed checkpoint. */
import type { Store, VerifyResult } from '../store/types.js';
import { createChainWalker } from './chain-walker.js';
import { publicKeysById } from './signing-key.js';

/** Rows per query: enough to amortise the round trip, small enough that pages die young (GC). */
const BATCH = 2_000;

/**
 * Detects a modified row (hash mismatch), a broken link, a deleted row (gap in seq), a
 * checkpoint that disagrees with the chain, a checkpoint beyond its end (tail truncated) and a
 * bad signature. Without `publicKeyPem` signatures are not checked (the chain still is).
 * Checkpoints are read before the walk so appends made during it cannot look like truncation.
 * Cutting the tail *after* the last checkpoint is undetectable by design: checkpoint often.
 */
export const verifyAudit = async (
  store: Store,
  publicKeyPem?: string | readonly string[],
): Promise<VerifyResult> => {
  const checkpoints = await store.audit.checkpoints();
  const walker = createChainWalker({
    checkpoints,
    fromGenesis: true,
    ...(publicKeyPem !== undefined && { keys: publicKeysById(publicKeyPem) }),
  });
  for await (const event of store.audit.iterate({ batch: BATCH })) {
    const bad = walker.step(event);
    if (bad)
      return { ok: false, events: walker.events, first_bad_seq: bad.seq, reason: bad.reason };
  }
  const bad = walker.finish();
  if (bad) return { ok: false, events: walker.events, first_bad_seq: bad.seq, reason: bad.reason };
  return { ok: true, events: walker.events, checkpoints: walker.checkpoints, head: walker.head };
};
