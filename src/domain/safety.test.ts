/** Tests: the deprovision safety gate. */
import { describe, expect, it } from 'vitest';
import { safetyGate } from './safety.js';
import { app, appMap } from './test-fixtures.js';
import type { ActualAccount, Operation } from './types.js';

const apps = appMap([app('ad', { name: 'Active Directory' }), app('hr', { connector: 'manual' })]);
const accounts = (appId: string, n: number, enabled = true): ActualAccount[] =>
  Array.from({ length: n }, (_, i) => ({
    app_id: appId,
    account_id: `u${i}`,
    identity_id: `E${i}`,
    attributes: {},
    container: null,
    enabled,
    entitlements: [],
  }));
const op = (
  appId: string,
  kind: Operation['kind'],
  i: number,
  action?: 'account.disable' | 'account.delete',
): Operation => ({
  key: `${appId}${i}`,
  kind,
  app_id: appId,
  identity_id: `E${i}`,
  account_id: `u${i}`,
  reasons: [],
  lifecycle: ['leaver'],
  ...(action ? { task: { action, summary: '' } } : {}),
});
const limits = { max_deprovision_share: 0.1, min_deprovision_count: 5 };

describe('safetyGate', () => {
  it('passes a run under the share', () => {
    const ops = Array.from({ length: 10 }, (_, i) => op('ad', 'account.disable', i));
    const v = safetyGate(ops, accounts('ad', 100), apps, limits);
    expect(v).toEqual({
      held: false,
      byApp: [{ app_id: 'ad', deprovisions: 10, accounts: 100, share: 0.1 }],
      reasons: [],
    });
  });

  it('holds above the share and at least the minimum, naming app and figures', () => {
    const ops = [
      ...Array.from({ length: 11 }, (_, i) =>
        op('ad', i % 2 ? 'account.delete' : 'account.disable', i),
      ),
      op('ad', 'entitlement.revoke', 0),
      op('ad', 'account.create', 99),
    ];
    const v = safetyGate(ops, [...accounts('ad', 100), ...accounts('ad', 50, false)], apps, limits);
    expect(v.held).toBe(true);
    expect(v.byApp).toEqual([{ app_id: 'ad', deprovisions: 11, accounts: 100, share: 0.11 }]);
    expect(v.reasons).toEqual([
      'Active Directory: 11 of 100 enabled accounts would be disabled or deleted (11 %), above the 10 % limit with at least 5 accounts; an admin must approve this run.',
    ]);
  });

  it('does not hold below the minimum count, whatever the share', () => {
    const ops = Array.from({ length: 4 }, (_, i) => op('ad', 'account.disable', i));
    expect(safetyGate(ops, accounts('ad', 4), apps, limits).held).toBe(false);
  });

  it('counts manual tasks wrapping disable/delete, per app', () => {
    const ops = [
      ...Array.from({ length: 5 }, (_, i) => op('hr', 'manual.task', i, 'account.disable')),
      op('hr', 'manual.task', 9, 'account.delete'),
      op('ad', 'account.disable', 1),
    ];
    const v = safetyGate(ops, [...accounts('hr', 10), ...accounts('ad', 100)], apps, limits);
    expect(v.held).toBe(true);
    expect(v.byApp.map((b) => [b.app_id, b.deprovisions, b.accounts])).toEqual([
      ['ad', 1, 100],
      ['hr', 6, 10],
    ]);
    expect(v.reasons).toHaveLength(1);
    expect(v.reasons[0]).toMatch(/^hr: 6 of 10 enabled accounts/);
  });

  describe('operations approved in an interrupted run', () => {
    // 30 leavers of 100 were approved; 15 were disabled before the process died: 15 of 85 left.
    const remaining = Array.from({ length: 15 }, (_, i) => op('ad', 'account.disable', i + 15));
    const left = accounts('ad', 85);

    it('would hold the rest of the approved run again without them', () => {
      expect(safetyGate(remaining, left, apps, limits).held).toBe(true);
    });

    it('are not held again, and are reported as pre-approved', () => {
      const approved = new Set(Array.from({ length: 30 }, (_, i) => `ad${i}`));
      const v = safetyGate(remaining, left, apps, limits, approved);
      expect(v).toEqual({
        held: false,
        byApp: [{ app_id: 'ad', deprovisions: 15, accounts: 85, share: 15 / 85, preapproved: 15 }],
        reasons: [],
      });
    });

    it('do not cover deprovisions nobody approved: those alone are judged', () => {
      const extra = Array.from({ length: 10 }, (_, i) => op('ad', 'account.disable', i + 50));
      const approved = new Set(remaining.map((o) => o.key));
      const v = safetyGate([...remaining, ...extra], left, apps, limits, approved);
      expect(v.held).toBe(true);
      expect(v.byApp[0]).toMatchObject({ deprovisions: 25, preapproved: 15 });
      expect(v.reasons[0]).toContain('(15 of them were approved already.)');
      const fewer = extra.slice(0, 8);
      expect(safetyGate([...remaining, ...fewer], left, apps, limits, approved).held).toBe(false);
    });
  });
});
