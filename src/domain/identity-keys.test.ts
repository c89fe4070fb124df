import { describe, expect, it } from 'vitest';
import { respellIds } from './identity-keys.js';
import { hr } from './test-fixtures.js';

const at = (row: number, employee_id: string, manager_id: string | null = null) => ({
  row,
  record: hr({ employee_id, manager_id }),
});

describe('respellIds', () => {
  it('keeps the stored spelling of an id that changed only in case, managers included', () => {
    const { records, respelled } = respellIds(
      [at(2, 'e1100'), at(3, 'E2', 'e1100'), at(4, 'n9', 'N9')],
      ['E1100', 'E2'],
    );
    expect(records.map((r) => [r.record.employee_id, r.record.manager_id])).toEqual([
      ['E1100', null],
      ['E2', 'E1100'],
      ['n9', 'n9'],
    ]);
    expect(respelled).toEqual([{ row: 2, from: 'e1100', to: 'E1100' }]);
  });

  it('returns the same objects when nothing is re-spelled', () => {
    const input = [at(2, 'E1'), at(3, 'E2', 'E1'), at(4, 'E3', 'X404')];
    const { records, respelled } = respellIds(input, ['E1']);
    expect(records).toEqual(input);
    expect(records[0]).toBe(input[0]);
    expect(respelled).toEqual([]);
  });
});
