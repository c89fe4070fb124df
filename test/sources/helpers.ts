/** Fixture builders for the HR file source tests: records, CSV text, temp files. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { HR_FIELDS, type HrField } from '../../src/domain/types.js';

export const HEADER = HR_FIELDS.join(',');

export type Row = Record<HrField, string>;

let next = 1;
/** A valid row (as CSV cells) with fresh ids unless overridden. */
export function row(overrides: Partial<Row> = {}): Row {
  const n = next++;
  return {
    employee_id: `E${n}`,
    first_name: 'Ada',
    last_name: 'Lovelace',
    preferred_name: '',
    email: `ada${n}@acme.example`,
    department: 'Engineering',
    title: 'Engineer',
    manager_id: '',
    location: 'London',
    employment_type: 'employee',
    status: 'active',
    start_date: '2024-01-15',
    end_date: '',
    ...overrides,
  };
}

/** CSV text (header + rows, properly quoted) with the given line ending. */
export function csv(rows: Row[], eol: '\n' | '\r\n' = '\n'): string {
  return stringify(
    rows.map((r) => HR_FIELDS.map((f) => r[f])),
    { header: true, columns: [...HR_FIELDS], record_delimiter: eol === '\n' ? 'unix' : 'windows' },
  );
}

/** One CSV line written by hand (no quoting): for tests that need exact bytes. */
export const line = (r: Row): string => HR_FIELDS.map((f) => r[f]).join(',');

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tenure-hr-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function writeTemp(
  dir: string,
  name: string,
  content: string | Buffer,
): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}
