import { describe, expect, it } from 'vitest';
import { nextLine, parseCsvRecords } from './csv-records.js';
import { salvageCells } from './csv-rows.js';

describe('parseCsvRecords', () => {
  it('resumes after a broken record at its first line break', () => {
    const buf = Buffer.from('a,b\r\nE1,"x\r\nE2,y\r\n');
    const p = parseCsvRecords(buf, 't.csv');
    expect(p.records).toEqual([['a', 'b'], [], ['E2', 'y']]);
    expect(p.ends).toEqual([5, 12, 18]);
    expect(p.broken.get(1)?.csv_code).toBe('CSV_QUOTE_NOT_CLOSED');
  });

  it('keeps absolute offsets past a BOM', () => {
    const p = parseCsvRecords(Buffer.from('\uFEFFa,b\nE1,y\n'), 't.csv');
    expect(p.ends).toEqual([7, 12]);
    expect(p.broken.size).toBe(0);
  });
});

describe('nextLine', () => {
  it('counts CRLF once and a lone CR as a break', () => {
    const buf = Buffer.from('ab\r\ncd\ref');
    expect(nextLine(buf, 0)).toBe(4);
    expect(nextLine(buf, 4)).toBe(7);
    expect(nextLine(buf, 7)).toBe(9);
  });
});

describe('salvageCells', () => {
  it('keeps only the cells wholly before the first quote', () => {
    expect(salvageCells('E1,Ann,"Lee, x')).toEqual(['E1', 'Ann']);
    expect(salvageCells('"E1",Ann')).toEqual([]);
    expect(salvageCells('E1,Ann,Lee')).toEqual(['E1', 'Ann', 'Lee']);
  });
});
