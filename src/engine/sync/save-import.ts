/**
 * Saves one HR read — a full snapshot, a delta, the people a webhook named — in one transaction:
 * the snapshot row, quarantined records, lifecycle events per person, identities and their
 * history, the audit events, and (for sources with a delta API) the next watermark. Moved out of
 * import-source.ts so that vendor webhooks save exactly as an import does.
 */
import { foldId, respellIds } from '../../domain/identity-keys.js';
import { markMissing } from '../../domain/lifecycle.js';
import type { Identity, LifecycleEvent } from '../../domain/types.js';
import type { HrReadResult } from '../../sources/contract.js';
import type { RejectionSeverity } from '../../sources/file/types.js';
import type { AuditInput, IdentityChange, Store } from '../../store/types.js';
import { lifecycleAudit } from '../audit/events.js';
import { lifecycleSettings } from '../settings.js';
import type { Workspace } from '../workspace.js';
import { recordChange } from './record-change.js';

export type ImportSummary = {
  source: string;
  /** Where it was read: the file's path, or the HR system's URL. */
  file: string;
  snapshot_id: number;
  rows: number;
  accepted: number;
  rejected: {
    row: number;
    employee_id: string | null;
    reason: string;
    /** `critical`: the row says terminated, so that person keeps their access until it is fixed. */
    severity: RejectionSeverity;
    code?: string;
  }[];
  warnings: { row: number; employee_id: string; message: string }[];
  unchanged: number;
  events: Record<string, number>;
  changes: { identity: string; events: LifecycleEvent[] }[];
  /** `--changed`: the watermark read from (null: none yet, so everyone was read) and the one kept. */
  delta?: { since: string | null; watermark: string; changed: number; not_found: string[] };
};

/** Up to this many rows, a partial read loads the identities it names one by one. */
const PARTIAL_LOOKUP_LIMIT = 1_000;

export type SaveRead = {
  sourceId: string;
  /** Where it was read (a path, a URL): the `file` of the summary and the audit details. */
  label: string;
  read: HrReadResult;
  /** full: people of this source absent from the read are flagged missing_from_source. */
  kind: 'full' | 'partial';
  /** `delta` snapshots never serve as the baseline of the snapshot-drop guard. */
  status: 'imported' | 'delta';
  /** `hr:<source>:snapshot`, `hr:<source>:delta`, `hr:<source>:webhook`. */
  actor: string;
  /** Stored as the source's delta watermark in the same transaction. */
  watermark?: string;
  delta?: ImportSummary['delta'];
  /**
   * More work in the same transaction (a webhook's replay guard, its run jobs); the audit events
   * it returns are appended with the import's, in one batch.
   */
  inTx?: (tx: Store, summary: ImportSummary) => Promise<AuditInput[]>;
};

export async function saveRead(ws: Workspace, s: SaveRead): Promise<ImportSummary> {
  const { read } = s;
  const now = ws.clock();
  const ts = now.toISOString();
  const settings = lifecycleSettings(ws.config);
  // A full snapshot compares against everyone (absentees are flagged); a small partial one (an HR
  // event, a delta) only needs the people it names, not all 100 k identities.
  const partial = s.kind === 'partial' && read.records.length <= PARTIAL_LOOKUP_LIMIT;
  const stored = partial
    ? (
        await Promise.all(
          read.records.map(
            async ({ record }) =>
              (await ws.store.identities.get(record.employee_id)) ??
              ws.store.identities.getIgnoringCase(record.employee_id),
          ),
        )
      ).filter((i): i is Identity => i !== undefined)
    : await ws.store.identities.all();
  const known = new Map(stored.map((i) => [foldId(i.id), i]));
  // An id re-spelled only in case is the stored person: the read takes the stored spelling. In
  // place, so callers that act on the read's records afterwards (webhooks queue runs) name them so.
  const { records, respelled } = respellIds(
    read.records,
    stored.map((i) => i.id),
  );
  records.forEach((r, i) => {
    read.records[i] = r;
  });
  const warnings = [
    ...read.warnings,
    ...respelled.map((r) => ({
      row: r.row,
      employee_id: r.to,
      message: `employee_id ${JSON.stringify(r.from)} is identity ${JSON.stringify(r.to)} (ids compare ignoring case): kept ${JSON.stringify(r.to)}`,
    })),
  ];
  const changes: IdentityChange[] = [];
  const audit: AuditInput[] = [];
  const summary: ImportSummary = {
    source: s.sourceId,
    file: s.label,
    snapshot_id: 0,
    rows: read.rowCount,
    accepted: read.records.length,
    rejected: read.rejected.map(({ row, employee_id, reason, severity, code }) => ({
      row,
      employee_id,
      reason,
      severity,
      ...(code !== undefined && { code }),
    })),
    warnings,
    unchanged: 0,
    events: {},
    changes: [],
    ...(s.delta && { delta: s.delta }),
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
    seen.add(foldId(record.employee_id));
    const prev = known.get(foldId(record.employee_id));
    const { identity, events, unchanged } = recordChange(prev, record, now, settings, s.sourceId);
    if (unchanged) summary.unchanged++;
    else if (events.length === 0) changes.push({ identity, events: [] });
    note(identity, events);
  }
  // A rejected row is not an absence: those people keep their state until a valid row arrives.
  for (const r of read.rejected) if (r.employee_id) seen.add(foldId(r.employee_id));
  if (s.kind === 'full') {
    for (const prev of known.values()) {
      if (prev.source_id !== s.sourceId || seen.has(foldId(prev.id))) continue;
      const { identity, events } = markMissing(prev, now, settings);
      note(identity, events);
    }
  }
  const file = s.label;
  const empty = read.rowCount === 0;

  await ws.store.transaction(async (tx) => {
    if (s.watermark !== undefined) await tx.sourceState.setWatermark(s.sourceId, s.watermark, ts);
    // A delta poll that found nobody leaves no snapshot row behind, only its new watermark.
    if (!(empty && s.status === 'delta')) {
      const snapshotId = await tx.snapshots.record({
        source_id: s.sourceId,
        taken_at: ts,
        row_count: read.rowCount,
        accepted: read.records.length,
        rejected: read.rejected.length,
        sha256: read.sha256,
        status: s.status,
      });
      summary.snapshot_id = snapshotId;
      const trigger = `snapshot:${snapshotId}`;
      await tx.snapshots.quarantine(
        read.rejected.map((r) => ({
          ...r,
          code: r.code ?? null,
          snapshot_id: snapshotId,
          source_id: s.sourceId,
          row_number: r.row,
        })),
      );
      for (const r of read.rejected) {
        audit.push({
          action: 'hr.record.rejected',
          actor: s.actor,
          trigger,
          target: r.employee_id ? `identity:${r.employee_id}` : `source:${s.sourceId}`,
          outcome: 'failure',
          details: {
            file,
            row: r.row,
            reason: r.reason,
            severity: r.severity,
            ...(r.code !== undefined && { code: r.code }),
          },
          ts,
        });
      }
      for (const w of warnings) {
        audit.push({
          action: 'hr.record.warning',
          actor: s.actor,
          trigger,
          target: `identity:${w.employee_id}`,
          outcome: 'success',
          details: { file, row: w.row, message: w.message },
          ts,
        });
      }
      for (const { identity, events } of noted) {
        for (const e of events) audit.push(lifecycleAudit(identity, e, s.sourceId, trigger, ts));
      }
      audit.push({
        action: s.status === 'delta' ? 'hr.delta.imported' : 'hr.snapshot.imported',
        actor: s.actor,
        trigger,
        target: `source:${s.sourceId}`,
        outcome: 'success',
        details: {
          file,
          sha256: read.sha256,
          rows: read.rowCount,
          accepted: read.records.length,
          rejected: read.rejected.length,
          events: summary.events,
          ...(s.delta && { delta: s.delta }),
        },
        ts,
      });
      await tx.identities.save(changes, ts);
    }
    audit.push(...((await s.inTx?.(tx, summary)) ?? []));
    if (audit.length > 0) await tx.audit.append(audit);
  });
  return summary;
}
