/** An HR export that lost half its rows halts the import (exit 6) and changes no identity. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFor, initWorkspace, rewriteHr, tempDir } from './run-cli.js';

const tmp = tempDir('drop');
afterAll(tmp.cleanup);
const dir = join(tmp.dir, 'w');
const FIRST = '2026-11-25T10:00:00.000Z';
const cli = cliFor(dir, { TENURE_NOW: '2026-11-26T10:00:00.000Z' });

beforeAll(async () => {
  initWorkspace(dir);
  const first = await cli(['import'], { TENURE_NOW: FIRST });
  expect(first.code, first.why).toBe(0);
  rewriteHr(join(dir, 'hr', 'employees.csv'), join(dir, 'hr', 'half.csv'), (r, i) =>
    i % 2 === 0 ? r : null,
  );
});

describe('a snapshot with half the rows', () => {
  it('import exits 6: halted, with both row counts', async () => {
    const r = await cli(['import', '--file', 'hr/half.csv']);
    expect(r.code, r.why).toBe(6);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error [hr.snapshot_drop]: ');
    expect(r.stderr).toContain('import halted: row count fell from 300 to 150 (-50 %)');
  });

  it('run --file exits 6 too, before planning anything', async () => {
    const r = await cli(['run', '--file', 'hr/half.csv', '--json']);
    expect(r.code, r.why).toBe(6);
    expect(r.stderr).toContain('import halted');
  });
});

describe.concurrent('after the halted imports', () => {
  it('identities are unchanged: nobody terminated, nobody missing', async () => {
    const r = await cli(['identities', 'list', '--json']);
    expect(r.code, r.why).toBe(0);
    const ids = r.json<{ status: string; missing_from_source: boolean; updated_at: string }[]>();
    expect(ids).toHaveLength(300);
    expect(ids.filter((i) => i.missing_from_source)).toEqual([]);
    expect(ids.filter((i) => i.status === 'terminated')).toHaveLength(4); // as in snapshot 1
    expect(new Set(ids.map((i) => i.updated_at))).toEqual(new Set([FIRST]));
  });

  it('no run was created and the halt is audited', async () => {
    const [runs, audit] = await Promise.all([
      cli(['runs', 'list', '--json']),
      cli(['audit', 'export', '--format', 'jsonl']),
    ]);
    expect(runs.json()).toEqual([]);
    const halted = audit.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l))
      .filter((e) => e.action === 'hr.snapshot.halted');
    expect(halted).toHaveLength(2);
    expect(JSON.parse(halted[0].details)).toMatchObject({ rows: 150, previous_rows: 300 });
    expect(halted[0]).toMatchObject({ actor: 'hr:hr:snapshot', outcome: 'failure' });
  });
});
