/**
 * HR rows in quarantine: the rows of each source's latest full read (and of the deltas after it)
 * that were rejected, so nobody has to dig them out of the audit trail. Critical rows first: a
 * rejected row that says terminated is a leaver whose access is still in place.
 */
import type { QuarantineEntry } from '../../store/types.js';
import type { Workspace } from '../workspace.js';

export type QuarantineItem = {
  source_id: string;
  snapshot_id: number;
  taken_at: string;
  /** The line (CSV) or position (JSON, HR systems) of the record in its read. */
  row: number;
  employee_id: string | null;
  severity: 'critical' | 'error';
  code: string | null;
  reason: string;
  /** The record as read (truncated for very long records). */
  raw: string;
};

export type QuarantineFilter = { sourceId?: string; snapshotId?: number };

const rank = (e: QuarantineEntry) => (e.severity === 'critical' ? 0 : 1);

export async function listQuarantine(
  ws: Pick<Workspace, 'store'>,
  filter: QuarantineFilter = {},
): Promise<QuarantineItem[]> {
  const rows = await ws.store.snapshots.openQuarantine(filter);
  // Stable: within a severity, the store's order (snapshot, then row) is kept.
  return [...rows]
    .sort((a, b) => rank(a) - rank(b))
    .map((e) => ({
      source_id: e.source_id,
      snapshot_id: e.snapshot_id,
      taken_at: e.taken_at,
      row: e.row_number,
      employee_id: e.employee_id,
      severity: e.severity,
      code: e.code,
      reason: e.reason,
      raw: e.raw,
    }));
}
