import { describe, expect, it } from 'vitest';
import { buildReadResult, type VendorRow } from './records.js';

const fields = {
  employee_id: 'E7',
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'not-an-email',
  department: 'Eng',
  title: 'Engineer',
  location: 'London',
  employment_type: 'employee',
  status: 'terminated',
  start_date: '2020-01-01',
  end_date: '2026-01-31',
};
const vendorRow = (f: VendorRow['fields']): VendorRow => ({
  row: 3,
  label: 'BambooHR id 41',
  fields: f,
  issues: [],
  raw: f,
});

describe('buildReadResult rejections', () => {
  it('carry the employee id and are critical when the person is terminated', () => {
    const r = buildReadResult([vendorRow(fields)], { sha256: '', partial: true });
    expect(r.rejected).toEqual([
      expect.objectContaining({ row: 3, employee_id: 'E7', severity: 'critical' }),
    ]);
    expect(r.rejected[0]!.reason).toMatch(/^BambooHR id 41: email "not-an-email"/);
  });

  it('are errors otherwise', () => {
    const r = buildReadResult([vendorRow({ ...fields, status: 'active', end_date: '' })], {
      sha256: '',
      partial: true,
    });
    expect(r.rejected[0]).toMatchObject({ employee_id: 'E7', severity: 'error' });
  });
});
