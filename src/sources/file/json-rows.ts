/** Reads a JSON export (an array of objects, or `{ "employees": [...] }`) into raw rows. */
import { HR_FIELDS } from '../../domain/types.js';
import { exportNames, lookupKey } from './columns.js';
import { hrFileError } from './file-error.js';
import { formatLength, MAX_CELL_LENGTH, truncateRaw } from './limits.js';
import type { RawRow } from './types.js';

const SHAPE = 'expected an array of employee objects or { "employees": [...] }';

function employeesOf(text: string, source: string): unknown[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw hrFileError('hr.malformed_json', source, `malformed JSON: ${why}`);
  }
  if (Array.isArray(doc)) return doc;
  if (doc !== null && typeof doc === 'object') {
    const employees = (doc as Record<string, unknown>).employees;
    if (Array.isArray(employees)) return employees;
  }
  throw hrFileError('hr.malformed_json', source, `malformed JSON: ${SHAPE}`);
}

const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function toRow(item: unknown, row: number, names: string[]): RawRow {
  const raw = () => truncateRaw(JSON.stringify(item) ?? String(item));
  const values = new Array<string | undefined>(HR_FIELDS.length);
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return { row, values, issues: [`record is ${kind(item)}, not an object`], raw };
  }
  const obj = item as Record<string, unknown>;
  const issues: string[] = [];
  const used = new Set<string>();
  names.forEach((name, f) => {
    const key = lookupKey(obj, name);
    if (key === undefined) return;
    used.add(key);
    const v = obj[key];
    if (typeof v === 'string') values[f] = v;
    else if (typeof v === 'number' && Number.isFinite(v)) values[f] = String(v);
    else if (v !== null && v !== undefined)
      issues.push(`${HR_FIELDS[f]} must be a string, got ${kind(v)}`);
  });
  for (const [key, v] of Object.entries(obj)) {
    if (!used.has(key) && typeof v === 'string' && v.length > MAX_CELL_LENGTH) {
      issues.push(
        `key ${JSON.stringify(key)} is ${formatLength(v.length)} characters long (limit ${formatLength(MAX_CELL_LENGTH)})`,
      );
    }
  }
  return { row, values, issues, raw };
}

/** `row` is the 1-based index in the employees array. */
export function readJsonRows(
  text: string,
  columns: Record<string, string> | undefined,
  source: string,
): RawRow[] {
  const names = exportNames(columns, source);
  const employees = employeesOf(text, source);
  if (employees.length === 0) {
    throw hrFileError(
      'hr.header_only',
      source,
      'contains no employee records (empty array); refusing to read an empty export as "everyone left"',
    );
  }
  return employees.map((item, i) => toRow(item, i + 1, names));
}
