/**
 * Quarantined HR rows are visible: import and run exit 9 once the rest is done, a rejected
 * `terminated` row is CRITICAL (output, audit, list), and `tenure quarantine list` shows them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFor, DEMO_NOW, initWorkspace, tempDir } from './run-cli.js';

const tmp = tempDir('quarantine');
afterAll(tmp.cleanup);
const cli = cliFor(initWorkspace(join(tmp.dir, 'w')), { TENURE_NOW: DEMO_NOW });

beforeAll(() => {
  const lines = readFileSync(cli.path('hr', 'employees.csv'), 'utf8').split('\n');
  // Line 4 (E1002): terminated, but its email is broken; line 7 (E1005): an unterminated quote.
  lines[3] = lines[3]!.replace(/@acme\.example/, '').replace(',active,', ',terminated,');
  lines[6] = lines[6]!.replace(/,([A-Z][a-z]+),/, ',"$1,');
  writeFileSync(cli.path('hr', 'bad.csv'), lines.join('\n'));
});

describe('quarantined rows', () => {
  it('import exits 9 after importing the rest, flagging the terminated row CRITICAL', async () => {
    const r = await cli(['import', '--file', 'hr/bad.csv']);
    expect(r.code, r.why).toBe(9);
    expect(r.stdout).toContain('300 rows, 298 accepted, 2 rejected');
    expect(r.stdout).toMatch(
      /\n {2}CRITICAL rejected row 4 \(E1002\) \[says terminated: access is kept until the row is fixed\]: email /,
    );
    // The open quote closes at line 77 ("O'Brien, Jr."), far below: reading resumed at line 8.
    expect(r.stdout).toMatch(
      /\n {2}rejected row 7 \(E1005\): malformed CSV: Invalid Closing Quote/,
    );
  });

  it('quarantine list shows them, critical first, as text and JSON', async () => {
    const [text, json] = await Promise.all([
      cli(['quarantine', 'list']),
      cli(['quarantine', 'list', '--json']),
    ]);
    expect(text.code, text.why).toBe(0);
    expect(text.stdout).toMatch(
      /^SEVERITY +SOURCE +SNAPSHOT +ROW +EMPLOYEE +REASON\nCRITICAL +hr +1 +4 +E1002 /,
    );
    expect(text.stdout).toContain('1 CRITICAL: the row says terminated');
    const items = json.json<{ row: number; severity: string; code: string | null }[]>();
    expect(items.map((i) => [i.row, i.severity, i.code])).toEqual([
      [4, 'critical', null],
      [7, 'error', 'hr.malformed_csv'],
    ]);
  });

  it('the audit event carries the severity', async () => {
    const audit = await cli(['audit', 'export', '--format', 'jsonl']);
    const rejected = audit.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l))
      .filter((e) => e.action === 'hr.record.rejected')
      .map((e) => JSON.parse(e.details));
    expect(rejected.map((d) => [d.row, d.severity, d.code])).toEqual([
      [4, 'critical', undefined],
      [7, 'error', 'hr.malformed_csv'],
    ]);
  });

  it('run exits 9 when it applied everything else; a clean file exits 0', async () => {
    const r = await cli(['run', '--file', 'hr/bad.csv', '--json']);
    expect(r.code, r.why).toBe(9);
    expect(r.json().imports[0].rejected[0]).toMatchObject({ severity: 'critical' });
    const clean = await cli(['import']);
    expect(clean.code, clean.why).toBe(0);
  });
});
