/** JSON exports: a bare array or { "employees": [...] }, rows numbered by array index. */
import { describe, expect, it } from 'vitest';
import { parseHrSnapshot, readHrFile } from '../../src/sources/file/index.js';
import { withTempDir, writeTemp } from './helpers.js';

const person = (id: unknown, extra: Record<string, unknown> = {}) => ({
  employee_id: id,
  first_name: 'Zoë',
  last_name: 'Ñúñez',
  email: `z${String(id)}@acme.example`,
  department: 'Sales',
  title: 'Account Executive',
  manager_id: null,
  location: 'Paris',
  employment_type: 'employee',
  status: 'Active',
  start_date: '2023-05-02',
  ...extra,
});

describe('JSON format', () => {
  it('reads an array of objects; numeric ids become strings; missing optional keys are null', () => {
    const r = parseHrSnapshot(
      JSON.stringify([person(1001), person('1002', { manager_id: 1001 })]),
      {
        format: 'json',
      },
    );
    expect(r.rejected).toEqual([]);
    expect(r.records.map((x) => [x.row, x.record.employee_id, x.record.manager_id])).toEqual([
      [1, '1001', null],
      [2, '1002', '1001'],
    ]);
    expect(r.records[0]?.record).toMatchObject({
      first_name: 'Zoë',
      status: 'active',
      preferred_name: null,
      end_date: null,
    });
  });

  it('reads { "employees": [...] } from a .json file (with BOM)', async () => {
    await withTempDir(async (dir) => {
      const body = `\uFEFF${JSON.stringify({ employees: [person('A'), person('B')], exported_at: 'x' })}`;
      const r = await readHrFile(await writeTemp(dir, 'hr.json', body));
      expect(r.records.map((x) => x.record.employee_id)).toEqual(['A', 'B']);
      expect(r.rowCount).toBe(2);
    });
  });

  it('applies the columns mapping to keys (case-insensitive)', () => {
    const { employee_id, ...rest } = person('x');
    const r = parseHrSnapshot(JSON.stringify([{ ...rest, EmployeeNumber: 77 }]), {
      format: 'json',
      columns: { employee_id: 'employeeNumber' },
    });
    expect(employee_id).toBe('x');
    expect(r.records[0]?.record.employee_id).toBe('77');
  });

  it('rejects non-objects, wrong value types and invalid records by index; duplicates too', () => {
    const r = parseHrSnapshot(
      JSON.stringify([
        person('ok1'),
        'not a person',
        person('t1', { first_name: true }),
        person('d1'),
        person('d1'),
        person('bad', { start_date: '2026-02-30' }),
        [1, 2],
      ]),
      { format: 'json' },
    );
    expect(r.records.map((x) => x.record.employee_id)).toEqual(['ok1']);
    expect(r.rejected.map((x) => [x.row, x.reason])).toEqual([
      [
        2,
        'record is string, not an object; employee_id is required; first_name is required; last_name is required; email is required; department is required; title is required; location is required; employment_type is required; status is required; start_date is required',
      ],
      [3, 'first_name must be a string, got boolean; first_name is required'],
      [4, 'duplicate employee_id "d1": also on row 5'],
      [5, 'duplicate employee_id "d1": also on row 4'],
      [6, 'start_date "2026-02-30" is not a real calendar date'],
      [7, expect.stringMatching(/^record is array, not an object/)],
    ]);
    expect(r.rejected[0]?.raw).toBe('"not a person"');
    expect(r.rowCount).toBe(7);
  });
});
