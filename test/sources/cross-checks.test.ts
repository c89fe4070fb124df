/** Checks across rows: duplicate ids and manager references. */
import { describe, expect, it } from 'vitest';
import { parseHrSnapshot } from '../../src/sources/file/index.js';
import { csv, row } from './helpers.js';

describe('duplicate employee ids', () => {
  it('rejects every row with the same id, naming the other rows, and keeps the rest', () => {
    const r = parseHrSnapshot(
      csv([
        row({ employee_id: 'D1' }),
        row({ employee_id: 'K1' }),
        row({ employee_id: 'D1', first_name: 'Other' }),
        row({ employee_id: 'K2' }),
        row({ employee_id: ' D1 ' }),
      ]),
    );
    expect(r.records.map((x) => x.record.employee_id)).toEqual(['K1', 'K2']);
    expect(r.rejected.map((x) => [x.row, x.employee_id, x.reason])).toEqual([
      [2, 'D1', 'duplicate employee_id "D1": also on rows 4, 6'],
      [4, 'D1', 'duplicate employee_id "D1": also on rows 2, 6'],
      [6, 'D1', 'duplicate employee_id "D1": also on rows 2, 4'],
    ]);
    expect(r.rowCount).toBe(5);
  });

  it('a duplicate is rejected even when one copy is otherwise invalid', () => {
    const r = parseHrSnapshot(
      csv([row({ employee_id: 'D2' }), row({ employee_id: 'D2', email: 'x' })]),
    );
    expect(r.records).toEqual([]);
    expect(r.rejected[1]?.reason).toBe(
      'email "x" is not a plausible email address; duplicate employee_id "D2": also on row 2',
    );
  });

  it('ids compare ignoring case, as directories do: "ab" and "AB" are both rejected', () => {
    const r = parseHrSnapshot(csv([row({ employee_id: 'ab' }), row({ employee_id: 'AB' })]));
    expect(r.records).toEqual([]);
    expect(r.rejected.map((x) => x.code)).toEqual([
      'hr.employee_id_case_conflict',
      'hr.employee_id_case_conflict',
    ]);
  });
});

describe('manager references', () => {
  it('warns about an unknown manager but accepts the record', () => {
    const r = parseHrSnapshot(
      csv([
        row({ employee_id: 'M1' }),
        row({ employee_id: 'M2', manager_id: 'M1' }),
        row({ employee_id: 'M3', manager_id: 'GHOST' }),
      ]),
    );
    expect(r.records).toHaveLength(3);
    expect(r.warnings).toEqual([
      {
        row: 4,
        employee_id: 'M3',
        message: 'manager_id "GHOST" is not an employee in this snapshot',
      },
    ]);
  });

  it('warns about a self-manager', () => {
    const r = parseHrSnapshot(csv([row({ employee_id: 'M4', manager_id: 'M4' })]));
    expect(r.records).toHaveLength(1);
    expect(r.warnings).toEqual([
      {
        row: 2,
        employee_id: 'M4',
        message: 'employee is their own manager (manager_id = employee_id)',
      },
    ]);
  });

  it('a manager whose own row was rejected counts as unknown, and the warning says why', () => {
    const r = parseHrSnapshot(
      csv([
        row({ employee_id: 'M5', start_date: 'soon' }),
        row({ employee_id: 'M6', manager_id: 'M5' }),
      ]),
    );
    expect(r.warnings).toEqual([
      { row: 3, employee_id: 'M6', message: 'manager_id "M5" was rejected (row 2)' },
    ]);
  });

  it('a malformed manager_id is a warning, not a rejection', () => {
    const r = parseHrSnapshot(csv([row({ employee_id: 'M7', manager_id: '*)(uid=*' })]));
    expect(r.records[0]?.record.manager_id).toBe('*)(uid=*');
    expect(r.warnings[0]?.message).toBe(
      'manager_id "*)(uid=*" is not a valid employee id and matches no employee',
    );
  });
});

describe('employee ids differing only in case', () => {
  it('rejects every spelling with hr.employee_id_case_conflict, exact duplicates too', () => {
    const r = parseHrSnapshot(
      csv([
        row({ employee_id: 'C1' }),
        row({ employee_id: 'c1' }),
        row({ employee_id: 'K1' }),
        row({ employee_id: 'C1' }),
      ]),
    );
    expect(r.records.map((x) => x.record.employee_id)).toEqual(['K1']);
    expect(r.rejected.map((x) => [x.row, x.code, x.reason])).toEqual([
      [
        2,
        'hr.employee_id_case_conflict',
        'duplicate employee_id "C1": also on row 5; employee_id "C1" differs only in case from "c1" on row 3: identity keys ignore case, so this is one id for two rows (hr.employee_id_case_conflict)',
      ],
      [
        3,
        'hr.employee_id_case_conflict',
        'employee_id "c1" differs only in case from "C1" on row 2, "C1" on row 5: identity keys ignore case, so this is one id for two rows (hr.employee_id_case_conflict)',
      ],
      [
        5,
        'hr.employee_id_case_conflict',
        'duplicate employee_id "C1": also on row 2; employee_id "C1" differs only in case from "c1" on row 3: identity keys ignore case, so this is one id for two rows (hr.employee_id_case_conflict)',
      ],
    ]);
  });

  it('a manager_id spelled in another case still finds its manager', () => {
    const r = parseHrSnapshot(
      csv([row({ employee_id: 'M1' }), row({ employee_id: 'R1', manager_id: 'm1' })]),
    );
    expect(r.rejected).toEqual([]);
    expect(r.warnings).toEqual([]);
  });
});
