/** Pure parsing of one HR snapshot (CSV or JSON bytes) into accepted, rejected and warnings. */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { HR_FIELDS } from '../../domain/types.js';
import {
  CASE_CONFLICT,
  caseConflictReason,
  caseConflictRows,
  duplicateReason,
  duplicateRows,
  managerWarnings,
} from './cross-check.js';
import { readCsvRows } from './csv-rows.js';
import { hrFileError } from './file-error.js';
import { readJsonRows } from './json-rows.js';
import { EMPLOYEE_ID } from './limits.js';
import { rejectionSeverity } from './severity.js';
import type {
  AcceptedRecord,
  HrReadOptions,
  HrReadResult,
  RawRow,
  RejectedRecord,
} from './types.js';
import { validateRecord } from './validate-record.js';
import { applyValueMapping } from './value-mapping.js';

const STATUS = HR_FIELDS.indexOf('status');

const isBlankByte = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

function isEmpty(buf: Buffer): boolean {
  const from = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  for (let i = from; i < buf.length; i++) if (!isBlankByte(buf[i]!)) return false;
  return true;
}

/** Reads the bytes into raw rows, refusing files that cannot be an HR export at all. */
function readRows(buf: Buffer, opts: HrReadOptions, source: string): RawRow[] {
  const format = opts.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') {
    throw hrFileError(
      'hr.unsupported_format',
      source,
      `unsupported format ${JSON.stringify(format)} (use csv or json)`,
    );
  }
  if (isEmpty(buf)) throw hrFileError('hr.empty_file', source, 'file is empty');
  if (buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) {
    throw hrFileError(
      'hr.unsupported_format',
      source,
      'looks like a zip or Excel file; export it as CSV (UTF-8) or JSON',
    );
  }
  if (!isUtf8(buf)) {
    throw hrFileError(
      'hr.invalid_encoding',
      source,
      'is not valid UTF-8; export it as UTF-8 so names are not corrupted',
    );
  }
  if (format === 'json') {
    const text = buf.toString('utf8');
    return readJsonRows(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, opts.columns, source);
  }
  const rows = readCsvRows(buf, opts.columns, source);
  if (rows.length === 0) {
    throw hrFileError(
      'hr.header_only',
      source,
      'has a header but no data rows; refusing to read an empty export as "everyone left"',
    );
  }
  return rows;
}

/**
 * Parses one HR snapshot. File-level problems throw a TenureError (`hr.*`); a bad record is
 * rejected with its row and reason while the others continue.
 */
export function parseHrSnapshot(content: Buffer | string, opts: HrReadOptions = {}): HrReadResult {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const source = opts.source ?? '<input>';
  const sha256 = createHash('sha256').update(buf).digest('hex');
  const rows = readRows(buf, opts, source);
  applyValueMapping(rows, opts.values);

  const ids = rows.map((r) => ({ row: r.row, id: (r.values[0] ?? '').trim() }));
  const duplicates = duplicateRows(ids);
  const conflicts = caseConflictRows(ids);
  const records: AcceptedRecord[] = [];
  const rejected: RejectedRecord[] = [];
  rows.forEach((raw, i) => {
    const id = ids[i]!.id;
    // A record csv-parse could not read has only salvaged cells: its one reason says why.
    const result = raw.malformed
      ? ({ ok: false, errors: [] } as const)
      : validateRecord(raw.values);
    const others = duplicates.get(raw.row);
    const conflict = conflicts.get(raw.row);
    if (result.ok && raw.issues.length === 0 && !others && !conflict) {
      records.push({ row: raw.row, record: result.record });
      return;
    }
    const reasons = [...raw.issues, ...(result.ok ? [] : result.errors)];
    if (others) reasons.push(duplicateReason(id, others));
    if (conflict) reasons.push(caseConflictReason(id, conflict));
    const code = raw.malformed?.code ?? (conflict ? CASE_CONFLICT : undefined);
    const employee_id = EMPLOYEE_ID.test(id) ? id : null;
    rejected.push({
      row: raw.row,
      employee_id,
      reason: reasons.join('; '),
      severity: rejectionSeverity(raw.values[STATUS]),
      ...(code !== undefined && { code }),
      raw: raw.raw(),
    });
  });

  const rejectedRowById = new Map<string, number>();
  for (const r of rejected) if (r.employee_id !== null) rejectedRowById.set(r.employee_id, r.row);
  const warnings = managerWarnings(records, rejectedRowById);
  return { records, rejected, warnings, rowCount: rows.length, sha256 };
}
