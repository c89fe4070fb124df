/**
 * Identity keys compare ignoring case, as directories do: an employee_id re-spelled only in case
 * is the same person (no joiner, no second account, nobody held as missing), and a read with two
 * ids differing only in case quarantines both rows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hr } from '../../src/domain/test-fixtures.js';
import type { HrRecord } from '../../src/domain/types.js';
import { applyRun, fullRun } from '../../src/engine/runs/runs.js';
import { importSource } from '../../src/engine/sync/import-source.js';
import { hrSystemYaml } from '../support/hr-workspace.js';
import { makeWorkspace, type TestWorkspace } from '../support/workspace.js';

const person = (id: string, over: Partial<HrRecord> = {}) =>
  hr({ employee_id: id, email: `${id.toLowerCase()}@acme.example`, ...over });

describe.each(['full', 'partial'] as const)('employee_id case (%s snapshot)', (snapshot) => {
  let t: TestWorkspace | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });
  const open = async () => {
    t = await makeWorkspace('sqlite', {
      yaml: hrSystemYaml(`{ id: hr, type: file, path: hr/people.csv, snapshot: ${snapshot} }`),
      demoFiles: false,
      now: '2026-11-26T09:00:00Z',
    });
    return t;
  };

  it('E1100 -> e1100 keeps the stored identity and its account; managers follow', async () => {
    const w = await open();
    const boss = person('E1100');
    const report = person('E1200', { manager_id: 'E1100' });
    w.writeHr('people.csv', [boss, report]);
    await fullRun(w.ws, { actor: 'admin:test', trigger: 'test' });
    const before = await w.ws.store.accounts.all('dir');
    expect(before).toHaveLength(2);

    w.writeHr('people.csv', [
      { ...boss, employee_id: 'e1100' },
      { ...report, manager_id: 'e1100' },
    ]);
    const s = await importSource(w.ws);
    expect(s.rejected).toEqual([]);
    expect(s.events).toEqual({});
    expect(s.unchanged).toBe(2);
    expect(s.warnings).toEqual([
      {
        row: 2,
        employee_id: 'E1100',
        message:
          'employee_id "e1100" is identity "E1100" (ids compare ignoring case): kept "E1100"',
      },
    ]);
    const ids = await w.ws.store.identities.all();
    expect(ids.map((i) => [i.id, i.attributes.manager_id, i.missing_from_source])).toEqual([
      ['E1100', null, false],
      ['E1200', 'E1100', false],
    ]);
    const run = await applyRun(w.ws, { actor: 'admin:test', trigger: 'test' });
    expect(run.status).toBe('nothing_to_do');
    expect(await w.ws.store.accounts.all('dir')).toEqual(before);
  });

  it('two ids differing only in case are both quarantined, naming each other', async () => {
    const w = await open();
    w.writeHr('people.csv', [person('E1'), person('E7')]);
    await importSource(w.ws);
    w.writeHr('people.csv', [person('E1'), person('E7'), person('e7', { last_name: 'Other' })]);
    const s = await importSource(w.ws);
    expect(s.accepted).toBe(1);
    expect(s.rejected.map((r) => [r.row, r.employee_id, r.code])).toEqual([
      [3, 'E7', 'hr.employee_id_case_conflict'],
      [4, 'e7', 'hr.employee_id_case_conflict'],
    ]);
    expect(s.rejected[0]!.reason).toBe(
      'employee_id "E7" differs only in case from "e7" on row 4: identity keys ignore case, ' +
        'so this is one id for two rows (hr.employee_id_case_conflict)',
    );
    // Quarantined, not absent: the stored E7 is not held as missing.
    expect((await w.ws.store.identities.get('E7'))?.missing_from_source).toBe(false);
    expect(await w.ws.store.identities.get('e7')).toBeUndefined();
    const q = await w.ws.store.snapshots.quarantined(s.snapshot_id);
    expect(q.map((r) => [r.row_number, r.code])).toEqual([
      [3, 'hr.employee_id_case_conflict'],
      [4, 'hr.employee_id_case_conflict'],
    ]);
  });
});
