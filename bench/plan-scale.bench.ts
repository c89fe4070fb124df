/**
 * Benchmark: the pure planner at scale — desiredState + planAll for N identities × 20 policies ×
 * 30 apps, steady state with churn and cold (empty actual state), in a process of its own.
 * No store, no I/O: what the domain code alone costs (import-plan.bench.ts is the whole path).
 */
import type { ApplicationConfig, PolicyConfig } from '../src/config/schema.js';
import { desiredState, type PlanningContext } from '../src/domain/desired.js';
import { planAll } from '../src/domain/plan.js';
import { app, hr, policy } from '../src/domain/test-fixtures.js';
import type { ActualAccount, DesiredAccount, Identity } from '../src/domain/types.js';
import { isMain, report, runChild } from './child.js';

export type PlanScaleFigures = {
  identities: number;
  policies: number;
  apps: number;
  desired_accounts: number;
  entitlements: number;
  actual_accounts: number;
  desired_s: number;
  plan_steady_s: number;
  steady_ops: number;
  plan_cold_s: number;
  cold_ops: number;
  /** user + system CPU over desiredState + both plans. */
  cpu_s: number;
  max_rss_mb: number;
};

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

const identities = (n: number): Identity[] =>
  Array.from({ length: n }, (_, i) => {
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

/** Steady state with churn: 2 % never provisioned, 3 % movers/drift, 1 % leavers. */
function actualFrom(desired: Map<string, DesiredAccount[]>): ActualAccount[] {
  const actual: ActualAccount[] = [];
  let i = 0;
  for (const list of desired.values()) {
    for (const d of list) {
      if (i % 50 === 1) continue;
      const held = Object.keys(d.entitlements);
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
  return actual;
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** Child side: build the org (not timed), then time desiredState, a steady plan and a cold plan. */
function measure(n: number): void {
  const people = identities(n);
  const appsById = new Map(apps.map((a) => [a.id, a]));
  const cpu0 = process.cpuUsage();
  let t = performance.now();
  const desired = desiredState(people, new Map(), ctx);
  const desiredS = seconds(t);

  let desiredAccounts = 0;
  let entitlements = 0;
  for (const list of desired.values()) {
    desiredAccounts += list.length;
    for (const d of list) entitlements += Object.keys(d.entitlements).length;
  }
  // These policies grant > 15 entitlements per person on average: fewer means the fixture
  // stopped planning what it should, and the figures would flatter the planner.
  if (entitlements < n * 15) throw new Error(`only ${entitlements} entitlements for ${n} people`);
  const actual = actualFrom(desired);
  const planned = new Map(desired);
  for (let k = 3; k < n; k += 100) planned.set(`gone${k}`, []);

  t = performance.now();
  const steady = planAll(planned, actual, appsById, new Map());
  const steadyS = seconds(t);
  t = performance.now();
  const cold = planAll(desired, [], appsById, new Map());
  const coldS = seconds(t);
  const cpu = process.cpuUsage(cpu0);
  report({
    identities: n,
    policies: policies.length,
    apps: apps.length,
    desired_accounts: desiredAccounts,
    entitlements,
    actual_accounts: actual.length,
    desired_s: desiredS,
    plan_steady_s: steadyS,
    steady_ops: steady.length,
    plan_cold_s: coldS,
    cold_ops: cold.length,
    cpu_s: (cpu.user + cpu.system) / 1e6,
  });
}

/** Parent side: one child process, so its heap and peak RSS are the planner's alone. */
export const benchPlanScale = (identities: number): Promise<PlanScaleFigures> =>
  runChild<PlanScaleFigures>(import.meta.url, [String(identities)]);

// `npx tsx bench/plan-scale.bench.ts 100000` runs it alone.
if (isMain(import.meta.url)) measure(Number(process.argv[2] ?? 100_000));
