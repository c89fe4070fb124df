import { describe, expect, it } from 'vitest';
import { managersFirst } from './manager-order.js';
import type { Operation } from './types.js';

const create = (id: string, manager?: string): Operation => ({
  key: `c:${id}`,
  kind: 'account.create',
  app_id: 'dir',
  identity_id: id,
  account_id: id,
  attributes: manager ? { manager } : {},
  reasons: [],
  lifecycle: [],
});

const ids = (ops: Operation[]) => ops.map((o) => o.identity_id);

describe('managersFirst', () => {
  it('puts a manager that comes last in front of the people they manage', () => {
    const ops = [create('A', 'Z'), create('B', 'Z'), create('Z')];
    expect(ids(managersFirst(ops))).toEqual(['Z', 'A', 'B']);
  });

  it('orders chains and keeps unrelated operations in place', () => {
    const ops = [create('A', 'B'), create('X'), create('B', 'C'), create('C')];
    expect(ids(managersFirst(ops))).toEqual(['C', 'B', 'A', 'X']);
  });

  it('ignores managers that are not created here and breaks cycles', () => {
    expect(ids(managersFirst([create('A', 'Q'), create('B')]))).toEqual(['A', 'B']);
    const cycle = managersFirst([create('A', 'B'), create('B', 'A'), create('S', 'S')]);
    expect(ids(cycle).sort()).toEqual(['A', 'B', 'S']);
  });
});
