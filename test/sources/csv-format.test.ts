/** CSV framing: BOM, CRLF, quoting, multi-line cells, unicode, row numbers, blank rows. */
import { describe, expect, it } from 'vitest';
import { parseHrSnapshot } from '../../src/sources/file/index.js';
import { csv, HEADER, line, row } from './helpers.js';

describe('CSV framing', () => {
  it('reads a plain file and numbers rows by file line (header = line 1)', () => {
    const r = parseHrSnapshot(csv([row({ employee_id: 'A1' }), row({ employee_id: 'A2' })]));
    expect(r.rejected).toEqual([]);
    expect(r.records.map((x) => [x.row, x.record.employee_id])).toEqual([
      [2, 'A1'],
      [3, 'A2'],
    ]);
    expect(r.rowCount).toBe(2);
  });

  it('strips a UTF-8 BOM so the first header column still matches', () => {
    const r = parseHrSnapshot(`\uFEFF${csv([row({ employee_id: 'B1' })])}`);
    expect(r.records[0]?.record.employee_id).toBe('B1');
    expect(r.records[0]?.row).toBe(2);
  });

  it('handles CRLF line endings', () => {
    const r = parseHrSnapshot(csv([row(), row(), row()], '\r\n'));
    expect(r.rejected).toEqual([]);
    expect(r.records.map((x) => x.row)).toEqual([2, 3, 4]);
    expect(r.records[0]?.record.end_date).toBeNull();
  });

  it('keeps quoted commas and counts rows correctly after a quoted newline', () => {
    for (const eol of ['\n', '\r\n'] as const) {
      const text = [
        HEADER,
        line(row({ employee_id: 'Q1', last_name: '"Smith, Jr."' })),
        line(row({ employee_id: 'Q2', title: `"Senior${eol}Engineer"` })),
        line(row({ employee_id: 'Q3' })),
        '',
      ].join(eol);
      const r = parseHrSnapshot(text);
      expect(r.records.find((x) => x.record.employee_id === 'Q1')?.record.last_name).toBe(
        'Smith, Jr.',
      );
      // The newline inside the title is a control character: Q2 is rejected at line 3...
      expect(r.rejected).toMatchObject([{ row: 3, employee_id: 'Q2' }]);
      expect(r.rejected[0]?.reason).toMatch(/^title contains control character U\+000[AD]/);
      expect(r.rejected[0]?.raw).toContain(`"Senior${eol}Engineer"`);
      // ...and Q3, which starts on line 5, is numbered 5.
      expect(r.records.find((x) => x.record.employee_id === 'Q3')?.row).toBe(5);
    }
  });

  it('skips blank lines and all-empty rows without losing line numbers', () => {
    const text = `${HEADER}\n\n${line(row({ employee_id: 'S1' }))}\n,,,,,,,,,,,,\n\n${line(row({ employee_id: 'S2' }))}\n\n`;
    const r = parseHrSnapshot(text);
    expect(r.records.map((x) => [x.row, x.record.employee_id])).toEqual([
      [3, 'S1'],
      [6, 'S2'],
    ]);
    expect(r.rowCount).toBe(2);
  });

  it('handles CR-only and mixed line endings, numbering lines like an editor', () => {
    const [a, b, c] = [
      line(row({ employee_id: 'L1' })),
      line(row({ employee_id: 'L2' })),
      line(row({ employee_id: 'L3' })),
    ];
    const cr = parseHrSnapshot(`${HEADER}\r${a}\r\r${b}\r`);
    expect(cr.records.map((x) => [x.row, x.record.employee_id])).toEqual([
      [2, 'L1'],
      [4, 'L2'],
    ]);
    const mixed = parseHrSnapshot(`${HEADER}\r\n${a}\n${b}\r\n\n${c}`);
    expect(mixed.rejected).toEqual([]);
    expect(mixed.records.map((x) => x.row)).toEqual([2, 3, 5]);
  });

  it('handles a file without a trailing newline', () => {
    const r = parseHrSnapshot(`${HEADER}\n${line(row({ employee_id: 'T1' }))}`);
    expect(r.records.map((x) => x.record.employee_id)).toEqual(['T1']);
  });

  it('keeps unicode names intact', () => {
    const names = [
      ['Zoë', 'Ñúñez'],
      ['小明', '王'],
      ['Søren', 'Kierkegård'],
      ['Αλέξανδρος', 'Παπαδόπουλος'],
      ['José', 'Nguyễn 👩🏽‍💻'],
    ];
    const r = parseHrSnapshot(csv(names.map(([f, l]) => row({ first_name: f!, last_name: l! }))));
    expect(r.rejected).toEqual([]);
    expect(r.records.map((x) => [x.record.first_name, x.record.last_name])).toEqual(names);
  });

  it('rejects a row whose cell count differs from the header, keeping the others', () => {
    const text = `${HEADER}\n${line(row({ employee_id: 'C1' }))}\nC2,Bob\n${line(row({ employee_id: 'C3' }))}\n`;
    const r = parseHrSnapshot(text);
    expect(r.records.map((x) => x.record.employee_id)).toEqual(['C1', 'C3']);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({ row: 3, employee_id: 'C2', raw: 'C2,Bob' });
    expect(r.rejected[0]?.reason).toMatch(/^has 2 cells but the header has 13/);
  });

  it('hashes the raw bytes', () => {
    const text = csv([row()]);
    const a = parseHrSnapshot(text);
    const b = parseHrSnapshot(Buffer.from(text));
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.sha256).toBe(a.sha256);
    expect(parseHrSnapshot(`${text}\n`).sha256).not.toBe(a.sha256);
  });
});
