/** Tests: a leaver's or mover's removals carry the change's reason, manual task summaries too; drift stays `unjustified`. */
import { describe, expect, it } from 'vitest';
import { opKey, planIdentity } from './plan.js';
import { explainRemovals } from './removal-reasons.js';
import { app, appMap } from './test-fixtures.js';
import type { ActualAccount } from './types.js';

const apps = appMap([app('ad'), app('payroll', { name: 'Payroll', connector: 'manual' })]);
const held = (app_id: string, identity_id: string, entitlements: string[]): ActualAccount => ({
  app_id,
  account_id: identity_id,
  identity_id,
  attributes: {},
  container: null,
  enabled: true,
  entitlements,
});

describe('explainRemovals', () => {
  it('replaces `unjustified` on the removals of identities that have a reason, keys unchanged', () => {
    const leaver = planIdentity(
      'E1',
      [],
      [held('ad', 'E1', ['staff']), held('payroll', 'E1', [])],
      apps,
      [],
    );
    const drift = planIdentity(
      'E2',
      [
        {
          app_id: 'ad',
          identity_id: 'E2',
          account_id: 'E2',
          attributes: {},
          container: null,
          enabled: true,
          entitlements: { staff: ['birthright:all'] },
          reasons: ['birthright:all'],
        },
      ],
      [held('ad', 'E2', ['staff', 'admin'])],
      apps,
      [],
    );
    const ops = [...leaver, ...drift];
    const keys = ops.map((o) => o.key);
    expect(ops.every((o) => o.reasons.includes('unjustified'))).toBe(true);
    expect(leaver.find((o) => o.app_id === 'payroll')?.task?.summary).toBe(
      'Disable account E1 in Payroll (unjustified)',
    );

    explainRemovals(ops, (id) => (id === 'E1' ? 'leaver: terminated 2026-11-27' : undefined), apps);

    expect(ops.map((o) => [o.identity_id, o.kind, o.reasons])).toEqual([
      ['E1', 'entitlement.revoke', ['leaver: terminated 2026-11-27']],
      ['E1', 'account.disable', ['leaver: terminated 2026-11-27']],
      ['E1', 'manual.task', ['leaver: terminated 2026-11-27']],
      ['E2', 'entitlement.revoke', ['unjustified']],
    ]);
    expect(ops[2]?.task?.summary).toBe(
      'Disable account E1 in Payroll (leaver: terminated 2026-11-27)',
    );
    expect(ops.map((o) => o.key)).toEqual(keys);
    expect(ops.map((o) => opKey(o))).toEqual(keys);
  });

  it('leaves other removal reasons alone (duplicate accounts, desired disabled)', () => {
    const dup = planIdentity(
      'E3',
      [
        {
          app_id: 'ad',
          identity_id: 'E3',
          account_id: 'E3',
          attributes: {},
          container: null,
          enabled: true,
          entitlements: {},
          reasons: ['birthright:all'],
        },
      ],
      [held('ad', 'E3', []), { ...held('ad', 'E3', []), account_id: 'E3b' }],
      apps,
      [],
    );
    explainRemovals(dup, () => 'mover: no longer in Sales', apps);
    expect(dup.map((o) => [o.kind, o.account_id, o.reasons])).toEqual([
      ['account.disable', 'E3b', ['duplicate_account']],
    ]);
  });
});
