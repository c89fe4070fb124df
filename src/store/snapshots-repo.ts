/** HR snapshot bookkeeping and the rows quarantined from each snapshot. */
import type { Kysely } from 'kysely';
import { chunks, inTransaction, toTimestamp } from './codec.js';
import type { Database } from './schema.js';
import type { SnapshotRow, Store } from './types.js';

export const createSnapshotsRepo = (db: Kysely<Database>): Store['snapshots'] => ({
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
        }));
        await trx.insertInto('quarantine').values(values).execute();
      }
    });
  },

  async quarantined(snapshotId) {
    return db
      .selectFrom('quarantine')
      .select(['snapshot_id', 'source_id', 'row_number', 'employee_id', 'reason', 'raw'])
      .where('snapshot_id', '=', snapshotId)
      .orderBy('row_number')
      .orderBy('id')
      .execute();
  },
});
