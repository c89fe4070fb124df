/** Pure reconciliation: correlation rules, classification into findings, orphan disables. */
import { describe, expect, it } from 'vitest';
import type { CorrelationRule } from './application.js';
import { desiredState } from './desired.js';
import { classifyApp, desiredByApp, findingKey } from './reconcile.js';
import { compileCorrelation } from './reconcile-correlate.js';
import { planOrphans } from './reconcile-orphans.js';
import { app, appMap, identity, policy } from './test-fixtures.js';
import type { AccountRecord, ActualAccount } from './types.js';

const acc = (account_id: string, over: Partial<AccountRecord> = {}): AccountRecord => ({
  account_id,
  attributes: {},
  container: null,
  enabled: true,
  entitlements: [],
  employee_id: null,
  ...over,
});

const people = [
  identity({ employee_id: 'E1', email: 'ann@example.com', first_name: 'Ann' }),
  identity({ employee_id: 'E2', email: 'bob@example.com', first_name: 'Bob' }),
  identity({ employee_id: 'E3', email: 'cy@example.com' }, 'terminated'),
  // Same email as E1: an email rule alone can't tell them apart.
  identity({ employee_id: 'E4', email: 'ann@example.com', first_name: 'Ann' }),
];

const rules = (...r: Partial<CorrelationRule>[]) =>
  r.map((x) => ({ ignore_case: true, ...x })) as CorrelationRule[];

describe('correlation', () => {
  it('uses the employee id hint, then the account id template, by default', () => {
    const c = compileCorrelation(app('dir', { account_id: '{email}' }), people);
    expect(c(acc('whatever', { employee_id: 'e2' }))).toMatchObject({
      identity_id: 'E2',
      via: 'employee_id',
    });
    expect(c(acc('BOB@example.com'))).toMatchObject({ identity_id: 'E2', via: 'account_id' });
    expect(c(acc('nobody'))).toEqual({ identity_id: null, via: null, ambiguous: [] });
  });

  it('tries rules in order: the first matching exactly one identity wins', () => {
    const a = app('dir', {
      correlation: rules(
        { attribute: 'mail', identity: 'email' },
        { attribute: 'employeeNumber', identity: 'employee_id' },
      ),
    });
    const c = compileCorrelation(a, people);
    // mail matches E1 and E4: ambiguous, so the next rule decides.
    const r = c(acc('x', { attributes: { Mail: 'Ann@Example.com', employeeNumber: 'E4' } }));
    expect(r).toMatchObject({ identity_id: 'E4', via: 'employeeNumber=employee_id' });
    expect(r.ambiguous).toEqual([{ via: 'mail=email', candidates: ['E1', 'E4'] }]);
    expect(c(acc('y', { attributes: { mail: 'ann@example.com' } }))).toMatchObject({
      identity_id: null,
      ambiguous: [{ via: 'mail=email', candidates: ['E1', 'E4'] }],
    });
  });

  it('compares exactly with ignore_case: false, and never matches empty values', () => {
    const a = app('dir', {
      correlation: [{ attribute: 'mail', identity: 'email', ignore_case: false }],
    });
    const c = compileCorrelation(a, people);
    expect(c(acc('x', { attributes: { mail: 'BOB@example.com' } })).identity_id).toBeNull();
    expect(c(acc('x', { attributes: { mail: 'bob@example.com' } })).identity_id).toBe('E2');
    expect(c(acc('x', { attributes: { mail: '  ' } })).identity_id).toBeNull();
  });

  it('keeps the link Tenure already had when no rule links the account', () => {
    const c = compileCorrelation(
      app('dir'),
      people,
      new Map([
        ['renamed', 'E1'],
        ['ghost', 'E99'],
      ]),
    );
    expect(c(acc('renamed'))).toMatchObject({ identity_id: 'E1', via: 'stored_link' });
    expect(c(acc('ghost')).identity_id).toBeNull(); // that identity no longer exists
  });

  it('supports an account_id template of its own', () => {
    const a = app('dir', {
      correlation: [{ account_id: '{first_name}.{employee_id}', ignore_case: true }],
    });
    expect(compileCorrelation(a, people)(acc('bob.e2'))).toMatchObject({
      identity_id: 'E2',
      via: 'account_id={first_name}.{employee_id}',
    });
  });
});

describe('classification', () => {
  const dir = app('dir', {
    entitlements: [
      { id: 'staff', privileged: false },
      { id: 'admin', privileged: true },
    ],
  });
  const ctx = {
    applications: [dir],
    policies: [policy('all', undefined, [{ application: 'dir', entitlements: ['staff'] }])],
    leave: 'keep' as const,
    prehireDays: 3,
    timeZone: 'Europe/Paris',
    now: new Date('2026-11-26T09:00:00Z'),
  };
  const idents = [
    identity({ employee_id: 'E1' }),
    identity({ employee_id: 'E2' }),
    identity({ employee_id: 'E3' }, 'terminated'),
    identity({ employee_id: 'E5' }),
    identity({ employee_id: 'E6' }, 'terminated'),
  ];
  const desired = desiredByApp(idents, new Map(), ctx, ['dir']).get('dir')!;
  const records = [
    acc('E1', { entitlements: ['staff'] }), // matched, as desired
    acc('E2', { entitlements: ['staff', 'admin', 'staff'] }), // drift: admin
    acc('E3', { entitlements: ['staff'] }), // terminated, still enabled: orphan
    acc('E6', { enabled: false, entitlements: [] }), // terminated and disabled: fine
    acc('svc-backup', { enabled: false }), // no identity: orphan (even disabled)
  ];

  it('finds exactly the orphans, drift and missing accounts', () => {
    const r = classifyApp({ app: dir, records, identities: idents, desired });
    expect(
      r.findings.map((f) => [f.kind, f.reason, f.account_id, f.identity_id, f.entitlement_id]),
    ).toEqual([
      ['orphan', 'identity_terminated', 'E3', 'E3', null],
      ['orphan', 'no_identity', 'svc-backup', null, null],
      ['drift', 'unjustified', 'E2', 'E2', 'admin'],
      ['missing', 'not_found', 'E5', 'E5', null],
    ]);
    expect(r.findings[2]!.details).toMatchObject({ privileged: true, enabled: true });
    expect(r.findings[3]!.details).toMatchObject({ entitlements: ['staff'], enabled: true });
    expect(r.counts).toMatchObject({
      accounts: 5,
      linked: 4,
      orphan: 2,
      drift: 1,
      missing: 1,
      ambiguous: 0,
      unmanaged: 0,
    });
    expect(r.counts.linked_by).toEqual({ account_id: 4 }); // no employee id hint in these records
    // Actual state as read, linked, entitlements deduplicated and sorted.
    expect(r.accounts.find((a) => a.account_id === 'E2')).toMatchObject({
      identity_id: 'E2',
      entitlements: ['admin', 'staff'],
    });
    expect(r.accounts.find((a) => a.account_id === 'svc-backup')?.identity_id).toBeNull();
  });

  it('reports an account no policy gives as unmanaged, and its entitlements as drift', () => {
    const none = desiredByApp(idents, new Map(), { ...ctx, policies: [] }, ['dir']).get('dir')!;
    const r = classifyApp({
      app: dir,
      records: [acc('E1', { entitlements: ['staff'] })],
      identities: idents,
      desired: none,
    });
    expect(r.findings.map((f) => [f.kind, f.entitlement_id])).toEqual([
      ['unmanaged', null],
      ['drift', 'staff'],
    ]);
  });

  it('reports ambiguous correlations instead of guessing', () => {
    const twins = [
      identity({ employee_id: 'E1', email: 'x@e.com' }),
      identity({ employee_id: 'E2', email: 'x@e.com' }),
    ];
    const a = { ...dir, correlation: rules({ attribute: 'mail', identity: 'email' }) };
    const r = classifyApp({
      app: a,
      records: [acc('x', { attributes: { mail: 'x@e.com' } })],
      identities: twins,
      desired: new Map(),
    });
    expect(r.findings).toMatchObject([
      {
        kind: 'ambiguous',
        reason: 'several_identities',
        identity_id: null,
        details: { candidates: ['E1', 'E2'] },
      },
    ]);
    expect(r.accounts[0]!.identity_id).toBeNull();
  });

  it('is deterministic: the same input gives the same findings in the same order', () => {
    const a = classifyApp({ app: dir, records, identities: idents, desired });
    const b = classifyApp({
      app: dir,
      records: [...records].reverse(),
      identities: idents,
      desired,
    });
    expect(b.findings.map(findingKey)).toEqual(a.findings.map(findingKey));
  });

  it('computes desired state the same way a run does', () => {
    const all = desiredState(idents, new Map(), ctx);
    for (const [id, d] of desired) expect(all.get(id)).toContainEqual(d);
    expect(desired.has('E3')).toBe(false);
  });
});

describe('orphan remediation in a plan', () => {
  const actual: ActualAccount[] = [
    {
      app_id: 'dir',
      account_id: 'svc',
      identity_id: null,
      attributes: {},
      container: null,
      enabled: true,
      entitlements: ['x'],
    },
    {
      app_id: 'dir',
      account_id: 'old',
      identity_id: null,
      attributes: {},
      container: null,
      enabled: false,
      entitlements: [],
    },
    {
      app_id: 'dir',
      account_id: 'E1',
      identity_id: 'E1',
      attributes: {},
      container: null,
      enabled: true,
      entitlements: [],
    },
    {
      app_id: 'crm',
      account_id: 'svc',
      identity_id: null,
      attributes: {},
      container: null,
      enabled: true,
      entitlements: [],
    },
    {
      app_id: 'pay',
      account_id: 'p1',
      identity_id: null,
      attributes: {},
      container: null,
      enabled: true,
      entitlements: [],
    },
  ];

  it('disables enabled orphans only where the application says orphans: disable', () => {
    const apps = appMap([
      app('dir', { orphans: 'disable' }),
      app('crm'),
      app('pay', { connector: 'manual', orphans: 'disable' }),
    ]);
    const ops = planOrphans(actual, apps);
    expect(ops.map((o) => [o.kind, o.app_id, o.account_id, o.task?.action])).toEqual([
      ['account.disable', 'dir', 'svc', undefined],
      ['manual.task', 'pay', 'p1', 'account.disable'],
    ]);
    expect(ops[0]).toMatchObject({
      identity_id: null,
      reasons: ['orphan'],
      lifecycle: ['reconcile'],
    });
    expect(ops[0]!.key).toMatch(/^[0-9a-f]{32}$/);
    expect(planOrphans(actual, appMap([app('dir'), app('crm')]))).toEqual([]);
  });
});
