/** File-level refusals: each throws a TenureError with a stable code naming the file. */
import { describe, expect, it } from 'vitest';
import { TenureError } from '../../src/domain/errors.js';
import { parseHrSnapshot, readHrFile } from '../../src/sources/file/index.js';
import { csv, HEADER, line, row, withTempDir, writeTemp } from './helpers.js';

function thrown(fn: () => unknown): TenureError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TenureError);
    return err as TenureError;
  }
  throw new Error('expected a TenureError');
}

async function rejectsWith(path: string, code: string, opts = {}): Promise<TenureError> {
  const err = await readHrFile(path, opts).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TenureError);
  expect((err as TenureError).code).toBe(code);
  expect((err as TenureError).message.startsWith(`${path}: `)).toBe(true);
  return err as TenureError;
}

describe('file-level errors', () => {
  it('hr.empty_file for 0 bytes and whitespace-only files, naming the file', async () => {
    await withTempDir(async (dir) => {
      await rejectsWith(await writeTemp(dir, 'zero.csv', ''), 'hr.empty_file');
      await rejectsWith(await writeTemp(dir, 'blank.csv', ' \r\n\n\t\n'), 'hr.empty_file');
      await rejectsWith(await writeTemp(dir, 'bom.csv', '\uFEFF\n'), 'hr.empty_file');
      await rejectsWith(await writeTemp(dir, 'zero.json', ''), 'hr.empty_file');
    });
  });

  it('hr.header_only when there are no data rows (never "everyone left")', async () => {
    await withTempDir(async (dir) => {
      const e = await rejectsWith(await writeTemp(dir, 'h.csv', `${HEADER}\n`), 'hr.header_only');
      expect(e.message).toMatch(/no data rows/);
      await rejectsWith(
        await writeTemp(dir, 'h2.csv', `${HEADER}\r\n\r\n,,,,,,,,,,,,\r\n`),
        'hr.header_only',
      );
      await rejectsWith(await writeTemp(dir, 'e.json', '[]'), 'hr.header_only');
      await rejectsWith(await writeTemp(dir, 'e2.json', '{"employees": []}'), 'hr.header_only');
    });
  });

  it('hr.missing_columns lists every missing required column and the mapping used', () => {
    const header = 'employee_id,first_name,last_name,department,title,location,status,start_date';
    const e = thrown(() =>
      parseHrSnapshot(`${header}\nE1,a,b,c,d,e,active,2020-01-01\n`, { source: 'x.csv' }),
    );
    expect(e.code).toBe('hr.missing_columns');
    expect(e.message).toContain('x.csv: missing required columns');
    for (const col of ['"email"', '"manager_id"', '"employment_type"', '"end_date"']) {
      expect(e.message).toContain(col);
    }
    expect(e.message).not.toContain('"preferred_name"');
    expect(e.message).toContain("Tenure's default column names");
    expect(e.details.missing).toHaveLength(4);
  });

  it('hr.missing_columns names the mapped column and the mapping', () => {
    const e = thrown(() =>
      parseHrSnapshot(csv([row()]), {
        columns: { employee_id: 'Employee Number' },
        source: 'y.csv',
      }),
    );
    expect(e.code).toBe('hr.missing_columns');
    expect(e.message).toContain('"Employee Number" (for employee_id)');
    expect(e.message).toContain('employee_id → "Employee Number"');
  });

  it('an unknown field in the columns mapping is refused', () => {
    const e = thrown(() => parseHrSnapshot(csv([row()]), { columns: { employe_id: 'Emp' } }));
    expect(e.code).toBe('hr.invalid_column_mapping');
    expect(e.message).toContain('"employe_id"');
  });

  it('a required column appearing twice is refused', () => {
    const e = thrown(() => parseHrSnapshot(`${HEADER},Email\n${line(row())},x@y.io\n`));
    expect(e.code).toBe('hr.duplicate_columns');
  });

  it('hr.malformed_csv is refused only when the header itself is broken', () => {
    const e = thrown(() => parseHrSnapshot(`\n"employee_id,${HEADER}\n${line(row())}\n`));
    expect(e.code).toBe('hr.malformed_csv');
    expect(e.details.line).toBe(2);
    expect(e.message).toMatch(/malformed CSV in the header at line 2: Quote Not Closed/);
  });

  it('hr.malformed_json for bad syntax and wrong shapes', () => {
    expect(thrown(() => parseHrSnapshot('[{"a":', { format: 'json' })).code).toBe(
      'hr.malformed_json',
    );
    expect(thrown(() => parseHrSnapshot('{"people": []}', { format: 'json' })).code).toBe(
      'hr.malformed_json',
    );
    expect(thrown(() => parseHrSnapshot('"x"', { format: 'json' })).code).toBe('hr.malformed_json');
  });

  it('hr.unsupported_format for unknown extensions, formats and Excel files', async () => {
    await withTempDir(async (dir) => {
      await rejectsWith(await writeTemp(dir, 'staff.xlsx', 'x'), 'hr.unsupported_format');
      const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]);
      await rejectsWith(await writeTemp(dir, 'staff.csv', zip), 'hr.unsupported_format');
    });
    const e = thrown(() => parseHrSnapshot('x', { format: 'xml' as 'csv' }));
    expect(e.code).toBe('hr.unsupported_format');
  });

  it('hr.invalid_encoding for non-UTF-8 (e.g. Latin-1) exports', () => {
    const latin1 = Buffer.from(`${HEADER}\n${line(row({ first_name: 'Zoë' }))}\n`, 'latin1');
    expect(thrown(() => parseHrSnapshot(latin1)).code).toBe('hr.invalid_encoding');
  });

  it('hr.unreadable_file when the file does not exist', async () => {
    await withTempDir(async (dir) => {
      const e = await rejectsWith(`${dir}/missing.csv`, 'hr.unreadable_file');
      expect(e.message).toContain('ENOENT');
    });
  });
});
