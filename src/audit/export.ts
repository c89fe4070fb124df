/**
 * `tenure audit export`: streams the chain as JSONL (verifiable offline) or CSV (for spreadsheets).
 *
 * JSONL format, version 2. Line 1 is a header, every further line one event:
 *   {"type":"tenure.audit.export","version":2,"exported_at":…,"since":…|null,"until":…|null,
 *    "first_seq":N|null,"last_seq":M|null,"public_key":"<SPKI PEM>"|null,"key_id":…|null,
 *    "hash":"sha256-json-array-v1",
 *    "checkpoints":[{seq,head_hash,ts,key_id,signature,prev_checkpoint},…]}
 *   {"seq":1,"ts":…,"action":…,"actor":…,"trigger":…,"target":…,"outcome":…,
 *    "details":"<canonical JSON text, exactly as hashed>","prev_hash":…,"hash":…}
 * hash = sha256hex(JSON.stringify([prev_hash, seq, ts, action, actor, trigger, target, outcome,
 * details])); a checkpoint signs with Ed25519 the UTF-8 text
 * JSON.stringify(["tenure.checkpoint.v2", seq, head_hash, prev_checkpoint]), where prev_checkpoint
 * is sha256hex(JSON.stringify(["tenure.checkpoint", seq, head_hash, prev_checkpoint|null, key_id,
 * signature])) of the checkpoint before it (64 zeros for the first). Version 1 checkpoints
 * (prev_checkpoint null, written before checkpoints were chained) sign `${seq}:${head_hash}`.
 * Version 1 exports (no prev_checkpoint) are still read by the verifier.
 * The header carries the checkpoints inside [first_seq, last_seq]; the public key in it is a
 * convenience only — an auditor checks against a key obtained separately (verifyExport's
 * argument), since whoever could edit the file could also swap the key.
 * A since/until window is widened to a contiguous seq range (store.audit.seqRange), so an
 * export never has holes even if clocks stepped back; a JSONL export's end is moved forward to
 * the next checkpoint, so its last event is signed (an export past the last checkpoint is not,
 * and fails verify-export: checkpoint before exporting).
 *
 * CSV: RFC 4180 (CRLF, fields quoted when they hold `"`, `,`, CR or LF), header row
 * seq,ts,action,actor,trigger,target,outcome,details,prev_hash,hash. Values are written
 * unaltered (no spreadsheet-formula escaping), so the CSV can still be re-hashed.
 */
import type { Writable } from 'node:stream';
import type { Timestamp } from '../domain/timestamp.js';
import { keyIdOf, publicKeysById } from './signing-key.js';
import {
  AUDIT_FIELDS,
  type AuditCheckpoint,
  type AuditEvent,
  type AuditField,
  type AuditStore,
} from './types.js';

export type ExportOptions = {
  format: 'jsonl' | 'csv';
  since?: Timestamp | undefined;
  until?: Timestamp | undefined;
  out: Writable;
  /** Embedded in the JSONL header for convenience (see above). */
  publicKeyPem?: string | undefined;
  /** Header `exported_at`; defaults to now. */
  now?: Date;
};

export const EXPORT_TYPE = 'tenure.audit.export';
export const EXPORT_VERSION = 2;
/** Header versions verify-export reads: 1 had no prev_checkpoint on its checkpoints. */
export const EXPORT_VERSIONS = [1, 2] as const;
export const CSV_COLUMNS = AUDIT_FIELDS;

export const csvField = (value: string | number): string => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

const csvLine = (e: AuditEvent) => `${CSV_COLUMNS.map((c) => csvField(e[c])).join(',')}\r\n`;
// Spelled out, not JSON.stringify(e, AUDIT_FIELDS): a replacer list is ~1.5x slower; `satisfies`
// holds the literal to the one field list.
const jsonLine = (e: AuditEvent) =>
  `${JSON.stringify({
    seq: e.seq,
    ts: e.ts,
    action: e.action,
    actor: e.actor,
    trigger: e.trigger,
    target: e.target,
    outcome: e.outcome,
    details: e.details,
    prev_hash: e.prev_hash,
    hash: e.hash,
  } satisfies Record<AuditField, unknown>)}\n`;

/** Writes respecting backpressure, so a 10 GB export does not sit in memory. */
const writeTo = (out: Writable, text: string): Promise<void> | undefined =>
  out.write(text)
    ? undefined
    : new Promise((resolve, reject) => {
        const done = (err?: Error) => {
          out.off('drain', done);
          out.off('error', done);
          if (err) reject(err);
          else resolve();
        };
        out.once('drain', done);
        out.once('error', done);
      });

/** Streams the events in the window to `out` (which it does not end); returns how many. */
export const exportAudit = async (store: AuditStore, opts: ExportOptions): Promise<number> => {
  const checkpoints = await store.audit.checkpoints();
  const window = await store.audit.seqRange({
    ...(opts.since !== undefined && { since: opts.since }),
    ...(opts.until !== undefined && { until: opts.until }),
  });
  // JSONL is verified offline, so it ends at a signed head; CSV keeps the window as asked.
  const signedEnd =
    opts.format === 'jsonl' && window && checkpoints.find((c) => c.seq >= window.last)?.seq;
  const range = window && { first: window.first, last: signedEnd || window.last };
  if (opts.format === 'jsonl') {
    await writeTo(opts.out, `${JSON.stringify(header(checkpoints, opts, range))}\n`);
  } else {
    await writeTo(opts.out, `${CSV_COLUMNS.join(',')}\r\n`);
  }
  if (!range) return 0;
  const line = opts.format === 'jsonl' ? jsonLine : csvLine;
  let count = 0;
  let buffer = '';
  for await (const e of store.audit.iterate({ fromSeq: range.first, toSeq: range.last })) {
    buffer += line(e);
    // Writing in ~64 kB pieces: one write per event costs more than the formatting.
    if (++count % 500 === 0) {
      await writeTo(opts.out, buffer);
      buffer = '';
    }
  }
  if (buffer) await writeTo(opts.out, buffer);
  return count;
};

const header = (
  all: readonly AuditCheckpoint[],
  opts: ExportOptions,
  range: { first: number; last: number } | undefined,
) => {
  const checkpoints = range ? all.filter((c) => c.seq >= range.first && c.seq <= range.last) : [];
  const key = opts.publicKeyPem ? [...publicKeysById(opts.publicKeyPem).values()][0] : undefined;
  return {
    type: EXPORT_TYPE,
    version: EXPORT_VERSION,
    exported_at: (opts.now ?? new Date()).toISOString(),
    since: opts.since ?? null,
    until: opts.until ?? null,
    first_seq: range?.first ?? null,
    last_seq: range?.last ?? null,
    public_key: opts.publicKeyPem ?? null,
    key_id: key ? keyIdOf(key) : null,
    hash: 'sha256-json-array-v1',
    checkpoints,
  };
};
