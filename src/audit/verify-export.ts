/** Offline check of a JSONL audit export (see export.ts for the format): no database needed. */
import type { AuditCheckpoint, VerifyResult } from '../store/types.js';
import { type ChainFailure, createChainWalker, type WalkedEvent } from './chain-walker.js';
import { EXPORT_TYPE } from './export.js';
import { publicKeysById } from './signing-key.js';

type Header = {
  first_seq?: number | null;
  last_seq?: number | null;
  checkpoints?: AuditCheckpoint[];
};

const STRING_FIELDS = [
  'ts',
  'action',
  'actor',
  'trigger',
  'target',
  'outcome',
  'details',
  'prev_hash',
  'hash',
];

const asEvent = (value: unknown): WalkedEvent | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (!Number.isSafeInteger(v.seq)) return undefined;
  return STRING_FIELDS.every((f) => typeof v[f] === 'string') ? (v as WalkedEvent) : undefined;
};

/**
 * Line-at-a-time verifier, for exports too big to hold: push each line, then finish().
 * A mid-chain export is checked from its first event's prev_hash (internal consistency);
 * checkpoints in the header are checked against the chain and `publicKeyPem`.
 */
export const createExportVerifier = (publicKeyPem: string | readonly string[]) => {
  const keys = publicKeysById(publicKeyPem);
  let header: Header | undefined;
  let walker: ReturnType<typeof createChainWalker> | undefined;
  let lineNo = 0;
  let firstSeq: number | undefined;
  let lastSeq = 0;
  let failure: ChainFailure | undefined;

  const walk = () => {
    walker ??= createChainWalker({
      checkpoints: header?.checkpoints ?? [],
      keys,
      fromGenesis: false,
    });
    return walker;
  };

  const push = (line: string): void => {
    lineNo++;
    if (failure || line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      failure = { seq: lastSeq + 1, reason: `line ${lineNo} is not valid JSON` };
      return;
    }
    if (lineNo === 1 && (parsed as { type?: unknown })?.type === EXPORT_TYPE) {
      header = parsed as Header;
      return;
    }
    const event = asEvent(parsed);
    if (!event) {
      failure = { seq: lastSeq + 1, reason: `line ${lineNo} is not an audit event` };
      return;
    }
    firstSeq ??= event.seq;
    failure = walk().step(event);
    lastSeq = event.seq;
  };

  const finish = (): VerifyResult => {
    const w = walk();
    failure ??= w.finish() ?? coverage();
    if (failure)
      return { ok: false, events: w.events, first_bad_seq: failure.seq, reason: failure.reason };
    return { ok: true, events: w.events, checkpoints: w.checkpoints, head: w.head };
  };

  /** The header's seq range must match the lines present: catches lines cut from either end. */
  const coverage = (): ChainFailure | undefined => {
    const first = header?.first_seq ?? undefined;
    const last = header?.last_seq ?? undefined;
    if (first != null && firstSeq !== first) {
      return {
        seq: first,
        reason: `export should start at seq ${first} but starts at ${firstSeq ?? 'nothing'}`,
      };
    }
    if (last != null && lastSeq !== last) {
      return {
        seq: lastSeq + 1,
        reason: `export should end at seq ${last} but ends at ${lastSeq}`,
      };
    }
    return undefined;
  };

  return { push, finish };
};

/** Verifies a whole JSONL export given as lines. */
export const verifyExport = (
  lines: Iterable<string>,
  publicKeyPem: string | readonly string[],
): VerifyResult => {
  const verifier = createExportVerifier(publicKeyPem);
  for (const line of lines) verifier.push(line);
  return verifier.finish();
};
