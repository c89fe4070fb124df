/** Property tests: planning converges to the desired state, is idempotent, and strips movers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Application } from './application.js';
import { desiredState, type PlanningContext } from './desired.js';
import { effectiveStatus } from './lifecycle.js';
import { applyPlan, planAll } from './plan.js';
import type { Condition, Policy } from './policy.js';
import { app, appMap, hr, policy, settings } from './test-fixtures.js';
import type { ActualAccount, DesiredAccount, Grant, Identity } from './types.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const DEPTS = ['eng', 'sales', 'fin', 'hr'];
const LOCS = ['paris', 'tokyo', 'la'];
const TITLES = ['Senior Engineer', 'Manager', 'Clerk'];
const ENTS = ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'];
const APP_IDS = ['a0', 'a1', 'a2', 'a3'];
const ATTR_TPLS: Record<string, string> = {
  dept: '{department}',
  title: '{title}',
  cn: '{display_name}',
  k: 'const',
};

const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ equals: fc.record({ department: fc.constantFrom(...DEPTS) }) }),
  fc.record({ in: fc.record({ location: fc.subarray(LOCS) }) }),
  fc.record({ regex: fc.record({ title: fc.constantFrom('^Sen', 'er$', 'a') }) }),
  fc.record({ equals: fc.record({ status: fc.constantFrom('active', 'leave', 'pre-hire') }) }),
);
const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { maxDepth: 2, depthIdentifier: 'cond' },
    leaf,
    fc.record({ and: fc.array(tie('c'), { minLength: 1, maxLength: 2 }) }),
    fc.record({ or: fc.array(tie('c'), { minLength: 1, maxLength: 2 }) }),
    fc.record({ not: tie('c') }),
  ),
})).c;

const appsArb: fc.Arbitrary<Application[]> = fc.tuple(
  ...APP_IDS.map((id) =>
    fc
      .record({
        connector: fc.constantFrom('scim', 'manual'),
        deprovision: fc.constantFrom('disable' as const, 'delete' as const),
        account_id: fc.constantFrom('{employee_id}', 'u-{employee_id}'),
      })
      .map((o) => app(id, o)),
  ),
);

const policiesArb: fc.Arbitrary<Policy[]> = fc
  .array(
    fc.record({
      when: fc.option(condition, { nil: undefined }),
      accounts: fc.array(
        fc.record({
          application: fc.constantFrom(...APP_IDS),
          entitlements: fc.subarray(ENTS),
          attributes: fc
            .subarray(Object.keys(ATTR_TPLS))
            .map((ks) => Object.fromEntries(ks.map((k) => [k, ATTR_TPLS[k]!]))),
          container: fc.option(fc.constantFrom('ou={department}', 'ou=fixed'), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    { maxLength: 5 },
  )
  .map((ps) => ps.map((p, i) => policy(`p${i}`, p.when, p.accounts)));

const personArb = fc.record({
  department: fc.constantFrom(...DEPTS),
  location: fc.constantFrom(...LOCS),
  title: fc.constantFrom(...TITLES),
  status: fc.constantFrom('active' as const, 'leave' as const, 'terminated' as const),
  start_date: fc.constantFrom('2020-01-01', '2024-05-02', '2024-05-30'),
  end_date: fc.constantFrom(null, '2024-04-01', '2024-12-31'),
  goneMissing: fc.boolean(),
});

const accountArb = fc.record({
  owner: fc.nat(10), // >= identities: an unplanned identity or an orphan
  app: fc.constantFrom(...APP_IDS),
  form: fc.constantFrom('', 'u-', 'alt-'),
  attributes: fc.dictionary(
    fc.constantFrom('dept', 'title', 'cn', 'k', 'extra'),
    fc.constantFrom('eng', 'x', 'Manager'),
  ),
  container: fc.constantFrom(null, 'ou=eng', 'ou=fixed'),
  enabled: fc.boolean(),
  entitlements: fc.subarray([...ENTS, 'legacy']),
});

const grantArb = fc.record({
  owner: fc.nat(7),
  app: fc.constantFrom(...APP_IDS, 'removed'),
  ent: fc.constantFrom(...ENTS, 'g-only'),
  expires_at: fc.constantFrom(null, '2024-04-01T00:00:00Z', '2025-01-01T00:00:00Z'),
});

const scenario = fc.record({
  apps: appsArb,
  policies: policiesArb,
  leave: fc.constantFrom('keep' as const, 'disable' as const),
  people: fc.array(personArb, { maxLength: 8 }),
  accounts: fc.array(accountArb, { maxLength: 25 }),
  grants: fc.array(grantArb, { maxLength: 6 }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function build(s: Scenario) {
  const identities: Identity[] = s.people.map((p, i) => {
    const rec = hr({ ...p, employee_id: `E${i}`, first_name: `F${i}` });
    const status = p.goneMissing ? 'terminated' : effectiveStatus(rec, NOW, settings);
    return {
      id: rec.employee_id,
      source_id: 'hr',
      attributes: rec,
      status,
      missing_from_source: p.goneMissing,
      updated_at: '',
    };
  });
  const owner = (n: number): string | null =>
    n < identities.length ? `E${n}` : n % 2 ? null : `X${n}`;
  const seen = new Set<string>();
  const actual: ActualAccount[] = [];
  s.accounts.forEach((a, i) => {
    const id = owner(a.owner);
    const account_id = id === null ? `orphan-${i}` : `${a.form}${id}`;
    if (seen.has(`${a.app}/${account_id}`)) return;
    seen.add(`${a.app}/${account_id}`);
    actual.push({
      app_id: a.app,
      account_id,
      identity_id: id,
      attributes: a.attributes,
      container: a.container,
      enabled: a.enabled,
      entitlements: a.entitlements,
    });
  });
  const grants = new Map<string, Grant[]>();
  s.grants.forEach((g, i) => {
    const identity_id = `E${g.owner}`;
    const list = grants.get(identity_id) ?? [];
    list.push({
      id: `g${i}`,
      identity_id,
      app_id: g.app,
      entitlement_id: g.ent,
      reason: `request:${i}`,
      expires_at: g.expires_at,
    });
    grants.set(identity_id, list);
  });
  const ctx: PlanningContext = {
    applications: s.apps,
    policies: s.policies,
    leave: s.leave,
    prehireDays: 3,
    timeZone: 'Europe/Paris',
    now: NOW,
  };
  return { identities, actual, grants, ctx, apps: appMap(s.apps) };
}

/** Asserts `after` realises `desired` for every planned identity, and left everything else alone. */
function expectRealised(
  desired: Map<string, DesiredAccount[]>,
  before: ActualAccount[],
  after: ActualAccount[],
  apps: Map<string, Application>,
): void {
  for (const [id, accounts] of desired) {
    for (const appId of APP_IDS) {
      const d = accounts.find((a) => a.app_id === appId);
      const linked = after.filter((a) => a.identity_id === id && a.app_id === appId);
      const realises = (a: ActualAccount): boolean =>
        d !== undefined &&
        a.enabled === d.enabled &&
        Object.entries(d.attributes).every(([k, v]) => a.attributes[k] === v) &&
        (d.container === null || a.container === d.container) &&
        [...new Set(a.entitlements)].sort().join() === Object.keys(d.entitlements).sort().join();
      const primary = linked.find(realises);
      expect(primary !== undefined).toBe(d !== undefined);
      for (const rest of linked.filter((a) => a !== primary)) {
        expect(apps.get(appId)?.deprovision).toBe('disable');
        expect(rest.enabled).toBe(false);
        expect(rest.entitlements).toEqual([]);
      }
    }
  }
  const untouched = (a: ActualAccount) => a.identity_id === null || !desired.has(a.identity_id);
  expect(after.filter(untouched)).toEqual(before.filter(untouched));
}

describe('planAll properties', () => {
  it('(a) applying the plan yields the desired state; (b) planning again yields nothing', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { identities, actual, grants, ctx, apps } = build(s);
        const desired = desiredState(identities, grants, ctx);
        const ops = planAll(desired, actual, apps, new Map());
        const after = applyPlan(actual, ops);
        expectRealised(desired, actual, after, apps);
        expect(planAll(desired, after, apps, new Map())).toEqual([]);
        expect(new Set(ops.map((o) => o.key)).size).toBe(ops.length);
      }),
      { numRuns: 400 },
    );
  });

  it('(c) a mover never keeps an entitlement from the old department that nothing justifies', () => {
    fc.assert(
      fc.property(scenario, fc.constantFrom(...DEPTS), (s, newDept) => {
        const { identities, actual, grants, ctx, apps } = build(s);
        const synced = applyPlan(
          actual,
          planAll(desiredState(identities, grants, ctx), actual, apps, new Map()),
        );
        const moved = identities.map((i) => ({
          ...i,
          attributes: { ...i.attributes, department: newDept },
        }));
        const desired = desiredState(moved, grants, ctx);
        const after = applyPlan(synced, planAll(desired, synced, apps, new Map()));
        for (const acc of after) {
          if (acc.identity_id === null || !desired.has(acc.identity_id)) continue;
          const d = desired.get(acc.identity_id)!.find((x) => x.app_id === acc.app_id);
          for (const e of acc.entitlements) {
            expect(d !== undefined && Object.hasOwn(d.entitlements, e)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
