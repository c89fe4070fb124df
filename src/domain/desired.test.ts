/** Tests: desired accounts from policies and grants per status. */
import { describe, expect, it } from 'vitest';
import {
  compilePolicies,
  desiredFor,
  desiredState,
  managedAttributes,
  type PlanningContext,
} from './desired.js';
import { app, identity, policy } from './test-fixtures.js';
import type { Grant } from './types.js';

const ctx: PlanningContext = {
  applications: [
    app('ad', { account_id: '{first_name}.{last_name}' }),
    app('slack'),
    app('payroll'),
  ],
  policies: [
    policy('everyone', undefined, [
      {
        application: 'ad',
        entitlements: ['all-staff'],
        attributes: { displayName: '{display_name}', dept: '{department}' },
        container: 'ou={department}',
      },
      { application: 'slack', entitlements: ['general'] },
    ]),
    policy('eng', { equals: { department: 'Engineering' } }, [
      {
        application: 'ad',
        entitlements: ['eng', 'all-staff'],
        attributes: { dept: 'ENG!' },
        container: 'ou=x',
      },
    ]),
  ],
  leave: 'keep',
  prehireDays: 3,
  timeZone: 'Europe/Paris',
  now: new Date('2024-05-01T12:00:00Z'),
};

const grant = (over: Partial<Grant>): Grant => ({
  id: 'g1',
  identity_id: 'E1',
  app_id: 'payroll',
  entitlement_id: 'viewer',
  reason: 'request:42',
  expires_at: null,
  ...over,
});

describe('desiredFor', () => {
  it('merges policies per app: union of entitlements with reasons, first policy wins attributes', () => {
    const [ad, slack] = desiredFor(identity(), [], ctx);
    expect(ad).toEqual({
      app_id: 'ad',
      identity_id: 'E1',
      account_id: 'Jane.Doe',
      attributes: { displayName: 'Jane Doe', dept: 'Engineering' },
      container: 'ou=Engineering',
      enabled: true,
      entitlements: {
        'all-staff': ['birthright:everyone', 'birthright:eng'],
        eng: ['birthright:eng'],
      },
      reasons: ['birthright:everyone', 'birthright:eng'],
    });
    expect(slack?.entitlements).toEqual({ general: ['birthright:everyone'] });
  });

  it('terminated -> nothing, even by end date at ctx.now', () => {
    expect(desiredFor(identity({}, 'terminated'), [grant({})], ctx)).toEqual([]);
    expect(desiredFor(identity({ end_date: '2024-04-30' }), [], ctx)).toEqual([]);
  });

  it('pre-hire: nothing before the window, disabled accounts with entitlements inside it', () => {
    expect(desiredFor(identity({ start_date: '2024-05-05' }, 'pre-hire'), [], ctx)).toEqual([]);
    // provision_from = 2024-05-01 00:00 Paris
    const inWindow = desiredFor(identity({ start_date: '2024-05-04' }, 'pre-hire'), [], ctx);
    expect(inWindow.map((d) => [d.app_id, d.enabled])).toEqual([
      ['ad', false],
      ['slack', false],
    ]);
    expect(Object.keys(inWindow[0]?.entitlements ?? {})).toEqual(['all-staff', 'eng']);
  });

  it('pre-hire whose start has passed is planned as active', () => {
    const [ad] = desiredFor(identity({ start_date: '2024-05-01' }, 'pre-hire'), [], ctx);
    expect(ad?.enabled).toBe(true);
  });

  it('leave: keep vs disable (entitlements kept)', () => {
    const onLeave = identity({ status: 'leave' }, 'leave');
    expect(desiredFor(onLeave, [], ctx).every((d) => d.enabled)).toBe(true);
    const disabled = desiredFor(onLeave, [], { ...ctx, leave: 'disable' });
    expect(disabled.every((d) => !d.enabled)).toBe(true);
    expect(Object.keys(disabled[0]?.entitlements ?? {})).toContain('eng');
  });

  it('conditions see the effective status', () => {
    const c = {
      ...ctx,
      policies: [policy('l', { equals: { status: 'leave' } }, [{ application: 'slack' }])],
    };
    expect(desiredFor(identity({ status: 'leave' }, 'leave'), [], c)).toHaveLength(1);
    expect(desiredFor(identity(), [], c)).toHaveLength(0);
  });

  it('grants: unexpired ones add entitlements, creating the account if needed', () => {
    const res = desiredFor(
      identity(),
      [
        grant({}),
        grant({ id: 'g2', entitlement_id: 'admin', expires_at: '2024-05-01T12:00:00Z' }), // expired now
        grant({ id: 'g3', entitlement_id: 'auditor', expires_at: '2024-06-01T00:00:00Z' }),
        grant({ id: 'g4', app_id: 'ad', entitlement_id: 'eng', reason: 'exception:7' }),
        grant({ id: 'g5', app_id: 'gone', entitlement_id: 'x' }),
      ],
      ctx,
    );
    const payroll = res.find((d) => d.app_id === 'payroll');
    expect(payroll).toMatchObject({
      account_id: 'E1',
      attributes: {},
      enabled: true,
      entitlements: { viewer: ['request:42'], auditor: ['request:42'] },
      reasons: ['request:42'],
    });
    expect(res.find((d) => d.app_id === 'ad')?.entitlements.eng).toEqual([
      'birthright:eng',
      'exception:7',
    ]);
    expect(res.some((d) => d.app_id === 'gone')).toBe(false);
  });

  it('rejects unknown applications and attributes at compile time', () => {
    const bad = { ...ctx, policies: [policy('p', undefined, [{ application: 'nope' }])] };
    expect(() => compilePolicies(bad)).toThrow(
      expect.objectContaining({ code: 'policy.unknown_application' }),
    );
    const typo = {
      ...ctx,
      policies: [policy('p', { equals: { dept: 'x' } }, [{ application: 'ad' }])],
    };
    expect(() => compilePolicies(typo)).toThrow(
      expect.objectContaining({ code: 'policy.unknown_field' }),
    );
  });
});

describe('desiredState', () => {
  it('maps every identity, terminated ones to []', () => {
    const out = desiredState(
      [identity(), identity({ employee_id: 'E2' }, 'terminated')],
      new Map([['E1', [grant({})]]]),
      ctx,
    );
    expect([...out.keys()]).toEqual(['E1', 'E2']);
    expect(out.get('E1')).toHaveLength(3);
    expect(out.get('E2')).toEqual([]);
  });
});

describe('managedAttributes', () => {
  it("lists the attribute names any policy sets on the application's accounts, once", () => {
    const policies = [
      policy('all', undefined, [{ application: 'dir', attributes: { cn: '{x}', mail: '{y}' } }]),
      policy('eng', undefined, [
        { application: 'dir', attributes: { mail: '{z}', title: '' } },
        { application: 'crm', attributes: { role: 'eng' } },
      ]),
    ];
    expect(managedAttributes(policies, 'dir')).toEqual(['cn', 'mail', 'title']);
    expect(managedAttributes(policies, 'none')).toEqual([]);
  });
});
