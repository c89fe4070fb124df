/**
 * The signed head kept outside the database: `.tenure/audit-head.json` (replaced atomically after
 * each checkpoint) and the optional append-only witness file (one line per checkpoint).
 */

import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { headRecord, parseHeadRecord } from './checkpoint-record.js';
import type { AuditCheckpoint } from './types.js';
import type { Anchor } from './verify.js';

export const HEAD_FILE = 'audit-head.json';

/** What could not be read as an anchor: verify reports it as tampering, not as "no anchor". */
export type AnchorProblem = { source: string; reason: string };
export type AnchorRead = { anchors: Anchor[]; problems: AnchorProblem[] };

const writeAll = (path: string, text: string, flags: string) => {
  const fd = openSync(path, flags, 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd); // on disk before we rename it into place or report the checkpoint written
  } finally {
    closeSync(fd);
  }
};

/**
 * Replaces the head file with `cp` (temp file + fsync + rename: a reader never sees half a file).
 * A head file already at a later seq (another process checkpointed since) is left alone.
 */
export const writeHeadFile = (path: string, cp: AuditCheckpoint): boolean => {
  const current = existsSync(path) ? parseHeadRecord(readFileSync(path, 'utf8')) : undefined;
  if (current && typeof current !== 'string' && current.seq > cp.seq) return false;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomUUID()}.tmp`);
  writeAll(tmp, `${JSON.stringify(headRecord(cp), null, 2)}\n`, 'w');
  renameSync(tmp, path);
  return true;
};

/** The head file's checkpoint; nothing when there is no file (no checkpoint yet, or another host). */
export const readHeadFile = (path: string): AnchorRead => {
  const source = `head file ${path}`;
  if (!existsSync(path)) return { anchors: [], problems: [] };
  const cp = parseHeadRecord(readFileSync(path, 'utf8'));
  return typeof cp === 'string'
    ? { anchors: [], problems: [{ source, reason: `${source} is unreadable: ${cp}` }] }
    : { anchors: [{ source, checkpoint: cp }], problems: [] };
};

/** Appends one line (O_APPEND: concurrent writers never interleave within a line). */
export const appendWitnessFile = (path: string, cp: AuditCheckpoint): void =>
  writeAll(path, `${JSON.stringify(headRecord(cp))}\n`, 'a');

/** Every checkpoint the witness file recorded: each must still be in the database, unchanged. */
export const readWitnessFile = (path: string): AnchorRead => {
  const out: AnchorRead = { anchors: [], problems: [] };
  if (!existsSync(path)) return out;
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const source = `witness file ${path}`;
    const where = `line ${i + 1}`;
    const cp = parseHeadRecord(line);
    if (typeof cp === 'string')
      out.problems.push({ source, reason: `${source} ${where} is unreadable: ${cp}` });
    else out.anchors.push({ source, where, checkpoint: cp });
  });
  return out;
};
