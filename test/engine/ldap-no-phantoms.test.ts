/**
 * No phantom changes: against a real slapd and a real Samba AD, a converged directory reconciles
 * and plans to zero operations — after the joiners, and again after a mover/leaver cycle. The
 * people have empty optional attributes, managers who have no account, attribute names written
 * in another case than the directory's, groups and manager links.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ldapStats } from '../../src/connectors/ldap/stats.js';
import type { HrRecord, Operation } from '../../src/domain/types.js';
import { reconcile } from '../../src/engine/reconcile/reconcile.js';
import { prepareRun } from '../../src/engine/runs/prepare-run.js';
import { fullRun } from '../../src/engine/runs/runs.js';
import { testDialects } from '../support/databases.js';
import {
  type DirectoryEnv,
  entryAt,
  makeSubtree,
  type Subtree,
  sambaEnv,
  settingsYaml,
  slapdEnv,
} from '../support/ldap.js';
import { person } from '../support/small-org.js';
import { makeWorkspace, type TestWorkspace } from '../support/workspace.js';

const actor = 'admin:test';
const directories = [slapdEnv(), sambaEnv()].filter((d): d is DirectoryEnv => d !== undefined);

/** Where the (usually empty) preferred name goes: openldap keeps its notes in `description`. */
const optional = (d: DirectoryEnv) => (d.kind === 'samba' ? 'description' : 'displayname');

/** A DN-valued attribute, written with spaces and another case than the directory answers with. */
const seeAlso = (t: Subtree) => t.groupsBase.replace(/,/g, ', ').replace(/^ou=/, 'OU=');

/** Attribute names as a policy author might write them, not as the directory returns them. */
const attributes = (d: DirectoryEnv, t: Subtree) =>
  d.kind === 'samba'
    ? `{ cn: "{display_name}", sn: "{last_name}", givenname: "{first_name}", mail: "{email}", title: "{title}", Department: "{department}", description: "{preferred_name}", manager: "{manager_id}", account_expires: "{end_date}", wwwhomepage: "https://example.test/{employee_id}", seeAlso: "${seeAlso(t)}" }`
    : `{ cn: "{display_name}", SN: "{last_name}", givenname: "{first_name}", mail: "{email}", title: "{title}", departmentnumber: "{department}", displayname: "{preferred_name}", employeeType: "", manager: "{manager_id}", seeAlso: "${seeAlso(t)}" }`;

const yaml = (d: DirectoryEnv, t: Subtree, prefix: string) => `
organisation: { name: Converged Co, time_zone: UTC }
sources: [{ id: hr, type: file, path: hr/people.csv }]
applications:
  - id: dir
    connector: ldap
    account_id: "${prefix}{employee_id}"
    ${settingsYaml(d, t)}
    entitlements: [{ id: staff }, { id: eng }, { id: sales }, { id: leads }]
policies:
  - id: all
    when: { not: { in: { employment_type: [contractor, intern] } } }
    accounts:
      - application: dir
        container: "ou={department}"
        attributes: ${attributes(d, t)}
        entitlements: [staff]
  - id: contractors
    when: { equals: { employment_type: contractor } }
    accounts: [{ application: dir, container: "OU=External", attributes: { cn: "{display_name}", sn: "{last_name}" } }]
  - id: eng
    when: { equals: { department: Engineering } }
    accounts: [{ application: dir, entitlements: [eng] }]
  - id: sales
    when: { equals: { department: Sales } }
    accounts: [{ application: dir, entitlements: [sales] }]
  - id: leads
    when: { regex: { title: "^Head of " } }
    accounts: [{ application: dir, entitlements: [leads] }]
`;

/**
 * P001 heads Engineering (three groups); P005 is managed by someone not in HR (P900), P006 by an intern no policy
 * gives an account (P009); contractor P007 has an account in no group; P003 has a preferred name,
 * the others none; nobody has an end date.
 */
const day1 = (): HrRecord[] => [
  person(1, { department: 'Engineering', title: 'Head of Engineering' }),
  person(2, { department: 'Engineering', manager_id: 'P001' }),
  person(3, { department: 'Engineering', manager_id: 'P001', preferred_name: 'Tri' }),
  person(4, { department: 'Sales', manager_id: 'P001', first_name: 'Zoë' }),
  person(5, { department: 'Sales', manager_id: 'P900' }),
  person(6, { department: 'Sales', manager_id: 'P009' }),
  person(7, { department: 'Facilities', employment_type: 'contractor' }),
  person(9, { department: 'Facilities', employment_type: 'intern' }),
  person(10, { department: 'Sales', manager_id: 'P008' }),
  person(8, { department: 'Sales', manager_id: 'P004' }),
];

/**
 * Mover P002 (to Sales, new manager, new title), P003 drops the preferred name, P004 gets an end
 * date (ad: accountExpires), P008 leaves (and
 * stays P010's manager in HR: the link to the disabled account stays).
 */
const day2 = (): HrRecord[] =>
  day1().map((p) => {
    if (p.employee_id === 'P002')
      return { ...p, department: 'Sales', manager_id: 'P004', title: 'Account Executive' };
    if (p.employee_id === 'P003') return { ...p, preferred_name: null };
    if (p.employee_id === 'P004') return { ...p, end_date: '2027-01-31' };
    if (p.employee_id === 'P008') return { ...p, status: 'terminated', end_date: '2026-11-25' };
    return p;
  });

const summary = (ops: readonly Operation[]) =>
  ops.map((o) => `${o.kind} ${o.account_id}${o.entitlement ? ` ${o.entitlement}` : ''}`);

const cases = directories.flatMap((d) =>
  testDialects().map((dialect) => [d.kind, dialect, d] as const),
);

describe.skipIf(cases.length === 0).each(cases)(
  'no phantom changes on %s with %s',
  (_kind, dialect, d) => {
    let t: TestWorkspace;
    let dir: Subtree;
    // sAMAccountName is unique in the whole AD domain: logins carry this file's own prefix.
    const prefix = d.kind === 'samba' ? `np${randomBytes(2).toString('hex')}` : '';

    beforeAll(async () => {
      dir = await makeSubtree(d, 'np');
      t = await makeWorkspace(dialect, { yaml: yaml(d, dir, prefix), demoFiles: false });
    });
    afterAll(async () => {
      await t?.cleanup();
      await dir?.cleanup();
    });

    /** Reconciles, then the next plan's operations; `stored` is what the reconcile changed. */
    let stored: unknown;
    const reconcileThenPlan = async () => {
      const result = await reconcile(t.ws, { appId: 'dir', actor });
      expect(result.apps[0]?.status, JSON.stringify(result.apps[0]?.error)).toBe('done');
      stored = result.apps[0]?.changes;
      return summary((await prepareRun(t.ws)).ops);
    };
    const NOTHING = {
      accounts_added: 0,
      accounts_updated: 0,
      accounts_removed: 0,
      access_opened: 0,
      access_closed: 0,
    };

    it('joiners: run, reconcile, and the next plan has zero operations', async () => {
      t.writeHr('people.csv', day1());
      const run = await fullRun(t.ws, { actor, trigger: 'test:day1' });
      expect(run.apply.execution?.failures).toEqual([]);
      expect(summary((await prepareRun(t.ws)).ops)).toEqual([]);
      expect(await reconcileThenPlan()).toEqual([]);
      // And a second reconcile of the converged directory changes nothing either.
      expect(await reconcileThenPlan()).toEqual([]);
      expect(stored).toEqual(NOTHING);
    });

    it('mover and leaver: run, reconcile, and the next plan has zero operations again', async () => {
      t.writeHr('people.csv', day2());
      t.setNow('2026-11-26T10:00:00Z');
      const run = await fullRun(t.ws, { actor, trigger: 'test:day2' });
      expect(run.apply.execution?.failures).toEqual([]);
      expect(summary(run.apply.plan.ops)).toEqual(
        expect.arrayContaining([
          `account.move ${prefix}P002`,
          `entitlement.grant ${prefix}P002 sales`,
          `entitlement.revoke ${prefix}P002 eng`,
          `account.disable ${prefix}P008`,
        ]),
      );
      expect(summary((await prepareRun(t.ws)).ops)).toEqual([]);
      expect(await reconcileThenPlan()).toEqual([]);
      expect(await reconcileThenPlan()).toEqual([]);
      expect(stored).toEqual(NOTHING);
      // Applying the day's operations again writes nothing: the connector compares as the plan does.
      const connector = await t.ws.connector('dir');
      ldapStats.reset();
      for await (const r of connector.apply(run.apply.plan.ops))
        expect(r.outcome, r.message).toBe('success');
      expect(ldapStats.writes()).toBe(0);
    });

    it('the directory holds what HR says: manager links where the manager has an account', async () => {
      const accounts = new Map(
        (await t.ws.store.accounts.all('dir')).map((a) => [a.identity_id, a]),
      );
      expect(accounts.get('P002')?.attributes.manager).toBe('P004');
      expect(accounts.get('P005')?.attributes.manager ?? '').toBe('');
      expect(accounts.get('P006')?.attributes.manager ?? '').toBe('');
      expect(accounts.get('P007')).toMatchObject({ enabled: true, entitlements: [] });
      expect(accounts.has('P009')).toBe(false);
      expect(accounts.get('P003')?.attributes[optional(d)] ?? '').toBe('');
      expect(accounts.get('P008')).toMatchObject({ enabled: false, entitlements: [] });
      expect(accounts.get('P010')?.attributes.manager).toBe('P008');
      expect(accounts.get('P001')?.entitlements.sort()).toEqual(['eng', 'leads', 'staff']);
      // As reconciled: AD's accountExpires read back as the HR end date.
      const expires = d.kind === 'samba' ? '2027-01-31' : undefined;
      expect(accounts.get('P004')?.attributes.account_expires).toBe(expires);
      const p4 = accounts.get('P004')!;
      const entry = await entryAt(dir.admin, dn(d, dir, p4.container, p4));
      expect(entry?.manager?.length).toBe(1);
    });
  },
);

/** The DN of a stored account, as the flavour names it (uid= in slapd, CN= in AD). */
function dn(
  d: DirectoryEnv,
  t: Subtree,
  container: string | null,
  a: { account_id: string; attributes: Record<string, string> },
): string {
  const rdn = d.kind === 'samba' ? `CN=${a.attributes.cn}` : `uid=${a.account_id}`;
  return [rdn, container, t.usersBase].filter(Boolean).join(',');
}
