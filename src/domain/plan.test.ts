/** Tests: plan diffs for joiner, mover, leaver, rehire, leave, manual apps, delete apps; keys; simulator. */
import { describe, expect, it } from 'vitest';
import { compilePolicies, type PlanningContext } from './desired.js';
import { applyPlan, opKey, planAll, planIdentity } from './plan.js';
import { app, appMap, identity, policy } from './test-fixtures.js';
import type { ActualAccount, DesiredAccount, Operation } from './types.js';

const apps = appMap([
  app('ad', { account_id: '{first_name}.{last_name}' }),
  app('payroll', {
    name: 'Payroll',
    connector: 'manual',
    entitlements: [{ id: 'pay-admin', name: 'Payroll Admin', privileged: true }],
  }),
  app('crm', { deprovision: 'delete' }),
]);
const ctx: PlanningContext = {
  applications: [...apps.values()],
  policies: [
    policy('all', undefined, [
      { application: 'ad', entitlements: ['staff'], attributes: { dept: '{department}' } },
    ]),
    policy('eng', { equals: { department: 'Engineering' } }, [
      { application: 'ad', entitlements: ['eng'], container: 'ou=eng' },
      { application: 'crm', entitlements: ['crm-read'] },
    ]),
    policy('fin', { equals: { department: 'Finance' } }, [
      { application: 'ad', entitlements: ['fin'], container: 'ou=fin' },
      { application: 'payroll', entitlements: ['pay-admin'] },
    ]),
  ],
  leave: 'disable',
  prehireDays: 3,
  timeZone: 'Europe/Paris',
  now: new Date('2024-05-01T12:00:00Z'),
};
const desiredOf = compilePolicies(ctx);
const brief = (ops: Operation[]) =>
  ops.map((o) =>
    [o.kind === 'manual.task' ? `manual:${o.task?.action}` : o.kind, o.app_id, o.entitlement ?? '']
      .join(' ')
      .trim(),
  );

const acct = (over: Partial<ActualAccount>): ActualAccount => ({
  app_id: 'ad',
  account_id: 'Jane.Doe',
  identity_id: 'E1',
  attributes: { dept: 'Engineering' },
  container: 'ou=eng',
  enabled: true,
  entitlements: ['staff', 'eng'],
  ...over,
});
const engActual = [
  acct({}),
  acct({
    app_id: 'crm',
    account_id: 'E1',
    attributes: {},
    container: null,
    entitlements: ['crm-read'],
  }),
];

function plan(desired: DesiredAccount[], actual: ActualAccount[], lifecycle: string[] = []) {
  return planIdentity('E1', desired, actual, apps, lifecycle);
}

describe('planIdentity', () => {
  it('joiner: create then grant, per app in order', () => {
    const ops = plan(desiredOf(identity(), []), [], ['joiner']);
    expect(brief(ops)).toEqual([
      'account.create ad',
      'entitlement.grant ad eng',
      'entitlement.grant ad staff',
      'account.create crm',
      'entitlement.grant crm crm-read',
    ]);
    expect(ops[0]).toMatchObject({
      account_id: 'Jane.Doe',
      attributes: { dept: 'Engineering' },
      container: 'ou=eng',
      enabled: true,
      reasons: ['birthright:all', 'birthright:eng'],
      lifecycle: ['joiner'],
    });
    expect(ops[1]?.reasons).toEqual(['birthright:eng']);
    expect(ops.every((o) => /^[0-9a-f]{32}$/.test(o.key))).toBe(true);
  });

  it('in sync: no ops; orphans and other identities untouched', () => {
    const orphan = acct({ identity_id: null, account_id: 'old', entitlements: ['x'] });
    const other = acct({ identity_id: 'E2', account_id: 'bob' });
    expect(plan(desiredOf(identity(), []), [...engActual, orphan, other])).toEqual([]);
  });

  it('absent, null and empty attribute values are equal: no phantom update', () => {
    const desired = desiredOf(identity(), []).map((d) =>
      d.app_id === 'ad' ? { ...d, attributes: { ...d.attributes, title: '', manager: '' } } : d,
    );
    expect(plan(desired, engActual)).toEqual([]);
    const actual = [acct({ attributes: { dept: 'Engineering', title: '' } }), engActual[1]!];
    expect(plan(desiredOf(identity(), []), actual)).toEqual([]);
    const changed = [acct({ attributes: { dept: '' } }), engActual[1]!];
    expect(brief(plan(desiredOf(identity(), []), changed))).toEqual(['account.update ad']);
  });

  it('attribute names match whatever their case: a read-back spelling is no phantom update', () => {
    const desired = desiredOf(identity(), []).map((d) =>
      d.app_id === 'ad' ? { ...d, attributes: { givenname: 'Ann', SN: 'Lee' } } : d,
    );
    const read = [acct({ attributes: { givenName: 'Ann', sn: 'Lee' } }), engActual[1]!];
    expect(plan(desired, read)).toEqual([]);
    const changed = [acct({ attributes: { givenName: 'Anne', sn: 'Lee' } }), engActual[1]!];
    expect(brief(plan(desired, changed))).toEqual(['account.update ad']);
  });

  it('ldap applications compare DN values as the directory does; others exactly', () => {
    const ldap = appMap([app('ad', { connector: 'ldap' }), app('crm')]);
    const wanted = (appId: string): DesiredAccount => ({
      app_id: appId,
      identity_id: 'E1',
      account_id: 'E1',
      attributes: { seeAlso: 'cn=Doc, ou=Docs,dc=x' },
      container: null,
      enabled: true,
      entitlements: {},
      reasons: ['birthright:all'],
    });
    const read = (appId: string) =>
      acct({
        app_id: appId,
        account_id: 'E1',
        attributes: { seealso: 'CN=doc,OU=docs,DC=x' },
        entitlements: [],
      });
    expect(planIdentity('E1', [wanted('ad')], [read('ad')], ldap, [])).toEqual([]);
    const moved = { ...wanted('ad'), container: 'ou=Eng' };
    const at = (container: string) => ({ ...read('ad'), container });
    expect(planIdentity('E1', [moved], [at('OU=eng')], ldap, [])).toEqual([]);
    expect(planIdentity('E1', [moved], [at('OU=Sales')], ldap, []).map((o) => o.kind)).toEqual([
      'account.move',
    ]);
    expect(planIdentity('E1', [wanted('crm')], [read('crm')], ldap, []).map((o) => o.kind)).toEqual(
      ['account.update'],
    );
  });

  it('mover: both sides in one plan, grants before revokes, manual app as tasks', () => {
    const ops = plan(desiredOf(identity({ department: 'Finance' }), []), engActual, ['mover']);
    expect(brief(ops)).toEqual([
      'account.move ad',
      'account.update ad',
      'entitlement.grant ad fin',
      'entitlement.revoke ad eng',
      'entitlement.revoke crm crm-read',
      'account.delete crm',
      'manual:account.create payroll',
      'manual:entitlement.grant payroll pay-admin',
    ]);
    expect(ops[1]).toMatchObject({ attributes: { dept: 'Finance' } });
    expect(ops[7]?.task?.summary).toBe(
      'Grant Payroll Admin (pay-admin) to account E1 in Payroll (mover)',
    );
  });

  it('leaver: strip then disable; delete apps delete; manual apps become tasks', () => {
    const fin = [
      acct({ container: 'ou=fin', entitlements: ['staff', 'fin'] }),
      acct({
        app_id: 'payroll',
        account_id: 'jdoe',
        attributes: {},
        container: null,
        entitlements: ['pay-admin'],
      }),
      acct({ app_id: 'crm', account_id: 'E1', attributes: {}, enabled: false, entitlements: [] }),
    ];
    const ops = plan(desiredOf(identity({ status: 'terminated' }, 'terminated'), []), fin, [
      'leaver',
    ]);
    expect(brief(ops)).toEqual([
      'entitlement.revoke ad fin',
      'entitlement.revoke ad staff',
      'account.disable ad',
      'account.delete crm',
      'manual:entitlement.revoke payroll pay-admin',
      'manual:account.disable payroll',
    ]);
    expect(ops[5]?.task?.summary).toBe('Disable account jdoe in Payroll (leaver)');
    expect(ops[5]).toMatchObject({
      app_id: 'payroll',
      account_id: 'jdoe',
      reasons: ['unjustified'],
    });
    // A disabled, empty account in a disable app needs nothing more.
    const done = applyPlan(fin, ops);
    expect(plan([], done)).toEqual([]);
  });

  it('rehire: re-enable and re-grant the existing account', () => {
    const old = [acct({ enabled: false, entitlements: [] })];
    const ops = plan(desiredOf(identity(), []), old, ['rehire']);
    expect(brief(ops)).toEqual([
      'account.enable ad',
      'entitlement.grant ad eng',
      'entitlement.grant ad staff',
      'account.create crm',
      'entitlement.grant crm crm-read',
    ]);
  });

  it('leave with leave: disable -> disable, entitlements kept; back -> enable', () => {
    const onLeave = identity({ status: 'leave' }, 'leave');
    const ops = plan(desiredOf(onLeave, []), engActual, ['leave_start']);
    expect(brief(ops)).toEqual(['account.disable ad', 'account.disable crm']);
    expect(ops[0]?.reasons).toEqual(['desired_disabled']);
    const back = plan(desiredOf(identity(), []), applyPlan(engActual, ops), ['leave_end']);
    expect(brief(back)).toEqual(['account.enable ad', 'account.enable crm']);
  });

  it('pre-hire: created disabled with entitlements, enabled at start', () => {
    const pre = identity({ start_date: '2024-05-03' }, 'pre-hire');
    const ops = plan(desiredOf(pre, []), [], ['prehire']);
    expect(ops.filter((o) => o.kind === 'account.create').every((o) => o.enabled === false)).toBe(
      true,
    );
    const later = compilePolicies({ ...ctx, now: new Date('2024-05-03T00:00:00Z') });
    const start = plan(later(pre, []), applyPlan([], ops), ['start']);
    expect(brief(start)).toEqual(['account.enable ad', 'account.enable crm']);
  });

  it('manual app create summary says disabled', () => {
    const pre = identity({ start_date: '2024-05-03', department: 'Finance' }, 'pre-hire');
    const ops = plan(desiredOf(pre, []), [], ['prehire']);
    const task = ops.find((o) => o.app_id === 'payroll' && o.task?.action === 'account.create');
    expect(task?.task?.summary).toBe('Create disabled account E1 in Payroll (prehire)');
  });

  it('duplicate linked accounts: keep the one named as desired, deprovision the rest', () => {
    const dup = [acct({ account_id: 'jdoe2', entitlements: ['eng', 'admin'] }), ...engActual];
    const ops = plan(desiredOf(identity(), []), dup);
    expect(brief(ops)).toEqual([
      'entitlement.revoke ad admin',
      'entitlement.revoke ad eng',
      'account.disable ad',
    ]);
    expect(ops.every((o) => o.account_id === 'jdoe2' && o.reasons[0] === 'duplicate_account')).toBe(
      true,
    );
  });

  it('unknown desired application throws; actual ones of unknown apps are ignored', () => {
    const d = { ...desiredOf(identity(), [])[0]!, app_id: 'nope' };
    expect(() => plan([d], [])).toThrow(
      expect.objectContaining({ code: 'plan.unknown_application' }),
    );
    expect(plan([], [acct({ app_id: 'nope' })])).toEqual([]);
  });
});

describe('planAll / opKey', () => {
  it('plans only identities in the map, sorted, with their lifecycle labels', () => {
    const desired = new Map([
      ['E2', []],
      ['E1', desiredOf(identity(), [])],
    ]);
    const actual = [
      acct({ identity_id: 'E2', account_id: 'bob' }),
      acct({ identity_id: 'E3', account_id: 'carol' }),
    ];
    const ops = planAll(desired, actual, apps, new Map([['E2', ['leaver']]]));
    expect(ops.map((o) => o.identity_id)).toEqual(['E1', 'E1', 'E1', 'E1', 'E1', 'E2', 'E2', 'E2']);
    expect(
      ops.filter((o) => o.identity_id === 'E2').every((o) => o.lifecycle[0] === 'leaver'),
    ).toBe(true);
    expect(ops.some((o) => o.account_id === 'carol')).toBe(false);
  });

  it('same desired values give the same key; different values a different one', () => {
    const a = plan(desiredOf(identity(), []), [], ['joiner']);
    const b = plan(desiredOf(identity(), []), [], ['rehire']);
    expect(a.map((o) => o.key)).toEqual(b.map((o) => o.key));
    expect(new Set(a.map((o) => o.key)).size).toBe(a.length);
    const base = a[0]!;
    expect(opKey({ ...base, attributes: { dept: 'Engineering' } })).toBe(base.key);
    expect(opKey({ ...base, attributes: { dept: 'Sales' } })).not.toBe(base.key);
    expect(opKey({ ...base, enabled: false })).not.toBe(base.key);
    const x = { ...base, kind: 'manual.task' as const };
    expect(opKey({ ...x, task: { action: 'account.enable', summary: 'a' } })).not.toBe(
      opKey({ ...x, task: { action: 'account.disable', summary: 'a' } }),
    );
  });

  it('attribute order does not change the key', () => {
    const op = plan(desiredOf(identity(), []), [])[0]!;
    expect(opKey({ ...op, attributes: { b: '1', a: '2' } })).toBe(
      opKey({ ...op, attributes: { a: '2', b: '1' } }),
    );
  });
});

describe('applyPlan', () => {
  it('does not mutate its input and ignores ops on missing accounts', () => {
    const before = structuredClone(engActual);
    const ops = plan(desiredOf(identity({ department: 'Finance' }), []), engActual);
    const after = applyPlan(engActual, ops);
    expect(engActual).toEqual(before);
    expect(after.find((a) => a.app_id === 'ad')).toMatchObject({
      container: 'ou=fin',
      entitlements: ['staff', 'fin'],
    });
    expect(after.some((a) => a.app_id === 'crm')).toBe(false);
    expect(
      applyPlan(
        [],
        ops.filter((o) => o.kind !== 'manual.task' && o.kind !== 'account.create'),
      ),
    ).toEqual([]);
  });
});
