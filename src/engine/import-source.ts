/** Import one HR snapshot: validate, quarantine bad rows, detect lifecycle events, save identities. */

import { resolve } from 'node:path';
import { TenureError } from '../domain/errors.js';
import { detectLifecycle, type LifecycleSettings, markMissing } from '../domain/lifecycle.js';
import type { HrRecord, Identity, LifecycleEvent } from '../domain/types.js';
import { checkSnapshotDrop, readHrFile } from '../sources/file/index.js';
import type { AuditInput, IdentityChange } from '../store/types.js';
import { lifecycleAudit } from './audit-events.js';
import { lifecycleSettings } from './settings.js';
import type { Workspace } from './workspace.js';

export type ImportSummary = {
  source: string;
  file: string;
  snapshot_id: number;
  rows: number;
  accepted: number;
  rejected: { row: number; employee_id: string | null; reason: string }[];
  warnings: { row: number; employee_id: string; message: string }[];
  unchanged: number;
  events: Record<string, number>;
  changes: { identity: string; events: LifecycleEvent[] }[];
};

/** Up to this many rows, a partial snapshot reads the identities it names one by one. */
const PARTIAL_LOOKUP_LIMIT = 1_000;

export type ImportOptions = { sourceId?: string; file?: string; actor?: string };

export async function importSource(
  ws: Workspace,
  opts: ImportOptions = {},
): Promise<ImportSummary> {
  const source = opts.sourceId
    ? ws.config.sources.find((s) => s.id === opts.sourceId)
    : ws.config.sources[0];
  if (!source) throw new TenureError('source.not_found', `unknown source "${opts.sourceId}"`);
  const file = resolve(ws.dir, opts.file ?? source.path);
  const now = ws.clock();
  const ts = now.toISOString();
  const read = await readHrFile(file, { format: source.format, columns: source.columns });
  const actor = `hr:${source.id}:snapshot`;

  const previous = await ws.store.snapshots.last(source.id, 'imported');
  const drop = checkSnapshotDrop(
    previous?.row_count,
    read.rowCount,
    ws.config.safety.max_snapshot_drop,
  );
  if (!drop.ok) {
    const snapshotId = await ws.store.snapshots.record({
      source_id: source.id,
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
        target: `source:${source.id}`,
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

  const settings = lifecycleSettings(ws.config);
  // A full snapshot compares against everyone (absentees are flagged); a small partial one (an HR
  // event, a delta file) only needs the people it names, not all 100 k identities.
  const partial = source.snapshot === 'partial' && read.records.length <= PARTIAL_LOOKUP_LIMIT;
  const stored = partial
    ? (
        await Promise.all(
          read.records.map(({ record }) => ws.store.identities.get(record.employee_id)),
        )
      ).filter((i): i is Identity => i !== undefined)
    : await ws.store.identities.all();
  const known = new Map(stored.map((i) => [i.id, i]));
  const changes: IdentityChange[] = [];
  const audit: AuditInput[] = [];
  const summary: ImportSummary = {
    source: source.id,
    file,
    snapshot_id: 0,
    rows: read.rowCount,
    accepted: read.records.length,
    rejected: read.rejected.map(({ row, employee_id, reason }) => ({ row, employee_id, reason })),
    warnings: read.warnings,
    unchanged: 0,
    events: {},
    changes: [],
  };
  const noted: { identity: Identity; events: LifecycleEvent[] }[] = [];
  const note = (identity: Identity, events: LifecycleEvent[]) => {
    if (events.length === 0) return;
    changes.push({ identity, events: events.map((e) => e.kind) });
    noted.push({ identity, events });
    summary.changes.push({ identity: identity.id, events });
    for (const e of events) summary.events[e.kind] = (summary.events[e.kind] ?? 0) + 1;
  };

  const seen = new Set<string>();
  for (const { record } of read.records) {
    seen.add(record.employee_id);
    const prev = known.get(record.employee_id);
    const { identity, events, unchanged } = recordChange(prev, record, now, settings, source.id);
    if (unchanged) summary.unchanged++;
    else if (events.length === 0) changes.push({ identity, events: [] });
    note(identity, events);
  }
  // A rejected row is not an absence: those people keep their state until a valid row arrives.
  for (const r of read.rejected) if (r.employee_id) seen.add(r.employee_id);
  if (source.snapshot === 'full') {
    for (const prev of known.values()) {
      if (prev.source_id !== source.id || seen.has(prev.id)) continue;
      const { identity, events } = markMissing(prev, now, settings);
      note(identity, events);
    }
  }

  await ws.store.transaction(async (tx) => {
    const snapshotId = await tx.snapshots.record({
      source_id: source.id,
      taken_at: ts,
      row_count: read.rowCount,
      accepted: read.records.length,
      rejected: read.rejected.length,
      sha256: read.sha256,
      status: 'imported',
    });
    summary.snapshot_id = snapshotId;
    const trigger = `snapshot:${snapshotId}`;
    await tx.snapshots.quarantine(
      read.rejected.map((r) => ({
        ...r,
        snapshot_id: snapshotId,
        source_id: source.id,
        row_number: r.row,
      })),
    );
    for (const r of read.rejected) {
      audit.push({
        action: 'hr.record.rejected',
        actor,
        trigger,
        target: r.employee_id ? `identity:${r.employee_id}` : `source:${source.id}`,
        outcome: 'failure',
        details: { file, row: r.row, reason: r.reason },
        ts,
      });
    }
    for (const w of read.warnings) {
      audit.push({
        action: 'hr.record.warning',
        actor,
        trigger,
        target: `identity:${w.employee_id}`,
        outcome: 'success',
        details: { file, row: w.row, message: w.message },
        ts,
      });
    }
    for (const { identity, events } of noted) {
      for (const e of events) audit.push(lifecycleAudit(identity, e, source.id, trigger, ts));
    }
    audit.push({
      action: 'hr.snapshot.imported',
      actor,
      trigger,
      target: `source:${source.id}`,
      outcome: 'success',
      details: {
        file,
        sha256: read.sha256,
        rows: read.rowCount,
        accepted: read.records.length,
        rejected: read.rejected.length,
        events: summary.events,
      },
      ts,
    });
    await tx.identities.save(changes, ts);
    await tx.audit.append(audit);
  });
  return summary;
}

/**
 * One HR record against what Tenure knows: the new identity, its lifecycle events, and whether
 * nothing at all changed. Shared by snapshot imports and HR webhooks (src/engine/webhook).
 */
export function recordChange(
  prev: Identity | undefined,
  record: HrRecord,
  now: Date,
  settings: LifecycleSettings,
  sourceId: string,
): { identity: Identity; events: LifecycleEvent[]; unchanged: boolean } {
  const { identity, events } = detectLifecycle(prev, record, now, settings, sourceId);
  const unchanged = events.length === 0 && prev !== undefined && sameRecord(prev, identity);
  return { identity, events, unchanged };
}

const sameRecord = (a: Identity, b: Identity) =>
  a.status === b.status &&
  a.missing_from_source === b.missing_from_source &&
  sameAttributes(a.attributes, b.attributes);

/**
 * Key order does not matter: stored attributes come back from canonical (sorted-key) JSON while a
 * parsed record has HR field order, so comparing JSON text called every stored person changed.
 */
const sameAttributes = (a: HrRecord, b: HrRecord): boolean => {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) {
    if (!Object.hasOwn(b, k) || a[k as keyof HrRecord] !== b[k as keyof HrRecord]) return false;
  }
  return true;
};
