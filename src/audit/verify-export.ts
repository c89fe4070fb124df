/** Offline check of a JSONL audit export (see export.ts for the format): no database needed. */

import { type ChainFailure, createChainWalker, type WalkedEvent } from './chain-walker.js';
import { asCheckpoint } from './checkpoint-record.js';
import { CSV_COLUMNS, EXPORT_TYPE, EXPORT_VERSIONS } from './export.js';
import { publicKeysById } from './signing-key.js';
import type { AuditCheckpoint } from './types.js';
import type { VerifyResult } from './verify-result.js';

type Header = {
  version: number;
  first_seq: number | null;
  last_seq: number | null;
  checkpoints: AuditCheckpoint[];
};

/** Every exported column but `seq` (a number) is a string. */
const STRING_FIELDS = CSV_COLUMNS.filter((c) => c !== 'seq');

const asEvent = (value: unknown): WalkedEvent | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (!Number.isSafeInteger(v.seq)) return undefined;
  return STRING_FIELDS.every((f) => typeof v[f] === 'string') ? (v as WalkedEvent) : undefined;
};

const seqOrNull = (v: unknown) =>
  v === null || Number.isSafeInteger(v) ? (v as number | null) : undefined;

/** The header line, or why it is not one. */
const asHeader = (value: unknown): Header | string => {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (v.type !== EXPORT_TYPE)
    return `the first line is not an export header ("type":"${EXPORT_TYPE}"): without it the seq range and signed checkpoints are unknown`;
  if (!EXPORT_VERSIONS.includes(v.version as never))
    return `export header version ${String(v.version)} is not one this verifier reads (${EXPORT_VERSIONS.join(', ')})`;
  const first = seqOrNull(v.first_seq);
  const last = seqOrNull(v.last_seq);
  if (first === undefined || last === undefined)
    return 'export header first_seq/last_seq must be integers or null';
  if (!Array.isArray(v.checkpoints)) return 'export header checkpoints must be a list';
  const checkpoints = v.checkpoints.map(asCheckpoint);
  const bad = checkpoints.indexOf(undefined);
  if (bad >= 0) return `export header checkpoints[${bad}] is not a checkpoint`;
  return {
    version: v.version as number,
    first_seq: first,
    last_seq: last,
    checkpoints: checkpoints as AuditCheckpoint[],
  };
};

/**
 * Line-at-a-time verifier, for exports too big to hold: push each line, then finish().
 * A mid-chain export is checked from its first event's prev_hash (internal consistency); the
 * header's checkpoints are checked against the chain, each other and `publicKeyPem`. It passes
 * only if the header is there, the events match its seq range, and the LAST event is covered by
 * a checkpoint signed with one of the given keys: an empty export, one without checkpoints, or
 * one regenerated and signed with another key attests nothing and fails.
 */
export const createExportVerifier = (publicKeyPem: string | readonly string[]) => {
  const keys = publicKeysById(publicKeyPem);
  let header: Header | undefined;
  let walker: ReturnType<typeof createChainWalker> | undefined;
  let lineNo = 0;
  let started = false;
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
    if (!started) {
      started = true;
      const h = asHeader(parsed);
      if (typeof h === 'string') failure = { seq: seqOf(parsed), reason: h };
      else header = h;
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
    if (!failure && !header)
      failure = {
        seq: 0,
        reason: 'the export is empty: no header, no events, nothing is attested',
      };
    failure ??= w.finish() ?? coverage() ?? signedTail(w.signedThrough);
    if (failure)
      return {
        ok: false,
        events: w.events,
        first_bad_seq: failure.seq,
        reason: failure.reason,
        ...(w.signedCheckpoints > 0
          ? { signatures: 'verified' }
          : {
              signatures: 'not_checked',
              signatures_reason: 'no checkpoint signature was checked',
            }),
      };
    return {
      ok: true,
      events: w.events,
      checkpoints: w.checkpoints,
      head: w.head,
      signed_through: w.signedThrough,
      anchors: [],
      signatures: 'verified',
    };
  };

  /** The header's seq range must match the lines present: catches lines cut from either end. */
  const coverage = (): ChainFailure | undefined => {
    const first = header?.first_seq ?? null;
    const last = header?.last_seq ?? null;
    if (firstSeq === undefined)
      return { seq: first ?? 0, reason: 'the export holds no events: nothing is attested' };
    if (first === null || firstSeq !== first) {
      return {
        seq: first ?? firstSeq,
        reason: `export should start at seq ${first ?? 'nothing'} but starts at ${firstSeq}`,
      };
    }
    if (last === null || lastSeq !== last) {
      return {
        seq: lastSeq + 1,
        reason: `export should end at seq ${last ?? 'nothing'} but ends at ${lastSeq}`,
      };
    }
    return undefined;
  };

  /** Events after the last signed checkpoint could have been appended by anyone. */
  const signedTail = (signedThrough: number): ChainFailure | undefined =>
    signedThrough === lastSeq
      ? undefined
      : {
          seq: lastSeq,
          reason: `the last event (seq ${lastSeq}) is not covered by a checkpoint signed with the given key (last signed: ${signedThrough ? `seq ${signedThrough}` : 'none'})`,
        };

  return { push, finish };
};

const seqOf = (parsed: unknown): number => {
  const seq = (parsed as { seq?: unknown } | null)?.seq;
  return Number.isSafeInteger(seq) ? (seq as number) : 0;
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
