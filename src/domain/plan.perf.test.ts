/** Sanity benchmark: desiredState + planAll for 100 k identities × 20 policies × 30 apps. */
import { describe, expect, it } from 'vitest';
import type { ApplicationConfig, PolicyConfig } from '../config/schema.js';
import { desiredState, type PlanningContext } from './desired.js';
import { planAll } from './plan.js';
import { app, hr, policy } from './test-fixtures.js';
import type { ActualAccount, Identity } from './types.js';

const N = 100_000;
const DEPTS = Array.from({ length: 10 }, (_, i) => `dept${i}`);
const LOCS = ['Paris', 'Tokyo', 'Los Angeles', 'Berlin', 'Lagos'];
const apps: ApplicationConfig[] = Array.from({ length: 30 }, (_, i) =>
  app(`app${i}`, {
    account_id: i % 2 ? '{first_name}.{last_name}.{employee_id}' : '{employee_id}',
  }),
);
const ents = (a: number, n: number) => Array.from({ length: n }, (_, i) => `app${a}-e${i}`);
const attributes = {
  cn: '{display_name}',
  mail: '{email}',
  dept: '{department}',
  title: '{title}',
};

// 20 policies: 1 for everyone, 10 by department, 5 by location, 4 compound.
const policies: PolicyConfig[] = [
  policy(
    'all',
    undefined,
    [0, 1, 2, 3].map((a) => ({ application: `app${a}`, entitlements: ents(a, 2), attributes })),
  ),
  ...DEPTS.map((d, i) =>
    policy(
      `dept${i}`,
      { equals: { department: d } },
      [4, 5, 6].map((k) => ({
        application: `app${4 + ((i * 3 + k) % 20)}`,
        entitlements: ents(k, 3).map((e) => `${e}-${d}`),
        attributes: { dept: '{department}' },
        container: 'ou={department},dc=corp',
      })),
    ),
  ),
  ...LOCS.map((l, i) =>
    policy(`loc${i}`, { in: { location: [l] } }, [
      { application: `app${24 + i}`, entitlements: ents(24 + i, 3) },
    ]),
  ),
  policy('managers', { regex: { title: '^(Senior )?Manager$' } }, [
    { application: 'app29', entitlements: ents(29, 4) },
  ]),
  policy(
    'eng-paris',
    { and: [{ in: { department: ['dept0', 'dept1'] } }, { equals: { location: 'Paris' } }] },
    [{ application: 'app1', entitlements: ['paris-lab'] }],
  ),
  policy('not-contractors', { not: { equals: { employment_type: 'contractor' } } }, [
    { application: 'app2', entitlements: ['benefits', 'pension'] },
  ]),
  policy(
    'leave-or-pre',
    { or: [{ equals: { status: 'leave' } }, { equals: { status: 'pre-hire' } }] },
    [{ application: 'app3', entitlements: ['limited'] }],
  ),
];
const ctx: PlanningContext = {
  applications: apps,
  policies,
  leave: 'disable',
  prehireDays: 3,
  timeZone: 'Europe/Paris',
  now: new Date('2024-05-01T12:00:00Z'),
};
const identities: Identity[] = Array.from({ length: N }, (_, i) => {
  const rec = hr({
    employee_id: `E${i}`,
    first_name: `First${i}`,
    email: `e${i}@corp.example`,
    department: DEPTS[i % 10]!,
    location: LOCS[i % 5]!,
    title: i % 7 === 0 ? 'Manager' : 'Engineer',
    employment_type: i % 9 === 0 ? 'contractor' : 'employee',
    status: i % 50 === 0 ? 'leave' : 'active',
  });
  return {
    id: rec.employee_id,
    source_id: 'hr',
    attributes: rec,
    status: rec.status,
    missing_from_source: false,
    updated_at: '',
  };
});

function time<T>(label: string, f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  const ms = performance.now() - t0;
  console.log(`${label}: ${ms.toFixed(0)} ms`);
  return [out, ms];
}

describe('desiredState + planAll at scale', () => {
  it(`${N} identities × ${policies.length} policies × ${apps.length} apps`, () => {
    const [desired, tDesired] = time('desiredState', () =>
      desiredState(identities, new Map(), ctx),
    );
    let accounts = 0;
    let entitlements = 0;
    const actual: ActualAccount[] = [];
    let i = 0;
    for (const list of desired.values()) {
      accounts += list.length;
      for (const d of list) {
        const held = Object.keys(d.entitlements);
        entitlements += held.length;
        // Steady state with churn: 2 % never provisioned, 3 % movers/drift, 1 % leavers.
        if (i % 50 === 1) continue;
        const drift = i % 33 === 2;
        actual.push({
          app_id: d.app_id,
          account_id: d.account_id,
          identity_id: i % 100 === 3 ? `gone${i}` : d.identity_id,
          attributes: drift ? { ...d.attributes, dept: 'old' } : d.attributes,
          container: d.container,
          enabled: d.enabled,
          entitlements: drift ? [...held.slice(1), 'old-dept-ent'] : held,
        });
      }
      i++;
    }
    const planned = new Map(desired);
    for (let k = 3; k < N; k += 100) planned.set(`gone${k}`, []);
    const [ops, tPlan] = time('planAll (steady state with churn)', () =>
      planAll(planned, actual, new Map(apps.map((a) => [a.id, a])), new Map()),
    );
    console.log(
      `${accounts} desired accounts, ${entitlements} entitlements, ${actual.length} actual accounts, ${ops.length} ops`,
    );
    const [cold, tCold] = time('planAll (empty actual: everything created)', () =>
      planAll(desired, [], new Map(apps.map((a) => [a.id, a])), new Map()),
    );
    console.log(`cold plan: ${cold.length} ops`);
    expect(entitlements).toBeGreaterThan(1_500_000);
    expect(tDesired + tPlan).toBeLessThan(10_000);
    expect(tDesired + tCold).toBeLessThan(30_000);
  });
});
