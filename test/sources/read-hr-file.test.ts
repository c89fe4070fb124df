/** readHrFile: real files on disk, format from the extension or the option. */
import { describe, expect, it } from 'vitest';
import { readHrFile } from '../../src/sources/file/index.js';
import { csv, row, withTempDir, writeTemp } from './helpers.js';

describe('readHrFile', () => {
  it('reads a BOM + CRLF export with a multi-line quoted cell and unicode names', async () => {
    await withTempDir(async (dir) => {
      const rows = [
        row({ employee_id: 'F1', first_name: 'Zoë', last_name: 'Ñúñez' }),
        row({ employee_id: 'F2', last_name: "O'Brien, Jr.", title: 'Line one\r\nline two' }),
        row({ employee_id: 'F3', first_name: '小明', last_name: '王', manager_id: 'F1' }),
      ];
      const path = await writeTemp(dir, 'Employees Export.CSV', `\uFEFF${csv(rows, '\r\n')}`);
      const r = await readHrFile(path);
      expect(r.records.map((x) => [x.row, x.record.employee_id, x.record.first_name])).toEqual([
        [2, 'F1', 'Zoë'],
        [5, 'F3', '小明'],
      ]);
      expect(r.rejected.map((x) => [x.row, x.employee_id])).toEqual([[3, 'F2']]);
      expect(r.warnings).toEqual([]);
    });
  });

  it('an explicit format wins over the extension', async () => {
    await withTempDir(async (dir) => {
      const path = await writeTemp(dir, 'export.txt', csv([row({ employee_id: 'X1' })]));
      const r = await readHrFile(path, { format: 'csv' });
      expect(r.records[0]?.record.employee_id).toBe('X1');
    });
  });
});
