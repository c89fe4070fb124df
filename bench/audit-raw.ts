/**
 * The raw limits the audit figures are compared with: what SQLite and SHA-256 alone do with the
 * same rows, with none of Tenure's code in the way. Measured in the same run as ours, because
 * this machine is shared: a ratio survives a noisy neighbour, an absolute figure does not.
 */
import { hash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { AuditEventsTable } from '../src/store/schema.js';

const COLUMNS = [
  'seq',
  'ts',
  'action',
  'actor',
  'trigger',
  'target',
  'outcome',
  'details',
  'prev_hash',
  'hash',
] as const satisfies readonly (keyof AuditEventsTable)[];

/** better-sqlite3 on `path` with the store's own pragmas (src/store/connect.ts). */
const open = (path: string, readonly = false) => {
  const db = new Database(path, { readonly });
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  return db;
};

/**
 * Seconds to insert `batches` (rows as stored, hashes already computed) into the migrated but
 * empty database at `path`: one prepared INSERT of the same 10 columns, one transaction per
 * batch — the unit our append commits — and nothing else.
 */
export function rawInsertSeconds(path: string, batches: readonly AuditEventsTable[][]): number {
  const db = open(path);
  try {
    const insert = db.prepare(
      `INSERT INTO audit_events (${COLUMNS.map((c) => `"${c}"`).join(', ')}) ` +
        `VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`,
    );
    const insertBatch = db.transaction((rows: readonly AuditEventsTable[]) => {
      for (const r of rows) insert.run(r);
    });
    const t = performance.now();
    for (const batch of batches) insertBatch(batch);
    return (performance.now() - t) / 1000;
  } finally {
    db.close();
  }
}

/**
 * Seconds to re-walk the chain at `path` the plainest way: one SELECT in seq order, rows as
 * arrays, node:crypto SHA-256 over the chain-hash formula of src/audit/chain-hash.ts (written out
 * again here, so a drift in the formula shows as a failure), each link checked. Throws on a
 * break: a limit measured over a chain that does not verify is no limit.
 */
export function rawVerifySeconds(path: string, expectedEvents: number): number {
  const db = open(path, true);
  try {
    const rows = db
      .prepare(`SELECT ${COLUMNS.map((c) => `"${c}"`).join(', ')} FROM audit_events ORDER BY seq`)
      .raw(true);
    const t = performance.now();
    let prev = '0'.repeat(64);
    let expected = 1;
    for (const row of rows.iterate() as IterableIterator<unknown[]>) {
      const [seq, ts, action, actor, trigger, target, outcome, details, prevHash, stored] = row;
      const text = JSON.stringify([
        prevHash,
        seq,
        ts,
        action,
        actor,
        trigger,
        target,
        outcome,
        details,
      ]);
      if (seq !== expected || prevHash !== prev || hash('sha256', text, 'hex') !== stored)
        throw new Error(`raw verify: the chain breaks at seq ${seq}`);
      prev = stored as string;
      expected++;
    }
    const seconds = (performance.now() - t) / 1000;
    if (expected - 1 !== expectedEvents)
      throw new Error(`raw verify walked ${expected - 1} events, expected ${expectedEvents}`);
    return seconds;
  } finally {
    db.close();
  }
}
