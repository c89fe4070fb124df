/** A malformed CSV record is quarantined alone, with its line and salvaged id; the rest import. */
import { describe, expect, it } from 'vitest';
import { parseHrSnapshot } from '../../src/sources/file/index.js';
import { HEADER, line, type Row, row } from './helpers.js';

describe('malformed CSV records', () => {
  it('an unterminated quote at line 420 costs that row, not the snapshot', () => {
    const lines = Array.from({ length: 500 }, (_, i) =>
      i === 418 ? `E9420,"Ann,Lee,,ann@acme.example` : line(row()),
    );
    const r = parseHrSnapshot(`${HEADER}\n${lines.join('\n')}\n`, { source: 'hr.csv' });
    expect(r.records).toHaveLength(499);
    expect(r.rowCount).toBe(500);
    expect(r.rejected).toHaveLength(1);
    const bad = r.rejected[0]!;
    expect(bad).toMatchObject({
      row: 420,
      employee_id: 'E9420',
      code: 'hr.malformed_csv',
      severity: 'error',
      raw: 'E9420,"Ann,Lee,,ann@acme.example',
    });
    expect(bad.reason).toMatch(
      /^malformed CSV: Quote Not Closed.*reading resumed at the next line$/,
    );
    // The row right after the broken one is read as itself.
    expect(r.records[418]!.row).toBe(421);
  });

  it('a stray quote mid-record, after a quoted multi-line cell, gives the right line', () => {
    const good = row();
    const text = `${HEADER}\r\n"multi\r\nline",x\r\nE2,"Ann"x,y\r\n${line(good)}\r\n`;
    const r = parseHrSnapshot(text, { source: 'z.csv' });
    expect(r.records.map((a) => a.record.employee_id)).toEqual([good.employee_id]);
    expect(r.rejected.map((x) => [x.row, x.employee_id, x.code])).toEqual([
      [2, null, undefined],
      [4, 'E2', 'hr.malformed_csv'],
    ]);
    expect(r.rejected[1]!.reason).toMatch(/Invalid Closing Quote/);
  });

  it('a broken row that still reads `terminated` is critical', () => {
    const leaver = row({ status: 'terminated', end_date: '"2026-01-31' });
    const r = parseHrSnapshot(`${HEADER}\n${line(leaver)}\n${line(row())}\n`);
    expect(r.records).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({
      row: 2,
      employee_id: leaver.employee_id,
      severity: 'critical',
    });
  });

  it('several broken records are each quarantined; a last one without a line break too', () => {
    const text = `${HEADER}\n${line(row())}\nE5,"x\n${line(row())}\nE6,"y`;
    const r = parseHrSnapshot(text);
    expect(r.records.map((a) => a.row)).toEqual([2, 4]);
    expect(r.rejected.map((x) => [x.row, x.employee_id])).toEqual([
      [3, 'E5'],
      [5, 'E6'],
    ]);
  });
});

describe('malformed JSON records', () => {
  const rec = (over: Partial<Row> = {}) => JSON.stringify(row(over));

  it('a broken record is quarantined alone with its line; the others import', () => {
    const leaver = row({ status: 'terminated', end_date: '2026-01-31' });
    const broken = JSON.stringify(leaver).replace('"Engineer"', '"Engineer');
    const text = `[\n  ${rec()},\n  ${broken}\n  ,${rec()},\n  ${rec()}\n]\n`;
    const r = parseHrSnapshot(text, { format: 'json', source: 'hr.json' });
    expect(r.records.map((a) => a.row)).toEqual([1, 3]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({
      row: 2,
      employee_id: leaver.employee_id,
      severity: 'critical',
      code: 'hr.malformed_json',
    });
    expect(r.rejected[0]!.reason).toMatch(
      /^malformed JSON in the record at line 3: a string is not closed on its line/,
    );
  });

  it('a truncated export (the array never closes) is still refused whole', () => {
    expect(() => parseHrSnapshot(`[\n  ${rec()},\n  ${rec()}`, { format: 'json' })).toThrow(
      /malformed JSON/,
    );
  });
});
