/** Per-record validation: each bad record is rejected with its row and a precise reason. */
import { describe, expect, it } from 'vitest';
import { parseHrSnapshot } from '../../src/sources/file/index.js';
import { csv, type Row, row } from './helpers.js';

/** Parses [good, bad, good] and returns the bad row's rejection (line 3), checking the others survive. */
function rejectOne(bad: Partial<Row>) {
  const r = parseHrSnapshot(csv([row(), row(bad), row()]));
  expect(r.records).toHaveLength(2);
  expect(r.rejected).toHaveLength(1);
  expect(r.rejected[0]?.row).toBe(3);
  expect(r.rowCount).toBe(3);
  return r.rejected[0]!;
}

describe('record validation', () => {
  it.each([
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
  ] as const)('%s is required', (field) => {
    const rej = rejectOne({ [field]: '   ' });
    expect(rej.reason).toBe(`${field} is required`);
    expect(rej.row).toBe(3);
  });

  it('empty optional cells become null; values are trimmed', () => {
    const r = parseHrSnapshot(
      csv([
        row({ employee_id: ' P1 ', first_name: '  Ann Marie ', preferred_name: ' ', end_date: '' }),
      ]),
    );
    expect(r.records[0]?.record).toMatchObject({
      employee_id: 'P1',
      first_name: 'Ann Marie',
      preferred_name: null,
      manager_id: null,
      end_date: null,
    });
  });

  it.each([
    ['2026-13-01', 'is not a real calendar date'],
    ['2026-02-30', 'is not a real calendar date'],
    ['2025-02-29', 'is not a real calendar date'],
    ['2026-04-31', 'is not a real calendar date'],
    ['2026-00-10', 'is not a real calendar date'],
    ['01/02/2026', 'must be an ISO date YYYY-MM-DD'],
    ['2026-1-5', 'must be an ISO date YYYY-MM-DD'],
    ['2026-01-05T00:00:00Z', 'must be an ISO date YYYY-MM-DD'],
    ['２０２６-01-05', 'must be an ISO date YYYY-MM-DD'],
  ])('start_date %s is rejected', (date, why) => {
    expect(rejectOne({ start_date: date }).reason).toBe(`start_date "${date}" ${why}`);
  });

  it('accepts leap days and validates end_date the same way', () => {
    const r = parseHrSnapshot(csv([row({ start_date: '2024-02-29' })]));
    expect(r.rejected).toEqual([]);
    expect(rejectOne({ end_date: '2026-02-30' }).reason).toBe(
      'end_date "2026-02-30" is not a real calendar date',
    );
  });

  it('end_date before start_date is rejected; equal is fine', () => {
    expect(rejectOne({ start_date: '2026-03-01', end_date: '2026-02-28' }).reason).toBe(
      'end_date 2026-02-28 is before start_date 2026-03-01',
    );
    expect(
      parseHrSnapshot(csv([row({ start_date: '2026-03-01', end_date: '2026-03-01' })])).rejected,
    ).toEqual([]);
  });

  it('status is case-insensitive and normalised; unknown values are rejected', () => {
    const r = parseHrSnapshot(
      csv([row({ status: 'ACTIVE' }), row({ status: 'Leave' }), row({ status: ' terminated ' })]),
    );
    expect(r.records.map((x) => x.record.status)).toEqual(['active', 'leave', 'terminated']);
    expect(rejectOne({ status: 'retired' }).reason).toBe(
      'status "retired" must be one of active, leave, terminated' +
        " (or map the export's own values under the source's `values:`: values.status)",
    );
  });

  it('employment_type is one of employee, contractor, intern (any case); others are rejected', () => {
    const r = parseHrSnapshot(
      csv([row({ employment_type: 'Contractor' }), row({ employment_type: ' INTERN ' })]),
    );
    expect(r.records.map((x) => x.record.employment_type)).toEqual(['contractor', 'intern']);
    expect(rejectOne({ employment_type: 'Full-Time' }).reason).toBe(
      'employment_type "Full-Time" must be one of employee, contractor, intern' +
        " (or map the export's own values under the source's `values:`: values.employment_type)",
    );
  });

  it('terminated without an end_date is fine', () => {
    const r = parseHrSnapshot(csv([row({ status: 'terminated', end_date: '' })]));
    expect(r.rejected).toEqual([]);
    expect(r.records[0]?.record.end_date).toBeNull();
  });

  it.each([
    'ada',
    'ada@',
    '@acme.example',
    'ada@acme',
    'a da@acme.example',
    'a@b@c.io',
    'ada@acme..io',
  ])('email %j is rejected', (email) => {
    expect(rejectOne({ email }).reason).toMatch(/^email ".*" is not a plausible email address$/);
  });

  it.each(['E 1', 'E/1', 'é1', 'x'.repeat(65), '*)(uid=*'])('employee_id %j is rejected', (id) => {
    const rej = rejectOne({ employee_id: id });
    expect(rej.reason).toMatch(/^employee_id ".*" must be 1–64 characters/);
    expect(rej.employee_id).toBeNull();
  });

  it('employee_id of 64 allowed characters is accepted', () => {
    const id = `a.B_9-${'z'.repeat(58)}`;
    expect(parseHrSnapshot(csv([row({ employee_id: id })])).records[0]?.record.employee_id).toBe(
      id,
    );
  });

  it.each([
    ['\u0000', 'U+0000'],
    ['\u0007', 'U+0007'],
    ['\t', 'U+0009'],
    ['\n', 'U+000A'],
    ['\u001b[31m', 'U+001B'],
    ['\u007f', 'U+007F'],
    ['\u0085', 'U+0085'],
    ['\u2028', 'U+2028'],
  ])('a control character %j inside a field is rejected', (c, code) => {
    expect(rejectOne({ last_name: `Ev${c}il` }).reason).toBe(
      `last_name contains control character ${code} at position 3`,
    );
  });

  it('lists every problem of a record in one reason', () => {
    const rej = rejectOne({ email: 'nope', status: 'gone', start_date: '2026-02-30', title: '' });
    expect(rej.reason).toBe(
      'title is required; email "nope" is not a plausible email address; ' +
        'status "gone" must be one of active, leave, terminated' +
        " (or map the export's own values under the source's `values:`: values.status); " +
        'start_date "2026-02-30" is not a real calendar date',
    );
  });

  it('a 4,096-character cell is accepted, 4,097 is rejected naming field and length', () => {
    expect(parseHrSnapshot(csv([row({ title: 't'.repeat(4096) })])).rejected).toEqual([]);
    expect(rejectOne({ title: 't'.repeat(4097) }).reason).toBe(
      'title is 4,097 characters long (limit 4,096)',
    );
  });

  it('an oversized unmapped column is rejected too', () => {
    const text = csv([row(), row(), row()]).split('\n');
    const withExtra = [
      `${text[0]},notes`,
      `${text[1]},ok`,
      `${text[2]},${'n'.repeat(5000)}`,
      `${text[3]},`,
      '',
    ].join('\n');
    const r = parseHrSnapshot(withExtra);
    expect(r.rejected.map((x) => [x.row, x.reason])).toEqual([
      [3, 'column "notes" is 5,000 characters long (limit 4,096)'],
    ]);
  });

  it('a 10 MB cell is rejected with its length, the other rows are accepted', () => {
    const huge = 'A'.repeat(10 * 1024 * 1024);
    const text = csv([
      row({ employee_id: 'H1' }),
      row({ employee_id: 'H2', first_name: huge }),
      row({ employee_id: 'H3' }),
    ]);
    const r = parseHrSnapshot(text);
    expect(r.records.map((x) => x.record.employee_id)).toEqual(['H1', 'H3']);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({ row: 3, employee_id: 'H2' });
    expect(r.rejected[0]?.reason).toBe('first_name is 10,485,760 characters long (limit 4,096)');
    expect(r.rejected[0]?.raw.length).toBeLessThan(1100);
    expect(r.rejected[0]?.raw).toMatch(/… \[truncated, 10,485,\d{3} characters\]$/);
  });

  it('hostile-looking names are valid data and pass through byte-exact', () => {
    const hostile = [
      'Zoë Ñúñez',
      '王小明',
      "O'Brien, Jr.",
      '#hash',
      'a+b"c\\<d>;e=f',
      '*)(uid=*',
      "=cmd|' /C calc'!A0",
      "'; DROP TABLE identities; --",
      '${jndi:ldap://x}',
      'CN=Admin,OU=Users',
    ];
    const r = parseHrSnapshot(
      csv(hostile.map((h) => row({ first_name: h, last_name: h, title: h }))),
    );
    expect(r.rejected).toEqual([]);
    for (const [i, h] of hostile.entries()) {
      const rec = r.records[i]!.record;
      expect([rec.first_name, rec.last_name, rec.title]).toEqual([h, h, h]);
      expect(Buffer.from(rec.first_name).equals(Buffer.from(h))).toBe(true);
    }
  });
});
