/** Column mapping for exports that don't use Tenure's header. */
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { HR_FIELDS } from '../../src/domain/types.js';
import { parseHrSnapshot, readHrFile } from '../../src/sources/file/index.js';
import { fileSource } from '../../src/sources/file-source.js';
import { withTempDir, writeTemp } from './helpers.js';

const columns = {
  employee_id: 'Employee Number',
  first_name: 'First Name',
  last_name: 'Last Name',
  preferred_name: 'Known As',
  email: 'Work Email',
  department: 'Dept',
  title: 'Job Title',
  manager_id: 'Manager Number',
  location: 'Office',
  employment_type: 'Worker Type',
  status: 'Employment Status',
  start_date: 'Hire Date',
  end_date: 'Termination Date',
};

const exportCsv = stringify([
  // Columns in another order, odd spacing and casing, plus an extra column Tenure ignores.
  [
    '  employee number ',
    'FIRST NAME',
    'Last Name',
    'Cost Centre',
    'Work Email',
    'Dept',
    'Job Title',
    'Manager Number',
    'Office',
    'Worker Type',
    'Employment Status',
    'Hire Date',
    'Termination Date',
  ],
  [
    '1001',
    'Grace',
    'Hopper',
    'CC-9',
    'grace@acme.example',
    'Engineering',
    'Admiral',
    '',
    'New York',
    'employee',
    'ACTIVE',
    '2019-03-01',
    '',
  ],
  [
    '1002',
    'Alan',
    'Turing',
    'CC-9',
    'alan@acme.example',
    'Engineering',
    'Engineer',
    '1001',
    'London',
    'contractor',
    'Terminated',
    '2019-04-01',
    '2026-06-30',
  ],
]);

describe('columns mapping', () => {
  it('matches mapped headers trimmed and case-insensitively, in any order', async () => {
    await withTempDir(async (dir) => {
      const path = await writeTemp(dir, 'workday.csv', exportCsv);
      const r = await readHrFile(path, { columns });
      expect(r.rejected).toEqual([]);
      expect(r.warnings).toEqual([]);
      expect(r.records.map((x) => x.record)).toEqual([
        {
          employee_id: '1001',
          first_name: 'Grace',
          last_name: 'Hopper',
          preferred_name: null,
          email: 'grace@acme.example',
          department: 'Engineering',
          title: 'Admiral',
          manager_id: null,
          location: 'New York',
          employment_type: 'employee',
          status: 'active',
          start_date: '2019-03-01',
          end_date: null,
        },
        {
          employee_id: '1002',
          first_name: 'Alan',
          last_name: 'Turing',
          preferred_name: null,
          email: 'alan@acme.example',
          department: 'Engineering',
          title: 'Engineer',
          manager_id: '1001',
          location: 'London',
          employment_type: 'contractor',
          status: 'terminated',
          start_date: '2019-04-01',
          end_date: '2026-06-30',
        },
      ]);
    });
  });

  it('a partial mapping uses Tenure names for the other fields', () => {
    const text = `Emp No,first_name,last_name,preferred_name,email,department,title,manager_id,location,employment_type,status,start_date,end_date
X1,A,B,,a@b.io,D,T,,L,employee,active,2020-01-01,
`;
    const r = parseHrSnapshot(text, { columns: { employee_id: 'Emp No' } });
    expect(r.records[0]?.record.employee_id).toBe('X1');
  });

  it("values: maps the export's own statuses and employment types, ignoring case and spaces", () => {
    const text = `${HR_FIELDS.join(',')}
X1,A,B,,a@b.io,D,T,,L,Full-Time,Active - Paid,2020-01-01,
X2,A,B,,c@b.io,D,T,,L, full-time ,Terminated - Voluntary,2020-01-01,2026-01-31
X3,A,B,,d@b.io,D,T,,L,Seasonal,Active - Paid,2020-01-01,
`;
    const r = parseHrSnapshot(text, {
      values: {
        status: { 'active - paid': 'active', 'Terminated - Voluntary': 'terminated' },
        employment_type: { 'Full-Time': 'employee' },
      },
    });
    expect(r.records.map((a) => [a.record.employment_type, a.record.status])).toEqual([
      ['employee', 'active'],
      ['employee', 'terminated'],
    ]);
    expect(r.rejected[0]!.reason).toMatch(/^employment_type "Seasonal" must be one of/);
  });

  it('tenure.yaml values: only map onto accepted values', () => {
    const guard = fileSource.configGuard;
    const base = { id: 'hr', type: 'file', path: 'hr.csv' };
    expect(guard.safeParse({ ...base, values: { status: { Gone: 'terminated' } } }).success).toBe(
      true,
    );
    const bad = guard.safeParse({ ...base, values: { employment_type: { 'Full-Time': 'staff' } } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues[0]?.path)).toBe(
      '["values","employment_type","Full-Time"]',
    );
  });
});
