/** GET /api/v1/quarantine: the rows the latest read rejected, critical (terminated) first. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSource } from '../../src/engine/sync/import-source.js';
import { testDialects } from '../support/databases.js';
import { makeTestApp, type TestApp } from './support.js';

describe.each(testDialects())('quarantine API (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(dialect, { applyDayOne: false });
    const lines = readFileSync(join(t.tw.dir, 'hr', 'employees.csv'), 'utf8').split('\n');
    // Line 4: a bad email on a terminated row; line 7: an unterminated quote.
    lines[3] = lines[3]!.replace(/@acme\.example/, '').replace(',active,', ',terminated,');
    lines[6] = lines[6]!.replace(/,([A-Z][a-z]+),/, ',"$1,');
    const file = join(t.tw.dir, 'hr', 'bad.csv');
    writeFileSync(file, lines.join('\n'));
    const s = await importSource(t.tw.ws, { file });
    expect(s.rejected).toHaveLength(2);
  });
  afterAll(() => t?.cleanup());

  it('lists the rejected rows with line, employee id, severity and code', async () => {
    const res = await t.app.inject({ url: '/api/v1/quarantine', headers: t.bearer('auditor') });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.critical).toBe(1);
    expect(
      body.items.map((i: Record<string, unknown>) => [i.row, i.employee_id, i.severity, i.code]),
    ).toEqual([
      [4, 'E1002', 'critical', null],
      [7, 'E1005', 'error', 'hr.malformed_csv'],
    ]);
    expect(body.items[0].reason).toContain('email');
    expect(body.items[0].source_id).toBe('hr');
  });

  it('filters by source and snapshot; a bad snapshot id is a 400', async () => {
    const get = (q: string) =>
      t.app.inject({ url: `/api/v1/quarantine${q}`, headers: t.bearer('operator') });
    expect((await get('?source=nope')).json().items).toEqual([]);
    const all = (await get('')).json().items;
    expect((await get(`?snapshot=${all[0].snapshot_id}`)).json().items).toEqual(all);
    expect((await get('?snapshot=x')).statusCode).toBe(400);
  });
});
