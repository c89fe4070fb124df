/** `tenure audit verify`: re-walks the stored chain, its signed checkpoints and their anchors. */
import type { KeyObject } from 'node:crypto';
import { checkpointHash } from './chain-hash.js';
import { type ChainFailure, createChainWalker } from './chain-walker.js';
import { checkpointSignatureOk, publicKeysById } from './signing-key.js';
import type { AuditCheckpoint, AuditStore } from './types.js';
import type { SignatureCheck, VerifyResult } from './verify-result.js';

/** Rows per query: enough to amortise the round trip, small enough that pages die young (GC). */
const BATCH = 2_000;

/** A checkpoint recorded outside the database (head file, witness), and where it was read. */
export type Anchor = {
  /** e.g. "head file /srv/tenure/.tenure/audit-head.json", "witness file /mnt/w/audit.jsonl". */
  source: string;
  /** Within the source, e.g. "line 12". */
  where?: string;
  checkpoint: AuditCheckpoint;
};

export type VerifyOptions = {
  /** Check signatures with these keys; absent = signatures `not_checked`. */
  publicKeyPem?: string | readonly string[] | undefined;
  /** Why there is no key, for the `not_checked` answer (e.g. which file is missing). */
  noKeyReason?: string;
  anchors?: readonly Anchor[];
};

/**
 * Detects a modified row (hash mismatch), a broken link, a deleted row (gap in seq), a
 * checkpoint that disagrees with the chain, a deleted or inserted checkpoint (broken checkpoint
 * chain), a checkpoint beyond the chain's end (tail truncated), a bad signature, and a database
 * rolled back behind an anchor: every anchored checkpoint must be in the database, unchanged, and
 * match the chain. Checkpoints are read before the walk so appends made during it cannot look
 * like truncation. Without an anchor, deleting the newest checkpoints and the events after the
 * remaining last one is not detectable from the database alone: configure a witness.
 */
export const verifyAudit = async (
  store: AuditStore,
  options: VerifyOptions | string | readonly string[] = {},
): Promise<VerifyResult> => {
  // A bare key (or key list) is the short form callers used before anchors existed.
  const opts: VerifyOptions =
    typeof options === 'string' || Array.isArray(options)
      ? { publicKeyPem: options as string | readonly string[] }
      : (options as VerifyOptions);
  const checkpoints = await store.audit.checkpoints();
  const keys = opts.publicKeyPem !== undefined ? publicKeysById(opts.publicKeyPem) : undefined;
  const walker = createChainWalker({ checkpoints, fromGenesis: true, ...(keys && { keys }) });
  const anchors = opts.anchors ?? [];
  const fail = (bad: ChainFailure): VerifyResult => ({
    ok: false,
    events: walker.events,
    first_bad_seq: bad.seq,
    reason: bad.reason,
    ...signatureCheck(keys, walker.signedCheckpoints, opts.noKeyReason),
  });

  const stored = new Map(checkpoints.map((c) => [`${c.seq}/${c.key_id}`, c]));
  for (const anchor of anchors) {
    const bad = anchorFailure(anchor, stored, keys);
    if (bad) return fail(bad);
  }
  for await (const event of store.audit.iterate({ batch: BATCH })) {
    const bad = walker.step(event);
    if (bad) return fail(bad);
  }
  const bad = walker.finish();
  if (bad) return fail(bad);
  return {
    ok: true,
    events: walker.events,
    checkpoints: walker.checkpoints,
    head: walker.head,
    signed_through: walker.signedThrough,
    anchors: summarise(anchors),
    ...signatureCheck(keys, walker.signedCheckpoints, opts.noKeyReason),
  };
};

/** The anchored checkpoint must be in the database as it was signed (and its signature good). */
const anchorFailure = (
  anchor: Anchor,
  stored: Map<string, AuditCheckpoint>,
  keys: Map<string, KeyObject> | undefined,
): ChainFailure | undefined => {
  const cp = anchor.checkpoint;
  const source = anchor.where ? `${anchor.source} ${anchor.where}` : anchor.source;
  const key = keys?.get(cp.key_id);
  if (keys && (!key || !checkpointSignatureOk(cp, key))) {
    return {
      seq: cp.seq,
      reason: `${source}: its checkpoint at seq ${cp.seq} is not signed by the audit key`,
    };
  }
  const same = stored.get(`${cp.seq}/${cp.key_id}`);
  if (!same) {
    return {
      seq: cp.seq,
      reason: `${source} anchors the checkpoint at seq ${cp.seq}, which is missing from the database: checkpoints were deleted or the database was rolled back`,
    };
  }
  if (checkpointHash(same) !== checkpointHash(cp)) {
    return {
      seq: cp.seq,
      reason: `${source} anchors a checkpoint at seq ${cp.seq} that differs from the database's: the database was rewritten`,
    };
  }
  return undefined;
};

/** One line per source: "witness file /x: 12 checkpoints, last at seq 340". */
const summarise = (anchors: readonly Anchor[]): string[] => {
  const by = new Map<string, { n: number; last: number }>();
  for (const a of anchors) {
    const s = by.get(a.source) ?? { n: 0, last: 0 };
    by.set(a.source, { n: s.n + 1, last: Math.max(s.last, a.checkpoint.seq) });
  }
  return [...by].map(([source, s]) =>
    s.n === 1 ? `${source}: seq ${s.last}` : `${source}: ${s.n} checkpoints, last at seq ${s.last}`,
  );
};

export const signatureCheck = (
  keys: Map<string, KeyObject> | undefined,
  checked: number,
  noKeyReason = 'no public key was given',
): SignatureCheck => {
  if (!keys) return { signatures: 'not_checked', signatures_reason: noKeyReason };
  if (checked === 0)
    return { signatures: 'not_checked', signatures_reason: 'no signed checkpoint was checked' };
  return { signatures: 'verified' };
};
