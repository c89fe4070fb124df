/** Tests: the plan grouped by identity then application, signs, old → new values, summary, cut-off, failures. */
import { describe, expect, it } from 'vitest';
import type { Operation } from '../domain/types.js';
import type { BeforeValues } from '../engine/runs/explain-plan.js';
import { groupPlan, summarisePlan } from '../engine/runs/plan-groups.js';
import { ansi, renderFailures, renderPlan, summaryLine } from './plan-format.js';

const op = (over: Partial<Operation> & Pick<Operation, 'kind' | 'app_id'>): Operation => ({
  key: `k-${Math.random().toString(16).slice(2)}`,
  identity_id: 'E1',
  account_id: 'jdoe',
  reasons: ['birthright:all'],
  lifecycle: ['mover'],
  ...over,
});

const mover: Operation[] = [
  op({ kind: 'account.move', app_id: 'ad', container: 'ou=eng', key: 'move' }),
  op({
    kind: 'account.update',
    app_id: 'ad',
    attributes: { dept: 'Eng', mail: 'j@x' },
    key: 'upd',
  }),
  op({ kind: 'entitlement.grant', app_id: 'ad', entitlement: 'eng' }),
  op({
    kind: 'entitlement.revoke',
    app_id: 'ad',
    entitlement: 'sales',
    reasons: ['mover: no longer in Sales'],
  }),
  op({
    kind: 'manual.task',
    app_id: 'payroll',
    task: {
      action: 'entitlement.revoke',
      summary: 'Revoke Sales bonus from account jdoe in Payroll (mover: no longer in Sales)',
    },
    reasons: ['mover: no longer in Sales'],
  }),
  op({
    kind: 'account.disable',
    app_id: 'crm',
    identity_id: null,
    account_id: 'old',
    reasons: ['orphan'],
    lifecycle: [],
  }),
];
const plan = {
  ops: mover,
  explanations: new Map([
    ['E1', { name: 'Jane Doe', headline: 'mover: Sales → Engineering on 2026-12-01' }],
  ]),
  before: new Map<string, BeforeValues>([
    ['move', { attributes: {}, changed: [], container: 'ou=sales' }],
    ['upd', { attributes: { dept: 'Sales' }, changed: ['dept'], container: 'ou=sales' }],
  ]),
};

describe('groupPlan and renderPlan', () => {
  it('groups by identity then application, with +/-/~ and old → new values of only what changes', () => {
    expect(renderPlan(groupPlan(plan))).toEqual([
      'E1 Jane Doe — mover: Sales → Engineering on 2026-12-01',
      '  ad',
      '    ~ move account jdoe  (birthright:all)',
      '        container: "ou=sales" → "ou=eng"',
      '    ~ update account jdoe  (birthright:all)',
      '        dept: "Sales" → "Eng"',
      '    + grant eng to jdoe  (birthright:all)',
      '    - revoke sales from jdoe  (mover: no longer in Sales)',
      '  payroll',
      '    - task: Revoke Sales bonus from account jdoe in Payroll (mover: no longer in Sales)',
      '(no identity) — orphan: account linked to no identity',
      '  crm',
      '    - disable account old  (orphan)',
    ]);
  });

  it('keeps an application together even when its ops are not adjacent; JSON groups carry keys', () => {
    const split = [
      mover[2]!,
      op({ kind: 'entitlement.grant', app_id: 'gh', entitlement: 'x' }),
      mover[3]!,
    ];
    const [g] = groupPlan({ ...plan, ops: split });
    expect(g?.applications.map((a) => [a.app_id, a.changes.length])).toEqual([
      ['ad', 2],
      ['gh', 1],
    ]);
    expect(g?.applications[0]?.changes[1]).toMatchObject({ sign: '-', kind: 'entitlement.revoke' });
  });

  it('cuts at the limit and says how many more, and how to see them', () => {
    const lines = renderPlan(groupPlan(plan), 2);
    expect(lines.at(-1)).toBe('… and 4 more (use --all)');
    expect(lines.filter((l) => /^ {4}[+~-] /.test(l))).toHaveLength(2);
    expect(renderPlan(groupPlan(plan), 6).at(-1)).toBe('    - disable account old  (orphan)');
    // Only the first changes grouped (a huge plan), the count of the rest from the plan's size.
    const head = renderPlan(
      groupPlan({ ...plan, ops: mover.slice(0, 2) }),
      undefined,
      undefined,
      6,
    );
    expect(head).toEqual([...lines.slice(0, -1), '… and 4 more (use --all)']);
  });

  it('colours signs only when asked, and control characters in names cannot forge lines', () => {
    const colour = renderPlan(groupPlan(plan), undefined, ansi);
    expect(colour[0]).toBe(
      '\u001b[1mE1 Jane Doe — mover: Sales → Engineering on 2026-12-01\u001b[0m',
    );
    expect(colour[2]).toBe('\u001b[33m    ~ move account jdoe  (birthright:all)\u001b[0m');
    expect(colour[7]).toMatch(/^\u001b\[31m {4}- revoke/);
    const evil = groupPlan({
      ...plan,
      explanations: new Map([['E1', { name: 'x\n\u001b[2Jy', headline: 'h' }]]),
    });
    expect(renderPlan(evil)[0]).toBe('E1 x??[2Jy — h');
  });

  it('shows `?` for old values it does not know', () => {
    const [g] = groupPlan({ ...plan, before: new Map() });
    expect(g?.applications[0]?.changes[1]?.details).toEqual(['dept: ? → "Eng"', 'mail: ? → "j@x"']);
  });
});

describe('summarisePlan', () => {
  it('counts direct operations by sign and manual tasks apart', () => {
    const s = summarisePlan(mover);
    expect(s).toEqual({ to_add: 1, to_change: 2, to_remove: 2, manual_tasks: 1, total: 6 });
    expect(summaryLine(s)).toBe(
      'Plan: 1 to add, 2 to change, 2 to remove, 1 manual task (6 operations).',
    );
  });
});

describe('renderFailures', () => {
  const failures = Array.from({ length: 25 }, (_, i) => ({
    app_id: 'ad',
    kind: 'entitlement.grant',
    account_id: `u${i}`,
    message: 'no such group',
  }));
  it('lists every failure, or the first N and how many more', () => {
    expect(renderFailures(failures)).toHaveLength(25);
    const cut = renderFailures(failures, 20);
    expect(cut).toHaveLength(21);
    expect(cut[0]).toBe('  failed: ad entitlement.grant u0: no such group');
    expect(cut.at(-1)).toBe('  … and 5 more failures (use --all or --json)');
    expect(renderFailures(failures.slice(0, 20), 20)).toHaveLength(20);
  });
});
