/** Joiner, mover and leaver through the engine into a real slapd, on SQLite and PostgreSQL. */
import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ldapStats } from '../../src/connectors/ldap/stats.js';
import { reconcile } from '../../src/engine/reconcile/reconcile.js';
import { prepareRun } from '../../src/engine/runs/prepare-run.js';
import { applyRun, fullRun } from '../../src/engine/runs/runs.js';
import { testDialects } from '../support/databases.js';
import { entryAt, makeSubtree, type Subtree, settingsYaml, slapdEnv } from '../support/ldap.js';
import { person } from '../support/small-org.js';
import { makeWorkspace, type TestWorkspace } from '../support/workspace.js';

const d = slapdEnv();
const actor = 'admin:test';

const yaml = (t: Subtree) => `
organisation: { name: LDAP Co, time_zone: UTC }
sources: [{ id: hr, type: file, path: hr/people.csv }]
applications:
  - id: dir
    connector: ldap
    account_id: "{employee_id}"
    ${settingsYaml(d!, t)}
    entitlements: [{ id: staff }, { id: eng }, { id: sales }]
policies:
  - id: all
    accounts:
      - application: dir
        container: "ou={department}"
        attributes: { cn: "{display_name}", sn: "{last_name}", mail: "{email}", title: "{title}", manager: "{manager_id}" }
        entitlements: [staff]
  - id: eng
    when: { equals: { department: Engineering } }
    accounts: [{ application: dir, entitlements: [eng] }]
  - id: sales
    when: { equals: { department: Sales } }
    accounts: [{ application: dir, entitlements: [sales] }]
`;

const people = () => [
  person(1, { department: 'Engineering', title: 'Head of Engineering' }),
  person(2, { department: 'Engineering', manager_id: 'P001' }),
  person(3, { department: 'Engineering', manager_id: 'P001' }),
  person(4, {
    department: 'Sales',
    manager_id: 'P001',
    first_name: 'Zoë',
    last_name: 'a+b"c\\<d>;e=f',
  }),
  person(5, { department: 'Sales', manager_id: 'P001' }),
  person(6, { department: 'Sales', manager_id: 'P001' }),
];

describe.skipIf(!d).each(d ? testDialects() : ['sqlite' as const])(
  'ldap JML through the engine on %s',
  (dialect) => {
    let t: TestWorkspace;
    let dir: Subtree;
    const dn = (id: string, ou: string) => `uid=${id},ou=${ou},${dir.usersBase}`;
    const group = (g: string) => `cn=${g},${dir.groupsBase}`;

    beforeAll(async () => {
      dir = await makeSubtree(d!, 'jml');
      t = await makeWorkspace(dialect, { yaml: yaml(dir), demoFiles: false });
      t.writeHr('people.csv', people());
    });
    afterAll(async () => {
      await t?.cleanup();
      await dir?.cleanup();
    });

    it('joiners: accounts in their department OU, birthright groups, manager links', async () => {
      const run = await fullRun(t.ws, { actor, trigger: 'test:day1' });
      expect(run.apply.status).toBe('done');
      expect(run.apply.execution?.failures).toEqual([]);
      const p2 = await entryAt(dir.admin, dn('P002', 'Engineering'));
      expect(p2?.manager).toEqual([dn('P001', 'Engineering')]);
      expect(p2?.memberof?.sort()).toEqual([group('eng'), group('staff')]);
      const p4 = await entryAt(dir.admin, dn('P004', 'Sales'));
      expect(p4?.cn).toEqual(['Zoë a+b"c\\<d>;e=f']);
      expect(p4?.memberof?.sort()).toEqual([group('sales'), group('staff')]);
      expect((await t.ws.store.accounts.all('dir')).length).toBe(6);
    });

    it('mover: moves the OU and swaps the groups in one run; leaver: stripped and disabled', async () => {
      t.writeHr('people.csv', [
        ...people().filter((p) => p.employee_id !== 'P002' && p.employee_id !== 'P003'),
        person(2, { department: 'Sales', manager_id: 'P001' }),
        person(3, {
          department: 'Engineering',
          manager_id: 'P001',
          status: 'terminated',
          end_date: '2026-11-25',
        }),
      ]);
      t.setNow('2026-11-26T10:00:00Z');
      const run = await fullRun(t.ws, { actor, trigger: 'test:day2' });
      expect(run.apply.execution?.failures).toEqual([]);
      const kinds = run.apply.plan.ops.filter((o) => o.identity_id === 'P002').map((o) => o.kind);
      expect(kinds).toEqual(
        expect.arrayContaining(['account.move', 'entitlement.grant', 'entitlement.revoke']),
      );

      expect(await entryAt(dir.admin, dn('P002', 'Engineering'))).toBeUndefined();
      const p2 = await entryAt(dir.admin, dn('P002', 'Sales'));
      expect(p2?.memberof?.sort()).toEqual([group('sales'), group('staff')]);

      const p3 = await entryAt(dir.admin, dn('P003', 'Engineering'));
      expect(p3?.memberof).toBeUndefined();
      expect(p3?.pwdaccountlockedtime).toEqual(['000001010000Z']);
      const stored = (await t.ws.store.accounts.forIdentity('P003'))[0];
      expect(stored).toMatchObject({ enabled: false, entitlements: [] });

      // Re-running the same plan against the directory performs zero LDAP writes.
      const connector = await t.ws.connector('dir');
      ldapStats.reset();
      for await (const r of connector.apply(run.apply.plan.ops))
        expect(r.outcome, r.message).toBe('success');
      expect(ldapStats.writes()).toBe(0);
    });

    it('a third run has nothing to do and writes nothing', async () => {
      ldapStats.reset();
      expect((await prepareRun(t.ws)).ops).toEqual([]);
      expect((await applyRun(t.ws, { actor, trigger: 'test:again' })).status).toBe('nothing_to_do');
      expect(ldapStats.writes()).toBe(0);
    });

    it('read() agrees with the store', async () => {
      const connector = await t.ws.connector('dir');
      const stored = new Map((await t.ws.store.accounts.all('dir')).map((a) => [a.account_id, a]));
      let n = 0;
      for await (const a of connector.read()) {
        n++;
        const s = stored.get(a.account_id)!;
        expect(a.employee_id).toBe(s.identity_id);
        expect(a.enabled).toBe(s.enabled);
        expect(a.container).toBe(s.container);
        expect(a.entitlements).toEqual([...s.entitlements].sort());
        for (const [k, v] of Object.entries(s.attributes))
          if (v !== '') expect(a.attributes[k], k).toBe(v);
      }
      expect(n).toBe(stored.size);
    });

    it('reconciliation finds exactly a planted orphan and an extra group membership', async () => {
      await dir.admin.add(`uid=ghost,ou=Sales,${dir.usersBase}`, {
        objectClass: 'inetOrgPerson',
        uid: 'ghost',
        cn: 'Nobody Knows',
        sn: 'Knows',
      });
      await dir.admin.modify(
        group('eng'),
        new Change({
          operation: 'add',
          modification: new Attribute({ type: 'member', values: [dn('P005', 'Sales')] }),
        }),
      );
      const result = await reconcile(t.ws, { appId: 'dir', actor });
      const app = result.apps[0]!;
      expect(app.status, JSON.stringify(app.error)).toBe('done');
      const findings = await t.ws.store.reconciliations.findings(app.reconciliation_id!);
      expect(
        findings.map((f) => ({
          kind: f.kind,
          account: f.account_id,
          entitlement: f.entitlement_id,
          reason: f.reason,
        })),
      ).toEqual([
        { kind: 'orphan', account: 'ghost', entitlement: null, reason: 'no_identity' },
        { kind: 'drift', account: 'P005', entitlement: 'eng', reason: 'unjustified' },
      ]);
    });
  },
);
