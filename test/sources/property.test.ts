/** Property: any valid records written with csv-stringify parse back identical. */
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HR_FIELDS, type HrRecord } from '../../src/domain/types.js';
import { parseHrSnapshot } from '../../src/sources/file/index.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Any unicode text a valid cell may hold: trimmed, non-empty, no control characters. */
const text = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom(',', '"', "'", ' ', '\\', '=', '*', '#', ';'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
    minLength: 1,
    maxLength: 30,
  })
  .map((s) => s.trim())
  .filter((s) => s.length > 0 && !CONTROL.test(s));
const id = fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/);
const date = fc
  .date({
    min: new Date('1970-01-01T00:00:00Z'),
    max: new Date('2099-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString().slice(0, 10));
const email = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9._+-]{1,20}$/),
    fc.stringMatching(/^[a-z0-9-]{1,10}\.[a-z]{2,6}$/),
  )
  .map(([l, d]) => `${l}@${d}`);

const record: fc.Arbitrary<HrRecord> = fc
  .record({
    employee_id: id,
    first_name: text,
    last_name: text,
    preferred_name: fc.option(text, { nil: null }),
    email,
    department: text,
    title: text,
    manager_id: fc.option(id, { nil: null }),
    location: text,
    employment_type: fc.constantFrom('employee', 'contractor', 'intern'),
    status: fc.constantFrom('active', 'leave', 'terminated'),
    start_date: date,
    end_date: fc.option(date, { nil: null }),
  })
  .map((r) =>
    r.end_date !== null && r.end_date < r.start_date ? { ...r, end_date: r.start_date } : r,
  );

describe('CSV round trip', () => {
  it('records serialised by csv-stringify parse back identical', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(record, { minLength: 1, maxLength: 20, selector: (r) => r.employee_id }),
        fc.boolean(),
        (records, crlf) => {
          const csv = stringify(
            records.map((r) => HR_FIELDS.map((f) => r[f] ?? '')),
            { header: true, columns: [...HR_FIELDS], record_delimiter: crlf ? 'windows' : 'unix' },
          );
          const result = parseHrSnapshot(csv);
          expect(result.rejected).toEqual([]);
          expect(result.records.map((x) => x.record)).toEqual(records);
        },
      ),
      { numRuns: 300 },
    );
  });
});
