/** Import one HR read (a file, an HR system's API, or its changes since the last read): validate, quarantine bad records, detect lifecycle events, save identities. */

import { TenureError } from '../../domain/errors.js';
import type { Source } from '../../sources/contract.js';
import { checkSnapshotDrop } from '../../sources/file/index.js';
import type { Workspace } from '../workspace.js';
import { type ImportSummary, saveRead } from './save-import.js';
import { findSourceConfig, openSource } from './sources.js';

export type ImportOptions = {
  sourceId?: string;
  file?: string;
  actor?: string;
  /** Only the people changed since the source's watermark (HR systems with a changed-since API). */
  changed?: boolean;
};

/**
 * The next delta starts this long before a full read began: the vendor's clock and ours differ a
 * little, and reading someone twice changes nothing.
 */
const WATERMARK_MARGIN_MS = 5 * 60_000;

export async function importSource(
  ws: Workspace,
  opts: ImportOptions = {},
): Promise<ImportSummary> {
  const source = findSourceConfig(ws, opts.sourceId);
  const reader = openSource(ws, source, opts.file !== undefined ? { file: opts.file } : {});
  if (opts.changed) return importChanged(ws, source.id, reader);
  return importFull(ws, source.id, reader);
}

async function importFull(
  ws: Workspace,
  sourceId: string,
  reader: Source,
  delta?: (watermark: string) => ImportSummary['delta'],
): Promise<ImportSummary> {
  const startedAt = ws.clock();
  const read = await reader.snapshot();
  const file = reader.label;
  const ts = ws.clock().toISOString();
  const actor = `hr:${sourceId}:snapshot`;

  const previous = await ws.store.snapshots.last(sourceId, 'imported');
  const drop = checkSnapshotDrop(
    previous?.row_count,
    read.rowCount,
    ws.config.safety.max_snapshot_drop,
  );
  if (!drop.ok) {
    const snapshotId = await ws.store.snapshots.record({
      source_id: sourceId,
      taken_at: ts,
      row_count: read.rowCount,
      accepted: read.records.length,
      rejected: read.rejected.length,
      sha256: read.sha256,
      status: 'halted',
    });
    await ws.store.audit.append([
      {
        action: 'hr.snapshot.halted',
        actor,
        trigger: `snapshot:${snapshotId}`,
        target: `source:${sourceId}`,
        outcome: 'failure',
        details: {
          file,
          reason: drop.reason,
          rows: read.rowCount,
          previous_rows: previous?.row_count,
        },
        ts,
      },
    ]);
    throw new TenureError('hr.snapshot_drop', `${file}: import halted: ${drop.reason}`, {
      snapshot_id: snapshotId,
    });
  }
  // A source with a delta API: the next `--changed` starts where this full read did.
  const watermark = reader.changedSince
    ? new Date(startedAt.getTime() - WATERMARK_MARGIN_MS).toISOString()
    : undefined;
  return saveRead(ws, {
    sourceId,
    label: file,
    read,
    kind: reader.snapshotKind,
    status: 'imported',
    actor,
    ...(watermark !== undefined && { watermark, delta: delta?.(watermark) }),
  });
}

/** The people changed since the stored watermark, re-read; the vendor's new watermark kept with them. */
async function importChanged(
  ws: Workspace,
  sourceId: string,
  reader: Source,
): Promise<ImportSummary> {
  if (!reader.changedSince || !reader.fetchPeople) {
    throw new TenureError(
      'source.no_delta',
      `source "${sourceId}" has no changed-since API: import it whole (tenure import --source ${sourceId})`,
    );
  }
  const state = await ws.store.sourceState.get(sourceId);
  if (!state?.watermark) {
    // Nothing to start from yet: read everyone, which stores the first watermark.
    return importFull(ws, sourceId, reader, (watermark) => ({
      since: null,
      watermark,
      changed: 0,
      not_found: [],
    }));
  }
  const delta = await reader.changedSince(state.watermark);
  const read =
    delta.ids.length > 0
      ? await reader.fetchPeople(delta.ids)
      : { records: [], rejected: [], warnings: [], rowCount: 0, sha256: '', notFound: [] };
  return saveRead(ws, {
    sourceId,
    label: reader.label,
    read,
    kind: 'partial',
    status: 'delta',
    actor: `hr:${sourceId}:delta`,
    watermark: delta.watermark,
    delta: {
      since: state.watermark,
      watermark: delta.watermark,
      changed: delta.ids.length,
      not_found: read.notFound,
    },
  });
}
