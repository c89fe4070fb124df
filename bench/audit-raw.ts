/**
 * The raw limits the audit figures are compared with: the same work done by better-sqlite3 and
 * node:crypto alone, with none of Tenure's code in the way. Measured in the same run as ours, because
 * this machine is shared: a ratio survives a noisy neighbour, an absolute figure does not.
 */
import { hash } from 'node:crypto';
import Database from 'better-sqlite3';
import { CSV_COLUMNS } from '../src/audit/export.js';
import type { AuditEventsTable } from '../src/store/schema.js';

/** The stored columns, in the order the export writes them (one list: src/audit/export.ts). */
const COLUMNS = CSV_COLUMNS satisfies readonly (keyof AuditEventsTable)[];

/** better-sqlite3 on `path` with the store's own pragmas (src/store/connect.ts). */
const open = (path: string, readonly = false) => {
  const db = new Database(path, { readonly });
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  return db;
};

/** What a caller hands our append: the bench's events, flat `details` included. */
export type RawEvent = {
  action: string;
  actor: string;
  trigger: string;
  target: string;
  outcome: string;
  details: Record<string, unknown>;
};

/**
 * Seconds to append `batches` to the chain in the migrated but empty database at `path` the
 * plainest way, doing the work our append does: per batch — the unit our append commits — one
 * BEGIN IMMEDIATE transaction that reads the head, serialises each row's flat `details` with
 * sorted keys (JSON.stringify with a sorted key list), hashes it with node:crypto SHA-256 over
 * the chain-hash formula of src/audit/chain-hash.ts (written out again here, so a drifting
 * formula shows as a different head) and inserts it with one prepared INSERT of the same 10
 * columns. Returns the head hash too, for the check that both sides stored the same chain.
 */
export function rawAppendSeconds(
  path: string,
  batches: readonly (readonly RawEvent[])[],
  ts: string,
): { seconds: number; head: string } {
  const db = open(path);
  try {
    const head = db
      .prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1')
      .raw(true);
    const insert = db.prepare(
      `INSERT INTO audit_events (${COLUMNS.map((c) => `"${c}"`).join(', ')}) ` +
        `VALUES (${COLUMNS.map(() => '?').join(', ')})`,
    );
    let last = '0'.repeat(64);
    const appendBatch = db.transaction((events: readonly RawEvent[]) => {
      const top = head.get() as [number, string] | undefined;
      let seq = top?.[0] ?? 0;
      let prev = top?.[1] ?? '0'.repeat(64);
      for (const e of events) {
        seq++;
        const details = JSON.stringify(e.details, Object.keys(e.details).sort());
        const text = JSON.stringify([
          prev,
          seq,
          ts,
          e.action,
          e.actor,
          e.trigger,
          e.target,
          e.outcome,
          details,
        ]);
        const h = hash('sha256', text, 'hex');
        insert.run(seq, ts, e.action, e.actor, e.trigger, e.target, e.outcome, details, prev, h);
        prev = h;
      }
      last = prev;
    });
    const t = performance.now();
    for (const batch of batches) appendBatch.immediate(batch);
    return { seconds: (performance.now() - t) / 1000, head: last };
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
