/** Bad input through the CLI: exit 2 with the stable error code, or quarantine with row numbers. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CsvRow,
  cliFor,
  DEMO_NOW,
  initWorkspace,
  readCsv,
  rewriteHr,
  tempDir,
} from './run-cli.js';

const tmp = tempDir('bad');
afterAll(tmp.cleanup);

const workspace = (name: string) =>
  cliFor(initWorkspace(join(tmp.dir, name)), { TENURE_NOW: DEMO_NOW });

const auditEvents = (jsonl: string) =>
  jsonl
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => JSON.parse(l));

describe.concurrent('bad input', () => {
  it('an invalid tenure.yaml exits 2 listing every problem with its path', async () => {
    const cli = workspace('yaml');
    const file = cli.path('tenure.yaml');
    let nth = 0;
    const yaml = readFileSync(file, 'utf8')
      .replace(/connector: csv-export/g, (m) => (++nth === 3 ? 'connector: ldpa' : m))
      .replace('entitlements: [sales-rep]', 'entitlements: [sales-rap]');
    writeFileSync(file, yaml);

    const r = await cli(['plan', '--json']);
    expect(r.code, r.why).toBe(2);
    expect(r.json().error).toMatchObject({ code: 'config.invalid', kind: 'misconfigured' });
    expect(r.stderr).toContain(`error [config.invalid]: ${file} is invalid:`);
    expect(r.stderr).toMatch(
      /\n {2}- applications\[2\]\.connector: unknown connector "ldpa" \(known: [^)]*\bcsv-export\b/,
    );
    expect(r.stderr).toMatch(
      /- policies\[\d+\]\.accounts\[\d+\]\.entitlements\[0\]: unknown entitlement "sales-rap" in application "crm"/,
    );

    writeFileSync(file, 'version: 1\nversion: 1\n');
    const dup = await cli(['plan']);
    expect(dup.code, dup.why).toBe(2);
    expect(dup.stderr).toContain('error [config.invalid_yaml]');
  });

  it('bad HR rows are quarantined with row number and reason; the rest is imported', async () => {
    const cli = workspace('rows');
    const source = cli.path('hr', 'employees.csv');
    const original = readCsv(source);
    const dupe: CsvRow = { ...original[19]!, email: 'someone.else@acme.example' };
    expect(original[9]!.employee_id).toBe('E1009');
    expect(dupe.employee_id).toBe('E1019');
    rewriteHr(
      source,
      cli.path('hr', 'bad.csv'),
      (r, i) => (i === 9 ? { ...r, start_date: '2026-02-30' } : r),
      [dupe],
    );

    const r = await cli(['import', '--file', 'hr/bad.csv']);
    expect(r.code, r.why).toBe(9); // imported, with rows in quarantine
    expect(r.stdout).toContain('301 rows, 298 accepted, 3 rejected');
    expect(r.stdout).toContain(
      '  rejected row 11 (E1009): start_date "2026-02-30" is not a real calendar date',
    );
    expect(r.stdout).toContain(
      '  rejected row 21 (E1019): duplicate employee_id "E1019": also on row 302',
    );
    expect(r.stdout).toContain(
      '  rejected row 302 (E1019): duplicate employee_id "E1019": also on row 21',
    );

    const [ids, audit] = await Promise.all([
      cli(['identities', 'list', '--json']),
      cli(['audit', 'export', '--format', 'jsonl']),
    ]);
    const imported = ids.json<{ id: string }[]>().map((i) => i.id);
    expect(imported).toHaveLength(298);
    expect(imported).not.toContain('E1009');
    expect(imported).not.toContain('E1019');
    expect(imported).toContain('E1020');
    const rejected = auditEvents(audit.stdout).filter((e) => e.action === 'hr.record.rejected');
    expect(rejected.map((e) => [e.target, JSON.parse(e.details).row, e.outcome, e.actor])).toEqual([
      ['identity:E1009', 11, 'failure', 'hr:hr:snapshot'],
      ['identity:E1019', 21, 'failure', 'hr:hr:snapshot'],
      ['identity:E1019', 302, 'failure', 'hr:hr:snapshot'],
    ]);
    expect(JSON.parse(rejected[0].details).reason).toContain('not a real calendar date');
  });

  it('an empty or header-only HR file exits 2 and imports nothing', async () => {
    const cli = workspace('empty');
    writeFileSync(cli.path('hr', 'empty.csv'), '');
    const header = readFileSync(cli.path('hr', 'employees.csv'), 'utf8').split('\n')[0];
    writeFileSync(cli.path('hr', 'header.csv'), `${header}\n`);

    const [empty, headerOnly] = await Promise.all([
      cli(['import', '--file', 'hr/empty.csv']),
      cli(['run', '--file', 'hr/header.csv', '--json']),
    ]);
    expect(empty.code, empty.why).toBe(2);
    expect(empty.stderr).toMatch(/^error \[hr\.empty_file\]: .*empty\.csv: file is empty/m);
    expect(headerOnly.code, headerOnly.why).toBe(2);
    expect(headerOnly.json().error).toMatchObject({
      code: 'hr.header_only',
      kind: 'unprocessable',
    });
    expect(headerOnly.stderr).toMatch(/^error \[hr\.header_only\]: .*header\.csv: /m);

    const ids = await cli(['identities', 'list', '--json']);
    expect(ids.code, ids.why).toBe(0);
    expect(ids.json()).toEqual([]);
  });

  it('bad arguments exit 2: access --at, TENURE_NOW', async () => {
    const cli = workspace('args');
    const [at, now] = await Promise.all([
      cli(['access', '--at', 'not-a-date']),
      cli(['identities', 'list'], { TENURE_NOW: 'soon' }),
    ]);
    expect(at.code, at.why).toBe(2);
    expect(at.stderr).toContain(
      'error [cli.bad_timestamp]: --at "not-a-date" is not an ISO timestamp',
    );
    expect(now.code, now.why).toBe(2);
    expect(now.stderr).toContain('error [cli.bad_now]: TENURE_NOW="soon" is not an ISO timestamp');
  });
});
