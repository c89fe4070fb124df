/**
 * Vendor rows to an HrReadResult, through the HR file source's own record validation and
 * cross-checks: the same rules and the same reasons whichever system the person comes from.
 * Rejected records keep their position in the vendor's answer as `row`, and the reason names the
 * vendor's id for them.
 */
import { createHash } from 'node:crypto';
import { HR_FIELDS, type HrField } from '../../domain/types.js';
import {
  CASE_CONFLICT,
  caseConflictReason,
  caseConflictRows,
  duplicateReason,
  duplicateRows,
  managerWarnings,
} from '../file/cross-check.js';
import { EMPLOYEE_ID, truncateRaw } from '../file/limits.js';
import { rejectionSeverity } from '../file/severity.js';
import type { AcceptedRecord, HrReadResult, RecordWarning, RejectedRecord } from '../file/types.js';
import { validateRecord } from '../file/validate-record.js';

export type VendorRow = {
  /** 1-based position in the vendor's answer. */
  row: number;
  /** How reasons name it: `BambooHR id 41`. */
  label: string;
  /** Tenure's HR fields as text (absent: undefined). */
  fields: Partial<Record<HrField, string>>;
  /** Problems found while reading the vendor's values. */
  issues: string[];
  /** The vendor's record, kept (truncated) with a rejection. */
  raw: unknown;
};

export const sha256Of = (parts: readonly Buffer[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/** `partial`: a few people (webhook, delta): their managers are not expected to be in the read. */
export function buildReadResult(
  rows: readonly VendorRow[],
  opts: { sha256: string; partial: boolean; warnings?: RecordWarning[] },
): HrReadResult {
  const ids = rows.map((r) => ({ row: r.row, id: (r.fields.employee_id ?? '').trim() }));
  const duplicates = duplicateRows(ids);
  const conflicts = caseConflictRows(ids);
  const records: AcceptedRecord[] = [];
  const rejected: RejectedRecord[] = [];
  rows.forEach((r, i) => {
    const id = ids[i]!.id;
    // An entry that is not even a record has nothing to validate: its one reason says so.
    const unreadable = Object.keys(r.fields).length === 0 && r.issues.length > 0;
    const result = unreadable
      ? ({ ok: false, errors: [] } as const)
      : validateRecord(HR_FIELDS.map((f) => r.fields[f]));
    const others = duplicates.get(r.row);
    const conflict = conflicts.get(r.row);
    if (result.ok && r.issues.length === 0 && !others && !conflict) {
      records.push({ row: r.row, record: result.record });
      return;
    }
    const reasons = [...r.issues, ...(result.ok ? [] : result.errors)];
    if (others) reasons.push(duplicateReason(id, others));
    if (conflict) reasons.push(caseConflictReason(id, conflict));
    rejected.push({
      row: r.row,
      employee_id: EMPLOYEE_ID.test(id) ? id : null,
      reason: `${r.label}: ${reasons.join('; ')}`,
      severity: rejectionSeverity(r.fields.status),
      ...(conflict && { code: CASE_CONFLICT }),
      raw: truncateRaw(JSON.stringify(r.raw) ?? String(r.raw)),
    });
  });
  const rejectedRowById = new Map<string, number>();
  for (const r of rejected) if (r.employee_id !== null) rejectedRowById.set(r.employee_id, r.row);
  const warnings = [
    ...(opts.warnings ?? []),
    ...(opts.partial ? [] : managerWarnings(records, rejectedRowById)),
  ];
  return { records, rejected, warnings, rowCount: rows.length, sha256: opts.sha256 };
}
