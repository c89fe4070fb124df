/** Reads a JSON export (an array of objects, or `{ "employees": [...] }`) into raw rows. */
import { HR_FIELDS } from '../../domain/types.js';
import { exportNames, lookupKey } from './columns.js';
import { hrFileError } from './file-error.js';
import { splitJsonRecords } from './json-records.js';
import { formatLength, MAX_CELL_LENGTH, truncateRaw } from './limits.js';
import type { RawRow } from './types.js';

const SHAPE = 'expected an array of employee objects or { "employees": [...] }';

type Entry = { value: unknown } | { line: number; broken: string; text: string };

function employeesOf(text: string, source: string): Entry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    // One broken record must not refuse everyone: read the others, quarantine that one.
    const pieces = splitJsonRecords(text);
    if (pieces && pieces.length > 0) return pieces;
    const why = err instanceof Error ? err.message : String(err);
    throw hrFileError('hr.malformed_json', source, `malformed JSON: ${why}`);
  }
  if (Array.isArray(doc)) return doc.map((value) => ({ value }));
  if (doc !== null && typeof doc === 'object') {
    const employees = (doc as Record<string, unknown>).employees;
    if (Array.isArray(employees)) return employees.map((value) => ({ value }));
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

const escapeRegex = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A string value of `key` in a broken record's text, if it can be read there. */
function salvage(text: string, key: string): string | undefined {
  const m = new RegExp(`"${escapeRegex(key)}"\\s*:\\s*"([^"\\\\\\n]*)"`, 'i').exec(text);
  return m?.[1];
}

const SALVAGED = new Set(['employee_id', 'status']);

function brokenRow(
  e: { line: number; broken: string; text: string },
  row: number,
  names: string[],
): RawRow {
  const values = HR_FIELDS.map((f, i) =>
    SALVAGED.has(f) ? salvage(e.text, names[i]!) : undefined,
  );
  return {
    row,
    values,
    issues: [
      `malformed JSON in the record at line ${e.line}: ${e.broken}; reading resumed at the next record`,
    ],
    malformed: { code: 'hr.malformed_json' },
    raw: () => truncateRaw(e.text),
  };
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
  return employees.map((e, i) =>
    'broken' in e ? brokenRow(e, i + 1, names) : toRow(e.value, i + 1, names),
  );
}
