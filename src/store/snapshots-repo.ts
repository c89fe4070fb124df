/** HR snapshot bookkeeping and the rows quarantined from each snapshot. */
import type { Kysely } from 'kysely';
import type { Timestamp } from '../domain/timestamp.js';
import { chunks, inTransaction, toTimestamp } from './codec.js';
import type { Database } from './schema.js';

export type SnapshotRow = {
  id: number;
  source_id: string;
  taken_at: Timestamp;
  row_count: number;
  accepted: number;
  rejected: number;
  sha256: string;
  /** delta: a partial read (tenure import --changed, a vendor webhook): never a drop baseline. */
  status: 'imported' | 'halted' | 'delta';
};

export type QuarantineRow = {
  snapshot_id: number;
  source_id: string;
  row_number: number;
  employee_id: string | null;
  reason: string;
  raw: string;
  /** `critical`: the row says terminated, so that person's access is kept until it is fixed. */
  severity: 'critical' | 'error';
  /** A stable code when one names the problem (`hr.malformed_csv`, …), else null. */
  code: string | null;
};

/** A quarantined row with when its snapshot was taken. */
export type QuarantineEntry = QuarantineRow & { taken_at: Timestamp };

/** HR reads: one snapshot row per read and the records it quarantined. */
export type SnapshotsRepo = {
  last(sourceId: string, status?: SnapshotRow['status']): Promise<SnapshotRow | undefined>;
  record(row: Omit<SnapshotRow, 'id'>): Promise<number>;
  quarantine(rows: QuarantineRow[]): Promise<void>;
  quarantined(snapshotId: number): Promise<QuarantineRow[]>;
  /**
   * Rows still in quarantine: for each source, those of its latest full import and of every
   * delta read after it (or of one snapshot when `snapshotId` is given).
   */
  openQuarantine(filter?: { sourceId?: string; snapshotId?: number }): Promise<QuarantineEntry[]>;
};

export const createSnapshotsRepo = (db: Kysely<Database>): SnapshotsRepo => ({
  async last(sourceId, status) {
    let q = db.selectFrom('snapshots').selectAll().where('source_id', '=', sourceId);
    if (status) q = q.where('status', '=', status);
    const row = await q.orderBy('id', 'desc').limit(1).executeTakeFirst();
    return row && { ...row, status: row.status as SnapshotRow['status'] };
  },

  async record(row) {
    const inserted = await db
      .insertInto('snapshots')
      .values({
        source_id: row.source_id,
        taken_at: toTimestamp(row.taken_at),
        row_count: row.row_count,
        accepted: row.accepted,
        rejected: row.rejected,
        sha256: row.sha256,
        status: row.status,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return inserted.id;
  },

  async quarantine(rows) {
    if (rows.length === 0) return;
    await inTransaction(db, async (trx) => {
      for (const batch of chunks(rows, 1000)) {
        // Named columns only: callers may pass richer objects than QuarantineRow.
        const values = batch.map((r) => ({
          snapshot_id: r.snapshot_id,
          source_id: r.source_id,
          row_number: r.row_number,
          employee_id: r.employee_id,
          reason: r.reason,
          raw: r.raw,
          severity: r.severity,
          code: r.code,
        }));
        await trx.insertInto('quarantine').values(values).execute();
      }
    });
  },

  async quarantined(snapshotId) {
    const rows = await db
      .selectFrom('quarantine')
      .select(COLUMNS)
      .where('snapshot_id', '=', snapshotId)
      .orderBy('row_number')
      .orderBy('id')
      .execute();
    return rows.map(asRow);
  },

  async openQuarantine(filter = {}) {
    let q = db
      .selectFrom('quarantine as q')
      .innerJoin('snapshots as s', 's.id', 'q.snapshot_id')
      .select(COLUMNS.map((c) => `q.${c}` as const))
      .select('s.taken_at');
    if (filter.sourceId !== undefined) q = q.where('q.source_id', '=', filter.sourceId);
    if (filter.snapshotId !== undefined) q = q.where('q.snapshot_id', '=', filter.snapshotId);
    else {
      // Rows of older full imports are history: the next full read decided about those people.
      q = q.where((eb) =>
        eb(
          's.id',
          '>=',
          eb.fn.coalesce(
            eb
              .selectFrom('snapshots as f')
              .select((f) => f.fn.max('f.id').as('id'))
              .whereRef('f.source_id', '=', 's.source_id')
              .where('f.status', '=', 'imported'),
            eb.lit(0),
          ),
        ),
      );
    }
    const rows = await q.orderBy('q.snapshot_id').orderBy('q.row_number').orderBy('q.id').execute();
    return rows.map((r) => ({ ...asRow(r), taken_at: r.taken_at }));
  },
});

const COLUMNS = [
  'snapshot_id',
  'source_id',
  'row_number',
  'employee_id',
  'reason',
  'raw',
  'severity',
  'code',
] as const;

const asRow = (r: Omit<QuarantineRow, 'severity'> & { severity: string }): QuarantineRow => ({
  ...r,
  severity: r.severity === 'critical' ? 'critical' : 'error',
});
