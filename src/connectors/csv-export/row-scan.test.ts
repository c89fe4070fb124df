import { describe, expect, it } from 'vitest';
import { scanRows } from './row-scan.js';

const HEADER = 'account_id,employee_id,enabled,container,entitlements,cn\n';
const scan = (rows: string) => {
  const bytes = Buffer.from(HEADER + rows);
  const r = scanRows(bytes, Buffer.byteLength(HEADER));
  return r?.ids.map((id, i) => [id, bytes.toString('utf8', r.starts[i], r.ends[i])]);
};

describe('scanRows', () => {
  it('finds each row and its account id, quoted cells included', () => {
    const rows = [
      '"a,1",E1,true,,,"Ann\nOn two lines"\n',
      '"b""q",,false,,x;y,"say ""hi"", then go"\n',
      'c,E3,true,"ou=a,ou=b",,""\n',
      'é,E4,true,,,Zoë\n',
    ];
    expect(scan(rows.join(''))).toEqual([
      ['a,1', rows[0]],
      ['b"q', rows[1]],
      ['c', rows[2]],
      ['é', rows[3]],
    ]);
  });

  it('takes a file with a header only as no rows', () => {
    expect(scan('')).toEqual([]);
  });

  it.each([
    ['CRLF line ends', 'a,,true,,,x\r\nb,,true,,,y\r\n'],
    ['an empty line', 'a,,true,,,x\n\nb,,true,,,y\n'],
    ['no final line end', 'a,,true,,,x\nb,,true,,,y'],
    ['ids out of order', 'b,,true,,,x\na,,true,,,y\n'],
    ['a duplicate id', 'a,,true,,,x\na,,true,,,y\n'],
    ['a quote inside a cell', 'a,,true,,,x"y\n'],
    ['text after a closing quote', 'a,,true,,,"x"y\n'],
    ['an unterminated quote', 'a,,true,,,"x\n'],
    ['a row of one cell', 'a\n'],
  ])('leaves %s to the full parser', (_, rows) => {
    expect(scan(rows)).toBeUndefined();
  });
});
