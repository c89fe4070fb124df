/** Validates and normalises one raw HR row into an HrRecord, or lists every problem. */
// Hand-written rather than zod: it runs 100k times per import, and each reason must name the
// field and value precisely.
import {
  EMPLOYMENT_TYPES,
  HR_FIELDS,
  HR_STATUSES,
  type HrRecord,
  type HrStatus,
} from '../../domain/types.js';
import { isoDateProblem } from './iso-date.js';
import { CONTROL_CHAR, EMPLOYEE_ID, formatLength, MAX_CELL_LENGTH, show } from './limits.js';

const REQUIRED = new Set<string>([
  'employee_id',
  'first_name',
  'last_name',
  'email',
  'department',
  'title',
  'location',
  'employment_type',
  'status',
  'start_date',
]);
const STATUSES: readonly string[] = HR_STATUSES;
const TYPES: readonly string[] = EMPLOYMENT_TYPES;
const MAP_HINT = "or map the export's own values under the source's `values:`";
/** Plausible, not RFC 5322: one @, no whitespace, a dotted domain. */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const ID_RULE = 'must be 1–64 characters of A–Z, a–z, 0–9, ".", "_" or "-"';

export type Validation = { ok: true; record: HrRecord } | { ok: false; errors: string[] };

const hex = (c: string): string =>
  `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Trimmed values (index = HR_FIELDS) or errors for oversized cells and control characters. */
function cleanValues(values: (string | undefined)[], errors: string[]): string[] {
  const out = new Array<string>(HR_FIELDS.length);
  for (let f = 0; f < HR_FIELDS.length; f++) {
    const v = values[f] ?? '';
    const field = HR_FIELDS[f]!;
    out[f] = '';
    if (v.length > MAX_CELL_LENGTH) {
      errors.push(
        `${field} is ${formatLength(v.length)} characters long (limit ${formatLength(MAX_CELL_LENGTH)})`,
      );
      continue;
    }
    const t = v.trim();
    const bad = CONTROL_CHAR.exec(t);
    if (bad) {
      errors.push(
        `${field} contains control character ${hex(bad[0])} at position ${bad.index + 1}`,
      );
      continue;
    }
    if (t === '' && REQUIRED.has(field)) errors.push(`${field} is required`);
    out[f] = t;
  }
  return out;
}

export function validateRecord(values: (string | undefined)[]): Validation {
  const errors: string[] = [];
  const [
    id,
    first,
    last,
    preferred,
    email,
    dept,
    title,
    manager,
    location,
    type,
    status,
    start,
    end,
  ] = cleanValues(values, errors) as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (id !== '' && !EMPLOYEE_ID.test(id)) errors.push(`employee_id ${show(id)} ${ID_RULE}`);
  if (email !== '' && (email.length > 254 || !EMAIL.test(email))) {
    errors.push(`email ${show(email)} is not a plausible email address`);
  }
  const lowered = status.toLowerCase() as HrStatus;
  if (status !== '' && !STATUSES.includes(lowered)) {
    errors.push(
      `status ${show(status)} must be one of ${STATUSES.join(', ')} (${MAP_HINT}: values.status)`,
    );
  }
  const kind = type.toLowerCase();
  if (type !== '' && !TYPES.includes(kind)) {
    errors.push(
      `employment_type ${show(type)} must be one of ${TYPES.join(', ')} (${MAP_HINT}: values.employment_type)`,
    );
  }
  const startProblem = start === '' ? 'missing' : isoDateProblem(start);
  if (start !== '' && startProblem) errors.push(`start_date ${show(start)} ${startProblem}`);
  const endProblem = end === '' ? null : isoDateProblem(end);
  if (endProblem) errors.push(`end_date ${show(end)} ${endProblem}`);
  if (end !== '' && !startProblem && !endProblem && end < start) {
    errors.push(`end_date ${end} is before start_date ${start}`);
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    record: {
      employee_id: id,
      first_name: first,
      last_name: last,
      preferred_name: preferred === '' ? null : preferred,
      email,
      department: dept,
      title,
      manager_id: manager === '' ? null : manager,
      location,
      employment_type: kind,
      status: lowered,
      start_date: start,
      end_date: end === '' ? null : end,
    },
  };
}
