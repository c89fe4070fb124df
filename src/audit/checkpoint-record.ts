/** The JSON record of one signed checkpoint, as kept outside the database (head file, witness). */

import { checkpointHash } from './chain-hash.js';
import type { AuditCheckpoint } from './types.js';

export const HEAD_RECORD_TYPE = 'tenure.audit.head';

/**
 * `{"type":"tenure.audit.head","version":1,"seq":N,"head_hash":…,"checkpoint_hash":…,
 *   "checkpoint":{seq,head_hash,ts,key_id,signature,prev_checkpoint}}` — seq and head_hash
 * repeat the checkpoint's for a reader without a JSON path tool.
 */
export type HeadRecord = {
  type: typeof HEAD_RECORD_TYPE;
  version: 1;
  seq: number;
  head_hash: string;
  checkpoint_hash: string;
  checkpoint: AuditCheckpoint;
};

export const headRecord = (cp: AuditCheckpoint): HeadRecord => ({
  type: HEAD_RECORD_TYPE,
  version: 1,
  seq: cp.seq,
  head_hash: cp.head_hash,
  checkpoint_hash: checkpointHash(cp),
  checkpoint: {
    seq: cp.seq,
    head_hash: cp.head_hash,
    ts: cp.ts,
    key_id: cp.key_id,
    signature: cp.signature,
    prev_checkpoint: cp.prev_checkpoint,
  },
});

/** A checkpoint read from JSON (a missing prev_checkpoint is a version 1 one), or undefined. */
export const asCheckpoint = (value: unknown): AuditCheckpoint | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const prev = v.prev_checkpoint ?? null;
  const ok =
    Number.isSafeInteger(v.seq) &&
    ['head_hash', 'key_id', 'signature'].every((f) => typeof v[f] === 'string') &&
    (prev === null || typeof prev === 'string');
  return ok ? ({ ...v, prev_checkpoint: prev } as AuditCheckpoint) : undefined;
};

/** The checkpoint of a head record, or why the text is not one. */
export const parseHeadRecord = (text: string): AuditCheckpoint | string => {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  const r = (typeof v === 'object' && v !== null ? v : {}) as Partial<HeadRecord>;
  if (r.type !== HEAD_RECORD_TYPE) return `not a ${HEAD_RECORD_TYPE} record`;
  const cp = asCheckpoint(r.checkpoint);
  if (!cp) return 'its checkpoint is incomplete';
  if (r.seq !== cp.seq || r.head_hash !== cp.head_hash || r.checkpoint_hash !== checkpointHash(cp))
    return 'its seq, head_hash or checkpoint_hash disagree with its checkpoint';
  return cp;
};
